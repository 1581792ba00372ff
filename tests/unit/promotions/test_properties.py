"""Whatever the promotions, the money adds up, and their order in the list does not matter."""

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from o2o.promotions.engine import PricedCart, evaluate
from o2o.promotions.rules import Cart, CartLine, Customer, Promotion, Target, Usage
from tests.unit.promotions.cases import MONDAY_10

VARIANTS = range(1, 7)
CATEGORIES = range(1, 4)


def _product(variant: int) -> int:
    return 100 + variant // 2  # two variants share a product


@st.composite
def lines(draw: st.DrawFn) -> tuple[CartLine, ...]:
    variants = draw(st.lists(st.sampled_from(VARIANTS), min_size=1, max_size=6))
    return tuple(
        CartLine(line_id, variant, _product(variant),
                 draw(st.integers(0, 2_000_000)), draw(st.integers(1, 5)),
                 draw(st.frozensets(st.sampled_from(CATEGORIES), max_size=2)))
        for line_id, variant in enumerate(variants, start=1)
    )


targets = st.one_of(
    st.just(Target()),
    st.builds(Target, variant_ids=st.frozensets(st.sampled_from(VARIANTS), min_size=1)),
    st.builds(Target, product_ids=st.frozensets(st.sampled_from([100, 101, 102, 103]),
                                                min_size=1)),
    st.builds(Target, category_ids=st.frozensets(st.sampled_from(CATEGORIES), min_size=1)),
)


@st.composite
def terms(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["order_percent", "order_fixed", "items_percent",
                                 "items_fixed", "buy_x_get_y", "bundle_price"]))
    found: dict[str, Any] = {
        "kind": kind,
        "target": draw(targets),
        "priority": draw(st.integers(0, 3)),
        "stackable": draw(st.booleans()),
        "exclusive": draw(st.integers(0, 4)) == 0,
        "min_spend": draw(st.sampled_from([0, 0, 100_000, 1_000_000])),
        "min_spend_on": draw(st.sampled_from(["order", "eligible"])),
        "max_discount": draw(st.one_of(st.none(), st.integers(1, 500_000))),
        "budget": draw(st.one_of(st.none(), st.integers(0, 1_000_000))),
    }
    if kind in ("order_percent", "items_percent", "buy_x_get_y"):
        found["percent"] = draw(st.integers(1, 100))
    if kind in ("order_fixed", "items_fixed", "bundle_price"):
        found["amount"] = draw(st.integers(1, 3_000_000))
    if kind == "buy_x_get_y":
        found["buy"], found["get"] = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    if kind == "bundle_price":
        products = draw(st.lists(st.sampled_from([100, 101, 102, 103]), min_size=1,
                                 max_size=3, unique=True))
        found["bundle"] = tuple((p, draw(st.integers(1, 2))) for p in products)
    return found


@st.composite
def priced_world(draw: st.DrawFn) -> tuple[Cart, list[Promotion]]:
    promotions = [Promotion(id, f"KM {id}", **t)
                  for id, t in enumerate(draw(st.lists(terms(), max_size=8)), start=1)]
    usage = {p.id: Usage(spent=draw(st.integers(0, p.budget)))
             for p in promotions if p.budget is not None}
    customer = draw(st.sampled_from([Customer(), Customer(id=1, orders_count=0)]))
    return Cart(draw(lines()), "online", MONDAY_10, customer=customer, usage=usage), promotions


def _assert_adds_up(priced: PricedCart) -> None:
    assert sum(line.total for line in priced.lines) == priced.total
    assert priced.total == priced.subtotal - priced.discount
    assert 0 <= priced.discount <= priced.subtotal
    for line in priced.lines:
        assert 0 <= line.total <= line.subtotal == line.unit_price * line.quantity
        assert sum(a.amount for a in line.adjustments) == line.discount
        assert all(a.amount > 0 for a in line.adjustments)
    assert sum(a.amount for a in priced.applied) == priced.discount


@settings(max_examples=300)
@given(priced_world())
def test_totals_reconcile_and_never_go_below_zero(world: tuple[Cart, list[Promotion]]) -> None:
    cart, promotions = world

    priced = evaluate(cart, promotions)

    _assert_adds_up(priced)
    applied = [a.promotion_id for a in priced.applied]
    assert len(applied) == len(set(applied))
    assert set(applied).isdisjoint(s.promotion_id for s in priced.skipped)
    assert sum(1 for p in promotions if not p.stackable and p.id in applied) <= 1


@settings(max_examples=300)
@given(priced_world())
def test_caps_and_budgets_are_never_overrun(world: tuple[Cart, list[Promotion]]) -> None:
    cart, promotions = world
    by_id = {p.id: p for p in promotions}

    for adjustment in evaluate(cart, promotions).applied:
        promotion = by_id[adjustment.promotion_id]
        if promotion.max_discount is not None:
            assert adjustment.amount <= promotion.max_discount
        if promotion.budget is not None:
            assert adjustment.amount <= promotion.budget - cart.usage[promotion.id].spent


@settings(max_examples=200)
@given(priced_world(), st.randoms(use_true_random=False))
def test_order_of_the_promotion_list_does_not_change_the_price(
    world: tuple[Cart, list[Promotion]], random: Any
) -> None:
    cart, promotions = world
    shuffled = list(promotions)
    random.shuffle(shuffled)

    assert evaluate(cart, shuffled) == evaluate(cart, promotions)
