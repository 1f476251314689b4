"""Each service's migrations build exactly the tables its models describe, and can be undone."""

from datetime import UTC

import pytest
from alembic import command

from shared.migrations import alembic_config

SERVICES = ("registry", "aid", "notify", "gateway")


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_match_the_models_and_downgrade_cleanly(service, db_urls):
    config = alembic_config(service, db_urls[f"{service.upper()}_DB_URL"])

    command.upgrade(config, "head")
    command.check(config)  # raises when autogenerate finds any difference from the models
    command.downgrade(config, "base")
    command.upgrade(config, "head")


def test_aid_0006_gives_older_applications_their_sms_number_and_a_chinese_history(db_urls):
    import json
    from datetime import datetime

    import sqlalchemy as sa

    from shared.db import make_engine

    url = db_urls["AID_DB_URL"]
    config = alembic_config("aid", url)
    command.upgrade(config, "0005")
    engine, now = make_engine(url), datetime(2026, 8, 10, tzinfo=UTC)
    application_id = "019a2b3c4d5e6f708192a3b4c587267d"
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO campaigns VALUES ('c1', 'warmth', '送温暖', 2026, '2026-08-01', '2026-08-31', 0, 0, 0, 0, '{}', 5,"
                " 'admin:1', :now)"
            ),
            {"now": now},
        )
        connection.execute(
            sa.text(
                "INSERT INTO applications (application_id, campaign_id, program, worker_id, status, amount_fen, name_masked,"
                " id_number_masked, id_last4, \"union\", category, submitted_by, created_at, updated_at) VALUES (:id, 'c1',"
                " 'warmth', 'w1', 'submitted', 300000, '王*', '110105********1234', '1234', '工会', 'deep', 'caseworker:1',"
                " :now, :now)"
            ),
            {"id": application_id, "now": now},
        )
        connection.execute(
            sa.text(
                "INSERT INTO application_history (application_id, from_status, to_status, actor, reason, at) VALUES"
                " (:id, 'ready', 'submitted', 'system:registry', '职工档案状态变为 exited，退回重新审核', :now)"
            ),
            {"id": application_id, "now": now},
        )

    command.upgrade(config, "head")

    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT short_number FROM applications")).scalar() == "87267D"
        assert (
            connection.execute(sa.text("SELECT reason FROM application_history")).scalar()
            == "职工档案状态变为已退出，退回重新审核"
        )
        # 0007: the campaigns made before the tree belong to the root and are approved once
        owner, levels = connection.execute(sa.text("SELECT org_unit_id, review_levels FROM campaigns")).one()
        assert (owner, levels if isinstance(levels, list) else json.loads(levels)) == (None, [])
        # 0008: aid cannot know the unit of an application filed before the tree: it is the root's
        assert tuple(connection.execute(sa.text("SELECT org_unit_id, path FROM applications")).one()) == (None, None)
    engine.dispose()
    command.downgrade(config, "0005")  # with the rows still there


def test_registry_0003_downgrades_with_workers_and_their_history_still_there(db_urls):
    """SQLite checks foreign keys: rebuilding `workers` to drop a column would fail while its history refers to it."""
    from datetime import date, datetime

    import sqlalchemy as sa

    from services.registry.models import status_history, workers
    from shared.db import make_engine

    url = db_urls["REGISTRY_DB_URL"]
    config = alembic_config("registry", url)
    command.upgrade(config, "head")
    engine, now = make_engine(url), datetime(2026, 8, 10, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            workers.insert().values(
                worker_id="w1",
                name="王测试",
                id_number_hash="h" * 64,
                id_number_masked="110105********1234",
                sealed="x",
                gender="male",
                birth_date=date(1970, 1, 1),
                phone_masked="138****0000",
                employer="测试厂",
                union="工会",
                org_unit_id="u" * 32,
                path=f"{'r' * 32}/{'u' * 32}/",
                category="deep",
                reasons="illness",
                household_size=3,
                household_monthly_income_fen=100000,
                bank_name="测试银行",
                bank_account_masked="****1234",
                family=[],
                filed_on=date(2026, 1, 1),
                review_due_on=date(2027, 1, 1),
                status="active",
                fingerprint="f" * 64,
                version=1,
                created_at=now,
                updated_at=now,
                bank_changed_at=now,
            )
        )
        connection.execute(
            status_history.insert().values(
                worker_id="w1", from_status=None, to_status="active", reason="建档", actor="caseworker:1", at=now
            )
        )

    command.downgrade(config, "0002")

    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM workers")).scalar() == 1
        assert connection.execute(sa.text("SELECT count(*) FROM worker_status_history")).scalar() == 1
    engine.dispose()


def test_registry_0004_gives_an_existing_registry_its_root_unit_and_announces_it(db_urls):
    """The root is named by ORG_ROOT_NAME at ORG_ROOT_LEVEL, and its org_unit_created event waits in the outbox, so
    the other services learn it as they learn any unit."""
    import json

    import sqlalchemy as sa

    from shared.db import make_engine
    from shared.event_types import read

    url = db_urls["REGISTRY_DB_URL"]
    config = alembic_config("registry", url, {"ORG_ROOT_NAME": " 某市总工会 ", "ORG_ROOT_LEVEL": "city"})
    command.upgrade(config, "0003")
    command.upgrade(config, "head")

    engine = make_engine(url)
    with engine.connect() as connection:
        (root,) = connection.execute(sa.text("SELECT * FROM org_units")).all()
        (event_type, payload) = connection.execute(sa.text("SELECT event_type, payload FROM outbox")).one()
    engine.dispose()
    assert (root.name, root.level, root.parent_id, root.path, root.depth) == (
        "某市总工会",
        "city",
        None,
        f"{root.org_unit_id}/",
        0,
    )
    event = read(event_type, json.loads(payload))
    assert (event_type, event.org_unit_id, event.name, event.path) == (
        "org_unit_created",
        root.org_unit_id,
        "某市总工会",
        [],
    )


def test_registry_0005_gives_each_union_a_base_unit_and_every_file_its_unit_with_nothing_lost(db_urls):
    """Files named their union in free text before: each name becomes a base unit under the root (a child of the
    root already of that name is kept), announced like any unit, and each union keeps exactly its files."""
    import json
    from datetime import datetime

    import sqlalchemy as sa

    from shared.db import make_engine
    from shared.event_types import read

    url = db_urls["REGISTRY_DB_URL"]
    config = alembic_config("registry", url)
    command.upgrade(config, "0004")
    engine, now = make_engine(url), datetime(2026, 8, 10, tzinfo=UTC)
    unions = ["纺织工会"] * 3 + ["建设工会"] * 2 + ["交通工会"]
    with engine.begin() as connection:
        root = connection.execute(sa.text("SELECT org_unit_id, path FROM org_units")).one()
        kept = "k" * 32  # an admin made 建设工会 under the root before this revision
        connection.execute(
            sa.text("INSERT INTO org_units VALUES (:id, '建设工会', :root, 'base', :path, 1, 0, 1, :now, :now)"),
            {"id": kept, "root": root.org_unit_id, "path": f"{root.path}{kept}/", "now": now},
        )
        connection.execute(
            sa.text("UPDATE org_units SET children = 1 WHERE org_unit_id = :root"), {"root": root.org_unit_id}
        )
        for number, union in enumerate(unions):
            _file_worker(connection, number, union, now)
        connection.execute(
            sa.text(
                "INSERT INTO imports (import_id, actor, status, total_rows, processed_rows, progress, started_at)"
                " VALUES ('i1', 'caseworker:1', 'done', 6, 6, 100, :now)"
            ),
            {"now": now},
        )
        connection.execute(sa.text("DELETE FROM outbox"))
        before = dict(connection.execute(sa.text('SELECT "union", count(*) FROM workers GROUP BY "union"')).all())

    command.upgrade(config, "head")

    with engine.connect() as connection:
        units = {row.name: row for row in connection.execute(sa.text("SELECT * FROM org_units WHERE depth = 1"))}
        after = dict(
            connection.execute(
                sa.text(
                    "SELECT u.name, count(*) FROM workers w JOIN org_units u"
                    " ON u.org_unit_id = w.org_unit_id AND u.path = w.path GROUP BY u.name"
                )
            ).all()
        )
        events = [
            read(kind, json.loads(payload))
            for kind, payload in connection.execute(
                sa.text("SELECT event_type, payload FROM outbox WHERE event_type = 'org_unit_created'")
            )
        ]
        imported = connection.execute(sa.text("SELECT org_unit_id, path FROM imports")).one()
        children = connection.execute(sa.text("SELECT children FROM org_units WHERE depth = 0")).scalar()
    engine.dispose()
    assert after == before == {"纺织工会": 3, "建设工会": 2, "交通工会": 1}
    assert units["建设工会"].org_unit_id == kept
    assert {(unit.level, unit.parent_id) for unit in units.values()} == {("base", root.org_unit_id)}
    assert children == 3
    assert sorted((event.name, event.path) for event in events) == [
        ("交通工会", [root.org_unit_id]),
        ("纺织工会", [root.org_unit_id]),
    ]
    assert tuple(imported) == tuple(root)
    command.downgrade(config, "0004")  # with the files still there


def _file_worker(connection, number: int, union: str, at, unit: tuple[str, str] | None = None) -> None:
    """A worker's file as the registry stored it before revision 0005 (no unit), or after it (`unit`: id, path)."""
    from datetime import date

    import sqlalchemy as sa

    columns = ", org_unit_id, path" if unit else ""
    values = ", :unit_id, :path" if unit else ""
    connection.execute(
        sa.text(
            "INSERT INTO workers (worker_id, name, id_number_hash, id_number_masked, sealed, gender, birth_date,"
            ' phone_masked, employer, "union", category, reasons, household_size, household_monthly_income_fen,'
            " bank_name, bank_account_masked, family, filed_on, review_due_on, status, fingerprint, version,"
            f" created_at, updated_at{columns}) VALUES (:id, '王测试', :hash, '110105********1234', 'x', 'male', :born,"
            " '138****0000', '测试厂', :union, 'deep', 'illness', 3, 100000, '测试银行', '****1234', '[]',"
            f" :filed, :due, 'active', :hash, 1, :now, :now{values})"
        ),
        {
            "id": f"w{number}",
            "hash": f"{number:064d}",
            "born": date(1970, 1, 1),
            "union": union,
            "filed": date(2026, 1, 1),
            "due": date(2027, 1, 1),
            "now": at,
            "unit_id": unit and unit[0],
            "path": unit and unit[1],
        },
    )


def test_registry_0007_announces_each_files_unit_once_so_aid_files_older_applications_there(db_urls):
    """aid keeps applications made before units at the root until it hears of their worker's unit: each file gets one
    worker_updated naming its unit, as a move would, readable by the event's schema."""
    import json
    from datetime import datetime

    import sqlalchemy as sa

    from shared.db import make_engine
    from shared.event_types import read

    url = db_urls["REGISTRY_DB_URL"]
    config = alembic_config("registry", url)
    command.upgrade(config, "0006")
    engine, now = make_engine(url), datetime(2026, 8, 10, tzinfo=UTC)
    with engine.begin() as connection:
        root = connection.execute(sa.text("SELECT org_unit_id, path FROM org_units")).one()
        for number in range(3):
            _file_worker(connection, number, "纺织工会", now, (root.org_unit_id, root.path))
        connection.execute(sa.text("DELETE FROM outbox"))

    command.upgrade(config, "head")

    with engine.connect() as connection:
        events = [
            read(kind, json.loads(payload))
            for kind, payload in connection.execute(sa.text("SELECT event_type, payload FROM outbox"))
        ]
    engine.dispose()
    assert sorted((event.worker_id, event.org_unit_id, event.changed, event.version) for event in events) == [
        (f"w{number}", root.org_unit_id, ["union"], 1) for number in range(3)
    ]
    assert len({event.event_id for event in events}) == 3
