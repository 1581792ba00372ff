"""How catalogue and store facts read on a page: price ranges, channel badges, today's hours.

Plain functions of domain objects; the pages of all three apps share them.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from o2o.catalog import search
from o2o.catalog.models import Channel, Product, Variant
from o2o.stores import hours
from o2o.stores import service as stores_service
from o2o.stores.models import Location


@dataclass(frozen=True)
class Offer:
    """What a product costs and where it is sold, across its active variants."""

    low: int | None
    high: int | None
    #: The struck-through "was" price of the cheapest variant, when it has one.
    was: int | None
    only_in_store: bool
    only_online: bool

    @property
    def discount_percent(self) -> int | None:
        if self.was is None or self.low is None or self.was <= 0:
            return None
        return round((self.was - self.low) * 100 / self.was)


def on_sale(product: Product) -> list[Variant]:
    return [v for v in product.variants if v.is_active]


def offer_of(product: Product) -> Offer:
    variants = on_sale(product)
    if not variants:
        return Offer(None, None, None, only_in_store=False, only_online=False)
    cheapest = min(variants, key=lambda v: v.price)
    was = cheapest.compare_at_price
    channels = [v.channels for v in variants]
    return Offer(
        low=cheapest.price,
        high=max(v.price for v in variants),
        was=was if was is not None and was > cheapest.price else None,
        only_in_store=not search.sold_in(channels, Channel.ONLINE),
        only_online=not search.sold_in(channels, Channel.STORE),
    )


def option_names(variants: Iterable[Variant]) -> list[str]:
    """The option names of a product's variants ("Màu", "Size"), in first-seen order."""
    names: list[str] = []
    for variant in variants:
        names.extend(name for name in variant.options if name not in names)
    return names


@dataclass(frozen=True)
class StoreHours:
    """A store's week and whether it is open, seen from the store's own time zone."""

    open_now: bool
    #: Monday-first weekday of the store's local today.
    today: int
    #: Opening intervals per weekday (0 = Monday) as (opens, closes) minutes.
    week: list[list[tuple[int, int]]]

    @property
    def today_intervals(self) -> list[tuple[int, int]]:
        return self.week[self.today]

    @property
    def runs(self) -> list[tuple[int, int, list[tuple[int, int]]]]:
        """Consecutive weekdays with the same hours, as a shop sign reads them:
        ``[(0, 6, [(480, 1320)])]`` for "Mon–Sun 08:00–22:00"."""
        runs: list[tuple[int, int, list[tuple[int, int]]]] = []
        for weekday, spans in enumerate(self.week):
            if runs and runs[-1][2] == spans:
                runs[-1] = (runs[-1][0], weekday, spans)
            else:
                runs.append((weekday, weekday, spans))
        return runs


def store_hours(location: Location, now: datetime) -> StoreHours:
    intervals = stores_service.intervals_of(location)
    week: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for interval in sorted(intervals):
        week[interval.weekday].append((interval.opens, interval.closes))
    return StoreHours(
        open_now=hours.is_open(intervals, now, location.timezone),
        today=now.astimezone(ZoneInfo(location.timezone)).weekday(),
        week=week,
    )


def per_city(locations: Iterable[Location]) -> list[tuple[str, int]]:
    """How many locations each city has, most first."""
    return Counter(location.city for location in locations).most_common()
