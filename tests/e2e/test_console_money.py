"""Finance, donor, public and admin console pages over HTTP: gifts, batches, charts, trace, lookups, accounts."""

import csv
import io
import re
import uuid

from tests.conftest import ADMIN_TOKEN
from tests.e2e.aid_builders import Staff, acted, aid_api, create_campaign, submitted, worker  # noqa: F401
from tests.e2e.builders import add_unit, masked_id, new_user, own_tag, root_unit
from tests.e2e.console_client import Console, signed_in

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def unique(ref: str) -> str:
    """A bank reference of this test's own: a gift is recorded once per reference in the whole (shared) system."""
    return f"{ref}-{uuid.uuid4().hex[:8]}"


def ready_application(api, campaign_id: str) -> tuple[dict, dict]:
    """A worker and their application, approved by a second caseworker and ready to pay (no 公示)."""
    staff = Staff(api)
    body, registered = worker(api, name="欧阳丽娜")
    filed = submitted(api, staff.maker, campaign_id, registered["worker_id"])
    return body, acted(api, staff.checker, filed["application_id"], "approve")


def text_of(html: str, element_id: str) -> str:
    return re.sub(r"<[^>]+>", " ", html[html.index(f'id="{element_id}"') :].split("</table>")[0])


def test_finance_records_donors_and_gifts_with_the_services_messages(aid_api):
    finance = signed_in(aid_api.base_url, new_user(aid_api, "finance")["token"])
    refused = finance.submit("/donations", "/donors", {"name": "", "kind": "organization"})
    assert refused.status_code == 400 and 'data-field="name"' in refused.text
    added = finance.submit("/donations", "/donors", {"name": SCRIPT, "kind": "organization"})
    assert added.status_code == 200 and SCRIPT not in added.text and ESCAPED in added.text
    donor_id = re.search(r'<option value="([0-9a-f]{32})" selected>', added.text).group(1)
    ref = unique("ICBC-0001")
    gift = {"donor_id": donor_id, "amount_fen": "12.345", "received_on": "2026-08-01", "external_ref": ref}
    bad_amount = finance.submit("/donations", "/donations", gift)
    assert bad_amount.status_code == 400 and re.search(r'data-field="amount_fen">金额最多保留两位小数', bad_amount.text)
    recorded = finance.submit("/donations", "/donations", {**gift, "amount_fen": "5,000.00"})
    assert recorded.status_code == 200 and "已登记捐赠" in recorded.text and "¥5,000.00" in recorded.text
    again = finance.submit("/donations", "/donations", {**gift, "amount_fen": "5000"})
    assert "已登记过" in again.text and again.text.count(ref) == 1


def test_an_allocation_form_sent_twice_moves_the_money_once(aid_api):
    campaign = create_campaign(aid_api)
    donor = aid_api.post(
        "/api/v1/donors", token=aid_api.token_for("finance"), json={"name": "某某公司", "kind": "organization"}
    ).json()
    gift = {
        "donor_id": donor["donor_id"],
        "amount_fen": 500_000,
        "campaign_id": None,
        "received_on": "2026-08-01",
        "external_ref": unique("ICBC-0002"),
    }
    assert aid_api.post("/api/v1/donations", token=aid_api.token_for("finance"), json=gift).status_code == 201
    finance = signed_in(aid_api.base_url, new_user(aid_api, "finance")["token"])
    path = f"/campaigns/{campaign['campaign_id']}"
    form = finance.get(path).text
    drawn = {
        name: re.search(rf'name="{name}" value="([^"]+)"', form).group(1) for name in ("csrf_token", "external_ref")
    }

    for _ in range(2):  # a double click, or the form sent again with the browser's back button
        sent = finance.post(f"{path}/allocations", {**drawn, "amount_fen": "1,000"})
        assert sent.status_code == 303, sent.text[:500]
    shown = aid_api.get(f"/api/v1/campaigns/{campaign['campaign_id']}").json()
    assert shown["allocated_fen"] == 100_000


def test_finance_pays_a_batch_and_the_campaign_page_draws_its_money(aid_api):
    campaign = create_campaign(aid_api, publicity_days=0, budget_fen=1_000_000)
    body, ready = ready_application(aid_api, campaign["campaign_id"])
    finance = signed_in(aid_api.base_url, new_user(aid_api, "finance")["token"])
    created = finance.submit("/batches", "/batches", {"campaign_id": campaign["campaign_id"]})
    assert created.status_code == 303
    batch_path = created.headers["Location"]
    nothing_due = finance.submit("/batches", "/batches", {"campaign_id": campaign["campaign_id"]})
    assert nothing_due.status_code == 409 and "无需新建批次" in nothing_due.text

    bank_file = finance.get(f"{batch_path}/file")
    assert bank_file.status_code == 200 and "gb18030" in bank_file.headers["Content-Type"]
    rows = list(csv.reader(io.StringIO(bank_file.content.decode("gb18030"))))
    assert rows[1][1] == body["bank"]["account"] and rows[1][6] == ready["application_id"]
    admin = signed_in(aid_api.base_url, ADMIN_TOKEN)
    assert admin.get(f"{batch_path}/file").status_code == 403  # the API's rule: finance alone

    results = f"application_id,result,bank_ref,reason\r\n{ready['application_id']},success,ICBC-PAY-1,\r\n"
    paid = finance.submit(batch_path, f"{batch_path}/results", files={"file": ("results.csv", results.encode())})
    assert paid.status_code == 200 and "发放成功 1 笔" in paid.text and "成功 1 笔，失败 0 笔" in paid.text
    downloads = text_of(paid.text, "batch-downloads")  # the download above, who made it and how many lines
    assert "财务 " in downloads and re.search(r"\b1\b", downloads), downloads

    page = finance.get(f"/campaigns/{campaign['campaign_id']}").text
    assert page.count("<svg") == 2
    money = text_of(page, "money")
    assert "¥3,000.00" in money and "¥7,000.00" in money
    assert re.search(r"<text[^>]*>已发放</text>", page) and re.search(r"<text[^>]*>¥3,000.00</text>", page)
    assert "账目一致" in finance.get(f"/reconciliation?campaign_id={campaign['campaign_id']}").text


def test_finance_pays_a_ready_application_by_hand_from_its_page_and_a_refused_reference_stays_on_the_form(aid_api):
    campaign = create_campaign(aid_api, publicity_days=0)
    _body, ready = ready_application(aid_api, campaign["campaign_id"])
    path = f"/applications/{ready['application_id']}"
    finance = signed_in(aid_api.base_url, new_user(aid_api, "finance")["token"])
    assert 'id="disburse"' in finance.get(path).text
    for role in ("caseworker", "auditor"):  # the API's roles: finance and admin
        other = signed_in(aid_api.base_url, new_user(aid_api, role)["token"])
        assert 'id="disburse"' not in other.get(path).text
        assert other.submit(path, f"{path}/disburse", {"bank_ref": "ICBC-HAND-0"}).status_code == 403

    for typed, message in (("", "长度应为 1 至 100"), ("=HYPERLINK(1)", "不能以“=”开头")):
        refused = finance.submit(path, f"{path}/disburse", {"bank_ref": typed})
        assert refused.status_code == 400
        assert re.search(rf'id="disburse".*data-field="bank_ref">{message}', refused.text, re.S), refused.text[-800:]
    assert aid_api.get(f"/api/v1/applications/{ready['application_id']}").json()["status"] == "ready"

    paid = finance.submit(path, f"{path}/disburse", {"bank_ref": unique("ICBC-HAND")})
    assert paid.status_code == 303 and paid.headers["Location"] == f"{path}?done=disburse"
    page = finance.get(paid.headers["Location"]).text
    assert "已登记手工发放" in page and "已发放" in text_of(page, "application") and 'id="disburse"' not in page
    again = finance.submit(path, f"{path}/disburse", {"bank_ref": unique("ICBC-HAND")})
    assert again.status_code == 409 and "申请当前为「已发放」，不能执行此操作" in again.text
    assert finance.submit(path, f"/applications/{'f' * 32}/disburse", {"bank_ref": "X"}).status_code == 404


def test_reconciliation_picks_one_of_the_visitors_own_campaigns(aid_api):
    tag = own_tag()
    district = add_unit(aid_api, f"对账区总工会{tag}", root_unit(aid_api), "district")["org_unit_id"]
    own = create_campaign(aid_api, name=f"区级送温暖{tag}", org_unit_id=district)
    above = create_campaign(aid_api, name=f"市级送温暖{tag}")  # the district files for it, but its money is the root's
    finance = signed_in(aid_api.base_url, new_user(aid_api, "finance", org_unit_id=district)["token"])

    page = finance.get("/reconciliation").text
    picker = page[
        page.index('id="reconciliation-campaign"') : page.index("</form>", page.index('id="reconciliation-campaign"'))
    ]
    assert f'value="{own["campaign_id"]}"' in picker and above["campaign_id"] not in picker
    chosen = finance.get(f"/reconciliation?campaign_id={own['campaign_id']}")
    assert chosen.status_code == 200 and f'value="{own["campaign_id"]}" selected' in chosen.text
    assert "账目一致" in chosen.text
    assert finance.get(f"/reconciliation?campaign_id={above['campaign_id']}").status_code == 404
    caseworker = signed_in(aid_api.base_url, new_user(aid_api, "caseworker", org_unit_id=district)["token"])
    assert caseworker.get("/reconciliation").status_code == 403


def test_a_donor_sees_where_their_gift_went_and_no_one_elses(aid_api):
    campaign = create_campaign(aid_api, publicity_days=0, budget_fen=0)
    finance_token = new_user(aid_api, "finance")["token"]
    donor = aid_api.post(
        "/api/v1/donors", token=finance_token, json={"name": "某某科技有限公司", "kind": "organization"}
    ).json()
    gift = aid_api.post(
        "/api/v1/donations",
        token=finance_token,
        json={
            "donor_id": donor["donor_id"],
            "amount_fen": 500_000,
            "campaign_id": campaign["campaign_id"],
            "received_on": "2026-08-01",
            "external_ref": unique("ICBC-GIFT-1"),
        },
    ).json()
    _body, ready = ready_application(aid_api, campaign["campaign_id"])
    aid_api.post(
        f"/api/v1/applications/{ready['application_id']}/disburse",
        token=finance_token,
        json={"bank_ref": "ICBC-HAND-1"},
    )
    donor_console = signed_in(aid_api.base_url, new_user(aid_api, "donor", donor_id=donor["donor_id"])["token"])
    trace = donor_console.get("/trace")
    assert trace.status_code == 200
    assert "欧**娜" in trace.text and "¥3,000.00" in trace.text and gift["receipt_no"] in trace.text
    assert donor_console.get("/donations").status_code == 403

    checker = Console(aid_api.base_url)
    wrong = checker.submit(
        "/public/receipts", "/public/receipts", {"receipt_no": gift["receipt_no"], "code": "000000x"}
    )
    assert wrong.status_code == 404 and "未能核验" in wrong.text
    right = checker.submit(
        "/public/receipts", "/public/receipts", {"receipt_no": gift["receipt_no"], "code": gift["verification_code"]}
    )
    assert right.status_code == 200 and "某某科技有限公司" in right.text and "¥5,000.00" in right.text


def test_the_public_sees_the_notice_masked_and_looks_up_a_status_by_post(aid_api):
    campaign = create_campaign(aid_api)
    staff = Staff(aid_api)
    body, registered = worker(aid_api, name="欧阳丽娜", union=SCRIPT)
    filed = submitted(aid_api, staff.maker, campaign["campaign_id"], registered["worker_id"])
    acted(aid_api, staff.checker, filed["application_id"], "approve")
    public = Console(aid_api.base_url)
    notice = public.get(f"/public/campaigns/{campaign['campaign_id']}/publicity")
    assert notice.status_code == 200
    assert "欧**娜" in notice.text and masked_id(body["id_number"]) in notice.text
    assert "欧阳丽娜" not in notice.text and body["id_number"] not in notice.text
    assert SCRIPT not in notice.text and ESCAPED in notice.text
    disclosure = public.get(f"/public/campaigns/{campaign['campaign_id']}/disclosure")
    assert disclosure.status_code == 200 and "<svg" in disclosure.text

    found = public.submit(
        "/public/status",
        "/public/status",
        {"application_id": filed["application_id"], "id_last4": body["id_number"][-4:]},
    )
    assert found.status_code == 200 and "公示中" in found.text
    wrong = public.submit(
        "/public/status", "/public/status", {"application_id": filed["application_id"], "id_last4": "0000"}
    )
    assert wrong.status_code == 404 and "没有找到" in wrong.text
    assert public.get(f"/public/campaigns/{'f' * 32}/publicity").status_code == 404


def test_the_admin_creates_campaigns_and_accounts_whose_token_is_shown_once(aid_api):
    admin = signed_in(aid_api.base_url, ADMIN_TOKEN)
    refused = admin.submit(
        "/campaigns", "/campaigns", {"program": "warmth", "name": "x", "year": "二〇二六", "budget_fen": "abc"}
    )
    assert refused.status_code == 400 and 'data-field="budget_fen"' in refused.text
    refused = admin.submit(
        "/campaigns", "/campaigns", {"program": "warmth", "name": "x", "year": "二〇二六", "budget_fen": "100"}
    )
    assert (
        refused.status_code == 400 and 'data-field="year"' in refused.text and 'data-field="opens_on"' in refused.text
    )
    created = admin.submit(
        "/campaigns",
        "/campaigns",
        {
            "program": "warmth",
            "name": SCRIPT,
            "year": "2026",
            "opens_on": "2026-08-01",
            "closes_on": "2026-08-31",
            "budget_fen": "100000",
            "publicity_days": "5",
            "amounts.deep": "3000",
            "amounts.relative": "2000",
            "amounts.accident": "1500",
        },
    )
    assert created.status_code == 303
    for page in (
        admin.get(created.headers["Location"]).text,
        admin.get("/campaigns").text,
        Console(aid_api.base_url).get("/").text,
    ):
        assert SCRIPT not in page and ESCAPED in page
    assert "¥100,000.00" in admin.get(created.headers["Location"]).text

    made = admin.submit("/users", "/users", {"name": "王经办", "role": "caseworker"})
    token = re.search(r'id="new-token">([^<]+)<', made.text).group(1)
    assert token not in admin.get("/users").text
    caseworker = signed_in(aid_api.base_url, token)
    assert caseworker.get("/reviews").status_code == 200
    assert caseworker.get("/users").status_code == 403
    no_donor = admin.submit("/users", "/users", {"name": "捐赠人", "role": "donor"})
    assert no_donor.status_code == 400 and 'data-field="donor_id"' in no_donor.text
