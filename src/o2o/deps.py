"""Dependencies every router shares: the database session and the settings."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from o2o.config import Settings
from o2o.db import Database


def get_database(request: Request) -> Database:
    return request.app.state.db  # type: ignore[no-any-return]


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_session(db: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    """A session for one request; services open its write transaction themselves."""
    with db.session() as session:
        yield session


DbSession = Annotated[Session, Depends(get_session)]
AppSettings = Annotated[Settings, Depends(get_settings)]
