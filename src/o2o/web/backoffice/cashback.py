"""The operator's cashback pages: the network's programme (rate, who funds it, the merchants
taking part) and the settlement of a period (who owes whom; the nets add up to zero).

Rates are typed in percent ("1,5") and kept in basis points; what the service or its schema
refuses comes back with the form as typed and nothing saved.
"""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Response
from pydantic import ValidationError

from o2o.errors import DomainError, NotFound, PermissionDenied
from o2o.loyalty import cashback, settlement
from o2o.loyalty.models import CashbackProgramme, Funding
from o2o.loyalty.schemas import CashbackProgrammeIn
from o2o.orm import utcnow
from o2o.stores import service as stores_service
from o2o.web.backoffice.pages import _render
from o2o.web.views import AdminPage, Page, PageRoute

router = APIRouter(prefix="/admin", route_class=PageRoute)
Field = Annotated[str, Form()]


def _operator(page: Page) -> None:
    if not page.signed_in.is_operator:
        raise PermissionDenied("Only the network operator runs the cashback programme.")


def basis_points(raw: str) -> int | str | None:
    """A percent as typed ("1,5", "2 %") in basis points (150); None when empty; anything
    else as typed, for the schema to refuse under the field's name."""
    text = raw.strip().removesuffix("%").strip().replace(",", ".")
    if not text:
        return None
    try:
        bp = Decimal(text) * 100
    except InvalidOperation:
        return raw
    return int(bp) if bp == bp.to_integral_value() else raw


def typed_of(found: CashbackProgramme | None) -> dict[str, str]:
    if found is None:
        return {"name": "Hoàn tiền toàn mạng", "rate": "", "funding": Funding.SPLIT.value,
                "merchant_share": "50", "is_active": "on"}
    return {"name": found.name, "rate": _percent(found.rate_bp), "funding": found.funding.value,
            "merchant_share": _percent(found.merchant_share_bp),
            "is_active": "on" if found.is_active else ""}


def _percent(bp: int) -> str:
    return f"{Decimal(bp) / 100:f}".rstrip("0").rstrip(".") if bp % 100 else str(bp // 100)


def _programme_page(page: Page, *, typed: dict[str, str] | None = None, status_code: int = 200,
                    errors: set[str] | None = None, problem: DomainError | None = None,
                    done: str = "") -> Response:
    try:
        found, members = cashback.get_programme(page.session)
    except NotFound:
        found, members = None, cashback.participants(page.session)
    taking_part = {m.id for m in members}
    others = [m for m in stores_service.list_merchants(page.session) if m.id not in taking_part]
    return _render(page, "admin/cashback.html", status_code=status_code, merchant=None,
                   section="cashback", tab="programme", programme=found, members=members,
                   others=others, v=typed or typed_of(found), errors=errors or set(),
                   problem=problem, done=done, fundings=list(Funding))


@router.get("/cashback")
def cashback_programme(page: AdminPage, done: str = "") -> Response:
    _operator(page)
    return _programme_page(page, done=done)


@router.post("/cashback")
def save_cashback_programme(page: AdminPage, name: Field = "", rate: Field = "",
                            funding: Field = "", merchant_share: Field = "",
                            is_active: Field = "") -> Response:
    _operator(page)
    typed = {"name": name, "rate": rate, "funding": funding, "merchant_share": merchant_share,
             "is_active": is_active}
    page.end_reads()
    try:
        data = CashbackProgrammeIn.model_validate({
            "name": " ".join(name.split()), "rate_bp": basis_points(rate), "funding": funding,
            "merchant_share_bp": basis_points(merchant_share) if funding == "split" else None,
            "is_active": bool(is_active)})
        cashback.set_programme(page.session, actor=page.signed_in, data=data)
    except ValidationError as exc:
        errors = {str(err["loc"][0]) if err["loc"] else "merchant_share_bp"
                  for err in exc.errors()}
        return _programme_page(page, typed=typed, status_code=422, errors=errors)
    except DomainError as exc:
        return _programme_page(page, typed=typed, status_code=exc.status, problem=exc)
    return page.redirect("/admin/cashback?done=saved")


def _set_participant(page: Page, merchant_id: int, active: bool) -> Response:
    _operator(page)
    page.end_reads()
    try:
        cashback.set_participant(page.session, actor=page.signed_in, merchant_id=merchant_id,
                                 active=active)
    except DomainError as exc:
        return _programme_page(page, status_code=exc.status, problem=exc)
    return page.redirect(f"/admin/cashback?done={'joined' if active else 'left'}#participants")


@router.post("/cashback/participants")
def add_participant(page: AdminPage, merchant_id: Field = "") -> Response:
    """A merchant joins: its stores earn and take the network's cashback from now on."""
    return _set_participant(page, int(merchant_id) if merchant_id.isdigit() else 0, True)


@router.post("/cashback/participants/{merchant_id}/remove")
def remove_participant(page: AdminPage, merchant_id: int) -> Response:
    return _set_participant(page, merchant_id, False)


# --- the settlement ----------------------------------------------------------------------------

def _date(raw: str, default: date) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        return default


@router.get("/cashback/settlement")
def cashback_settlement(page: AdminPage, start: str = "", end: str = "") -> Response:
    """The period asked for (local days, both included); this month so far by default."""
    _operator(page)
    today = utcnow().astimezone(ZoneInfo(page.settings.timezone)).date()
    first, last = _date(start, today.replace(day=1)), _date(end, today)
    report, problem = None, None
    try:
        report = settlement.settle(page.session, actor=page.signed_in, start=first, end=last,
                                   timezone=page.settings.timezone)
    except DomainError as exc:
        problem = exc
    return _render(page, "admin/cashback_settlement.html",
                   status_code=problem.status if problem else 200, merchant=None,
                   section="cashback", tab="settlement", start=first, end=last, report=report,
                   problem=problem)
