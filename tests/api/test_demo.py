"""The demo network: realistic enough to click through, and generated at benchmark scale."""

import random
from collections import Counter
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from sqlalchemy import Select, distinct, func, select
from stdnum import ean
from stdnum.vn import mst
from typer.testing import CliRunner

from o2o.auth import security
from o2o.auth.models import Role, StaffLocation, User
from o2o.catalog.models import Channel, Product, Variant
from o2o.cli import app
from o2o.config import Settings
from o2o.customers.models import CustomerProfile
from o2o.db import Database
from o2o.demo.data import CITY_CENTRES
from o2o.demo.load import load_demo, load_demo_if_empty
from o2o.demo.rows import landline, tax_code
from o2o.demo.scale import LAT_RANGE, LON_RANGE, add_network
from o2o.fields import fold, normalize_phone
from o2o.inventory.models import MovementKind, StockLevel, StockMovement
from o2o.inventory.service import reconcile
from o2o.stores.models import Location, LocationKind, LocationService, Merchant

CITIES = {"Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng"}


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings.database_url, pool_size=2)
    yield database
    database.dispose()


def count(db: Database, query: Select[int]) -> int:
    with db.session() as session:
        return session.scalar(query) or 0


def test_demo_network_has_chains_of_several_trades_in_three_cities(
    settings: Settings, db: Database
) -> None:
    said: list[str] = []

    assert load_demo_if_empty(settings, echo=said.append) is True

    with db.session() as session:
        merchants = session.scalars(select(Merchant)).all()
        stores = session.scalars(select(Location).where(Location.kind == LocationKind.STORE)).all()
        warehouses = session.scalars(
            select(Location).where(Location.kind == LocationKind.WAREHOUSE)).all()
        warehouse_services = session.scalar(
            select(func.count()).select_from(LocationService)
            .join(Location, Location.id == LocationService.location_id)
            .where(Location.kind == LocationKind.WAREHOUSE))
        cashiers = session.scalar(select(func.count(distinct(StaffLocation.location_id))))
    assert len({m.trade for m in merchants}) >= 3
    assert all(mst.is_valid(m.tax_code or "") for m in merchants)
    assert len(stores) >= 30
    assert {s.city for s in stores} == CITIES
    assert {w.merchant_id for w in warehouses} == {m.id for m in merchants}
    assert warehouse_services == 0
    assert all(normalize_phone(s.phone) == s.phone for s in stores if s.phone)
    assert all(s.hours and s.services for s in stores)
    assert cashiers == len(stores)
    assert count(db, select(func.count()).select_from(Variant)) >= 200
    assert count(db, select(func.count()).where(User.role == Role.CUSTOMER)) >= 2000
    assert "operator@demo.o2o" in "\n".join(said)


def test_demo_catalogue_has_valid_barcodes_and_prices_in_dong(
    settings: Settings, db: Database
) -> None:
    load_demo(db)

    with db.session() as session:
        variants = session.scalars(select(Variant)).all()
        products = session.scalars(select(Product)).all()
    assert all(len(v.barcode or "") == 13 and ean.is_valid(v.barcode or "") for v in variants)
    assert all(v.barcode and v.barcode.startswith("893") for v in variants)
    assert all(type(v.price) is int and v.price > 0 and v.price % 1000 == 0 for v in variants)
    assert any(v.compare_at_price for v in variants)
    assert all(v.compare_at_price is None or v.compare_at_price > v.price for v in variants)
    assert {v.channels for v in variants} == {"both", "online", "store"}
    assert len({(v.merchant_id, v.sku) for v in variants}) == len(variants)
    assert all(p.search_text == fold(p.search_text) and p.images for p in products)
    tshirt = next(p for p in products if p.name == "Áo thun cotton cổ tròn")
    assert "ao thun" in tshirt.search_text
    assert tshirt.images[0].url == "/static/demo/tshirt.svg"


def test_demo_accounts_sign_in_with_password_demo(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The demo hashes "demo" once, at production cost here; it verifies under any hasher.
    monkeypatch.setattr(security, "_hasher", PasswordHash.recommended)
    load_demo(client.app.state.db)  # type: ignore[attr-defined]
    monkeypatch.undo()

    for login, role in [("operator@demo.o2o", "operator"), ("owner@saoviet.demo.o2o", "owner"),
                        ("cashier@phoco-nhatho.demo.o2o", "cashier"), ("0900000001", "customer")]:
        signed_in = client.post("/api/v1/auth/token",
                                data={"username": login, "password": "demo"})
        assert signed_in.status_code == 200, (login, signed_in.text)
        token = signed_in.json()["access_token"]
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
        assert me["role"] == role
        assert len(me["location_ids"]) == (1 if role == "cashier" else 0)
    wrong = client.post("/api/v1/auth/token",
                        data={"username": "0900000001", "password": "demo1"})
    assert wrong.status_code == 401


def test_second_demo_load_changes_nothing(settings: Settings, db: Database) -> None:
    load_demo_if_empty(settings, echo=lambda _: None)
    users = count(db, select(func.count()).select_from(User))
    said: list[str] = []

    assert load_demo_if_empty(settings, echo=said.append) is False

    assert count(db, select(func.count()).select_from(User)) == users
    assert "not loaded" in said[0]


def test_shoppers_see_demo_merchants_and_stores(client: TestClient) -> None:
    db = client.app.state.db  # type: ignore[attr-defined]
    load_demo(db)
    with db.session() as session:
        store = session.scalar(select(Location).where(Location.code == "phoco-nhatho"))
        warehouse = session.scalar(select(Location).where(Location.kind == "warehouse"))

    merchants = client.get("/api/v1/merchants").json()
    shown = client.get(f"/api/v1/stores/{store.id}").json()

    assert {"hoasen", "saoviet", "phoco"} <= {m["slug"] for m in merchants}
    assert shown["merchant"]["name"] == "Cà Phê Phố Cổ"
    assert shown["address"] == "11 Nhà Thờ"
    assert {"order_ahead", "pickup"} <= set(shown["services"])
    assert shown["hours"][0] == {"weekday": 0, "opens": "06:30", "closes": "22:30"}
    assert client.get(f"/api/v1/stores/{warehouse.id}").status_code == 404


def test_scale_run_adds_exactly_what_was_asked_after_the_demo(db: Database) -> None:
    load_demo(db)
    with db.session() as session:
        demo_merchants = set(session.scalars(select(Merchant.id)))
    customers_before = count(db, select(func.count()).where(User.role == Role.CUSTOMER))

    add_network(db, stores=300, variants=500, customers=1000, seed=7)

    with db.session() as session:
        new_stores = session.execute(
            select(Location.lat, Location.lon).where(
                Location.kind == LocationKind.STORE, Location.merchant_id.not_in(demo_merchants))
        ).all()
        barcodes = session.scalars(
            select(Variant.barcode).where(Variant.merchant_id.not_in(demo_merchants))).all()
        phones = session.scalars(
            select(User.phone).where(User.role == Role.CUSTOMER).order_by(User.phone)).all()
        known = session.scalar(select(func.count(distinct(CustomerProfile.user_id))))
    assert len(new_stores) == 300
    assert all(LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]
               for lat, lon in new_stores)
    assert len(barcodes) == 500 and all(ean.is_valid(b or "") for b in barcodes)
    assert len(phones) == customers_before + 1000
    assert phones[-1] == f"+84{900_000_000 + customers_before + 1000}"
    assert known == len(phones)


def test_generated_phone_numbers_and_tax_codes_are_valid() -> None:
    rng = random.Random(3)

    for city in CITY_CENTRES:
        phone = landline(rng, city.name)
        assert normalize_phone(phone) == phone, city.name
    assert all(mst.is_valid(tax_code(rng, "03")) for _ in range(50))


def test_demo_stores_and_warehouses_are_stocked_and_the_ledger_explains_every_unit(
    db: Database,
) -> None:
    load_demo(db)

    with db.session() as session:
        levels = session.execute(
            select(Location.kind, StockLevel.location_id, StockLevel.on_hand,
                   StockLevel.online_buffer)
            .join(Location, Location.id == StockLevel.location_id)
        ).all()
        stores = set(session.scalars(select(Location.id).where(Location.kind == "store")))
        receipts = session.execute(
            select(StockMovement.kind, StockMovement.reason, StockMovement.reference)
            .distinct()).all()
        mismatches = reconcile(session)
    store_levels = [level for level in levels if level.kind is LocationKind.STORE]
    warehouse_levels = [level for level in levels if level.kind is LocationKind.WAREHOUSE]
    held_at = [level.location_id for level in store_levels]
    assert set(held_at) == stores
    assert min(Counter(held_at).values()) >= 10
    assert (sum(level.on_hand for level in warehouse_levels) / len(warehouse_levels)
            > 2 * sum(level.on_hand for level in store_levels) / len(store_levels))
    assert any(level.on_hand <= 2 for level in store_levels)  # low stock somewhere
    buffered = [level for level in store_levels if level.online_buffer]
    assert buffered and all(level.online_buffer < level.on_hand for level in buffered)
    assert count(db, select(func.count()).select_from(StockMovement)) == len(levels)
    assert receipts == [(MovementKind.RECEIPT, "Tồn kho đầu kỳ", "demo")]
    assert mismatches == []


def test_demo_variant_is_found_at_several_stores_of_its_own_merchant_only(
    db: Database,
) -> None:
    load_demo(db)

    with db.session() as session:
        held = session.execute(
            select(StockLevel.merchant_id, StockLevel.variant_id, Location.kind,
                   Location.merchant_id.label("location_merchant"),
                   Variant.merchant_id.label("variant_merchant"), Variant.channels)
            .join(Location, Location.id == StockLevel.location_id)
            .join(Variant, Variant.id == StockLevel.variant_id)
        ).all()
        stores_of = Counter(session.scalars(
            select(Location.merchant_id).where(Location.kind == LocationKind.STORE)))
    at_stores = [level for level in held if level.kind is LocationKind.STORE]
    stores_holding = Counter((level.merchant_id, level.variant_id) for level in at_stores)
    widest = Counter[int]()
    for (merchant_id, _), stores in stores_holding.items():
        widest[merchant_id] = max(widest[merchant_id], stores)
    assert all(level.merchant_id == level.location_merchant == level.variant_merchant
               for level in held)
    assert set(widest) == set(stores_of) and min(widest.values()) >= 3
    assert any(stores < stores_of[merchant_id]  # a shopper may have to look further
               for (merchant_id, _), stores in stores_holding.items())
    assert all(level.channels is not Channel.ONLINE for level in at_stores)
    assert all(level.channels is not Channel.STORE for level in held
               if level.kind is LocationKind.WAREHOUSE)


def test_generated_stores_hold_the_asked_number_of_their_merchants_variants(
    settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("O2O_DATABASE_URL", settings.database_url)

    result = CliRunner().invoke(app, ["demo-data", "--stores", "260", "--variants", "100",
                                      "--stock-per-store", "5", "--seed", "3"])

    assert result.exit_code == 0, result.output
    assert "1,300 stock levels: 2,600 rows in" in result.output
    with db.session() as session:
        held = session.execute(
            select(StockLevel.location_id, Location.merchant_id, Variant.merchant_id)
            .join(Location, Location.id == StockLevel.location_id)
            .join(Variant, Variant.id == StockLevel.variant_id)
        ).all()
        mismatches = reconcile(session)
    per_store = Counter(location_id for location_id, _, _ in held)
    assert len(per_store) == 260 and set(per_store.values()) == {5}
    assert all(store == variant for _, store, variant in held)
    assert count(db, select(func.count()).select_from(StockMovement)) == 260 * 5
    assert mismatches == []


@pytest.mark.parametrize("options", [
    ["--stores", "10", "--variants", "20", "--stock-per-store", "30"],
    ["--variants", "20", "--stock-per-store", "5"],
])
def test_stock_per_store_that_cannot_be_met_is_refused_before_anything_is_written(
    settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch, options: list[str]
) -> None:
    monkeypatch.setenv("O2O_DATABASE_URL", settings.database_url)

    result = CliRunner().invoke(app, ["demo-data", *options])

    assert result.exit_code == 2
    assert "--stock-per-store" in result.output
    assert count(db, select(func.count()).select_from(Merchant)) == 0
