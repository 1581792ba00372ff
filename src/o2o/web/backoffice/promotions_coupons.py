"""A promotion's coupons and what it has cost: shared codes, batches of single-use codes
(downloaded as CSV or QR images by the promotions API, or printed from a sheet of QR codes),
and its usage: đồng given per day and the orders that took it."""

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Response
from pydantic import ValidationError

from o2o.errors import DomainError, NotFound
from o2o.orders.codes import qr_svg
from o2o.promotions import service as promotions_service
from o2o.promotions.models import PromotionRow
from o2o.promotions.schemas import BatchCreate, CouponCreate
from o2o.web.backoffice.pages import _merchant, _render
from o2o.web.backoffice.promotions import status_of
from o2o.web.backoffice.promotions_form import fields_of
from o2o.web.views import AdminPage, Page, PageRoute

router = APIRouter(prefix="/admin", route_class=PageRoute)
Field = Annotated[str, Form()]


def _promotion(page: Page, promotion_id: int) -> PromotionRow:
    return promotions_service.get_promotion(page.session, actor=page.signed_in,
                                            promotion_id=promotion_id)


def _coupons_page(page: Page, promotion_id: int, *, status_code: int = 200, form: str = "",
                  values: dict[str, str] | None = None, errors: Collection[str] = (),
                  problem: DomainError | None = None, done: str = "") -> Response:
    row = _promotion(page, promotion_id)
    actor = page.signed_in
    return _render(
        page, "admin/promotion_coupons.html", status_code=status_code,
        merchant=_merchant(page), section="promotions", promotion=row,
        headline=promotions_service.rule_of(row).headline,
        status=status_of(row, datetime.now(UTC)),
        coupons=promotions_service.coupons_of(page.session, actor=actor, promotion_id=row.id),
        batches=promotions_service.batches_of(page.session, actor=actor, promotion_id=row.id),
        form=form, values=values or {}, errors=set(errors), problem=problem, done=done,
    )


@router.get("/promotions/{promotion_id}/coupons")
def coupons(page: AdminPage, promotion_id: int, done: str = "") -> Response:
    return _coupons_page(page, promotion_id, done=done)


@router.post("/promotions/{promotion_id}/coupons")
def create_coupon(page: AdminPage, promotion_id: int, code: Field = "",
                  max_uses: Field = "") -> Response:
    """A shared code, as many uses as ``max_uses`` (empty: as the promotion allows)."""
    values = {"code": code, "max_uses": max_uses}
    try:
        data = CouponCreate.model_validate(
            {"code": code, "max_uses": max_uses.strip() or None})
        promotions_service.create_coupon(page.session, actor=page.signed_in,
                                         promotion_id=promotion_id, code=data.code,
                                         max_uses=data.max_uses)
    except ValidationError as exc:
        return _coupons_page(page, promotion_id, status_code=422, form="coupon",
                             values=values, errors=fields_of(exc))
    except DomainError as exc:
        return _coupons_page(page, promotion_id, status_code=exc.status, form="coupon",
                             values=values, errors={"code"}, problem=exc)
    return page.redirect(f"/admin/promotions/{promotion_id}/coupons?done=coupon")


@router.post("/promotions/{promotion_id}/batches")
def create_batch(page: AdminPage, promotion_id: int, count: Field = "",
                 prefix: Field = "") -> Response:
    """N unique single-use codes, each ``prefix`` and eight unambiguous characters."""
    values = {"count": count, "prefix": prefix}
    try:
        data = BatchCreate.model_validate({"count": count.strip(), "prefix": prefix})
        promotions_service.create_batch(page.session, actor=page.signed_in,
                                        promotion_id=promotion_id, count=data.count,
                                        prefix=data.prefix)
    except ValidationError as exc:
        return _coupons_page(page, promotion_id, status_code=422, form="batch",
                             values=values, errors=fields_of(exc))
    return page.redirect(f"/admin/promotions/{promotion_id}/coupons?done=batch")


@router.get("/promotions/{promotion_id}/batches/{batch_id}/print")
def print_sheet(page: AdminPage, promotion_id: int, batch_id: int) -> Response:
    """The batch's QR codes on A4 sheets, each with its code written under it."""
    row = _promotion(page, promotion_id)
    batch, codes = promotions_service.batch_codes(page.session, actor=page.signed_in,
                                                  batch_id=batch_id)
    if batch.promotion_id != row.id:
        raise NotFound("Coupon batch not found.", batch_id=batch_id)
    return page.render(
        "admin/promotion_print.html", promotion=row, batch=batch,
        headline=promotions_service.rule_of(row).headline,
        codes=[(coupon, qr_svg(coupon.code, scale=4)) for coupon in codes])


@router.get("/promotions/{promotion_id}/usage")
def usage(page: AdminPage, promotion_id: int) -> Response:
    """Uses, đồng given against the budget, per day, and the orders that used it."""
    report = promotions_service.usage_of(page.session, actor=page.signed_in,
                                         promotion_id=promotion_id,
                                         timezone=page.settings.timezone)
    row = report.promotion
    return _render(
        page, "admin/promotion_usage.html", merchant=_merchant(page), section="promotions",
        promotion=row, report=report, headline=promotions_service.rule_of(row).headline,
        days=[f"{day:%d/%m}" for day, _ in report.per_day],
        status=status_of(row, datetime.now(UTC)))
