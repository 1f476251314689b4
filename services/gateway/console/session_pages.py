"""The console's own pages: home, sign-in and sign-out, its stylesheet, and the page for any other path."""

from dataclasses import dataclass
from importlib.resources import files

from werkzeug.wrappers import Response

from services.gateway.auth import BOOTSTRAP_ADMIN, TokenLookups, authenticate, token_hash
from services.gateway.backends import Backend
from services.gateway.console.calendar_pages import calendar_warning
from services.gateway.console.sessions import close_session, open_session
from services.gateway.console.web import SESSION_COOKIE, Visits, redirect, safe_next
from services.gateway.rate_limit import RateLimiter
from services.gateway.routes import Area
from shared.config import setting
from shared.errors import ServiceError

STATIC = {"console.css": "text/css"}
PUBLIC_CAMPAIGNS_SHOWN = 100


@dataclass(frozen=True)
class Uses:
    aid: Backend  # the campaigns on the home page, and the calendar warning
    db: object
    config: dict
    rate_limits: RateLimiter
    token_lookups: TokenLookups
    visits: Visits


area = Area(Uses)


@area.page("GET", "/")
def console_home(uses: Uses, visit):
    campaigns = uses.aid.call("list_campaigns", {"per_page": PUBLIC_CAMPAIGNS_SHOWN}, None)["items"]
    return visit.page("home.html", campaigns=campaigns, calendar_warning=calendar_warning(uses.aid, visit))


@area.page("GET", "/sign-in")
def console_sign_in_form(uses: Uses, visit):
    return visit.page("sign_in.html", next=safe_next(visit.request.args.get("next")), problem=None)


@area.page("POST", "/sign-in")
def console_sign_in(uses: Uses, visit):
    form = visit.form()
    admin_token, token = setting("HARDSHIP_ADMIN_TOKEN", uses.config), form.get("token", "")
    try:  # the API's limit on failed sign-ins: a token cannot be guessed here any faster than there
        user = uses.rate_limits.sign_in(
            visit.request,
            lambda: authenticate(uses.db, f"Bearer {token}", admin_token, ttl_days=uses.token_lookups.ttl_days),
        )
    except ServiceError as error:
        if error.status != 401:
            raise
        return visit.page(
            "sign_in.html", 401, next=safe_next(form.get("next")), problem="访问令牌无效，请检查后重新输入"
        )
    close_session(uses.db, visit.request.cookies.get(SESSION_COOKIE))
    minutes = int(setting("CONSOLE_SESSION_MINUTES", uses.config))
    response = redirect(safe_next(form.get("next")))
    followed_token = None if user is BOOTSTRAP_ADMIN else token_hash(token)
    uses.visits.set_cookie(
        response,
        SESSION_COOKIE,
        open_session(uses.db, user, minutes, followed_token),
        max_age=minutes * 60,
        same_site="Lax",
    )
    return response


@area.page("POST", "/sign-out")
def console_sign_out(uses: Uses, visit):
    close_session(uses.db, visit.request.cookies.get(SESSION_COOKIE))
    response = redirect("/")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@area.page("GET", "/static/<name>")
def console_static(uses: Uses, visit, name):
    if name not in STATIC:
        raise ServiceError("not_found", "页面不存在", 404)
    content = files("services.gateway.console").joinpath("static", name).read_bytes()
    return Response(content, mimetype=STATIC[name], headers={"Cache-Control": "public, max-age=3600"})


@area.page("GET,POST,PUT,PATCH,DELETE", "/<path:path>", checks_csrf=False)
def console_not_found(uses: Uses, visit, path):
    raise ServiceError("not_found", "没有这个页面", 404)
