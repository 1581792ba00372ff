"""The promotion engine: a cart and the merchant's promotions in, every line's price out.

Pure and deterministic: the same cart and the same set of promotions (in any order) give the
same ``PricedCart``. Online checkout, the POS and the product page all call it.

How promotions combine — the model of Shopify's discount classes and Saleor's promotions:

1. **Order of application.** Promotions apply one after another by ``priority`` (lower
   first); at equal priority item promotions (percent or fixed off items, buy X get Y,
   bundles) come before order promotions, then the lower id. As in Shopify and Saleor,
   order discounts are therefore taken from the subtotal the item discounts leave
   (help.shopify.com/manual/discounts/combining-discounts; docs.saleor.io/developer/
   discounts/promotions). Each promotion sees the prices left by those before it, minimum
   spend included: Vendure's ``priorityScore`` reasoning (docs.vendure.io, Promotion) —
   a "10 % over 500.000 ₫" placed after a "buy 1 get 1" judges the cart after the gift.
2. **Stackable** promotions (the default) combine with every other.
3. **Non-stackable** promotions do not combine with each other: at most one applies, the
   one that saves the shopper the most — Shopify's rule for discounts that are eligible
   together but not set to combine (its help centre, "Combining discounts"), and Saleor's
   within a promotion since 3.19 (only the best rule applies). Its worth is measured on
   the undiscounted cart, alone; ties go to the order of application. Should it fail at
   its turn (its minimum spend no longer met after earlier discounts), the next best is
   tried. The others are skipped as ``not_stackable``, naming it; one that could not apply
   even alone is skipped for its own reason.
4. **Exclusive**: once an exclusive promotion applies, no promotion after it in the order
   applies (``blocked_by_exclusive``); those before it stay (priority is the merchant's
   way to say which wins, as with Oracle Commerce's exclusive promotions).

Money is int đồng. Percentages are rounded half-up to the đồng once where the promotion is
defined: per line for item promotions, once on the amount reached for order promotions,
whose discount is then spread over the lines in proportion to what they still cost by the
largest-remainder method, so line discounts add up exactly. No line goes below 0, and
``sum(line.total) == total == subtotal - discount`` always holds. A promotion's discount is
capped at its ``max_discount`` and at the budget it has left; a capped discount is spread
over its lines the same way.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from o2o.promotions.errors import InvalidPromotion
from o2o.promotions.rules import (
    DEFAULT_TIMEZONE,
    Cart,
    CartLine,
    Channel,
    Customer,
    HappyHour,
    Promotion,
    Skipped,
    Usage,
    active_happy_hour,
    refusal,
    vnd,
)

#: The kinds a product page may show in a price: they need neither a quantity nor a cart.
DISPLAY_KINDS: frozenset[str] = frozenset({"items_percent", "items_fixed"})

CappedBy = Literal["max_discount", "budget"]


@dataclass(frozen=True, slots=True)
class Adjustment:
    """Đồng a promotion took off a line (or, in ``PricedCart.applied``, off the cart).

    ``code`` is the promotion's kind; ``explanation`` the sentence the shopper and the
    cashier read, e.g. "Giảm 10% cho Áo thun (Giờ vàng 14:00–16:00)".
    """

    promotion_id: int
    name: str
    code: str
    amount: int
    explanation: str
    capped_by: CappedBy | None = None


@dataclass(frozen=True, slots=True)
class PricedLine:
    line_id: int
    variant_id: int
    unit_price: int
    quantity: int
    subtotal: int
    discount: int
    total: int
    adjustments: tuple[Adjustment, ...]


@dataclass(frozen=True, slots=True)
class PricedCart:
    """The priced cart. ``applied`` has one entry per promotion applied, in the order of
    application; ``skipped`` explains every promotion that reached a line of the cart and did
    not apply (one that reaches none is not considered, and not listed)."""

    lines: tuple[PricedLine, ...]
    subtotal: int
    discount: int
    total: int
    applied: tuple[Adjustment, ...]
    skipped: tuple[Skipped, ...]


@dataclass(frozen=True, slots=True)
class DisplayItem:
    """A variant as a product page shows it."""

    variant_id: int
    product_id: int
    unit_price: int
    category_ids: frozenset[int] = frozenset()
    name: str = ""


@dataclass(frozen=True, slots=True)
class DisplayPrice:
    """The price to show; ``compare_at`` (the price struck through) only when lower."""

    price: int
    compare_at: int | None
    explanation: str


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """``total`` split in proportion to ``weights`` by the largest-remainder method.

    The shares add up to ``total`` exactly; when ``total <= sum(weights)`` none exceeds its
    weight. Equal remainders go to the earlier weight.
    """
    whole = sum(weights)
    if whole == 0:
        return [0] * len(weights)
    if len(weights) == 1:
        return [total]
    shares: list[int] = []
    remainders: list[int] = []
    for weight in weights:
        share, remainder = divmod(total * weight, whole)
        shares.append(share)
        remainders.append(remainder)
    short = total - sum(shares)
    if short:  # a stable sort keeps the earlier of equal remainders first
        for k in sorted(range(len(weights)), key=remainders.__getitem__, reverse=True)[:short]:
            shares[k] += 1
    return shares


def _half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


def _order(promo: Promotion) -> tuple[int, int, int]:
    return promo.priority, promo.order_level, promo.id


class PromotionIndex:
    """Promotions filed by what they reach, so a cart meets only those touching its lines.

    Build it once for a merchant's active promotions and price any number of carts with it.
    """

    def __init__(self, promotions: Iterable[Promotion]) -> None:
        self._by_variant: dict[int, list[Promotion]] = {}
        self._by_product: dict[int, list[Promotion]] = {}
        self._by_category: dict[int, list[Promotion]] = {}
        self._everywhere: list[Promotion] = []
        seen: set[int] = set()
        for promo in promotions:
            if promo.id in seen:
                raise InvalidPromotion("Two promotions share an id.", promotion_id=promo.id)
            seen.add(promo.id)
            self._file(promo)

    def _file(self, promo: Promotion) -> None:
        target = promo.target
        keys: list[tuple[dict[int, list[Promotion]], Iterable[int]]]
        if promo.kind == "bundle_price":
            keys = [(self._by_product, {product for product, _ in promo.bundle})]
        elif target.everything:
            self._everywhere.append(promo)
            return
        else:
            keys = [(self._by_variant, target.variant_ids), (self._by_product, target.product_ids),
                    (self._by_category, target.category_ids)]
        for shelf, ids in keys:
            for key in ids:
                shelf.setdefault(key, []).append(promo)

    def reaching(self, lines: Sequence[CartLine]) -> list[tuple[Promotion, list[int]]]:
        """Each promotion reaching a line, with the positions of the lines it reaches,
        in the order of application."""
        found: dict[int, tuple[Promotion, list[int]]] = {}
        for position, line in enumerate(lines):
            hits = [*self._by_variant.get(line.variant_id, ()),
                    *self._by_product.get(line.product_id, ())]
            for category in line.category_ids:
                hits += self._by_category.get(category, ())
            for promo in hits:
                positions = found.setdefault(promo.id, (promo, []))[1]
                if not positions or positions[-1] != position:
                    positions.append(position)
        everything = list(range(len(lines)))
        for promo in self._everywhere if lines else ():
            found[promo.id] = (promo, everything)
        return sorted(found.values(), key=lambda pair: _order(pair[0]))


@dataclass(slots=True)
class _Candidate:
    """A promotion reaching the cart: the lines it reaches, and why it can never apply here
    (``refused``) or what it is worth alone (``worth``, for non-stackable ones)."""

    promo: Promotion
    positions: list[int]
    refused: Skipped | None
    hour: HappyHour | None
    worth: int = 0


@dataclass(frozen=True, slots=True)
class _Cut:
    """What one promotion took off the lines it reaches (aligned with their positions)."""

    candidate: _Candidate
    amounts: list[int]
    capped_by: CappedBy | None
    total: int


class _Ledger:
    """A walk's running state: what each line still costs, the cuts made, the skips."""

    def __init__(self, cart: Cart) -> None:
        self.left = [line.unit_price * line.quantity for line in cart.lines]
        self.cuts: list[_Cut] = []
        self.skipped: list[Skipped] = []
        self.exclusive: Promotion | None = None

    def take(self, cut: _Cut) -> None:
        for position, amount in zip(cut.candidate.positions, cut.amounts, strict=True):
            self.left[position] -= amount
        self.cuts.append(cut)


def evaluate(cart: Cart, promotions: PromotionIndex | Iterable[Promotion]) -> PricedCart:
    """Price every line of ``cart`` under ``promotions`` (see the module for the rules)."""
    index = promotions if isinstance(promotions, PromotionIndex) else PromotionIndex(promotions)
    return _evaluate(cart, index, kinds=None)


def price_for_display(
    item: DisplayItem,
    promotions: PromotionIndex | Iterable[Promotion],
    *,
    channel: Channel,
    at: datetime,
    location_id: int | None = None,
    customer: Customer | None = None,
    usage: Mapping[int, Usage] | None = None,
    timezone: str = DEFAULT_TIMEZONE,
) -> DisplayPrice:
    """The price of one unit on a product page: item promotions only (percent or fixed off,
    without coupon), never cart promotions, buy X get Y or bundles. A cart line of one unit
    costs exactly this; a line of n units may differ from n × this by less than 1 đồng per
    line, as percentages are rounded per line."""
    index = promotions if isinstance(promotions, PromotionIndex) else PromotionIndex(promotions)
    line = CartLine(0, item.variant_id, item.product_id, item.unit_price, 1, item.category_ids,
                    item.name)
    cart = Cart((line,), channel, at, location_id, customer or Customer(), {}, usage or {},
                timezone)
    priced = _evaluate(cart, index, kinds=DISPLAY_KINDS).lines[0]
    if not priced.discount:
        return DisplayPrice(item.unit_price, None, "")
    explanation = "; ".join(adjustment.explanation for adjustment in priced.adjustments)
    return DisplayPrice(priced.total, item.unit_price, explanation)


def _evaluate(cart: Cart, index: PromotionIndex, kinds: frozenset[str] | None) -> PricedCart:
    fresh = [line.unit_price * line.quantity for line in cart.lines]
    candidates = []
    for promo, positions in index.reaching(cart.lines):
        if kinds is not None and promo.kind not in kinds:
            continue
        candidate = _Candidate(promo, positions, refusal(promo, cart),
                               active_happy_hour(promo, cart) if promo.happy_hours else None)
        if not promo.stackable and candidate.refused is None:
            # Prices only go down along a walk: what fails on the fresh cart always fails.
            alone = _cut(candidate, cart, fresh)
            if isinstance(alone, Skipped):
                candidate.refused = alone
            else:
                candidate.worth = alone.total
        candidates.append(candidate)
    return _priced(cart, _settle(cart, candidates))


def _settle(cart: Cart, candidates: list[_Candidate]) -> _Ledger:
    """The walk in which the best non-stackable promotion that can apply does."""
    ranked = sorted((c for c in candidates if not c.promo.stackable and c.refused is None),
                    key=lambda c: (-c.worth, _order(c.promo)))
    # A rival after an exclusive promotion that blocked a rival also after it is blocked
    # too: before the exclusive, both walks hold the same stackable promotions only.
    blocked_after: tuple[int, int, int] | None = None
    for rival in ranked:
        if blocked_after is not None and _order(rival.promo) > blocked_after:
            continue
        ledger = _walk(cart, candidates, preferred=rival.promo)
        if any(cut.candidate is rival for cut in ledger.cuts):
            return ledger
        if ledger.exclusive and _order(rival.promo) > _order(ledger.exclusive):
            bound = _order(ledger.exclusive)
            blocked_after = bound if blocked_after is None else min(blocked_after, bound)
    return _walk(cart, candidates, preferred=None)


def _walk(cart: Cart, candidates: list[_Candidate], preferred: Promotion | None) -> _Ledger:
    ledger = _Ledger(cart)
    chosen = preferred  # the one non-stackable promotion allowed in this walk
    for candidate in candidates:
        promo = candidate.promo
        if candidate.refused:
            ledger.skipped.append(candidate.refused)
        elif ledger.exclusive:
            ledger.skipped.append(Skipped(
                promo.id, promo.name, "blocked_by_exclusive",
                f"«{ledger.exclusive.name}» không dùng chung với khuyến mãi khác",
                ledger.exclusive.id))
        elif not promo.stackable and chosen is not None and chosen.id != promo.id:
            ledger.skipped.append(Skipped(
                promo.id, promo.name, "not_stackable",
                f"Không dùng chung với «{chosen.name}»", chosen.id))
        else:
            cut = _cut(candidate, cart, ledger.left)
            if isinstance(cut, Skipped):
                ledger.skipped.append(cut)
                continue
            ledger.take(cut)
            chosen = chosen or (None if promo.stackable else promo)
            ledger.exclusive = promo if promo.exclusive else None
    return ledger


def _cut(candidate: _Candidate, cart: Cart, left: list[int]) -> _Cut | Skipped:
    """What the promotion takes off each reached line now, capped; or why it takes nothing."""
    promo = candidate.promo
    raw = _raw(promo, cart.lines, left, candidate.positions)
    if isinstance(raw, tuple):
        return Skipped(promo.id, promo.name, *raw)
    total = sum(raw)
    limits: list[tuple[int, CappedBy]] = []
    if promo.max_discount is not None:
        limits.append((promo.max_discount, "max_discount"))
    if promo.budget is not None:
        limits.append((promo.budget - cart.usage.get(promo.id, Usage()).spent, "budget"))
    cap, capped_by = min(limits, default=(total, None))
    if total > cap:
        return _Cut(candidate, allocate(cap, raw), capped_by, cap)
    if total == 0:
        return Skipped(promo.id, promo.name, "nothing_to_discount", "Không còn gì để giảm")
    return _Cut(candidate, raw, None, total)


def _raw(
    promo: Promotion, lines: Sequence[CartLine], left: list[int], positions: list[int]
) -> list[int] | tuple[str, str]:
    reached = sum(left[p] for p in positions)
    if promo.min_spend:
        spent = reached if promo.min_spend_on == "eligible" else sum(left)
        if spent < promo.min_spend:
            return "min_spend_not_met", (
                f"Cần mua tối thiểu {vnd(promo.min_spend)} (hiện {vnd(spent)})")
    weights = [left[p] for p in positions]
    match promo.kind:
        case "items_percent":
            return [_half_up(weight * promo.percent, 100) for weight in weights]
        case "items_fixed":
            return [min(left[p], promo.amount * lines[p].quantity) for p in positions]
        case "order_percent":
            return allocate(_half_up(reached * promo.percent, 100), weights)
        case "order_fixed":
            return allocate(min(promo.amount, reached), weights)
        case "buy_x_get_y":
            return _buy_x_get_y(promo, lines, left, positions)
        case _:
            return _bundle(promo, lines, left, positions)


def _buy_x_get_y(
    promo: Promotion, lines: Sequence[CartLine], left: list[int], positions: list[int]
) -> list[int] | tuple[str, str]:
    """For every X + Y units reached, the Y cheapest units of them all are discounted."""
    units = sum(lines[p].quantity for p in positions)
    free = units // (promo.buy + promo.get) * promo.get
    if not free:
        return "quantity_not_reached", (
            f"Cần mua ít nhất {promo.buy + promo.get} sản phẩm áp dụng")
    amounts = [0] * len(positions)
    for k in sorted(range(len(positions)),
                    key=lambda k: (left[positions[k]] / lines[positions[k]].quantity, k)):
        quantity = lines[positions[k]].quantity
        taken = min(free, quantity)
        amounts[k] = _half_up(left[positions[k]] * taken * promo.percent, quantity * 100)
        free -= taken
        if not free:
            break
    return amounts


def _bundle(
    promo: Promotion, lines: Sequence[CartLine], left: list[int], positions: list[int]
) -> list[int] | tuple[str, str]:
    """As many bundles as the cart completes, filled with the dearest units (the fixed
    price saves the most), the saving spread over them."""
    holders: dict[int, list[int]] = {}
    for k, p in enumerate(positions):
        holders.setdefault(lines[p].product_id, []).append(k)
    bundles = min(
        sum(lines[positions[k]].quantity for k in holders.get(product, ())) // units
        for product, units in promo.bundle
    )
    if not bundles:
        return "bundle_incomplete", "Chưa đủ sản phẩm của combo"
    values = [0] * len(positions)
    for product, units in promo.bundle:
        needed = bundles * units
        for k in sorted(holders[product],
                        key=lambda k: (-left[positions[k]] / lines[positions[k]].quantity, k)):
            quantity = lines[positions[k]].quantity
            taken = min(needed, quantity)
            values[k] = left[positions[k]] * taken // quantity
            needed -= taken
            if not needed:
                break
    saving = sum(values) - bundles * promo.amount
    if saving <= 0:
        return "bundle_not_cheaper", "Giá combo không rẻ hơn giá hiện tại"
    return allocate(saving, values)


def _priced(cart: Cart, ledger: _Ledger) -> PricedCart:
    """The walk's cuts as the lines, adjustments and explanations people read."""
    adjustments: list[list[Adjustment]] = [[] for _ in cart.lines]
    applied = []
    for cut in ledger.cuts:
        promo = cut.candidate.promo
        headline, suffix = promo.headline, _details(cut, cart)
        for position, amount in zip(cut.candidate.positions, cut.amounts, strict=True):
            if amount:
                name = cart.lines[position].name
                what = (f"{headline}{suffix}" if promo.order_level or not name
                        else f"{headline} cho {name}{suffix}")
                adjustments[position].append(Adjustment(
                    promo.id, promo.name, promo.kind, amount, what, cut.capped_by))
        applied.append(Adjustment(promo.id, promo.name, promo.kind, cut.total,
                                  headline + suffix, cut.capped_by))
    lines = tuple(
        PricedLine(line.line_id, line.variant_id, line.unit_price, line.quantity,
                   line.unit_price * line.quantity, line.unit_price * line.quantity - left, left,
                   tuple(taken))
        for line, left, taken in zip(cart.lines, ledger.left, adjustments, strict=True)
    )
    subtotal = sum(line.subtotal for line in lines)
    total = sum(ledger.left)
    return PricedCart(lines, subtotal, subtotal - total, total, tuple(applied),
                      tuple(ledger.skipped))


def _details(cut: _Cut, cart: Cart) -> str:
    """The circumstances shown after a discount: " (Giờ vàng 14:00–16:00, mã GIAM10)"."""
    promo = cut.candidate.promo
    details = [cut.candidate.hour.label] if cut.candidate.hour else []
    if promo.id in cart.coupons:
        details.append(f"mã {cart.coupons[promo.id]}")
    if cut.capped_by == "max_discount":
        details.append(f"tối đa {vnd(cut.total)}")
    elif cut.capped_by == "budget":
        details.append(f"ngân sách còn {vnd(cut.total)}")
    return f" ({', '.join(details)})" if details else ""
