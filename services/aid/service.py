"""The aid service: campaigns (送温暖 / 金秋助学), applications, their review and payment, over RPC and events; it
keeps the union units campaigns belong to from the registry's events."""

import base64
import logging

from nameko.dependency_providers import Config

from services.aid import applications as application_store
from services.aid import (
    approvals,
    calendars,
    disbursement,
    disclosure,
    funds,
    public,
    quotas,
    reconciliation,
    reports,
    submissions,
    trace,
    units,
)
from services.aid import campaigns as campaign_store
from services.aid import scope as scope_rule
from services.aid.metrics import application_figures
from services.aid.models import inbox, outbox
from services.aid.schemas import (
    AllocationSchema,
    ApplicationQuerySchema,
    ApproveSchema,
    BatchApproveSchema,
    BatchCreateSchema,
    BatchQuerySchema,
    CalendarSchema,
    CampaignSchema,
    DisburseSchema,
    DonationSchema,
    DonorSchema,
    QuotaSchema,
    ReasonSchema,
    ReconciliationQuerySchema,
)
from shared import clock
from shared.config import setting
from shared.data_vault import DataVault
from shared.db import Database
from shared.domain_errors import DomainError
from shared.errors import ServiceError
from shared.inbox import handle_once
from shared.metrics import ServiceFigures
from shared.outbox import OutboxRelay
from shared.request_ids import RequestIds
from shared.retry import reliable_event_handler
from shared.rpc import rpc
from shared.rpc_proxy import TimedRpcProxy
from shared.schemas import PagedQuerySchema, load_or_400
from shared.timer import configured_timer

log = logging.getLogger(__name__)
TIMER_ACTOR = "system:publicity-timer"
REGISTRY_ACTOR = "system:registry"


class AidService:
    name = "aid"

    config = Config()
    db = Database("aid")
    vault = DataVault()
    relay = OutboxRelay("aid", outbox)
    registry = TimedRpcProxy("registry")
    request_ids = RequestIds()
    figures = ServiceFigures("aid", outbox, inbox, extra=application_figures)

    def today(self):
        return clock.today(self.config)

    def calendar(self):
        return calendars.working_calendar(self.db)

    def change(self, application_id, action, actor, reason=None, **kwargs):
        return application_store.change(
            self.db,
            application_id,
            action,
            actor,
            reason,
            today=self.today(),
            calendar=self.calendar(),
            **kwargs,
        )

    def changed_view(self, application_id, action, actor, scope, reason=None, **kwargs):
        """The change by a caller whose unit is `scope`: an application out of it is not found."""
        row = self.change(application_id, action, actor, reason, scope_path=self.scope_path(scope), **kwargs)
        return self.view_of(row)

    def view_of(self, row):
        return application_store.view(row, application_store.history_of(self.db, row.application_id))

    @rpc
    def ping(self):
        return "ok"

    @rpc
    def metrics(self, scope=None):
        """The whole system's figures (scope None: Prometheus and the root's users, as the gateway decides); for a
        unit's users (`scope`: their unit) the applications of their subtree only."""
        if scope is None:
            return self.figures.everything(self.db)
        return self.figures.within(self.db, scope_rule.applications_seen(self.scope_path(scope)))

    def unit_from_registry(self, org_unit_id):
        return self.registry.get_org_unit(org_unit_id, None)

    def scope_path(self, scope):
        return units.scope_path(self.db, scope, self.unit_from_registry)

    # Campaigns are scoped: `scope` is the caller's unit (None: the root's users), see scope.py.
    @rpc
    def create_campaign(self, payload, actor, scope):
        data = load_or_400(CampaignSchema(), payload)
        row = campaign_store.create(self.db, data, actor, scope, self.unit_from_registry)
        shown = campaign_store.figures(self.db, [row.campaign_id], self.scope_path(scope))
        return campaign_store.view(row, shown[row.campaign_id])

    @rpc
    def get_campaign(self, campaign_id, scope):
        scope_path = self.scope_path(scope)
        return campaign_store.detail(self.db, campaign_store.load_seen(self.db, campaign_id, scope_path), scope_path)

    @rpc
    def list_campaigns(self, query, scope):
        paging = load_or_400(PagedQuerySchema(), query)
        return campaign_store.listing(self.db, self.scope_path(scope), paging["page"], paging["per_page"])

    @rpc
    def set_quota(self, campaign_id, payload, actor, scope):
        data = load_or_400(QuotaSchema(), payload)
        return quotas.set_quota(self.db, campaign_id, data, actor, scope, self.unit_from_registry)

    @rpc
    def submit_applications(self, requests):
        """[{"payload", "actor", "request_id", "scope"}] → [{"application": view} | {"error": ServiceError args}], in
        order; `scope` is the caller's unit."""
        return submissions.submit_many(
            self.db,
            self.vault,
            [
                (request["payload"], request["actor"], request.get("request_id"), request["scope"])
                for request in requests
            ],
            self.registry.applicants,
            self.unit_from_registry,
            self.today(),
            setting("RELATIVE_ONE_AID_PER_YEAR", self.config) not in ("0", "false", "no"),
        )

    @rpc
    def report_figures(self, org_unit_id, year, scope):
        """The roll-up report's application figures of the year, per unit of the subtree of `org_unit_id` (None: the
        caller's unit), which lies in the caller's scope."""
        path = reports.report_path(self.db, org_unit_id, scope, self.unit_from_registry)
        return reports.figures(self.db, path, year)

    # Applications are scoped by their worker's unit: `scope` is the caller's unit (None: the root's users).
    @rpc
    def get_application(self, application_id, scope):
        return self.view_of(application_store.load(self.db, application_id, self.scope_path(scope)))

    @rpc
    def list_applications(self, query, scope):
        criteria = load_or_400(ApplicationQuerySchema(), query)
        level = units.level_of_scope(self.db, scope, self.unit_from_registry) if criteria.get("awaiting_me") else None
        return application_store.search(self.db, criteria, self.scope_path(scope), level)

    def approval(self, note, actor, scope):
        reviewer = approvals.Reviewer(
            actor, self.scope_path(scope), units.level_of_scope(self.db, scope, self.unit_from_registry)
        )
        return reviewer, approvals.Approval(
            note, self.today(), self.calendar(), self.registry.applicants, self.unit_from_registry
        )

    @rpc
    def approve(self, application_id, payload, actor, scope):
        """An approval (or the review step it takes) is a batch of one."""
        note = load_or_400(ApproveSchema(), payload)["note"]
        failed = approvals.approve(self.db, [application_id], *self.approval(note, actor, scope))
        if failed:
            raise failed[application_id]
        return self.view_of(application_store.load(self.db, application_id))

    @rpc
    def approve_batch(self, payload, actor, scope):
        request = load_or_400(BatchApproveSchema(), payload)
        return approvals.approve_many(
            self.db, request["application_ids"], *self.approval(request["note"], actor, scope)
        )

    @rpc
    def reject(self, application_id, payload, actor, scope):
        reason = load_or_400(ReasonSchema(), payload)["reason"]
        return self.changed_view(application_id, "reject", actor, scope, reason, reviewer_check=True)

    @rpc
    def withdraw(self, application_id, payload, actor, scope):
        reason = load_or_400(ReasonSchema(), payload)["reason"]
        return self.changed_view(application_id, "withdraw", actor, scope, reason)

    @rpc
    def object(self, application_id, payload, actor, scope):
        reason = load_or_400(ReasonSchema(), payload)["reason"]
        return self.changed_view(application_id, "objection", actor, scope, reason)

    @rpc
    def get_calendar(self, year):
        return calendars.view(self.db, year)

    @rpc
    def enter_calendar(self, year, payload, actor):
        return calendars.enter(self.db, year, load_or_400(CalendarSchema(), payload), actor)

    @rpc
    def missing_calendar_years(self):
        """This year, and from November next year, when neither the official calendar nor an admin has them."""
        return calendars.missing(self.db, self.today())

    def owned(self, data, scope):
        """The body with the unit its new record belongs to: the one it names, in the caller's scope, or theirs."""
        return {**data, "org_unit_id": units.owner(self.db, data.get("org_unit_id"), scope, self.unit_from_registry)}

    # Donors and gifts are scoped by the unit that took them on, batches by their campaign's (scope.py); `own_donor` is
    # the donor of a donor's own account, which sees that donor alone.
    @rpc
    def create_donor(self, payload, actor, scope):
        return funds.create_donor(self.db, self.vault, self.owned(load_or_400(DonorSchema(), payload), scope), actor)

    def reader_scope(self, scope, own_donor):
        """The scope path of a staff caller; a donor's own account (`own_donor`: its donor) is not scoped by its unit
        (scope.donors_seen)."""
        return None if own_donor is not None else self.scope_path(scope)

    @rpc
    def get_donor(self, donor_id, scope, own_donor=None):
        seen = scope_rule.donors_seen(self.reader_scope(scope, own_donor), own_donor)
        return funds.donor_view(funds.load_donor(self.db, donor_id, seen))

    @rpc
    def list_donors(self, query, scope):
        paging = load_or_400(PagedQuerySchema(), query)
        seen = scope_rule.donors_seen(self.scope_path(scope))
        return funds.donor_listing(self.db, seen, paging["page"], paging["per_page"])

    @rpc
    def list_donations(self, query, scope):
        paging = load_or_400(PagedQuerySchema(), query)
        seen = scope_rule.donations_seen(self.scope_path(scope))
        return funds.donation_listing(self.db, seen, paging["page"], paging["per_page"])

    @rpc
    def donate(self, payload, actor, scope):
        data = self.owned(load_or_400(DonationSchema(), payload), scope)
        donation, created = funds.donate(self.db, data, actor, self.scope_path(scope))
        return {"donation": donation, "created": created}

    @rpc
    def allocate(self, campaign_id, payload, actor, scope):
        request = load_or_400(AllocationSchema(), payload)
        scope_path = self.scope_path(scope)
        allocation, created = funds.allocate(
            self.db,
            campaign_store.load_seen(self.db, campaign_id, scope_path),
            request["amount_fen"],
            actor,
            request["external_ref"],
            scope_path,
        )
        return {"allocation": allocation, "created": created}

    @rpc
    def donor_trace(self, donor_id, scope, own_donor=None):
        return trace.donor_trace(self.db, donor_id, self.reader_scope(scope, own_donor), own_donor)

    @rpc
    def public_receipt(self, receipt_no, verification_code):
        return trace.receipt(self.db, receipt_no, verification_code)

    def batches_seen(self, scope):
        return scope_rule.batches_seen(self.scope_path(scope))

    @rpc
    def create_disbursement_batch(self, payload, actor, scope):
        campaign_id = load_or_400(BatchCreateSchema(), payload)["campaign_id"]
        campaign = campaign_store.load_owned(self.db, campaign_id, self.scope_path(scope))
        due = disbursement.due(self.db, campaign)
        payees = self.registry.payees(sorted({row.worker_id for row in due}))
        return disbursement.create(self.db, campaign, due, payees, actor)

    @rpc
    def list_disbursement_batches(self, query, scope):
        criteria = load_or_400(BatchQuerySchema(), query)
        seen = self.batches_seen(scope)
        return disbursement.listing(self.db, seen, criteria["page"], criteria["per_page"], criteria.get("campaign_id"))

    @rpc
    def get_disbursement_batch(self, batch_id, scope):
        return disbursement.view(self.db, batch_id, self.batches_seen(scope))

    @rpc
    def disbursement_file(self, batch_id, actor, scope):
        """The bank's upload file, base64: full account numbers, for finance only (the gateway checks); each
        download is recorded with the batch."""
        items = disbursement.payable_items(self.db, batch_id, self.batches_seen(scope))
        missing = disbursement.workers_without_payee(items)
        content = disbursement.bank_file(items, self.vault, self.registry.payees(missing) if missing else {})
        disbursement.record_download(self.db, batch_id, actor, len(items))
        return base64.b64encode(content).decode()

    @rpc
    def disbursement_results(self, batch_id, content_b64, actor, scope):
        content = base64.b64decode(content_b64)
        return disbursement.apply_results(self.db, batch_id, content, actor, self.batches_seen(scope))

    @rpc
    def disburse(self, application_id, payload, actor, scope):
        bank_ref = load_or_400(DisburseSchema(), payload)["bank_ref"]
        return self.changed_view(application_id, "pay_by_hand", actor, scope, "手工发放", values={"bank_ref": bank_ref})

    @rpc
    def public_publicity(self, campaign_id):
        return public.publicity(self.db, campaign_id)

    @rpc
    def reconciliation(self, query, scope):
        campaign_id = load_or_400(ReconciliationQuerySchema(), query).get("campaign_id")
        scope_path = self.scope_path(scope)
        if campaign_id:
            campaign_store.load_owned(self.db, campaign_id, scope_path)
        return reconciliation.report(self.db, scope_rule.campaigns_owned(scope_path), campaign_id)

    @rpc
    def public_disclosure(self, campaign_id):
        return disclosure.disclosure(self.db, campaign_id)

    @rpc
    def public_status(self, application_id, id_last4):
        return public.status(self.db, application_id, id_last4)

    @configured_timer("PUBLICITY_CHECK_SECONDS")
    def end_due_publicity(self):
        """公示 ends by itself: applications whose notice ended before today become ready for payment."""
        for application_id in application_store.due_for_payment(self.db, self.today()):
            try:
                self.change(application_id, "end_publicity", TIMER_ACTOR, "公示期满无异议")
            except (DomainError, ServiceError) as error:  # another instance got there first, or an objection came in
                log.info("publicity of %s not ended: %s", application_id, error.code)

    @reliable_event_handler("registry", "worker_status_changed")
    @handle_once(inbox)
    def on_worker_status_changed(self, event):
        """A worker who exits or is suspended has their open applications sent back to review."""
        if event.status == "active":
            return
        application_store.return_for_review(self.db, event.worker_id, event.status, REGISTRY_ACTOR)

    @reliable_event_handler("registry", "worker_updated")
    @handle_once(inbox)
    def on_worker_updated(self, event):
        """A worker moved to another union: their applications are seen in the new unit's scope, unless a newer version
        of the file was told first."""
        if event.org_unit_id is None:
            return
        path = units.known_path(self.db, event.org_unit_id)
        application_store.follow_worker(self.db, event.worker_id, event.org_unit_id, path, event.version)

    @reliable_event_handler("registry", "org_unit_created")
    @handle_once(inbox)
    def on_org_unit_created(self, event):
        units.learn(self.db, event)

    @reliable_event_handler("registry", "org_unit_updated")
    @handle_once(inbox)
    def on_org_unit_updated(self, event):
        units.learn(self.db, event)
