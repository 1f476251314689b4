"""The registry service: worker files (困难职工档案) and their imports, over RPC."""

from services.registry import imports, payee_decisions, payee_requests, reports, store, units, uploads, views
from services.registry.models import outbox
from services.registry.schemas import (
    PATCH_MAY_LEAVE_OUT,
    ChangeDecisionSchema,
    ChangeRequestQuerySchema,
    OrgUnitChangeSchema,
    OrgUnitCreateSchema,
    StatusChangeSchema,
    WorkerChangeSchema,
    WorkerCreateSchema,
    WorkerQuerySchema,
)
from shared.data_vault import DataVault
from shared.db import Database
from shared.errors import validation_error
from shared.metrics import ServiceFigures
from shared.outbox import OutboxRelay
from shared.request_ids import RequestIds
from shared.rpc import rpc
from shared.schemas import PagedQuerySchema, load_or_400


class RegistryService:
    name = "registry"

    db = Database("registry")
    vault = DataVault()
    relay = OutboxRelay("registry", outbox)
    request_ids = RequestIds()
    figures = ServiceFigures("registry", outbox)

    @rpc
    def ping(self):
        return "ok"

    @rpc
    def metrics(self, scope=None):
        """The whole system's figures (scope None: Prometheus and the root's users); the registry's are its outbox's,
        which no unit's users are shown (shared/metrics.py), and it counts no records for /metrics."""
        return self.figures.everything(self.db) if scope is None else self.figures.within(self.db, None)

    # What users ask for takes their `scope` (scope.py): the unit their account belongs to, None for the root's users.
    # applicants, contacts, payees and payee_changes serve other services (aid, notify, the gateway's flags on what
    # aid answered), which scope what they show themselves: they take none.
    @rpc
    def register_worker(self, payload, actor, scope):
        data = load_or_400(WorkerCreateSchema(), payload)
        row = store.register(self.db, self.vault, data, actor, scope)
        return views.worker(self.vault, row)

    @rpc
    def get_worker(self, worker_id, actor, scope, reveal=False):
        row = store.load(self.db, worker_id, scope)
        if reveal:
            store.audit(self.db, actor, "reveal", worker_id)
            self.db.commit()
        return views.worker(self.vault, row, reveal, history=store.history(self.db, row))

    @rpc
    def applicants(self, worker_ids):
        return store.applicants(self.db, list(worker_ids))

    @rpc
    def contacts(self, worker_ids):
        return store.contacts(self.db, self.vault, list(worker_ids))

    @rpc
    def payees(self, worker_ids):
        return store.payees(self.db, self.vault, list(worker_ids))

    @rpc
    def audit_trail(self, worker_id, scope):
        return views.audit_trail(store.audit_trail(self.db, worker_id, scope))

    @rpc
    def list_workers(self, query, scope):
        criteria = load_or_400(WorkerQuerySchema(), query)
        rows, total = store.search(self.db, self.vault, criteria, scope)
        return views.worker_page(self.vault, rows, total, criteria["page"], criteria["per_page"])

    @rpc
    def update_worker(self, worker_id, payload, actor, scope):
        changes = load_or_400(WorkerChangeSchema(), payload, partial=PATCH_MAY_LEAVE_OUT)
        if "filed_on" in changes and changes["filed_on"] is None:  # only a new file defaults to today
            raise validation_error({"filed_on": ["不能为空"]})
        row, change_request_id = store.apply_update(self.db, self.vault, worker_id, changes, actor, scope)
        worker = views.worker(self.vault, row)
        if change_request_id is None:
            return worker
        return views.pending_change(change_request_id, worker)

    @rpc
    def list_change_requests(self, query, scope):
        return payee_requests.search(self.db, load_or_400(ChangeRequestQuerySchema(), query), scope)

    @rpc
    def decide_change_request(self, change_request_id, approve, payload, actor, scope):
        reason = load_or_400(ChangeDecisionSchema(), payload)["reason"]
        return payee_decisions.decide(self.db, self.vault, change_request_id, approve, reason, actor, scope)

    @rpc
    def payee_changes(self, worker_ids):
        return payee_requests.bank_changes(self.db, list(worker_ids))

    @rpc
    def change_status(self, worker_id, payload, actor, scope):
        change = load_or_400(StatusChangeSchema(), payload)
        row = store.change_status(self.db, worker_id, change["status"], change["reason"], actor, scope)
        return views.worker(self.vault, row, history=store.history(self.db, row))

    # The union tree: `scope` is the caller's unit (None: the root's users), see units.py.
    @rpc
    def create_org_unit(self, payload, scope):
        return units.view(units.create(self.db, load_or_400(OrgUnitCreateSchema(), payload), scope))

    @rpc
    def get_org_unit(self, org_unit_id, scope):
        row = units.load(self.db, org_unit_id, scope)
        self.db.rollback()
        return units.view(row)

    @rpc
    def change_org_unit(self, org_unit_id, payload, scope):
        return units.view(units.change(self.db, org_unit_id, load_or_400(OrgUnitChangeSchema(), payload), scope))

    @rpc
    def list_org_units(self, query, scope):
        criteria = load_or_400(PagedQuerySchema(), query)
        return units.subtree(self.db, scope, criteria["page"], criteria["per_page"])

    @rpc
    def report_figures(self, org_unit_id, scope):
        """The roll-up report's unit (None: the caller's), the units right below it and its active files per unit."""
        return reports.report(self.db, org_unit_id, scope)

    @rpc
    def root_org_unit(self):
        return units.view(units.root(self.db))

    @rpc
    def add_import_part(self, import_id, seq, content_b64):
        """Keep part `seq` (from 0) of an upload; sent again, it changes nothing."""
        uploads.store_part(self.db, self.vault, import_id, seq, content_b64)

    @rpc
    def discard_import_parts(self, import_id):
        """Drop the parts of an upload that will not be imported (refused or broken off on the way in)."""
        uploads.discard(self.db, import_id)

    @rpc
    def import_workers(self, import_id, parts, filename, actor, scope):
        """Import the upload sent as parts 0 .. parts-1 by add_import_part, into the units of the scope."""
        return imports.run_import(self.db, self.vault, import_id, parts, filename, actor, scope)

    @rpc
    def start_import(self, import_id, filename, actor, scope):
        """Announce an import that import_workers will run asynchronously, so its progress exists at once."""
        imports.announce(self.db, import_id, filename, actor, scope)

    @rpc
    def import_progress(self, import_id, scope):
        return views.import_progress(imports.load(self.db, import_id, scope))
