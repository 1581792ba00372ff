"""Error codes are a contract: stable snake_case, each documented in OpenAPI."""

import re
import sqlite3

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from o2o.app import create_app
from o2o.config import Settings
from o2o.errors import DomainError, _subclasses, install_error_handlers

ERRORS = _subclasses(DomainError)


def test_every_domain_is_loaded() -> None:
    create_app(Settings(database_url="sqlite://"))
    assert {"insufficient_stock", "sku_taken", "customer_exists", "invalid_credentials"} <= {
        e.code for e in _subclasses(DomainError)}


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: e.__name__)
def test_error_codes_are_snake_case_and_explained(error: type[DomainError]) -> None:
    assert re.fullmatch(r"[a-z]+(_[a-z0-9]+)*", error.code)
    assert 400 <= error.status < 500
    assert error.__doc__, f"{error.__name__} needs a docstring: it is the code's documentation"


def test_openapi_lists_every_code() -> None:
    description = create_app(Settings(database_url="sqlite://")).openapi()["info"]["description"]
    for error in _subclasses(DomainError):
        assert f"`{error.code}`" in description


@pytest.mark.parametrize(("orig", "status"), [
    (psycopg.errors.DeadlockDetected("deadlock detected"), 409),
    (psycopg.errors.SerializationFailure("could not serialize access"), 409),
    (psycopg.errors.LockNotAvailable("could not obtain lock"), 409),
    (sqlite3.OperationalError("database is locked"), 409),
    (psycopg.OperationalError("connection refused"), 500),
    (sqlite3.OperationalError("no such table: orders"), 500),
], ids=["deadlock", "serialization", "lock", "sqlite-locked", "pg-down", "sqlite-fault"])
def test_a_transaction_losing_to_a_concurrent_one_asks_to_try_again(
        orig: Exception, status: int) -> None:
    """A fault is still a 500 (it is one); losing a race is the client's to retry."""
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/write")
    def write() -> None:
        raise OperationalError("UPDATE stock_levels …", {}, orig)

    answer = TestClient(app, raise_server_exceptions=False).post("/write")

    assert answer.status_code == status
    if status == 409:
        assert answer.json()["error"]["code"] == "try_again"
