"""The suite's worlds: an app on SQLite and on PostgreSQL, each test on an empty database.

Every API test runs once per backend. PostgreSQL is a throwaway cluster each xdist worker
starts for itself; outside CI a machine without PostgreSQL skips those runs, with CI=true
it fails instead.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, text

from o2o.app import create_app
from o2o.config import Settings
from o2o.db import Database
from o2o.migrate import upgrade
from o2o.orm import load_all_models
from o2o.testing.postgres import ThrowawayPostgres, find_bin_dir
from tests.live import served
from tests.world import World

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(available: bool, what: str) -> None:
    """Skip a test that needs ``what`` on a developer's machine; fail under CI."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required under CI", pytrace=False)
    pytest.skip(f"{what} is not installed here")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per worker; each test gets a copy."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    upgrade(Settings(database_url=f"sqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """A migrated database in a throwaway cluster, or None where PostgreSQL is missing."""
    if find_bin_dir() is None:
        yield None
        return
    with ThrowawayPostgres() as pg:
        url = pg.create_database("o2o_test")
        upgrade(Settings(database_url=url))
        yield url


_deletes: dict[str, str] = {}


def _deleting_all(conn: Connection, url: str) -> str:
    """One script deleting every row, children first, and restarting every sequence."""
    if url not in _deletes:
        sequences = conn.scalars(text("SELECT schemaname || '.' || sequencename "
                                      "FROM pg_sequences")).all()
        _deletes[url] = "".join(
            [f'DELETE FROM "{t.name}";' for t in reversed(load_all_models().sorted_tables)]
            + [f"SELECT setval('{name}', 1, false);" for name in sequences])
    return _deletes[url]


def _empty_postgres(url: str, *, truncate: bool = False) -> None:
    """Every table emptied and every sequence back at 1, in one round trip.

    DELETE rather than TRUNCATE: on tables of a few rows it is about ten times faster
    (TRUNCATE makes new files for every table), which adds up over a thousand tests. A test
    of query plans truncates: the planner then sees new, empty tables, not the statistics
    of the rows an earlier test deleted.
    """
    db = Database(url, pool_size=1)
    with db.engine.begin() as conn:
        if truncate:
            tables = ", ".join(f'"{t.name}"' for t in load_all_models().sorted_tables)
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        else:
            conn.exec_driver_sql(_deleting_all(conn, url))
    db.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def settings(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Settings:
    """Settings of an app on an empty, migrated database of each backend."""
    if request.param == "sqlite":
        path = tmp_path / "o2o.db"
        shutil.copy(sqlite_template, path)
        return Settings(database_url=f"sqlite:///{path}", sweep_seconds=0)
    url = request.getfixturevalue("postgres_url")
    require(url is not None, "PostgreSQL (apt-get install postgresql)")
    _empty_postgres(url, truncate=request.node.get_closest_marker("fresh_tables") is not None)
    return Settings(database_url=url, sweep_seconds=0)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def world(client: TestClient) -> World:
    """Builds merchants, stores, people and products through the services."""
    return World(client.app.state.db)  # type: ignore[attr-defined]


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashes() -> Iterator[None]:
    """Real argon2, at a cost fit for hundreds of test users rather than for attackers."""
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    from o2o.auth import security

    fast = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    original = security._hasher
    security._hasher = lambda: fast  # type: ignore[assignment]
    yield
    security._hasher = original


@pytest.fixture
def server(settings: Settings) -> Iterator[tuple[str, World]]:
    """The app served by uvicorn on a free port, and a world on the same database: for tests
    of many clients at once over real connections."""
    with served(settings) as url:
        db = Database(settings.database_url, pool_size=4)
        yield url, World(db)
        db.dispose()
