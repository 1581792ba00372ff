"""Bring a database to the newest schema with Alembic, from the CLI, the app or a test."""

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from o2o.config import Settings


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(settings.migrations_dir))
    config.set_main_option("sqlalchemy.url", settings.database_url.replace("%", "%%"))
    return config


def upgrade(settings: Settings, engine: Engine | None = None) -> None:
    """Run every pending migration; on ``engine`` when given (tests reuse theirs)."""
    config = alembic_config(settings)
    if engine is None:
        command.upgrade(config, "head")
        return
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
