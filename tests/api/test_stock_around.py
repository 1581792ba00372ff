"""Seen from a counter: which other locations of the merchant can hand over an item, nearest
first, so staff can send the customer there."""

import pytest

from o2o.errors import NotFound
from o2o.inventory import service as inventory_service
from o2o.inventory.models import ReservationPurpose
from o2o.inventory.nearby import StockAround, stock_around
from o2o.stores import service as stores_service
from o2o.stores.models import Location
from o2o.stores.schemas import LocationUpdate
from tests.world import World

BA_DINH = {"lat": 21.0368, "lon": 105.8346, "district": "Ba Đình"}
HA_DONG = {"lat": 20.9714, "lon": 105.7788, "district": "Hà Đông"}
SAIGON = {"lat": 10.7769, "lon": 106.7009, "city": "TP. Hồ Chí Minh", "district": "Quận 1"}


class Chain:
    """Hoa Sen: the Hoàn Kiếm counter, stores in Ba Đình, Hà Đông and Saigon, a warehouse in
    Long Biên; one T-shirt variant; a cashier of Hoàn Kiếm."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.merchant = world.merchant("hoasen")
        self.hk = world.location(self.merchant, "hk")
        self.bd = world.location(self.merchant, "bd", **BA_DINH)
        self.hd = world.location(self.merchant, "hd", **HA_DONG)
        self.sg = world.location(self.merchant, "sg", **SAIGON)
        self.kho = world.location(self.merchant, "kho", kind="warehouse", services=[],
                                  lat=21.0452, lon=105.8770, district="Long Biên")
        self.variant_id = world.product(self.merchant).variants[0].id
        self.cashier = world.actor(world.staff(self.merchant, "cashier", [self.hk]))

    def stock(self, location: Location, on_hand: int) -> None:
        self.world.stock(self.merchant, location, self.variant_id, on_hand)

    def around(self, **kwargs: int) -> list[StockAround]:
        with self.world.db.session() as session:
            return stock_around(session, actor=self.cashier, location_id=self.hk.id,
                                variant_id=self.variant_id, **kwargs)


@pytest.fixture
def chain(world: World) -> Chain:
    return Chain(world)


def test_other_locations_holding_the_item_come_nearest_first_with_their_distance(
    chain: Chain,
) -> None:
    chain.stock(chain.hk, 9)  # the counter itself is not "elsewhere"
    chain.stock(chain.sg, 4)
    chain.stock(chain.hd, 1)
    chain.stock(chain.kho, 60)
    chain.stock(chain.bd, 2)

    around = chain.around()

    assert [(s.name, s.kind, s.available) for s in around] == [
        ("Hoasen BD", "store", 2), ("Hoasen KHO", "warehouse", 60),
        ("Hoasen HD", "store", 1), ("Hoasen SG", "store", 4)]
    assert around[0].distance_km == pytest.approx(1.62, abs=0.01)
    assert around[-1].distance_km == pytest.approx(1140, rel=0.01)
    assert (around[0].district, around[-1].city) == ("Ba Đình", "TP. Hồ Chí Minh")


def test_limit_keeps_the_nearest(chain: Chain) -> None:
    for location in (chain.bd, chain.hd, chain.sg):
        chain.stock(location, 3)

    assert [s.name for s in chain.around(limit=2)] == ["Hoasen BD", "Hoasen HD"]


def test_empty_shelves_and_fully_reserved_units_are_not_offered(chain: Chain,
                                                                 world: World) -> None:
    chain.stock(chain.bd, 0)
    chain.stock(chain.hd, 2)
    owner = world.actor(world.owner(chain.merchant))
    with world.db.session() as session:
        inventory_service.reserve_lines(
            session, actor=owner, ttl=inventory_service.STAFF_MAX_TTL,
            holds=[inventory_service.Hold(chain.hd.id, chain.variant_id, 2)],
            purpose=ReservationPurpose.STAFF_HOLD,
        )
    chain.stock(chain.sg, 5)
    with world.db.session() as session:
        inventory_service.set_online_buffer(session, actor=owner, location_id=chain.sg.id,
                                            variant_id=chain.variant_id, online_buffer=5)

    around = chain.around()

    # Held for someone: gone; kept back from the online channel: still sold at that counter.
    assert [(s.name, s.on_hand, s.reserved, s.available) for s in around] == [
        ("Hoasen SG", 5, 0, 5)]


def test_closed_down_locations_are_not_offered(chain: Chain, world: World) -> None:
    chain.stock(chain.bd, 3)
    chain.stock(chain.hd, 3)
    with world.db.session() as session:
        stores_service.update_location(
            session, actor=world.actor(world.owner(chain.merchant)), location_id=chain.bd.id,
            data=LocationUpdate(is_active=False),
        )

    assert [s.name for s in chain.around()] == ["Hoasen HD"]


def test_another_merchant_s_store_or_variant_is_not_found(chain: Chain, world: World) -> None:
    saoviet = world.merchant("saoviet", trade="electronics")
    their_store = world.location(saoviet, "cg")
    their_variant = world.product(saoviet, "Tai nghe").variants[0].id

    with world.db.session() as session:
        with pytest.raises(NotFound):
            stock_around(session, actor=chain.cashier, location_id=their_store.id,
                         variant_id=chain.variant_id)
        with pytest.raises(NotFound):
            stock_around(session, actor=chain.cashier, location_id=chain.hk.id,
                         variant_id=their_variant)
