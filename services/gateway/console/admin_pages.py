"""The admin's accounts page: every account with its revoke and new-token actions; a token (of a new account,
or a new one for an account) is shown once, on the page that made it."""

from services.gateway import accounts
from services.gateway.console.forms import field_messages, filled
from services.gateway.console.labels import ROLES
from services.gateway.console.nav import ADMIN
from services.gateway.console.web import ConsoleBase, page
from shared.errors import ServiceError
from shared.schemas import PagedQuerySchema, load_or_400


class AdminPages(ConsoleBase):
    def users_page(
        self, visit, http_status: int = 200, values=None, errors=None, problem=None, created=None, notice=None
    ):
        query = load_or_400(PagedQuerySchema(), {"page": visit.request.args.get("page", "1")})
        listing = accounts.list_accounts(self.db, query["page"], query["per_page"], self.token_lookups.ttl_days)
        return visit.page(
            "users.html",
            http_status,
            values=values or {},
            errors=errors or {},
            problem=problem,
            created=created,
            notice=notice,
            roles=ROLES.items(),
            listing=listing,
        )

    @page("GET", "/users", roles=ADMIN)
    def console_users(self, visit):
        return self.users_page(visit)

    @page("POST", "/users", roles=ADMIN)
    def console_create_user(self, visit):
        form = visit.form()
        try:
            created = self.add_user({**filled(form, "name", "role"), "donor_id": form.get("donor_id") or None})
        except ServiceError as error:
            return self.users_page(
                visit, error.status, values=form, errors=field_messages(error), problem=error.message
            )
        return self.users_page(visit, created=created)

    @page("POST", "/users/<user_id>/revoke", roles=ADMIN)
    def console_revoke_user(self, visit, user_id):
        try:
            revoked = self.revoke_account(user_id, filled(visit.form(), "reason"), visit.user)
        except ServiceError as error:
            problem = "；".join(field_messages(error).get("reason", [])) or error.message
            return self.users_page(visit, error.status, problem=problem)
        return self.users_page(visit, notice=f"已吊销 {revoked['name']} 的账号，其令牌与控制台登录立即失效")

    @page("POST", "/users/<user_id>/token", roles=ADMIN)
    def console_issue_token(self, visit, user_id):
        try:
            created = self.issue_token(user_id)
        except ServiceError as error:
            return self.users_page(visit, error.status, problem=error.message)
        return self.users_page(visit, created=created)
