"""What every page shares: who is visiting (language, signed-in actor), rendering, the
sign-in cookie, and turning a rule that said no into a page a person can act on.

Page modules stay thin: parse, call a service, ``page.render(...)``. A ``DomainError`` a
service raises becomes a friendly page (a sign-in redirect, "not allowed", "not found"),
never the API's JSON.
"""

from collections.abc import Callable, Collection, Coroutine
from dataclasses import dataclass
from math import ceil
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from o2o.auth import service as auth_service
from o2o.auth.deps import TOKEN_COOKIE
from o2o.auth.errors import InvalidCredentials
from o2o.auth.models import Role, User
from o2o.auth.permissions import Actor
from o2o.auth.security import read_token
from o2o.config import Settings
from o2o.deps import AppSettings, DbSession
from o2o.errors import DomainError, NotAuthenticated, NotFound, PermissionDenied
from o2o.web import i18n
from o2o.web.templating import Templates

#: The three apps, by the first segment of their paths.
APPS = ("shop", "pos", "admin")
POS_ROLES = frozenset({Role.CASHIER, Role.MANAGER, Role.OWNER})
ADMIN_ROLES = frozenset({Role.OWNER, Role.MANAGER, Role.OPERATOR})
EVERYONE = frozenset(Role)
_YEAR = 365 * 24 * 3600


def app_of(request: Request) -> str:
    first = request.url.path.strip("/").split("/", 1)[0]
    return first if first in APPS else "shop"


def locale_of(request: Request, settings: Settings) -> str:
    return i18n.choose_locale(
        request.query_params.get("lang"),
        request.cookies.get(i18n.LANG_COOKIE),
        settings.default_locale,
    )


def actor_of(request: Request, settings: Settings) -> Actor | None:
    """The signed-in actor of the cookie; an expired or forged token is just signed out."""
    token = request.cookies.get(TOKEN_COOKIE)
    return read_token(token, secret=settings.secret_key) if token else None


def local_path(target: str | None, app: str, default: str | None = None) -> str:
    """``target`` if it is a path inside ``app`` (no open redirect), else ``default``."""
    home = f"/{app}"
    inside = (
        target is not None
        and target.startswith(home)
        and (len(target) == len(home) or target[len(home)] in "/?")
        and not target.startswith("//")
    )
    return target if inside and target else (default or home)


@dataclass
class Page:
    """One page being answered: the visitor, their language and the database session."""

    request: Request
    session: Session
    settings: Settings
    locale: str
    actor: Actor | None
    user: User | None

    @property
    def signed_in(self) -> Actor:
        """The signed-in actor (role-gated pages always have one)."""
        if self.actor is None:
            raise NotAuthenticated("Sign in first.")
        return self.actor

    @property
    def htmx(self) -> bool:
        """Asked by htmx for a fragment of the page rather than the whole page."""
        return self.request.headers.get("HX-Request") == "true"

    def end_reads(self) -> None:
        """End the read transaction that loading the visitor or a lookup began, so that a
        service can open its write transaction; what was loaded stays usable."""
        self.session.commit()

    def render(self, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
        return render(self.request, self.locale, template, status_code=status_code,
                      user=self.user, actor=self.actor, **context)

    def redirect(self, url: str) -> RedirectResponse:
        return RedirectResponse(url, status_code=303)


def render(request: Request, locale: str, template: str, *, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    templates: Templates = request.app.state.templates
    context.setdefault("user", None)
    context.setdefault("actor", None)
    html = templates.render(locale, template, {
        "request": request, "app": app_of(request), "switch_language": _language_links(request),
        **context,
    })
    return HTMLResponse(html, status_code=status_code)


def _language_links(request: Request) -> dict[str, str]:
    return {
        locale: str(request.url.include_query_params(lang=locale)).removeprefix(
            f"{request.url.scheme}://{request.url.netloc}"
        )
        for locale in i18n.LOCALES
    }


def get_page(request: Request, session: DbSession, settings: AppSettings) -> Page:
    """The visitor; a token of an account that is gone or disabled counts as signed out."""
    actor, user = actor_of(request, settings), None
    if actor is not None:
        try:
            user = auth_service.get_user(session, actor.user_id)
        except NotFound:
            user = None
        if user is None or not user.is_active:
            actor, user = None, None
    page = Page(request, session, settings, locale_of(request, settings), actor, user)
    page.end_reads()
    return page


def _role_gate(roles: Collection[Role]) -> Callable[[Page], Page]:
    """Pages for these roles: others are sent to sign in, or shown "not allowed"."""

    def gate(page: Annotated[Page, Depends(get_page)]) -> Page:
        if page.signed_in.role not in roles:
            raise PermissionDenied("This account cannot open this page.")
        return page

    return gate


AnyPage = Annotated[Page, Depends(get_page)]
ShopperPage = Annotated[Page, Depends(_role_gate({Role.CUSTOMER}))]
PosPage = Annotated[Page, Depends(_role_gate(POS_ROLES))]
AdminPage = Annotated[Page, Depends(_role_gate(ADMIN_ROLES))]


def keep_token(response: Response, request: Request, token: str, settings: Settings) -> None:
    response.set_cookie(
        TOKEN_COOKIE, token, max_age=settings.token_ttl_minutes * 60, httponly=True,
        samesite="lax", secure=request.url.scheme == "https", path="/",
    )


def forget_token(response: Response) -> None:
    response.delete_cookie(TOKEN_COOKIE, path="/", httponly=True, samesite="lax")


def sign_in_with_form(page: Page, *, template: str, username: str, password: str,
                      roles: Collection[Role], target: str, **context: Any) -> Response:
    """Sign in from a login form: the cookie and off to ``target``, or the form again with a
    friendly error (wrong password, or an account this app is not for)."""
    form = {"username": username, "next": target, **context}
    try:
        token = auth_service.sign_in(page.session, username=username, password=password,
                                     settings=page.settings)
    except InvalidCredentials:
        return page.render(template, status_code=401, error="credentials", **form)
    actor = read_token(token, secret=page.settings.secret_key)
    if actor is None or actor.role not in roles:
        return page.render(template, status_code=403, error="role", **form)
    response = page.redirect(target)
    keep_token(response, page.request, token, page.settings)
    return response


def sign_out(target: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    forget_token(response)
    return response


def add_sign_in_routes(router: APIRouter, *, app: str, roles: Collection[Role],
                       signed_out_to: str) -> None:
    """``GET/POST /<app>/login`` and ``POST /<app>/logout``, the same in every app."""
    Field = Annotated[str, Form()]

    @router.get("/login")
    def login_form(page: AnyPage, next: str = "") -> Response:
        return page.render("login.html", username="", error=None, next=local_path(next, app))

    @router.post("/login")
    def login(page: AnyPage, username: Field = "", password: Field = "",
              next: Field = "") -> Response:
        return sign_in_with_form(page, template="login.html", username=username,
                                 password=password, roles=roles, target=local_path(next, app))

    @router.post("/logout")
    def logout(next: Field = "") -> Response:
        return sign_out(local_path(next, app, default=signed_out_to))


def sign_in_url(request: Request) -> str:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/{app_of(request)}/login?next={quote(here, safe='/')}"


def _error_page(request: Request, exc: Exception) -> Response:
    settings: Settings = request.app.state.settings
    locale = locale_of(request, settings)
    if isinstance(exc, NotAuthenticated):
        if request.headers.get("HX-Request") == "true":  # htmx swaps fragments: go whole-page
            return Response(status_code=204, headers={"HX-Redirect": sign_in_url(request)})
        return RedirectResponse(sign_in_url(request), status_code=303)
    if isinstance(exc, PermissionDenied):
        kind, status = "not_allowed", 403
    elif isinstance(exc, NotFound | RequestValidationError):
        kind, status = "not_found", 404
    else:
        kind, status = "refused", getattr(exc, "status", 400)
    actor = actor_of(request, settings)
    return render(request, locale, "error.html", status_code=status, kind=kind, actor=actor,
                  message=getattr(exc, "message", ""))


class PageRoute(APIRoute):
    """A route answering HTML: domain errors become pages; ``?lang=`` is remembered."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        answer = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                response = await answer(request)
            except (DomainError, RequestValidationError) as exc:
                response = _error_page(request, exc)
            asked = request.query_params.get("lang")
            if asked in i18n.LOCALES and asked != request.cookies.get(i18n.LANG_COOKIE):
                response.set_cookie(i18n.LANG_COOKIE, asked, max_age=_YEAR, httponly=True,
                                    samesite="lax", path="/")
            return response

        return page


@dataclass(frozen=True)
class Pager:
    """Page numbers of a long list, from 1."""

    number: int
    size: int
    total: int

    @classmethod
    def of(cls, raw: str | None, size: int) -> "Pager":
        """From the ``p`` query parameter; anything but a positive number is page 1."""
        number = int(raw) if raw and raw.isdigit() and int(raw) > 0 else 1
        return cls(number, size, 0)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.size))

    def with_total(self, total: int) -> "Pager":
        return Pager(self.number, self.size, total)
