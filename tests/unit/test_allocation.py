"""Which stores fill an order: pickups from one store, deliveries with as few shipments as pay."""

import math
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from o2o.inventory import allocation
from o2o.inventory.allocation import Candidate, Line, Pick, Shortfall, choose
from o2o.inventory.errors import CannotFill

SHIRT, JEANS, CAP = 1, 2, 3


def plan(lines: list[Line], candidates: list[Candidate], *, split_cost: float = 10,
         per_km: float = 1, split: bool = True) -> list[Pick]:
    return choose(lines, candidates, split_cost=split_cost, distance_cost_per_km=per_km,
                  split=split)


def shipments(picks: list[Pick]) -> set[int]:
    return {p.location_id for p in picks}


# --- pickup ------------------------------------------------------------------------------------


def test_pickup_store_that_holds_everything_hands_it_all_over() -> None:
    store = Candidate(7, 2.0, {SHIRT: 3, JEANS: 1})

    picks = plan([Line(SHIRT, 2), Line(JEANS, 1)], [store], split=False)

    assert picks == [Pick(7, SHIRT, 2), Pick(7, JEANS, 1)]


def test_pickup_store_short_of_a_line_names_that_line() -> None:
    store = Candidate(7, 2.0, {SHIRT: 3, JEANS: 1})

    with pytest.raises(CannotFill) as refused:
        plan([Line(SHIRT, 2), Line(JEANS, 2), Line(CAP, 1)], [store], split=False)

    assert refused.value.shortfalls == [Shortfall(JEANS, 2, 1), Shortfall(CAP, 1, 0)]
    assert refused.value.code == "cannot_fill"
    assert refused.value.details["location_id"] == 7
    assert refused.value.details["lines"][0] == {"variant_id": JEANS, "requested": 2,
                                                 "available": 1}


def test_pickup_is_never_split_even_when_two_stores_together_could() -> None:
    shirts = Candidate(1, 1.0, {SHIRT: 5})
    jeans = Candidate(2, 1.0, {JEANS: 5})

    with pytest.raises(CannotFill):
        plan([Line(SHIRT, 1), Line(JEANS, 1)], [shirts, jeans], split=False)


def test_pickup_among_stores_goes_to_the_nearest_that_holds_everything() -> None:
    near_but_short = Candidate(1, 0.5, {SHIRT: 1})
    far = Candidate(2, 9.0, {SHIRT: 5})
    nearer = Candidate(3, 4.0, {SHIRT: 2})

    picks = plan([Line(SHIRT, 2)], [near_but_short, far, nearer], split=False)

    assert picks == [Pick(3, SHIRT, 2)]


def test_pickup_with_no_store_at_all_cannot_be_filled() -> None:
    with pytest.raises(CannotFill) as refused:
        plan([Line(SHIRT, 1)], [], split=False)
    assert refused.value.shortfalls == [Shortfall(SHIRT, 1, 0)]


# --- delivery ----------------------------------------------------------------------------------


def test_one_store_holding_everything_beats_two_nearer_stores_within_the_split_cost() -> None:
    shirts = Candidate(1, 1.0, {SHIRT: 5})
    jeans = Candidate(2, 1.0, {JEANS: 5})
    both = Candidate(3, 8.0, {SHIRT: 5, JEANS: 5})

    picks = plan([Line(SHIRT, 1), Line(JEANS, 1)], [shirts, jeans, both], split_cost=10)

    assert shipments(picks) == {3}


def test_a_split_is_chosen_when_it_saves_more_than_it_costs() -> None:
    shirts = Candidate(1, 1.0, {SHIRT: 5})
    jeans = Candidate(2, 1.0, {JEANS: 5})
    both = Candidate(3, 30.0, {SHIRT: 5, JEANS: 5})

    picks = plan([Line(SHIRT, 1), Line(JEANS, 1)], [shirts, jeans, both], split_cost=10)

    assert picks == [Pick(1, SHIRT, 1), Pick(2, JEANS, 1)]


def test_an_infinite_split_cost_means_fewest_shipments_whatever_the_distance() -> None:
    shirts = Candidate(1, 1.0, {SHIRT: 5})
    jeans = Candidate(2, 1.0, {JEANS: 5})
    both = Candidate(3, 900.0, {SHIRT: 5, JEANS: 5})

    picks = plan([Line(SHIRT, 1), Line(JEANS, 1)], [shirts, jeans, both], split_cost=math.inf)

    assert shipments(picks) == {3}


def test_with_equal_shipments_the_nearer_location_ships() -> None:
    far = Candidate(1, 12.0, {SHIRT: 5})
    near = Candidate(2, 3.0, {SHIRT: 5})

    assert plan([Line(SHIRT, 2)], [far, near]) == [Pick(2, SHIRT, 2)]


def test_equal_distances_go_to_the_lower_location_id_every_time() -> None:
    a, b = Candidate(4, 3.0, {SHIRT: 5}), Candidate(9, 3.0, {SHIRT: 5})

    assert plan([Line(SHIRT, 1)], [b, a]) == plan([Line(SHIRT, 1)], [a, b]) == [Pick(4, SHIRT, 1)]


def test_one_line_may_be_split_when_no_location_holds_all_its_units() -> None:
    near = Candidate(1, 1.0, {SHIRT: 2})
    far = Candidate(2, 5.0, {SHIRT: 2})

    assert plan([Line(SHIRT, 3)], [far, near]) == [Pick(1, SHIRT, 2), Pick(2, SHIRT, 1)]


def test_units_short_across_every_location_are_named() -> None:
    a = Candidate(1, 1.0, {SHIRT: 1, JEANS: 4})
    b = Candidate(2, 2.0, {SHIRT: 1})

    with pytest.raises(CannotFill) as refused:
        plan([Line(SHIRT, 3), Line(JEANS, 4)], [a, b])

    assert refused.value.shortfalls == [Shortfall(SHIRT, 3, 2)]


def test_the_same_variant_on_two_lines_is_counted_once_in_total() -> None:
    store = Candidate(1, 1.0, {SHIRT: 3})

    assert plan([Line(SHIRT, 1), Line(SHIRT, 2)], [store]) == [Pick(1, SHIRT, 3)]
    with pytest.raises(CannotFill):
        plan([Line(SHIRT, 2), Line(SHIRT, 2)], [store])


def test_negative_availability_counts_as_none() -> None:
    oversold = Candidate(1, 0.1, {SHIRT: -2})
    good = Candidate(2, 4.0, {SHIRT: 1})

    assert plan([Line(SHIRT, 1)], [oversold, good]) == [Pick(2, SHIRT, 1)]


def test_an_empty_order_needs_no_picks_and_a_zero_line_is_a_bug() -> None:
    assert plan([], [Candidate(1, 1.0, {SHIRT: 1})]) == []
    with pytest.raises(ValueError):
        plan([Line(SHIRT, 0)], [Candidate(1, 1.0, {SHIRT: 1})])
    with pytest.raises(ValueError):
        plan([Line(SHIRT, 1)], [Candidate(1, 1.0, {SHIRT: 1})], split_cost=-1)


def test_picks_come_in_location_then_variant_order_for_locking() -> None:
    a = Candidate(5, 1.0, {CAP: 1, SHIRT: 1})
    b = Candidate(2, 1.5, {JEANS: 1})

    picks = plan([Line(CAP, 1), Line(JEANS, 1), Line(SHIRT, 1)], [a, b], split_cost=0)

    assert picks == sorted(picks)
    assert picks == [Pick(2, JEANS, 1), Pick(5, SHIRT, 1), Pick(5, CAP, 1)]


def test_past_the_exact_budget_greedy_set_cover_still_fills_the_order(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(allocation, "EXACT_SEARCH_BUDGET", 3)
    stores = [Candidate(i, float(i), {v: 1}) for i, v in enumerate([SHIRT, JEANS, CAP], 1)]
    stores.append(Candidate(9, 2.0, {SHIRT: 1, JEANS: 1}))

    picks = plan([Line(SHIRT, 1), Line(JEANS, 1), Line(CAP, 1)], stores, split_cost=5)

    assert units_per_variant(picks) == {SHIRT: 1, JEANS: 1, CAP: 1}
    assert all(p.quantity == 1 for p in picks)


# --- properties --------------------------------------------------------------------------------

candidates_strategy = st.lists(
    st.builds(
        Candidate,
        location_id=st.integers(1, 40),
        distance_km=st.floats(0, 50, allow_nan=False),
        available=st.dictionaries(st.integers(1, 4), st.integers(-1, 6), max_size=4),
    ),
    max_size=6,
    unique_by=lambda c: c.location_id,
)
lines_strategy = st.lists(st.builds(Line, st.integers(1, 4), st.integers(1, 5)),
                          min_size=1, max_size=4)
cost_strategy = st.sampled_from([0.0, 2.5, 10.0, math.inf])


def cost_of(picks: list[Pick], candidates: list[Candidate], split_cost: float) -> float:
    used = [c for c in candidates if c.location_id in shipments(picks)]
    extra = split_cost * (len(used) - 1) if len(used) > 1 else 0.0
    return sum(c.distance_km for c in used) + extra


def cheapest_by_brute_force(lines: list[Line], candidates: list[Candidate],
                            split_cost: float) -> float | None:
    needed = allocation.merge_lines(lines)
    best = None
    for size in range(1, len(candidates) + 1):
        for chosen in combinations(candidates, size):
            if all(sum(c.has(line.variant_id) for c in chosen) >= line.quantity
                   for line in needed):
                cost = (sum(c.distance_km for c in chosen)
                        + (split_cost * (size - 1) if size > 1 else 0.0))
                best = cost if best is None else min(best, cost)
    return best


@settings(max_examples=300, deadline=None)
@given(lines=lines_strategy, candidates=candidates_strategy, split_cost=cost_strategy)
def test_a_delivery_plan_fills_every_line_from_stock_at_the_lowest_cost(
    lines: list[Line], candidates: list[Candidate], split_cost: float
) -> None:
    cheapest = cheapest_by_brute_force(lines, candidates, split_cost)
    try:
        picks = plan(lines, candidates, split_cost=split_cost)
    except CannotFill:
        assert cheapest is None
        return
    assert cheapest is not None
    stock = {(c.location_id, v): q for c in candidates for v, q in c.available.items()}
    for pick in picks:
        assert 0 < pick.quantity <= stock[(pick.location_id, pick.variant_id)]
    for line in allocation.merge_lines(lines):
        assert sum(p.quantity for p in picks if p.variant_id == line.variant_id) == line.quantity
    assert cost_of(picks, candidates, split_cost) == pytest.approx(cheapest)
    assert picks == sorted(picks)


@settings(max_examples=200, deadline=None)
@given(lines=lines_strategy, candidates=candidates_strategy)
def test_a_pickup_plan_comes_whole_from_one_store_or_not_at_all(
    lines: list[Line], candidates: list[Candidate]
) -> None:
    needed = allocation.merge_lines(lines)
    able = [c for c in candidates
            if all(c.has(line.variant_id) >= line.quantity for line in needed)]
    try:
        picks = plan(lines, candidates, split=False)
    except CannotFill as refused:
        assert not able
        assert refused.shortfalls
        return
    [location_id] = shipments(picks)
    nearest = min(able, key=lambda c: (c.distance_km, c.location_id))
    assert location_id == nearest.location_id
    assert sorted((p.variant_id, p.quantity) for p in picks) == [
        (line.variant_id, line.quantity) for line in needed]


@settings(max_examples=100, deadline=None)
@given(lines=lines_strategy, candidates=candidates_strategy, split_cost=cost_strategy)
def test_greedy_set_cover_fills_whatever_the_exact_search_fills(
    lines: list[Line], candidates: list[Candidate], split_cost: float
) -> None:
    try:
        exact = plan(lines, candidates, split_cost=split_cost)
    except CannotFill:
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(allocation, "EXACT_SEARCH_BUDGET", 0)
        greedy = plan(lines, candidates, split_cost=split_cost)
    assert units_per_variant(greedy) == units_per_variant(exact)
    assert len(shipments(greedy)) <= len(candidates)


def units_per_variant(picks: list[Pick]) -> dict[int, int]:
    totals: dict[int, int] = {}
    for p in picks:
        totals[p.variant_id] = totals.get(p.variant_id, 0) + p.quantity
    return totals
