"""Finance's pages: donors and gifts, disbursement batches with the bank's file and results, reconciliation."""

import base64

from services.gateway.auth import FINANCE, MONEY_READERS
from services.gateway.console.forms import fen_from_yuan, field_messages, filled, whole_number
from services.gateway.console.labels import DONOR_KINDS
from services.gateway.console.web import ConsoleBase, page, redirect
from shared.errors import ServiceError

SHOWN = 50
CHOICES = 500
BANK_FILE_ROLES = ("finance",)  # as the API: full account numbers go to finance alone


def donation_payload(form: dict) -> dict:
    payload = filled(form, "donor_id", "received_on", "external_ref")
    payload["amount_fen"] = fen_from_yuan(form, "amount_fen")
    payload["campaign_id"] = form.get("campaign_id") or None
    return payload


def donor_payload(form: dict) -> dict:
    payload = filled(form, "name", "kind", "phone")
    payload["anonymous"] = form.get("anonymous") == "on"
    return payload


class FinancePages(ConsoleBase):
    def campaign_choices(self) -> list[tuple[str, str]]:
        campaigns = self.call(self.aid.list_campaigns, {"per_page": CHOICES})["items"]
        return [(campaign["campaign_id"], f"{campaign['name']}（{campaign['year']}）") for campaign in campaigns]

    @page("GET", "/donations", roles=FINANCE)
    def console_donations(self, visit):
        return self.donations_page(visit)

    def donations_page(self, visit, values=None, errors=None, problem=None, recorded=None, http_status=200):
        page_number = whole_number(visit.request.args.get("page", "1"))
        donors = self.call(self.aid.list_donors, {"per_page": CHOICES})["items"]
        return visit.page(
            "donations.html",
            http_status,
            values=values or {},
            errors=errors or {},
            problem=problem,
            recorded=recorded,
            donations=self.call(self.aid.list_donations, {"per_page": SHOWN, "page": page_number}),
            donors={donor["donor_id"]: donor for donor in donors},
            campaigns=self.campaign_choices(),
            kinds=DONOR_KINDS.items(),
        )

    @page("POST", "/donations", roles=FINANCE)
    def console_donate(self, visit):
        form = visit.form()
        try:
            answer = self.call(self.aid.donate, donation_payload(form), visit.user.actor)
        except ServiceError as error:
            return self.donations_page(visit, form, field_messages(error), error.message, http_status=error.status)
        return self.donations_page(visit, recorded=answer)

    @page("POST", "/donors", roles=FINANCE)
    def console_create_donor(self, visit):
        form = visit.form()
        try:
            donor = self.call(self.aid.create_donor, donor_payload(form), visit.user.actor)
        except ServiceError as error:  # the donor form's fields are named apart from the gift form's
            return self.donations_page(visit, form, field_messages(error), error.message, http_status=error.status)
        return self.donations_page(visit, {"donor_id": donor["donor_id"]})

    @page("GET", "/batches", roles=MONEY_READERS)
    def console_batches(self, visit):
        return self.batches_page(visit)

    def batches_page(self, visit, problem=None, http_status=200):
        page_number = whole_number(visit.request.args.get("page", "1"))
        batches = self.call(self.aid.list_disbursement_batches, {"per_page": SHOWN, "page": page_number})
        return visit.page(
            "batches.html", http_status, batches=batches, campaigns=self.campaign_choices(), problem=problem
        )

    @page("POST", "/batches", roles=FINANCE)
    def console_create_batch(self, visit):
        try:
            batch = self.call(self.aid.create_disbursement_batch, filled(visit.form(), "campaign_id"), visit.user.actor)
        except ServiceError as error:
            return self.batches_page(visit, error.message, error.status)
        return redirect(f"/batches/{batch['batch_id']}")

    @page("GET", "/batches/<batch_id>", roles=MONEY_READERS)
    def console_batch(self, visit, batch_id):
        return self.batch_page(visit, batch_id)

    def batch_page(self, visit, batch_id, results=None, errors=None, http_status=200):
        batch = self.call(self.aid.get_disbursement_batch, batch_id)
        return visit.page(
            "batch.html",
            http_status,
            batch=batch,
            results=results,
            errors=errors or {},
            campaign=self.call(self.aid.get_campaign, batch["campaign_id"]),
        )

    @page("GET", "/batches/<batch_id>/file", roles=BANK_FILE_ROLES)
    def console_bank_file(self, visit, batch_id):
        return self.bank_file(batch_id, visit.user.actor)

    @page("POST", "/batches/<batch_id>/results", roles=FINANCE)
    def console_bank_results(self, visit, batch_id):
        try:
            content, _filename = self.uploaded_file(visit.request)
            results = self.call(
                self.aid.disbursement_results, batch_id, base64.b64encode(content).decode(), visit.user.actor
            )
        except ServiceError as error:
            if error.status == 404:
                raise
            return self.batch_page(
                visit, batch_id, errors=field_messages(error) or {"file": [error.message]}, http_status=error.status
            )
        return self.batch_page(visit, batch_id, results)

    @page("GET", "/reconciliation", roles=MONEY_READERS)
    def console_reconciliation(self, visit):
        query = filled(visit.request.args.to_dict(), "campaign_id")
        return visit.page(
            "reconciliation.html",
            report=self.call(self.aid.reconciliation, query),
            campaigns=dict(self.campaign_choices()),
        )
