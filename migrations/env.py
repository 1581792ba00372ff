"""Alembic runs on the engine of the app's settings (SQLite batch mode for ALTERs)."""

from alembic import context

from o2o.config import Settings
from o2o.db import create_db_engine
from o2o.orm import load_all_models

target_metadata = load_all_models()


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url") or Settings().database_url
    engine = create_db_engine(url, pool_size=1)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
