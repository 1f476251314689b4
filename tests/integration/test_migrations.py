"""Each service's migrations build exactly the tables its models describe, and can be undone."""
import pytest
from alembic import command

from shared.migrations import alembic_config

SERVICES = ("registry", "aid", "notify", "gateway")


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_match_the_models_and_downgrade_cleanly(service, db_urls):
    config = alembic_config(service, db_urls[f"{service.upper()}_DB_URL"])

    command.upgrade(config, "head")
    command.check(config)  # raises when autogenerate finds any difference from the models
    command.downgrade(config, "base")
    command.upgrade(config, "head")
