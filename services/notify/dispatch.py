"""Sending what is due: claim, look up phones, respect opt-outs, quiet hours and limits, send, record.

A message is marked `sending` (committed) before its provider is called and settled after, so a
process that dies in between leaves an unknown outcome to be resolved by the receipt, never a resend.
Messages go a group at a time (as many as the provider's QPS lets go at once, at most SEND_CONCURRENCY):
the group's tokens are taken first, then one commit marks them all `sending`, their provider calls run
side by side, and one commit records every answer.
"""

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

import eventlet
from eventlet.greenpool import GreenPool
from nameko.extensions import DependencyProvider
from sqlalchemy.orm import sessionmaker

from services.notify import messages, opt_outs
from services.notify.backoff import delays_from_config
from services.notify.circuit import CircuitBreaker
from services.notify.outcomes import after_send, counts_against_provider
from services.notify.providers import make_provider
from services.notify.providers.base import Outcome, SmsRequest
from services.notify.providers.common import SEND_CONCURRENCY
from services.notify.quiet_hours import QuietHours
from services.notify.rate_limits import RateLimitSettings, TokenBucket, next_allowed_for_number
from shared import clock
from shared.config import setting
from shared.crypto import Vault, load_master_key
from shared.db import db_url, make_engine
from shared.events import new_id

log = logging.getLogger(__name__)
BATCH_SIZE = 200
TICK_SECONDS = 5.0
DAY = timedelta(days=1)
PROVIDER_ACTOR = "system:sms-provider"


@dataclass
class Route:
    provider: object
    breaker: CircuitBreaker

    @property
    def name(self) -> str:
        return self.provider.name


@dataclass
class Outgoing:
    row: object
    phone: str
    contact: dict  # phone_masked and phone_hash, stored with the message's next state


class Dispatcher(DependencyProvider):
    """Per-instance sending state: providers with their circuit breakers, the QPS bucket and the policies."""

    def setup(self):
        config = self.container.config
        self.engine = make_engine(db_url("notify", config), config)
        self.sessions = sessionmaker(self.engine)
        self.vault = Vault(load_master_key(config))
        names = dict.fromkeys(
            name for name in (setting("SMS_PROVIDER", config), setting("SMS_SECONDARY_PROVIDER", config)) if name
        )
        self.routes = [Route(make_provider(name, config), CircuitBreaker.from_config(config)) for name in names]
        self.providers = {route.name: route.provider for route in self.routes}
        self.limits = RateLimitSettings.from_config(config)
        self.bucket = TokenBucket(self.limits.provider_qps)
        self.quiet = QuietHours.from_config(config)
        self.retry_delays = delays_from_config(config)
        self.receipt_wait = timedelta(seconds=float(setting("SMS_RECEIPT_WAIT_SECONDS", config)))
        self.lease = timedelta(seconds=max(60.0, 4 * float(setting("SMS_HTTP_TIMEOUT", config))))
        self.pool = GreenPool(SEND_CONCURRENCY)
        self.group_size = max(1, min(SEND_CONCURRENCY, int(self.bucket.capacity)))
        self.rpc_timeout = float(setting("RPC_TIMEOUT", config))

    def stop(self):
        self.pool.waitall()
        self.engine.dispose()

    def kill(self):
        for sender in list(self.pool.coroutines_running):
            sender.kill()
        self.engine.dispose()

    def get_dependency(self, worker_ctx):
        return self

    def run(self, session, registry) -> int:
        """Send everything due, for at most TICK_SECONDS; returns how many went to a provider."""
        messages.expire(session, clock.now(), self.receipt_wait)
        handed_over = 0
        deadline = time.monotonic() + TICK_SECONDS
        while time.monotonic() < deadline:
            now = clock.now()
            batch = messages.claim_due(session, now, BATCH_SIZE, new_id(), now + self.lease)
            if not batch:
                break
            ready = self.plan(session, registry, batch, now)
            for group in groups(ready, self.group_size):
                self.send_group(group)
            handed_over += len(ready)
        return handed_over

    def plan(self, session, registry, batch, now) -> list:
        """Settle what cannot go now (opted out, no phone, quiet hours, per-number limit); return what can."""
        worker_ids = sorted({row.worker_id for row in batch})
        phones = {}
        # A registry that is gone must not hold the tick (or a shutdown). An ordinary exception, not eventlet's
        # Timeout (a BaseException, which nameko's worker would not catch: the timer would never tick again).
        with eventlet.Timeout(self.rpc_timeout, TimeoutError("通讯录查询超时：registry 没有应答")):
            contacts = registry.contacts(worker_ids)
        for worker_id, contact in contacts.items():
            phone = self.vault.decrypt(contact["phone_sealed"])
            phones[worker_id] = (phone, contact["phone_masked"], self.vault.lookup_hash(phone))
        opted = opt_outs.opted_out(session, worker_ids)
        history = messages.sent_times_by_phone(session, {contact[2] for contact in phones.values()}, now - DAY)
        session.rollback()
        quiet_until = self.quiet.next_allowed(now)
        ready = []
        for row in batch:
            if row.worker_id in opted:
                messages.settle(session, row, "suppressed", now, "职工已退订短信通知，不发送")
                continue
            if row.worker_id not in phones:
                messages.settle(session, row, "failed", now, "找不到该职工的档案或手机号")
                continue
            phone, phone_masked, phone_hash = phones[row.worker_id]
            contact = {"phone_masked": phone_masked, "phone_hash": phone_hash}
            if quiet_until > now:
                messages.settle(
                    session, row, "deferred", quiet_until, "夜间免打扰时段，顺延至免打扰结束后发送", **contact
                )
                continue
            allowed = next_allowed_for_number(
                history[phone_hash],
                now,
                self.limits.per_number_per_hour,
                self.limits.per_number_per_day,
            )
            if allowed > now:
                messages.settle(
                    session,
                    row,
                    "deferred",
                    self.quiet.next_allowed(allowed),
                    "该号码已达发送频次上限，顺延发送",
                    **contact,
                )
                continue
            history[phone_hash].append(now)
            ready.append(Outgoing(row, phone, contact))
        session.commit()
        return ready

    def provider(self, name: str):
        """A provider by name, for its receipts: the sending ones, or one made once on first use."""
        if name not in self.providers:
            self.providers[name] = make_provider(name, self.container.config)
        return self.providers[name]

    def route(self) -> Route | None:
        """The primary provider while its circuit is closed, else the next one whose circuit lets a call through."""
        return next((route for route in self.routes if route.breaker.allow()), None)

    def send_group(self, group: list[Outgoing]) -> None:
        while (wait := self.bucket.take(len(group))) > 0:
            eventlet.sleep(wait)
        routed = [(item, self.route()) for item in group]  # one by one: a half-open circuit lets one trial through
        going = [(item, route) for item, route in routed if route is not None]
        with self.sessions() as session:
            moved = messages.start_sending(
                session,
                [item.row for item, _ in going],
                [route.name for _, route in going],
                clock.now() + self.lease,
                [item.contact for item, _ in going],
            )
            for item, route in routed:
                if route is None:
                    messages.settle(
                        session,
                        item.row,
                        "queued",
                        clock.now() + timedelta(seconds=route_pause(self.routes)),
                        "短信通道暂不可用，稍后重试",
                        event=False,
                        **item.contact,
                    )
            session.commit()
        started = [pair for pair, started in zip(going, moved) if started]
        results = list(self.pool.imap(call_provider, started))
        rows = [item.row for item, _ in started]
        with self.sessions() as session:
            finished = messages.finish_sending(
                session,
                rows,
                [route.name for _, route in started],
                [
                    after_send(result, row.failures, clock.now(), self.retry_delays, self.receipt_wait)
                    for row, result in zip(rows, results)
                ],
                results,
            )
            for row, result, done in zip(rows, results, finished):
                if done and result.outcome is Outcome.BLACKLISTED:
                    opt_outs.opt_out(
                        session,
                        row.worker_id,
                        row.org_unit_id,
                        "provider",
                        f"运营商报告号码已退订或在黑名单中（{result.code}）",
                        PROVIDER_ACTOR,
                    )
            session.commit()


def call_provider(routed: tuple[Outgoing, Route]):
    item, route = routed
    row = item.row
    result = route.provider.send(SmsRequest(row.notification_id, item.phone, row.template, row.params, row.text))
    if counts_against_provider(result.outcome):
        route.breaker.record_failure()
    else:
        route.breaker.record_success()
    return result


def groups(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def route_pause(routes) -> float:
    return min(route.breaker.reset_seconds for route in routes)
