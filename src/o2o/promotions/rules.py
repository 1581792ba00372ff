"""The terms of a promotion, the cart it meets, and the conditions that let it apply.

Plain frozen dataclasses, checked when built (``InvalidPromotion``, ``InvalidCart``). The
conditions here depend only on the promotion and the cart's facts (channel, store, moment,
customer, coupons, usage), never on the other promotions: ``engine`` does the arithmetic
and the stacking.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from o2o.promotions.errors import InvalidCart, InvalidPromotion
from o2o.stores.hours import Interval, interval, is_open

Channel = Literal["online", "pos"]
Kind = Literal[
    "order_percent", "order_fixed", "items_percent", "items_fixed", "buy_x_get_y",
    "bundle_price",
]
ORDER_KINDS: frozenset[str] = frozenset({"order_percent", "order_fixed"})
PERCENT_KINDS: frozenset[str] = frozenset({"order_percent", "items_percent"})
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
BOTH_CHANNELS: frozenset[Channel] = frozenset({"online", "pos"})


def vnd(amount: int) -> str:
    """Đồng as a Vietnamese reader writes them: "20.000 ₫"."""
    return f"{amount:,}".replace(",", ".") + "\xa0₫"


# --- the cart ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CartLine:
    """One line; ``category_ids`` holds the product's category and all its ancestors."""

    line_id: int
    variant_id: int
    product_id: int
    unit_price: int
    quantity: int
    category_ids: frozenset[int] = frozenset()
    name: str = ""

    def __post_init__(self) -> None:
        if self.quantity < 1 or self.unit_price < 0:
            raise InvalidCart("A line needs at least one unit and a price of 0 or more.",
                              line_id=self.line_id)


@dataclass(frozen=True, slots=True)
class Customer:
    """What the engine knows of the buyer; ``id`` None is an anonymous guest."""

    id: int | None = None
    tier: str | None = None
    orders_count: int = 0
    segment_ids: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Usage:
    """A promotion's use so far: redemptions in all, by this customer, and đồng given away."""

    uses: int = 0
    customer_uses: int = 0
    spent: int = 0


@dataclass(frozen=True, slots=True)
class Cart:
    """A cart to price. ``coupons`` maps a promotion id to the code (already checked by the
    caller) that unlocks it; ``usage`` holds the usage facts of promotions that have limits."""

    lines: tuple[CartLine, ...]
    channel: Channel
    at: datetime
    location_id: int | None = None
    customer: Customer = Customer()
    coupons: Mapping[int, str] = field(default_factory=dict)
    usage: Mapping[int, Usage] = field(default_factory=dict)
    timezone: str = DEFAULT_TIMEZONE

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise InvalidCart("The moment of a cart must be timezone-aware.")
        if len({line.line_id for line in self.lines}) != len(self.lines):
            raise InvalidCart("Two lines of the cart share a line id.")


# --- the promotion -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """The lines a promotion reaches: any named variant, product or category; none: all."""

    variant_ids: frozenset[int] = frozenset()
    product_ids: frozenset[int] = frozenset()
    category_ids: frozenset[int] = frozenset()

    @property
    def everything(self) -> bool:
        return not (self.variant_ids or self.product_ids or self.category_ids)


@dataclass(frozen=True, slots=True)
class HappyHour:
    """Recurring hours in the merchant's local time, e.g. weekdays {0..4} "14:00"–"16:00".

    An end at or before the start runs past midnight: Friday 22:00–02:00 includes Saturday
    01:30 (the weekday is the one the hours start on).
    """

    weekdays: frozenset[int]
    starts: str
    ends: str
    intervals: tuple[Interval, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            spans = tuple(interval(day, self.starts, self.ends) for day in sorted(self.weekdays))
        except ValueError as exc:
            raise InvalidPromotion(f"Happy hour: {exc}") from exc
        if not spans or any(not 0 <= day <= 6 for day in self.weekdays):
            raise InvalidPromotion("Happy hour weekdays run from 0 (Monday) to 6 (Sunday).")
        object.__setattr__(self, "intervals", spans)

    @property
    def label(self) -> str:
        return f"Giờ vàng {self.starts}–{self.ends}"


@dataclass(frozen=True, slots=True)
class Audience:
    """Who may have the promotion; every rule given must hold, none given means everyone.

    ``first_order`` needs a known customer with no order yet: a guest could claim it forever.
    """

    customer_ids: frozenset[int] = frozenset()
    tiers: frozenset[str] = frozenset()
    segment_ids: frozenset[int] = frozenset()
    first_order: bool = False


@dataclass(frozen=True, slots=True)
class Promotion:
    """One promotion's terms.

    ``percent`` is for the percent kinds and for buy X get Y's discount on the "get" units
    (100 = free); ``amount`` is đồng off (per unit for ``items_fixed``) or a bundle's price.
    ``bundle`` lists (product id, units) for ``bundle_price``, whose lines are those products
    (``target`` is not used). ``min_spend`` is measured on the whole order or, with
    ``min_spend_on="eligible"``, on the lines the promotion reaches. ``budget`` is the total
    đồng it may give away; ``max_discount`` caps one cart. Lower ``priority`` applies first.
    """

    id: int
    name: str
    kind: Kind
    percent: int = 0
    amount: int = 0
    target: Target = Target()
    buy: int = 0
    get: int = 0
    bundle: tuple[tuple[int, int], ...] = ()
    min_spend: int = 0
    min_spend_on: Literal["order", "eligible"] = "order"
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    happy_hours: tuple[HappyHour, ...] = ()
    channels: frozenset[Channel] = BOTH_CHANNELS
    location_ids: frozenset[int] | None = None
    audience: Audience = Audience()
    usage_limit: int | None = None
    per_customer_limit: int | None = None
    budget: int | None = None
    max_discount: int | None = None
    requires_coupon: bool = False
    priority: int = 100
    stackable: bool = True
    exclusive: bool = False

    def __post_init__(self) -> None:
        problem = self._problem()
        if problem:
            raise InvalidPromotion(problem, promotion_id=self.id)

    def _problem(self) -> str | None:
        if self.kind in PERCENT_KINDS and not 0 < self.percent <= 100:
            return "A percentage off is between 1 and 100."
        if self.kind in ("order_fixed", "items_fixed", "bundle_price") and self.amount <= 0:
            return "A fixed discount or bundle price needs an amount in đồng."
        if self.kind == "buy_x_get_y" and (
            self.buy < 1 or self.get < 1 or not 0 < self.percent <= 100
        ):
            return "Buy X get Y needs X and Y of at least 1 and a percent off Y of 1 to 100."
        if self.kind == "bundle_price" and (
            not self.bundle or any(units < 1 for _, units in self.bundle)
            or len({product for product, _ in self.bundle}) != len(self.bundle)
        ):
            return "A bundle lists each of its products once, with at least one unit."
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            return "A promotion must end after it starts."
        if any(t is not None and t.tzinfo is None for t in (self.starts_at, self.ends_at)):
            return "Start and end times must be timezone-aware."
        if not self.channels or not self.channels <= BOTH_CHANNELS:
            return "Channels are 'online', 'pos' or both."
        if self.max_discount is not None and self.max_discount < 1:
            return "A maximum discount is at least 1 đồng (leave it empty for no maximum)."
        return None

    @property
    def order_level(self) -> bool:
        return self.kind in ORDER_KINDS

    @property
    def headline(self) -> str:
        """What the promotion gives, as the shopper reads it."""
        match self.kind:
            case "items_percent":
                return f"Giảm {self.percent}%"
            case "items_fixed":
                return f"Giảm {vnd(self.amount)} mỗi sản phẩm"
            case "order_percent":
                return f"Giảm {self.percent}% đơn hàng"
            case "order_fixed":
                return f"Giảm {vnd(self.amount)} đơn hàng"
            case "buy_x_get_y" if self.percent == 100:
                return f"Mua {self.buy} tặng {self.get}"
            case "buy_x_get_y":
                return f"Mua {self.buy} giảm {self.percent}% cho {self.get} sản phẩm"
            case _:
                return f"Combo giá {vnd(self.amount)}"


# --- conditions --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Skipped:
    """A promotion considered and not applied: a stable ``code`` and a sentence for people.

    ``by`` names the promotion that kept it out (stacking rules), if any.
    """

    promotion_id: int
    name: str
    code: str
    explanation: str
    by: int | None = None


def _local(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%d/%m/%Y %H:%M")


def refusal(promo: Promotion, cart: Cart) -> Skipped | None:
    """Why ``promo`` cannot apply to this cart whatever else applies, or None if it may."""
    found = _refusal(promo, cart)
    return None if found is None else Skipped(promo.id, promo.name, *found)


def _refusal(promo: Promotion, cart: Cart) -> tuple[str, str] | None:
    if cart.channel not in promo.channels:
        where = "tại cửa hàng" if cart.channel == "online" else "khi mua online"
        return "wrong_channel", f"Chỉ áp dụng {where}"
    if promo.location_ids is not None and cart.location_id not in promo.location_ids:
        return "wrong_store", "Không áp dụng tại cửa hàng này"
    if promo.starts_at and cart.at < promo.starts_at:
        return "not_started", f"Bắt đầu từ {_local(promo.starts_at, cart.timezone)}"
    if promo.ends_at and cart.at >= promo.ends_at:
        return "ended", f"Đã kết thúc lúc {_local(promo.ends_at, cart.timezone)}"
    if promo.happy_hours and active_happy_hour(promo, cart) is None:
        hours = ", ".join(h.label for h in promo.happy_hours)
        return "outside_happy_hours", f"Chỉ áp dụng trong {hours}"
    if promo.requires_coupon and promo.id not in cart.coupons:
        return "coupon_required", "Cần nhập mã giảm giá"
    found = _audience_refusal(promo.audience, cart.customer)
    if found:
        return found
    usage = cart.usage.get(promo.id, Usage())
    if promo.usage_limit is not None and usage.uses >= promo.usage_limit:
        return "usage_limit_reached", "Đã hết lượt sử dụng"
    if promo.per_customer_limit is not None:
        if cart.customer.id is None:
            return "customer_required", "Chỉ dành cho khách hàng thành viên"
        if usage.customer_uses >= promo.per_customer_limit:
            return "customer_limit_reached", (
                f"Khách hàng đã dùng hết {promo.per_customer_limit} lượt")
    if promo.budget is not None and usage.spent >= promo.budget:
        return "budget_exhausted", "Đã hết ngân sách khuyến mãi"
    return None


def _audience_refusal(audience: Audience, customer: Customer) -> tuple[str, str] | None:
    if audience == Audience():
        return None
    if customer.id is None:
        return "customer_required", "Chỉ dành cho khách hàng thành viên"
    if audience.customer_ids and customer.id not in audience.customer_ids:
        return "not_in_audience", "Không dành cho khách hàng này"
    if audience.tiers and customer.tier not in audience.tiers:
        tiers = ", ".join(sorted(audience.tiers))
        return "wrong_tier", f"Chỉ dành cho hạng {tiers}"
    if audience.segment_ids and audience.segment_ids.isdisjoint(customer.segment_ids):
        return "not_in_audience", "Không dành cho nhóm khách hàng này"
    if audience.first_order and customer.orders_count > 0:
        return "not_first_order", "Chỉ áp dụng cho đơn hàng đầu tiên"
    return None


def active_happy_hour(promo: Promotion, cart: Cart) -> HappyHour | None:
    """The promotion's happy hour running at the cart's moment, in the merchant's time."""
    for hours in promo.happy_hours:
        if is_open(hours.intervals, cart.at, cart.timezone):
            return hours
    return None
