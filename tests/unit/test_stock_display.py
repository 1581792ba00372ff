"""What stock looks like on a page: a band for shoppers, distances as signs write them, and
the place a shopper said they are."""

import pytest

from o2o.web.i18n import distance
from o2o.web.shop.nearby import CITIES, Band, Place, band_of, place_of


@pytest.mark.parametrize(("available", "band"), [
    (None, Band.NONE), (-1, Band.NONE), (0, Band.NONE), (1, Band.FEW), (4, Band.FEW),
    (5, Band.PLENTY), (250, Band.PLENTY),
])
def test_shoppers_see_a_band_not_the_count(available: int | None, band: Band) -> None:
    assert band_of(available) is band


def test_near_distances_read_in_metres_far_ones_in_kilometres() -> None:
    assert distance(0.3456, "vi") == "350\xa0m"
    assert distance(0.0, "vi") == "10\xa0m"  # never "0 m": it is somewhere
    assert distance(0.996, "vi") == "1,0\xa0km"
    assert distance(2.449, "vi") == "2,4\xa0km"
    assert distance(2.449, "en") == "2.4\xa0km"
    assert distance(9.96, "vi") == "10\xa0km"
    assert distance(1143.7, "vi") == "1.144\xa0km"
    assert distance(1143.7, "en") == "1,144\xa0km"


def test_a_city_key_names_its_centre() -> None:
    hanoi = place_of("hn")

    assert hanoi is not None and hanoi.city is not None
    assert (hanoi.city.name, hanoi.remembered) == ("Hà Nội", "hn")
    assert [city.name for city in CITIES] == ["Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng"]


def test_a_shared_position_is_kept_to_about_a_hundred_metres() -> None:
    place = place_of(" 21.02851234,105.85419876 ")

    assert place == Place(21.029, 105.854)
    assert place.remembered == "21.029,105.854"
    assert place_of(place.remembered) == place


@pytest.mark.parametrize("near", [
    None, "", "hanoi", "21.0", "21.0,", "north,east", "91,105", "21,181", "nan,105",
    "21,inf", "21,105,3",
])
def test_anything_else_is_no_place(near: str | None) -> None:
    assert place_of(near) is None
