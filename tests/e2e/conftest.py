"""The whole system over HTTP: every service on the real broker and a real database."""

import pytest
import requests

from tests.conftest import ADMIN_TOKEN


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

    def token_for(self, role: str, name: str | None = None, donor_id: str | None = None) -> str:
        body = {"name": name or f"测试{role}", "role": role}
        if donor_id:
            body["donor_id"] = donor_id
        response = self.post("/api/v1/users", json=body)
        assert response.status_code == 201, response.text
        return response.json()["token"]


@pytest.fixture
def system(config, runner_factory):
    from services.aid.service import AidService
    from services.gateway.service import GatewayService
    from services.notify.service import NotifyService
    from services.registry.service import RegistryService

    runner = runner_factory(config, RegistryService, AidService, NotifyService, GatewayService)
    runner.start()
    return Api(f"http://127.0.0.1:{config['GATEWAY_PORT']}")


@pytest.fixture
def api(system):
    return system
