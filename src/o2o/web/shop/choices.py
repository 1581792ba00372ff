"""The ways a shopper can get a cart, and the stores that can serve each: those offering the
service, whether each holds every line for online orders right now, and how far away it is.

Stock is read through inventory's ``variant_availability`` (one query per line, what the
online channel may sell at each location), so the store list says what completing the
checkout would find; completing it still holds the stock itself, and says so if it went.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from o2o.inventory import nearby as stock_nearby
from o2o.orders.checkout import NEEDS
from o2o.orders.fulfilment import FulfilmentType
from o2o.stores import geo
from o2o.stores.models import Location
from o2o.web import display
from o2o.web.shop.nearby import Place

F = FulfilmentType
#: What a shopper can choose, in the order the page offers it.
SHOPPER_KINDS = (F.PICKUP, F.RESERVE_AND_TRY, F.ORDER_AHEAD, F.DELIVERY)
#: Stores listed for a choice: the nearest (or best stocked) few.
SHOWN = 5


@dataclass(frozen=True)
class StoreChoice:
    store: Location
    distance_km: float | None
    open_now: bool
    #: The cart's variants this store cannot serve in full now.
    short: frozenset[int]

    @property
    def has_everything(self) -> bool:
        return not self.short


def offers(store: Location, kind: FulfilmentType) -> bool:
    return kind in NEEDS and NEEDS[kind] in {s.service for s in store.services}


def kinds_for(stores: Sequence[Location]) -> list[FulfilmentType]:
    """The choices some store of the shop can serve; delivery always."""
    return [kind for kind in SHOPPER_KINDS
            if kind is F.DELIVERY or any(offers(store, kind) for store in stores)]


def store_choices(session: Session, *, stores: Sequence[Location], kind: FulfilmentType,
                  lines: dict[int, int], place: Place | None,
                  now: datetime) -> list[StoreChoice]:
    """The stores offering ``kind``: those holding every line first, then the nearest (when
    the shopper's place is known), then by name; at most ``SHOWN``."""
    offering = [store for store in stores if offers(store, kind)]
    if not offering:
        return []
    available: dict[tuple[int, int], int] = {}
    for variant_id in lines:
        for held in stock_nearby.variant_availability(session, variant_id=variant_id).locations:
            available[held.location_id, variant_id] = held.available
    choices = [
        StoreChoice(
            store,
            None if place is None else geo.haversine_km(place.lat, place.lon,
                                                        store.lat, store.lon),
            display.store_hours(store, now).open_now,
            frozenset(v for v, quantity in lines.items()
                      if available.get((store.id, v), 0) < quantity),
        )
        for store in offering
    ]
    choices.sort(key=lambda c: (bool(c.short), c.distance_km or 0.0, c.store.name, c.store.id))
    return choices[:SHOWN]
