"""Prices of a cart, computed on the server from the catalogue: the client never sends one.

One function for every place a cart is priced (the shop's checkout, the counter), so the
promotion engine will plug in here once and apply everywhere.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from o2o.catalog.service import ForSale
from o2o.config import Settings
from o2o.orders.fulfilment import FulfilmentType


@dataclass(frozen=True)
class PricedLine:
    variant_id: int
    sku: str
    name: str
    unit_price: int
    quantity: int
    discount: int
    source_location_id: int | None

    @property
    def total(self) -> int:
        return self.unit_price * self.quantity - self.discount


@dataclass(frozen=True)
class Priced:
    lines: list[PricedLine]
    delivery_fee: int

    @property
    def subtotal(self) -> int:
        return sum(line.unit_price * line.quantity for line in self.lines)

    @property
    def discount(self) -> int:
        return sum(line.discount for line in self.lines)

    @property
    def total(self) -> int:
        return self.subtotal - self.discount + self.delivery_fee


@dataclass(frozen=True)
class CartLine:
    variant_id: int
    quantity: int
    source_location_id: int | None = None


def price(lines: Sequence[CartLine], variants: Mapping[int, ForSale], *,
          fulfilment: FulfilmentType, settings: Settings) -> Priced:
    """Every line at its variant's current price; delivery costs its fee below the
    free-delivery threshold. ``variants`` holds every line's variant (checked by the caller)."""
    priced = [
        PricedLine(line.variant_id, variants[line.variant_id].sku,
                   variants[line.variant_id].name, variants[line.variant_id].price,
                   line.quantity, 0, line.source_location_id)
        for line in lines
    ]
    goods = sum(line.total for line in priced)
    fee = 0
    if fulfilment is FulfilmentType.DELIVERY and goods < settings.free_delivery_from:
        fee = settings.delivery_fee
    return Priced(priced, fee)
