"""Engine, sessions and the one way to open a write transaction.

SQLite is the embedded default: WAL, ``synchronous=FULL`` so an acknowledged write survives
a crash, and writes opened with ``BEGIN IMMEDIATE`` behind a process-wide lock, so that
concurrent writers queue in order instead of polling SQLite's busy handler.
PostgreSQL runs READ COMMITTED; counters are changed with conditional updates.
"""

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

_WRITE = "o2o_write"


def create_db_engine(url: str, *, pool_size: int = 20) -> Engine:
    """An engine tuned for its backend; ``postgresql://`` URLs use psycopg 3."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(
        parsed, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
    )


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 15},
        pool_size=8,
        max_overflow=56,
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Take transaction control away from pysqlite so BEGIN is ours to emit.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "foreign_keys=ON",
            "busy_timeout=15000",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        write = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


class Database:
    """The engine and session factory of one running app, CLI command or test."""

    def __init__(self, url: str, *, pool_size: int = 20) -> None:
        self.engine = create_db_engine(url, pool_size=pool_size)
        self.backend = "sqlite" if self.engine.dialect.name == "sqlite" else "postgresql"
        self._write_lock = threading.Lock() if self.backend == "sqlite" else None
        self._sessions = sessionmaker(
            self.engine,
            expire_on_commit=False,
            info={"write_lock": self._write_lock},
        )

    def session(self) -> Session:
        return self._sessions()

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """The write transaction of one use case: committed as a whole or not at all.

    On SQLite it holds the process write lock and the database's write lock from the first
    statement, so a read-then-write can never be overtaken by another writer.
    A use case may call another's service inside its own transaction (a checkout reserves
    stock): the inner ``transaction()`` joins the outer one, which alone commits.
    """
    if session.info.get(_WRITE):
        yield session
        return
    lock = session.info.get("write_lock")
    with lock or nullcontext(), session.begin():
        session.connection(execution_options={_WRITE: True})
        session.info[_WRITE] = True
        try:
            yield session
        finally:
            session.info[_WRITE] = False
