"""Alembic, driven from code: each service keeps its own migrations and its own version table."""
from pathlib import Path

from alembic import command, context
from alembic.config import Config

from shared.db import db_url, make_engine


def alembic_config(service: str, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).resolve().parent.parent / "services" / service / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["service"] = service
    return config


def upgrade(service: str, config=None) -> None:
    command.upgrade(alembic_config(service, db_url(service, config)), "head")


def run_env(target_metadata) -> None:
    """Body of every service's migrations/env.py."""
    alembic = context.config
    engine = make_engine(alembic.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            version_table=f"alembic_version_{alembic.attributes['service']}",
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
