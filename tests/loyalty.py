"""Helpers of the loyalty and cashback tests: Hoa Sen (``tests.orders``) with a points
programme, orders taken to the customer, paid, returned, and what the wallet shows."""

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from o2o.auth.models import User
from o2o.config import Settings
from o2o.loyalty import cashback, service
from o2o.orm import utcnow
from o2o.outbox import service as outbox
from tests.orders import Shop, make_shop
from tests.world import World

VISA = "4111 1111 1111 1111"
#: Silver from the first đồng, gold from 500.000 đ of lifetime spend (points ×1.5).
TIERS = [{"name": "Bạc", "threshold": 0, "multiplier_percent": 100, "benefit": ""},
         {"name": "Vàng", "threshold": 500_000, "multiplier_percent": 150,
          "benefit": "Miễn phí giao hàng"}]
#: A point per 10.000 đ paid, worth 1.000 đ when spent, for 12 months.
PROGRAMME = {"earn_dong_per_point": 10_000, "point_value": 1_000, "expiry_months": 12,
             "tiers": TIERS}


def loyal_shop(world: World, client: Any, **programme: Any) -> Shop:
    shop = make_shop(world, client)
    response = client.put("/api/v1/loyalty/programme", json=PROGRAMME | programme,
                          headers=shop.as_(world.owner(shop.merchant)))
    assert response.status_code == 200, response.text
    return shop


def deliver(shop: Shop) -> None:
    """Deliver the outbox's pending events, as the background loop does."""
    with shop.world.db.session() as session:
        outbox.deliver_pending(session)


def collect(shop: Shop, order: dict[str, Any]) -> None:
    """The store prepares a pickup order and hands it over with its code."""
    for to in ("accepted", "ready"):
        assert shop.move(order["id"], to).status_code == 200
    handed = shop.client.post("/api/v1/pickups/handover", headers=shop.as_(shop.cashier),
                              json={"store_id": shop.store.id, "code": order["pickup_code"]})
    assert handed.status_code == 200, handed.text
    deliver(shop)


def counter_sale(shop: Shop, lines: list[dict[str, Any]] | None = None,
                 **extra: Any) -> dict[str, Any]:
    """The Hoàn Kiếm cashier sells to the customer (known by phone) at the counter."""
    order = shop.order(shop.cashier, lines=lines, customer_phone=shop.customer.phone,
                       fulfilment={"type": "in_store", "store_id": shop.store.id}, **extra)
    deliver(shop)
    return order


def pay_by_card(shop: Shop, order: dict[str, Any]) -> None:
    response = shop.client.post(f"/api/v1/orders/{order['id']}/payments",
                                json={"method": "card", "card_number": VISA},
                                headers=shop.as_(shop.customer))
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "captured", response.json()


def give_back(shop: Shop, order: dict[str, Any], quantity: int = 1,
              line: int = 0) -> dict[str, Any]:
    response = shop.client.post(
        f"/api/v1/orders/{order['id']}/returns", headers=shop.as_(shop.cashier),
        json={"store_id": shop.store.id,
              "lines": [{"line_id": order["lines"][line]["id"], "quantity": quantity}]})
    assert response.status_code == 201, response.text
    deliver(shop)
    return response.json()  # type: ignore[no-any-return]


def wallet(shop: Shop, user: User | None = None) -> dict[str, Any]:
    response = shop.client.get("/api/v1/me/wallet", headers=shop.as_(user or shop.customer))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def points(shop: Shop, user: User | None = None) -> dict[str, Any]:
    """The customer's account at the shop, as the wallet shows it."""
    [account] = [a for a in wallet(shop, user)["points"]
                 if a["merchant_id"] == shop.merchant.id]
    return account


def grant(shop: Shop, amount: int, note: str = "Quà sinh nhật") -> Any:
    """The owner adds points to the customer (known to the shop from then on)."""
    owner = shop.as_(shop.world.owner(shop.merchant))
    shop.client.post("/api/v1/customers", headers=owner,
                     json={"phone": shop.customer.phone, "full_name": shop.customer.full_name})
    return shop.client.post(f"/api/v1/loyalty/customers/{shop.customer.id}/adjustments",
                            headers=owner, json={"points": amount, "note": note})


def later(days: int) -> Any:
    return utcnow() + timedelta(days=days)


def run_due(shop: Shop, days: int) -> None:
    """The background loop's loyalty round, ``days`` from now."""
    with shop.world.db.session() as session:
        service.expire_due(session, now=later(days))
        cashback.credit_due(session, now=later(days))


def reconciles(shop: Shop) -> bool:
    with shop.world.db.session() as session:
        return service.reconcile(session) == [] and cashback.reconcile(session) == []


def today() -> date:
    """The network's local day now (Asia/Ho_Chi_Minh), as the settlement counts days."""
    return utcnow().astimezone(ZoneInfo(Settings().timezone)).date()
