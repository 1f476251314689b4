"""Alembic, driven from code: each service keeps its own migrations and its own version table."""

from pathlib import Path

from alembic import command, context
from alembic.config import Config

from shared.config import setting
from shared.db import db_url, make_engine


def alembic_config(service: str, url: str, settings=None) -> Config:
    """`settings` (the nameko config dict, or None for the environment) reach a migration that reads one, such as
    the root unit's name (see migration_setting)."""
    config = Config()
    config.set_main_option(
        "script_location", str(Path(__file__).resolve().parent.parent / "services" / service / "migrations")
    )
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["service"] = service
    config.attributes["settings"] = settings
    return config


def upgrade(service: str, config=None) -> None:
    command.upgrade(alembic_config(service, db_url(service, config), config), "head")


def migration_setting(key: str) -> str:
    """A setting as the running migration was given it (shared.config.setting)."""
    return setting(key, context.config.attributes.get("settings"))


def _built_on(dialect: str):
    """Autogenerate's filter: a model's index made on one database only (`Index(...).ddl_if(dialect=...)`) is
    compared on that database only."""

    def include(model_object, name, type_, reflected, compare_to) -> bool:
        condition = getattr(model_object, "_ddl_if", None)
        return condition is None or condition.dialect in (None, dialect)

    return include


def run_env(target_metadata) -> None:
    """Body of every service's migrations/env.py."""
    alembic = context.config
    url = alembic.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError(
            "no database URL: migrations run through shared.migrations.upgrade(), which gives alembic one"
        )
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            version_table=f"alembic_version_{alembic.attributes['service']}",
            render_as_batch=connection.dialect.name == "sqlite",
            include_object=_built_on(connection.dialect.name),
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def create_event_tables(op, sa) -> None:
    """The outbox and inbox every service's first migration creates (their shape as of revision 0001)."""
    op.create_table(
        "inbox",
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column("handler", sa.String(length=120), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "handler"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    unpublished = sa.text("published_at IS NULL")
    op.create_index("ix_outbox_unpublished", "outbox", ["id"], sqlite_where=unpublished, postgresql_where=unpublished)


def drop_event_tables(op) -> None:
    op.drop_index("ix_outbox_unpublished", table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("inbox")
