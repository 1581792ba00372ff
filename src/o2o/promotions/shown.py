"""What shoppers are shown of the running promotions before they have a cart: the price on a
product page, the offers reaching that product, and what a store's counter gives."""

from datetime import datetime

from sqlalchemy.orm import Session

from o2o.auth.permissions import Actor
from o2o.catalog import service as catalog_service
from o2o.errors import NotFound
from o2o.orm import utcnow
from o2o.promotions import engine, rules
from o2o.promotions.service import Running, active_rows, rule_of, running


def display_price(session: Session, *, variant_id: int, channel: rules.Channel,
                  location_id: int | None = None) -> engine.DisplayPrice:
    """The price a product page shows, after the item promotions running now."""
    variant = catalog_service.variants_for_sale(session, variant_ids=[variant_id]).get(variant_id)
    if variant is None or not variant.on_sale:
        raise NotFound("Variant not found.", variant_id=variant_id)
    lineage = catalog_service.category_lineage(session, merchant_id=variant.merchant_id)
    rows = active_rows(session, merchant_id=variant.merchant_id, at=utcnow())
    item = engine.DisplayItem(variant_id=variant.variant_id, product_id=variant.product_id,
                              unit_price=variant.price, name=variant.name,
                              category_ids=lineage.get(variant.category_id or 0, frozenset()))
    return engine.price_for_display(
        item, [rule_of(row) for row in rows], channel=channel, at=utcnow(),
        location_id=location_id, usage={row.id: rules.Usage(row.uses, 0, row.spent)
                                        for row in rows})


def _open(found: Running, promotion: rules.Promotion) -> bool:
    """Anyone may have it without a code, and it has uses and budget left."""
    uses, spent = found.usage.get(promotion.id, (0, 0))
    return not (promotion.requires_coupon
                or (promotion.usage_limit is not None and uses >= promotion.usage_limit)
                or (promotion.budget is not None and spent >= promotion.budget))


def at_store(session: Session, *, merchant_id: int, store_id: int,
             at: datetime | None = None) -> list[rules.Promotion]:
    """What a shopper walking into this store now gets without a code, for its page: the
    merchant's running promotions for the counter that apply at this store and have
    budget and uses left."""
    found = running(session, merchant_id=merchant_id, at=at or utcnow())
    return sorted((p for p in found.promotions if _open(found, p) and "pos" in p.channels
                   and (p.location_ids is None or store_id in p.location_ids)),
                  key=lambda p: (p.priority, p.id))


def for_product(session: Session, *, product_id: int, actor: Actor | None = None,
                at: datetime | None = None) -> list[rules.Promotion]:
    """The offers reaching this product that its price cannot show: buy X get Y, bundles, and
    item discounts with a condition (happy hours, a minimum spend, an audience). Cart-wide
    promotions and the item discounts already in the price are left to the cart."""
    product = catalog_service.get_product(session, product_id=product_id, actor=actor)
    merchant_id, category_id = product.merchant_id, product.category_id
    variant_ids = [variant.id for variant in product.variants if variant.is_active]
    found = running(session, merchant_id=merchant_id, at=at or utcnow())
    categories = (catalog_service.category_lineage(session, merchant_id=merchant_id)
                  .get(category_id or 0, frozenset()) if found.asks_categories else frozenset())
    lines = [rules.CartLine(i, variant_id, product_id, 0, 1, categories)
             for i, variant_id in enumerate(variant_ids)]
    offers = []
    for promotion, _ in found.index.reaching(lines):
        conditional = bool(promotion.happy_hours or promotion.min_spend
                           or promotion.audience != rules.Audience())
        cart_wide = promotion.target.everything and promotion.kind != "bundle_price"
        if (_open(found, promotion) and not cart_wide
                and (promotion.kind not in engine.DISPLAY_KINDS or conditional)):
            offers.append(promotion)
    return offers
