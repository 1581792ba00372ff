"""Domain errors and the one JSON shape every 4xx takes.

``{"error": {"code": "insufficient_stock", "message": "…", "details": {…}}}`` — codes are
stable snake_case strings that clients may switch on; messages are for people.
"""

from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException


class DomainError(Exception):
    """The request was refused. Subclasses fix ``code`` and ``status``."""

    code: ClassVar[str] = "bad_request"
    status: ClassVar[int] = 400

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(DomainError):
    """The thing does not exist, or belongs to another merchant."""

    code = "not_found"
    status = 404


class NotAuthenticated(DomainError):
    """No valid sign-in token was sent."""

    code = "not_authenticated"
    status = 401


class PermissionDenied(DomainError):
    """Signed in, but this role may not do this."""

    code = "forbidden"
    status = 403


class Conflict(DomainError):
    """The change clashes with existing data; nothing was written."""

    code = "conflict"
    status = 409


class InvalidInput(DomainError):
    """The request is well-formed but breaks a rule of the shop."""

    code = "invalid_input"
    status = 422


class ErrorBody(BaseModel):
    code: str
    message: str
    details: dict[str, Any] = {}


class ErrorResponse(BaseModel):
    """The shape of every 4xx answer."""

    error: ErrorBody


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def _describe_validation(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "field": ".".join(str(part) for part in err["loc"] if part != "body"),
            "message": err["msg"],
            "type": err["type"],
        }
        for err in errors
    ]


class TryAgain(Conflict):
    """The database gave way to a concurrent request (a deadlock, a lock or a serialization
    failure); the transaction was rolled back and nothing was written: send it again (with
    the same Idempotency-Key where it has one)."""

    code = "try_again"


#: PostgreSQL's SQLSTATEs of a transaction that lost to another: deadlock_detected,
#: serialization_failure, lock_not_available.
GAVE_WAY = frozenset({"40P01", "40001", "55P03"})


def gave_way(exc: OperationalError) -> bool:
    """Whether the error is a transaction losing to a concurrent one, not a fault."""
    state = getattr(exc.orig, "sqlstate", None)
    return state in GAVE_WAY or (state is None and "is locked" in str(exc.orig))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields = _describe_validation(list(exc.errors()))
        first = fields[0] if fields else {"field": "", "message": "invalid request"}
        message = f"{first['field'] or 'request'}: {first['message']}"
        return error_response(422, "validation_error", message, {"fields": fields})

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail))

    @app.exception_handler(OperationalError)
    async def _operational(_: Request, exc: OperationalError) -> JSONResponse:
        if not gave_way(exc):
            raise exc
        return error_response(409, TryAgain.code, "A concurrent request held what this one "
                              "needed; nothing was written. Send it again.")

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        # Services translate the constraints they expect; this is the safety net for a race
        # they did not foresee: the transaction was rolled back, nothing was written.
        return error_response(409, "conflict", "The change conflicts with existing data.")


#: Added to every router so that OpenAPI documents the error shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse}
    for status in (400, 401, 403, 404, 409, 422)
}


def _subclasses(cls: type[DomainError]) -> list[type[DomainError]]:
    found: list[type[DomainError]] = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


_GENERIC_CODES = {
    "validation_error": (422, "A field is missing, of the wrong type or out of range; "
                              "`details.fields` lists each."),
    "method_not_allowed": (405, "The path exists, but not for this HTTP method."),
}


def error_codes_markdown() -> str:
    """The table of every error code, for the OpenAPI description (always current)."""
    rows = {code: (status, doc) for code, (status, doc) in _GENERIC_CODES.items()}
    classes: list[type[DomainError]] = [DomainError, *_subclasses(DomainError)]
    for cls in classes:
        doc = (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""
        rows.setdefault(cls.code, (cls.status, doc))
    lines = ["| code | status | meaning |", "|---|---|---|"]
    lines += [f"| `{code}` | {status} | {doc} |" for code, (status, doc) in sorted(rows.items())]
    return "\n".join(lines)
