"""The gateway: the HTTP API under /api/v1, bearer-token auth, health, and the web console (console/)."""
import base64
import functools
import uuid

import eventlet
from marshmallow import ValidationError
from nameko.dependency_providers import Config
from nameko.exceptions import UnknownService
from nameko.rpc import RpcProxy
from sqlalchemy import text
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from shared.config import setting
from shared.db import Database
from shared.errors import ServiceError, validation_error
from services.gateway.auth import (
    CASEWORK, DONOR_READERS, EVERYONE, FINANCE, STAFF, authenticate, create_user, require,
)
from services.gateway.console.routes import ConsoleRoutes
from services.gateway.http import (
    ApiEndpoint, flag, handles_errors, json_response, query_args, read_body, read_json,
)
from services.gateway.schemas import UserCreateSchema

CHECKED_SERVICES = ("registry", "aid", "notify")
HEALTH_TIMEOUT_SECONDS = 3


def require_own_donor(user, donor_id: str) -> None:
    """A donor sees only their own record; staff roles see every donor (read-only for the auditor)."""
    if user.role == "donor" and user.donor_id != donor_id:
        raise ServiceError("forbidden", "捐赠人只能查看自己的捐赠去向", 403)


def endpoint(method: str, url: str, roles=None):
    """An API route; with roles, the caller must present a token of one of them."""
    def decorator(handler):
        @functools.wraps(handler)
        @handles_errors
        def wrapper(self, request, **path):
            user = self.authenticated(request, roles) if roles else None
            return handler(self, request, user, **path)
        return ApiEndpoint.decorator(method, url)(wrapper)
    return decorator


class GatewayService(ConsoleRoutes):
    name = "gateway"

    config = Config()
    db = Database("gateway")
    registry = RpcProxy("registry")
    aid = RpcProxy("aid")
    notify = RpcProxy("notify")

    def authenticated(self, request, roles):
        user = authenticate(self.db, request.headers.get("Authorization"), setting("HARDSHIP_ADMIN_TOKEN", self.config))
        require(user, roles)
        return user

    def call(self, method, *args, timeout=None, **kwargs):
        with eventlet.Timeout(timeout or float(setting("RPC_TIMEOUT", self.config))):
            return method(*args, **kwargs)

    def json_body(self, request):
        return read_json(request, int(setting("MAX_BODY_BYTES", self.config)))

    @endpoint("GET", "/health")
    def health(self, request, _user):
        checks = {}
        try:
            self.db.execute(text("SELECT 1"))
            checks["gateway"] = "ok"
        except Exception as exc:  # any database failure means unhealthy, whatever its type
            checks["gateway"] = f"database unavailable: {type(exc).__name__}"
        for service in CHECKED_SERVICES:
            try:
                self.call(getattr(self, service).ping, timeout=HEALTH_TIMEOUT_SECONDS)
                checks[service] = "ok"
            except (eventlet.Timeout, UnknownService):  # UnknownService: not started (no queue) yet
                checks[service] = "no answer"
        healthy = all(value == "ok" for value in checks.values())
        return json_response({"status": "ok" if healthy else "unavailable", "checks": checks}, 200 if healthy else 503)

    @endpoint("POST", "/api/v1/users", roles=("admin",))
    def create_user(self, request, user):
        return json_response(self.add_user(self.json_body(request)), 201)

    def add_user(self, payload: dict) -> dict:
        """A new account from the API's body; the answer holds its token, shown this once."""
        try:
            data = UserCreateSchema().load(payload)
        except ValidationError as exc:
            raise validation_error(exc.messages) from None
        return create_user(self.db, data["name"], data["role"], data["donor_id"])

    @endpoint("POST", "/api/v1/workers", roles=CASEWORK)
    def register_worker(self, request, user):
        return json_response(self.call(self.registry.register_worker, self.json_body(request), user.actor), 201)

    @endpoint("GET", "/api/v1/workers", roles=STAFF)
    def list_workers(self, request, user):
        return json_response(self.call(self.registry.list_workers, query_args(request)))

    @endpoint("GET", "/api/v1/workers/<worker_id>", roles=STAFF)
    def get_worker(self, request, user, worker_id):
        reveal = flag(request, "reveal")
        if reveal:
            require(user, CASEWORK)
        return json_response(self.call(self.registry.get_worker, worker_id, user.actor, reveal=reveal))

    @endpoint("GET", "/api/v1/workers/<worker_id>/audit", roles=("admin", "auditor"))
    def worker_audit_trail(self, request, user, worker_id):
        return json_response(self.call(self.registry.audit_trail, worker_id))

    @endpoint("PATCH", "/api/v1/workers/<worker_id>", roles=CASEWORK)
    def update_worker(self, request, user, worker_id):
        return json_response(self.call(self.registry.update_worker, worker_id, self.json_body(request), user.actor))

    @endpoint("POST", "/api/v1/workers/<worker_id>/status", roles=CASEWORK)
    def change_worker_status(self, request, user, worker_id):
        return json_response(self.call(self.registry.change_status, worker_id, self.json_body(request), user.actor))

    @endpoint("POST", "/api/v1/workers/import", roles=CASEWORK)
    def import_workers(self, request, user):
        content, filename = self.uploaded_file(request)
        if flag(request, "async"):
            import_id = self.start_import(content, filename, user.actor)
            return json_response({"import_id": import_id, "status": "running",
                                  "progress_url": f"/api/v1/imports/{import_id}"}, 202)
        return json_response(self.call(self.registry.import_workers, base64.b64encode(content).decode(), filename,
                                       user.actor))

    def start_import(self, content: bytes, filename: str | None, actor: str) -> str:
        """Run an import in the background; returns its import_id, whose progress can be asked for at once."""
        import_id = uuid.uuid4().hex
        # Recorded before answering, so the progress is never a 404 for this import.
        self.call(self.registry.start_import, import_id, filename, actor)
        self.registry.import_workers.call_async(base64.b64encode(content).decode(), filename, actor, import_id)
        return import_id

    @endpoint("GET", "/api/v1/imports/<import_id>", roles=STAFF)
    def import_progress(self, request, user, import_id):
        return json_response(self.call(self.registry.import_progress, import_id))

    @endpoint("POST", "/api/v1/campaigns", roles=("admin",))
    def create_campaign(self, request, user):
        return json_response(self.call(self.aid.create_campaign, self.json_body(request), user.actor), 201)

    @endpoint("GET", "/api/v1/campaigns", roles=EVERYONE)
    def list_campaigns(self, request, user):
        return json_response(self.call(self.aid.list_campaigns, query_args(request)))

    @endpoint("GET", "/api/v1/campaigns/<campaign_id>", roles=EVERYONE)
    def get_campaign(self, request, user, campaign_id):
        return json_response(self.call(self.aid.get_campaign, campaign_id))

    @endpoint("POST", "/api/v1/applications", roles=CASEWORK)
    def submit_application(self, request, user):
        return json_response(self.call(self.aid.submit_application, self.json_body(request), user.actor), 201)

    @endpoint("GET", "/api/v1/applications", roles=STAFF)
    def list_applications(self, request, user):
        return json_response(self.call(self.aid.list_applications, query_args(request)))

    @endpoint("POST", "/api/v1/applications/approve-batch", roles=CASEWORK)
    def approve_batch(self, request, user):
        return json_response(self.call(self.aid.approve_batch, self.json_body(request), user.actor))

    @endpoint("GET", "/api/v1/applications/<application_id>", roles=STAFF)
    def get_application(self, request, user, application_id):
        return json_response(self.call(self.aid.get_application, application_id))

    @endpoint("POST", "/api/v1/applications/<application_id>/<action>", roles=CASEWORK)
    def review_application(self, request, user, application_id, action):
        method = {"approve": self.aid.approve, "reject": self.aid.reject, "withdraw": self.aid.withdraw,
                  "objection": self.aid.object}.get(action)
        if method is None:
            raise ServiceError("not_found", "没有这个接口", 404)
        return json_response(self.call(method, application_id, self.json_body(request), user.actor))

    @endpoint("GET", "/api/v1/public/campaigns/<campaign_id>/publicity")
    def public_publicity(self, request, _user, campaign_id):
        return json_response(self.call(self.aid.public_publicity, campaign_id))

    @endpoint("GET", "/api/v1/reconciliation", roles=("admin", "finance", "auditor"))
    def reconciliation(self, request, user):
        return json_response(self.call(self.aid.reconciliation, query_args(request)))

    @endpoint("GET", "/api/v1/public/campaigns/<campaign_id>/disclosure")
    def public_disclosure(self, request, _user, campaign_id):
        return json_response(self.call(self.aid.public_disclosure, campaign_id))

    @endpoint("GET", "/api/v1/public/applications/<application_id>/status")
    def public_status(self, request, _user, application_id):
        return json_response(self.call(self.aid.public_status, application_id, request.args.get("id_last4", "")))

    @endpoint("POST", "/api/v1/donors", roles=FINANCE)
    def create_donor(self, request, user):
        return json_response(self.call(self.aid.create_donor, self.json_body(request), user.actor), 201)

    @endpoint("GET", "/api/v1/donors/<donor_id>", roles=DONOR_READERS)
    def get_donor(self, request, user, donor_id):
        require_own_donor(user, donor_id)
        return json_response(self.call(self.aid.get_donor, donor_id))

    @endpoint("GET", "/api/v1/donors/<donor_id>/trace", roles=DONOR_READERS)
    def donor_trace(self, request, user, donor_id):
        require_own_donor(user, donor_id)
        return json_response(self.call(self.aid.donor_trace, donor_id))

    @endpoint("POST", "/api/v1/donations", roles=FINANCE)
    def donate(self, request, user):
        answer = self.call(self.aid.donate, self.json_body(request), user.actor)
        return json_response(answer["donation"], 201 if answer["created"] else 200)

    @endpoint("POST", "/api/v1/campaigns/<campaign_id>/allocations", roles=FINANCE)
    def allocate(self, request, user, campaign_id):
        return json_response(self.call(self.aid.allocate, campaign_id, self.json_body(request), user.actor), 201)

    @endpoint("GET", "/api/v1/public/receipts/<receipt_no>")
    def public_receipt(self, request, _user, receipt_no):
        return json_response(self.call(self.aid.public_receipt, receipt_no, request.args.get("code", "")))

    @endpoint("POST", "/api/v1/disbursement-batches", roles=FINANCE)
    def create_disbursement_batch(self, request, user):
        return json_response(self.call(self.aid.create_disbursement_batch, self.json_body(request), user.actor), 201)

    @endpoint("GET", "/api/v1/disbursement-batches/<batch_id>", roles=("admin", "finance", "auditor"))
    def get_disbursement_batch(self, request, user, batch_id):
        return json_response(self.call(self.aid.get_disbursement_batch, batch_id))

    @endpoint("GET", "/api/v1/disbursement-batches/<batch_id>/file", roles=("finance",))
    def disbursement_file(self, request, user, batch_id):
        return self.bank_file(batch_id)

    def bank_file(self, batch_id: str) -> Response:
        """The bank's upload file of a batch, as a download: full account numbers, for finance only."""
        content = base64.b64decode(self.call(self.aid.disbursement_file, batch_id))
        return Response(content, 200, headers={
            "Content-Type": "text/csv; charset=gb18030",
            "Content-Disposition": f'attachment; filename="batch-{batch_id}.csv"',
            "Cache-Control": "no-store",
        })

    @endpoint("POST", "/api/v1/disbursement-batches/<batch_id>/results", roles=FINANCE)
    def disbursement_results(self, request, user, batch_id):
        content, _filename = self.uploaded_file(request)
        return json_response(self.call(
            self.aid.disbursement_results, batch_id, base64.b64encode(content).decode(), user.actor,
        ))

    @endpoint("POST", "/api/v1/applications/<application_id>/disburse", roles=FINANCE)
    def disburse_application(self, request, user, application_id):
        return json_response(self.call(self.aid.disburse, application_id, self.json_body(request), user.actor))

    @endpoint("GET", "/api/v1/notifications", roles=STAFF)
    def list_notifications(self, request, user):
        return json_response(self.call(self.notify.list_notifications, query_args(request)))

    @endpoint("POST", "/api/v1/notifications/<notification_id>/resend", roles=CASEWORK)
    def resend_notification(self, request, user, notification_id):
        self.json_body(request)
        return json_response(self.call(self.notify.resend, notification_id, user.actor))

    @endpoint("GET", "/api/v1/sms/opt-outs", roles=STAFF)
    def list_sms_opt_outs(self, request, user):
        return json_response(self.call(self.notify.list_opt_outs, query_args(request)))

    @endpoint("POST", "/api/v1/workers/<worker_id>/sms-opt-out", roles=CASEWORK)
    def sms_opt_out(self, request, user, worker_id):
        return json_response(self.call(self.notify.opt_out, worker_id, self.json_body(request), user.actor))

    @endpoint("DELETE", "/api/v1/workers/<worker_id>/sms-opt-out", roles=CASEWORK)
    def sms_opt_in(self, request, user, worker_id):
        return json_response(self.call(self.notify.opt_in, worker_id, user.actor))

    @endpoint("GET", "/api/v1/sms/receipts/<provider>")
    def sms_receipt_probe(self, request, _user, provider):
        answer = self.call(self.notify.receipt_probe, provider, request.args.to_dict())
        return json_response(answer["body"], answer["status"])

    @endpoint("POST", "/api/v1/sms/receipts/<provider>")
    def sms_receipts(self, request, _user, provider):
        body = read_body(request, int(setting("MAX_BODY_BYTES", self.config)))
        headers = {name.lower(): value for name, value in request.headers.items()}
        answer = self.call(self.notify.receive_receipts, provider, base64.b64encode(body).decode(), headers,
                           request.args.to_dict())
        return json_response(answer["body"], answer["status"])

    @endpoint("GET,POST,PUT,PATCH,DELETE", "/api/<path:path>")
    def unknown_route(self, request, _user, path):
        raise ServiceError("not_found", "没有这个接口", 404)

    def uploaded_file(self, request) -> tuple[bytes, str | None]:
        limit = int(setting("IMPORT_MAX_BYTES", self.config))
        if request.mimetype == "multipart/form-data":
            request.max_content_length = limit
            try:
                upload = request.files.get("file")
            except RequestEntityTooLarge:
                raise ServiceError("payload_too_large", f"文件超过上限 {limit} 字节", 413) from None
            if upload is None:
                raise validation_error({"file": ["请在表单字段 file 中上传 CSV 或 XLSX 文件"]})
            content, filename = upload.read(), upload.filename
        else:
            content, filename = read_body(request, limit), request.args.get("filename")
        if not content:
            raise validation_error({"file": ["上传的文件是空的"]})
        return content, filename
