"""Every console page, area by area."""

from services.gateway.console import (
    admin_pages,
    application_pages,
    calendar_pages,
    campaign_pages,
    donor_pages,
    finance_pages,
    notification_pages,
    org_unit_pages,
    payee_pages,
    public_pages,
    report_pages,
    session_pages,
    worker_forms,
    worker_pages,
)

AREAS = {
    "workers": (worker_pages, worker_forms, payee_pages),
    "aid": (campaign_pages, application_pages, calendar_pages),
    "funds": (finance_pages, donor_pages),
    "notifications": (notification_pages,),
    "public": (public_pages,),
    "reports": (report_pages,),
    "admin": (admin_pages, org_unit_pages),
    "console": (session_pages,),
}
PAGES = [page for modules in AREAS.values() for module in modules for page in module.area.pages]
