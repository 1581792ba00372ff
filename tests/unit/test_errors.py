"""Error codes are a contract: stable snake_case, each documented in OpenAPI."""

import re

import pytest

from o2o.app import create_app
from o2o.config import Settings
from o2o.errors import DomainError, _subclasses

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
