"""Which pages each role may open: the navigation shows these, and the pages check the same role lists."""

from services.gateway.auth import CASEWORK, FINANCE, MONEY_READERS, STAFF

ADMIN = ("admin",)
DONOR = ("donor",)

PAGES = (
    ("职工档案", "/workers", STAFF),
    ("导入档案", "/imports", CASEWORK),
    ("审核", "/reviews", CASEWORK),
    ("收款账户变更", "/change-requests", STAFF),
    ("短信记录", "/notifications", STAFF),
    ("短信退订", "/sms/opt-outs", STAFF),
    ("申请查询", "/applications", STAFF),
    ("提交申请", "/applications/new", CASEWORK),
    ("帮扶项目", "/campaigns", STAFF),
    ("捐赠", "/donations", FINANCE),
    ("捐赠人", "/donors", MONEY_READERS),
    ("发放批次", "/batches", MONEY_READERS),
    ("对账", "/reconciliation", MONEY_READERS),
    ("我的捐赠去向", "/trace", DONOR),
    ("统计报表", "/reports", STAFF),
    ("组织机构", "/org-units", STAFF),
    ("账号", "/users", ADMIN),
    ("工作日历", "/calendar", STAFF),
)


def links_for(user) -> list[tuple[str, str]]:
    """(title, path) of every page the signed-in user may open; none for a visitor."""
    if user is None:
        return []
    return [(title, path) for title, path, roles in PAGES if user.role in roles]
