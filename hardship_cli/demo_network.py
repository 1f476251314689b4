"""`hardship demo`'s union network (帮扶中心网络): under the root (a city) two districts with two base unions each,
accounts at each unit, workers in each base union, and a campaign reviewed at the base union then at the district
(基层初审 → 区县复审) whose applications are left at each step: awaiting the base union, awaiting the district,
approved. What an earlier run made is found and kept."""

from datetime import date, timedelta

from hardship_cli.demo_calls import Gateway, demo_application, demo_campaign, make_tokens, not_approved
from shared.validation import id_check_char

NETWORK = {"城东区总工会": ("纺织厂工会", "机械厂工会"), "城西区总工会": ("化工厂工会", "食品厂工会")}
BASES = [base for bases in NETWORK.values() for base in bases]
REVIEW_LEVELS = ["base", "district"]
AMOUNT = 300_000
# the applications of each base union: left awaiting the base union, awaiting the district, approved
AWAITING_BASE, AWAITING_DISTRICT, APPROVED = range(3)
STEPS_TAKEN = {AWAITING_BASE: (), AWAITING_DISTRICT: ("base",), APPROVED: ("base", "district")}


def campaign_body(today: date) -> dict:
    return {
        "program": "warmth",
        "name": f"{today.year}年送温暖（逐级审核）",
        "year": today.year,
        "opens_on": (today - timedelta(days=7)).isoformat(),
        "closes_on": (today + timedelta(days=30)).isoformat(),
        "budget_fen": 24 * AMOUNT,
        "amounts": {"deep": AMOUNT, "relative": AMOUNT, "accident": AMOUNT},
        "publicity_days": 5,
        "review_levels": REVIEW_LEVELS,
    }


def build(gateway: Gateway, admin_token: str, today: date) -> tuple[list[str], dict]:
    """The network, its accounts, its campaign and its applications at each step: (lines to print, the reviewers'
    {label: token})."""
    units = network_units(gateway, admin_token)
    tokens = make_tokens(accounts(units))
    existing = gateway.call("GET", "/api/v1/campaigns?per_page=500", admin_token)["items"]
    campaign, _kept = demo_campaign(gateway, admin_token, existing, campaign_body(today))
    filed: dict[str, list[dict]] = {}
    for base in BASES:
        maker = tokens[f"{base}经办人"]
        filed[base] = [
            demo_application(gateway, maker, {"campaign_id": campaign["campaign_id"], "worker_id": worker_id})[0]
            for worker_id in base_workers(gateway, maker, units[base], base)
        ]
    failed = take_steps(gateway, tokens, filed)
    shown = gateway.call(
        "GET", "/api/v1/applications", admin_token, params={"campaign_id": campaign["campaign_id"], "per_page": 100}
    )["items"]
    waiting = {level: sum(item["review"]["next_level"] == level for item in shown) for level in REVIEW_LEVELS}
    approved = sum(item["status"] != "submitted" for item in shown)
    lines = [
        f"逐级审核演示：「{campaign['name']}」基层初审 → 区县复审，{len(NETWORK)} 个区县、"
        f"{len(BASES)} 个基层工会，申请 {len(shown)} 件："
        f"待基层审核 {waiting['base']} 件，待区县级审核 {waiting['district']} 件，已批准 {approved} 件。"
        + not_approved(failed, f"{gateway.base_url}/calendar"),
        f"  逐级审核项目:  {gateway.base_url}/campaigns/{campaign['campaign_id']}",
        f"  审核队列:      {gateway.base_url}/reviews（用下列各级审核人的令牌登录控制台，各自只看到待本级审核的申请）",
    ]
    return lines, {label: token for label, token in tokens.items() if label.endswith("审核人")}


def network_units(gateway: Gateway, token: str) -> dict[str, str]:
    """{name: org_unit_id} of the network's districts and base unions, those missing made under the root."""
    listed = gateway.call("GET", "/api/v1/org-units?per_page=500", token)["items"]
    (root_id,) = [unit["org_unit_id"] for unit in listed if unit["parent_id"] is None]
    units: dict[str, str] = {}
    for district, bases in NETWORK.items():
        units[district] = unit_under(gateway, token, listed, root_id, district, "district")
        for base in bases:
            units[base] = unit_under(gateway, token, listed, units[district], base, "base")
    return units


def unit_under(gateway: Gateway, token: str, listed: list[dict], parent_id: str, name: str, level: str) -> str:
    for unit in listed:
        if (unit["parent_id"], unit["name"]) == (parent_id, name):
            return unit["org_unit_id"]
    body = {"name": name, "parent_id": parent_id, "level": level}
    return gateway.call("POST", "/api/v1/org-units", token, json=body)["org_unit_id"]


def accounts(units: dict[str, str]) -> list[tuple]:
    """A reviewer at each district; a caseworker who files and one who reviews at each base union."""
    made = []
    for district, bases in NETWORK.items():
        made.append((f"{district}审核人", f"{district}审核人", "caseworker", units[district]))
        for base in bases:
            made += [(f"{base}{role}", f"{base}{role}", "caseworker", units[base]) for role in ("经办人", "审核人")]
    return made


def base_workers(gateway: Gateway, token: str, unit_id: str, name: str) -> list[str]:
    """The ids of the base union's first workers, one for each place an application is left at, those missing
    registered now."""
    query = {"org_unit_id": unit_id, "per_page": len(STEPS_TAKEN)}
    found = [worker["worker_id"] for worker in gateway.call("GET", "/api/v1/workers", token, params=query)["items"]]
    number = BASES.index(name)
    for index in range(len(found), len(STEPS_TAKEN)):
        found.append(gateway.call("POST", "/api/v1/workers", token, json=worker_body(name, number, index))["worker_id"])
    return found


def worker_body(union: str, number: int, index: int) -> dict:
    """A worker of the union whose numbers are the same on every run (the same file is never registered twice)."""
    first17 = f"310104{1968 + number}{index + 3:02d}1{number}{number}{index:02d}"
    serial = f"{number}{index:02d}"
    return {
        "name": f"{'赵钱孙李'[number]}{'建国秀英志强'[index * 2 : index * 2 + 2]}",
        "id_number": first17 + id_check_char(first17),
        "phone": f"1380021{serial}0",
        "employer": union.removesuffix("工会"),
        "union": union,
        "category": "deep",
        "reasons": ["illness"],
        "household_size": 3,
        "household_monthly_income_fen": 150_000,
        "bank": {"name": "中国工商银行", "account": f"62220210{serial}0000001"},
        "family": [],
        "filed_on": "2025-03-15",
    }


def take_steps(gateway: Gateway, tokens: dict, filed: dict[str, list[dict]]) -> list[dict]:
    """Each application's steps as far as its place says, level by level, one batch per reviewer (the base union's
    own, then its district's); what could not be approved (a missing calendar), as approve-batch lists it."""
    failed = []
    for level in REVIEW_LEVELS:
        due: dict[str, list[str]] = {}
        for district, bases in NETWORK.items():
            for base in bases:
                reviewer = f"{base if level == 'base' else district}审核人"
                due.setdefault(reviewer, []).extend(
                    application["application_id"]
                    for place, application in enumerate(filed[base])
                    if level in STEPS_TAKEN[place] and awaits(gateway, tokens[reviewer], application, level)
                )
        for reviewer, application_ids in due.items():
            if application_ids:
                body = {"application_ids": application_ids}
                failed += gateway.call("POST", "/api/v1/applications/approve-batch", tokens[reviewer], json=body)[
                    "failed"
                ]
    return failed


def awaits(gateway: Gateway, token: str, application: dict, level: str) -> bool:
    """Whether the application (read again: an earlier step of this run moved it) waits for a step at `level`."""
    now = gateway.call("GET", f"/api/v1/applications/{application['application_id']}", token)
    return now["status"] == "submitted" and now["review"]["next_level"] == level
