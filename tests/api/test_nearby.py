"""In stock near me: stores around a shopper, nearest first, and where a variant can be had."""

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from o2o.stores.models import Location
from tests.world import World

#: The shopper stands by Hồ Hoàn Kiếm.
LAKE = {"lat": 21.0285, "lon": 105.8542}
BA_DINH = {"lat": 21.0368, "lon": 105.8346, "district": "Ba Đình"}
HA_DONG = {"lat": 20.9714, "lon": 105.7788, "district": "Hà Đông"}  # about 10 km
SAIGON = {"lat": 10.7769, "lon": 106.7009, "city": "TP. Hồ Chí Minh", "district": "Quận 1"}
#: WGS84 geodesic distance from the lake to Ba Đình (Vincenty), in km.
LAKE_TO_BA_DINH_KM = 2.235
ALWAYS_OPEN = [{"weekday": d, "opens": "00:00", "closes": "24:00"} for d in range(7)]


class Chain:
    """Hoa Sen: a store in Hoàn Kiếm (about 0.6 km from the lake), one in Ba Đình, one in
    Hà Đông, one in Saigon and a warehouse next to the lake; one T-shirt variant."""

    def __init__(self, client: TestClient, world: World) -> None:
        self.client, self.world = client, world
        self.merchant = world.merchant("hoasen")
        self.hk = world.location(self.merchant, "hk")
        self.bd = world.location(self.merchant, "bd", **BA_DINH)
        self.hd = world.location(self.merchant, "hd", **HA_DONG)
        self.sg = world.location(self.merchant, "sg", **SAIGON)
        self.warehouse = world.location(self.merchant, "kho", kind="warehouse", services=[],
                                        lat=21.0290, lon=105.8540)
        self.variant_id = world.product(self.merchant).variants[0].id

    def stock(self, location: Location, on_hand: int) -> None:
        self.world.stock(self.merchant, location, self.variant_id, on_hand)

    def keep_for_walk_ins(self, location: Location, units: int) -> None:
        response = self.client.put(
            f"/api/v1/locations/{location.id}/stock/{self.variant_id}/online-buffer",
            json={"online_buffer": units},
            headers=self.world.headers(self.world.owner(self.merchant)),
        )
        assert response.status_code == 200, response.text


@pytest.fixture
def chain(client: TestClient, world: World) -> Chain:
    return Chain(client, world)


def nearby(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/v1/stores/nearby", params={**LAKE, **params})
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


def codes(items: list[dict[str, Any]]) -> list[str]:
    return [item["store"]["code"] for item in items]


def test_stores_come_nearest_first_with_their_distance(client: TestClient,
                                                       chain: Chain) -> None:
    items = nearby(client)

    assert codes(items) == ["hk", "bd"]
    assert items[0]["distance_km"] < items[1]["distance_km"]
    assert items[1]["distance_km"] == pytest.approx(LAKE_TO_BA_DINH_KM, rel=0.01)
    store = items[1]["store"]
    assert store["merchant"]["slug"] == "hoasen"
    assert (store["district"], store["lat"], store["lon"]) == ("Ba Đình", 21.0368, 105.8346)
    assert store["services"] == ["pickup", "returns"]
    assert isinstance(store["open_now"], bool)
    assert items[1]["available"] is None


def test_radius_reaches_as_far_as_asked(client: TestClient, chain: Chain) -> None:
    assert codes(nearby(client, radius_km=1)) == ["hk"]
    assert codes(nearby(client, radius_km=15)) == ["hk", "bd", "hd"]
    assert codes(nearby(client, radius_km=50)) == ["hk", "bd", "hd"]


def test_limit_keeps_the_nearest(client: TestClient, chain: Chain) -> None:
    assert codes(nearby(client, radius_km=15, limit=2)) == ["hk", "bd"]


def test_only_stores_that_can_sell_the_quantity_are_listed(client: TestClient,
                                                           chain: Chain) -> None:
    chain.stock(chain.hk, 5)
    chain.stock(chain.bd, 2)
    chain.stock(chain.warehouse, 100)
    chain.stock(chain.hd, 0)

    two = nearby(client, radius_km=15, variant_id=chain.variant_id, quantity=2)
    three = nearby(client, radius_km=15, variant_id=chain.variant_id, quantity=3)
    default = nearby(client, radius_km=15, variant_id=chain.variant_id)

    assert [(i["store"]["code"], i["available"]) for i in two] == [("hk", 5), ("bd", 2)]
    assert [(i["store"]["code"], i["available"]) for i in three] == [("hk", 5)]
    assert codes(default) == ["hk", "bd"]


def test_units_held_or_kept_for_walk_ins_are_not_offered(client: TestClient, world: World,
                                                         chain: Chain) -> None:
    chain.stock(chain.hk, 6)
    held = client.post("/api/v1/reservations", headers=world.headers(world.customer()),
                       json={"variant_id": chain.variant_id, "location_id": chain.hk.id,
                             "quantity": 3})
    assert held.status_code == 201, held.text
    chain.keep_for_walk_ins(chain.hk, 1)

    assert nearby(client, variant_id=chain.variant_id)[0]["available"] == 2
    assert nearby(client, variant_id=chain.variant_id, quantity=3) == []


def test_other_merchants_stores_are_not_listed_for_a_variant(client: TestClient,
                                                             world: World,
                                                             chain: Chain) -> None:
    saoviet = world.merchant("saoviet", trade="electronics")
    world.location(saoviet, "ho-guom", lat=LAKE["lat"], lon=LAKE["lon"])
    chain.stock(chain.bd, 1)

    assert codes(nearby(client)) == ["ho-guom", "hk", "bd"]
    assert codes(nearby(client, variant_id=chain.variant_id)) == ["bd"]
    assert codes(nearby(client, merchant="saoviet")) == ["ho-guom"]
    assert codes(nearby(client, merchant="hoasen")) == ["hk", "bd"]
    assert nearby(client, merchant="saoviet", variant_id=chain.variant_id) == []


def test_open_now_and_service_filters(client: TestClient, world: World, chain: Chain) -> None:
    owner = world.headers(world.owner(chain.merchant))
    client.patch(f"/api/v1/locations/{chain.hk.id}", headers=owner,
                 json={"hours": [], "services": ["pickup", "try_on"]})
    client.patch(f"/api/v1/locations/{chain.bd.id}", headers=owner,
                 json={"hours": ALWAYS_OPEN, "services": ["pickup"]})

    everyone = nearby(client)
    assert [(i["store"]["code"], i["store"]["open_now"]) for i in everyone] == [
        ("hk", False), ("bd", True)]
    assert codes(nearby(client, open_now=True)) == ["bd"]
    assert codes(nearby(client, service="try_on")) == ["hk"]
    assert codes(nearby(client, service="pickup")) == ["hk", "bd"]
    assert nearby(client, service="try_on", open_now=True) == []


def test_closed_down_stores_are_not_listed(client: TestClient, world: World,
                                           chain: Chain) -> None:
    client.patch(f"/api/v1/locations/{chain.hk.id}", json={"is_active": False},
                 headers=world.headers(world.owner(chain.merchant)))

    assert codes(nearby(client)) == ["bd"]


@pytest.mark.parametrize("params", [
    {"lat": 91}, {"lat": -90.5}, {"lon": 181}, {"lat": "north"}, {"lat": "nan"},
    {"lon": "inf"}, {"radius_km": 0}, {"radius_km": -1}, {"radius_km": 51},
    {"radius_km": "nan"}, {"limit": 0}, {"limit": 101}, {"quantity": 0},
    {"variant_id": "áo"}, {"service": "teleport"}, {"merchant": "Hoa Sen"},
    {"open_now": "sometimes"},
])
def test_bad_search_is_refused(client: TestClient, params: dict[str, Any]) -> None:
    response = client.get("/api/v1/stores/nearby", params={**LAKE, **params})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_a_point_is_required(client: TestClient) -> None:
    for params in ({"lat": 21.0}, {"lon": 105.8}, {}):
        response = client.get("/api/v1/stores/nearby", params=params)
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "validation_error"


def test_unknown_or_inactive_variant_or_merchant_is_404(client: TestClient, world: World,
                                                         chain: Chain) -> None:
    owner = world.headers(world.owner(chain.merchant))
    retired = world.product(chain.merchant, "Áo khoác cũ").variants[0].id
    assert client.patch(f"/api/v1/variants/{retired}", json={"is_active": False},
                        headers=owner).status_code == 200

    for params in ({"variant_id": 999_999}, {"variant_id": retired}, {"merchant": "nobody"}):
        response = client.get("/api/v1/stores/nearby", params={**LAKE, **params})
        assert response.status_code == 404, params
        assert response.json()["error"]["code"] == "not_found"
    for variant_id in (999_999, retired):
        response = client.get(f"/api/v1/variants/{variant_id}/availability")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_availability_adds_up_stores_and_warehouses(client: TestClient, world: World,
                                                    chain: Chain) -> None:
    chain.stock(chain.hk, 5)
    chain.stock(chain.sg, 1)
    chain.stock(chain.warehouse, 40)
    chain.keep_for_walk_ins(chain.warehouse, 10)
    chain.stock(chain.bd, 0)
    client.post("/api/v1/reservations", headers=world.headers(world.customer()),
                json={"variant_id": chain.variant_id, "location_id": chain.sg.id, "quantity": 1})

    response = client.get(f"/api/v1/variants/{chain.variant_id}/availability")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["variant_id"] == chain.variant_id
    assert body["total"] == 35
    assert body["locations"] == [
        {"location_id": chain.hk.id, "name": "Hoasen HK", "kind": "store", "city": "Hà Nội",
         "available": 5},
        {"location_id": chain.warehouse.id, "name": "Hoasen KHO", "kind": "warehouse",
         "city": "Hà Nội", "available": 30},
    ]


# --- no full scan ---------------------------------------------------------------------------

_FULL_SCAN_SQLITE = re.compile(r"^SCAN (locations|stock_levels)\b")


@contextmanager
def statements(client: TestClient) -> Iterator[list[tuple[str, Any]]]:
    """Every SELECT the app sends to the database inside the block."""
    engine = client.app.state.db.engine  # type: ignore[attr-defined]
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def full_scans(client: TestClient, seen: list[tuple[str, Any]]) -> list[str]:
    """Plan steps reading all of locations or stock_levels.

    PostgreSQL plans with sequential scans, merge and hash joins disabled (on a few rows
    their cost is arbitrary), so a Seq Scan is one no index could avoid; an index scan must
    also be bounded by the index's leading column.
    """
    engine = client.app.state.db.engine  # type: ignore[attr-defined]
    found = []
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            for statement, parameters in seen:
                plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
                found += [row[-1] for row in plan if _FULL_SCAN_SQLITE.match(row[-1])]
            return found
        leading = dict(conn.exec_driver_sql(
            "SELECT i.indexrelid::regclass::text, a.attname FROM pg_index i"
            " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
            " WHERE i.indrelid IN ('locations'::regclass, 'stock_levels'::regclass)"
        ).all())
        # A test's few rows make every plan cheap: plan as for a network of 100,000 stores,
        # where only index lookups bounded by the search are acceptable.
        for switch in ("enable_seqscan", "enable_mergejoin", "enable_hashjoin"):
            conn.exec_driver_sql(f"SET {switch} = off")
        for statement, parameters in seen:
            plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters)
            found += _pg_full_scans(_json(plan.scalar_one())[0]["Plan"], leading)
    return found


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _pg_full_scans(node: dict[str, Any], leading: dict[str, str]) -> list[str]:
    found = []
    if node.get("Relation Name") in ("locations", "stock_levels") and \
            node["Node Type"] == "Seq Scan":
        found.append(f"Seq Scan on {node['Relation Name']}")
    column = leading.get(node.get("Index Name", ""))
    if column and not re.search(rf"\b{column}\b", node.get("Index Cond", "")):
        found.append(f"{node['Node Type']} using {node['Index Name']}: "
                     f"{node.get('Index Cond', 'every entry')}")
    for child in node.get("Plans", []):
        found += _pg_full_scans(child, leading)
    return found


@pytest.mark.fresh_tables
def test_searches_never_read_every_store_or_stock_row(client: TestClient,
                                                      chain: Chain) -> None:
    chain.stock(chain.hk, 5)
    chain.stock(chain.warehouse, 5)
    searches = [
        {**LAKE, "radius_km": 50},
        {**LAKE, "variant_id": chain.variant_id, "quantity": 2, "open_now": True,
         "service": "pickup"},
        {**LAKE, "merchant": "hoasen", "limit": 1},
    ]
    with statements(client) as seen:
        for params in searches:
            assert client.get("/api/v1/stores/nearby", params=params).status_code == 200
        assert client.get(f"/api/v1/variants/{chain.variant_id}/availability").status_code == 200

    assert any("locations.lat BETWEEN" in statement for statement, _ in seen)
    assert full_scans(client, seen) == []


@pytest.mark.fresh_tables
def test_the_store_search_uses_the_coordinates_index(client: TestClient, chain: Chain) -> None:
    with statements(client) as seen:
        client.get("/api/v1/stores/nearby", params=LAKE)
    engine = client.app.state.db.engine  # type: ignore[attr-defined]
    boxes = [(s, p) for s, p in seen if "locations.lat BETWEEN" in s]
    assert boxes

    if engine.dialect.name == "postgresql":
        # PostgreSQL's choice between the box and a merchant's stores depends on statistics
        # a few test rows cannot stand for: it must only never read every store (bench/
        # nearby.py measures the plan it takes at 100,000 stores).
        assert full_scans(client, boxes) == []
        return
    with engine.connect() as conn:
        for box, parameters in boxes:
            plan = " ".join(str(row[-1]) for row in
                            conn.exec_driver_sql("EXPLAIN QUERY PLAN " + box, parameters))
            assert "ix_locations_lat_lon" in plan, plan
