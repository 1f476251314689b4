"""Fixtures shared by every test: eventlet first, then real RabbitMQ vhosts and real databases."""

import shared.quiet  # noqa: F401, I001  (first: it silences warnings raised on import)
import eventlet


eventlet.monkey_patch()

import os  # noqa: E402
import socket  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

ADMIN_TOKEN = "test-admin-token"
POSTGRES_ADMIN_URL = os.environ.get("HARDSHIP_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
SHARED_DATA = Path(os.environ.get("HARDSHIP_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared")) / "data"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresDatabases:
    """Creates a throw-away PostgreSQL database per test and drops it afterwards."""

    def __init__(self):
        self.created = []

    def _admin(self):
        import psycopg2

        connection = psycopg2.connect(POSTGRES_ADMIN_URL)
        connection.autocommit = True
        return connection

    def create(self) -> str:
        name = f"hardship_test_{uuid.uuid4().hex[:12]}"
        connection = self._admin()
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        connection.close()
        self.created.append(name)
        return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name

    def drop_all(self):
        connection = self._admin()
        with connection.cursor() as cursor:
            for name in self.created:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.close()


@pytest.fixture(params=["sqlite", "postgres"])
def db_backend(request):
    return request.param


SERVICE_DATABASES = ("registry", "aid", "notify", "gateway", "recorder")


def sqlite_urls(directory: Path) -> dict[str, str]:
    return {f"{name.upper()}_DB_URL": f"sqlite:///{directory / f'{name}.db'}" for name in SERVICE_DATABASES}


@pytest.fixture
def db_urls(db_backend, tmp_path):
    """One database per service, as in production."""
    if db_backend == "sqlite":
        yield sqlite_urls(tmp_path)
        return
    databases = PostgresDatabases()
    try:
        yield {f"{name.upper()}_DB_URL": databases.create() for name in SERVICE_DATABASES}
    finally:
        databases.drop_all()


def migrated_settings(amqp_uri: str, db_urls: dict[str, str], var_dir: Path, **overrides) -> dict:
    """The test settings over fresh databases, every service's schema migrated."""
    from shared.config import nameko_config
    from shared.migrations import upgrade

    settings = nameko_config(
        AMQP_URI=amqp_uri,
        HARDSHIP_VAR_DIR=str(var_dir),
        DATA_KEY="c3ludGhldGljLXRlc3QtZGF0YS1rZXktMzItYnl0ZXM=",  # synthetic: base64 of 32 bytes
        HARDSHIP_ADMIN_TOKEN=ADMIN_TOKEN,
        EVENT_RETRY_DELAYS="0.05,0.1",
        OUTBOX_POLL_SECONDS="0.05",
        GATEWAY_PORT=str(free_port()),
        RPC_TIMEOUT="20",
        PUBLICITY_CHECK_SECONDS="0.2",
        **db_urls,
        **overrides,
    )
    for service in ("registry", "aid", "notify", "gateway"):
        upgrade(service, settings)
    return settings


@pytest.fixture
def config(rabbit_config, db_urls, tmp_path):
    return migrated_settings(rabbit_config["AMQP_URI"], db_urls, tmp_path / "var")
