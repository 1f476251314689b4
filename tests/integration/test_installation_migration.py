"""Issue 19's migration of an existing installation, whole: a city's databases as they stood before the union tree
(tests/integration/old_installation.py), migrated by `hardship migrate` as an operator runs it, then the services
started, which learn the units from the registry's events. The root and one base unit per union name exist, every
file, application, campaign, donor, gift, account, message and opt-out has its unit, no row is lost, and the roll-up
report, the campaigns' money and the donors' traces say what the old tables said, to the fen, read with the old
accounts' tokens.

A union's figures before are those of its files as they are now: an application counts where its worker's file is
(W07 moved after filing; registry 0007 moves the applications with the file, as a move does in the tree)."""

import copy

import sqlalchemy as sa
from alembic import command

from services.aid.service import AidService
from services.gateway.service import GatewayService
from services.notify.service import NotifyService
from services.registry.service import RegistryService
from shared.crypto import Vault, load_master_key
from shared.migrations import alembic_config
from tests.conftest import system_settings
from tests.e2e.conftest import Api
from tests.e2e.test_cli import hardship
from tests.integration import old_installation as old
from tests.integration.conftest import wait_until

ROOT_NAME = "某市总工会"
YEARS = (2025, 2026)
UNIONS = sorted({union for _name, union, *_ in old.WORKERS.values()})
WITH_UNITS = {  # service: the tables whose rows must each get a unit
    "aid": ("applications", "campaigns", "donors", "donations"),
    "gateway": ("users",),
    "notify": ("messages", "opt_outs"),
}


def test_an_installation_filed_before_the_union_tree_keeps_every_record_and_figure(
    db_urls, rabbit_config, runner_factory, tmp_path
):
    config = {
        **system_settings(rabbit_config["AMQP_URI"], db_urls, tmp_path / "var"),
        "HARDSHIP_TODAY": "2026-12-04",
        "EVENT_RETRY_DELAYS": "0.1,0.3,1,3",  # a worker's unit may reach aid just before the unit itself
    }
    urls = {service: config[f"{service.upper()}_DB_URL"] for service in old.OLD_REVISIONS}
    for service, revision in old.OLD_REVISIONS.items():
        command.upgrade(alembic_config(service, urls[service]), revision)
    old.file_installation(urls, Vault(load_master_key(config)))
    rows = row_counts(urls)
    before = {year: union_figures(urls, year) for year in YEARS}
    campaigns, donors = campaign_figures(urls), donor_figures(urls)

    migrated = hardship(
        "migrate",
        env={
            **{key: config[key] for key in ("AMQP_URI", "HARDSHIP_VAR_DIR", "DATA_KEY")},
            **{f"{service.upper()}_DB_URL": url for service, url in urls.items()},
            "ORG_ROOT_NAME": ROOT_NAME,
        },
    )
    assert migrated.returncode == 0, migrated.stderr
    assert "事件队列已就绪" in migrated.stdout, migrated.stdout + migrated.stderr

    runner_factory(config, RegistryService, AidService, NotifyService, GatewayService).start()
    wait_until(lambda: not without_unit(urls), timeout=30, describe=lambda: without_unit(urls))

    after = row_counts(urls)
    assert {table: after[table] for table in rows} == rows
    root, unit_of = check_units(urls)
    check_records_units(urls, root, unit_of)
    api = Api(f"http://127.0.0.1:{config['GATEWAY_PORT']}")
    for year in YEARS:
        check_report(api, year, root, unit_of, before[year])
    for key, figures in campaigns.items():
        shown = _ok(api.get(f"/api/v1/campaigns/{key}", token=old.ADMIN_TOKEN))
        assert {name: shown[name] for name in figures} == figures, key
    for key, figures in donors.items():
        trace = _ok(api.get(f"/api/v1/donors/{key}/trace", token=old.ADMIN_TOKEN))
        assert {name: trace[name] for name in figures} == figures, key
    # an old caseworker's account still works, and sees the whole city, as before
    assert _ok(api.get("/api/v1/workers", token="token-U2"))["total"] == len(old.WORKERS)


def _ok(response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


def _read(url: str, query: str, **params) -> list:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(query), params).all()
    finally:
        engine.dispose()


def row_counts(urls: dict) -> dict:
    """Rows per table of the old schema; the event tables change as events go, as they should."""
    counts = {}
    for service, url in urls.items():
        engine = sa.create_engine(url)
        try:
            with engine.connect() as connection:
                for table in sa.inspect(connection).get_table_names():
                    if not table.startswith("alembic_version") and table not in ("inbox", "outbox", "org_units"):
                        counts[f"{service}.{table}"] = connection.execute(
                            sa.text(f'SELECT count(*) FROM "{table}"')
                        ).scalar()
        finally:
            engine.dispose()
    return counts


def zero() -> dict:
    return {
        "workers": {"active": 0, "by_category": dict.fromkeys(old.CATEGORIES, 0)},
        "applications": {"by_status": dict.fromkeys(old.STATUSES, 0)},
        "approved_fen": 0,
        "disbursed_fen": 0,
    }


def added(first: dict, second: dict) -> dict:
    return {
        key: added(value, second[key]) if isinstance(value, dict) else value + second[key]
        for key, value in first.items()
    }


def union_figures(urls: dict, year: int) -> dict[str, dict]:
    """What the old tables say of each union for the year: its active files by category, the year's applications by
    status, the money approved (an approval that stands) and paid."""
    files = _read(urls["registry"], 'SELECT worker_id, "union", category, status FROM workers')
    filed = _read(
        urls["aid"],
        "SELECT a.worker_id, a.status, a.amount_fen FROM applications a"
        " JOIN campaigns c ON c.campaign_id = a.campaign_id WHERE c.year = :year",
        year=year,
    )
    union_of = {worker_id: union for worker_id, union, _category, _status in files}
    figures = {union: zero() for union in union_of.values()}
    for _worker, union, category, status in files:
        if status == "active":
            figures[union]["workers"]["active"] += 1
            figures[union]["workers"]["by_category"][category] += 1
    for worker_id, status, amount_fen in filed:
        union = figures[union_of[worker_id]]
        union["applications"]["by_status"][status] += 1
        union["approved_fen"] += amount_fen if status in old.APPROVED else 0
        union["disbursed_fen"] += amount_fen if status == "disbursed" else 0
    return figures


def campaign_figures(urls: dict) -> dict[str, dict]:
    """Each campaign's applications by status and its money as its ledger accounts hold it."""
    counts = _read(urls["aid"], "SELECT campaign_id, status, count(*) FROM applications GROUP BY campaign_id, status")
    held = dict(
        _read(
            urls["aid"],
            "SELECT account, sum(amount_fen) FROM ledger_entries WHERE account LIKE 'campaign:%' GROUP BY account",
        )
    )
    figures = {}
    for (campaign_id,) in _read(urls["aid"], "SELECT campaign_id FROM campaigns"):
        money = {
            side: int(held.get(f"campaign:{campaign_id}:{side}", 0)) for side in ("funds", "committed", "disbursed")
        }
        figures[campaign_id] = {
            "counts": dict.fromkeys(old.STATUSES, 0)
            | {status: count for campaign, status, count in counts if campaign == campaign_id},
            "available_fen": sum(money.values()),
            "remaining_fen": money["funds"],
            "committed_fen": money["committed"],
            "disbursed_fen": money["disbursed"],
        }
    return figures


def donor_figures(urls: dict) -> dict[str, dict]:
    """What each donor gave and how much of it was paid out to families."""
    given = _read(urls["aid"], "SELECT donor_id, sum(amount_fen) FROM donations GROUP BY donor_id")
    spent = dict(
        _read(
            urls["aid"],
            "SELECT d.donor_id, sum(p.amount_fen) FROM payouts p JOIN donations d ON d.donation_id = p.donation_id"
            " GROUP BY d.donor_id",
        )
    )
    return {
        donor_id: {
            "donated_fen": int(donated),
            "allocated_fen": int(spent.get(donor_id, 0)),
            "unallocated_fen": int(donated) - int(spent.get(donor_id, 0)),
        }
        for donor_id, donated in given
    }


def without_unit(urls: dict) -> dict[str, int]:
    """The records still waiting for their unit, by table: none once every service has heard the registry."""
    waiting = {}
    for service, tables in WITH_UNITS.items():
        for table in tables:
            count = _read(urls[service], f"SELECT count(*) FROM {table} WHERE org_unit_id IS NULL")[0][0]
            if count:
                waiting[f"{service}.{table}"] = count
    return waiting


def check_units(urls: dict) -> tuple:
    """The root as ORG_ROOT_NAME names it, and exactly one base unit under it per union name; (root, {name: id})."""
    units = _read(urls["registry"], "SELECT org_unit_id, name, parent_id, level, path, depth FROM org_units")
    (root,) = [unit for unit in units if unit.parent_id is None]
    assert (root.name, root.level, root.path, root.depth) == (ROOT_NAME, "city", f"{root.org_unit_id}/", 0)
    below = [unit for unit in units if unit.parent_id is not None]
    assert sorted(unit.name for unit in below) == UNIONS
    assert {(unit.parent_id, unit.level, unit.path, unit.depth) for unit in below} == {
        (root.org_unit_id, "base", f"{root.path}{unit.org_unit_id}/", 1) for unit in below
    }
    return root, {unit.name: unit.org_unit_id for unit in below}


def check_records_units(urls: dict, root, unit_of: dict) -> None:
    """Files, applications, messages and opt-outs in their worker's union; what was the whole city's in the root."""
    worker_unit = {old.ident(key): unit_of[union] for key, (_name, union, *_) in old.WORKERS.items()}
    files = _read(urls["registry"], "SELECT worker_id, org_unit_id, path FROM workers")
    assert {worker: (unit, path) for worker, unit, path in files} == {
        worker: (unit, f"{root.path}{unit}/") for worker, unit in worker_unit.items()
    }
    applications = _read(urls["aid"], 'SELECT application_id, worker_id, org_unit_id, path, "union" FROM applications')
    assert {row.application_id: (row.org_unit_id, row.path) for row in applications} == {
        row.application_id: (worker_unit[row.worker_id], f"{root.path}{worker_unit[row.worker_id]}/")
        for row in applications
    }
    # the name an application was filed under stays on it (W07's says 建设工会), though it counts where W07 is now
    filed_under = {
        old.ident(key): old.WORKERS[worker][4] or old.WORKERS[worker][1]
        for key, (_campaign, worker, *_) in old.APPLICATIONS.items()
    }
    assert {row.application_id: row.union for row in applications} == filed_under
    for service, query in (
        ("notify", "SELECT worker_id, org_unit_id FROM messages"),
        ("notify", "SELECT worker_id, org_unit_id FROM opt_outs"),
    ):
        assert all(unit == worker_unit[worker] for worker, unit in _read(urls[service], query)), query
    for service, tables in (("aid", ("campaigns", "donors", "donations")), ("gateway", ("users",))):
        for table in tables:
            assert {unit for (unit,) in _read(urls[service], f"SELECT org_unit_id FROM {table}")} == {root.org_unit_id}


def check_report(api: Api, year: int, root, unit_of: dict, before: dict) -> None:
    """The roll-up report read by the old admin (the root's now): the root's total, its children (one per union) and
    `own` as the old tables said, to the fen; each union's own report the same."""
    report = _ok(api.get(f"/api/v1/reports/summary?year={year}", token=old.ADMIN_TOKEN))
    assert (report["org_unit_id"], report["name"], report["year"]) == (root.org_unit_id, ROOT_NAME, year)
    children = {child.pop("name"): child for child in copy.deepcopy(report["children"])}
    assert {name: child.pop("org_unit_id") for name, child in children.items()} == unit_of
    assert children == before, year
    assert report["own"] == zero()
    assert report["total"] == _sum(before.values())
    assert added(report["own"], _sum(children.values())) == report["total"]
    for name, unit_id in unit_of.items():
        own = _ok(api.get(f"/api/v1/reports/summary?year={year}&org_unit_id={unit_id}", token=old.ADMIN_TOKEN))
        assert (own["total"], own["own"], own["children"]) == (before[name], before[name], []), (year, name)


def _sum(figures) -> dict:
    total = zero()
    for item in figures:
        total = added(total, item)
    return total
