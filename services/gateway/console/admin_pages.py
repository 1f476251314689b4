"""The admin's accounts page: a new account's token is shown once, on the page that created it."""
from shared.errors import ServiceError
from services.gateway.console.forms import field_messages, filled
from services.gateway.console.labels import ROLES
from services.gateway.console.nav import ADMIN
from services.gateway.console.web import ConsoleBase, page


class AdminPages(ConsoleBase):

    @page("GET", "/users", roles=ADMIN)
    def console_users(self, visit):
        return visit.page("users.html", values={}, errors={}, problem=None, created=None, roles=ROLES.items())

    @page("POST", "/users", roles=ADMIN)
    def console_create_user(self, visit):
        form = visit.form()
        try:
            created = self.add_user({**filled(form, "name", "role"), "donor_id": form.get("donor_id") or None})
        except ServiceError as error:
            return visit.page("users.html", error.status, values=form, errors=field_messages(error),
                              problem=error.message, created=None, roles=ROLES.items())
        return visit.page("users.html", values={}, errors={}, problem=None, created=created, roles=ROLES.items())
