"""Promotions as a merchant keeps them, and the prices they make wherever a price is made.

``price_cart`` is the one door to the engine for the online checkout and the counter
(``shown`` has what shoppers see of them on product and store pages). ``redeem`` turns a
priced cart into usage when an order is placed: conditional updates on the promotions' and
coupons' counters, in id order, so usage limits, per-customer limits and budgets never
overrun under concurrency.
"""

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from o2o.auth.permissions import Actor, manager_merchant, staff_merchant
from o2o.catalog import service as catalog_service
from o2o.customers import segments as segments_service
from o2o.db import transaction
from o2o.errors import NotFound
from o2o.orm import utcnow
from o2o.promotions import engine, rules
from o2o.promotions.errors import (
    CouponCodeTaken,
    CouponExhausted,
    CouponInvalid,
    PromotionTargetsUnknown,
    PromotionUnavailable,
)
from o2o.promotions.models import (
    Coupon,
    CouponBatch,
    CustomerUse,
    PromotionRow,
    PromotionSegment,
    Redemption,
)
from o2o.promotions.schemas import PreviewIn, PromotionTerms

#: Columns of PromotionRow that are also terms; the rest of the terms live in ``terms``.
_COLUMNS = ("name", "kind", "starts_at", "ends_at", "requires_coupon", "usage_limit",
            "per_customer_limit", "budget", "is_active")
#: Unambiguous when printed or read aloud: no 0/O, 1/I/L.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def terms_of(row: PromotionRow) -> PromotionTerms:
    return PromotionTerms.model_validate(
        {**row.terms, **{name: getattr(row, name) for name in _COLUMNS}})


_rules: dict[tuple[int, datetime], rules.Promotion] = {}


def rule_of(row: PromotionRow) -> rules.Promotion:
    """The engine's view of a row, built once per version of the row."""
    key = (row.id, row.updated_at or row.created_at)
    found = _rules.get(key)
    if found is None:
        if len(_rules) > 50_000:
            _rules.clear()
        found = _rules[key] = to_rule(row.id, terms_of(row))
    return found


def to_rule(promotion_id: int, t: PromotionTerms) -> rules.Promotion:
    return rules.Promotion(
        id=promotion_id, name=t.name, kind=t.kind, percent=t.percent, amount=t.amount,
        target=rules.Target(frozenset(t.target.variant_ids), frozenset(t.target.product_ids),
                            frozenset(t.target.category_ids)),
        buy=t.buy, get=t.get, bundle=tuple((b.product_id, b.units) for b in t.bundle),
        min_spend=t.min_spend, min_spend_on=t.min_spend_on, starts_at=t.starts_at,
        ends_at=t.ends_at,
        happy_hours=tuple(rules.HappyHour(frozenset(h.weekdays), h.starts, h.ends)
                          for h in t.happy_hours),
        channels=frozenset(t.channels),
        location_ids=frozenset(t.location_ids) if t.location_ids else None,
        audience=rules.Audience(frozenset(t.audience.customer_ids), frozenset(t.audience.tiers),
                                frozenset(t.audience.segment_ids), t.audience.first_order),
        usage_limit=t.usage_limit, per_customer_limit=t.per_customer_limit, budget=t.budget,
        max_discount=t.max_discount, requires_coupon=t.requires_coupon, priority=t.priority,
        stackable=t.stackable, exclusive=t.exclusive,
    )


# --- keeping promotions ----------------------------------------------------------------------

def _check(session: Session, merchant_id: int, data: PromotionTerms) -> None:
    to_rule(0, data)  # the engine's own checks (InvalidPromotion)
    unknown = catalog_service.unknown_ids(
        session, merchant_id=merchant_id, variant_ids=data.target.variant_ids,
        product_ids=[*data.target.product_ids, *(b.product_id for b in data.bundle)],
        category_ids=data.target.category_ids)
    segments = segments_service.unknown_ids(session, merchant_id=merchant_id,
                                            segment_ids=data.audience.segment_ids)
    if segments:
        unknown["segment_ids"] = segments
    if unknown:
        raise PromotionTargetsUnknown("The promotion names items or customer segments this "
                                      "shop does not have.", **unknown)


def _write(session: Session, row: PromotionRow, data: PromotionTerms) -> None:
    """The terms into the row (flushed), and its segments as rows, which keep a segment a
    promotion is for from being deleted."""
    dumped = data.model_dump(mode="json")
    for name in _COLUMNS:
        setattr(row, name, getattr(data, name))
    row.terms = {key: value for key, value in dumped.items() if key not in _COLUMNS}
    session.flush()
    session.execute(delete(PromotionSegment).where(PromotionSegment.promotion_id == row.id))
    if data.audience.segment_ids:
        session.execute(insert(PromotionSegment), [
            {"promotion_id": row.id, "segment_id": segment_id, "merchant_id": row.merchant_id}
            for segment_id in sorted(set(data.audience.segment_ids))])


def create_promotion(session: Session, *, actor: Actor, data: PromotionTerms) -> PromotionRow:
    with transaction(session):
        merchant_id = manager_merchant(actor)
        _check(session, merchant_id, data)
        row = PromotionRow(merchant_id=merchant_id, created_by=actor.user_id)
        session.add(row)
        _write(session, row, data)
    return row


def update_promotion(session: Session, *, actor: Actor, promotion_id: int,
                     data: PromotionTerms) -> PromotionRow:
    """New terms from now on; orders already placed keep the discount they got."""
    with transaction(session):
        row = _load(session, actor, promotion_id)
        _check(session, row.merchant_id, data)
        row.updated_at = utcnow()
        _write(session, row, data)
    return row


def _load(session: Session, actor: Actor, promotion_id: int) -> PromotionRow:
    merchant_id = manager_merchant(actor)
    row = session.get(PromotionRow, promotion_id)
    if row is None or row.merchant_id != merchant_id:
        raise NotFound("Promotion not found.", promotion_id=promotion_id)
    return row


def get_promotion(session: Session, *, actor: Actor, promotion_id: int) -> PromotionRow:
    return _load(session, actor, promotion_id)


def list_promotions(session: Session, *, actor: Actor) -> list[PromotionRow]:
    merchant_id = staff_merchant(actor)
    return list(session.scalars(select(PromotionRow).where(
        PromotionRow.merchant_id == merchant_id).order_by(PromotionRow.id.desc())))


def _running_at(merchant_id: Any, at: Any) -> ColumnElement[bool]:
    return and_(PromotionRow.merchant_id == merchant_id, PromotionRow.is_active,
                or_(PromotionRow.starts_at.is_(None), PromotionRow.starts_at <= at),
                or_(PromotionRow.ends_at.is_(None), PromotionRow.ends_at > at))


def active_rows(session: Session, *, merchant_id: int, at: datetime) -> list[PromotionRow]:
    return list(session.scalars(select(PromotionRow).where(_running_at(merchant_id, at))
                                .order_by(PromotionRow.id)))


#: Built once (every checkout runs it twice): what changes at every redemption, and the
#: version of the terms, which are read again only when they changed.
_RUNNING = (select(PromotionRow.id, PromotionRow.updated_at, PromotionRow.created_at,
                   PromotionRow.uses, PromotionRow.spent)
            .where(_running_at(bindparam("merchant_id"), bindparam("at")))
            .order_by(PromotionRow.id))
_CUSTOMER_USES = select(CustomerUse.promotion_id, CustomerUse.uses).where(
    CustomerUse.customer_id == bindparam("customer_id"))


@dataclass(frozen=True)
class Running:
    """The promotions a merchant runs at a moment as the engine sees them, filed once per
    set of versions, with their usage read now: ``{id: (uses, spent)}``."""

    promotions: tuple[rules.Promotion, ...]
    index: engine.PromotionIndex
    usage: dict[int, tuple[int, int]]

    @property
    def asks_categories(self) -> bool:
        """Whether a cart's lines need their categories (a promotion targets one)."""
        return any(p.target.category_ids for p in self.promotions)

    @property
    def asks_tier(self) -> bool:
        return any(p.audience.tiers for p in self.promotions)

    @property
    def asks_first_order(self) -> bool:
        return any(p.audience.first_order for p in self.promotions)

    @property
    def segment_ids(self) -> frozenset[int]:
        """The customer segments any of them is for (the buyer's are read only then)."""
        return frozenset(s for p in self.promotions for s in p.audience.segment_ids)


_indexes: dict[tuple[tuple[int, datetime], ...],
               tuple[tuple[rules.Promotion, ...], engine.PromotionIndex]] = {}


def running(session: Session, *, merchant_id: int, at: datetime) -> Running:
    """``active_rows`` as the engine needs them: one small read when no terms changed."""
    rows = session.execute(_RUNNING, {"merchant_id": merchant_id, "at": at}).all()
    versions = tuple((pid, updated or created) for pid, updated, created, _, _ in rows)
    cached = _indexes.get(versions)
    if cached is None:
        found = {pid: _rules.get((pid, version)) for pid, version in versions}
        missing = [pid for pid, rule in found.items() if rule is None]
        if missing:
            for row in session.scalars(select(PromotionRow).where(PromotionRow.id.in_(missing))):
                found[row.id] = rule_of(row)
        promotions = tuple(rule for rule in found.values() if rule is not None)
        if len(_indexes) > 1_000:
            _indexes.clear()
        cached = _indexes[versions] = (promotions, engine.PromotionIndex(promotions))
    return Running(*cached, {pid: (uses, spent) for pid, _, _, uses, spent in rows})


# --- coupons -------------------------------------------------------------------------------

def create_coupon(session: Session, *, actor: Actor, promotion_id: int, code: str,
                  max_uses: int | None) -> Coupon:
    """A shared code ("TET2026"), used by many until ``max_uses``."""
    with transaction(session):
        row = _load(session, actor, promotion_id)
        coupon = Coupon(merchant_id=row.merchant_id, promotion_id=row.id, code=code,
                        max_uses=max_uses)
        session.add(coupon)
        try:
            session.flush()
        except IntegrityError as exc:
            raise CouponCodeTaken("The shop already has a coupon with this code.",
                                  code=code) from exc
    return coupon


def create_batch(session: Session, *, actor: Actor, promotion_id: int, count: int,
                 prefix: str) -> CouponBatch:
    """``count`` unique single-use codes, ``prefix`` + 8 unambiguous characters each."""
    with transaction(session):
        row = _load(session, actor, promotion_id)
        batch = CouponBatch(merchant_id=row.merchant_id, promotion_id=row.id, prefix=prefix,
                            count=count, created_by=actor.user_id)
        session.add(batch)
        session.flush()
        codes: set[str] = set()
        while len(codes) < count:
            codes.add(prefix + "".join(secrets.choice(_ALPHABET) for _ in range(8)))
        taken = set(session.scalars(select(Coupon.code).where(
            Coupon.merchant_id == row.merchant_id, Coupon.code.in_(codes))))
        codes -= taken  # 31^8 codes: a clash is near impossible, and then one code fewer
        session.execute(insert(Coupon), [
            {"merchant_id": row.merchant_id, "promotion_id": row.id, "batch_id": batch.id,
             "code": code, "max_uses": 1, "uses": 0, "is_active": True,
             "created_at": utcnow()}
            for code in sorted(codes)])
        batch.count = len(codes)
    return batch


def batch_codes(session: Session, *, actor: Actor, batch_id: int) -> tuple[CouponBatch,
                                                                            list[Coupon]]:
    batch = session.get(CouponBatch, batch_id)
    if batch is None or batch.merchant_id != staff_merchant(actor):
        raise NotFound("Coupon batch not found.", batch_id=batch_id)
    return batch, list(session.scalars(select(Coupon).where(Coupon.batch_id == batch.id)
                                       .order_by(Coupon.code)))


def coupons_of(session: Session, *, actor: Actor, promotion_id: int) -> list[Coupon]:
    row = _load(session, actor, promotion_id)
    return list(session.scalars(select(Coupon).where(
        Coupon.promotion_id == row.id, Coupon.batch_id.is_(None)).order_by(Coupon.id)))


def find_coupons(session: Session, *, merchant_id: int,
                 codes: Iterable[str]) -> dict[str, Coupon]:
    """The shop's usable coupons by code; raises CouponInvalid or CouponExhausted naming the
    first code that is neither."""
    wanted = sorted({code.strip().upper() for code in codes})
    if not wanted:
        return {}
    found = {c.code: c for c in session.scalars(select(Coupon).where(
        Coupon.merchant_id == merchant_id, Coupon.code.in_(wanted), Coupon.is_active))}
    for code in wanted:
        coupon = found.get(code)
        if coupon is None:
            raise CouponInvalid(f"Mã {code} không hợp lệ.", code=code)
        if coupon.max_uses is not None and coupon.uses >= coupon.max_uses:
            raise CouponExhausted(f"Mã {code} đã hết lượt sử dụng.", code=code)
    return found


# --- pricing -------------------------------------------------------------------------------

def price_cart(session: Session, *, merchant_id: int, lines: Sequence[rules.CartLine],
               channel: rules.Channel, location_id: int | None, customer: rules.Customer,
               coupon_codes: Iterable[str], at: datetime | None = None,
               extra: Sequence[rules.Promotion] = (),
               promotions: Running | None = None) -> tuple[engine.PricedCart,
                                                           dict[int, Coupon]]:
    """The cart priced by the shop's active promotions; also the coupon used per promotion.

    ``extra`` adds promotions not saved yet (the back office's live preview);
    ``promotions`` is ``running()`` at ``at`` when the caller has read it already.
    """
    at = at or utcnow()
    coupons = find_coupons(session, merchant_id=merchant_id, codes=coupon_codes)
    by_promotion = {c.promotion_id: c for c in coupons.values()}
    found = promotions or running(session, merchant_id=merchant_id, at=at)
    customer_uses = {}
    if customer.id is not None and any(p.per_customer_limit is not None
                                       for p in found.promotions):
        customer_uses = dict(session.execute(_CUSTOMER_USES, {"customer_id": customer.id})
                             .all())
    usage = {pid: rules.Usage(uses, customer_uses.get(pid, 0), spent)
             for pid, (uses, spent) in found.usage.items()}
    cart = rules.Cart(lines=tuple(lines), channel=channel, at=at, location_id=location_id,
                      customer=customer, usage=usage,
                      coupons={pid: c.code for pid, c in by_promotion.items()} |
                      {p.id: "PREVIEW" for p in extra if p.requires_coupon})
    index = engine.PromotionIndex([*found.promotions, *extra]) if extra else found.index
    return engine.evaluate(cart, index), by_promotion


def reprice_kept(session: Session, *, merchant_id: int, lines: Sequence[rules.CartLine],
                 channel: rules.Channel, location_id: int | None, at: datetime,
                 given: Mapping[int, int]) -> engine.PricedCart:
    """The units a held order's customer keeps, priced again by the promotions the order got
    (``given``: đồng each took off), none giving more than it gave.

    What the moment asked (hours, audience, limits, budget, coupon) was met when the order
    was placed; what the cart asks (quantities, minimum spend, bundles) is asked again, so
    keeping the free unit of a "buy 2 get 1" alone does not keep it free.
    """
    rows = session.scalars(select(PromotionRow).where(
        PromotionRow.merchant_id == merchant_id, PromotionRow.id.in_(list(given)))).all()
    honoured = []
    for row in rows:
        rule = rule_of(row)
        honoured.append(replace(
            rule, audience=rules.Audience(), usage_limit=None, per_customer_limit=None,
            budget=None, requires_coupon=False, starts_at=None, ends_at=None, happy_hours=(),
            channels=rules.BOTH_CHANNELS, location_ids=None,
            max_discount=min(given[row.id], rule.max_discount or given[row.id])))
    cart = rules.Cart(lines=tuple(lines), channel=channel, at=at, location_id=location_id)
    return engine.evaluate(cart, honoured)


def cart_lines(session: Session, *, merchant_id: int,
               items: Sequence[tuple[int, int, int]]) -> list[rules.CartLine]:
    """Engine lines for (line id, variant id, quantity), at the catalogue's prices."""
    variants = catalog_service.variants_for_sale(session, variant_ids=[v for _, v, _ in items])
    lineage = catalog_service.category_lineage(session, merchant_id=merchant_id)
    return [
        rules.CartLine(line_id=line_id, variant_id=variant_id,
                       product_id=variants[variant_id].product_id,
                       unit_price=variants[variant_id].price, quantity=quantity,
                       category_ids=lineage.get(variants[variant_id].category_id or 0,
                                                frozenset()),
                       name=variants[variant_id].name)
        for line_id, variant_id, quantity in items
    ]


# --- usage ---------------------------------------------------------------------------------

def redeem(session: Session, *, merchant_id: int, order_id: int, customer_id: int | None,
           priced: engine.PricedCart, coupons: Mapping[int, Coupon]) -> None:
    """Count the order's discounts against limits and budgets (caller's transaction).

    Raises PromotionUnavailable or CouponExhausted when one ran out since the cart was
    priced: the caller's transaction rolls back and the shopper sees the new price.
    """
    for applied in sorted(priced.applied, key=lambda a: a.promotion_id):
        taken = session.execute(
            update(PromotionRow)
            .where(PromotionRow.id == applied.promotion_id, PromotionRow.is_active,
                   or_(PromotionRow.usage_limit.is_(None),
                       PromotionRow.uses < PromotionRow.usage_limit),
                   or_(PromotionRow.budget.is_(None),
                       PromotionRow.spent + applied.amount <= PromotionRow.budget))
            .values(uses=PromotionRow.uses + 1, spent=PromotionRow.spent + applied.amount)
        ).rowcount  # type: ignore[attr-defined]
        if not taken:
            raise PromotionUnavailable(
                f"«{applied.name}» has just run out; the price has changed.",
                promotion_id=applied.promotion_id)
        if customer_id is not None:
            _count_customer(session, applied.promotion_id, customer_id)
        coupon = coupons.get(applied.promotion_id)
        if coupon is not None:
            used = session.execute(
                update(Coupon).where(Coupon.id == coupon.id, or_(
                    Coupon.max_uses.is_(None), Coupon.uses < Coupon.max_uses))
                .values(uses=Coupon.uses + 1)).rowcount  # type: ignore[attr-defined]
            if not used:
                raise CouponExhausted(f"Mã {coupon.code} đã hết lượt sử dụng.",
                                      code=coupon.code)
        session.add(Redemption(merchant_id=merchant_id, promotion_id=applied.promotion_id,
                               order_id=order_id, customer_id=customer_id,
                               coupon_id=coupon.id if coupon else None, amount=applied.amount))


def _count_customer(session: Session, promotion_id: int, customer_id: int) -> None:
    new_row = (postgresql.insert if session.get_bind().dialect.name == "postgresql"
               else sqlite.insert)
    session.execute(new_row(CustomerUse).on_conflict_do_nothing(),
                    {"promotion_id": promotion_id, "customer_id": customer_id, "uses": 0})
    limit = select(PromotionRow.per_customer_limit).where(
        PromotionRow.id == promotion_id).scalar_subquery()
    counted = session.execute(
        update(CustomerUse)
        .where(CustomerUse.promotion_id == promotion_id, CustomerUse.customer_id == customer_id,
               or_(limit.is_(None), CustomerUse.uses < limit))
        .values(uses=CustomerUse.uses + 1)).rowcount  # type: ignore[attr-defined]
    if not counted:
        raise PromotionUnavailable("You have used this promotion as often as it allows.",
                                   promotion_id=promotion_id)


def give_back(session: Session, *, merchant_id: int, order_id: int,
              shares: Mapping[int, int]) -> None:
    """Goods came back: each promotion's share of their discount returns to its budget,
    recorded as a negative redemption (caller's transaction)."""
    for promotion_id, amount in sorted(shares.items()):
        if amount <= 0:
            continue
        session.execute(
            update(PromotionRow)
            .where(PromotionRow.id == promotion_id, PromotionRow.merchant_id == merchant_id,
                   and_(PromotionRow.spent >= amount))
            .values(spent=PromotionRow.spent - amount))
        session.add(Redemption(merchant_id=merchant_id, promotion_id=promotion_id,
                               order_id=order_id, customer_id=None, coupon_id=None,
                               amount=-amount))


def release_order(session: Session, *, merchant_id: int, order_id: int,
                  only: Iterable[int] | None = None) -> None:
    """An order that will never be paid (cancelled, expired, declined) gives back all it took:
    the uses of its promotions and coupons and what they spent (caller's transaction).
    ``only`` names the promotions to release when the rest of the order stands."""
    wanted = [Redemption.order_id == order_id, Redemption.merchant_id == merchant_id]
    if only is not None:
        wanted.append(Redemption.promotion_id.in_(list(only)))
    taken = session.execute(
        select(Redemption.promotion_id, Redemption.coupon_id, Redemption.customer_id,
               func.sum(Redemption.amount))
        .where(*wanted)
        .group_by(Redemption.promotion_id, Redemption.coupon_id, Redemption.customer_id)
        .order_by(Redemption.promotion_id)
    ).all()
    for promotion_id, coupon_id, customer_id, amount in taken:
        if amount is None or amount <= 0:
            continue
        session.execute(update(PromotionRow).where(PromotionRow.id == promotion_id).values(
            uses=PromotionRow.uses - 1,
            spent=PromotionRow.spent - amount))
        if coupon_id is not None:
            session.execute(update(Coupon).where(Coupon.id == coupon_id, Coupon.uses > 0)
                            .values(uses=Coupon.uses - 1))
        if customer_id is not None:
            session.execute(update(CustomerUse).where(
                CustomerUse.promotion_id == promotion_id, CustomerUse.customer_id == customer_id,
                CustomerUse.uses > 0).values(uses=CustomerUse.uses - 1))
        session.add(Redemption(merchant_id=merchant_id, promotion_id=promotion_id,
                               order_id=order_id, customer_id=customer_id, coupon_id=coupon_id,
                               amount=-amount))


# --- the back office's reading -------------------------------------------------------------

def preview(session: Session, *, actor: Actor, data: PreviewIn,
            replacing: int | None = None) -> engine.PricedCart:
    """The sample cart priced by the running promotions and the draft ``data.promotion``.

    ``replacing`` is the saved promotion the draft is an edit of: it is left out of the
    running ones and the draft inherits its usage, so a budget nearly spent shows as such.
    Only the actor's merchant's variants may be in the cart (others: NotFound).
    """
    merchant_id = staff_merchant(actor)
    items = [(i, line.variant_id, line.quantity) for i, line in enumerate(data.lines, start=1)]
    found = catalog_service.variants_for_sale(session, variant_ids=[v for _, v, _ in items])
    if any(v not in found or found[v].merchant_id != merchant_id for _, v, _ in items):
        raise NotFound("Variant not found.")
    lines = cart_lines(session, merchant_id=merchant_id, items=items)
    at = data.at or utcnow()
    rows = [row for row in active_rows(session, merchant_id=merchant_id, at=at)
            if row.id != replacing]
    usage = {row.id: rules.Usage(row.uses, 0, row.spent) for row in rows}
    draft_id = 0
    if replacing is not None:
        saved = _load(session, actor, replacing)
        draft_id, usage[saved.id] = saved.id, rules.Usage(saved.uses, 0, saved.spent)
    draft = to_rule(draft_id, data.promotion)
    cart = rules.Cart(lines=tuple(lines), channel=data.channel, at=at,
                      location_id=data.location_id, usage=usage,
                      coupons={draft_id: "PREVIEW"} if data.coupon and draft.requires_coupon
                      else {})
    return engine.evaluate(cart, [*(rule_of(row) for row in rows), draft])


def for_segment(session: Session, *, actor: Actor, segment_id: int) -> list[PromotionRow]:
    """The actor's merchant's promotions (any status) that are for this customer segment."""
    merchant_id = staff_merchant(actor)
    return list(session.scalars(
        select(PromotionRow)
        .join(PromotionSegment, PromotionSegment.promotion_id == PromotionRow.id)
        .where(PromotionSegment.segment_id == segment_id,
               PromotionRow.merchant_id == merchant_id)
        .order_by(PromotionRow.id.desc())))


def batches_of(session: Session, *, actor: Actor,
               promotion_id: int) -> list[tuple[CouponBatch, int]]:
    """The promotion's coupon batches, newest first, each with how many of its codes were
    used."""
    row = _load(session, actor, promotion_id)
    used = dict(session.execute(
        select(Coupon.batch_id, func.count()).where(
            Coupon.promotion_id == row.id, Coupon.batch_id.is_not(None), Coupon.uses > 0)
        .group_by(Coupon.batch_id)).all())
    batches = session.scalars(select(CouponBatch).where(CouponBatch.promotion_id == row.id)
                              .order_by(CouponBatch.id.desc()))
    return [(batch, used.get(batch.id, 0)) for batch in batches]


@dataclass(frozen=True)
class OrderUse:
    """One order's part in a promotion: what it still keeps off (0 once cancelled or all
    returned), when it first took it, and the coupon typed."""

    order_id: int
    amount: int
    at: datetime
    coupon: str | None


@dataclass(frozen=True)
class UsageReport:
    """A promotion's cost so far, read from the redemptions ledger."""

    promotion: PromotionRow
    #: (local day, net đồng given that day), every day from its start to today, oldest first.
    per_day: list[tuple[date, int]]
    #: Newest first, at most the limit asked.
    orders: list[OrderUse]
    orders_total: int


def usage_of(session: Session, *, actor: Actor, promotion_id: int,
             timezone: str = rules.DEFAULT_TIMEZONE, days: int = 60,
             limit: int = 50) -> UsageReport:
    """Đồng given per local day (the last ``days`` at most) and the orders that used it."""
    row = _load(session, actor, promotion_id)
    zone = ZoneInfo(timezone)
    ledger = session.execute(select(Redemption.created_at, Redemption.amount).where(
        Redemption.promotion_id == row.id).order_by(Redemption.id)).all()
    given: dict[date, int] = {}
    for at, amount in ledger:
        day = at.astimezone(zone).date()
        given[day] = given.get(day, 0) + amount
    today = utcnow().astimezone(zone).date()
    first = min([row.created_at.astimezone(zone).date(), *given,
                 *([row.starts_at.astimezone(zone).date()] if row.starts_at else [])])
    first = min(max(first, today - timedelta(days=days - 1)), today)
    per_day = [(first + timedelta(days=n), given.get(first + timedelta(days=n), 0))
               for n in range((today - first).days + 1)]
    per_order = (select(Redemption.order_id, func.sum(Redemption.amount),
                        func.min(Redemption.created_at), func.max(Redemption.coupon_id))
                 .where(Redemption.promotion_id == row.id).group_by(Redemption.order_id))
    total = session.scalar(select(func.count()).select_from(per_order.subquery())) or 0
    found = session.execute(per_order.order_by(Redemption.order_id.desc()).limit(limit)
                            ).all()
    codes = dict(session.execute(select(Coupon.id, Coupon.code).where(
        Coupon.id.in_({c for *_, c in found if c is not None}))).all())
    return UsageReport(row, per_day, [
        OrderUse(order_id, int(amount or 0), at, codes.get(coupon) if coupon else None)
        for order_id, amount, at, coupon in found], total)
