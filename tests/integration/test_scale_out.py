"""Scale-out: every service as separate processes on PostgreSQL and the real broker, once with one instance of each
and once with two (the gateways on two ports, driven alternately and at the same moment). Both runs must end with
exactly the same figures, and nothing done twice: each application, SMS, event, payment and gift once."""

import csv
import io
import json
from collections import Counter
from contextlib import contextmanager

import eventlet
import pytest
from sqlalchemy import text

from shared.db import make_engine
from tests.e2e.aid_builders import TODAY, WARMTH_AMOUNTS, campaign_body
from tests.e2e.builders import assert_error
from tests.fakes.sheets import generate_workers, to_csv_bytes
from tests.fakes.sms_provider import FakeSmsProvider
from tests.integration.cluster import Cluster
from tests.integration.conftest import wait_until

pytestmark = [
    pytest.mark.integration,
    pytest.mark.parametrize("db_backend", ["postgres"]),
    pytest.mark.timeout(900),
]

# Enough for every step to meet itself on the other instance, and for the payments to drain the restricted gift and
# the allocation (ten grants of at least ¥1,500 each); more would only take longer.
WORKERS = 24
PAID = 11  # the first 11 apply to the campaign without 公示 (one is rejected), the other 13 to one with a day of it
NOTICE_ENDED = "2026-08-12"  # approved on Monday TODAY with one day of 公示: ready from Wednesday
BUDGET, NOTICE_BUDGET, RESTRICTED, UNRESTRICTED, ALLOCATED = 5_000_000, 15_000_000, 1_000_000, 2_000_000, 500_000
CATEGORY_KEYS = {"深度困难": "deep", "相对困难": "relative", "意外致困": "accident"}
SETTINGS = {
    "HARDSHIP_TODAY": TODAY,
    "SMS_PROVIDER": "aliyun",
    "SMS_QUIET_HOURS": "off",
    "SMS_DISPATCH_SECONDS": "0.1",
    "PUBLICITY_CHECK_SECONDS": "0.1",
    "OUTBOX_POLL_SECONDS": "0.1",
    "RPC_TIMEOUT": "60",
    # not the fake's 1 s, which notify's own tests of timeouts want: on a loaded machine a send that took longer
    # would count against the provider, and its circuit breaker would hold every other SMS for a minute
    "SMS_HTTP_TIMEOUT": "10",
}


@contextmanager
def running_cluster(config, tmp_path, instances: int):
    with FakeSmsProvider() as fake:
        cluster = Cluster(config, tmp_path, instances, **fake.config(**SETTINGS))
        try:
            cluster.start_all()
            yield cluster, fake
        finally:
            cluster.stop_all()


def at_once(*calls):
    """Run the calls concurrently; their results in order."""
    pool = eventlet.GreenPool(len(calls))
    threads = [pool.spawn(call) for call in calls]
    return [thread.wait() for thread in threads]


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()


class Desk:
    """The people at the aid centre, each call going through the next gateway in turn."""

    def __init__(self, gateways):
        self.gateways = gateways
        self.turn = 0
        admin = gateways[0]
        self.maker, self.checker = admin.token_for("caseworker", "甲"), admin.token_for("caseworker", "乙")
        self.finance = admin.token_for("finance")

    def next(self):
        self.turn += 1
        return self.gateways[self.turn % len(self.gateways)]

    def each(self):
        """Every gateway, so a request can go through all of them at the same moment."""
        return self.gateways if len(self.gateways) > 1 else self.gateways * 2


def scenario(cluster) -> dict:
    """The centre's month; returns what should be true whatever the number of instances."""
    desk = Desk(cluster.gateways)
    sheet = generate_workers(WORKERS, seed=7)
    content = to_csv_bytes(sheet)
    first, again = at_once(
        *[
            lambda api=api: api.post("/api/v1/workers/import?filename=workers.csv", token=desk.maker, data=content)
            for api in desk.each()
        ]
    )
    assert sorted([ok(first)["created"], ok(again)["created"]]) == [0, WORKERS]
    workers = ok(desk.next().get("/api/v1/workers", token=desk.maker, params={"per_page": 500}))["items"]
    assert len(workers) == WORKERS
    workers.sort(key=lambda item: (item["id_number"], item["name"]))  # the masked number: the same order every run
    amount = {item["worker_id"]: WARMTH_AMOUNTS[item["category"]] for item in workers}
    assert sorted(amount.values()) == sorted(WARMTH_AMOUNTS[CATEGORY_KEYS[row["hardship_category"]]] for row in sheet)
    paid_workers, noticed_workers = [w["worker_id"] for w in workers[:PAID]], [w["worker_id"] for w in workers[PAID:]]

    paid = ok(
        desk.next().post(
            "/api/v1/campaigns", json=campaign_body(name="送温暖（免公示）", budget_fen=BUDGET, publicity_days=0)
        ),
        201,
    )["campaign_id"]
    noticed = ok(
        desk.next().post(
            "/api/v1/campaigns",
            json=campaign_body(name="送温暖（公示一天）", budget_fen=NOTICE_BUDGET, publicity_days=1),
        ),
        201,
    )["campaign_id"]

    donor_id = ok(
        desk.next().post(
            "/api/v1/donors", token=desk.finance, json={"name": "某某科技有限公司", "kind": "organization"}
        ),
        201,
    )["donor_id"]
    gift = {
        "donor_id": donor_id,
        "amount_fen": RESTRICTED,
        "campaign_id": paid,
        "received_on": "2026-08-01",
        "external_ref": "ICBC-20260801-0001",
    }
    gifts = at_once(
        *[lambda api=api: api.post("/api/v1/donations", token=desk.finance, json=gift) for api in desk.each()]
    )
    assert sorted(response.status_code for response in gifts) == [200, 201]
    assert len({response.json()["donation_id"] for response in gifts}) == 1
    ok(
        desk.next().post(
            "/api/v1/donations",
            token=desk.finance,
            json={**gift, "amount_fen": UNRESTRICTED, "campaign_id": None, "external_ref": "ICBC-20260801-0002"},
        ),
        201,
    )
    ok(
        desk.next().post(f"/api/v1/campaigns/{paid}/allocations", token=desk.finance, json={"amount_fen": ALLOCATED}),
        201,
    )

    # every application is filed twice at the same moment, through different gateways: one wins
    def file_twice(campaign_id, worker_id):
        body = {"campaign_id": campaign_id, "worker_id": worker_id}
        answers = at_once(
            *[lambda api=api: api.post("/api/v1/applications", token=desk.maker, json=body) for api in desk.each()]
        )
        [won] = [answer for answer in answers if answer.status_code == 201]
        [lost] = [answer for answer in answers if answer is not won]
        assert_error(lost, 409, "duplicate_application")
        return won.json()["application_id"]

    pool = eventlet.GreenPool(8)
    paid_ids = list(pool.starmap(file_twice, [(paid, worker_id) for worker_id in paid_workers]))
    noticed_ids = list(pool.starmap(file_twice, [(noticed, worker_id) for worker_id in noticed_workers]))
    worker_of = dict(zip(paid_ids + noticed_ids, paid_workers + noticed_workers))

    rejected, approved = paid_ids[0], paid_ids[1:]
    ok(
        desk.next().post(
            f"/api/v1/applications/{rejected}/reject", token=desk.checker, json={"reason": "家庭收入超过标准"}
        )
    )
    batches = [approved[start : start + 5] for start in range(0, len(approved), 5)]
    twice = at_once(
        *[
            lambda api=api: api.post(
                "/api/v1/applications/approve-batch", token=desk.checker, json={"application_ids": batches[0]}
            )
            for api in desk.each()
        ]
    )
    assert sorted(len(ok(answer)["approved"]) for answer in twice) == [0, 5]
    for answer in pool.imap(
        lambda ids: desk.next().post(
            "/api/v1/applications/approve-batch", token=desk.checker, json={"application_ids": ids}
        ),
        batches[1:],
    ):
        assert ok(answer)["failed"] == []
    assert (
        ok(
            desk.next().post(
                "/api/v1/applications/approve-batch", token=desk.checker, json={"application_ids": noticed_ids}
            )
        )["failed"]
        == []
    )

    # the bank: one batch however many officers press the button; the results applied once however often sent
    made = at_once(
        *[
            lambda api=api: api.post("/api/v1/disbursement-batches", token=desk.finance, json={"campaign_id": paid})
            for api in desk.each()
        ]
    )
    [batch] = [ok(answer, 201) for answer in made if answer.status_code == 201]
    assert_error(next(answer for answer in made if answer.status_code != 201), 409, "invalid_transition")
    assert batch["count"] == len(approved)
    bounced = approved[-1]
    results = bank_results(
        [(application_id, "success" if application_id != bounced else "failed") for application_id in approved]
    )
    settled = at_once(
        *[
            lambda api=api: api.post(
                f"/api/v1/disbursement-batches/{batch['batch_id']}/results",
                token=desk.finance,
                data=results,
                headers={"Content-Type": "text/csv"},
            )
            for api in desk.each()
        ]
    )
    # the later of two results at the same moment either finds them applied or is refused with "try again"
    assert sorted(answer.status_code for answer in settled)[0] == 200, [answer.text for answer in settled]
    assert all(answer.status_code == 200 or assert_error(answer, 409, "invalid_transition") for answer in settled)
    assert sum(answer.json().get("disbursed", 0) for answer in settled) == len(approved) - 1
    resent = ok(
        desk.next().post(
            f"/api/v1/disbursement-batches/{batch['batch_id']}/results",
            token=desk.finance,
            data=results,
            headers={"Content-Type": "text/csv"},
        )
    )
    assert (resent["disbursed"], resent["failed"], resent["unchanged"], resent["errors"]) == (0, 0, len(approved), [])
    second = ok(desk.next().post("/api/v1/disbursement-batches", token=desk.finance, json={"campaign_id": paid}), 201)
    assert second["count"] == 1
    ok(
        desk.next().post(
            f"/api/v1/disbursement-batches/{second['batch_id']}/results",
            token=desk.finance,
            data=bank_results([(bounced, "success")]),
            headers={"Content-Type": "text/csv"},
        )
    )

    # a worker leaves while on the notice: aid hears it once and sends the application back to review
    leaver = noticed_ids[0]
    ok(
        desk.next().post(
            f"/api/v1/workers/{worker_of[leaver]}/status",
            token=desk.maker,
            json={"status": "exited", "reason": "已调离本市"},
        )
    )
    wait_until(lambda: application(desk, leaver)["status"] == "submitted", 30)

    # two days later (every aid instance restarted on the new date): both timers end the same notices
    cluster.restart("aid", HARDSHIP_TODAY=NOTICE_ENDED)
    wait_until(lambda: all(application(desk, i)["status"] == "ready" for i in noticed_ids[1:]), 30)

    expected_sms = Counter(
        {(i, "submitted"): 1 for i in paid_ids + noticed_ids}
        | {(rejected, "rejected"): 1}
        | {(i, "disbursed"): 1 for i in approved}
        | {(bounced, "payment_failed"): 1}
        | {(i, "publicizing"): 1 for i in noticed_ids}
    )
    return {
        "desk": desk,
        "paid": paid,
        "noticed": noticed,
        "approved": approved,
        "rejected": rejected,
        "noticed_ids": noticed_ids,
        "leaver": leaver,
        "amount": {i: amount[worker_of[i]] for i in worker_of},
        "expected_sms": expected_sms,
    }


def bank_results(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("application_id", "result", "bank_ref", "reason"))
    for application_id, result in rows:
        paid = result == "success"
        writer.writerow(
            (application_id, result, f"ICBC{application_id[-12:]}" if paid else "", "" if paid else "账户已冻结")
        )
    return out.getvalue().encode("gb18030")


def application(desk, application_id: str) -> dict:
    return ok(desk.next().get(f"/api/v1/applications/{application_id}", token=desk.maker))


def rows(url: str, sql: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql)).all()
    finally:
        engine.dispose()


def check_nothing_done_twice(config, fake, facts) -> None:
    desk, amount, approved = facts["desk"], facts["amount"], facts["approved"]
    aid_db, notify_db = config["AID_DB_URL"], config["NOTIFY_DB_URL"]

    # each application once, in the status it should be in
    assert rows(aid_db, "SELECT campaign_id, worker_id FROM applications GROUP BY 1, 2 HAVING COUNT(*) > 1") == []
    paid_view = ok(desk.next().get(f"/api/v1/campaigns/{facts['paid']}", token=desk.finance))
    noticed_view = ok(desk.next().get(f"/api/v1/campaigns/{facts['noticed']}", token=desk.finance))
    assert {k: v for k, v in paid_view["counts"].items() if v} == {"disbursed": len(approved), "rejected": 1}
    assert {k: v for k, v in noticed_view["counts"].items() if v} == {
        "ready": len(facts["noticed_ids"]) - 1,
        "submitted": 1,
    }
    for application_id in facts["noticed_ids"][1:]:
        moves = [(m["from"], m["to"]) for m in application(desk, application_id)["history"]]
        assert moves == [(None, "submitted"), ("submitted", "publicizing"), ("publicizing", "ready")], moves

    # campaign figures to the fen, from the ledger, which balances
    disbursed = sum(amount[i] for i in approved)
    assert (paid_view["available_fen"], paid_view["committed_fen"], paid_view["disbursed_fen"]) == (
        BUDGET + RESTRICTED + ALLOCATED,
        0,
        disbursed,
    )
    ready = sum(amount[i] for i in facts["noticed_ids"][1:])
    assert (noticed_view["available_fen"], noticed_view["committed_fen"], noticed_view["disbursed_fen"]) == (
        NOTICE_BUDGET,
        ready,
        0,
    )
    assert rows(aid_db, "SELECT SUM(amount_fen) FROM ledger_entries")[0][0] == 0
    assert rows(aid_db, "SELECT movement_id FROM ledger_entries GROUP BY 1 HAVING SUM(amount_fen) <> 0") == []
    assert ok(desk.next().get("/api/v1/reconciliation", token=desk.finance))["ok"] is True

    # each payment once, drawn restricted gift first, then the allocated money, then the budget
    payouts = dict(rows(aid_db, "SELECT application_id, SUM(amount_fen) FROM payouts GROUP BY 1"))
    assert payouts == {i: amount[i] for i in approved}
    assert rows(aid_db, "SELECT COUNT(*), COUNT(DISTINCT bank_ref) FROM applications WHERE status = 'disbursed'")[
        0
    ] == (len(approved), len(approved))
    assert sorted(
        total
        for (total,) in rows(
            aid_db, "SELECT SUM(amount_fen) FROM payouts WHERE donation_id IS NOT NULL GROUP BY donation_id"
        )
    ) == sorted([RESTRICTED, ALLOCATED])
    assert rows(aid_db, "SELECT COUNT(*) FROM donations")[0][0] == 2

    # each event once per consumer: every SMS event became one message, every registry event one inbox row
    assert rows(aid_db, "SELECT COUNT(*) FROM outbox WHERE published_at IS NULL")[0][0] == 0
    registry_events = dict(rows(config["REGISTRY_DB_URL"], "SELECT event_type, COUNT(*) FROM outbox GROUP BY 1"))
    assert rows(aid_db, "SELECT handler, COUNT(*) FROM inbox GROUP BY 1 ORDER BY 1") == [
        ("AidService.on_org_unit_created", registry_events["org_unit_created"]),
        ("AidService.on_worker_status_changed", registry_events["worker_status_changed"]),
    ]
    assert (
        rows(
            aid_db,
            "SELECT COUNT(*) FROM outbox WHERE event_type IN ('application_submitted', 'application_approved',"
            " 'application_rejected', 'application_disbursed', 'application_payment_failed')",
        )[0][0]
        == sum(facts["expected_sms"].values()) + 1
    )  # the leaver's return to review is a second `submitted` event
    ready_events = Counter(
        json.loads(payload)["application_id"]
        for (payload,) in rows(aid_db, "SELECT payload FROM outbox WHERE event_type = 'application_ready'")
    )
    assert ready_events == Counter(approved + facts["noticed_ids"][1:])

    # each SMS once: one message per application and step, each sent to the provider exactly once
    messages = rows(notify_db, "SELECT application_id, template, notification_id, status FROM messages")
    told_when_ready = Counter((i, "ready") for i in facts["approved"])  # approved without a notice
    assert Counter((m.application_id, m.template) for m in messages) == facts["expected_sms"] + told_when_ready
    wait_until(
        lambda: {status for (status,) in rows(notify_db, "SELECT status FROM messages")} == {"sent"},
        60,
        describe=lambda: Counter(rows(notify_db, "SELECT status, last_error FROM messages")),
    )
    assert Counter(request.notification_id for request in fake.requests) == Counter(m.notification_id for m in messages)


@pytest.mark.parametrize("instances", [1, 2])
def test_two_instances_of_every_service_give_the_same_results_as_one_and_do_nothing_twice(config, tmp_path, instances):
    with running_cluster(config, tmp_path, instances) as (cluster, fake):
        facts = scenario(cluster)
        check_nothing_done_twice(config, fake, facts)
