"""The console's worker forms over HTTP: filing a new worker (the API's POST /workers) and editing a file (its PATCH),
with a move to another unit that needs a reason and a bank change that waits for a second person."""

import html
import re

import pytest

from tests.e2e.aid_builders import aid_api  # noqa: F401
from tests.e2e.builders import add_unit, fresh_account, fresh_id_number, masked_id, new_user, own_tag, root_unit
from tests.e2e.console_client import signed_in
from tests.e2e.scope_builders import registered


@pytest.fixture
def district(aid_api):
    """A district with two base unions, a caseworker of the district signed in to the console, and a worker filed in
    the first union."""
    tag = own_tag()
    unit = add_unit(aid_api, f"城东区总工会{tag}", root_unit(aid_api), "district")
    mill = add_unit(aid_api, f"棉纺厂工会{tag}", unit["org_unit_id"], "base")
    works = add_unit(aid_api, f"机床厂工会{tag}", unit["org_unit_id"], "base")
    token = new_user(aid_api, "caseworker", org_unit_id=unit["org_unit_id"])["token"]
    return {
        "tag": tag,
        "mill": mill,
        "works": works,
        "token": token,
        "console": signed_in(aid_api.base_url, token),
        "worker": registered(aid_api, token, mill["name"]),
    }


def new_worker_form(district, **overrides) -> dict:
    form = {
        "name": "欧阳丽娜",
        "id_number": fresh_id_number(),
        "phone": "+8613912345678",
        "employer": f"棉纺厂{district['tag']}",
        "org_unit_id": district["mill"]["org_unit_id"],
        "category": "relative",
        "reasons.0": "disability",
        "reasons.1": "",
        "reasons.2": "education",
        "household_size": "4",
        "household_monthly_income_fen": "4,500.01",
        "bank.name": "中国农业银行",
        "bank.account": fresh_account(),
        "filed_on": "2026-01-05",
        "family.1.name": "欧阳小明",
        "family.1.relation": "儿子",
        "family.1.school": "市第三中学",
    }
    form.update(overrides)
    return form


def form_fields(page: str, form_id: str) -> dict:
    """What a browser would post from that form as it is shown (text and date inputs, each select's chosen option)."""
    form = page[page.index(f'id="{form_id}"') :]
    form = form[: form.index("</form>")]
    fields = {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="(?:text|date)" name="([^"]+)" value="([^"]*)"', form)
    }
    fields.update(
        (name, html.unescape(value))
        for name, value in re.findall(r'<input type="hidden" name="(was\.[^"]+)" value="([^"]*)"', form)
    )
    for name, options in re.findall(r'<select name="([^"]+)">(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options) or re.search(
            r'<option value="([^"]*)"', options
        )
        fields[name] = html.unescape(chosen.group(1))
    return fields


def revealed(api, worker_id: str) -> dict:
    response = api.get(f"/api/v1/workers/{worker_id}?reveal=1")
    assert response.status_code == 200, response.text
    return response.json()


def field_message(page: str, field: str) -> str:
    found = re.findall(rf'data-field="{re.escape(field)}">([^<]+)</span>', page)
    assert found, (field, re.sub(r"\s+", " ", page)[-1500:])
    return "；".join(found)


def test_a_caseworker_files_a_worker_in_a_union_of_their_scope(aid_api, district):
    console = district["console"]
    page = console.get("/workers/new")
    assert page.status_code == 200 and district["mill"]["org_unit_id"] in page.text
    assert 'name="csrf_token"' in page.text
    form = new_worker_form(district)
    made = console.submit("/workers/new", "/workers/new", form)
    assert made.status_code == 303, made.text[-800:]
    worker_id = made.headers["Location"].removeprefix("/workers/")
    worker = revealed(aid_api, worker_id)
    assert worker["org_unit_id"] == district["mill"]["org_unit_id"] and worker["union"] == district["mill"]["name"]
    assert worker["id_number"] == form["id_number"] and worker["phone"] == "13912345678"
    assert worker["reasons"] == ["disability", "education"] and worker["category"] == "relative"
    assert worker["household_size"] == 4 and worker["household_monthly_income_fen"] == 450_001
    assert worker["bank"] == {"name": "中国农业银行", "account": form["bank.account"]}
    assert worker["filed_on"] == "2026-01-05" and worker["status"] == "active"
    (member,) = worker["family"]
    assert (member["name"], member["relation"], member["school"]) == ("欧阳小明", "儿子", "市第三中学")
    assert console.get(made.headers["Location"]).status_code == 200


def test_a_refused_filing_is_shown_again_with_its_messages_and_writes_nothing(aid_api, district):
    console = district["console"]
    number = fresh_id_number()
    wrong_check = number[:17] + ("0" if number[17] != "0" else "1")
    bad = new_worker_form(district, id_number=wrong_check, **{"family.3.name": "欧阳小红"})
    refused = console.submit("/workers/new", "/workers/new", bad)
    assert refused.status_code == 400
    assert field_message(refused.text, "id_number") == "身份证号校验位错误"
    assert field_message(refused.text, "family.3.relation")  # the row it was typed in, not the 2nd one sent
    assert f'value="{bad["employer"]}"' in refused.text and 'value="欧阳小明"' in refused.text  # kept to correct
    sibling = add_unit(aid_api, f"城西区总工会{district['tag']}", root_unit(aid_api), "district")
    elsewhere = console.submit(
        "/workers/new", "/workers/new", new_worker_form(district, org_unit_id=sibling["org_unit_id"])
    )
    assert elsewhere.status_code == 400 and field_message(elsewhere.text, "org_unit_id") == "未知的组织"
    no_unit = console.submit("/workers/new", "/workers/new", new_worker_form(district, org_unit_id=""))
    assert no_unit.status_code == 400 and field_message(no_unit.text, "union") == "必填"
    money = console.submit(
        "/workers/new", "/workers/new", new_worker_form(district, household_monthly_income_fen="四千")
    )
    assert money.status_code == 400 and field_message(money.text, "household_monthly_income_fen")
    mill = {"org_unit_id": district["mill"]["org_unit_id"]}
    assert aid_api.get("/api/v1/workers", params=mill, token=district["token"]).json()["total"] == 1  # the fixture's


def test_the_same_id_number_again_is_refused_with_a_link_to_the_file(aid_api, district):
    console = district["console"]
    form = new_worker_form(district)
    first = console.submit("/workers/new", "/workers/new", form)
    assert first.status_code == 303
    again = console.submit("/workers/new", "/workers/new", {**form, "name": "王五"})
    assert again.status_code == 409
    assert field_message(again.text, "id_number") == "该身份证号已建档"
    assert f'href="{first.headers["Location"]}"' in again.text


def test_the_edit_form_prefills_what_is_shown_and_sends_only_what_changed(aid_api, district):
    console, worker_id = district["console"], district["worker"]["worker_id"]
    before = revealed(aid_api, worker_id)
    page = console.get(f"/workers/{worker_id}/edit")
    assert page.status_code == 200
    shown = form_fields(page.text, "worker-edit")
    assert shown["employer"] == before["employer"] and shown["bank.name"] == before["bank"]["name"]
    assert shown["org_unit_id"] == district["mill"]["org_unit_id"] and shown["household_size"] == "3"
    assert shown["household_monthly_income_fen"] == "4500.01" and shown["reasons.0"] == "illness"
    # starred values are not prefilled (nor the real ones shown)
    assert shown["name"] == "" and shown["phone"] == "" and shown["bank.account"] == ""
    assert before["phone"] not in page.text and before["bank"]["account"] not in page.text
    assert masked_id(before["id_number"]) in page.text and before["id_number"] not in page.text

    saved = console.submit(
        f"/workers/{worker_id}/edit",
        f"/workers/{worker_id}/edit",
        {**shown, "employer": "新单位", "household_size": "5"},
    )
    assert saved.status_code == 303 and saved.headers["Location"] == f"/workers/{worker_id}"
    after = revealed(aid_api, worker_id)
    assert after["employer"] == "新单位" and after["household_size"] == 5
    unchanged = ("name", "phone", "bank", "family", "reasons", "org_unit_id", "household_monthly_income_fen")
    assert {key: after[key] for key in unchanged} == {key: before[key] for key in unchanged}
    trail = aid_api.get(f"/api/v1/workers/{worker_id}/audit").json()["items"]
    (update,) = [entry for entry in trail if entry["action"] == "update"]
    assert update["details"]["fields"] == ["employer", "household_size"]

    bad_phone = console.submit(
        f"/workers/{worker_id}/edit", f"/workers/{worker_id}/edit", {**shown, "phone": "12345", "employer": "另一单位"}
    )
    assert bad_phone.status_code == 400 and field_message(bad_phone.text, "phone")
    assert 'value="另一单位"' in bad_phone.text
    emptied = console.submit(f"/workers/{worker_id}/edit", f"/workers/{worker_id}/edit", {**shown, "employer": ""})
    assert emptied.status_code == 400 and field_message(emptied.text, "employer")
    assert revealed(aid_api, worker_id)["employer"] == "新单位"  # nothing written


def test_an_edit_saved_by_someone_else_meanwhile_is_kept_where_the_form_left_the_field_alone(aid_api, district):
    console, worker_id = district["console"], district["worker"]["worker_id"]
    shown = form_fields(console.get(f"/workers/{worker_id}/edit").text, "worker-edit")
    meanwhile = aid_api.patch(f"/api/v1/workers/{worker_id}", json={"employer": "别人刚改的单位"})
    assert meanwhile.status_code == 200, meanwhile.text

    saved = console.submit(f"/workers/{worker_id}/edit", f"/workers/{worker_id}/edit", {**shown, "household_size": "6"})

    assert saved.status_code == 303, saved.text
    after = revealed(aid_api, worker_id)
    assert (after["employer"], after["household_size"]) == ("别人刚改的单位", 6)


def test_a_move_to_another_union_needs_a_reason_and_is_audited(aid_api, district):
    console, worker_id = district["console"], district["worker"]["worker_id"]
    shown = form_fields(console.get(f"/workers/{worker_id}/edit").text, "worker-edit")
    assert district["works"]["org_unit_id"] in console.get(f"/workers/{worker_id}/edit").text
    move = {**shown, "org_unit_id": district["works"]["org_unit_id"]}
    refused = console.submit(f"/workers/{worker_id}/edit", f"/workers/{worker_id}/edit", move)
    assert refused.status_code == 400 and field_message(refused.text, "reason") == "调到其他工会组织须说明原因"
    assert revealed(aid_api, worker_id)["org_unit_id"] == district["mill"]["org_unit_id"]

    moved = console.submit(
        f"/workers/{worker_id}/edit", f"/workers/{worker_id}/edit", {**move, "reason": "职工调到机床厂工作"}
    )
    assert moved.status_code == 303
    worker = revealed(aid_api, worker_id)
    assert worker["org_unit_id"] == district["works"]["org_unit_id"] and worker["union"] == district["works"]["name"]
    (entry,) = [
        item for item in aid_api.get(f"/api/v1/workers/{worker_id}/audit").json()["items"] if item["action"] == "move"
    ]
    assert entry["details"]["reason"] == "职工调到机床厂工作"


def test_a_bank_change_becomes_a_pending_change_request(aid_api, district):
    console, worker_id = district["console"], district["worker"]["worker_id"]
    page = console.get(f"/workers/{worker_id}/edit").text
    assert "收款账户变更申请" in page and "审批" in page
    before = revealed(aid_api, worker_id)["bank"]
    account = fresh_account()
    sent = console.submit(
        f"/workers/{worker_id}/edit",
        f"/workers/{worker_id}/edit",
        {**form_fields(page, "worker-edit"), "bank.account": account},
    )
    assert sent.status_code == 303 and sent.headers["Location"] == f"/change-requests?worker_id={worker_id}"
    (request,) = aid_api.get("/api/v1/change-requests", params={"worker_id": worker_id}).json()["items"]
    assert request["status"] == "pending" and request["new_bank"]["account"] == "****" + account[-4:]
    assert revealed(aid_api, worker_id)["bank"] == before  # not changed until a second person approves
    assert request["change_request_id"] in console.get(sent.headers["Location"]).text


def test_the_forms_are_refused_out_of_scope_and_to_other_roles(aid_api, district):
    worker_id = district["worker"]["worker_id"]
    other_unit = add_unit(aid_api, f"城北区总工会{district['tag']}", root_unit(aid_api), "district")
    other = signed_in(aid_api.base_url, new_user(aid_api, "caseworker", org_unit_id=other_unit["org_unit_id"])["token"])
    assert other.get(f"/workers/{worker_id}/edit").status_code == 404
    posted = other.post(f"/workers/{worker_id}/edit", {"csrf_token": other.csrf_token("/"), "employer": "x"})
    assert posted.status_code == 404
    finance = signed_in(aid_api.base_url, new_user(aid_api, "finance")["token"])
    assert finance.get("/workers/new").status_code == 403
    assert finance.get(f"/workers/{worker_id}/edit").status_code == 403
