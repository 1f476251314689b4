"""Property-based tests of the money: random sequences of donations, allocations, approvals, payments
and failures, driven through the aid service's store functions against a real database (no nameko,
no broker), with a fresh database per example.

After every step:
1. the ledger sums to zero, in total and in every movement;
2. no internal account is negative (external:* accounts, where money comes from, never positive), and
   each account holds what the model says it should;
3. each campaign row's money agrees with ledger.campaign_money (remaining = budget + allocated
   - committed - disbursed);
4. every disbursed application's payouts add up exactly to its amount, each from exactly one existing
   source of its campaign; no source is used beyond its amount; each source's used_fen is exactly what
   its payouts took;
5. draws follow the CONTRACT order, replayed on the sources as they stood before the step: restricted
   gifts first, oldest first, then allocated money, oldest gift first, then the budget, each source
   drained before a later one is touched;
6. every donor's trace adds up, to the fen, and agrees with the payouts;
7. unrestricted gifts are never placed beyond their amount, and their placed_fen adds up to what
   allocate() moved.
Each step also checks its own outcome against a model: which approvals the money allows, which
transitions are refused, what a batch and the bank's results do, that a repeated external_ref adds
nothing, and that allocate takes the oldest gifts first.

Draw order (5) is replayed step by step rather than read off the end state: a restricted gift (or an
older-dated one) that arrives after the budget paid someone leaves an earlier-rank source with room
next to a used later-rank one, and that is right. The sequence is one list of steps drawn up front
(not a RuleBasedStateMachine, whose swarm testing switches rules off at random and, over 25 examples,
rarely gets from a gift to a payment), with the grants' size setting the scale of gifts and budgets.
"""

import csv
import io
import tempfile
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.aid import applications as application_store
from services.aid import approvals, disbursement, funds, ledger, scope, submissions, trace
from services.aid import campaigns as campaign_store
from services.aid.domain.statuses import COMMITTED, DISBURSED, PAYING, PAYMENT_FAILED, READY, SUBMITTED
from services.aid.domain.workdays import NO_CALENDAR
from services.aid.models import applications, batch_items, donations, fund_sources, payouts
from services.aid.models import ledger as ledger_entries
from shared import org_paths
from shared.crypto import Vault
from shared.db import make_engine
from shared.domain_errors import DomainError
from shared.migrations import upgrade
from tests.conftest import POSTGRES_ADMIN_URL, PostgresDatabases
from tests.unit.aid.data import ROOTS

pytestmark = pytest.mark.timeout(900)  # shrinking a failure takes longer than the default 120 s

TODAY = date(2026, 8, 10)
FIRST_GIFT_DAY = date(2026, 6, 1)
CATEGORIES = ("deep", "relative", "accident")
MAKER, CHECKER, FINANCE = "caseworker:maker", "reviewer:checker", "finance:payer"
CALENDAR = NO_CALENDAR  # no 公示 (publicity_days 0): the calendar is not read
INDEX = st.integers(min_value=0, max_value=10_000)  # picks one of a list, modulo its length
# The steps, weighted by repetition; drawn as one list up front so that shrinking drops whole steps.
STEPS = (
    "donate",
    "donate",
    "donate",
    "donate",
    "allocate",
    "allocate",
    "submit",
    "submit",
    "submit",
    "review",
    "pay_by_hand",
    "pay_by_hand",
    "create_batch",
    "create_batch",
    "batch_results",
)
MIN_STEPS, MAX_STEPS = 15, 25
PAYEE = "sealed payee"  # as the registry's `payees` gives it; no bank file is written here


def pick(items: list, index: int):
    return items[index % len(items)]


def results_csv(lines: list[tuple[str, str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("application_id", "result", "bank_ref", "reason"))
    for application_id, result, bank_ref in lines:
        writer.writerow((application_id, result, bank_ref, "" if result == "success" else "账号不存在"))
    return out.getvalue().encode("utf-8")


def draw_key(source: dict) -> tuple:
    """CONTRACT order: restricted, then allocated, then budget; oldest gift first within each."""
    return source["rank"], source["received_on"] or date.max


class World:
    """The database under test and a model of what it must hold."""

    def __init__(self, url: str, var_dir: str, draw):
        upgrade("aid", {"AID_DB_URL": url, "HARDSHIP_VAR_DIR": var_dir})
        self.engine = make_engine(url)
        self.session = Session(self.engine, expire_on_commit=False)
        self.vault = Vault(b"test-key")
        self.draw = draw
        self.campaign_ids: list[str] = []
        self.budget: dict[str, int] = {}
        self.placed: dict[str, int] = {}  # restricted gifts + allocations, per campaign
        self.amounts: dict[str, dict] = {}
        self.donor_ids: list[str] = []
        self.refs: dict[str, dict] = {}  # external_ref -> the donation as first recorded
        self.allocated_total = 0
        self.apps: dict[str, dict] = {}  # application_id -> {"campaign_id", "amount", "status"}
        self.batches: list[dict] = []  # {"batch_id", "items": [application_id], "results": {application_id: result}}
        self.workers = 0
        self.sources_seen: dict[str, dict] = {}
        self.last_payout_id = 0
        self.paid_apps: set[str] = set()

    def close(self):
        self.session.close()
        self.engine.dispose()

    # ------------------------------------------------------------------ set-up

    def money(self, label: str, most: int = 4) -> int:
        """An amount on the scale of the grants (so that gifts and budgets pay a few of them, whatever
        the grants are): up to `most` whole scales plus a random part of one."""
        return self.draw(st.integers(min_value=0, max_value=most), f"{label}: scales") * self.scale + self.draw(
            st.integers(min_value=1, max_value=self.scale), f"{label}: fen"
        )

    def setup(self):
        count = self.draw(st.integers(min_value=1, max_value=2), "campaigns")
        tables = [
            self.draw(
                st.fixed_dictionaries(
                    {category: st.integers(min_value=1, max_value=150_000) for category in CATEGORIES}
                ),
                f"amounts {number}",
            )
            for number in range(count)
        ]
        self.scale = max(amount for table in tables for amount in table.values())
        for number, amounts in enumerate(tables):
            budget = (
                0
                if self.draw(st.sampled_from([False, False, True]), f"no budget {number}")
                else self.money(f"budget {number}")
            )
            row = campaign_store.create(
                self.session,
                {
                    "program": "warmth",
                    "name": f"送温暖 {number}",
                    "year": 2026,
                    "opens_on": date(2026, 8, 1),
                    "closes_on": date(2026, 8, 31),
                    "budget_fen": budget,
                    "amounts": amounts,
                    "publicity_days": 0,
                },
                "admin:setup",
                None,  # the root's scope: a campaign that names no unit never asks the registry
                ask_registry=None,
            )
            self.campaign_ids.append(row.campaign_id)
            self.budget[row.campaign_id] = budget
            self.placed[row.campaign_id] = 0
            self.amounts[row.campaign_id] = amounts
        for kind, anonymous in self.draw(
            st.lists(st.tuples(st.sampled_from(["individual", "organization"]), st.booleans()), min_size=1, max_size=3),
            "donors",
        ):
            self.create_donor(kind, anonymous, None)
        self.sources_seen = self._sources()

    def create_donor(self, kind, anonymous, phone):
        data = {"name": "王大明" if kind == "individual" else "某某公司", "kind": kind, "anonymous": anonymous}
        if phone:
            data["phone"] = phone
        donor = funds.create_donor(self.session, self.vault, data, FINANCE)
        self.donor_ids.append(donor["donor_id"])

    # ------------------------------------------------------------------ donors and gifts

    def donate(self):
        """A gift restricted to a campaign or not; sometimes from a new donor; sometimes a bank reference
        seen before, with other details, which must bring back the first gift and add nothing."""
        if self.draw(st.sampled_from([False, False, True]), "new donor"):
            self.create_donor(
                self.draw(st.sampled_from(["individual", "organization"]), "kind"),
                self.draw(st.booleans(), "anonymous"),
                "13812345678",
            )
        donor = pick(self.donor_ids, self.draw(INDEX, "donor"))
        where = self.draw(st.sampled_from([0, 0, 1, 2]), "where (0: unrestricted)")
        campaign_id = None if where == 0 else pick(self.campaign_ids, where - 1)
        amount = self.money("amount", 1)
        received_on = FIRST_GIFT_DAY + timedelta(days=self.draw(st.integers(min_value=0, max_value=91), "day"))
        again = self.draw(st.sampled_from([False, False, False, True]), "same external_ref again") and self.refs
        ref = pick(sorted(self.refs), self.draw(INDEX, "which ref")) if again else f"BANK-{len(self.refs):05d}"
        if again and self.draw(st.booleans(), "the first gift's details again"):
            first = self.refs[ref]
            donor, amount, campaign_id = first["donor_id"], first["amount_fen"], first["campaign_id"]
        data = {
            "donor_id": donor,
            "amount_fen": amount,
            "campaign_id": campaign_id,
            "received_on": received_on,
            "external_ref": ref,
        }
        if again:
            first = self.refs[ref]
            if (first["donor_id"], first["amount_fen"], first["campaign_id"]) != (donor, amount, campaign_id):
                with pytest.raises(DomainError) as refused:
                    funds.donate(self.session, data, FINANCE)
                assert refused.value.code == "idempotency_conflict"
                event("donate: same external_ref, other details: refused")
                return
            donation, created = funds.donate(self.session, data, FINANCE)
            assert not created
            event("donate: same external_ref again")
            assert {**donation, "placed_fen": None} == {**first, "placed_fen": None}
            return
        donation, created = funds.donate(self.session, data, FINANCE)
        assert created
        assert (donation["amount_fen"], donation["campaign_id"], donation["donor_id"]) == (amount, campaign_id, donor)
        assert donation["placed_fen"] == (amount if campaign_id else 0)
        self.refs[ref] = donation
        if campaign_id:
            self.placed[campaign_id] += amount

    def allocate(self):
        """Part of the unallocated money, all of it, or more than there is (refused)."""
        campaign_id = pick(self.campaign_ids, self.draw(INDEX, "campaign"))
        share = self.draw(st.sampled_from(["part", "part", "part", "all", "more"]), "how much")
        before = self.session.execute(
            select(donations)
            .where(donations.c.campaign_id.is_(None))
            .order_by(donations.c.received_on, donations.c.created_at)
        ).all()
        self.session.rollback()
        given = sum(gift["amount_fen"] for gift in self.refs.values() if gift["campaign_id"] is None)
        free = given - self.allocated_total
        if share == "part":
            amount = max(1, free * self.draw(st.integers(min_value=1, max_value=99), "percent") // 100)
        else:
            more = 0 if share == "all" else self.draw(st.integers(min_value=1, max_value=1000), "fen more")
            amount = max(1, free + more)
        note(f"allocate {amount} of {free} unallocated")
        try:
            result, created = funds.allocate(
                self.session, campaign_store.load(self.session, campaign_id), amount, FINANCE
            )
        except DomainError as error:
            assert error.code == "budget_exhausted", error
            assert free < amount, f"allocation of {amount} refused with {free} unallocated"
            event("allocate: refused")
            return
        assert free >= amount and created, f"allocated {amount} with only {free} unallocated"
        event(f"allocate: from {min(len(result['from_donations']), 3)} gift(s)")
        # oldest gift first: exactly the greedy draw over the gifts as they stood
        expected, needed = [], amount
        for gift in before:
            part = min(needed, gift.amount_fen - gift.placed_fen)
            if part:
                expected.append({"donation_id": gift.donation_id, "amount_fen": part})
                needed -= part
        assert result["from_donations"] == expected
        assert result["amount_fen"] == amount
        self.allocated_total += amount
        self.placed[campaign_id] += amount

    # ------------------------------------------------------------------ applications

    def _left(self, campaign_id: str) -> int:
        held = [app for app in self.apps.values() if app["campaign_id"] == campaign_id]
        spent = sum(app["amount"] for app in held if app["status"] in COMMITTED or app["status"] == DISBURSED)
        return self.budget[campaign_id] + self.placed[campaign_id] - spent

    def _change(self, application_id: str, action: str, expected: str | None, values=None) -> None:
        """Do `action`; `expected` is the status it must lead to, or None when it must be refused."""
        app = self.apps[application_id]
        note(
            f"{action} …{application_id[-6:]}: {app['status']}, {app['amount']} fen, "
            f"{self._left(app['campaign_id'])} fen left in the campaign"
        )
        try:
            row = application_store.change(
                self.session, application_id, action, CHECKER, "理由", today=TODAY, calendar=CALENDAR, values=values
            )
        except DomainError as error:
            assert expected is None, f"{action} of a {app['status']} application refused: {error}"
            assert error.code in ("invalid_transition", "budget_exhausted"), error
            if error.code == "budget_exhausted":
                assert action == "approve" and self._left(app["campaign_id"]) < app["amount"], error
            event(f"{action}: refused ({error.code})")
            return
        assert expected is not None, f"{action} of a {app['status']} application allowed"
        assert row.status == expected
        event(f"{action}: done")
        app["status"] = expected

    def _approve(self, application_id: str) -> None:
        app = self.apps[application_id]
        allowed = app["status"] == SUBMITTED and self._left(app["campaign_id"]) >= app["amount"]
        self._change(application_id, "approve", READY if allowed else None)

    def _one_of(self, statuses: tuple) -> str | None:
        """Mostly an application the action suits; sometimes any, to see the refusals."""
        anyone = self.draw(st.sampled_from([False, False, False, True]), "any application")
        # in the order they were filed, not of their ids: ids are random, and the same draws must pick the same one
        candidates = [i for i, app in self.apps.items() if anyone or app["status"] in statuses]
        return pick(candidates, self.draw(INDEX, "which application")) if candidates else None

    def submit(self):
        """File one to three applications in one call (always allowed here), and mostly approve them at once,
        together in one batch approval."""
        requests, applicants = [], {}
        for number in range(self.draw(st.integers(min_value=1, max_value=3), "how many")):
            campaign_id = pick(self.campaign_ids, self.draw(INDEX, f"campaign ({number})"))
            category = self.draw(st.sampled_from(CATEGORIES), f"category ({number})")
            self.workers += 1
            worker_id = f"{self.workers:032x}"
            applicants[worker_id] = {
                "worker_id": worker_id,
                "status": "active",
                "category": category,
                "union": "市总工会",
                "name_masked": "王*明",
                "id_number_masked": f"110**********{self.workers % 10000:04d}",
                "id_last4": f"{self.workers % 10000:04d}",
                "household": [f"household-{worker_id}"],
                "version": 1,
                **ROOTS,
            }
            requests.append(({"campaign_id": campaign_id, "worker_id": worker_id}, MAKER, None, None))
        outcomes = submissions.submit_many(
            self.session,
            self.vault,
            requests,
            lambda worker_ids: {i: applicants[i] for i in worker_ids},
            None,
            TODAY,
            False,
        )
        filed = []
        for (payload, _actor, _request_id, _scope), outcome in zip(requests, outcomes, strict=True):
            shown = outcome["application"]
            category = applicants[payload["worker_id"]]["category"]
            assert (
                shown["status"] == SUBMITTED and shown["amount_fen"] == self.amounts[payload["campaign_id"]][category]
            )
            self.apps[shown["application_id"]] = {
                "campaign_id": payload["campaign_id"],
                "amount": shown["amount_fen"],
                "status": SUBMITTED,
            }
            filed.append(shown["application_id"])
        if self.draw(st.sampled_from([True, True, True, False]), "approve now"):
            self._approve_together(filed)

    def _approve_together(self, application_ids: list[str]) -> None:
        """A batch approval: as many as the money allows, in the order given (a later, smaller one may still fit)."""
        left = {campaign_id: self._left(campaign_id) for campaign_id in self.campaign_ids}
        expected = []
        for application_id in application_ids:
            app = self.apps[application_id]
            if app["status"] == SUBMITTED and left[app["campaign_id"]] >= app["amount"]:
                left[app["campaign_id"]] -= app["amount"]
                expected.append(application_id)
        note(f"approve together {[i[-6:] for i in application_ids]}: expect {[i[-6:] for i in expected]}")
        result = approvals.approve_many(
            self.session,
            application_ids,
            approvals.Reviewer(CHECKER, org_paths.EVERYWHERE, None),
            approvals.Approval(
                "理由", TODAY, CALENDAR, lambda worker_ids: {i: {"status": "active"} for i in worker_ids}, None
            ),
        )
        assert result["approved"] == expected, result
        assert {item["code"] for item in result["failed"]} <= {"budget_exhausted"}, result
        event(f"approve together: {len(expected)} of {len(application_ids)}")
        for application_id in expected:
            self.apps[application_id]["status"] = READY

    def review(self):
        action = self.draw(st.sampled_from(["approve", "approve", "return_for_review", "reject", "withdraw"]), "action")
        application_id = self._one_of((READY,) if action == "return_for_review" else (SUBMITTED,))
        if application_id is None:
            return
        if action == "approve":
            self._approve(application_id)
            return
        expected = {
            "return_for_review": {READY: SUBMITTED},
            "reject": {SUBMITTED: "rejected"},
            "withdraw": {SUBMITTED: "withdrawn"},
        }[action].get(self.apps[application_id]["status"])
        self._change(application_id, action, expected)

    def pay_by_hand(self):
        application_id = self._one_of((READY, PAYMENT_FAILED))
        if application_id is None:
            return
        expected = DISBURSED if self.apps[application_id]["status"] in (READY, PAYMENT_FAILED) else None
        self._change(application_id, "pay_by_hand", expected, values={"bank_ref": f"HAND-{application_id[-8:]}"})

    # ------------------------------------------------------------------ batches

    def create_batch(self):
        """Mostly for a campaign with something to pay; sometimes any (refused when there is nothing)."""
        payable = [  # in the order they were made: ids are random (see _one_of)
            campaign_id
            for campaign_id in self.campaign_ids
            if any(
                app["campaign_id"] == campaign_id and app["status"] in (READY, PAYMENT_FAILED)
                for app in self.apps.values()
            )
        ]
        anyone = self.draw(st.sampled_from([False, False, False, True]), "any campaign")
        campaign_id = pick(payable if payable and not anyone else self.campaign_ids, self.draw(INDEX, "campaign"))
        due = [  # in the order they were filed: the bank's answers are drawn line by line (see _one_of)
            application_id
            for application_id, app in self.apps.items()
            if app["campaign_id"] == campaign_id and app["status"] in (READY, PAYMENT_FAILED)
        ]
        try:
            campaign = campaign_store.load(self.session, campaign_id)
            rows = disbursement.due(self.session, campaign)
            batch = disbursement.create(self.session, campaign, rows, {row.worker_id: PAYEE for row in rows}, FINANCE)
        except DomainError as error:
            assert error.code == "invalid_transition" and not due, error
            event("batch: nothing to pay")
            return
        assert due, "a batch with nothing to pay"
        retried = any(self.apps[i]["status"] == PAYMENT_FAILED for i in due)
        event("batch: created, with earlier failures" if retried else "batch: created")
        assert (batch["count"], batch["total_fen"]) == (len(due), sum(self.apps[i]["amount"] for i in due))
        items = sorted(
            self.session.execute(
                select(batch_items.c.application_id).where(batch_items.c.batch_id == batch["batch_id"])
            ).scalars()
        )
        self.session.rollback()
        assert items == sorted(due)
        for application_id in due:
            self.apps[application_id]["status"] = PAYING
        self.batches.append({"batch_id": batch["batch_id"], "items": due, "results": {}})
        if self.draw(st.sampled_from([True, True, False]), "bank answers at once"):
            self.batch_results(self.batches[-1])

    def batch_results(self, batch=None):
        """The bank's answers for a batch, the latest one mostly: each line success, failed or left out;
        lines already settled are sent again (unchanged) or contradicted (an error line, nothing moves)."""
        if not self.batches:
            return
        if batch is None:
            latest = self.draw(st.booleans(), "latest batch")
            batch = self.batches[-1] if latest else pick(self.batches, self.draw(INDEX, "batch"))
        answers = self.draw(
            st.lists(
                st.sampled_from(["success", "success", "failed", None]),
                min_size=len(batch["items"]),
                max_size=len(batch["items"]),
            ),
            "answers",
        )
        lines, expected, settled = [], {"disbursed": 0, "failed": 0, "unchanged": 0, "errors": 0}, {}
        for application_id, answer in zip(batch["items"], answers):
            if answer is None:
                continue
            lines.append((application_id, answer, f"BANK-{application_id[-10:]}" if answer == "success" else ""))
            known = batch["results"].get(application_id)
            if known is None:
                expected["disbursed" if answer == "success" else "failed"] += 1
                settled[application_id] = answer
            elif known == answer:
                expected["unchanged"] += 1
            else:
                expected["errors"] += 1
        summary = disbursement.apply_results(
            self.session, batch["batch_id"], results_csv(lines), FINANCE, scope.batches_seen(org_paths.EVERYWHERE)
        )
        assert {key: summary[key] for key in ("disbursed", "failed", "unchanged")} == {
            key: expected[key] for key in ("disbursed", "failed", "unchanged")
        }, summary
        assert len(summary["errors"]) == expected["errors"], summary
        event(f"results: {', '.join(key for key, count in expected.items() if count) or 'empty'}")
        for application_id, answer in settled.items():
            assert self.apps[application_id]["status"] == PAYING
            self.apps[application_id]["status"] = DISBURSED if answer == "success" else PAYMENT_FAILED
            batch["results"][application_id] = answer

    # ------------------------------------------------------------------ invariants

    def check(self):
        self.statuses_match_the_model()
        self.ledger_balances()
        self.campaign_rows_agree_with_the_ledger()
        self.every_disbursed_fen_has_one_source()
        self.draws_follow_the_contract_order()
        self.donor_traces_add_up()
        self.unrestricted_gifts_never_overplaced()

    def _sources(self) -> dict[str, dict]:
        rows = self.session.execute(select(fund_sources)).all()
        self.session.rollback()
        return {row.source_id: dict(row._mapping) for row in rows}

    def statuses_match_the_model(self):
        rows = dict(self.session.execute(select(applications.c.application_id, applications.c.status)).all())
        self.session.rollback()
        assert rows == {application_id: app["status"] for application_id, app in self.apps.items()}

    def ledger_balances(self):
        s = self.session
        assert ledger.total(s) == 0
        unbalanced = s.execute(
            select(ledger_entries.c.movement_id, func.sum(ledger_entries.c.amount_fen))
            .group_by(ledger_entries.c.movement_id)
            .having(func.sum(ledger_entries.c.amount_fen) != 0)
        ).all()
        assert unbalanced == []
        held = {
            account: int(total)
            for account, total in s.execute(
                select(ledger_entries.c.account, func.sum(ledger_entries.c.amount_fen)).group_by(
                    ledger_entries.c.account
                )
            ).all()
        }
        s.rollback()
        known = {ledger.DONORS, ledger.UNION_BUDGET, ledger.UNRESTRICTED} | {
            account(campaign_id)
            for campaign_id in self.campaign_ids
            for account in (ledger.funds, ledger.committed, ledger.disbursed)
        }
        assert set(held) <= known, set(held) - known
        for account, balance in held.items():
            if account.startswith("external:"):
                assert balance <= 0, (account, balance)
            else:
                assert balance >= 0, (account, balance)
        gifts = list(self.refs.values())
        assert held.get(ledger.DONORS, 0) == -sum(gift["amount_fen"] for gift in gifts)
        assert held.get(ledger.UNION_BUDGET, 0) == -sum(self.budget.values())
        unrestricted = sum(gift["amount_fen"] for gift in gifts if gift["campaign_id"] is None)
        assert held.get(ledger.UNRESTRICTED, 0) == unrestricted - self.allocated_total

    def campaign_rows_agree_with_the_ledger(self):
        for campaign_id in self.campaign_ids:
            row = campaign_store.load(self.session, campaign_id)
            money = ledger.campaign_money(self.session, campaign_id)
            self.session.rollback()
            held = [app for app in self.apps.values() if app["campaign_id"] == campaign_id]
            committed = sum(app["amount"] for app in held if app["status"] in COMMITTED)
            paid = sum(app["amount"] for app in held if app["status"] == DISBURSED)
            assert (row.budget_fen, row.allocated_fen) == (self.budget[campaign_id], self.placed[campaign_id])
            assert (row.committed_fen, row.disbursed_fen) == (committed, paid)
            assert money == {
                "remaining": row.budget_fen + row.allocated_fen - row.committed_fen - row.disbursed_fen,
                "committed": row.committed_fen,
                "disbursed": row.disbursed_fen,
            }
            assert money["remaining"] >= 0

    def every_disbursed_fen_has_one_source(self):
        s = self.session
        sources = self._sources()
        paid = s.execute(select(payouts).order_by(payouts.c.id)).all()
        gifts = {row.donation_id: row for row in s.execute(select(donations)).all()}
        s.rollback()
        by_app, by_source = defaultdict(int), defaultdict(int)
        for payout in paid:
            source = sources[payout.source_id]  # exactly one source, which exists
            assert payout.amount_fen > 0
            assert payout.donation_id == source["donation_id"]
            assert source["campaign_id"] == self.apps[payout.application_id]["campaign_id"]
            by_app[payout.application_id] += payout.amount_fen
            by_source[payout.source_id] += payout.amount_fen
        for application_id, app in self.apps.items():
            assert by_app.get(application_id, 0) == (app["amount"] if app["status"] == DISBURSED else 0), app
        for source_id, source in sources.items():
            assert 0 <= source["used_fen"] <= source["amount_fen"], source
            assert source["used_fen"] == by_source.get(source_id, 0), source
        assert sum(source["used_fen"] for source in sources.values()) == sum(payout.amount_fen for payout in paid)
        for campaign_id in self.campaign_ids:
            mine = [source for source in sources.values() if source["campaign_id"] == campaign_id]
            assert sum(source["amount_fen"] for source in mine) == self.budget[campaign_id] + self.placed[campaign_id]
            budget = [source for source in mine if source["rank"] == funds.BUDGET]
            budget_fen = self.budget[campaign_id]
            assert [source["amount_fen"] for source in budget] == ([budget_fen] if budget_fen else [])
        for source in sources.values():
            if source["rank"] == funds.BUDGET:
                assert source["donation_id"] is None and source["received_on"] is None
                continue
            gift = gifts[source["donation_id"]]
            assert source["received_on"] == gift.received_on
            assert gift.campaign_id == (source["campaign_id"] if source["rank"] == funds.RESTRICTED else None)
        for gift in gifts.values():
            mine = [source for source in sources.values() if source["donation_id"] == gift.donation_id]
            if gift.campaign_id:
                assert [(source["rank"], source["amount_fen"]) for source in mine] == [
                    (funds.RESTRICTED, gift.amount_fen)
                ]
            else:
                assert all(source["rank"] == funds.ALLOCATED for source in mine)
                assert sum(source["amount_fen"] for source in mine) == gift.placed_fen

    def draws_follow_the_contract_order(self):
        """Replay this step's payouts on the sources as they stood before it: each application takes from the
        earliest sources with room, draining each before moving to a later one."""
        before = self.sources_seen
        new = self.session.execute(
            select(payouts).where(payouts.c.id > self.last_payout_id).order_by(payouts.c.id)
        ).all()
        self.session.rollback()
        by_app: dict[str, list] = {}
        for payout in new:
            by_app.setdefault(payout.application_id, []).append(payout)
        for application_id, taken in by_app.items():  # in the order they were paid
            assert application_id not in self.paid_apps, f"{application_id} paid twice"
            self.paid_apps.add(application_id)
            campaign_id = self.apps[application_id]["campaign_id"]
            assert sum(payout.amount_fen for payout in taken) == self.apps[application_id]["amount"]
            assert len({payout.source_id for payout in taken}) == len(taken)
            keys = []
            for position, payout in enumerate(taken):
                source = before[payout.source_id]
                room = source["amount_fen"] - source["used_fen"]
                assert 0 < payout.amount_fen <= room, (payout, source)
                if position < len(taken) - 1:
                    assert payout.amount_fen == room, f"moved on before draining {source}"
                keys.append(draw_key(source))
            assert keys == sorted(keys), f"drawn out of order: {keys}"
            event(f"paid from ranks {sorted({key[0] for key in keys})}, {len(keys)} source(s)")
            used = {payout.source_id for payout in taken}
            skipped = [
                source
                for source in before.values()
                if source["campaign_id"] == campaign_id
                and source["source_id"] not in used
                and source["used_fen"] < source["amount_fen"]
                and draw_key(source) < keys[-1]
            ]
            assert not skipped, f"took {keys[-1]} while earlier sources had room: {skipped}"
            for payout in taken:
                before[payout.source_id] = {
                    **before[payout.source_id],
                    "used_fen": before[payout.source_id]["used_fen"] + payout.amount_fen,
                }
        now = self._sources()
        for source_id, source in before.items():
            assert now[source_id]["used_fen"] == source["used_fen"], (source, now[source_id])
        self.sources_seen = now
        if new:
            self.last_payout_id = new[-1].id

    def donor_traces_add_up(self):
        s = self.session
        paid_by_gift = defaultdict(int)
        for donation_id, amount in s.execute(select(payouts.c.donation_id, payouts.c.amount_fen)).all():
            paid_by_gift[donation_id] += amount
        gifts = s.execute(select(donations)).all()
        s.rollback()
        gifts_of = defaultdict(list)
        for gift in gifts:
            gifts_of[gift.donor_id].append(gift)
        traced_total = 0
        for donor_id in self.donor_ids:
            shown = trace.donor_trace(s, donor_id)
            mine = gifts_of[donor_id]
            assert shown["donated_fen"] == sum(gift.amount_fen for gift in mine)
            assert sorted(item["donation_id"] for item in shown["donations"]) == sorted(g.donation_id for g in mine)
            for item in shown["donations"]:
                assert item["allocated_fen"] == sum(part["amount_fen"] for part in item["allocations"])
                assert item["allocated_fen"] == paid_by_gift.get(item["donation_id"], 0)
                assert 0 <= item["allocated_fen"] <= item["amount_fen"]
                for part in item["allocations"]:
                    assert self.apps[part["application_id"]]["status"] == DISBURSED
            assert shown["allocated_fen"] == sum(item["allocated_fen"] for item in shown["donations"])
            assert shown["allocated_fen"] == sum(paid_by_gift.get(gift.donation_id, 0) for gift in mine)
            assert shown["unallocated_fen"] == shown["donated_fen"] - shown["allocated_fen"]
            traced_total += shown["allocated_fen"]
            most = max((len(item["allocations"]) for item in shown["donations"]), default=0)
            if most > 1:
                event("trace: a gift paid several applications")
        assert traced_total == sum(amount for donation_id, amount in paid_by_gift.items() if donation_id is not None)

    def unrestricted_gifts_never_overplaced(self):
        gifts = self.session.execute(select(donations)).all()
        self.session.rollback()
        assert len(gifts) == len(self.refs)
        for gift in gifts:
            assert 0 <= gift.placed_fen <= gift.amount_fen
            if gift.campaign_id:
                assert gift.placed_fen == gift.amount_fen
        assert sum(gift.placed_fen for gift in gifts if gift.campaign_id is None) == self.allocated_total


def run(data, url: str, var_dir: str) -> None:
    world = World(url, var_dir, lambda strategy, label: data.draw(strategy, label=label))
    try:
        world.setup()
        world.check()
        steps = data.draw(st.lists(st.sampled_from(STEPS), min_size=MIN_STEPS, max_size=MAX_STEPS), label="steps")
        for number, step in enumerate(steps, start=1):
            world.draw = lambda strategy, label, _at=f"{number}.{step}": data.draw(strategy, label=f"{_at}: {label}")
            note(f"step {number}: {step}")
            getattr(world, step)()
            world.check()
    finally:
        world.close()


COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)


@settings(max_examples=25, **COMMON)
@given(data=st.data())
def test_money_always_adds_up_on_sqlite(data, migrated_templates):
    """Each example on a fresh copy of the session's migrated aid database (its own upgrade finds it at head)."""
    with tempfile.TemporaryDirectory(prefix="funds-properties-") as var_dir:
        run(data, migrated_templates.sqlite_urls(Path(var_dir), services=("aid",))["aid"], var_dir)


def _postgres_available() -> bool:
    try:
        import psycopg2

        psycopg2.connect(POSTGRES_ADMIN_URL, connect_timeout=3).close()
        return True
    except Exception:  # noqa: BLE001 - whatever the reason, there is no server to test against
        return False


@pytest.mark.skipif(not _postgres_available(), reason="no PostgreSQL server at HARDSHIP_TEST_PG")
@settings(max_examples=10, **COMMON)
@given(data=st.data())
def test_money_always_adds_up_on_postgres(data, migrated_templates, postgres_drops):
    """Each example on a fresh copy of the session's migrated aid database (its own upgrade finds it at head)."""
    databases = PostgresDatabases()
    try:
        with tempfile.TemporaryDirectory(prefix="funds-properties-") as var_dir:
            run(data, migrated_templates.postgres_urls(databases, services=("aid",))["aid"], var_dir)
    finally:
        postgres_drops.append(databases.drop_all_in_background())
