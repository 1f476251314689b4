"""When a token stops signing its user in, and which changes an admin may make to an account: plain rules."""

from datetime import datetime, timedelta

from shared.errors import ServiceError

BOOTSTRAP_ADMIN_ID = "bootstrap-admin"  # the HARDSHIP_ADMIN_TOKEN's user: configuration, not a row


def token_expires_at(issued_at: datetime, ttl_days: int) -> datetime:
    return issued_at + timedelta(days=ttl_days)


def status(revoked_at: datetime | None, issued_at: datetime, ttl_days: int, now: datetime) -> str:
    """active, revoked, or expired (its token is older than TOKEN_TTL_DAYS: an admin can issue a new one)."""
    if revoked_at is not None:
        return "revoked"
    return "active" if now < token_expires_at(issued_at, ttl_days) else "expired"


REFUSALS = {"revoked": "访问令牌已被吊销", "expired": "访问令牌已过期，请联系管理员重新发放"}


def refusal(revoked_at: datetime | None, issued_at: datetime, ttl_days: int, now: datetime) -> ServiceError | None:
    """The 401 for a token that no longer signs its user in, else None."""
    message = REFUSALS.get(status(revoked_at, issued_at, ttl_days, now))
    return ServiceError("unauthenticated", message, 401) if message else None


def config_account(user_id: str) -> ServiceError | None:
    if user_id == BOOTSTRAP_ADMIN_ID:
        return ServiceError(
            "not_revocable",
            "引导管理员的令牌来自配置 HARDSHIP_ADMIN_TOKEN：请修改配置并重启网关，不能通过接口吊销或换发",
            409,
        )
    return None


def revocation_problem(user_id: str, actor_id: str) -> ServiceError | None:
    """Why this admin may not revoke this account, else None. Revoking oneself is refused: it could lock the
    last admin out, and another admin can always do it."""
    if user_id == BOOTSTRAP_ADMIN_ID:
        return config_account(user_id)
    if user_id == actor_id:
        return ServiceError("same_user", "不能吊销自己的账号，请由另一位管理员操作", 409)
    return None


def already_revoked() -> ServiceError:
    """A revoked account stays revoked: a new token for it, or a second revocation, is refused (make a new account)."""
    return ServiceError("invalid_transition", "该账号已吊销，不能再使用；如需恢复请新建账号", 409)
