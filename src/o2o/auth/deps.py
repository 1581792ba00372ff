"""The signed-in actor of a request: a bearer token (API) or the session cookie (web apps).

``async def`` with no I/O (an HS256 check is microseconds): called on the event loop, not
through the thread pool.
"""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from o2o.auth.permissions import Actor
from o2o.auth.security import read_token
from o2o.errors import NotAuthenticated

#: The cookie the web apps keep the same bearer token in (HttpOnly, SameSite=Lax).
TOKEN_COOKIE = "o2o_token"

_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def _actor(request: Request, token: str | None) -> Actor | None:
    raw = token or request.cookies.get(TOKEN_COOKIE)
    if not raw:
        return None
    actor = read_token(raw, secret=request.app.state.settings.secret_key)
    if actor is None:
        raise NotAuthenticated("The sign-in token is invalid or has expired; sign in again.")
    return actor


# Two dependencies side by side rather than one on the other, reading the settings from the
# app: every signed-in request resolves this, and each dependency level costs ~20 µs.
async def optional_actor(request: Request,
                         token: Annotated[str | None, Depends(_bearer)]) -> Actor | None:
    return _actor(request, token)


async def current_actor(request: Request,
                        token: Annotated[str | None, Depends(_bearer)]) -> Actor:
    actor = _actor(request, token)
    if actor is None:
        raise NotAuthenticated("Sign in first.")
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]
MaybeActor = Annotated[Actor | None, Depends(optional_actor)]
