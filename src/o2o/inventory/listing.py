"""What a location holds, as the back office lists it: its levels with the names people know
the variants by, searched and filtered. Read-only joins of the catalogue, for display."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from o2o.auth.permissions import Actor, can_work_at
from o2o.catalog import search
from o2o.catalog import service as catalog_service
from o2o.catalog.models import Product, ProductImage, ProductStatus, Variant
from o2o.errors import PermissionDenied
from o2o.inventory.models import StockLevel
from o2o.stores import service as stores_service

#: Available units at or below this count as low stock unless the caller says otherwise.
LOW_STOCK = 2


class StockFilter(StrEnum):
    LOW = "low"  # available <= the threshold, out of stock included
    OUT = "out"  # nothing left to sell at the counter
    RESERVED = "reserved"  # customers hold some units


@dataclass(frozen=True)
class StockRow:
    variant_id: int
    product_id: int
    product_name: str
    options: dict[str, str]
    sku: str
    barcode: str | None
    image_url: str | None
    #: The variant is active and its product on sale.
    on_sale: bool
    on_hand: int
    reserved: int
    online_buffer: int
    updated_at: datetime | None

    @property
    def available(self) -> int:
        """What the counter can still sell."""
        return self.on_hand - self.reserved


@dataclass(frozen=True)
class StockList:
    rows: list[StockRow]
    #: Rows matching the search and the filter, over every page.
    total: int
    #: Rows matching the search alone, and how many of them each filter keeps.
    everything: int
    per_filter: dict[StockFilter, int]


def list_stock(session: Session, *, actor: Actor, location_id: int, q: str | None = None,
               only: StockFilter | None = None, low_threshold: int = LOW_STOCK,
               limit: int = 25, offset: int = 0) -> StockList:
    """A page of the levels of a location the actor works at, in product-name order.

    ``q`` is an exact SKU or barcode (that variant alone) or words that must each appear,
    accents and case aside, in the product's name, brand, category, codes or options.
    Raises PermissionDenied for a store the actor does not work at.
    """
    location = stores_service.get_location(session, actor=actor, location_id=location_id)
    if not can_work_at(actor, location.id):
        raise PermissionDenied("You see the stock of the stores you work at.")
    available = StockLevel.on_hand - StockLevel.reserved
    conditions = {
        StockFilter.LOW: available <= low_threshold,
        StockFilter.OUT: available <= 0,
        StockFilter.RESERVED: StockLevel.reserved > 0,
    }
    found = _searched(session, location.merchant_id, location.id, q)
    counted = session.execute(found.with_only_columns(
        func.count(), *(func.coalesce(func.sum(case((c, 1), else_=0)), 0)
                        for c in conditions.values())
    )).one()
    everything, per_filter = counted[0], dict(zip(conditions, counted[1:], strict=True))
    if only is not None:
        found = found.where(conditions[only])
    image = (select(ProductImage.url).where(ProductImage.product_id == Product.id)
             .order_by(ProductImage.position, ProductImage.id).limit(1).scalar_subquery())
    page = session.execute(
        found.add_columns(image)
        .order_by(Product.search_text, Product.id, Variant.position, Variant.id)
        .limit(limit).offset(offset)
    ).all()
    return StockList(rows=[_row(*r) for r in page],
                     total=everything if only is None else per_filter[only],
                     everything=everything, per_filter=per_filter)


def _searched(session: Session, merchant_id: int, location_id: int,
              q: str | None) -> Select[StockLevel, Variant, str, ProductStatus]:
    query = (
        select(StockLevel, Variant, Product.name, Product.status)
        .select_from(StockLevel)
        .join(Variant, Variant.id == StockLevel.variant_id)
        .join(Product, Product.id == Variant.product_id)
        .where(StockLevel.location_id == location_id, StockLevel.merchant_id == merchant_id)
    )
    code = (q or "").strip()
    if code and " " not in code:  # a scanned or typed code names one variant
        by_sku, by_barcode = catalog_service.find_variants(
            session, merchant_id=merchant_id, skus=[code], barcodes=[code])
        variant = by_barcode.get(code) or by_sku.get(code.upper())
        if variant is not None:
            return query.where(Variant.id == variant.id)
    for word in search.words(q):
        query = query.where(Product.search_text.like(search.like_pattern(word), escape="\\"))
    return query


def _row(level: StockLevel, variant: Variant, name: str, status: ProductStatus,
         image_url: str | None) -> StockRow:
    return StockRow(
        variant_id=variant.id, product_id=variant.product_id, product_name=name,
        options=dict(variant.options), sku=variant.sku, barcode=variant.barcode,
        image_url=image_url, on_sale=variant.is_active and status is ProductStatus.ACTIVE,
        on_hand=level.on_hand, reserved=level.reserved, online_buffer=level.online_buffer,
        updated_at=level.updated_at,
    )


@dataclass(frozen=True)
class VariantLabel:
    """How a variant is named on a page: its product, options and codes."""

    variant_id: int
    product_name: str
    options: dict[str, str]
    sku: str
    barcode: str | None


def label_variants(session: Session, *, actor: Actor,
                   variant_ids: list[int]) -> dict[int, VariantLabel]:
    """Names of the actor's merchant's variants, for lines that only hold their ids
    (transfers, counts); ids of another merchant are left out."""
    wanted = sorted(set(variant_ids))
    labels: dict[int, VariantLabel] = {}
    for start in range(0, len(wanted), 500):
        query = (select(Variant, Product.name).join(Product, Product.id == Variant.product_id)
                 .where(Variant.id.in_(wanted[start:start + 500])))
        if not actor.is_operator:
            query = query.where(Variant.merchant_id == actor.merchant_id)
        for variant, name in session.execute(query):
            labels[variant.id] = VariantLabel(variant.id, name, dict(variant.options),
                                              variant.sku, variant.barcode)
    return labels
