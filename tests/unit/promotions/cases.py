"""The pricing table: named carts, the promotions they meet, and what the shopper must see.

Plain data, so that the same table can run through the engine here and, later, through an
online checkout and a POS sale (``CASES``). The shop: shirts and jeans are clothes, caps and
socks accessories; moments are Saigon's clocks in the week of Monday 23 November 2026.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from o2o.promotions.rules import (
    Audience,
    Cart,
    CartLine,
    Channel,
    Customer,
    HappyHour,
    Promotion,
    Target,
    Usage,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
CLOTHES, SHIRTS, TROUSERS, ACCESSORIES = 1, 10, 11, 2
GOLD_MEMBER = Customer(id=5, tier="gold", orders_count=4, segment_ids=frozenset({9, 3}))
NEW_CUSTOMER = Customer(id=6, orders_count=0)
GUEST = Customer()


def saigon(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of November 2026 on Saigon's clocks; the 23rd is a Monday."""
    return datetime(2026, 11, day, hour, minute, tzinfo=HCM)


MONDAY_10 = saigon(23, 10)


def shirt(quantity: int = 1, line_id: int = 1) -> CartLine:
    return CartLine(line_id, 11, 101, 200_000, quantity, frozenset({CLOTHES, SHIRTS}), "Áo thun")


def jeans(quantity: int = 1, line_id: int = 2) -> CartLine:
    return CartLine(line_id, 12, 102, 500_000, quantity, frozenset({CLOTHES, TROUSERS}),
                    "Quần jeans")


def cap(quantity: int = 1, line_id: int = 3) -> CartLine:
    return CartLine(line_id, 13, 103, 100_000, quantity, frozenset({ACCESSORIES}), "Mũ")


def socks(quantity: int = 1, line_id: int = 4) -> CartLine:
    return CartLine(line_id, 14, 104, 30_000, quantity, frozenset({ACCESSORIES}), "Tất")


def odd(line_id: int) -> CartLine:
    """A line of one unit at an awkward 33.333 ₫."""
    return CartLine(line_id, 20 + line_id, 200 + line_id, 33_333, 1, frozenset(), "Kẹp tóc")


SHIRTS_ONLY = Target(category_ids=frozenset({SHIRTS}))
JEANS_ONLY = Target(product_ids=frozenset({102}))
CAPS_ONLY = Target(variant_ids=frozenset({13}))


@dataclass(frozen=True)
class PricingCase:
    """A cart, its promotions and the expected outcome.

    ``discounts`` maps a line id to its discount in đồng (lines not named: 0); ``applied`` the
    ids of the promotions applied, in the order of application; ``skipped`` every promotion
    considered and not applied, with its reason code; ``explanations`` the exact texts of
    some lines' adjustments.
    """

    name: str
    promotions: tuple[Promotion, ...]
    lines: tuple[CartLine, ...]
    discounts: Mapping[int, int]
    applied: tuple[int, ...] = ()
    skipped: Mapping[int, str] = field(default_factory=dict)
    explanations: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    channel: Channel = "online"
    at: datetime = MONDAY_10
    location_id: int | None = None
    customer: Customer = GUEST
    coupons: Mapping[int, str] = field(default_factory=dict)
    usage: Mapping[int, Usage] = field(default_factory=dict)

    def cart(self) -> Cart:
        return Cart(self.lines, self.channel, self.at, self.location_id, self.customer,
                    self.coupons, self.usage)

    @property
    def subtotal(self) -> int:
        return sum(line.unit_price * line.quantity for line in self.lines)

    @property
    def total(self) -> int:
        return self.subtotal - sum(self.discounts.values())


def promo(id: int, kind: str, **terms: object) -> Promotion:
    """A promotion named after its id, e.g. "KM 3"."""
    return Promotion(id, f"KM {id}", kind, **terms)  # type: ignore[arg-type]


TEN_OFF_ORDER = promo(1, "order_percent", percent=10)
TEN_OFF_SHIRTS = promo(2, "items_percent", percent=10, target=SHIRTS_ONLY)

_KINDS = [
    PricingCase("items_percent_on_a_category", (TEN_OFF_SHIRTS,), (shirt(2), cap()),
                {1: 40_000}, (2,), explanations={1: ("Giảm 10% cho Áo thun",)}),
    PricingCase("items_fixed_is_per_unit",
                (promo(1, "items_fixed", amount=20_000, target=JEANS_ONLY),), (jeans(3),),
                {2: 60_000}, (1,),
                explanations={2: ("Giảm 20.000\xa0₫ mỗi sản phẩm cho Quần jeans",)}),
    PricingCase("items_fixed_never_takes_a_line_below_zero",
                (promo(1, "items_fixed", amount=50_000),), (socks(2), shirt()),
                {4: 60_000, 1: 50_000}, (1,)),
    PricingCase("order_percent_spread_over_the_lines", (TEN_OFF_ORDER,), (shirt(), jeans()),
                {1: 20_000, 2: 50_000}, (1,), explanations={1: ("Giảm 10% đơn hàng",)}),
    PricingCase("order_fixed_on_awkward_prices_adds_up_to_the_dong",
                (promo(1, "order_fixed", amount=10_000),), (odd(1), odd(2), odd(3)),
                {1: 3_334, 2: 3_333, 3: 3_333}, (1,)),
    PricingCase("order_discount_larger_than_the_cart_makes_it_free_not_negative",
                (promo(1, "order_fixed", amount=1_000_000),), (shirt(), cap()),
                {1: 200_000, 3: 100_000}, (1,)),
    PricingCase("buy_2_get_1_gives_the_cheapest_free",
                (promo(1, "buy_x_get_y", buy=2, get=1, percent=100),), (shirt(), jeans(), cap()),
                {3: 100_000}, (1,), explanations={3: ("Mua 2 tặng 1 cho Mũ",)}),
    PricingCase("buy_2_get_1_twice_gives_the_two_cheapest_units",
                (promo(1, "buy_x_get_y", buy=2, get=1, percent=100),), (shirt(4), socks(2)),
                {4: 60_000}, (1,)),
    PricingCase("buy_1_get_1_half_price_on_one_line",
                (promo(1, "buy_x_get_y", buy=1, get=1, percent=50, target=SHIRTS_ONLY),),
                (shirt(2),), {1: 100_000}, (1,)),
    PricingCase("buy_2_get_1_with_two_units_gives_nothing",
                (promo(1, "buy_x_get_y", buy=2, get=1, percent=100),), (shirt(2),),
                {}, (), {1: "quantity_not_reached"}),
    PricingCase("bundle_price_spreads_the_saving",
                (promo(1, "bundle_price", amount=600_000, bundle=((101, 1), (102, 1))),),
                (shirt(), jeans(), cap()), {1: 28_571, 2: 71_429}, (1,),
                explanations={1: ("Combo giá 600.000\xa0₫ cho Áo thun",)}),
    PricingCase("bundle_price_counts_complete_bundles_only",
                (promo(1, "bundle_price", amount=600_000, bundle=((101, 1), (102, 1))),),
                (shirt(3), jeans(2)), {1: 57_143, 2: 142_857}, (1,)),
    PricingCase("bundle_incomplete_gives_nothing",
                (promo(1, "bundle_price", amount=600_000, bundle=((101, 1), (102, 1))),),
                (shirt(2),), {}, (), {1: "bundle_incomplete"}),
    PricingCase("bundle_dearer_than_its_items_gives_nothing",
                (promo(1, "bundle_price", amount=800_000, bundle=((101, 1), (102, 1))),),
                (shirt(), jeans()), {}, (), {1: "bundle_not_cheaper"}),
]

_ROUNDING = [
    PricingCase("item_percent_rounds_per_line",
                (promo(1, "items_percent", percent=10),), (odd(1), odd(2), odd(3)),
                {1: 3_333, 2: 3_333, 3: 3_333}, (1,)),
    PricingCase("order_percent_rounds_once_then_allocates",
                (promo(1, "order_percent", percent=10),), (odd(1), odd(2), odd(3)),
                {1: 3_334, 2: 3_333, 3: 3_333}, (1,)),
    PricingCase("half_a_dong_rounds_up",
                (promo(1, "items_percent", percent=15),),
                (CartLine(1, 1, 1, 10_010, 1),), {1: 1_502}, (1,)),
]

_STACKING = [
    PricingCase("item_promotions_apply_before_order_ones_at_equal_priority",
                (TEN_OFF_ORDER, promo(2, "items_percent", percent=10)), (shirt(), cap()),
                {1: 38_000, 3: 19_000}, (2, 1)),
    PricingCase("items_half_off_then_100k_off_the_order",
                (promo(1, "order_fixed", amount=100_000), promo(2, "items_percent", percent=50)),
                (shirt(), cap()), {1: 166_667, 3: 83_333}, (2, 1)),
    PricingCase("priority_puts_100k_off_the_order_before_items_half_off",
                (promo(1, "order_fixed", amount=100_000, priority=10),
                 promo(2, "items_percent", percent=50, priority=20)),
                (shirt(), cap()), {1: 133_334, 3: 66_667}, (1, 2)),
    PricingCase("min_spend_is_judged_after_earlier_promotions",
                (promo(1, "buy_x_get_y", buy=2, get=1, percent=100),
                 promo(2, "order_percent", percent=10, min_spend=500_000)),
                (shirt(3),), {1: 200_000}, (1,), {2: "min_spend_not_met"}),
    PricingCase("min_spend_met",
                (promo(2, "order_percent", percent=10, min_spend=500_000),),
                (shirt(3),), {1: 60_000}, (2,)),
    PricingCase("min_spend_on_eligible_lines_ignores_the_rest_of_the_order",
                (promo(1, "items_percent", percent=10, target=SHIRTS_ONLY, min_spend=300_000,
                       min_spend_on="eligible"),),
                (shirt(), jeans()), {}, (), {1: "min_spend_not_met"}),
    PricingCase("exclusive_blocks_every_promotion_after_it",
                (promo(1, "items_percent", percent=20, target=SHIRTS_ONLY, priority=10,
                       exclusive=True),
                 promo(2, "order_percent", percent=10, priority=20),
                 promo(3, "items_percent", percent=5, priority=30)),
                (shirt(), cap()), {1: 40_000}, (1,),
                {2: "blocked_by_exclusive", 3: "blocked_by_exclusive"}),
    PricingCase("exclusive_keeps_the_promotions_before_it",
                (promo(1, "items_percent", percent=5, priority=5),
                 promo(2, "order_percent", percent=10, priority=10, exclusive=True),
                 promo(3, "items_percent", percent=50, target=CAPS_ONLY, priority=20)),
                (shirt(), cap()), {1: 29_000, 3: 14_500}, (1, 2), {3: "blocked_by_exclusive"}),
    PricingCase("exclusive_that_does_not_apply_blocks_nothing",
                (promo(1, "order_percent", percent=50, priority=1, exclusive=True,
                       min_spend=1_000_000),
                 promo(2, "items_percent", percent=10)),
                (shirt(),), {1: 20_000}, (2,), {1: "min_spend_not_met"}),
    PricingCase("exclusive_blocks_the_non_stackable_promotions_after_it",
                (promo(1, "items_percent", percent=10, priority=10, exclusive=True),
                 promo(2, "order_fixed", amount=100_000, stackable=False),
                 promo(3, "order_percent", percent=20, stackable=False)),
                (shirt(), cap()), {1: 20_000, 3: 10_000}, (1,),
                {2: "blocked_by_exclusive", 3: "blocked_by_exclusive"}),
    PricingCase("of_two_non_stackable_the_bigger_saving_wins",
                (promo(1, "order_percent", percent=10, stackable=False),
                 promo(2, "order_fixed", amount=50_000, stackable=False),
                 promo(3, "items_percent", percent=5, target=CAPS_ONLY)),
                (shirt(), cap()), {1: 33_898, 3: 21_102}, (3, 2), {1: "not_stackable"}),
    PricingCase("non_stackable_that_cannot_apply_even_alone_gives_its_own_reason",
                (promo(1, "order_fixed", amount=300_000, min_spend=2_000_000, stackable=False),
                 promo(2, "order_percent", percent=10, stackable=False)),
                (jeans(),), {2: 50_000}, (2,), {1: "min_spend_not_met"}),
    PricingCase("non_stackable_tie_goes_to_the_earlier_priority",
                (promo(1, "order_percent", percent=10, stackable=False, priority=50),
                 promo(2, "order_fixed", amount=50_000, stackable=False, priority=40)),
                (jeans(),), {2: 50_000}, (2,), {1: "not_stackable"}),
    PricingCase("non_stackable_that_fails_at_its_turn_gives_way_to_the_next_best",
                (promo(1, "items_percent", percent=50, priority=0),
                 promo(2, "order_fixed", amount=100_000, min_spend=500_000, stackable=False),
                 promo(3, "order_percent", percent=10, stackable=False)),
                (shirt(3),), {1: 330_000}, (1, 3), {2: "not_stackable"}),
]

_WHEN_AND_WHERE = [
    PricingCase("before_its_start", (promo(1, "order_percent", percent=10,
                                           starts_at=saigon(23, 12)),),
                (shirt(),), {}, (), {1: "not_started"}),
    PricingCase("its_end_is_exclusive", (promo(1, "order_percent", percent=10,
                                               ends_at=MONDAY_10),),
                (shirt(),), {}, (), {1: "ended"}),
    PricingCase("window_starting_at_local_midnight_is_open_at_17_30_utc",
                (promo(1, "order_percent", percent=10, starts_at=saigon(24, 0)),),
                (shirt(),), {1: 20_000}, (1,), at=datetime(2026, 11, 23, 17, 30, tzinfo=UTC)),
    PricingCase("happy_hour_inside",
                (promo(1, "items_percent", percent=10, target=SHIRTS_ONLY, happy_hours=(
                    HappyHour(frozenset({0, 1, 2, 3, 4}), "14:00", "16:00"),)),),
                (shirt(),), {1: 20_000}, (1,),
                explanations={1: ("Giảm 10% cho Áo thun (Giờ vàng 14:00–16:00)",)},
                at=saigon(23, 15)),
    PricingCase("happy_hour_ends_at_its_end",
                (promo(1, "items_percent", percent=10, happy_hours=(
                    HappyHour(frozenset({0}), "14:00", "16:00"),)),),
                (shirt(),), {}, (), {1: "outside_happy_hours"}, at=saigon(23, 16)),
    PricingCase("happy_hour_is_local_time_not_utc",
                (promo(1, "items_percent", percent=10, happy_hours=(
                    HappyHour(frozenset({0}), "14:00", "16:00"),)),),
                (shirt(),), {1: 20_000}, (1,), at=datetime(2026, 11, 23, 8, tzinfo=UTC)),
    PricingCase("friday_night_happy_hour_runs_past_midnight",
                (promo(1, "items_percent", percent=10, happy_hours=(
                    HappyHour(frozenset({4}), "22:00", "02:00"),)),),
                (shirt(),), {1: 20_000}, (1,), at=saigon(28, 1, 30)),
    PricingCase("saturday_night_happy_hour_is_not_on_early_saturday",
                (promo(1, "items_percent", percent=10, happy_hours=(
                    HappyHour(frozenset({5}), "22:00", "02:00"),)),),
                (shirt(),), {}, (), {1: "outside_happy_hours"}, at=saigon(28, 1, 30)),
    PricingCase("counter_only_promotion_is_not_online",
                (promo(1, "order_percent", percent=10, channels=frozenset({"pos"})),),
                (shirt(),), {}, (), {1: "wrong_channel"}),
    PricingCase("counter_only_promotion_at_the_counter",
                (promo(1, "order_percent", percent=10, channels=frozenset({"pos"})),),
                (shirt(),), {1: 20_000}, (1,), channel="pos", location_id=7),
    PricingCase("store_promotion_at_another_store",
                (promo(1, "order_percent", percent=10, location_ids=frozenset({7})),),
                (shirt(),), {}, (), {1: "wrong_store"}, channel="pos", location_id=8),
    PricingCase("store_promotion_is_not_online",
                (promo(1, "order_percent", percent=10, location_ids=frozenset({7})),),
                (shirt(),), {}, (), {1: "wrong_store"}),
]

_WHO = [
    PricingCase("first_order_for_a_new_customer",
                (promo(1, "order_percent", percent=10, audience=Audience(first_order=True)),),
                (shirt(),), {1: 20_000}, (1,), customer=NEW_CUSTOMER),
    PricingCase("first_order_not_for_a_returning_customer",
                (promo(1, "order_percent", percent=10, audience=Audience(first_order=True)),),
                (shirt(),), {}, (), {1: "not_first_order"}, customer=GOLD_MEMBER),
    PricingCase("first_order_not_for_a_guest",
                (promo(1, "order_percent", percent=10, audience=Audience(first_order=True)),),
                (shirt(),), {}, (), {1: "customer_required"}),
    PricingCase("gold_tier_for_a_gold_member",
                (promo(1, "order_percent", percent=10,
                       audience=Audience(tiers=frozenset({"gold"}))),),
                (shirt(),), {1: 20_000}, (1,), customer=GOLD_MEMBER),
    PricingCase("gold_tier_not_for_a_new_customer",
                (promo(1, "order_percent", percent=10,
                       audience=Audience(tiers=frozenset({"gold"}))),),
                (shirt(),), {}, (), {1: "wrong_tier"}, customer=NEW_CUSTOMER),
    PricingCase("customer_list_excludes_others",
                (promo(1, "order_percent", percent=10,
                       audience=Audience(customer_ids=frozenset({5}))),),
                (shirt(),), {}, (), {1: "not_in_audience"}, customer=NEW_CUSTOMER),
    PricingCase("segment_member",
                (promo(1, "order_percent", percent=10,
                       audience=Audience(segment_ids=frozenset({9}))),),
                (shirt(),), {1: 20_000}, (1,), customer=GOLD_MEMBER),
    PricingCase("coupon_promotion_without_its_code",
                (promo(1, "order_percent", percent=10, requires_coupon=True),),
                (shirt(),), {}, (), {1: "coupon_required"}),
    PricingCase("coupon_promotion_with_its_code",
                (promo(1, "order_percent", percent=10, requires_coupon=True),),
                (shirt(),), {1: 20_000}, (1,), explanations={1: ("Giảm 10% đơn hàng (mã GIAM10)",)},
                coupons={1: "GIAM10"}),
]

_LIMITS = [
    PricingCase("total_limit_reached",
                (promo(1, "order_percent", percent=10, usage_limit=50),),
                (shirt(),), {}, (), {1: "usage_limit_reached"}, usage={1: Usage(uses=50)}),
    PricingCase("total_limit_with_one_use_left",
                (promo(1, "order_percent", percent=10, usage_limit=50),),
                (shirt(),), {1: 20_000}, (1,), usage={1: Usage(uses=49)}),
    PricingCase("customer_limit_reached",
                (promo(1, "order_percent", percent=10, per_customer_limit=1),),
                (shirt(),), {}, (), {1: "customer_limit_reached"}, customer=GOLD_MEMBER,
                usage={1: Usage(uses=7, customer_uses=1)}),
    PricingCase("customer_limit_needs_a_known_customer",
                (promo(1, "order_percent", percent=10, per_customer_limit=1),),
                (shirt(),), {}, (), {1: "customer_required"}),
    PricingCase("budget_spent",
                (promo(1, "order_percent", percent=10, budget=1_000_000),),
                (shirt(),), {}, (), {1: "budget_exhausted"},
                usage={1: Usage(uses=90, spent=1_000_000)}),
    PricingCase("budget_smaller_than_the_discount_gives_what_is_left",
                (promo(1, "order_percent", percent=10, budget=1_000_000),),
                (shirt(), jeans()), {1: 5_714, 2: 14_286}, (1,),
                explanations={2: ("Giảm 10% đơn hàng (ngân sách còn 20.000\xa0₫)",)},
                usage={1: Usage(uses=90, spent=980_000)}),
    PricingCase("max_discount_caps_one_cart",
                (promo(1, "items_percent", percent=50, max_discount=100_000),),
                (jeans(),), {2: 100_000}, (1,),
                explanations={2: ("Giảm 50% cho Quần jeans (tối đa 100.000\xa0₫)",)}),
]

CASES: list[PricingCase] = [*_KINDS, *_ROUNDING, *_STACKING, *_WHEN_AND_WHERE, *_WHO, *_LIMITS]
