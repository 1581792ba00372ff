"""Returns anywhere: goods of any order come back at any store that takes returns, whole or
in part, within the return window; stock, refunds, ledger and outbox stay consistent."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from o2o.auth.models import User
from o2o.orders import returns
from o2o.orm import utcnow
from o2o.outbox import service as outbox_service
from o2o.stores.models import Location
from tests.orders import Shop, make_shop
from tests.world import World


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return make_shop(world, client)


def collected(shop: Shop, lines: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A pickup order the customer collected at Hoàn Kiếm."""
    order = shop.order(lines=lines)
    shop.move(order["id"], "accepted")
    shop.move(order["id"], "ready")
    handed = shop.client.post("/api/v1/pickups/handover", headers=shop.as_(shop.cashier),
                              json={"store_id": shop.store.id, "code": order["pickup_code"]})
    assert handed.status_code == 200, handed.text
    return handed.json()  # type: ignore[no-any-return]


def give_back(shop: Shop, order: dict[str, Any], lines: list[tuple[Any, ...]], *,
              at: Location | None = None, by: User | None = None,
              reason: str = "Không vừa size") -> Any:
    """Record a return of ``(line index, quantity[, condition])`` at ``at`` (Quận 1)."""
    body = {"store_id": (at or shop.other).id, "reason": reason, "lines": [
        {"line_id": order["lines"][entry[0]]["id"], "quantity": entry[1],
         **({"condition": entry[2]} if len(entry) > 2 else {})}
        for entry in lines]}
    return shop.client.post(f"/api/v1/orders/{order['id']}/returns", json=body,
                            headers=shop.as_(by or shop.other_cashier))


def reread(shop: Shop, order: dict[str, Any]) -> dict[str, Any]:
    response = shop.client.get(f"/api/v1/orders/{order['id']}", headers=shop.as_(shop.customer))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def returned_events(shop: Shop, order: dict[str, Any]) -> list[dict[str, Any]]:
    with shop.world.db.session() as session:
        return [event.payload for event in outbox_service.events_of(
            session, subject=f"order:{order['id']}") if event.topic == "order.returned"]


def state(shop: Shop, order: dict[str, Any]) -> tuple[Any, ...]:
    """Everything a refused return must leave as it was."""
    body = reread(shop, order)
    listed = shop.client.get(f"/api/v1/orders/{order['id']}/returns",
                             headers=shop.as_(shop.customer)).json()
    levels = [shop.level(location, variant) for location in (shop.store, shop.other)
              for variant in (shop.shirt, shop.jeans)]
    return (body["refunded"], [line["quantity_returned"] for line in body["lines"]],
            len(listed), levels, len(returned_events(shop, order)))


def refused(shop: Shop, order: dict[str, Any], response: Any, status: int,
            code: str | None, before: tuple[Any, ...]) -> None:
    assert response.status_code == status, response.text
    if code is not None:
        assert response.json()["error"]["code"] == code
    assert state(shop, order) == before
    assert shop.reconciles()


def test_a_pickup_collected_in_hanoi_is_returned_in_full_in_saigon(shop: Shop) -> None:
    order = collected(shop)
    assert shop.level(shop.store, shop.shirt) == (3, 0)

    response = give_back(shop, order, [(0, 2)])

    assert response.status_code == 201, response.text
    made = response.json()
    assert (made["location_id"], made["user_id"], made["amount"]) == (
        shop.other.id, shop.other_cashier.id, 398_000)
    assert [(r["quantity"], r["condition"], r["amount"]) for r in made["lines"]] == [
        (2, "resellable", 398_000)]
    assert shop.level(shop.other, shop.shirt) == (5, 0)  # back on Quận 1's shelf
    assert shop.level(shop.store, shop.shirt) == (3, 0)  # not Hoàn Kiếm's
    assert shop.reconciles()
    body = reread(shop, order)
    assert body["refunded"] == body["total"] == 398_000
    assert body["lines"][0]["quantity_returned"] == 2
    [event] = returned_events(shop, order)
    assert (event["return_id"], event["amount"], event["location_id"],
            event["customer_id"]) == (made["id"], 398_000, shop.other.id, shop.customer.id)
    assert event["lines"] == [{"order_line_id": order["lines"][0]["id"],
                               "variant_id": shop.shirt, "quantity": 2, "amount": 398_000}]
    listed = shop.client.get(f"/api/v1/orders/{order['id']}/returns",
                             headers=shop.as_(shop.customer)).json()
    assert [r["id"] for r in listed] == [made["id"]]


def test_partial_returns_over_two_visits_never_exceed_what_was_sold(shop: Shop) -> None:
    order = collected(shop)
    assert give_back(shop, order, [(0, 1)]).status_code == 201
    before = state(shop, order)

    too_many = give_back(shop, order, [(0, 2)], at=shop.store, by=shop.cashier)

    refused(shop, order, too_many, 422, "return_quantity", before)
    assert too_many.json()["error"]["details"]["returnable"] == 1
    assert give_back(shop, order, [(0, 1)], at=shop.store, by=shop.cashier).status_code == 201
    after = state(shop, order)
    refused(shop, order, give_back(shop, order, [(0, 1)]), 422, "return_quantity", after)
    assert shop.level(shop.other, shop.shirt) == (4, 0)
    assert shop.level(shop.store, shop.shirt) == (4, 0)
    assert reread(shop, order)["refunded"] == 398_000


def test_refunds_of_partial_returns_add_up_to_exactly_what_the_line_cost(shop: Shop) -> None:
    socks = shop.world.product(shop.merchant, "Tất cổ ngắn", variants=[
        {"sku": "tat-1", "price": 12_345, "options": {"màu": "xám"}}]).variants[0].id
    shop.world.stock(shop.merchant, shop.store, socks, 10)
    order = collected(shop, [{"variant_id": socks, "quantity": 7},
                             {"variant_id": shop.jeans, "quantity": 1}])
    amounts = []
    for quantity, store, cashier in ((2, shop.other, shop.other_cashier),
                                     (1, shop.store, shop.cashier),
                                     (4, shop.other, shop.other_cashier)):
        response = give_back(shop, order, [(0, quantity)], at=store, by=cashier)
        assert response.status_code == 201, response.text
        amounts.append(response.json()["amount"])
    body = reread(shop, order)
    assert sum(amounts) == body["lines"][0]["total"] == 7 * 12_345
    assert body["refunded"] == 7 * 12_345 and body["lines"][0]["quantity_returned"] == 7
    assert [e["amount"] for e in returned_events(shop, order)] == amounts
    assert shop.level(shop.store, socks) == (4, 0)
    assert shop.reconciles()


def test_one_visit_returns_several_lines_and_sums_their_refunds(shop: Shop) -> None:
    order = collected(shop, [{"variant_id": shop.shirt, "quantity": 2},
                             {"variant_id": shop.jeans, "quantity": 1}])
    response = give_back(shop, order, [(0, 1), (1, 1)])
    assert response.status_code == 201, response.text
    assert response.json()["amount"] == 199_000 + 450_000
    assert reread(shop, order)["refunded"] == 649_000
    assert shop.level(shop.other, shop.jeans) == (4, 0)


def test_damaged_goods_are_returned_and_written_off(shop: Shop) -> None:
    order = collected(shop)
    response = give_back(shop, order, [(0, 1, "damaged")], reason="Rách đường may")
    assert response.status_code == 201, response.text
    assert response.json()["amount"] == 199_000
    assert shop.level(shop.other, shop.shirt) == (3, 0)  # nothing back on sale
    ledger = shop.client.get(
        f"/api/v1/locations/{shop.other.id}/stock/{shop.shirt}/movements",
        headers=shop.as_(shop.world.owner(shop.merchant))).json()
    assert [(m["kind"], m["delta"], m["reason"], m["reference"]) for m in ledger[:2]] == [
        ("damage", -1, "Rách đường may", f"order:{order['id']}"),
        ("return", 1, "Rách đường may", f"order:{order['id']}")]
    assert shop.reconciles()


def test_a_counter_sale_comes_back_too(shop: Shop) -> None:
    made = shop.checkout(shop.cashier, fulfilment={"type": "in_store", "store_id": shop.store.id})
    sold = shop.client.post(f"/api/v1/checkouts/{made['id']}/complete",
                            headers=shop.as_(shop.cashier))
    assert sold.status_code == 201, sold.text
    order = sold.json()
    assert order["status"] == "completed" and shop.level(shop.store, shop.shirt) == (3, 0)

    response = give_back(shop, order, [(0, 2)], at=shop.store, by=shop.cashier)

    assert response.status_code == 201, response.text
    assert response.json()["amount"] == 398_000
    assert shop.level(shop.store, shop.shirt) == (5, 0)
    assert shop.reconciles()


def test_a_store_without_returns_refuses_them(shop: Shop) -> None:
    kiosk = shop.world.location(shop.merchant, "bt", services=["pickup"])
    clerk = shop.world.staff(shop.merchant, "cashier", [kiosk])
    order = collected(shop)
    before = state(shop, order)
    response = give_back(shop, order, [(0, 1)], at=kiosk, by=clerk)
    refused(shop, order, response, 422, "service_not_offered", before)
    assert shop.level(kiosk, shop.shirt) == (0, 0)


def test_an_order_not_yet_handed_over_cannot_come_back(shop: Shop) -> None:
    order = shop.order()
    shop.move(order["id"], "accepted")
    before = state(shop, order)
    refused(shop, order, give_back(shop, order, [(0, 1)]), 409, "return_not_allowed", before)


def test_returns_close_with_the_window(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    order = collected(shop)
    days = shop.world.settings.return_days
    before = state(shop, order)
    monkeypatch.setattr(returns, "utcnow", lambda: utcnow() + timedelta(days=days, hours=1))

    response = give_back(shop, order, [(0, 1)])

    refused(shop, order, response, 409, "return_not_allowed", before)
    assert "window_ended_at" in response.json()["error"]["details"]
    monkeypatch.setattr(returns, "utcnow", lambda: utcnow() + timedelta(days=days - 1))
    assert give_back(shop, order, [(0, 1)]).status_code == 201  # the day before: still open


def test_a_cashier_of_another_merchant_does_not_find_the_order(shop: Shop) -> None:
    rival = shop.world.merchant("saoviet", trade="electronics")
    their_store = shop.world.location(rival, "q3", services=["returns"])
    their_cashier = shop.world.staff(rival, "cashier", [their_store])
    order = collected(shop)
    before = state(shop, order)
    for store in (their_store, shop.other):
        response = give_back(shop, order, [(0, 1)], at=store, by=their_cashier)
        refused(shop, order, response, 404, "not_found", before)


def test_a_customer_cannot_record_their_own_return(shop: Shop) -> None:
    order = collected(shop)
    before = state(shop, order)
    response = give_back(shop, order, [(0, 1)], by=shop.customer)
    refused(shop, order, response, 403, None, before)


def test_a_line_of_another_order_or_a_bad_body_writes_nothing(shop: Shop) -> None:
    order = collected(shop)
    other = collected(shop, [{"variant_id": shop.jeans, "quantity": 1}])
    before = state(shop, order)
    foreign = shop.client.post(f"/api/v1/orders/{order['id']}/returns",
                               headers=shop.as_(shop.other_cashier), json={
                                   "store_id": shop.other.id,
                                   "lines": [{"line_id": other["lines"][0]["id"],
                                              "quantity": 1}]})
    refused(shop, order, foreign, 404, "not_found", before)
    same_line = {"line_id": order["lines"][0]["id"], "quantity": 1}
    twice = shop.client.post(f"/api/v1/orders/{order['id']}/returns",
                             headers=shop.as_(shop.other_cashier),
                             json={"store_id": shop.other.id, "lines": [same_line] * 2})
    refused(shop, order, twice, 422, None, before)
