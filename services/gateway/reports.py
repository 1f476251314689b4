"""The roll-up report (统计报表) that the API and the console show: aid's and the registry's figures of a unit's subtree,
folded by rollup.py and dumped by the schema that documents the answer. aid is asked first: the registry's units of the
subtree, read last, then hold every unit either service counted."""

from services.aid.domain.statuses import STATUSES
from services.gateway.answers import ReportSummarySchema
from services.gateway.backends import Backend
from services.gateway.rollup import Counted, Unit, roll_up
from services.gateway.schemas import ReportQuerySchema
from services.registry.rules import CATEGORIES
from shared import clock
from shared.schemas import load_or_400

ZERO = {
    "workers": {"active": 0, "by_category": dict.fromkeys(CATEGORIES, 0)},
    "applications": {"by_status": dict.fromkeys(STATUSES, 0)},
    "approved_fen": 0,
    "disbursed_fen": 0,
}
SUMMARY = ReportSummarySchema()


def _unit(item: dict) -> Unit:
    return Unit(item["org_unit_id"], item["name"], item["path"])


def _counted(item: dict) -> Counted:
    return Counted(item["org_unit_id"], {key: value for key, value in item.items() if key != "org_unit_id"})


def summary(aid: Backend, registry: Backend, org_unit_id: str | None, year: int, scope: str | None) -> dict:
    """The report of `org_unit_id` (None: the caller's unit) for `year`, for a caller whose unit is `scope`."""
    applications = aid.call("report_figures", org_unit_id, year, scope)
    files = registry.call("report_figures", org_unit_id, scope)
    unit = _unit(files["unit"])
    counted = [_counted(item) for item in applications + files["figures"]]
    report = roll_up(unit, [_unit(child) for child in files["children"]], files["paths"], counted, ZERO)
    return SUMMARY.dump({"org_unit_id": unit.org_unit_id, "name": unit.name, "year": year, **report})


def asked(aid: Backend, registry: Backend, config, args: dict, scope: str | None) -> dict:
    """The report a query asks for, API and console alike: `year` defaults to this year, `org_unit_id` to the
    caller's unit."""
    query = load_or_400(ReportQuerySchema(), args)
    year = query.get("year") or clock.today(config).year
    return summary(aid, registry, query.get("org_unit_id"), year, scope)
