"""Dependencies every router shares: the database session and the settings.

They are ``async def`` because they do no I/O: FastAPI then calls them on the event loop,
where a plain ``def`` would cost a trip through the thread pool each, on every request.
Those every request runs read the app's state from the request rather than through one
more dependency: each dependency FastAPI resolves costs ~20 µs per request.
"""

from collections.abc import AsyncIterator
from typing import Annotated

from anyio import CancelScope
from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from o2o.config import Settings
from o2o.db import Database


async def get_database(request: Request) -> Database:
    return request.app.state.db  # type: ignore[no-any-return]


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session for one request; services open its write transaction themselves.

    Making a session does no I/O (it connects on first use), so it is made on the loop.
    Closing one does I/O only while it still holds a connection (a read left its transaction
    open: ROLLBACK and back to the pool): that close runs in the thread pool, shielded from
    cancellation so a dropped client cannot leak the connection. A write use case has
    committed and let its connection go by then, so its close is bookkeeping on the loop.
    """
    session = request.app.state.db.session()
    try:
        yield session
    finally:
        if session.in_transaction():
            with CancelScope(shield=True):
                await run_in_threadpool(session.close)
        else:
            session.close()


DbSession = Annotated[Session, Depends(get_session)]
AppSettings = Annotated[Settings, Depends(get_settings)]
