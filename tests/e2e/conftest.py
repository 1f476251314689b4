"""The whole system over HTTP: every service on the real broker and a real database."""

from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests

from tests.conftest import ADMIN_TOKEN, PostgresDatabases, system_settings


class Api:
    """A small HTTP client for the gateway; every call names the token it uses."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.http = requests.Session()

    def call(self, method: str, path: str, token: str | None = ADMIN_TOKEN, headers=None, **kwargs):
        headers = dict(headers or {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.request(method, self.base_url + path, headers=headers, timeout=60, **kwargs)

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.call("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.call("PATCH", path, **kwargs)

    def token_for(self, role: str, name: str | None = None) -> str:
        """A staff account's token (a donor's account names a donor: tests/e2e/builders.new_user)."""
        body = {"name": name or f"测试{role}", "role": role}
        response = self.post("/api/v1/users", json=body)
        assert response.status_code == 201, response.text
        return response.json()["token"]


class LiveSystem:
    """Every service on one runner for the whole test session and backend; each test brings its own data.

    `settings` is the very dict the running services read their settings from, so a setting read per call
    (HARDSHIP_TODAY, RELATIVE_ONE_AID_PER_YEAR, ...) can be changed for one test with `set(...)`; every
    test starts from the session's settings again.
    """

    def __init__(self, settings: dict):
        self.settings = settings
        self._base = dict(settings)
        self.api = Api(f"http://127.0.0.1:{settings['GATEWAY_PORT']}")

    def set(self, **changes: str) -> None:
        self.settings.update(changes)

    def reset(self) -> None:
        for key in set(self.settings) - set(self._base):
            del self.settings[key]
        for key, value in self._base.items():
            if self.settings.get(key) != value:
                self.settings[key] = value


# A session's tests share the gateway's in-memory rate limits, so the shared system's are out of reach;
# the rate-limit tests start systems of their own with low limits.
UNLIMITED = {
    "PUBLIC_RATE_LIMIT_PER_MINUTE": "1000000",
    "AUTH_FAILURE_LIMIT_PER_MINUTE": "1000000",
    "HEALTH_RATE_LIMIT_PER_MINUTE": "1000000",
}
# Alibaba's receipt endpoint authenticates the provider by this token in its URL; notify makes a provider for
# receipts once, on first use, with the settings of that moment, so the session system has it from the start.
LIVE_RECEIPT_TOKEN = "session-receipt-token"


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def live_backend(request):
    return request.param


@contextmanager
def running_system(request, vhost_pipeline, templates, directory: Path, backend: str, **settings):
    """Every service on one runner over fresh databases (`backend`) and a vhost of its own; yields a LiveSystem.

    For the session's system, and for the few tests whose point needs a system of their own (settings read only
    when a service starts, such as the rate limits), shared by a module's tests where they can be."""
    from nameko.runners import ServiceRunner

    from services.aid.service import AidService
    from services.gateway.service import GatewayService
    from services.notify.service import NotifyService
    from services.registry.service import RegistryService
    from shared.topology import declare_consumer_queues

    databases = PostgresDatabases()
    broker = urlparse(request.config.getoption("RABBIT_AMQP_URI"))
    with vhost_pipeline.get() as vhost:
        try:
            if backend == "sqlite":
                urls = templates.sqlite_urls(directory)
            else:
                urls = templates.postgres_urls(databases)
            config = {
                **system_settings(
                    f"{broker.scheme}://{broker.netloc}/{vhost}",
                    {f"{name.upper()}_DB_URL": url for name, url in urls.items()},
                    directory / "var",
                ),
                **settings,
            }
            services = (RegistryService, AidService, NotifyService, GatewayService)
            # as `hardship migrate` does before anything runs: the registry's first event (the root unit's, queued by
            # its migration) goes out as it starts, maybe before the gateway would declare the queue it reaches
            declare_consumer_queues(services, config)
            runner = ServiceRunner(config)
            for service in services:
                runner.add_service(service)
            runner.start()
            try:
                yield LiveSystem(config)
            finally:
                runner.stop()
        finally:
            databases.drop_all()


@pytest.fixture(scope="session")
def live_session(live_backend, vhost_pipeline, migrated_templates, request, tmp_path_factory):
    directory = tmp_path_factory.mktemp(f"live-{live_backend}")
    with running_system(
        request,
        vhost_pipeline,
        migrated_templates,
        directory,
        live_backend,
        ALIYUN_SMS_RECEIPT_TOKEN=LIVE_RECEIPT_TOKEN,
        **UNLIMITED,
    ) as system:
        yield system


@pytest.fixture
def live(live_session):
    """The session's running system for this test, its settings as the session started them."""
    live_session.reset()
    yield live_session
    live_session.reset()


@pytest.fixture
def system(live):
    return live.api


@pytest.fixture
def api(system):
    return system
