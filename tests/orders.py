"""A shop to order from, shared by the order tests: Hoa Sen with two stores and a warehouse,
two products in stock, a customer, and the staff of each store."""

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from o2o.auth.models import User
from o2o.inventory import service as inventory_service
from o2o.orders.models import Order
from o2o.stores.models import Location, Merchant
from tests.world import World


@dataclass
class Shop:
    world: World
    client: TestClient
    merchant: Merchant
    store: Location  # Hoàn Kiếm: pickup, try-on, returns, order ahead
    other: Location  # Quận 1: returns only
    warehouse: Location
    shirt: int  # variant ids
    jeans: int
    customer: User
    cashier: User  # works at ``store``
    other_cashier: User  # works at ``other``

    def as_(self, user: User) -> dict[str, str]:
        return self.world.headers(user)

    def checkout(self, user: User | None = None, *, lines: list[dict[str, Any]] | None = None,
                 fulfilment: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
        body = {"lines": lines or [{"variant_id": self.shirt, "quantity": 2}],
                "fulfilment": fulfilment or {"type": "pickup", "store_id": self.store.id},
                **extra}
        response = self.client.post("/api/v1/checkouts", json=body,
                                     headers=self.as_(user or self.customer))
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    def order(self, user: User | None = None, key: str | None = None,
              **checkout: Any) -> dict[str, Any]:
        user = user or self.customer
        made = self.checkout(user, **checkout)
        headers = self.as_(user) | ({"Idempotency-Key": key} if key else {})
        response = self.client.post(f"/api/v1/checkouts/{made['id']}/complete", headers=headers)
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    def move(self, order_id: int, to: str, user: User | None = None) -> Any:
        return self.client.post(f"/api/v1/orders/{order_id}/transitions", json={"to": to},
                                headers=self.as_(user or self.cashier))

    def level(self, location: Location, variant_id: int) -> tuple[int, int]:
        """(on hand, reserved)."""
        with self.world.db.session() as session:
            level = inventory_service.get_level(
                session, actor=self.world.actor(self.world.owner(self.merchant)),
                location_id=location.id, variant_id=variant_id)
            return level.on_hand, level.reserved

    def reconciles(self) -> bool:
        with self.world.db.session() as session:
            return inventory_service.reconcile(session) == []


def make_shop(world: World, client: TestClient) -> Shop:
    merchant = world.merchant("hoasen")
    store = world.location(merchant, "hk", services=["pickup", "try_on", "returns",
                                                      "order_ahead", "assembly"])
    other = world.location(merchant, "q1", city="TP. Hồ Chí Minh", lat=10.7769, lon=106.7009,
                           services=["returns"])
    warehouse = world.location(merchant, "kho", kind="warehouse", services=[])
    shirt = world.product(merchant, "Áo thun cotton").variants[0].id
    jeans = world.product(merchant, "Quần jeans", variants=[
        {"sku": "jeans-32", "price": 450_000, "options": {"size": "32"}}]).variants[0].id
    for location, units in ((store, 5), (other, 3), (warehouse, 20)):
        world.stock(merchant, location, shirt, units)
        world.stock(merchant, location, jeans, units)
    return Shop(world, client, merchant, store, other, warehouse, shirt, jeans,
                world.customer(), world.staff(merchant, "cashier", [store]),
                world.staff(merchant, "cashier", [other]))


# --- helpers of the fulfilment tests (try-on, order ahead, delivery, counter) -------------

def orders_count(shop: Shop) -> int:
    with shop.world.db.session() as session:
        return session.scalar(select(func.count()).select_from(Order)) or 0


def sales(shop: Shop, location: Location, variant_id: int) -> list[tuple[int, str | None]]:
    """The sale movements of a level's ledger, oldest first: (delta, reference)."""
    response = shop.client.get(
        f"/api/v1/locations/{location.id}/stock/{variant_id}/movements",
        headers=shop.as_(shop.world.owner(shop.merchant)))
    assert response.status_code == 200, response.text
    return [(m["delta"], m["reference"]) for m in reversed(response.json())
            if m["kind"] == "sale"]


def refused(response: Any, status: int, code: str) -> dict[str, Any]:
    """Assert a refusal's status and code; its details."""
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code, error
    return error["details"]  # type: ignore[no-any-return]
