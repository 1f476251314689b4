"""docker-compose.yml, checked without Docker: every command, setting and health check it names exists here,
and the services can be scaled (`docker compose up --scale aid=3`)."""

import re
import shlex
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from services.gateway.api import ROUTES
from shared.config import KNOWN_KEYS, SERVICES

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text("utf-8"))
OURS = {name: service for name, service in COMPOSE["services"].items() if service.get("image") == "hardship:latest"}
SCALABLE = tuple(SERVICES)
CLI_COMMANDS = {"run", "migrate", "user", "import", "demo"}
PORT_RANGE = re.compile(r"^(?P<first>\d+)-(?P<last>\d+):(?P<container>\d+)$")


def command_of(service: dict) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def check_resolves(argv: list[str]) -> None:
    """`python -m MODULE ARGS` where MODULE is a file of this repo (and, for the runner and the health check, ARGS a
    service it knows), or `hardship COMMAND` where COMMAND is one of the CLI's."""
    if argv[0] == "hardship":
        assert 'hardship = "hardship_cli.cli:main"' in (ROOT / "pyproject.toml").read_text("utf-8")
        assert argv[1] in CLI_COMMANDS, argv
        if argv[1] == "migrate":
            assert set(argv[2:]) <= set(SERVICES), argv
        return
    assert argv[:2] == ["python", "-m"], argv
    module, args = argv[2], argv[3:]
    assert (ROOT / (module.replace(".", "/") + ".py")).is_file(), module
    if module in ("hardship_cli.runner", "shared.healthcheck"):
        assert len(args) == 1 and args[0] in SERVICES, argv


def test_the_file_has_our_services_and_a_migration_that_runs_before_them():
    assert set(OURS) == {*SCALABLE, "migrate"}
    assert command_of(OURS["migrate"]) == ["hardship", "migrate"]
    assert OURS["migrate"]["restart"] != "unless-stopped"  # it must stay finished once it has succeeded
    for name in SCALABLE:
        assert OURS[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert OURS[name]["depends_on"]["rabbitmq"] == {"condition": "service_healthy"}


@pytest.mark.parametrize("name", [*SCALABLE, "migrate"])
def test_each_command_resolves_to_a_module_or_cli_command_of_this_repo(name):
    argv = command_of(OURS[name])
    check_resolves(argv)
    if name in SCALABLE:
        assert argv == ["python", "-m", "hardship_cli.runner", name]


@pytest.mark.parametrize("name", [*SCALABLE, "migrate"])
def test_every_variable_set_is_a_setting_the_config_knows(name):
    environment = OURS[name]["environment"]
    assert isinstance(environment, dict), "environment as a mapping, so it can be checked"
    unknown = set(environment) - KNOWN_KEYS
    assert not unknown, unknown
    assert {"AMQP_URI", "DATA_KEY", *(f"{service.upper()}_DB_URL" for service in SERVICES)} <= set(environment)


@pytest.mark.parametrize("name", ["registry", "aid", "notify"])
def test_the_services_health_checks_are_the_healthcheck_command_for_themselves(name):
    test = OURS[name]["healthcheck"]["test"]
    assert test[0] == "CMD"
    assert test[1:] == ["python", "-m", "shared.healthcheck", name]
    check_resolves(test[1:])


def test_the_gateways_health_check_calls_its_health_route_on_its_own_port():
    gateway = OURS["gateway"]
    test = gateway["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    [url] = re.findall(r"'(http://[^']+)'", test[3])
    address = urlparse(url)
    assert address.hostname == "127.0.0.1" and str(address.port) == gateway["environment"]["GATEWAY_PORT"]
    assert any(route.url == address.path and "GET" in route.methods for route in ROUTES), address.path
    compile(test[3], "healthcheck", "exec")


@pytest.mark.parametrize("name", SCALABLE)
def test_scalable_services_have_no_fixed_name_host_port_or_state_of_their_own(name):
    service = OURS[name]
    assert "container_name" not in service
    assert "volumes" not in service
    for published in service.get("ports", []):
        ranged = PORT_RANGE.match(str(published))
        assert ranged, f"{name} publishes {published}: a fixed host port allows one instance only"
        assert int(ranged["last"]) > int(ranged["first"])
        assert ranged["container"] == service["environment"]["GATEWAY_PORT"]


def test_only_the_gateway_is_published():
    assert [name for name in SCALABLE if OURS[name].get("ports")] == ["gateway"]


BROKER = COMPOSE["services"]["rabbitmq"]
VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?::(?P<kind>[-?])(?P<rest>[^}]*))?\}")


def interpolate(text: str, env: dict) -> str:
    """Compose's `${NAME}`, `${NAME:-default}` and `${NAME:?error}`; a missing required one raises LookupError."""

    def value(match):
        if env.get(match["name"]):
            return env[match["name"]]
        if match["kind"] == "?":
            raise LookupError(match["rest"])
        return match["rest"] if match["kind"] == "-" else ""

    return VARIABLE.sub(value, text)


def test_no_port_but_the_gateways_is_published_on_the_hosts_public_interfaces():
    published = {name: service.get("ports", []) for name, service in COMPOSE["services"].items() if name != "gateway"}
    assert published["rabbitmq"], "the broker's ports stay reachable from this machine (make run, the management UI)"
    for name, ports in published.items():
        for port in ports:
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} on every interface of the host"


@pytest.mark.parametrize(
    "env, user",
    [
        ({"RABBITMQ_PASSWORD": "0f3c9a7e5b1d"}, "hardship"),
        ({"RABBITMQ_PASSWORD": "0f3c9a7e5b1d", "RABBITMQ_USER": "union-ops"}, "union-ops"),
    ],
)
def test_the_services_sign_in_to_the_broker_as_its_own_user_with_the_password_from_the_environment(env, user):
    broker = {key: interpolate(value, env) for key, value in BROKER["environment"].items()}
    assert (broker["RABBITMQ_DEFAULT_USER"], broker["RABBITMQ_DEFAULT_PASS"]) == (user, "0f3c9a7e5b1d")
    for name in [*SCALABLE, "migrate"]:
        uri = urlparse(interpolate(OURS[name]["environment"]["AMQP_URI"], env))
        assert (uri.username, uri.password, uri.hostname) == (user, "0f3c9a7e5b1d", "rabbitmq"), name


def test_without_a_broker_password_compose_refuses_to_start_rather_than_use_a_default():
    with pytest.raises(LookupError, match="RABBITMQ_PASSWORD"):
        interpolate(BROKER["environment"]["RABBITMQ_DEFAULT_PASS"], {})
    with pytest.raises(LookupError, match="RABBITMQ_PASSWORD"):
        interpolate(OURS["registry"]["environment"]["AMQP_URI"], {})
