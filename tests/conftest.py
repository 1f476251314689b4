"""Fixtures shared by every test: eventlet first, then real RabbitMQ vhosts and real databases."""

import shared.quiet  # noqa: F401, I001  (first: it silences warnings raised on import)
import eventlet


eventlet.monkey_patch()

import os  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlparse  # noqa: E402

import pytest  # noqa: E402

ADMIN_TOKEN = "test-admin-token"
POSTGRES_ADMIN_URL = os.environ.get("HARDSHIP_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
SHARED_DATA = Path(os.environ.get("HARDSHIP_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared")) / "data"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresDatabases:
    """Creates throw-away PostgreSQL databases (empty, or copies of a template) and drops them afterwards."""

    def __init__(self):
        self.created = []

    def _admin(self):
        import psycopg2

        connection = psycopg2.connect(POSTGRES_ADMIN_URL)
        connection.autocommit = True
        return connection

    def create(self, template: str | None = None) -> str:
        name = f"hardship_test_{uuid.uuid4().hex[:12]}"
        connection = self._admin()
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        connection.close()
        self.created.append(name)
        return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name

    def drop_all(self):
        connection = self._admin()
        with connection.cursor() as cursor:
            for name in self.created:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.close()

    def drop_all_in_background(self) -> subprocess.Popen:
        """drop_all() in a process of its own: PostgreSQL takes a checkpoint for each DROP DATABASE (about half a
        second each here), which the next test need not wait for. Wait for what this returns before the session
        ends."""
        statements = [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in self.created]
        script = (
            "import sys, psycopg2\n"
            "connection = psycopg2.connect(sys.argv[1])\n"
            "connection.autocommit = True\n"
            "for statement in sys.argv[2:]:\n"
            "    connection.cursor().execute(statement)\n"
        )
        return subprocess.Popen(
            [sys.executable, "-c", script, POSTGRES_ADMIN_URL, *statements], stdin=subprocess.DEVNULL
        )


SERVICES = ("registry", "aid", "notify", "gateway", "recorder")  # a database each
MIGRATED = ("registry", "aid", "notify", "gateway")  # what `config` migrates; the recorder's tables are the fakes'


class MigratedTemplates:
    """Each service's database migrated to the latest revision once per session and backend, the registry's with the
    unions the test data name (tests/fakes/unions.py); a test's `config` gets copies of them: on PostgreSQL `CREATE DATABASE … TEMPLATE`, on SQLite a copy of the file. A copy is what
    running the migrations would have made, at a fraction of the cost (alembic for four services on every test)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.sqlite: dict[str, Path] = {}
        self.postgres = PostgresDatabases()
        self.postgres_names: dict[str, str] = {}

    def _migrate(self, urls: dict[str, str]) -> None:
        """Every service's database at the latest revision, the registry's with the unions the test data name."""
        from shared.migrations import upgrade
        from tests.fakes.unions import add_to_database

        settings = {f"{name.upper()}_DB_URL": url for name, url in urls.items()}
        for service in MIGRATED:
            upgrade(service, {**settings, "HARDSHIP_VAR_DIR": str(self.folder / "var")})
        add_to_database(urls["registry"])

    def sqlite_urls(self, folder: Path, services=SERVICES) -> dict[str, str]:
        if not self.sqlite:
            paths = {name: self.folder / f"{name}.db" for name in MIGRATED}
            self._migrate({name: f"sqlite:///{path}" for name, path in paths.items()})
            for path in paths.values():  # every connection closed: the write-ahead log is folded into the file
                assert not Path(f"{path}-wal").exists(), path
            self.sqlite = paths
        urls = {}
        for name in services:
            copy = folder / f"{name}.db"
            if name in self.sqlite:
                shutil.copyfile(self.sqlite[name], copy)
            urls[name] = f"sqlite:///{copy}"
        return urls

    def postgres_urls(self, databases: PostgresDatabases, services=SERVICES) -> dict[str, str]:
        if not self.postgres_names:
            urls = {name: self.postgres.create() for name in MIGRATED}
            self._migrate(urls)  # its engines are disposed: nobody is left connected to a template
            self.postgres_names = {name: url.rsplit("/", 1)[1] for name, url in urls.items()}
        return {name: databases.create(template=self.postgres_names.get(name)) for name in services}

    def close(self) -> None:
        if self.postgres.created:
            self.postgres.drop_all()


class BackgroundDrops:
    """The databases' drops still running in the background; at most a few at once, every one waited for at the
    end of the session."""

    AT_ONCE = 2

    def __init__(self):
        self.running: list[subprocess.Popen] = []

    def append(self, drop: subprocess.Popen) -> None:
        self.running = [process for process in self.running if process.poll() is None]
        while len(self.running) >= self.AT_ONCE:
            self.running.pop(0).wait()
        self.running.append(drop)

    def wait(self) -> None:
        for drop in self.running:
            drop.wait()


@pytest.fixture(scope="session")
def postgres_drops():
    drops = BackgroundDrops()
    yield drops
    drops.wait()


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory, postgres_drops):
    templates = MigratedTemplates(tmp_path_factory.mktemp("migrated-templates"))
    yield templates
    templates.close()


@pytest.fixture(params=["sqlite", "postgres"])
def db_backend(request):
    return request.param


@pytest.fixture
def db_urls(db_backend, tmp_path, postgres_drops):
    """One database per service, as in production: fresh and empty (no schema)."""
    if db_backend == "sqlite":
        yield {f"{name.upper()}_DB_URL": f"sqlite:///{tmp_path / f'{name}.db'}" for name in SERVICES}
        return
    databases = PostgresDatabases()
    try:
        yield {f"{name.upper()}_DB_URL": databases.create() for name in SERVICES}
    finally:
        postgres_drops.append(databases.drop_all_in_background())


@pytest.fixture
def migrated_db_urls(db_backend, tmp_path, migrated_templates, postgres_drops):
    """One fresh database per service, as in production, the services' four migrated to the latest revision (the
    recorder's empty), copied from the session's templates."""
    if db_backend == "sqlite":
        yield {f"{name.upper()}_DB_URL": url for name, url in migrated_templates.sqlite_urls(tmp_path).items()}
        return
    databases = PostgresDatabases()
    try:
        yield {f"{name.upper()}_DB_URL": url for name, url in migrated_templates.postgres_urls(databases).items()}
    finally:
        postgres_drops.append(databases.drop_all_in_background())


def system_settings(amqp_uri: str, db_urls: dict, var_dir: Path) -> dict:
    """What `config` gives a test, for a vhost and databases made elsewhere (a module's own, say)."""
    from shared.config import nameko_config

    return nameko_config(
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
    )


@pytest.fixture
def config(rabbit_config, migrated_db_urls, tmp_path):
    """Settings for a whole system: its own vhost and fresh databases, migrated."""
    return system_settings(rabbit_config["AMQP_URI"], migrated_db_urls, tmp_path / "var")


@pytest.fixture(scope="module")
def module_config(request, vhost_pipeline, migrated_templates, postgres_drops, tmp_path_factory):
    """`config` shared by a module's tests (its own vhost, fresh migrated databases on PostgreSQL), for tests that
    can share one system: each must count from what it finds, not from nothing."""
    broker = urlparse(request.config.getoption("RABBIT_AMQP_URI"))
    databases = PostgresDatabases()
    with vhost_pipeline.get() as vhost:  # as nameko's rabbit_config makes its vhost
        try:
            urls = migrated_templates.postgres_urls(databases)
            yield system_settings(
                f"{broker.scheme}://{broker.netloc}/{vhost}",
                {f"{name.upper()}_DB_URL": url for name, url in urls.items()},
                tmp_path_factory.mktemp("module") / "var",
            )
        finally:
            postgres_drops.append(databases.drop_all_in_background())
