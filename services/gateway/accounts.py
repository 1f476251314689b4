"""The admin's account actions on the gateway database: list, revoke, issue a new token, on the accounts of the
admin's subtree only (scope.py).

Each change is one conditional UPDATE, so two admins acting at once cannot both succeed against a stale
read; the rules it applies are in credentials.py.
"""

from sqlalchemy import func, select, update

from services.aid.schemas import ReasonSchema
from services.gateway import units
from services.gateway.answers import UserCreatedSchema, UserPageSchema, UserSchema, UserTokenSchema
from services.gateway.auth import User, create_user, new_token, token_hash
from services.gateway.backends import Backend
from services.gateway.credentials import already_revoked, config_account, revocation_problem, status, token_expires_at
from services.gateway.models import users
from services.gateway.schemas import UserCreateSchema
from services.gateway.scope import accounts_within
from shared import clock
from shared.answers import Shown, page_of
from shared.db import row_by_id
from shared.errors import ServiceError, validation_error
from shared.schemas import load_or_400

USER, USER_TOKEN, USER_CREATED = UserSchema(), UserTokenSchema(), UserCreatedSchema()
USER_PAGE = UserPageSchema()


def account_view(row, ttl_days: int, now, **shown) -> dict:
    """An account as GET /api/v1/users shows it (UserSchema): never its token's hash; its token only when `shown` a
    new one (UserTokenSchema)."""
    return (USER_TOKEN if "token" in shown else USER).dump(_shown(row, ttl_days, now, **shown))


def _shown(row, ttl_days: int, now, **shown) -> Shown:
    values = {
        "status": status(row.revoked_at, row.token_issued_at, ttl_days, now),
        "token_expires_at": token_expires_at(row.token_issued_at, ttl_days),
        **shown,
    }
    return Shown(row, **values)


def list_accounts(session, page: int, per_page: int, admin: User, ttl_days: int) -> dict:
    now = clock.now()
    within = accounts_within(session, admin.org_unit_id)
    total = session.execute(select(func.count()).select_from(users).where(within)).scalar()
    rows = session.execute(
        select(users)
        .where(within)
        .order_by(users.c.created_at, users.c.user_id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    answer = page_of(USER_PAGE, [_shown(row, ttl_days, now) for row in rows], total, page, per_page)
    session.rollback()
    return answer


def _change_live_account(session, user_id: str, admin: User, **values):
    """Applies the change to the account, when it is in the admin's subtree, unless it is revoked; the row after it."""
    row_by_id(session, users.c.user_id, user_id, "账号", accounts_within(session, admin.org_unit_id))
    changed = session.execute(
        update(users).where(users.c.user_id == user_id, users.c.revoked_at.is_(None)).values(**values)
    ).rowcount
    if not changed:
        session.rollback()
        raise already_revoked()
    row = session.execute(select(users).where(users.c.user_id == user_id)).one()
    session.commit()
    return row


def revoke(session, user_id: str, reason: str, admin: User, ttl_days: int) -> dict:
    """From its commit on, the account's token and console sessions are refused by every gateway instance
    (neither is cached: auth.TokenLookups, console.sessions.find_session)."""
    if (problem := revocation_problem(user_id, admin.user_id)) is not None:
        raise problem
    now = clock.now()
    row = _change_live_account(session, user_id, admin, revoked_at=now, revoked_by=admin.actor, revoke_reason=reason)
    return account_view(row, ttl_days, now)


def issue_token(session, user_id: str, admin: User, ttl_days: int) -> dict:
    """A new token for a live account; the old one, and the console sessions opened with it, end at once."""
    if (problem := config_account(user_id)) is not None:
        raise problem
    token, now = new_token(), clock.now()
    row = _change_live_account(session, user_id, admin, token_hash=token_hash(token), token_issued_at=now)
    return account_view(row, ttl_days, now, token=token)


class Accounts:
    """The account actions as the API and the console take them: bodies checked, on this worker's session."""

    def __init__(self, db, ttl_days: int, aid: Backend):
        self.db = db
        self.ttl_days = ttl_days
        self.aid = aid

    def listing(self, page: int, per_page: int, admin: User) -> dict:
        return list_accounts(self.db, page, per_page, admin, self.ttl_days)

    def unit_choices(self, admin: User) -> list[tuple[str, str]]:
        """The units of the admin's subtree, for the console's picker."""
        return units.choices(self.db, admin.org_unit_id)

    def add(self, payload: dict, admin: User) -> dict:
        """A new account from the API's body, in the admin's subtree; the answer holds its token, shown this once."""
        data = load_or_400(UserCreateSchema(), payload)
        unit = units.for_new_account(self.db, admin.org_unit_id, data["org_unit_id"])
        if data["role"] == "donor":
            self._require_donor_seen(data["donor_id"], admin)
        return USER_CREATED.dump(create_user(self.db, data["name"], data["role"], data["donor_id"], unit))

    def _require_donor_seen(self, donor_id: str, admin: User) -> None:
        """A donor's account reads its donor and every gift of it whatever unit the account is in (aid's
        donors_seen), so it may name only a donor that aid shows the admin: one of another unit is answered as one
        that does not exist."""
        try:
            self.aid.call("get_donor", donor_id, admin.org_unit_id)
        except ServiceError as error:
            if error.code != "not_found":
                raise
            raise validation_error({"donor_id": ["未知的捐赠人：须是本组织或下级组织登记的捐赠人"]}) from None

    def revoke(self, user_id: str, payload: dict, admin: User) -> dict:
        reason = load_or_400(ReasonSchema(), payload)["reason"]
        return revoke(self.db, user_id, reason, admin, self.ttl_days)

    def issue_token(self, user_id: str, admin: User) -> dict:
        return issue_token(self.db, user_id, admin, self.ttl_days)
