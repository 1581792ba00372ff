"""The back office's stock list: a location's levels by name, SKU or barcode, filtered to
what needs attention, and only for the people who keep that location's stock."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from o2o.errors import NotFound, PermissionDenied
from o2o.inventory import listing
from o2o.inventory import service as inventory_service
from o2o.inventory.listing import StockFilter
from o2o.inventory.models import ReservationPurpose
from o2o.stores.models import Location, Merchant
from tests.world import World


@dataclass
class Shelf:
    merchant: Merchant
    store: Location
    other_store: Location
    red_m: int  # Áo thun đỏ M, barcode 8935049500018: 10 on hand, 3 reserved
    red_l: int  # Áo thun đỏ L: 2 on hand
    jeans: int  # Quần jean 30: counted to 0
    cap: int  # never stocked at the store


@pytest.fixture
def shelf(world: World) -> Shelf:
    merchant = world.merchant("hoasen")
    store = world.location(merchant, "hk")
    other_store = world.location(merchant, "cg", district="Cầu Giấy")
    shirt = world.product(merchant, "Áo thun đỏ", variants=[
        {"sku": "AT-DO-M", "barcode": "8935049500018", "options": {"Size": "M"},
         "price": 199_000},
        {"sku": "AT-DO-L", "options": {"Size": "L"}, "price": 199_000},
    ])
    red_m, red_l = (v.id for v in shirt.variants)
    jeans = world.product(merchant, "Quần jean", variants=[
        {"sku": "QJ-30", "price": 459_000}]).variants[0].id
    cap = world.product(merchant, "Mũ lưỡi trai", variants=[
        {"sku": "MU-1", "price": 99_000}]).variants[0].id
    world.stock(merchant, store, red_m, 10)
    world.stock(merchant, store, red_l, 2)
    world.stock(merchant, store, jeans, 4)
    world.stock(merchant, store, jeans, 0)
    world.stock(merchant, other_store, cap, 7)
    with world.db.session() as session:
        inventory_service.reserve_lines(
            session, actor=world.actor(world.owner(merchant)),
            holds=[inventory_service.Hold(store.id, red_m, 3)], ttl=timedelta(hours=1),
            purpose=ReservationPurpose.STAFF_HOLD,
        )
    return Shelf(merchant, store, other_store, red_m, red_l, jeans, cap)


def stock_of(world: World, shelf: Shelf, **options: Any) -> listing.StockList:
    with world.db.session() as session:
        return listing.list_stock(session, actor=world.actor(world.owner(shelf.merchant)),
                                  location_id=shelf.store.id, **options)


def test_a_location_lists_its_levels_by_product_name_with_what_can_be_sold(
    world: World, shelf: Shelf
) -> None:
    found = stock_of(world, shelf)

    assert [(r.sku, r.on_hand, r.reserved, r.available) for r in found.rows] == [
        ("AT-DO-M", 10, 3, 7), ("AT-DO-L", 2, 0, 2), ("QJ-30", 0, 0, 0),
    ]
    assert found.rows[0].product_name == "Áo thun đỏ" and found.rows[0].options == {"Size": "M"}
    assert found.total == found.everything == 3  # the cap is stocked elsewhere only


def test_words_without_accents_find_the_product_and_a_code_finds_one_variant(
    world: World, shelf: Shelf
) -> None:
    assert [r.sku for r in stock_of(world, shelf, q="ao thun").rows] == ["AT-DO-M", "AT-DO-L"]
    assert [r.sku for r in stock_of(world, shelf, q="at-do-l").rows] == ["AT-DO-L"]
    assert [r.sku for r in stock_of(world, shelf, q="8935049500018").rows] == ["AT-DO-M"]
    assert stock_of(world, shelf, q="mu luoi trai").rows == []


def test_filters_keep_low_out_of_stock_or_reserved_levels_and_count_each(
    world: World, shelf: Shelf
) -> None:
    def skus(only: StockFilter) -> list[str]:
        return [r.sku for r in stock_of(world, shelf, only=only, low_threshold=2).rows]

    assert skus(StockFilter.LOW) == ["AT-DO-L", "QJ-30"]
    assert skus(StockFilter.OUT) == ["QJ-30"]
    assert skus(StockFilter.RESERVED) == ["AT-DO-M"]
    assert stock_of(world, shelf, low_threshold=2).per_filter == {
        StockFilter.LOW: 2, StockFilter.OUT: 1, StockFilter.RESERVED: 1}
    searched = stock_of(world, shelf, q="ao thun", only=StockFilter.LOW, low_threshold=2)
    assert (searched.total, searched.everything) == (1, 2)


def test_a_long_list_comes_in_pages(world: World, shelf: Shelf) -> None:
    first = stock_of(world, shelf, limit=2)
    second = stock_of(world, shelf, limit=2, offset=2)

    assert [r.sku for r in first.rows + second.rows] == ["AT-DO-M", "AT-DO-L", "QJ-30"]
    assert first.total == second.total == 3


def test_a_store_manager_sees_the_stock_of_their_store_only(world: World, shelf: Shelf) -> None:
    manager = world.actor(world.staff(shelf.merchant, "manager", [shelf.store]))
    with world.db.session() as session:
        mine = listing.list_stock(session, actor=manager, location_id=shelf.store.id)
        with pytest.raises(PermissionDenied):
            listing.list_stock(session, actor=manager, location_id=shelf.other_store.id)

    assert mine.everything == 3


def test_another_merchant_cannot_list_or_name_the_stock(world: World, shelf: Shelf) -> None:
    stranger = world.actor(world.owner(world.merchant("saoviet")))
    with world.db.session() as session:
        with pytest.raises(NotFound):
            listing.list_stock(session, actor=stranger, location_id=shelf.store.id)
        assert listing.label_variants(session, actor=stranger, variant_ids=[shelf.red_m]) == {}


def test_variant_labels_name_the_product_its_options_and_codes(
    world: World, shelf: Shelf
) -> None:
    owner = world.actor(world.owner(shelf.merchant))
    with world.db.session() as session:
        labels = listing.label_variants(session, actor=owner,
                                        variant_ids=[shelf.red_m, shelf.cap, shelf.red_m])

    assert labels[shelf.red_m].product_name == "Áo thun đỏ"
    assert (labels[shelf.red_m].sku, labels[shelf.red_m].barcode) == ("AT-DO-M", "8935049500018")
    assert labels[shelf.cap].options == {}
