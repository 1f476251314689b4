"""Home, sign-in and sign-out, and the console's own stylesheet."""

from importlib.resources import files

from werkzeug.wrappers import Response

from services.gateway.auth import BOOTSTRAP_ADMIN, authenticate, token_hash
from services.gateway.console.sessions import close_session, open_session
from services.gateway.console.web import SESSION_COOKIE, ConsoleBase, page, redirect, safe_next
from shared.config import setting
from shared.errors import ServiceError

STATIC = {"console.css": "text/css"}
PUBLIC_CAMPAIGNS_SHOWN = 100


class SessionPages(ConsoleBase):
    @page("GET", "/")
    def console_home(self, visit):
        campaigns = self.call(self.aid.list_campaigns, {"per_page": PUBLIC_CAMPAIGNS_SHOWN})["items"]
        return visit.page("home.html", campaigns=campaigns, calendar_warning=self.calendar_warning(visit))

    @page("GET", "/sign-in")
    def console_sign_in_form(self, visit):
        return visit.page("sign_in.html", next=safe_next(visit.request.args.get("next")), problem=None)

    @page("POST", "/sign-in")
    def console_sign_in(self, visit):
        form = visit.form()
        admin_token, token = setting("HARDSHIP_ADMIN_TOKEN", self.config), form.get("token", "")
        try:  # the API's limit on failed sign-ins: a token cannot be guessed here any faster than there
            user = self.rate_limits.sign_in(
                visit.request,
                lambda: authenticate(self.db, f"Bearer {token}", admin_token, ttl_days=self.token_lookups.ttl_days),
            )
        except ServiceError as error:
            if error.status != 401:
                raise
            return visit.page(
                "sign_in.html", 401, next=safe_next(form.get("next")), problem="访问令牌无效，请检查后重新输入"
            )
        close_session(self.db, visit.request.cookies.get(SESSION_COOKIE))
        minutes = int(setting("CONSOLE_SESSION_MINUTES", self.config))
        response = redirect(safe_next(form.get("next")))
        followed_token = None if user is BOOTSTRAP_ADMIN else token_hash(token)
        self.set_cookie(
            response,
            SESSION_COOKIE,
            open_session(self.db, user, minutes, followed_token),
            max_age=minutes * 60,
            same_site="Lax",
        )
        return response

    @page("POST", "/sign-out")
    def console_sign_out(self, visit):
        close_session(self.db, visit.request.cookies.get(SESSION_COOKIE))
        response = redirect("/")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @page("GET", "/static/<name>")
    def console_static(self, visit, name):
        if name not in STATIC:
            raise ServiceError("not_found", "页面不存在", 404)
        content = files("services.gateway.console").joinpath("static", name).read_bytes()
        return Response(content, mimetype=STATIC[name], headers={"Cache-Control": "public, max-age=3600"})

    @page("GET,POST,PUT,PATCH,DELETE", "/<path:path>", checks_csrf=False)
    def console_not_found(self, visit, path):
        raise ServiceError("not_found", "没有这个页面", 404)
