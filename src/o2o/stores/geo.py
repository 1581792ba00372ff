"""Distances on the Earth and the latitude/longitude box that holds a circle.

Plain math, no database: the box is what an index on (lat, lon) can serve, the great-circle
distance is what decides who is really inside the circle and in which order.
"""

import math
from typing import NamedTuple

#: The mean Earth radius (IUGG); haversine distances are within 0.5 % of the ellipsoid's.
EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


class BoundingBox(NamedTuple):
    """Every point within the circle has ``min_lat <= lat <= max_lat`` and likewise lon."""

    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


def bounding_box(lat: float, lon: float, radius_km: float) -> BoundingBox:
    """The smallest lat/lon box around the circle of ``radius_km`` about a point.

    Near a pole, or where the circle crosses the antimeridian, the box spans every
    longitude: wider than needed but never missing a point (no such place is in Vietnam).
    """
    angle = radius_km / EARTH_RADIUS_KM
    min_lat = lat - math.degrees(angle)
    max_lat = lat + math.degrees(angle)
    if min_lat <= -90 or max_lat >= 90:
        return BoundingBox(max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0)
    # The meridians touching the circle: sin(Δλ) = sin(r) / cos(φ) (Matuschek, 2010).
    dlon = math.degrees(math.asin(min(1.0, math.sin(angle) / math.cos(math.radians(lat)))))
    min_lon, max_lon = lon - dlon, lon + dlon
    if min_lon < -180 or max_lon > 180:
        return BoundingBox(min_lat, max_lat, -180.0, 180.0)
    return BoundingBox(min_lat, max_lat, min_lon, max_lon)
