"""Donors, gifts, allocations and the trace: every fen from the donor to the disbursement it paid."""

import uuid

import pytest
from sqlalchemy import text

from shared.db import make_engine
from tests.e2e.aid_builders import Staff, acted, aid_api, campaign, create_campaign, submitted, worker  # noqa: F401
from tests.e2e.builders import assert_error, new_user


@pytest.fixture
def finance(aid_api):
    return new_user(aid_api, "finance")["token"]


def donor(api, token, **overrides) -> dict:
    response = api.post("/api/v1/donors", token=token, json={"name": "王大明", "kind": "individual", **overrides})
    assert response.status_code == 201, response.text
    return response.json()


def donate(api, token, donor_id: str, amount_fen: int, campaign_id=None, ref: str = "", received_on="2026-08-01"):
    return api.post(
        "/api/v1/donations",
        token=token,
        json={
            "donor_id": donor_id,
            "amount_fen": amount_fen,
            "campaign_id": campaign_id,
            "received_on": received_on,
            "external_ref": ref or f"BANK-{donor_id[-6:]}-{amount_fen}-{received_on}",
        },
    )


def unique(ref: str) -> str:
    """An external reference of this test's own: gifts and allocations happen once per reference in the whole
    system, and the session's system holds other tests' (and this test's on the other backend is elsewhere)."""
    return f"{ref}-{uuid.uuid4().hex[:8]}"


def sweep_unrestricted_money(live, api, token) -> None:
    """Allocation takes the oldest unrestricted gifts of the whole system first, so a test about which gifts an
    allocation draws, or about the money running out, first moves what other tests left unallocated into a
    campaign of its own: then this test's gifts are all the unrestricted money there is."""
    engine = make_engine(live.settings["AID_DB_URL"])
    with engine.connect() as connection:
        left = connection.execute(
            text("SELECT COALESCE(SUM(amount_fen - placed_fen), 0) FROM donations WHERE campaign_id IS NULL")
        ).scalar_one()
    engine.dispose()
    if left:
        sink = create_campaign(api, budget_fen=0, name="其他测试剩余的非定向捐款")["campaign_id"]
        moved = api.post(f"/api/v1/campaigns/{sink}/allocations", token=token, json={"amount_fen": int(left)})
        assert moved.status_code == 201, moved.text


def paid_by_hand(api, staff, finance, campaign_id: str) -> dict:
    _body, filed = worker(api)
    application = submitted(api, staff.maker, campaign_id, filed["worker_id"])
    acted(api, staff.checker, application["application_id"], "approve")
    response = api.post(
        f"/api/v1/applications/{application['application_id']}/disburse",
        token=finance,
        json={"bank_ref": f"REF-{application['application_id'][-8:]}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_money_is_drawn_restricted_first_then_allocated_oldest_first_then_budget(live, aid_api, finance):
    api, staff = aid_api, Staff(aid_api)
    sweep_unrestricted_money(live, api, finance)
    target = create_campaign(api, budget_fen=1_000_000, publicity_days=0)
    giver = donor(api, finance)
    restricted = donate(api, finance, giver["donor_id"], 200_000, target["campaign_id"]).json()
    old_gift = donate(api, finance, giver["donor_id"], 250_000, received_on="2026-07-01").json()
    new_gift = donate(api, finance, giver["donor_id"], 500_000, received_on="2026-07-20").json()
    allocation = api.post(
        f"/api/v1/campaigns/{target['campaign_id']}/allocations", token=finance, json={"amount_fen": 400_000}
    )
    assert allocation.status_code == 201, allocation.text
    assert allocation.json()["from_donations"] == [
        {"donation_id": old_gift["donation_id"], "amount_fen": 250_000},
        {"donation_id": new_gift["donation_id"], "amount_fen": 150_000},
    ]
    assert campaign(api, target["campaign_id"])["available_fen"] == 1_000_000 + 200_000 + 400_000

    first = paid_by_hand(api, staff, finance, target["campaign_id"])  # 3,000 yuan: 2,000 restricted + 1,000 old
    second = paid_by_hand(api, staff, finance, target["campaign_id"])  # 1,500 old, then 1,500 new

    trace = api.get(f"/api/v1/donors/{giver['donor_id']}/trace", token=finance).json()
    by_gift = {item["donation_id"]: item for item in trace["donations"]}
    assert [(a["application_id"], a["amount_fen"]) for a in by_gift[restricted["donation_id"]]["allocations"]] == [
        (first["application_id"], 200_000)
    ]
    assert [(a["application_id"], a["amount_fen"]) for a in by_gift[old_gift["donation_id"]]["allocations"]] == [
        (first["application_id"], 100_000),
        (second["application_id"], 150_000),
    ]
    assert [(a["application_id"], a["amount_fen"]) for a in by_gift[new_gift["donation_id"]]["allocations"]] == [
        (second["application_id"], 150_000)
    ]
    assert (trace["donated_fen"], trace["allocated_fen"], trace["unallocated_fen"]) == (950_000, 600_000, 350_000)
    assert all(
        a["recipient"].endswith("*") or "*" in a["recipient"]
        for item in trace["donations"]
        for a in item["allocations"]
    )
    figures = campaign(api, target["campaign_id"])
    assert (figures["committed_fen"], figures["disbursed_fen"], figures["remaining_fen"]) == (0, 600_000, 1_000_000)


def test_gifts_and_allocations_happen_once_per_external_ref_and_a_receipt_checks_publicly(live, aid_api, finance):
    api = aid_api
    sweep_unrestricted_money(live, api, finance)
    gift_ref, allocation_ref = unique("ALIPAY-0001"), unique("ALLOC-0001")
    giver, other = donor(api, finance, anonymous=True), donor(api, finance)
    target = create_campaign(api, budget_fen=0)
    first = donate(api, finance, giver["donor_id"], 10_000, ref=gift_ref)
    again = donate(api, finance, giver["donor_id"], 10_000, ref=gift_ref)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    for donor_id, amount_fen, campaign_id in (
        (other["donor_id"], 10_000, None),
        (giver["donor_id"], 10_001, None),
        (giver["donor_id"], 10_000, target["campaign_id"]),
    ):
        assert_error(donate(api, finance, donor_id, amount_fen, campaign_id, ref=gift_ref), 409, "idempotency_conflict")

    allocations = f"/api/v1/campaigns/{target['campaign_id']}/allocations"
    moved = api.post(allocations, token=finance, json={"amount_fen": 4_000, "external_ref": allocation_ref})
    moved_again = api.post(allocations, token=finance, json={"amount_fen": 4_000, "external_ref": allocation_ref})
    assert (moved.status_code, moved_again.status_code) == (201, 200), moved.text
    assert moved_again.json() == moved.json()
    assert (moved.json()["external_ref"], moved.json()["from_donations"]) == (
        allocation_ref,
        [{"donation_id": first.json()["donation_id"], "amount_fen": 4_000}],
    )
    assert_error(
        api.post(allocations, token=finance, json={"amount_fen": 4_001, "external_ref": allocation_ref}),
        409,
        "idempotency_conflict",
    )
    elsewhere = create_campaign(api, budget_fen=0, name="另一个项目")["campaign_id"]
    assert_error(
        api.post(
            f"/api/v1/campaigns/{elsewhere}/allocations",
            token=finance,
            json={"amount_fen": 4_000, "external_ref": allocation_ref},
        ),
        409,
        "idempotency_conflict",
    )
    assert [campaign(api, campaign_id)["available_fen"] for campaign_id in (target["campaign_id"], elsewhere)] == [
        4_000,
        0,
    ]
    gift = first.json()
    receipt = api.get(
        f"/api/v1/public/receipts/{gift['receipt_no']}", token=None, params={"code": gift["verification_code"]}
    )
    assert receipt.status_code == 200, receipt.text
    assert receipt.json()["donor"] == "爱心人士" and receipt.json()["amount_fen"] == 10_000
    assert_error(
        api.get(f"/api/v1/public/receipts/{gift['receipt_no']}", token=None, params={"code": "000000"}),
        404,
        "not_found",
    )
    trace = api.get(f"/api/v1/donors/{giver['donor_id']}/trace", token=finance).json()
    assert trace["donated_fen"] == 10_000 and len(trace["donations"]) == 1


def test_a_donor_sees_only_their_own_trace(aid_api, finance):
    api = aid_api
    mine, theirs = donor(api, finance), donor(api, finance, name="某某公司", kind="organization")
    token = new_user(api, "donor", donor_id=mine["donor_id"])["token"]
    assert api.get(f"/api/v1/donors/{mine['donor_id']}/trace", token=token).status_code == 200
    assert_error(api.get(f"/api/v1/donors/{theirs['donor_id']}/trace", token=token), 403, "forbidden")
    caseworker = new_user(api, "caseworker")["token"]
    assert_error(api.get(f"/api/v1/donors/{mine['donor_id']}/trace", token=caseworker), 403, "forbidden")
    assert_error(
        api.post("/api/v1/donors", token=caseworker, json={"name": "x", "kind": "individual"}), 403, "forbidden"
    )


def test_allocating_more_than_the_unrestricted_money_is_refused_and_moves_nothing(live, aid_api, finance):
    api = aid_api
    sweep_unrestricted_money(live, api, finance)
    target = create_campaign(api, budget_fen=0)
    giver = donor(api, finance)
    donate(api, finance, giver["donor_id"], 50_000)
    refused = api.post(
        f"/api/v1/campaigns/{target['campaign_id']}/allocations", token=finance, json={"amount_fen": 50_001}
    )
    assert_error(refused, 409, "budget_exhausted")
    assert campaign(api, target["campaign_id"])["available_fen"] == 0


def test_the_public_disclosure_shows_income_by_donor_spending_and_recipients(live, aid_api, finance):
    api, staff = aid_api, Staff(aid_api)
    sweep_unrestricted_money(live, api, finance)
    target = create_campaign(api, budget_fen=500_000, publicity_days=0)
    person, company = donor(api, finance), donor(api, finance, name="某某科技有限公司", kind="organization")
    hidden = donor(api, finance, name="李四", anonymous=True)
    donate(api, finance, person["donor_id"], 100_000, target["campaign_id"])
    donate(api, finance, company["donor_id"], 300_000, received_on="2026-07-01")
    donate(api, finance, hidden["donor_id"], 200_000, target["campaign_id"])
    api.post(f"/api/v1/campaigns/{target['campaign_id']}/allocations", token=finance, json={"amount_fen": 300_000})
    paid_by_hand(api, staff, finance, target["campaign_id"])

    response = api.get(f"/api/v1/public/campaigns/{target['campaign_id']}/disclosure", token=None)

    assert response.status_code == 200, response.text
    shown = response.json()
    assert shown["income"]["by_donor"] == [
        {"donor": "王*明", "amount_fen": 100_000},
        {"donor": "爱心人士", "amount_fen": 200_000},
        {"donor": "某某科技有限公司", "amount_fen": 300_000},
    ]
    assert (
        shown["income"]["restricted_gifts_fen"],
        shown["income"]["allocated_gifts_fen"],
        shown["income"]["union_budget_fen"],
    ) == (300_000, 300_000, 500_000)
    assert shown["spending"]["disbursed_fen"] == 300_000 and shown["recipients"] == 1
    assert shown["remaining_fen"] == 1_100_000 - 300_000
    assert "李四" not in response.text
    assert_error(api.get(f"/api/v1/public/campaigns/{'0' * 32}/disclosure", token=None), 404, "not_found")


def test_the_reconciliation_report_agrees_and_flags_a_difference(live, aid_api, finance):
    api, staff = aid_api, Staff(aid_api)
    target = create_campaign(api, budget_fen=1_000_000, publicity_days=0)
    giver = donor(api, finance)
    donate(api, finance, giver["donor_id"], 100_000, target["campaign_id"])
    paid_by_hand(api, staff, finance, target["campaign_id"])
    _body, filed = worker(api)
    pending = submitted(api, staff.maker, target["campaign_id"], filed["worker_id"])
    acted(api, staff.checker, pending["application_id"], "approve")
    batch = api.post("/api/v1/disbursement-batches", token=finance, json={"campaign_id": target["campaign_id"]}).json()

    auditor = new_user(api, "auditor")["token"]
    clean = api.get("/api/v1/reconciliation", token=auditor, params={"campaign_id": target["campaign_id"]})
    assert clean.status_code == 200, clean.text
    assert clean.json()["ok"] is True and clean.json()["differences"] == []
    assert [b["batch_id"] for b in clean.json()["campaigns"][0]["batches"]] == [batch["batch_id"]]

    engine = make_engine(live.settings["AID_DB_URL"])

    def edit_behind_the_ledger(fen: int) -> None:
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE campaigns SET disbursed_fen = disbursed_fen + :fen WHERE campaign_id = :id"),
                {"fen": fen, "id": target["campaign_id"]},
            )

    edit_behind_the_ledger(1)  # someone edits the campaign row behind the ledger's back
    try:
        flagged = api.get("/api/v1/reconciliation", token=finance).json()
        assert flagged["ok"] is False
        assert {(d["campaign_id"], d["expected"] - d["actual"]) for d in flagged["differences"]} >= {
            (target["campaign_id"], 1)
        }
    finally:  # the session's system goes on: its ledger agrees again for the tests after this one
        edit_behind_the_ledger(-1)
        engine.dispose()
    again = api.get("/api/v1/reconciliation", token=auditor, params={"campaign_id": target["campaign_id"]}).json()
    assert again["ok"] is True and again["differences"] == []
    assert_error(api.get("/api/v1/reconciliation", token=new_user(api, "caseworker")["token"]), 403, "forbidden")
    assert_error(api.get("/api/v1/reconciliation", token=finance, params={"campaign_id": "0" * 32}), 404, "not_found")
    assert_error(api.get("/api/v1/reconciliation", token=finance, params={"colour": "red"}), 400, "validation_error")


def test_a_gift_without_a_campaign_is_unrestricted(aid_api, finance):
    giver = donor(aid_api, finance)
    response = aid_api.post(
        "/api/v1/donations",
        token=finance,
        json={
            "donor_id": giver["donor_id"],
            "amount_fen": 20_000,
            "received_on": "2026-08-01",
            "external_ref": unique("WX-0001"),
        },
    )
    assert response.status_code == 201, response.text
    assert response.json()["campaign_id"] is None and response.json()["placed_fen"] == 0


def test_an_auditor_reads_the_money_and_changes_none_of_it(aid_api, finance):
    api = aid_api
    target = create_campaign(api, budget_fen=0)
    giver = donor(api, finance)
    gift = donate(api, finance, giver["donor_id"], 30_000).json()
    auditor = new_user(api, "auditor")["token"]

    for path in (
        f"/api/v1/donors/{giver['donor_id']}",
        f"/api/v1/donors/{giver['donor_id']}/trace",
        "/api/v1/reconciliation",
        f"/api/v1/campaigns/{target['campaign_id']}",
    ):
        assert api.get(path, token=auditor).status_code == 200, path
    for path, body in (
        ("/api/v1/donors", {"name": "某人", "kind": "individual"}),
        (
            "/api/v1/donations",
            {
                "donor_id": giver["donor_id"],
                "amount_fen": 1,
                "campaign_id": None,
                "received_on": "2026-08-01",
                "external_ref": "AUDIT-1",
            },
        ),
        (f"/api/v1/campaigns/{target['campaign_id']}/allocations", {"amount_fen": 10_000}),
        ("/api/v1/disbursement-batches", {"campaign_id": target["campaign_id"]}),
    ):
        assert_error(api.post(path, token=auditor, json=body), 403, "forbidden")
    trace = api.get(f"/api/v1/donors/{giver['donor_id']}/trace", token=finance).json()
    assert [item["donation_id"] for item in trace["donations"]] == [gift["donation_id"]]
    assert campaign(api, target["campaign_id"])["available_fen"] == 0
