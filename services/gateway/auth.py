"""Bearer tokens and roles. Tokens are random, shown once, and stored only as SHA-256 hashes."""
import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass

from nameko.extensions import DependencyProvider
from sqlalchemy import insert, select

from shared.errors import ServiceError
from shared.events import now_utc
from services.gateway.models import users

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

    @property
    def actor(self) -> str:
        return f"{self.role}:{self.user_id}"


BOOTSTRAP_ADMIN = User(user_id="bootstrap-admin", name="HARDSHIP_ADMIN_TOKEN", role="admin")
METRICS_SCRAPER = User(user_id="metrics-scraper", name="METRICS_TOKEN", role="metrics")  # may read /metrics, nothing else


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(session, name: str, role: str, donor_id: str | None = None) -> dict:
    token = secrets.token_urlsafe(32)
    user_id = uuid.uuid4().hex
    session.execute(insert(users).values(
        user_id=user_id, name=name, role=role, donor_id=donor_id, token_hash=token_hash(token), created_at=now_utc(),
    ))
    session.commit()
    return {"user_id": user_id, "name": name, "role": role, "donor_id": donor_id, "token": token}


def bearer_token(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ServiceError("unauthenticated", "请提供有效的访问令牌（Authorization: Bearer <token>）", 401)
    return token


class KnownTokens(DependencyProvider):
    """Users found by their token's hash in the last KEEP_SECONDS, so that a busy client's every request is
    not a query. Safe because a user row never changes once written; were tokens ever revoked, a revoked
    one would still pass here for at most KEEP_SECONDS. Wrong tokens are never kept."""

    KEEP_SECONDS = 60.0
    MOST = 10_000

    def __init__(self, monotonic=time.monotonic):
        self.monotonic = monotonic
        self.users: dict[str, tuple[User, float]] = {}

    def get_dependency(self, worker_ctx):
        return self

    def get(self, hashed: str) -> User | None:
        user, until = self.users.get(hashed, (None, 0.0))
        return user if until > self.monotonic() else None

    def keep(self, hashed: str, user: User) -> None:
        if len(self.users) >= self.MOST:
            self.users.clear()
        self.users[hashed] = (user, self.monotonic() + self.KEEP_SECONDS)


def authenticate(session, authorization: str | None, admin_token: str, metrics_token: str = "",
                 known: KnownTokens | None = None) -> User:
    token = bearer_token(authorization)
    for configured, user in ((admin_token, BOOTSTRAP_ADMIN), (metrics_token, METRICS_SCRAPER)):
        if configured and hmac.compare_digest(token.encode(), configured.encode()):
            return user
    hashed = token_hash(token)
    if known is not None and (user := known.get(hashed)) is not None:
        return user
    row = session.execute(select(users).where(users.c.token_hash == hashed)).first()
    if row is None:
        raise ServiceError("unauthenticated", "访问令牌无效", 401)
    user = User(user_id=row.user_id, name=row.name, role=row.role, donor_id=row.donor_id)
    if known is not None:
        known.keep(hashed, user)
    return user


def require(user: User, roles) -> None:
    if user.role not in roles:
        raise ServiceError("forbidden", "当前角色无权执行此操作", 403)
