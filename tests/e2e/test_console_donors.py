"""The donor pages for staff: /donors (the donors their unit and the units below it took on, a page at a time) and
/donors/<donor_id> (the donor, each gift and the disbursements it paid for), as the API's donor and trace answer."""

import re

from tests.e2e.aid_builders import acted, aid_api, create_campaign, submitted  # noqa: F401
from tests.e2e.builders import add_unit, new_donor, new_user, own_tag, root_unit
from tests.e2e.console_client import signed_in
from tests.e2e.scope_builders import registered
from tests.e2e.test_console_money import text_of, unique

SHOWN = 50  # donors on a page


def paid_gift(api, unit: dict, finance_token: str, donor_id: str, tag: str) -> dict:
    """A gift restricted to a campaign of the unit, and a worker of the unit paid from it by hand: the gift's body
    (with its receipt), the campaign and the application."""
    campaign = create_campaign(
        api, publicity_days=0, budget_fen=0, org_unit_id=unit["org_unit_id"], name=f"区级送温暖{tag}"
    )
    gift = api.post(
        "/api/v1/donations",
        token=finance_token,
        json={
            "donor_id": donor_id,
            "amount_fen": 500_000,
            "campaign_id": campaign["campaign_id"],
            "received_on": "2026-08-01",
            "external_ref": unique("ICBC-DONOR"),
        },
    )
    assert gift.status_code == 201, gift.text
    maker, checker = (new_user(api, "caseworker", org_unit_id=unit["org_unit_id"])["token"] for _ in range(2))
    filed = submitted(api, maker, campaign["campaign_id"], registered(api, maker, unit["name"])["worker_id"])
    acted(api, checker, filed["application_id"], "approve")
    paid = api.post(
        f"/api/v1/applications/{filed['application_id']}/disburse",
        token=finance_token,
        json={"bank_ref": unique("PAY")},
    )
    assert paid.status_code == 200, paid.text
    return {"gift": gift.json(), "campaign": campaign, "application_id": filed["application_id"]}


def test_staff_who_read_money_page_through_their_units_donors_and_trace_each_gift(aid_api):
    tag = own_tag()
    district = add_unit(aid_api, f"捐赠区总工会{tag}", root_unit(aid_api), "district")
    beside = add_unit(aid_api, f"邻区总工会{tag}", root_unit(aid_api), "district")
    finance_token = new_user(aid_api, "finance", org_unit_id=district["org_unit_id"])["token"]
    donor = new_donor(aid_api, finance_token, name=f"某某科技{tag}", kind="organization", phone="13800138000")
    for number in range(SHOWN):  # before it by name: the donor is on the second page
        new_donor(aid_api, finance_token, name=f"捐赠人{number:02d}{tag}")
    elsewhere = new_donor(
        aid_api, new_user(aid_api, "finance", org_unit_id=beside["org_unit_id"])["token"], name=f"邻区商户{tag}"
    )
    paid = paid_gift(aid_api, district, finance_token, donor["donor_id"], tag)

    finance = signed_in(aid_api.base_url, finance_token)
    home = finance.get("/").text
    assert 'href="/donors"' in home[home.index("<nav>") : home.index("</nav>")]
    first = finance.get("/donors").text
    assert f"共 {SHOWN + 1} 位" in first and donor["donor_id"] not in first and 'href="/donors?page=2"' in first
    second = finance.get("/donors?page=2").text
    assert f'href="/donors/{donor["donor_id"]}"' in second and "138****8000" in second and "13800138000" not in second
    assert district["name"] in text_of(second, "donors") and elsewhere["donor_id"] not in first + second
    refused = finance.get("/donors?page=abc")
    assert refused.status_code == 400 and 'data-field="page"' in refused.text

    auditor = signed_in(aid_api.base_url, new_user(aid_api, "auditor", org_unit_id=district["org_unit_id"])["token"])
    for staff in (finance, auditor):
        page = staff.get(f"/donors/{donor['donor_id']}")
        assert page.status_code == 200
        totals = text_of(page.text, "trace-totals")
        assert "¥5,000.00" in totals and "¥3,000.00" in totals and "¥2,000.00" in totals
        gift = text_of(page.text, f"gift-{paid['gift']['donation_id']}")
        assert "张*明" in gift and "¥3,000.00" in gift and paid["application_id"] in gift
        assert paid["gift"]["receipt_no"] in page.text and f"定向：区级送温暖{tag}" in page.text
        assert "张小明" not in page.text
        assert staff.get(f"/donors/{elsewhere['donor_id']}").status_code == 404  # another district's: not found
    assert re.search(r"<th>手机号</th><td>138\*\*\*\*8000</td>", auditor.get(f"/donors/{donor['donor_id']}").text)

    for role in ("caseworker", "donor"):  # the API's roles: admin, finance, auditor (a donor reads its own on /trace)
        other = signed_in(aid_api.base_url, new_user(aid_api, role, org_unit_id=district["org_unit_id"])["token"])
        assert other.get("/donors").status_code == 403
        assert other.get(f"/donors/{donor['donor_id']}").status_code == 403
