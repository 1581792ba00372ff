"""Distances on the Earth and the box around a circle that an index on (lat, lon) serves."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from o2o.stores.geo import EARTH_RADIUS_KM, bounding_box, haversine_km

HOAN_KIEM = (21.0285, 105.8542)
BA_DINH = (21.0368, 105.8346)
BEN_THANH = (10.7725, 106.6980)


@pytest.mark.parametrize(("a", "b", "km"), [
    # WGS84 geodesic distances (Vincenty); a sphere stays within 1 % of the ellipsoid.
    (HOAN_KIEM, BA_DINH, 2.235),
    (HOAN_KIEM, BEN_THANH, 1138.5),
    ((36.12, -86.67), (33.94, -118.40), 2892.777),  # Nashville to Los Angeles
    # One degree along the equator and along a meridian.
    ((0.0, 0.0), (0.0, 1.0), 111.319),
    ((0.0, 105.0), (1.0, 105.0), 110.574),
])
def test_known_distances_within_one_percent(a: tuple[float, float], b: tuple[float, float],
                                            km: float) -> None:
    assert haversine_km(*a, *b) == pytest.approx(km, rel=0.01)


def test_distance_is_symmetric_zero_at_the_point_and_half_the_globe_at_most() -> None:
    assert haversine_km(*HOAN_KIEM, *HOAN_KIEM) == 0
    assert haversine_km(*HOAN_KIEM, *BA_DINH) == haversine_km(*BA_DINH, *HOAN_KIEM)
    assert haversine_km(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_KM)
    assert haversine_km(90, 0, -90, 0) == pytest.approx(math.pi * EARTH_RADIUS_KM)


def test_box_is_tight_at_the_equator() -> None:
    box = bounding_box(0, 106, 111.195)

    assert (box.min_lat, box.max_lat) == pytest.approx((-1, 1), abs=1e-3)
    assert (box.min_lon, box.max_lon) == pytest.approx((105, 107), abs=1e-3)


def test_box_widens_in_longitude_away_from_the_equator() -> None:
    box = bounding_box(*HOAN_KIEM, 5)

    lat_span, lon_span = box.max_lat - box.min_lat, box.max_lon - box.min_lon
    assert lon_span / lat_span == pytest.approx(1 / math.cos(math.radians(HOAN_KIEM[0])),
                                                rel=1e-3)


@pytest.mark.parametrize(("lat", "lon"), [(90, 0), (-90, 45), (89.99, 10), (-89.95, -170)])
def test_box_around_a_pole_spans_every_longitude(lat: float, lon: float) -> None:
    box = bounding_box(lat, lon, 50)

    assert (box.min_lon, box.max_lon) == (-180, 180)
    assert -90 <= box.min_lat <= lat <= box.max_lat <= 90


def test_box_across_the_antimeridian_spans_every_longitude() -> None:
    box = bounding_box(-16.5, 179.99, 10)  # Fiji

    assert (box.min_lon, box.max_lon) == (-180, 180)


def test_tiny_circle_next_to_a_pole_does_not_crash() -> None:
    box = bounding_box(89.9999, 0, 0.001)

    assert box.min_lat < 89.9999 < box.max_lat < 90
    assert box.min_lon < 0 < box.max_lon


@given(
    lat=st.floats(-89, 89), lon=st.floats(-179, 179), radius=st.floats(0.01, 50),
    north=st.floats(-1.1, 1.1), east=st.floats(-1.1, 1.1),
)
def test_every_point_within_the_radius_is_inside_the_box(lat: float, lon: float, radius: float,
                                                         north: float, east: float) -> None:
    """Points up to 10 % beyond the circle each way, so that both sides of its edge are tried."""
    degrees = math.degrees(radius / EARTH_RADIUS_KM)
    point_lat = max(-90.0, min(90.0, lat + north * degrees))
    point_lon = lon + east * degrees / math.cos(math.radians(point_lat))
    point_lon = max(-180.0, min(180.0, point_lon))
    box = bounding_box(lat, lon, radius)

    if haversine_km(lat, lon, point_lat, point_lon) <= radius:
        assert box.min_lat <= point_lat <= box.max_lat
        assert box.min_lon <= point_lon <= box.max_lon
