"""The engine beyond the table: product-page prices, explanations, refusals of bad input."""

from datetime import datetime

import pytest

from o2o.promotions.engine import (
    DisplayItem,
    DisplayPrice,
    PromotionIndex,
    allocate,
    evaluate,
    price_for_display,
)
from o2o.promotions.errors import InvalidCart, InvalidPromotion
from o2o.promotions.rules import Cart, CartLine, HappyHour, Promotion, Target
from tests.unit.promotions.cases import (
    CAPS_ONLY,
    MONDAY_10,
    SHIRTS,
    SHIRTS_ONLY,
    cap,
    jeans,
    promo,
    saigon,
    shirt,
)

SHIRT_ON_SHELF = DisplayItem(11, 101, 200_000, frozenset({1, SHIRTS}), "Áo thun")
AFTERNOONS = (HappyHour(frozenset(range(7)), "14:00", "16:00"),)


def cart(*lines: CartLine, at: datetime = MONDAY_10) -> Cart:
    return Cart(lines, "online", at)


# --- product page ------------------------------------------------------------------------------


def test_product_page_shows_the_happy_hour_price_struck_through() -> None:
    happy = promo(1, "items_percent", percent=10, target=SHIRTS_ONLY, happy_hours=AFTERNOONS)

    shown = price_for_display(SHIRT_ON_SHELF, [happy], channel="online", at=saigon(23, 15))

    assert shown == DisplayPrice(180_000, 200_000, "Giảm 10% cho Áo thun (Giờ vàng 14:00–16:00)")


def test_product_page_outside_the_happy_hour_shows_the_plain_price() -> None:
    happy = promo(1, "items_percent", percent=10, target=SHIRTS_ONLY, happy_hours=AFTERNOONS)

    shown = price_for_display(SHIRT_ON_SHELF, [happy], channel="online", at=saigon(23, 17))

    assert shown == DisplayPrice(200_000, None, "")


def test_product_page_ignores_cart_coupon_quantity_and_bundle_promotions() -> None:
    cart_wide = [
        promo(1, "order_percent", percent=50),
        promo(2, "items_percent", percent=50, requires_coupon=True),
        promo(3, "buy_x_get_y", buy=1, get=1, percent=100),
        promo(4, "bundle_price", amount=1_000, bundle=((101, 1),)),
        promo(5, "items_fixed", amount=15_000),
    ]

    shown = price_for_display(SHIRT_ON_SHELF, cart_wide, channel="pos", at=MONDAY_10,
                              location_id=7)

    assert (shown.price, shown.compare_at) == (185_000, 200_000)


def test_product_page_price_is_what_a_one_unit_cart_costs() -> None:
    promotions = PromotionIndex([promo(1, "items_percent", percent=15),
                                 promo(2, "items_fixed", amount=3_333, target=SHIRTS_ONLY)])

    shown = price_for_display(SHIRT_ON_SHELF, promotions, channel="online", at=MONDAY_10)

    assert shown.price == evaluate(cart(shirt()), promotions).total == 166_667


# --- explanations ------------------------------------------------------------------------------


def test_a_promotion_kept_out_by_another_names_it() -> None:
    best = promo(1, "order_fixed", amount=50_000, stackable=False)
    lesser = promo(2, "order_percent", percent=5, stackable=False)
    sole = promo(3, "items_percent", percent=10, exclusive=True, priority=200)

    priced = evaluate(cart(shirt(), jeans()), [lesser, sole, best])

    assert [(s.promotion_id, s.code, s.by, s.explanation) for s in priced.skipped] == [
        (2, "not_stackable", 1, "Không dùng chung với «KM 1»"),
    ]
    assert [a.promotion_id for a in priced.applied] == [1, 3]


def test_an_exclusive_promotion_says_why_the_rest_is_out() -> None:
    sole = promo(1, "items_percent", percent=10, exclusive=True, priority=1)
    later = promo(2, "order_fixed", amount=10_000)

    priced = evaluate(cart(shirt()), [later, sole])

    assert priced.skipped[0].explanation == "«KM 1» không dùng chung với khuyến mãi khác"
    assert priced.skipped[0].by == 1


def test_each_line_explains_its_share_and_the_cart_its_total() -> None:
    priced = evaluate(cart(shirt(), jeans()), [promo(1, "order_fixed", amount=70_000)])

    assert [line.adjustments[0].amount for line in priced.lines] == [20_000, 50_000]
    assert [(a.amount, a.explanation) for a in priced.applied] == [
        (70_000, "Giảm 70.000\xa0₫ đơn hàng")]


def test_a_capped_discount_says_by_what() -> None:
    capped = promo(1, "items_percent", percent=50, max_discount=100_000)

    priced = evaluate(cart(jeans()), [capped])

    assert priced.applied[0].capped_by == "max_discount"


def test_a_promotion_reaching_no_line_is_not_listed() -> None:
    priced = evaluate(cart(shirt()), [promo(1, "items_percent", percent=10, target=CAPS_ONLY)])

    assert (priced.applied, priced.skipped, priced.discount) == ((), (), 0)


def test_a_promotion_reached_twice_by_one_line_counts_it_once() -> None:
    both = Target(variant_ids=frozenset({11}), category_ids=frozenset({SHIRTS}))

    priced = evaluate(cart(shirt()), [promo(1, "items_percent", percent=10, target=both)])

    assert priced.discount == 20_000


def test_an_empty_cart_costs_nothing() -> None:
    priced = evaluate(cart(), [promo(1, "order_fixed", amount=10_000)])

    assert (priced.subtotal, priced.discount, priced.total, priced.lines) == (0, 0, 0, ())


def test_an_index_built_once_prices_like_the_list() -> None:
    promotions = [promo(1, "order_percent", percent=10), promo(2, "items_fixed", amount=5_000,
                                                                target=CAPS_ONLY)]
    index = PromotionIndex(promotions)

    for basket in (cart(shirt()), cart(shirt(), cap(3)), cart(jeans(2), cap())):
        assert evaluate(basket, index) == evaluate(basket, promotions)


# --- arithmetic --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "weights", "shares"),
    [
        (10_000, [33_333, 33_333, 33_333], [3_334, 3_333, 3_333]),
        (100, [1, 1, 1], [34, 33, 33]),
        (5, [0, 10, 0], [0, 5, 0]),
        (0, [7, 9], [0, 0]),
        (3, [0, 0], [0, 0]),
    ],
)
def test_largest_remainder_shares_add_up_exactly(total: int, weights: list[int],
                                                 shares: list[int]) -> None:
    assert allocate(total, weights) == shares


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "terms",
    [
        {"kind": "order_percent", "percent": 0},
        {"kind": "items_percent", "percent": 101},
        {"kind": "order_fixed", "amount": 0},
        {"kind": "buy_x_get_y", "buy": 2, "get": 0, "percent": 100},
        {"kind": "buy_x_get_y", "buy": 2, "get": 1, "percent": 0},
        {"kind": "bundle_price", "amount": 100_000, "bundle": ()},
        {"kind": "bundle_price", "amount": 100_000, "bundle": ((1, 1), (1, 2))},
        {"kind": "order_percent", "percent": 10, "channels": frozenset({"web"})},
        {"kind": "order_percent", "percent": 10, "max_discount": 0},
        {"kind": "order_percent", "percent": 10, "starts_at": saigon(24, 0),
         "ends_at": saigon(23, 0)},
        {"kind": "order_percent", "percent": 10, "starts_at": datetime(2026, 11, 23)},
    ],
    ids=lambda terms: "-".join(str(k) for k in terms if k != "kind"),
)
def test_impossible_terms_are_refused(terms: dict[str, object]) -> None:
    with pytest.raises(InvalidPromotion) as refused:
        Promotion(1, "KM 1", **terms)  # type: ignore[arg-type]
    assert refused.value.code == "invalid_promotion"


@pytest.mark.parametrize(("weekdays", "starts", "ends"),
                         [(frozenset({7}), "14:00", "16:00"), (frozenset(), "14:00", "16:00"),
                          (frozenset({0}), "25:00", "16:00")])
def test_impossible_happy_hours_are_refused(weekdays: frozenset[int], starts: str,
                                            ends: str) -> None:
    with pytest.raises(InvalidPromotion):
        HappyHour(weekdays, starts, ends)


def test_two_promotions_with_one_id_are_refused() -> None:
    with pytest.raises(InvalidPromotion):
        evaluate(cart(shirt()), [promo(1, "order_percent", percent=10),
                                 promo(1, "order_fixed", amount=1_000)])


def test_a_cart_needs_an_aware_moment_distinct_lines_and_real_quantities() -> None:
    with pytest.raises(InvalidCart):
        Cart((shirt(),), "online", datetime(2026, 11, 23, 10))
    with pytest.raises(InvalidCart):
        Cart((shirt(line_id=1), jeans(line_id=1)), "online", MONDAY_10)
    with pytest.raises(InvalidCart) as refused:
        shirt(quantity=0)
    assert refused.value.code == "invalid_cart"
