"""Pages for anyone, signed in or not: the 公示 list, each campaign's public account, status and receipt checks.

The lookups are posted forms, so the last four of an ID number never travel in a URL or a log line.
"""

from services.gateway.console.charts import disclosure_chart
from services.gateway.console.web import ConsoleBase, page
from shared.application_numbers import short_number
from shared.errors import ServiceError


class PublicPages(ConsoleBase):
    @page("GET", "/public/campaigns/<campaign_id>/publicity")
    def console_publicity(self, visit, campaign_id):
        return visit.page("publicity.html", notice=self.call(self.aid.public_publicity, campaign_id))

    @page("GET", "/public/campaigns/<campaign_id>/disclosure")
    def console_disclosure(self, visit, campaign_id):
        disclosure = self.call(self.aid.public_disclosure, campaign_id)
        return visit.page("disclosure.html", disclosure=disclosure, chart=disclosure_chart(disclosure))

    @page("GET", "/public/status")
    def console_status_form(self, visit):
        return visit.page("status.html", values={}, found=None, problem=None)

    @page("POST", "/public/status")
    def console_status(self, visit):
        form = visit.form()
        typed = form.get("application_id", "")
        try:
            found = self.call(self.aid.public_status, typed, form.get("id_last4", ""))
        except ServiceError as error:
            if error.status != 404:
                raise
            return visit.page(
                "status.html",
                404,
                values={"application_id": typed},
                found=None,
                problem="没有找到这份申请：请核对短信上的编号和身份证号后四位",
            )
        return visit.page("status.html", values={}, found=found, number=short_number(typed.strip()), problem=None)

    @page("GET", "/public/receipts")
    def console_receipt_form(self, visit):
        return visit.page("receipt.html", values={}, receipt=None, problem=None)

    @page("POST", "/public/receipts")
    def console_receipt(self, visit):
        form = visit.form()
        try:
            receipt = self.call(self.aid.public_receipt, form.get("receipt_no", ""), form.get("code", ""))
        except ServiceError as error:
            if error.status != 404:
                raise
            return visit.page(
                "receipt.html",
                404,
                values={"receipt_no": form.get("receipt_no", "")},
                receipt=None,
                problem="收据号或核验码不正确，未能核验",
            )
        return visit.page("receipt.html", values={}, receipt=receipt, problem=None)
