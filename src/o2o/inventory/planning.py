"""Where an order's units come from, with live stock: candidates for ``allocation.choose``.

Only what the online channel may sell counts (on hand − reserved − online buffer), at the
merchant's active locations. A plan holds nothing: the caller reserves its picks with
``service.reserve_lines``, which refuses if the stock went meanwhile.
"""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from o2o.config import Settings
from o2o.errors import NotFound
from o2o.inventory.allocation import Candidate, Line, Pick, choose, merge_lines
from o2o.inventory.models import StockLevel
from o2o.stores import geo
from o2o.stores import service as stores_service
from o2o.stores.models import Location


def plan_delivery(session: Session, *, merchant_id: int, lat: float, lon: float,
                  lines: Sequence[Line], settings: Settings) -> list[Pick]:
    """Picks from the merchant's stores and warehouses for a delivery to (lat, lon).

    Raises CannotFill naming the lines the merchant cannot deliver in full.
    """
    rows = _online_stock(session, merchant_id, lines)
    candidates = [
        Candidate(location_id, geo.haversine_km(lat, lon, loc_lat, loc_lon), available)
        for location_id, (loc_lat, loc_lon, available) in rows.items()
    ]
    return choose(lines, candidates, split_cost=settings.allocation_split_cost_km,
                  distance_cost_per_km=1.0)


def plan_pickup(session: Session, *, merchant_id: int, location_id: int,
                lines: Sequence[Line]) -> list[Pick]:
    """Picks for a pickup at one store, which must hold every line itself.

    Raises NotFound for a location that is not an open store of the merchant, CannotFill
    naming the lines it lacks.
    """
    store, _ = stores_service.get_store(session, store_id=location_id)
    if store.merchant_id != merchant_id:
        raise NotFound("Store not found.", store_id=location_id)
    _, _, available = _online_stock(session, merchant_id, lines).get(location_id, (0, 0, {}))
    return choose(lines, [Candidate(location_id, 0.0, available)], split_cost=0,
                  distance_cost_per_km=0, split=False)


def _online_stock(session: Session, merchant_id: int,
                  lines: Sequence[Line]) -> dict[int, tuple[float, float, dict[int, int]]]:
    """``{location_id: (lat, lon, {variant_id: units the online channel may sell})}``."""
    variant_ids = [line.variant_id for line in merge_lines(lines)]
    online = StockLevel.on_hand - StockLevel.reserved - StockLevel.online_buffer
    query = (
        select(Location.id, Location.lat, Location.lon, StockLevel.variant_id, online)
        .join(StockLevel, StockLevel.location_id == Location.id)
        .where(Location.merchant_id == merchant_id, Location.is_active,
               StockLevel.variant_id.in_(variant_ids), online > 0)
        .order_by(Location.id, StockLevel.variant_id)
    )
    found: dict[int, tuple[float, float, dict[int, int]]] = {}
    for location_id, lat, lon, variant_id, units in session.execute(query):
        found.setdefault(location_id, (lat, lon, {}))[2][variant_id] = units
    return found
