"""Which locations fill an order: plain data in, picks out, no database.

A pickup is filled by one store alone. A delivery may be split across stores and warehouses;
each location used is one shipment. A plan costs

    distance_cost_per_km × (sum of the shipments' distances) + split_cost × (shipments − 1)

and the cheapest plan wins; equal costs go to fewer shipments, then the shorter total
distance, then the lower location ids, so the same input always gives the same plan. With
``distance_cost_per_km = 1`` the split cost reads as kilometres: at 10, a second shipment is
chosen only when it saves more than 10 km. ``split_cost = inf`` means strictly "fewest
shipments, then nearest".

The search is exact: sets of 1, 2, 3… locations are tried in turn until no larger set can
beat the best plan found. Past ``EXACT_SEARCH_BUDGET`` sets (dozens of scattered locations,
none of which holds much) the rest is finished by greedy set cover — take the location with
the lowest cost per unit it still adds — and the better of the two plans is returned.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from o2o.inventory.errors import CannotFill

#: Location sets tried exactly before greedy set cover finishes the search.
EXACT_SEARCH_BUDGET = 20_000


@dataclass(frozen=True)
class Line:
    """Units of a variant the order needs."""

    variant_id: int
    quantity: int


@dataclass(frozen=True)
class Candidate:
    """A location that could ship or hand over: how far it is and what it can sell."""

    location_id: int
    distance_km: float
    #: ``{variant_id: units}`` it may give this order (online availability).
    available: Mapping[int, int] = field(default_factory=dict)

    def has(self, variant_id: int) -> int:
        return max(0, self.available.get(variant_id, 0))


@dataclass(frozen=True, order=True)
class Pick:
    """Take ``quantity`` units of a variant from a location. Sorted in lock order."""

    location_id: int
    variant_id: int
    quantity: int


@dataclass(frozen=True)
class Shortfall:
    variant_id: int
    requested: int
    available: int


def merge_lines(lines: Iterable[Line]) -> list[Line]:
    """One line per variant, in variant order; a quantity below 1 is a caller's bug."""
    totals: dict[int, int] = {}
    for line in lines:
        if line.quantity < 1:
            raise ValueError(f"line of variant {line.variant_id} asks for {line.quantity} units")
        totals[line.variant_id] = totals.get(line.variant_id, 0) + line.quantity
    return [Line(variant_id, quantity) for variant_id, quantity in sorted(totals.items())]


def choose(lines: Sequence[Line], candidates: Sequence[Candidate], *, split_cost: float,
           distance_cost_per_km: float, split: bool = True) -> list[Pick]:
    """The cheapest way to fill every line, as picks in (location, variant) order.

    ``split=False`` (a pickup) needs one location that holds every line itself: the nearest
    such one is chosen. Raises CannotFill naming each short line — for a pickup the lines
    the best-stocked candidate lacks, for a delivery the lines all candidates together lack.
    """
    if split_cost < 0 or distance_cost_per_km < 0:
        raise ValueError("allocation costs cannot be negative")
    needed = merge_lines(lines)
    if not needed:
        return []
    ordered = sorted(candidates, key=lambda c: (c.distance_km, c.location_id))
    if not split:
        return _single_location(needed, ordered)
    short = [
        Shortfall(line.variant_id, line.quantity, sum(c.has(line.variant_id) for c in ordered))
        for line in needed
    ]
    short = [s for s in short if s.available < s.requested]
    if short:
        raise CannotFill("The locations together do not hold every line.", short)
    useful = [c for c in ordered if any(c.has(line.variant_id) for line in needed)]
    costs = _Costs(split_cost, distance_cost_per_km)
    return _search(needed, useful, costs)


def _single_location(needed: list[Line], ordered: list[Candidate]) -> list[Pick]:
    for candidate in ordered:
        if all(candidate.has(line.variant_id) >= line.quantity for line in needed):
            return [Pick(candidate.location_id, line.variant_id, line.quantity)
                    for line in needed]

    def shortfalls(candidate: Candidate) -> list[Shortfall]:
        return [Shortfall(line.variant_id, line.quantity, candidate.has(line.variant_id))
                for line in needed if candidate.has(line.variant_id) < line.quantity]

    if not ordered:
        raise CannotFill("No location to pick up from.",
                         [Shortfall(line.variant_id, line.quantity, 0) for line in needed])
    closest = min(ordered, key=lambda c: sum(s.requested - s.available for s in shortfalls(c)))
    raise CannotFill("No single store holds the whole order.", shortfalls(closest),
                     location_id=closest.location_id)


@dataclass(frozen=True)
class _Costs:
    split: float
    per_km: float

    def of(self, used: Sequence[Candidate]) -> float:
        distance = self.per_km * sum(c.distance_km for c in used)
        return distance + (self.split * (len(used) - 1) if len(used) > 1 else 0.0)

    def rank(self, used: Sequence[Candidate]) -> tuple[float, int, float, list[int]]:
        return (self.of(used), len(used), sum(c.distance_km for c in used),
                sorted(c.location_id for c in used))


def _assign(needed: list[Line], chosen: Sequence[Candidate]) -> list[Pick] | None:
    """Fill each line from the nearest of ``chosen`` first; None if they cannot."""
    picks = []
    for line in needed:
        left = line.quantity
        for candidate in chosen:
            take = min(left, candidate.has(line.variant_id))
            if take:
                picks.append(Pick(candidate.location_id, line.variant_id, take))
                left -= take
        if left:
            return None
    return picks


def _used(picks: list[Pick], chosen: Sequence[Candidate]) -> list[Candidate]:
    ids = {p.location_id for p in picks}
    return [c for c in chosen if c.location_id in ids]


def _search(needed: list[Line], useful: list[Candidate], costs: _Costs) -> list[Pick]:
    best: tuple[tuple[float, int, float, list[int]], list[Pick]] | None = None
    tried = 0
    for size in range(1, len(useful) + 1):
        # The nearest `size` locations are the cheapest any set of that size can be.
        if best is not None and costs.of(useful[:size]) >= best[0][0]:
            break
        for chosen in combinations(useful, size):
            tried += 1
            if tried > EXACT_SEARCH_BUDGET:
                return _better(best, _greedy(needed, useful, costs), useful, costs)
            if best is not None and costs.of(chosen) > best[0][0]:
                continue
            picks = _assign(needed, chosen)
            if picks is None:
                continue
            rank = costs.rank(_used(picks, chosen))
            if best is None or rank < best[0]:
                best = (rank, picks)
    assert best is not None, "every line was checked to be fillable"
    return sorted(best[1])


def _better(best: tuple[tuple[float, int, float, list[int]], list[Pick]] | None,
            greedy: list[Pick], useful: list[Candidate], costs: _Costs) -> list[Pick]:
    if best is None or costs.rank(_used(greedy, useful)) < best[0]:
        return sorted(greedy)
    return sorted(best[1])


def _greedy(needed: list[Line], useful: list[Candidate], costs: _Costs) -> list[Pick]:
    """Greedy set cover: the location adding units at the lowest cost per unit, in turn."""
    left = {line.variant_id: line.quantity for line in needed}
    chosen: list[Candidate] = []
    while any(left.values()):
        def adds(c: Candidate) -> int:
            return sum(min(q, c.has(v)) for v, q in left.items())

        def price(c: Candidate) -> tuple[float, float, int]:
            shipment = costs.per_km * c.distance_km + (costs.split if chosen else 0.0)
            return (shipment / adds(c), c.distance_km, c.location_id)

        taken = {c.location_id for c in chosen}
        pick = min((c for c in useful if c.location_id not in taken and adds(c)), key=price)
        chosen.append(pick)
        for variant_id in left:
            left[variant_id] -= min(left[variant_id], pick.has(variant_id))
    chosen.sort(key=lambda c: (c.distance_km, c.location_id))
    picks = _assign(needed, chosen)
    assert picks is not None
    return picks
