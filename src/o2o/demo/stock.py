"""Opening stock: what every demo location holds, each level explained by one receipt.

The realistic chains keep stock the way such chains do:

- A warehouse is deep (20–200 units) in everything sold online. Store-only variants (the
  áo dài fitted in store, the OLED TV to be seen in person) never reach it, nor does what
  a store makes itself; online-only ones (app-only prints, the roastery's beans) never
  reach a store's shelf.
- A store is shallow and patchy: it carries a share of the rest, a few units each (some
  only 1–2, low stock), so "which store near me has it" has different answers. A variant
  a store does not carry has no level at all and reads as zero: a zero receipt is not a
  movement the ledger accepts. Best sellers are on every shelf, deeper, and one store in
  four keeps 1–2 of them back for walk-in customers (``online_buffer``).
- A café counts drinks in servings. They are made to order, but order-ahead reserves a
  drink like any pickup, so a café store holds each drink on its menu (every one: a Phố Cổ
  without cà phê sữa đá would not be believed) as the servings its prepared ingredients
  make today, 30–120, best sellers 100–250; it keeps none back, since a cup is made for
  whoever comes next. Cakes are baked each morning, a couple of dozen. The chain's
  "warehouse" is its roastery, holding the beans sold online.

Each level gets one ``receipt`` movement of its whole quantity ("Tồn kho đầu kỳ",
reference "demo") and no reservation, so ``inventory.service.reconcile()`` finds nothing.
"""

import itertools
import random
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Table, select

from o2o.catalog.models import Category, Channel, Product, Variant
from o2o.demo.bulk import BulkWriter
from o2o.demo.rows import Batch
from o2o.inventory.models import MovementKind, StockLevel, StockMovement
from o2o.stores.models import Location, LocationKind, Trade

STOCK_LEVEL: Table = StockLevel.__table__  # type: ignore[assignment]
STOCK_MOVEMENT: Table = StockMovement.__table__  # type: ignore[assignment]

OPENING_REASON = "Tồn kho đầu kỳ"
OPENING_REFERENCE = "demo"


class Opening(NamedTuple):
    """A level's opening stock."""

    merchant_id: int
    location_id: int
    variant_id: int
    on_hand: int
    online_buffer: int = 0


def opening_rows(writer: BulkWriter, openings: Sequence[Opening], *, now: datetime) -> Batch:
    """The levels (``on_hand`` > 0) with the receipt movement of each."""
    levels, movements = [], []
    for movement_id, opening in zip(writer.ids(STOCK_MOVEMENT, len(openings)), openings,
                                    strict=True):
        merchant_id, location_id, variant_id, on_hand, online_buffer = opening
        levels.append({"location_id": location_id, "variant_id": variant_id,
                       "merchant_id": merchant_id, "on_hand": on_hand, "reserved": 0,
                       "online_buffer": online_buffer, "updated_at": now})
        movements.append({"id": movement_id, "merchant_id": merchant_id,
                          "location_id": location_id, "variant_id": variant_id,
                          "kind": MovementKind.RECEIPT, "delta": on_hand,
                          "reason": OPENING_REASON, "reference": OPENING_REFERENCE,
                          "user_id": None, "created_at": now})
    return [(STOCK_LEVEL, levels), (STOCK_MOVEMENT, movements)]


class Shelf(NamedTuple):
    """How a store keeps the variants of a trade or of a category."""

    #: Chance that a store carries a variant at all (best sellers: always).
    carried: float
    units: tuple[int, int]
    best_seller_units: tuple[int, int]
    #: Made or baked in the store: never in a warehouse, never kept back from the online
    #: channel (a cup is made for whoever comes next).
    made_here: bool = False


SHELVES: dict[Trade, Shelf] = {
    Trade.FASHION: Shelf(0.6, (1, 6), (4, 12)),
    Trade.ELECTRONICS: Shelf(0.55, (1, 6), (3, 10)),
    Trade.BEAUTY: Shelf(0.8, (1, 15), (8, 25)),
    Trade.CAFE: Shelf(1.0, (30, 120), (100, 250), made_here=True),  # drinks, in servings
}
#: Categories kept unlike the rest of their trade.
CATEGORY_SHELVES: dict[str, Shelf] = {
    "Tivi": Shelf(0.5, (1, 3), (2, 4)),  # bulky: a display unit and a boxed one or two
    "Tủ lạnh": Shelf(0.5, (1, 3), (2, 4)),
    "Điều hòa": Shelf(0.6, (1, 4), (2, 6)),
    "Bánh": Shelf(0.9, (6, 30), (20, 40), made_here=True),  # baked each morning
    "Cà phê hạt": Shelf(0.7, (3, 15), (10, 25)),  # bagged at the roastery
}
WAREHOUSE_UNITS = (20, 200)
BEST_SELLERS = frozenset({
    "Áo thun cotton cổ tròn", "Quần jean slim fit", "Áo khoác gió chống nắng",
    "iPhone 16", "Samsung Galaxy A56 5G", "AirPods Pro 2",
    "Cà phê sữa đá", "Bạc xỉu", "Trà đào cam sả",
    "Kem chống nắng Anthelios SPF50+", "Son kem lì Velvet", "Sữa rửa mặt bí đao",
})
KEEPING_BACK = 0.25


class _Item(NamedTuple):
    variant_id: int
    channels: Channel
    shelf: Shelf
    best_seller: bool


def demo_openings(writer: BulkWriter, rng: random.Random,
                  trades: Mapping[int, Trade]) -> list[Opening]:
    """The opening stock of every location of the merchants ``trades`` names."""
    items: dict[int, list[_Item]] = {merchant_id: [] for merchant_id in trades}
    with writer.db.session() as session:
        variants = session.execute(
            select(Variant.id, Variant.merchant_id, Variant.channels, Product.name, Category.name)
            .join(Product, Product.id == Variant.product_id)
            .join(Category, Category.id == Product.category_id)
            .where(Variant.merchant_id.in_(trades))
            .order_by(Variant.id)
        ).all()
        locations = session.execute(
            select(Location.id, Location.merchant_id, Location.kind)
            .where(Location.merchant_id.in_(trades))
            .order_by(Location.id)
        ).all()
    for variant_id, merchant_id, channels, product, category in variants:
        shelf = CATEGORY_SHELVES.get(category, SHELVES[trades[merchant_id]])
        items[merchant_id].append(_Item(variant_id, channels, shelf, product in BEST_SELLERS))
    openings = []
    for location_id, merchant_id, kind in locations:
        if kind is LocationKind.WAREHOUSE:
            openings += [Opening(merchant_id, location_id, item.variant_id,
                                 rng.randint(*WAREHOUSE_UNITS))
                         for item in items[merchant_id]
                         if item.channels is not Channel.STORE and not item.shelf.made_here]
            continue
        keeps_back = rng.random() < KEEPING_BACK
        for item in items[merchant_id]:
            shelf = item.shelf
            if item.channels is Channel.ONLINE:
                continue
            if not item.best_seller and rng.random() >= shelf.carried:
                continue
            on_hand = rng.randint(*(shelf.best_seller_units if item.best_seller
                                    else shelf.units))
            buffer = 0
            if keeps_back and item.best_seller and not shelf.made_here and on_hand >= 3:
                buffer = rng.randint(1, 2)
            openings.append(Opening(merchant_id, location_id, item.variant_id, on_hand, buffer))
    return openings


#: Units of a generated level: mostly a handful, some low (1–2), a few deep.
GENERATED_UNITS = (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 50)
_GENERATED_CUMULATIVE = list(itertools.accumulate((6, 8, 10, 10, 10, 10, 10, 9, 8, 7, 6, 4, 2)))


def generated_openings(rng: random.Random, stores: Sequence[tuple[int, int]],
                       variants: Mapping[int, Sequence[int]], per_store: int) -> list[Opening]:
    """``per_store`` variants of its merchant at each ``(merchant_id, store_id)``, at random.

    Any variant may be held: generated networks have no warehouse, so their stores also
    ship the online-only ones.
    """
    openings = []
    for merchant_id, store_id in stores:
        held = sorted(rng.sample(variants[merchant_id], per_store))
        units = rng.choices(GENERATED_UNITS, cum_weights=_GENERATED_CUMULATIVE, k=per_store)
        openings += [Opening(merchant_id, store_id, variant_id, on_hand)
                     for variant_id, on_hand in zip(held, units, strict=True)]
    return openings
