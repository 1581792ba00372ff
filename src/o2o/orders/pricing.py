"""Prices of a cart, computed on the server: the client never sends one.

The one place a checkout is priced, online and at the counter alike: catalogue prices, then
the shop's promotions through the one engine (``o2o.promotions``), then the delivery fee on
what the goods cost after their discounts, then the loyalty points and network cashback
the customer spends (``o2o.loyalty``: never more than the goods cost).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from o2o.catalog import service as catalog_service
from o2o.catalog.service import ForSale
from o2o.config import Settings
from o2o.customers import segments as segments_service
from o2o.loyalty import checkout as loyalty_checkout
from o2o.loyalty import service as loyalty_service
from o2o.orders.fulfilment import RELEASING, FulfilmentType
from o2o.orders.models import Checkout, Order, SalesChannel
from o2o.orm import utcnow
from o2o.promotions import rules
from o2o.promotions import service as promotions_service
from o2o.promotions.engine import PricedCart
from o2o.promotions.models import Coupon


@dataclass(frozen=True)
class PricedLine:
    variant_id: int
    sku: str
    name: str
    unit_price: int
    quantity: int
    discount: int
    source_location_id: int | None
    #: Why the discount: [{promotion_id, name, amount, explanation}], shown to shopper and
    #: cashier alike.
    adjustments: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.unit_price * self.quantity - self.discount


@dataclass(frozen=True)
class Priced:
    lines: list[PricedLine]
    delivery_fee: int
    #: The engine's answer, for redeeming the promotions when the order is placed.
    cart: PricedCart | None = None
    coupons: Mapping[int, Coupon] = field(default_factory=dict)
    #: Points and cashback taken off (their shares are in the lines' discounts), as lines of
    #: the totals: [{kind, label, points, amount}].
    redemptions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def subtotal(self) -> int:
        return sum(line.unit_price * line.quantity for line in self.lines)

    @property
    def discount(self) -> int:
        return sum(line.discount for line in self.lines)

    @property
    def total(self) -> int:
        return self.subtotal - self.discount + self.delivery_fee


@dataclass(frozen=True)
class CartLine:
    variant_id: int
    quantity: int
    source_location_id: int | None = None


def price(session: Session, *, merchant_id: int, channel: SalesChannel,
          lines: Sequence[CartLine], variants: Mapping[int, ForSale],
          fulfilment: FulfilmentType, settings: Settings, customer_id: int | None = None,
          store_id: int | None = None, coupons: Sequence[str] = (),
          at: datetime | None = None, points: int = 0, cashback: int = 0) -> Priced:
    """Every line at its variant's current price less the promotions running now for this
    channel, store and customer (and these coupons). ``variants`` holds every line's
    variant (checked by the caller); the cart page prices a cart this way, the checkout
    through ``price_checkout``."""
    at = at or utcnow()
    running = promotions_service.running(session, merchant_id=merchant_id, at=at)
    lineage = (catalog_service.category_lineage(session, merchant_id=merchant_id)
               if running.asks_categories else {})
    engine_lines = [
        rules.CartLine(line_id=i, variant_id=line.variant_id,
                       product_id=variants[line.variant_id].product_id,
                       unit_price=variants[line.variant_id].price, quantity=line.quantity,
                       category_ids=lineage.get(variants[line.variant_id].category_id or 0,
                                                frozenset()),
                       name=variants[line.variant_id].name)
        for i, line in enumerate(lines)
    ]
    cart, found = promotions_service.price_cart(
        session, merchant_id=merchant_id, lines=engine_lines,
        channel="online" if channel is SalesChannel.ONLINE else "pos",
        # A store's own promotions are for its counter: an online order collected there is
        # still the online shop's (PromotionTerms.location_ids).
        location_id=None if channel is SalesChannel.ONLINE else store_id,
        customer=_customer(session, merchant_id, customer_id, running), coupon_codes=coupons,
        at=at, promotions=running)
    priced = [
        PricedLine(line.variant_id, variants[line.variant_id].sku, variants[line.variant_id].name,
                   variants[line.variant_id].price, line.quantity, p.discount,
                   line.source_location_id,
                   [{"promotion_id": a.promotion_id, "name": a.name, "amount": a.amount,
                     "explanation": a.explanation} for a in p.adjustments])
        for line, p in zip(lines, cart.lines, strict=True)
    ]
    goods = sum(line.total for line in priced)
    fee = 0
    if fulfilment is FulfilmentType.DELIVERY and goods < settings.free_delivery_from:
        fee = settings.delivery_fee
    redeemed = loyalty_checkout.quote(
        session, merchant_id=merchant_id, customer_id=customer_id, points=points,
        cashback_amount=cashback, line_totals=[line.total for line in priced])
    priced = [replace(line, discount=line.discount + sum(a["amount"] for a in extra),
                      adjustments=[*line.adjustments, *extra])
              for line, extra in zip(priced, redeemed.per_line, strict=True)]
    return Priced(priced, fee, cart, found, redeemed.items)


def price_checkout(session: Session, *, checkout: Checkout, variants: Mapping[int, ForSale],
                   settings: Settings) -> Priced:
    return price(
        session, merchant_id=checkout.merchant_id, channel=checkout.channel,
        lines=[CartLine(line.variant_id, line.quantity, line.source_location_id)
               for line in checkout.lines],
        variants=variants, fulfilment=checkout.fulfilment_type, settings=settings,
        customer_id=checkout.customer_id, store_id=checkout.store_id,
        coupons=checkout.coupon_codes or (), points=checkout.points, cashback=checkout.cashback)


#: Built once: a first-order promotion runs it at every checkout.
_PLACED = select(func.count(Order.id)).where(
    Order.merchant_id == bindparam("merchant_id"), Order.customer_id == bindparam("customer_id"),
    Order.status.not_in(RELEASING))


def _customer(session: Session, merchant_id: int, customer_id: int | None,
              running: promotions_service.Running) -> rules.Customer:
    """What promotions may ask of the buyer: who, their loyalty tier, how many orders they
    placed here and which of the promotions' segments they are in; each read only when a
    running promotion asks it."""
    if customer_id is None:
        return rules.Customer()
    placed: int | None = None
    tier: str | None = None
    segment_ids: frozenset[int] = frozenset()
    if running.asks_first_order:
        placed = session.scalar(_PLACED, {"merchant_id": merchant_id,
                                          "customer_id": customer_id})
    if running.asks_tier:
        tier = loyalty_service.tier_of(session, merchant_id=merchant_id, customer_id=customer_id)
    if running.segment_ids:
        segment_ids = segments_service.member_of(
            session, merchant_id=merchant_id, customer_id=customer_id,
            segment_ids=running.segment_ids)
    return rules.Customer(id=customer_id, orders_count=placed or 0, tier=tier,
                          segment_ids=segment_ids)


@dataclass(frozen=True)
class Kept:
    """What a reserve-and-try customer pays for the units they take."""

    #: Per order line id: (discount, adjustments) of the units taken.
    lines: dict[int, tuple[int, list[dict[str, Any]]]]
    #: Đồng each promotion still gives, and what it gave when the order was placed.
    promotions: dict[int, tuple[int, int]]
    #: Đồng of points and of cashback still spent, and spent when the order was placed.
    redeemed: dict[str, tuple[int, int]]


def price_kept(session: Session, *, order: Order, bought: Mapping[int, int]) -> Kept:
    """The held order priced again for the units bought: its promotions on those units
    alone (``promotions.service.reprice_kept``: none gives more than it gave), then the
    points and cashback it spent, as far as those units still cost."""
    given: dict[int, int] = {}
    redeemed = {"points": 0, "cashback": 0}
    for line in order.lines:
        for a in line.adjustments or ():
            if a.get("promotion_id") is not None:
                given[a["promotion_id"]] = given.get(a["promotion_id"], 0) + a["amount"]
            elif a.get("kind") in redeemed:
                redeemed[a["kind"]] += a["amount"]
    taken = [line for line in order.lines if bought.get(line.id)]
    variants = catalog_service.variants_for_sale(session, variant_ids=[
        line.variant_id for line in taken])
    lineage = catalog_service.category_lineage(session, merchant_id=order.merchant_id)
    cart = promotions_service.reprice_kept(
        session, merchant_id=order.merchant_id, at=order.created_at,
        channel="online" if order.channel is SalesChannel.ONLINE else "pos",
        location_id=None if order.channel is SalesChannel.ONLINE else order.store_id,
        given=given, lines=[
            rules.CartLine(line_id=line.id, variant_id=line.variant_id,
                           product_id=variants[line.variant_id].product_id,
                           unit_price=line.unit_price, quantity=bought[line.id],
                           category_ids=lineage.get(variants[line.variant_id].category_id or 0,
                                                    frozenset()), name=line.name)
            for line in taken])
    programme = loyalty_service.programme_of(session, order.merchant_id)
    again = loyalty_checkout.quote(
        session, merchant_id=order.merchant_id, customer_id=order.customer_id,
        points=redeemed["points"] // programme.point_value if programme else 0,
        cashback_amount=redeemed["cashback"], line_totals=[p.total for p in cart.lines])
    lines = {
        p.line_id: (p.discount + sum(a["amount"] for a in extra), [
            *({"promotion_id": a.promotion_id, "name": a.name, "amount": a.amount,
               "explanation": a.explanation} for a in p.adjustments), *extra])
        for p, extra in zip(cart.lines, again.per_line, strict=True)}
    still = {a.promotion_id: a.amount for a in cart.applied}
    return Kept(lines, {pid: (still.get(pid, 0), amount) for pid, amount in given.items()},
                {kind: (sum(i["amount"] for i in again.items if i["kind"] == kind), amount)
                 for kind, amount in redeemed.items()})
