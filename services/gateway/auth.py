"""Bearer tokens and roles. Tokens are random, shown once, and stored only as SHA-256 hashes."""
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass

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


def authenticate(session, authorization: str | None, admin_token: str, metrics_token: str = "") -> User:
    token = bearer_token(authorization)
    for configured, user in ((admin_token, BOOTSTRAP_ADMIN), (metrics_token, METRICS_SCRAPER)):
        if configured and hmac.compare_digest(token.encode(), configured.encode()):
            return user
    row = session.execute(select(users).where(users.c.token_hash == token_hash(token))).first()
    if row is None:
        raise ServiceError("unauthenticated", "访问令牌无效", 401)
    return User(user_id=row.user_id, name=row.name, role=row.role, donor_id=row.donor_id)


def require(user: User, roles) -> None:
    if user.role not in roles:
        raise ServiceError("forbidden", "当前角色无权执行此操作", 403)
