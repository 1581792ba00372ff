"""Where a shopper is, for "available near you", and how much of an item they are told about.

A place is the position the browser shared or the centre of a city the shopper picked,
written ``"21.029,105.848"`` or ``"hn"`` in the ``near`` query parameter and remembered in
a cookie of the same value (three decimals: about 100 m, enough to rank stores, no more).
Shoppers see a band ("plenty", "only a few"), not the count a competitor could scrape.
"""

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

NEAR_COOKIE = "o2o_near"
#: From this many units available a store has "plenty"; below it "only a few left".
PLENTY_FROM = 5


class City(NamedTuple):
    key: str
    name: str
    lat: float
    lon: float


#: The city centres a shopper who does not share their position can pick.
CITIES = (
    City("hn", "Hà Nội", 21.0285, 105.8542),  # Hồ Hoàn Kiếm
    City("hcm", "TP. Hồ Chí Minh", 10.7766, 106.7031),  # the Opera House, Quận 1
    City("dn", "Đà Nẵng", 16.0678, 108.2208),  # Hải Châu, by the Hàn river
)


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    #: The city whose centre this is; None for the shopper's own position.
    city: City | None = None

    @property
    def remembered(self) -> str:
        """The ``near`` value naming this place."""
        return self.city.key if self.city else f"{self.lat:.3f},{self.lon:.3f}"


def place_of(near: str | None) -> Place | None:
    """The place a ``near`` value names; None for a missing, malformed or impossible one."""
    near = (near or "").strip()
    for city in CITIES:
        if near == city.key:
            return Place(city.lat, city.lon, city)
    lat_text, comma, lon_text = near.partition(",")
    if not comma:
        return None
    try:
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
        return None
    return Place(round(lat, 3), round(lon, 3))


class Band(StrEnum):
    PLENTY = "plenty"
    FEW = "few"
    NONE = "none"


def band_of(available: int | None) -> Band:
    """What a shopper is told of the units a store can sell them."""
    if not available or available <= 0:
        return Band.NONE
    return Band.PLENTY if available >= PLENTY_FROM else Band.FEW
