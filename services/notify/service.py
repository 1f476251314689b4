"""The notify service: one SMS per (application, status), sent once, on time, without leaking a number."""

import base64
import logging

from nameko.dependency_providers import Config

from services.notify import messages, opt_outs, receipts, templates, worker_moves
from services.notify import scope as scope_rule
from services.notify.dispatch import Dispatcher
from services.notify.metrics import sms_figures
from services.notify.models import inbox, org_units, outbox
from services.notify.schemas import NotificationQuerySchema, OptOutQuerySchema, OptOutSchema
from shared import clock, org_unit_copy
from shared.batched_events import batched_event_handler
from shared.config import setting
from shared.db import Database
from shared.errors import ServiceError, not_found
from shared.inbox import handle_once
from shared.metrics import ServiceFigures
from shared.outbox import OutboxRelay
from shared.request_ids import RequestIds, bound
from shared.retry import reliable_event_handler
from shared.rpc import rpc
from shared.rpc_proxy import TimedRpcProxy
from shared.schemas import load_or_400
from shared.timer import configured_timer

log = logging.getLogger(__name__)


class NotifyService:
    name = "notify"

    config = Config()
    db = Database("notify")
    relay = OutboxRelay("notify", outbox)
    dispatcher = Dispatcher()
    registry = TimedRpcProxy("registry")
    request_ids = RequestIds()
    figures = ServiceFigures("notify", outbox, inbox, extra=sms_figures)

    def record(self, events, template):
        """The SMS for this status, once: the message's own key (application, template) drops a redelivered
        or replayed event, so these handlers need no inbox row besides it."""
        sign_name = setting("SMS_SIGN_NAME", self.config)
        now = clock.now()
        due_at = self.dispatcher.quiet.next_allowed(now)
        messages.add_new(
            self.db,
            [
                messages.new_message(event, templates.render(template, event, sign_name), now, due_at)
                for event in events
            ],
        )
        if log.isEnabledFor(logging.DEBUG):
            for event in events:  # each under the id of the request that caused it
                with bound(event.request_id):
                    log.debug("SMS %s for application %s recorded", template, event.application_id)

    @batched_event_handler("aid", "application_submitted")
    def on_application_submitted(self, events):
        self.record(events, "submitted")

    @batched_event_handler("aid", "application_approved")
    def on_application_approved(self, events):
        self.record(events, "publicizing")

    @batched_event_handler("aid", "application_ready")
    def on_application_ready(self, events):
        self.record([event for event in events if templates.approved_without_notice(event)], "ready")

    @batched_event_handler("aid", "application_rejected")
    def on_application_rejected(self, events):
        self.record(events, "rejected")

    @batched_event_handler("aid", "application_disbursed")
    def on_application_disbursed(self, events):
        self.record(events, "disbursed")

    @batched_event_handler("aid", "application_payment_failed")
    def on_application_payment_failed(self, events):
        self.record(events, "payment_failed")

    @configured_timer("SMS_DISPATCH_SECONDS")
    def dispatch(self):
        self.dispatcher.run(self.db, self.registry)

    @rpc
    def ping(self):
        return "ok"

    @rpc
    def metrics(self, scope=None):
        """The whole system's figures (scope None: Prometheus and the root's users, as the gateway decides); for a
        unit's users (`scope`: their unit) the text messages of their subtree's workers only."""
        if scope is None:
            return self.figures.everything(self.db)
        return self.figures.within(self.db, scope_rule.messages_seen(self.scope_path(scope)))

    def unit_from_registry(self, org_unit_id):
        return self.registry.get_org_unit(org_unit_id, None)

    def scope_path(self, scope):
        return scope_rule.scope_path(self.db, scope, self.unit_from_registry)

    def worker_in_scope(self, worker_id, scope) -> dict:
        """The worker as the registry's `applicants` gives them, when in the caller's scope; else not found."""
        applicant = self.registry.applicants([worker_id]).get(worker_id)
        if not scope_rule.worker_seen(applicant, self.scope_path(scope)):
            raise not_found("职工档案")
        return applicant

    # Messages and opt-outs are scoped by their worker's unit: `scope` is the caller's unit (None: the root's users).
    @rpc
    def list_notifications(self, query, scope):
        criteria = load_or_400(NotificationQuerySchema(), query)
        return messages.search(self.db, criteria, scope_rule.messages_seen(self.scope_path(scope)))

    @rpc
    def resend(self, notification_id, actor, scope):
        seen = scope_rule.messages_seen(self.scope_path(scope))
        moved, row = messages.resend(self.db, notification_id, clock.now(), seen)
        if not moved:
            raise ServiceError("invalid_transition", "只有发送失败的短信可以重发", 409, extra={"status": row.status})
        log.info("%s resent notification %s", actor, notification_id)
        return messages.view(messages.load(self.db, notification_id))

    def receipt_provider(self, provider_name):
        try:
            return self.dispatcher.provider(provider_name)
        except ValueError:
            raise ServiceError("not_found", "未知的短信服务商", 404) from None

    @rpc
    def receipt_probe(self, provider_name, query):
        """The check a provider makes when its callback address is saved (Alibaba GETs it, expecting the ack)."""
        provider = self.receipt_provider(provider_name)
        if not provider.verify_receipt(b"", {}, query):
            raise ServiceError("unauthenticated", "回执地址校验失败", 401)
        status, answer = provider.receipt_ack()
        return {"status": status, "body": answer}

    @rpc
    def receive_receipts(self, provider_name, body_b64, headers, query):
        """A provider's delivery-report push: verified, parsed, applied once; returns the answer it expects."""
        provider = self.receipt_provider(provider_name)
        body = base64.b64decode(body_b64)
        if not provider.verify_receipt(body, headers, query):
            raise ServiceError("unauthenticated", "回执校验失败", 401)
        try:
            parsed = provider.parse_receipts(body, headers, query)
        except ValueError as error:
            raise ServiceError("bad_request", f"无法解析回执：{error}", 400) from None
        counts = receipts.apply(self.db, provider.name, parsed)
        log.info("receipts from %s: %s", provider.name, counts)
        status, answer = provider.receipt_ack()
        return {"status": status, "body": answer, "counts": counts}

    @rpc
    def opt_out(self, worker_id, payload, actor, scope):
        reason = load_or_400(OptOutSchema(), payload)["reason"]
        applicant = self.worker_in_scope(worker_id, scope)
        opt_outs.opt_out(self.db, worker_id, applicant["org_unit_id"], "staff", reason, actor)
        self.db.commit()
        return opt_outs.state_view(worker_id, opted_out=True)

    @rpc
    def opt_in(self, worker_id, actor, scope):
        self.worker_in_scope(worker_id, scope)
        opt_outs.opt_in(self.db, worker_id)
        self.db.commit()
        log.info("%s opted worker %s back in to SMS", actor, worker_id)
        return opt_outs.state_view(worker_id, opted_out=False)

    @rpc
    def list_opt_outs(self, query, scope):
        filters = load_or_400(OptOutQuerySchema(), query)
        seen = scope_rule.opt_outs_seen(self.scope_path(scope))
        return opt_outs.listing(self.db, seen, filters.get("worker_id"), filters["page"], filters["per_page"])

    @reliable_event_handler("registry", "worker_updated")
    @handle_once(inbox)
    def on_worker_updated(self, event):
        """A worker moved to another union: their messages and opt-out are seen in the new unit's scope, unless a
        newer version of the file was told first."""
        if event.org_unit_id is None:
            return
        worker_moves.moved(self.db, event.worker_id, event.org_unit_id, event.version)

    @reliable_event_handler("registry", "org_unit_created")
    @handle_once(inbox)
    def on_org_unit_created(self, event):
        org_unit_copy.learn(self.db, org_units, event)

    @reliable_event_handler("registry", "org_unit_updated")
    @handle_once(inbox)
    def on_org_unit_updated(self, event):
        org_unit_copy.learn(self.db, org_units, event)
