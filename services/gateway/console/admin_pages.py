"""The admin area's console page: every account with its revoke and new-token actions; a token (of a new account,
or a new one for an account) is shown once, on the page that made it."""

from dataclasses import dataclass

from services.gateway.accounts import Accounts
from services.gateway.console.forms import field_messages, filled
from services.gateway.console.labels import ROLES
from services.gateway.console.nav import ADMIN
from services.gateway.routes import Area
from shared.errors import ServiceError
from shared.schemas import PagedQuerySchema, load_or_400


@dataclass(frozen=True)
class Uses:
    accounts: Accounts


area = Area(Uses)


def users_page(
    uses: Uses, visit, http_status: int = 200, values=None, errors=None, problem=None, created=None, notice=None
):
    query = load_or_400(PagedQuerySchema(), {"page": visit.request.args.get("page", "1")})
    return visit.page(
        "users.html",
        http_status,
        values=values or {},
        errors=errors or {},
        problem=problem,
        created=created,
        notice=notice,
        roles=ROLES.items(),
        units=uses.accounts.unit_choices(visit.user),
        listing=uses.accounts.listing(query["page"], query["per_page"], visit.user),
    )


@area.page("GET", "/users", roles=ADMIN)
def console_users(uses: Uses, visit):
    return users_page(uses, visit)


@area.page("POST", "/users", roles=ADMIN)
def console_create_user(uses: Uses, visit):
    form = visit.form()
    try:
        created = uses.accounts.add(
            {
                **filled(form, "name", "role"),
                "donor_id": form.get("donor_id") or None,
                "org_unit_id": form.get("org_unit_id") or None,
            },
            visit.user,
        )
    except ServiceError as error:
        return users_page(uses, visit, error.status, values=form, errors=field_messages(error), problem=error.message)
    return users_page(uses, visit, created=created)


@area.page("POST", "/users/<user_id>/revoke", roles=ADMIN)
def console_revoke_user(uses: Uses, visit, user_id):
    try:
        revoked = uses.accounts.revoke(user_id, filled(visit.form(), "reason"), visit.user)
    except ServiceError as error:
        problem = "；".join(field_messages(error).get("reason", [])) or error.message
        return users_page(uses, visit, error.status, problem=problem)
    return users_page(uses, visit, notice=f"已吊销 {revoked['name']} 的账号，其令牌与控制台登录立即失效")


@area.page("POST", "/users/<user_id>/token", roles=ADMIN)
def console_issue_token(uses: Uses, visit, user_id):
    try:
        created = uses.accounts.issue_token(user_id, visit.user)
    except ServiceError as error:
        return users_page(uses, visit, error.status, problem=error.message)
    return users_page(uses, visit, created=created)
