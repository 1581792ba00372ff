import csv
import io
import zipfile
from typing import Any

from fastapi import APIRouter, Response, status

from o2o.auth.deps import CurrentActor, MaybeActor
from o2o.deps import DbSession
from o2o.errors import ERROR_RESPONSES
from o2o.orders.codes import qr_svg
from o2o.orm import utcnow
from o2o.promotions import service
from o2o.promotions import shown as shown_service
from o2o.promotions.engine import PricedCart
from o2o.promotions.models import PromotionRow
from o2o.promotions.rules import Customer
from o2o.promotions.schemas import (
    BatchCreate,
    BatchRead,
    CouponCreate,
    CouponRead,
    DisplayPriceRead,
    OfferRead,
    PreviewIn,
    PricedCartRead,
    PromotionRead,
    PromotionTerms,
)

router = APIRouter(prefix="/api/v1", tags=["promotions"], responses=ERROR_RESPONSES)


def promotion_read(row: PromotionRow) -> PromotionRead:
    return PromotionRead.model_validate(
        service.terms_of(row).model_dump() | {
            "id": row.id, "merchant_id": row.merchant_id, "uses": row.uses, "spent": row.spent,
            "created_at": row.created_at})


def priced_read(priced: PricedCart) -> dict[str, Any]:
    return {
        "lines": [
            {"line_id": line.line_id, "variant_id": line.variant_id,
             "unit_price": line.unit_price, "quantity": line.quantity,
             "subtotal": line.subtotal, "discount": line.discount, "total": line.total,
             "adjustments": [vars_of(a) for a in line.adjustments]}
            for line in priced.lines],
        "subtotal": priced.subtotal, "discount": priced.discount, "total": priced.total,
        "applied": [vars_of(a) for a in priced.applied],
        "skipped": [{"promotion_id": s.promotion_id, "name": s.name, "code": s.code,
                     "explanation": s.explanation} for s in priced.skipped],
    }


def vars_of(adjustment: Any) -> dict[str, Any]:
    return {"promotion_id": adjustment.promotion_id, "name": adjustment.name,
            "code": adjustment.code, "amount": adjustment.amount,
            "explanation": adjustment.explanation}


@router.post("/promotions", response_model=PromotionRead, status_code=status.HTTP_201_CREATED)
def create_promotion(data: PromotionTerms, session: DbSession, actor: CurrentActor) -> object:
    """A promotion for the online shop and the stores alike (owner or manager)."""
    return promotion_read(service.create_promotion(session, actor=actor, data=data))


@router.get("/promotions", response_model=list[PromotionRead])
def list_promotions(session: DbSession, actor: CurrentActor) -> object:
    return [promotion_read(row) for row in service.list_promotions(session, actor=actor)]


@router.get("/promotions/{promotion_id}", response_model=PromotionRead)
def get_promotion(promotion_id: int, session: DbSession, actor: CurrentActor) -> object:
    return promotion_read(service.get_promotion(session, actor=actor,
                                                promotion_id=promotion_id))


@router.put("/promotions/{promotion_id}", response_model=PromotionRead)
def update_promotion(promotion_id: int, data: PromotionTerms, session: DbSession,
                     actor: CurrentActor) -> object:
    return promotion_read(service.update_promotion(session, actor=actor,
                                                   promotion_id=promotion_id, data=data))


@router.post("/promotions/preview", response_model=PricedCartRead)
def preview(data: PreviewIn, session: DbSession, actor: CurrentActor) -> object:
    """A promotion being written, tried on a sample cart beside the running ones."""
    merchant_id = service.staff_merchant(actor)
    lines = service.cart_lines(session, merchant_id=merchant_id, items=[
        (i, line.variant_id, line.quantity) for i, line in enumerate(data.lines, start=1)])
    draft = service.to_rule(0, data.promotion)
    priced, _ = service.price_cart(
        session, merchant_id=merchant_id, lines=lines, channel=data.channel,
        location_id=data.location_id, customer=Customer(), coupon_codes=(),
        at=data.at or utcnow(), extra=[draft])
    return priced_read(priced)


@router.post("/promotions/{promotion_id}/coupons", response_model=CouponRead,
             status_code=status.HTTP_201_CREATED)
def create_coupon(promotion_id: int, data: CouponCreate, session: DbSession,
                  actor: CurrentActor) -> object:
    return service.create_coupon(session, actor=actor, promotion_id=promotion_id,
                                 code=data.code, max_uses=data.max_uses)


@router.get("/promotions/{promotion_id}/coupons", response_model=list[CouponRead])
def list_coupons(promotion_id: int, session: DbSession, actor: CurrentActor) -> object:
    return service.coupons_of(session, actor=actor, promotion_id=promotion_id)


@router.post("/promotions/{promotion_id}/coupon-batches", response_model=BatchRead,
             status_code=status.HTTP_201_CREATED)
def create_batch(promotion_id: int, data: BatchCreate, session: DbSession,
                 actor: CurrentActor) -> object:
    """Unique single-use codes, to export as CSV or as QR images for print."""
    return service.create_batch(session, actor=actor, promotion_id=promotion_id,
                                count=data.count, prefix=data.prefix)


@router.get("/coupon-batches/{batch_id}/codes.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def batch_csv(batch_id: int, session: DbSession, actor: CurrentActor) -> Response:
    batch, coupons = service.batch_codes(session, actor=actor, batch_id=batch_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "promotion_id", "max_uses", "uses"])
    writer.writerows([c.code, c.promotion_id, c.max_uses, c.uses] for c in coupons)
    return Response(out.getvalue(), media_type="text/csv", headers={
        "Content-Disposition": f'attachment; filename="coupons-{batch.id}.csv"'})


@router.get("/coupon-batches/{batch_id}/qr.zip", response_class=Response,
            responses={200: {"content": {"application/zip": {}}}})
def batch_qr(batch_id: int, session: DbSession, actor: CurrentActor) -> Response:
    """One SVG per code (the printer scales it without blur), named by the code."""
    batch, coupons = service.batch_codes(session, actor=actor, batch_id=batch_id)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for coupon in coupons:
            archive.writestr(f"{coupon.code}.svg", qr_svg(coupon.code, scale=10))
    return Response(out.getvalue(), media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="coupons-{batch.id}-qr.zip"'})


@router.get("/variants/{variant_id}/price", response_model=DisplayPriceRead)
def display_price(variant_id: int, session: DbSession, channel: str = "online",
                  store_id: int | None = None) -> object:
    """The price a product page shows now, after item promotions, with why."""
    price = shown_service.display_price(session, variant_id=variant_id,
                                        channel="pos" if channel == "pos" else "online",
                                        location_id=store_id)
    return {"variant_id": variant_id, "price": price.price, "compare_at": price.compare_at,
            "explanation": price.explanation}


@router.get("/products/{product_id}/promotions", response_model=list[OfferRead])
def product_promotions(product_id: int, session: DbSession, actor: MaybeActor) -> object:
    """Offers reaching the product that its price cannot show: buy X get Y, bundles, and
    discounts with a condition (happy hours, a minimum spend, who may have them)."""
    return [OfferRead.of(promotion)
            for promotion in shown_service.for_product(session, product_id=product_id,
                                                       actor=actor)]
