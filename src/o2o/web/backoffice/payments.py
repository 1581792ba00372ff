"""The back office's money: a day's payments and refunds (by method and status), the daily
settlement per method with fees and net beside every mismatch a person must review, and the
bank account the shop's VietQR codes pay into. Owners and managers only."""

from datetime import date, datetime, time
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Response

from o2o.errors import DomainError, NotFound
from o2o.orm import utcnow
from o2o.payments import listing, settlement
from o2o.payments import service as payments_service
from o2o.payments.models import Method, PaymentStatus
from o2o.payments.schemas import Mismatch
from o2o.web.backoffice.pages import _merchant, _render
from o2o.web.views import AdminPage, Page, Pager, PageRoute

router = APIRouter(prefix="/admin", route_class=PageRoute)
Field = Annotated[str, Form()]
ROWS_PER_PAGE = 50
#: Banks whose apps scan VietQR, by NAPAS BIN: the account form offers them by name.
BANKS = (("970436", "Vietcombank"), ("970415", "VietinBank"), ("970418", "BIDV"),
         ("970405", "Agribank"), ("970407", "Techcombank"), ("970422", "MB Bank"),
         ("970416", "ACB"), ("970432", "VPBank"), ("970423", "TPBank"),
         ("970403", "Sacombank"), ("970441", "VIB"), ("970443", "SHB"),
         ("970437", "HDBank"), ("970448", "OCB"), ("970426", "MSB"))


def _today(page: Page) -> date:
    return utcnow().astimezone(ZoneInfo(page.settings.timezone)).date()


def _noon(page: Page, day: date) -> datetime:
    """A moment of ``day`` for the date filters, which show moments in the shop's zone."""
    return datetime.combine(day, time(12), ZoneInfo(page.settings.timezone))


def _day(page: Page, raw: str) -> date:
    """The day asked for (``YYYY-MM-DD``); anything else is today, the shop's local day."""
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        return _today(page)


@router.get("/payments")
def payment_list(page: AdminPage, day: str = "", method: str = "", status: str = "",
                 p: str = "") -> Response:
    merchant = _merchant(page)
    shown = _day(page, day)
    pager = Pager.of(p, ROWS_PER_PAGE)
    chosen_method = Method(method) if method in set(Method) else None
    chosen_status = PaymentStatus(status) if status in set(PaymentStatus) else None
    found, total = listing.list_payments(
        page.session, actor=page.signed_in, day=shown, timezone=page.settings.timezone,
        method=chosen_method, status=chosen_status, limit=pager.size, offset=pager.offset)
    refunds = listing.list_refunds(page.session, actor=page.signed_in, day=shown,
                                   timezone=page.settings.timezone, method=chosen_method)
    return _render(
        page, "admin/payments.html", merchant=merchant, section="payments", tab="list",
        day=shown, day_at=_noon(page, shown), payments=found, refunds=refunds,
        pager=pager.with_total(total),
        filters={"method": chosen_method or "", "status": chosen_status or ""},
        methods=list(Method), statuses=list(PaymentStatus))


def _order_of(page: Page, mismatch: Mismatch) -> int | None:
    """The order a mismatch concerns, when it matched a payment."""
    if mismatch.intent_id is None:
        return None
    try:
        return payments_service.load_intent(page.session, page.signed_in,
                                            mismatch.intent_id).order_id
    except NotFound:
        return None


@router.get("/payments/settlement")
def settlement_report(page: AdminPage, day: str = "") -> Response:
    """The day's takings per method from the payments ledger, and the mismatches first."""
    merchant = _merchant(page)
    shown = _day(page, day)
    report = settlement.settlement(page.session, actor=page.signed_in, day=shown,
                                   timezone=page.settings.timezone)
    return _render(
        page, "admin/settlement.html", merchant=merchant, section="payments", tab="settlement",
        day=shown, day_at=_noon(page, shown), report=report, orders={i: _order_of(page, m)
                                          for i, m in enumerate(report.mismatches)},
        widest=max((line.captured for line in report.lines), default=0))


def _account_page(page: Page, *, status_code: int = 200, done: bool = False,
                  problem: DomainError | None = None, invalid: bool = False,
                  typed: dict[str, str] | None = None) -> Response:
    account = listing.account_of(page.session, actor=page.signed_in)
    current = ({"bank_bin": account.bank_bin, "account_number": account.account_number,
                "account_name": account.account_name} if account else {})
    return _render(page, "admin/payment_account.html", status_code=status_code,
                   merchant=_merchant(page), section="payments", tab="account",
                   account=account, banks=BANKS, banks_by_bin=dict(BANKS), done=done,
                   problem=problem, invalid=invalid,
                   typed=typed if typed is not None else current)


@router.get("/payments/account")
def account(page: AdminPage, done: str = "") -> Response:
    return _account_page(page, done=done == "saved")


@router.post("/payments/account")
def set_account(page: AdminPage, bank_bin: Field = "", account_number: Field = "",
                account_name: Field = "") -> Response:
    """The bank account the shop's VietQR codes pay into; a code a bank app could not read
    is refused and the account on file stays."""
    _merchant(page)
    typed = {"bank_bin": bank_bin.strip(), "account_number": account_number.replace(" ", ""),
             "account_name": " ".join(account_name.split())}
    if not typed["account_name"] or len(typed["account_name"]) > 120:
        return _account_page(page, status_code=422, invalid=True, typed=typed)
    page.end_reads()
    try:
        payments_service.set_account(page.session, actor=page.signed_in, **typed)
    except DomainError as exc:
        return _account_page(page, status_code=exc.status, problem=exc, typed=typed)
    return page.redirect("/admin/payments/account?done=saved")
