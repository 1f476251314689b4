"""Paying aid through the bank over HTTP: batches, the GB18030 upload file, the bank's results, payment by hand."""

import csv
import io

import pytest
from sqlalchemy import text

from shared.db import make_engine
from tests.conftest import ADMIN_TOKEN
from tests.e2e.aid_builders import (
    TODAY,
    Staff,
    acted,
    application,
    campaign,
    counts,
    create_campaign,
    is_timestamp_with_offset,
    money,
    refused,
    submitted,
    worker,
)
from tests.e2e.builders import assert_error, fresh_account, new_user
from tests.e2e.notify_builders import movable_clock, notifications, wait_for_statuses  # noqa: F401

BUDGET = 10_000_000
DEEP = 300_000  # the default table's amount for a deep-hardship worker
BANK_HEADER = ["序号", "收款人账号", "收款人户名", "收款银行", "金额（元）", "用途", "业务参考号"]
RESULTS_HEADER = ("application_id", "result", "bank_ref", "reason")
# GB18030 and not merely GBK: 䶮 (CJK Extension A) and 𠮷 (Extension B) exist only in GB18030.
PAYEES = (("欧阳娜娜", "中国工商银行"), ("王䶮", "中国农业银行"), ("李𠮷", "中国建设银行"))
NO_SUCH_ID = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def pay_api(live, movable_clock):
    """The session's system (notify too), the business date pinned and a daytime clock (no quiet hours)."""
    live.set(HARDSHIP_TODAY=TODAY)
    return live.api


class Desk:
    """A campaign without 公示 (approval → ready), two caseworkers and a finance officer."""

    def __init__(self, api, **campaign_fields):
        self.api = api
        self.staff = Staff(api)
        finance = new_user(api, "finance")
        self.finance, self.finance_actor = finance["token"], f"finance:{finance['user_id']}"
        self.campaign_id = create_campaign(api, budget_fen=BUDGET, publicity_days=0, **campaign_fields)["campaign_id"]

    def filed(self, name: str = "张小明", bank: str = "中国工商银行") -> tuple[dict, dict]:
        body, registered = worker(self.api, name=name, bank={"name": bank, "account": fresh_account()})
        return body, submitted(self.api, self.staff.maker, self.campaign_id, registered["worker_id"])

    def ready(self, name: str = "张小明", bank: str = "中国工商银行") -> tuple[dict, dict]:
        body, filed = self.filed(name, bank)
        shown = acted(self.api, self.staff.checker, filed["application_id"], "approve")
        assert shown["status"] == "ready", shown
        return body, shown

    def create_batch(self, token=None, campaign_id=None):
        return self.api.post(
            "/api/v1/disbursement-batches",
            token=token or self.finance,
            json={"campaign_id": campaign_id or self.campaign_id},
        )

    def batch(self) -> dict:
        response = self.create_batch()
        assert response.status_code == 201, response.text
        return response.json()

    def get_batch(self, batch_id: str, token=None) -> dict:
        response = self.api.get(f"/api/v1/disbursement-batches/{batch_id}", token=token or self.finance)
        assert response.status_code == 200, response.text
        return response.json()

    def bank_file(self, batch_id: str) -> list[list[str]]:
        """The upload file's rows (header first), after checking it is GB18030 CSV."""
        response = self.api.get(f"/api/v1/disbursement-batches/{batch_id}/file", token=self.finance)
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].startswith("text/csv"), response.headers
        with pytest.raises(UnicodeDecodeError):
            response.content.decode("utf-8")  # Chinese text in GB18030 is never valid UTF-8
        return list(csv.reader(io.StringIO(response.content.decode("gb18030"), newline="")))

    def post_results(self, batch_id: str, content: bytes, multipart: bool = False, token=None):
        path = f"/api/v1/disbursement-batches/{batch_id}/results"
        if multipart:
            return self.api.post(path, token=token or self.finance, files={"file": ("回单.csv", content, "text/csv")})
        return self.api.post(path, token=token or self.finance, data=content, headers={"Content-Type": "text/csv"})

    def results(self, batch_id: str, content: bytes, multipart: bool = False) -> dict:
        response = self.post_results(batch_id, content, multipart)
        assert response.status_code == 200, response.text
        return response.json()

    def disburse(self, application_id: str, token=None, **body):
        return self.api.post(f"/api/v1/applications/{application_id}/disburse", token=token or self.finance, json=body)


def results_file(rows, encoding: str = "utf-8", header=RESULTS_HEADER, newline: str = "\r\n") -> bytes:
    """The bank's results as CSV; a row None is a blank line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow(header)
    for row in rows:
        if row is None:
            out.write(newline)
        else:
            writer.writerow(row)
    return out.getvalue().encode(encoding)


def statuses(api, application_ids) -> list[str]:
    return [application(api, application_id)["status"] for application_id in application_ids]


def last_moves(shown: dict, n: int) -> list[tuple]:
    return [(entry["from"], entry["to"], entry["actor"], entry["reason"]) for entry in shown["history"][-n:]]


def first_batch(desk) -> dict:
    """Three ready applications in one batch; the bank pays the first two and fails the third."""
    bodies, ids = [], []
    for name, bank in PAYEES:
        body, shown = desk.ready(name, bank)
        bodies.append(body)
        ids.append(shown["application_id"])
    batch = desk.batch()
    content = results_file(
        [
            (ids[0], "success", "ICBC20260810001", ""),
            (ids[1], "success", "ABC20260810002", ""),
            (ids[2], "failed", "", "账户已销户"),
        ],
        encoding="gb18030",
    )  # the bank answers in its own encoding
    return {"bodies": bodies, "ids": ids, "batch": batch, "content": content}


def test_a_batch_pays_through_the_bank_file_and_its_results(pay_api):
    api, desk = pay_api, Desk(pay_api)
    setup = first_batch(desk)
    bodies, ids, batch = setup["bodies"], setup["ids"], setup["batch"]

    assert (batch["campaign_id"], batch["count"], batch["total_fen"]) == (desk.campaign_id, 3, 3 * DEEP)
    assert (batch["paid"], batch["failed"], batch["pending"]) == (0, 0, 3)
    assert desk.get_batch(batch["batch_id"]) == batch
    for application_id in ids:
        shown = application(api, application_id)
        assert (shown["status"], shown["batch_id"], shown["bank_ref"]) == ("paying", batch["batch_id"], None)
        assert last_moves(shown, 1)[0][:3] == ("ready", "paying", desk.finance_actor)
    assert campaign(api, desk.campaign_id)["counts"] == counts(paying=3)

    rows = desk.bank_file(batch["batch_id"])
    assert rows[0] == BANK_HEADER
    assert [row[0] for row in rows[1:]] == ["1", "2", "3"]
    assert {row[6]: row[1:6] for row in rows[1:]} == {
        application_id: [body["bank"]["account"], body["name"], body["bank"]["name"], "3000.00", "送温暖补助"]
        for application_id, body in zip(ids, bodies)
    }

    summary = desk.results(batch["batch_id"], setup["content"], multipart=True)

    assert summary == {"batch_id": batch["batch_id"], "disbursed": 2, "failed": 1, "unchanged": 0, "errors": []}
    assert statuses(api, ids) == ["disbursed", "disbursed", "payment_failed"]
    paid, other, failed = (application(api, application_id) for application_id in ids)
    assert (paid["bank_ref"], other["bank_ref"], failed["bank_ref"]) == ("ICBC20260810001", "ABC20260810002", None)
    assert last_moves(paid, 2) == [
        ("ready", "paying", desk.finance_actor, paid["history"][-2]["reason"]),
        ("paying", "disbursed", desk.finance_actor, None),
    ]
    assert last_moves(failed, 1) == [("paying", "payment_failed", desk.finance_actor, "账户已销户")]
    figures = campaign(api, desk.campaign_id)
    assert money(figures) == (BUDGET, DEEP, 2 * DEEP, BUDGET - 3 * DEEP)
    assert figures["counts"] == counts(disbursed=2, payment_failed=1)
    assert {key: desk.get_batch(batch["batch_id"])[key] for key in ("count", "paid", "failed", "pending")} == {
        "count": 3,
        "paid": 2,
        "failed": 1,
        "pending": 0,
    }

    for application_id, outcome in zip(ids, ("disbursed", "disbursed", "payment_failed")):
        items = wait_for_statuses(api, application_id, {"submitted": "sent", "ready": "sent", outcome: "sent"})
        assert len(items) == 3, items
        assert "3000元" in next(item["text"] for item in items if item["template"] == outcome)


def test_the_same_results_file_twice_changes_nothing(pay_api):
    api, desk = pay_api, Desk(pay_api)
    setup = first_batch(desk)
    batch_id, ids = setup["batch"]["batch_id"], setup["ids"]
    desk.results(batch_id, setup["content"])
    for application_id, outcome in zip(ids, ("disbursed", "disbursed", "payment_failed")):
        wait_for_statuses(api, application_id, {"submitted": "sent", "ready": "sent", outcome: "sent"})
    before = (
        [application(api, application_id) for application_id in ids],
        campaign(api, desk.campaign_id),
        desk.get_batch(batch_id),
    )

    again = desk.results(batch_id, setup["content"], multipart=True)

    assert again == {"batch_id": batch_id, "disbursed": 0, "failed": 0, "unchanged": 3, "errors": []}
    after = (
        [application(api, application_id) for application_id in ids],
        campaign(api, desk.campaign_id),
        desk.get_batch(batch_id),
    )
    assert after == before  # statuses, bank refs, history, the campaign's money and the batch's tally
    # a later payment and failure through the same path (results file, aid's outbox, the same events to notify):
    # once their SMS are there, any the replay caused would be there too
    marker = Desk(api)
    paid, failing = (marker.ready()[1]["application_id"] for _ in range(2))
    marker.results(
        marker.batch()["batch_id"],
        results_file([(paid, "success", "MARK-1", ""), (failing, "failed", "", "户名不符")]),
    )
    wait_for_statuses(api, paid, {"submitted": "sent", "ready": "sent", "disbursed": "sent"})
    wait_for_statuses(api, failing, {"submitted": "sent", "ready": "sent", "payment_failed": "sent"})
    for application_id, outcome in zip(ids, ("disbursed", "disbursed", "payment_failed")):
        items = notifications(api, application_id=application_id)
        assert sorted(item["template"] for item in items) == sorted(["submitted", "ready", outcome]), items


def test_bad_result_lines_are_reported_by_line_and_the_good_ones_still_apply(pay_api):
    api, desk = pay_api, Desk(pay_api)
    ids = [desk.ready()[1]["application_id"] for _ in range(4)]
    batch_id = desk.batch()["batch_id"]
    late = desk.ready()[1]["application_id"]  # ready, but in no batch
    first = desk.results(batch_id, results_file([(ids[0], "success", "B-0", "")]))
    assert (first["disbursed"], first["errors"]) == (1, [])

    content = results_file(
        [
            (ids[0], "failed", "", "退票"),  # line 2: contradicts the success imported before
            (ids[1], "success", "B-1", ""),  # line 3: good
            None,  # line 4: blank, skipped but still counted
            (ids[1], "success", "B-1", ""),  # line 5: the same application again
            (NO_SUCH_ID, "success", "B-X", ""),  # line 6: no such application
            (late, "success", "B-L", ""),  # line 7: an application of this campaign, not in this batch
            (ids[2], "maybe", "B-2", ""),  # line 8: not a result
            (ids[2], "success", "", ""),  # line 9: paid, but no bank reference
            (ids[2], "success", "R" * 101, ""),  # line 10: a bank reference longer than 100 characters
            (ids[3], "failed", "", "户名不符"),  # line 11: good
        ]
    )

    summary = desk.results(batch_id, content)

    assert (summary["disbursed"], summary["failed"], summary["unchanged"]) == (1, 1, 0), summary
    assert [(error["line"], error["application_id"]) for error in summary["errors"]] == [
        (2, ids[0]),
        (5, ids[1]),
        (6, NO_SUCH_ID),
        (7, late),
        (8, ids[2]),
        (9, ids[2]),
        (10, ids[2]),
    ], summary
    assert all(isinstance(error["message"], str) and error["message"] for error in summary["errors"])
    assert "3" in summary["errors"][1]["message"]  # a duplicate names the line it repeats
    assert statuses(api, ids + [late]) == ["disbursed", "disbursed", "paying", "payment_failed", "ready"]
    assert [application(api, application_id)["bank_ref"] for application_id in ids] == ["B-0", "B-1", None, None]
    assert money(campaign(api, desk.campaign_id)) == (BUDGET, 3 * DEEP, 2 * DEEP, BUDGET - 5 * DEEP)
    shown = desk.get_batch(batch_id)
    assert (shown["paid"], shown["failed"], shown["pending"]) == (2, 1, 1)

    # the remaining line, fixed, goes through; the settled ones are unchanged, a contradiction still refused
    fixed = desk.results(
        batch_id,
        results_file(
            [
                (ids[0], "success", "B-0", ""),
                (ids[1], "failed", "", "退票"),
                (ids[2], "success", "B-2", ""),
            ]
        ),
    )
    assert (fixed["disbursed"], fixed["failed"], fixed["unchanged"]) == (1, 0, 1), fixed
    assert [(error["line"], error["application_id"]) for error in fixed["errors"]] == [(3, ids[1])]
    assert statuses(api, ids) == ["disbursed", "disbursed", "disbursed", "payment_failed"]


def test_results_in_gb18030_with_lone_cr_line_ends_and_a_bom_are_read(pay_api):
    """Spreadsheets save CSV in many ways: Excel for Mac ends lines with a lone CR; others add a BOM."""
    api, desk = pay_api, Desk(pay_api)
    ids = [desk.ready()[1]["application_id"] for _ in range(2)]
    batch_id = desk.batch()["batch_id"]

    summary = desk.results(
        batch_id,
        results_file(
            [(ids[0], "success", "R-1", ""), None, (ids[1], "failed", "", "账号有误")], encoding="gb18030", newline="\r"
        ),
    )
    assert (summary["disbursed"], summary["failed"], summary["errors"]) == (1, 1, []), summary
    assert last_moves(application(api, ids[1]), 1)[0][3] == "账号有误"

    again = desk.results(
        batch_id, results_file([(ids[0], "success", "R-1", ""), (ids[1], "maybe", "", "")], encoding="utf-8-sig")
    )
    assert again["unchanged"] == 1 and [error["line"] for error in again["errors"]] == [3], again


def test_failed_payments_go_into_the_next_batch(pay_api):
    api, desk = pay_api, Desk(pay_api)
    setup = first_batch(desk)
    first_id, ids, bodies = setup["batch"]["batch_id"], setup["ids"], setup["bodies"]
    desk.results(first_id, setup["content"])

    second = desk.batch()

    assert (second["count"], second["total_fen"], second["pending"]) == (1, DEEP, 1)
    assert second["batch_id"] != first_id
    assert statuses(api, ids) == ["disbursed", "disbursed", "paying"]
    assert application(api, ids[2])["batch_id"] == second["batch_id"]
    assert last_moves(application(api, ids[2]), 1)[0][:2] == ("payment_failed", "paying")
    assert money(campaign(api, desk.campaign_id)) == (BUDGET, DEEP, 2 * DEEP, BUDGET - 3 * DEEP)
    rows = desk.bank_file(second["batch_id"])
    assert rows[1:] == [
        [
            "1",
            bodies[2]["bank"]["account"],
            bodies[2]["name"],
            bodies[2]["bank"]["name"],
            "3000.00",
            "送温暖补助",
            ids[2],
        ]
    ]
    refused(desk.create_batch(), "invalid_transition")  # nothing ready or failed is left

    # the first batch's file again: its failure is history, the application stays in the new batch
    replay = desk.results(first_id, setup["content"])
    assert (replay["unchanged"], replay["errors"]) == (3, []), replay
    assert application(api, ids[2])["status"] == "paying"

    paid = desk.results(second["batch_id"], results_file([(ids[2], "success", "CCB-RETRY-1", "")]))
    assert (paid["disbursed"], paid["errors"]) == (1, [])
    assert statuses(api, ids) == ["disbursed"] * 3
    assert money(campaign(api, desk.campaign_id)) == (BUDGET, 0, 3 * DEEP, BUDGET - 3 * DEEP)
    wait_for_statuses(
        api, ids[2], {"submitted": "sent", "ready": "sent", "payment_failed": "sent", "disbursed": "sent"}
    )


def test_a_batch_needs_something_to_pay(pay_api):
    desk = Desk(pay_api)
    refused(desk.create_batch(), "invalid_transition")  # no applications at all
    desk.filed()  # submitted, not approved: not due for payment
    refused(desk.create_batch(), "invalid_transition")
    assert_error(desk.create_batch(campaign_id=NO_SUCH_ID), 404, "not_found")
    assert_error(pay_api.post("/api/v1/disbursement-batches", token=desk.finance, json={}), 400, "validation_error")


def test_payment_by_hand(pay_api):
    api, desk = pay_api, Desk(pay_api)
    _body, ready = desk.ready()
    application_id = ready["application_id"]

    response = desk.disburse(application_id, bank_ref="HAND-0001")

    assert response.status_code == 200, response.text
    shown = response.json()
    assert (shown["status"], shown["bank_ref"]) == ("disbursed", "HAND-0001")
    assert last_moves(shown, 1)[0][:3] == ("ready", "disbursed", desk.finance_actor)
    assert application(api, application_id) == shown
    assert money(campaign(api, desk.campaign_id)) == (BUDGET, 0, DEEP, BUDGET - DEEP)
    refused(desk.disburse(application_id, bank_ref="HAND-0002"), "invalid_transition")
    assert application(api, application_id)["bank_ref"] == "HAND-0001"
    assert money(campaign(api, desk.campaign_id)) == (BUDGET, 0, DEEP, BUDGET - DEEP)
    wait_for_statuses(api, application_id, {"submitted": "sent", "ready": "sent", "disbursed": "sent"})

    _body, waiting = desk.filed()
    refused(desk.disburse(waiting["application_id"], bank_ref="HAND-0003"), "invalid_transition")
    assert application(api, waiting["application_id"])["status"] == "submitted"

    # in a batch the bank has it: not by hand; once the bank failed it, by hand it may be
    failing = desk.ready()[1]["application_id"]
    batch_id = desk.batch()["batch_id"]
    refused(desk.disburse(failing, bank_ref="HAND-0004"), "invalid_transition")
    desk.results(batch_id, results_file([(failing, "failed", "", "卡已冻结")]))
    assert desk.disburse(failing, bank_ref="HAND-0005").json()["status"] == "disbursed"
    assert money(campaign(api, desk.campaign_id)) == (BUDGET, 0, 2 * DEEP, BUDGET - 2 * DEEP)

    _body, other = desk.ready()
    other_id = other["application_id"]
    for body, field in (
        ({}, "bank_ref"),
        ({"bank_ref": ""}, "bank_ref"),
        ({"bank_ref": 12345}, "bank_ref"),
        ({"bank_ref": None}, "bank_ref"),
        ({"bank_ref": "H-1", "amount_fen": 1}, "amount_fen"),
    ):
        error = assert_error(desk.disburse(other_id, **body), 400, "validation_error")
        assert field in error["fields"], (body, error)
    assert_error(
        api.post(
            f"/api/v1/applications/{other_id}/disburse",
            token=desk.finance,
            data="{",
            headers={"Content-Type": "application/json"},
        ),
        400,
        "bad_request",
    )
    assert application(api, other_id)["status"] == "ready"
    assert_error(desk.disburse(NO_SUCH_ID, bank_ref="HAND-0006"), 404, "not_found")


def test_who_may_pay(pay_api):
    api, desk = pay_api, Desk(pay_api)
    others = {role: new_user(api, role)["token"] for role in ("caseworker", "auditor")}
    others["admin"] = ADMIN_TOKEN
    donor = new_user(api, "donor")["token"]
    application_id = desk.ready()[1]["application_id"]

    for role in ("caseworker", "auditor"):
        assert_error(desk.create_batch(token=others[role]), 403, "forbidden")
        assert_error(desk.disburse(application_id, token=others[role], bank_ref="X-1"), 403, "forbidden")
    assert application(api, application_id)["status"] == "ready"
    batch_id = desk.batch()["batch_id"]
    content = results_file([(application_id, "success", "X-2", "")])
    for role in ("caseworker", "auditor"):
        assert_error(desk.post_results(batch_id, content, token=others[role]), 403, "forbidden")
    assert application(api, application_id)["status"] == "paying"

    path = f"/api/v1/disbursement-batches/{batch_id}/file"
    assert api.get(path, token=desk.finance).status_code == 200
    for token in (others["admin"], others["caseworker"], others["auditor"], donor):
        assert_error(api.get(path, token=token), 403, "forbidden")
    assert_error(api.get(path, token=None), 401, "unauthenticated")
    assert_error(api.get(f"/api/v1/disbursement-batches/{batch_id}", token=None), 401, "unauthenticated")
    assert_error(desk.post_results(batch_id, content, token="not-a-token"), 401, "unauthenticated")

    assert desk.get_batch(batch_id, token=others["auditor"])["batch_id"] == batch_id
    assert api.get(f"/api/v1/disbursement-batches/{batch_id}").json()["batch_id"] == batch_id  # admin
    assert_error(api.get(f"/api/v1/disbursement-batches/{batch_id}", token=donor), 403, "forbidden")


def test_results_upload_refuses_what_is_not_a_results_file(pay_api):
    api, desk = pay_api, Desk(pay_api)
    application_id = desk.ready()[1]["application_id"]
    batch_id = desk.batch()["batch_id"]

    assert_error(desk.post_results(batch_id, b""), 400, "validation_error")
    path = f"/api/v1/disbursement-batches/{batch_id}/results"
    assert_error(
        api.post(path, token=desk.finance, files={"other": ("a.csv", b"x", "text/csv")}), 400, "validation_error"
    )
    for header in (("application_id", "bank_ref", "reason"), ("result", "bank_ref"), ("序号", "结果", "流水号")):
        error = assert_error(
            desk.post_results(batch_id, results_file([(application_id, "success", "Y-1")], header=header)),
            400,
            "validation_error",
        )
        assert "file" in error["fields"], error
    too_long = results_file([(application_id, "success", "Y" * 200_000, "")])
    assert_error(desk.post_results(batch_id, too_long), 400, "validation_error")  # not a 500
    with_nul = results_file([(application_id, "success", "Y-1", "a\0b")])
    assert_error(desk.post_results(batch_id, with_nul), 400, "validation_error")  # PostgreSQL refuses NUL
    assert application(api, application_id)["status"] == "paying"

    content = results_file([(application_id, "success", "Y-2", "")])
    assert_error(desk.post_results(NO_SUCH_ID, content), 404, "not_found")
    assert_error(api.get(f"/api/v1/disbursement-batches/{NO_SUCH_ID}", token=desk.finance), 404, "not_found")
    assert_error(api.get(f"/api/v1/disbursement-batches/{NO_SUCH_ID}/file", token=desk.finance), 404, "not_found")
    assert application(api, application_id)["status"] == "paying"


def test_full_account_numbers_are_only_in_the_bank_file(pay_api):
    api, desk = pay_api, Desk(pay_api)
    bodies, ids = [], []
    for name, bank in PAYEES[:2]:
        body, shown = desk.ready(name, bank)
        bodies.append(body)
        ids.append(shown["application_id"])
    created = desk.create_batch()
    batch_id = created.json()["batch_id"]
    rows = desk.bank_file(batch_id)  # before the results: settled lines leave the file
    assert {row[1] for row in rows[1:]} == {body["bank"]["account"] for body in bodies}
    results = desk.post_results(batch_id, results_file([(ids[0], "success", "P-1", ""), (ids[1], "failed", "", "")]))
    seen = [
        created,
        results,
        api.get(f"/api/v1/disbursement-batches/{batch_id}", token=desk.finance),
        api.get(f"/api/v1/applications?campaign_id={desk.campaign_id}", token=desk.finance),
        api.get(f"/api/v1/campaigns/{desk.campaign_id}", token=desk.finance),
        *(api.get(f"/api/v1/applications/{application_id}", token=desk.finance) for application_id in ids),
    ]
    wait_for_statuses(api, ids[0], {"submitted": "sent", "ready": "sent", "disbursed": "sent"})
    seen += [api.get("/api/v1/notifications", params={"application_id": application_id}) for application_id in ids]

    for response in seen:
        assert response.status_code in (200, 201), response.text
        for body in bodies:
            for secret in (body["bank"]["account"], body["id_number"], body["phone"], body["name"]):
                assert secret not in response.text, (secret, response.request.url)


def test_the_bank_file_pays_what_was_checked(pay_api, live):
    """The batch keeps each payee as they were when it was made (a later change of account does not reach it),
    lists only lines still paying, neutralises a formula filed before the text rule, and records each download;
    a failed line in a new batch takes the payee as they are then."""
    api, desk = pay_api, Desk(pay_api)
    bodies, ids = [], []
    for name, bank in PAYEES:
        body, shown = desk.ready(name, bank)
        bodies.append(body)
        ids.append(shown["application_id"])
    formula = '=HYPERLINK("http://example.invalid/","点此领取")'
    worker_ids = [application(api, application_id)["worker_id"] for application_id in ids]
    registry = make_engine(live.settings["REGISTRY_DB_URL"])
    with registry.begin() as connection:  # filed before the text rule refused such names
        connection.execute(
            text("UPDATE workers SET name = :name WHERE worker_id = :worker_id"),
            {"name": formula, "worker_id": worker_ids[0]},
        )
    registry.dispose()
    batch_id = desk.batch()["batch_id"]
    new_accounts = [fresh_account(), fresh_account()]
    for worker_id, account in zip(worker_ids[1:], new_accounts):
        asked = api.patch(f"/api/v1/workers/{worker_id}", json={"bank": {"name": "中国银行", "account": account}})
        assert asked.status_code == 202, asked.text
        approved = api.post(
            f"/api/v1/change-requests/{asked.json()['change_request_id']}/approve", token=desk.staff.checker, json={}
        )
        assert approved.status_code == 200, approved.text

    rows = desk.bank_file(batch_id)

    assert rows[1][1:3] == [bodies[0]["bank"]["account"], "'" + formula]
    assert [row[1:4] for row in rows[2:]] == [
        [body["bank"]["account"], body["name"], body["bank"]["name"]] for body in bodies[1:]
    ]
    desk.results(batch_id, results_file([(ids[0], "success", "ICBC-1", ""), (ids[2], "failed", "", "账户已冻结")]))
    assert [row[0] for row in desk.bank_file(batch_id)[1:]] == ["2"]  # the settled lines are not paid again
    assert [row[1] for row in desk.bank_file(batch_id)[1:]] == [bodies[1]["bank"]["account"]]
    downloads = desk.get_batch(batch_id)["downloads"]
    assert [(entry["actor"], entry["lines"]) for entry in downloads] == [
        (desk.finance_actor, 3),
        (desk.finance_actor, 1),
        (desk.finance_actor, 1),
    ]
    assert all(is_timestamp_with_offset(entry["at"]) for entry in downloads)

    again = desk.batch()["batch_id"]
    assert desk.bank_file(again)[1:] == [
        ["1", new_accounts[1], bodies[2]["name"], "中国银行", "3000.00", "送温暖补助", ids[2]]
    ]
    assert [entry["lines"] for entry in desk.get_batch(again)["downloads"]] == [1]
