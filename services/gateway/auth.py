"""Bearer tokens and roles. Tokens are random, shown once, and stored only as SHA-256 hashes."""

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass

from nameko.extensions import DependencyProvider
from sqlalchemy import insert, select

from services.gateway.credentials import BOOTSTRAP_ADMIN_ID, refusal
from services.gateway.models import users
from shared import clock
from shared.coalesce import Coalescer
from shared.config import setting
from shared.errors import ServiceError

ROLES = ("admin", "caseworker", "finance", "auditor", "donor")
STAFF = ("admin", "caseworker", "finance", "auditor")
CASEWORK = ("admin", "caseworker")
FINANCE = ("admin", "finance")
MONEY_READERS = ("admin", "finance", "auditor")
DONOR_READERS = ("admin", "finance", "auditor", "donor")
EVERYONE = ROLES


@dataclass(frozen=True)
class User:
    user_id: str
    name: str
    role: str
    donor_id: str | None = None
    org_unit_id: str | None = None  # None: the root (the bootstrap admin's, or the root's before the gateway learnt it)

    @property
    def actor(self) -> str:
        return f"{self.role}:{self.user_id}"

    @property
    def own_donor(self) -> str | None:
        """The donor a donor's account reads, and nothing else, whatever its unit (aid's scope rule); None for staff,
        who read by their unit."""
        return self.donor_id if self.role == "donor" else None


BOOTSTRAP_ADMIN = User(user_id=BOOTSTRAP_ADMIN_ID, name="HARDSHIP_ADMIN_TOKEN", role="admin")
METRICS_SCRAPER = User(
    user_id="metrics-scraper", name="METRICS_TOKEN", role="metrics"
)  # may read /metrics, nothing else


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_ttl_days(config) -> int:
    """TOKEN_TTL_DAYS, read when the gateway starts: a value that is not a whole number of days stops it there."""
    text = setting("TOKEN_TTL_DAYS", config)
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"TOKEN_TTL_DAYS must be a whole number of days, at least 1 (got {text!r})")
    return int(text)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def create_user(session, name: str, role: str, donor_id: str | None = None, org_unit_id: str | None = None) -> dict:
    token = new_token()
    user_id = uuid.uuid4().hex
    now = clock.now()
    session.execute(
        insert(users).values(
            user_id=user_id,
            name=name,
            role=role,
            donor_id=donor_id,
            org_unit_id=org_unit_id,
            token_hash=token_hash(token),
            created_at=now,
            token_issued_at=now,
        )
    )
    session.commit()
    return {
        "user_id": user_id,
        "name": name,
        "role": role,
        "donor_id": donor_id,
        "org_unit_id": org_unit_id,
        "token": token,
    }


def bearer_token(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ServiceError("unauthenticated", "请提供有效的访问令牌（Authorization: Bearer <token>）", 401)
    return token


class TokenLookups(DependencyProvider):
    """Every request's token is looked up in the gateway database, never in a cache of this instance: a
    revocation or a new token committed by any instance is then refused by all of them from that moment,
    whatever the bus delivers and when. The tokens of requests that arrive while a lookup is running go
    out together in the next one (shared.coalesce), so under load a query serves many requests; each
    request's lookup starts after it arrived, so it sees every change committed before."""

    def setup(self):
        self.coalescer = Coalescer(most=1000)
        self.ttl_days = token_ttl_days(self.container.config)

    def get_dependency(self, worker_ctx):
        return self

    def find(self, session, hashed: str):
        return self.coalescer.call(hashed, lambda batch: rows_by_token(session, batch))


def rows_by_token(session, hashes: list[str]) -> list:
    """The users row of each token hash, or None, in order."""
    found = {row.token_hash: row for row in session.execute(select(users).where(users.c.token_hash.in_(set(hashes))))}
    return [found.get(hashed) for hashed in hashes]


def authenticate(
    session,
    authorization: str | None,
    admin_token: str,
    metrics_token: str = "",
    lookups: TokenLookups | None = None,
    *,
    ttl_days: int,
) -> User:
    token = bearer_token(authorization)
    for configured, user in ((admin_token, BOOTSTRAP_ADMIN), (metrics_token, METRICS_SCRAPER)):
        if configured and hmac.compare_digest(token.encode(), configured.encode()):
            return user
    hashed = token_hash(token)
    row = lookups.find(session, hashed) if lookups else rows_by_token(session, [hashed])[0]
    if row is None:
        raise ServiceError("unauthenticated", "访问令牌无效", 401)
    if (refused := refusal(row.revoked_at, row.token_issued_at, ttl_days, clock.now())) is not None:
        raise refused
    return User(user_id=row.user_id, name=row.name, role=row.role, donor_id=row.donor_id, org_unit_id=row.org_unit_id)


def require(user: User, roles) -> None:
    if user.role not in roles:
        raise ServiceError("forbidden", "当前角色无权执行此操作", 403)
