"""The counter's order screens over HTTP: the queue and its moves, handover by code, what a
reserve-and-try customer takes, a sale at the counter (endless aisle included) and returns
at any store. A rule that says no comes back as a message on the page and nothing changes."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from o2o.auth.models import User
from o2o.orders.models import Order
from tests.orders import Shop, make_shop
from tests.world import PASSWORD, World


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return make_shop(world, client)


def sign_in(client: TestClient, user: User, app: str = "pos") -> None:
    answer = client.post(f"/{app}/login", follow_redirects=False,
                         data={"username": user.email or user.phone, "password": PASSWORD})
    assert answer.status_code == 303, answer.text


def order_of(shop: Shop, order_id: int) -> dict[str, Any]:
    answer = shop.client.get(f"/api/v1/orders/{order_id}",
                             headers=shop.as_(shop.world.owner(shop.merchant)))
    assert answer.status_code == 200
    return answer.json()  # type: ignore[no-any-return]


def orders_count(shop: Shop) -> int:
    with shop.world.db.session() as session:
        return session.scalar(select(func.count()).select_from(Order)) or 0


def test_the_queue_lists_the_store_s_open_orders_soonest_due_first(shop: Shop) -> None:
    later = shop.order()  # a pickup: held 72 hours
    sooner = shop.order(fulfilment={"type": "reserve_and_try", "store_id": shop.store.id})
    sign_in(shop.client, shop.cashier)

    page = shop.client.get(f"/pos/stores/{shop.store.id}/orders")

    assert page.status_code == 200
    new = page.text[page.text.index('data-status="placed"'):]
    assert new.index(f'data-order="{sooner["id"]}"') < new.index(f'data-order="{later["id"]}"')
    assert "Nhận đơn" in page.text  # the pickup's first move
    assert 'hx-trigger="every 10s"' in page.text


def test_the_queue_is_for_staff_of_the_store(shop: Shop) -> None:
    url = f"/pos/stores/{shop.store.id}/orders"
    assert shop.client.get(url, follow_redirects=False).status_code == 303  # sign in first

    sign_in(shop.client, shop.other_cashier)
    assert shop.client.get(url).status_code == 403

    sign_in(shop.client, shop.customer, app="shop")
    assert shop.client.get(url).status_code == 403


def test_accept_then_ready_from_the_queue_move_the_order(shop: Shop) -> None:
    order = shop.order()
    sign_in(shop.client, shop.cashier)
    url = f"/pos/stores/{shop.store.id}/orders/{order['id']}/move"

    accepted = shop.client.post(url, data={"to": "accepted", "back": "queue"})
    ready = shop.client.post(url, data={"to": "ready"})

    assert accepted.status_code == ready.status_code == 200
    assert f"Đơn #{order['id']} hiện: sẵn sàng." in ready.text
    assert [e["status"] for e in order_of(shop, order["id"])["timeline"]] == [
        "placed", "accepted", "ready"]


def test_a_move_the_order_cannot_make_is_explained_and_changes_nothing(shop: Shop) -> None:
    order = shop.order()
    sign_in(shop.client, shop.cashier)

    answer = shop.client.post(f"/pos/stores/{shop.store.id}/orders/{order['id']}/move",
                              data={"to": "ready"})
    nonsense = shop.client.post(f"/pos/stores/{shop.store.id}/orders/{order['id']}/move",
                                data={"to": "teleported"})

    assert answer.status_code == 409 and "Đơn không thể sang bước này lúc này." in answer.text
    assert nonsense.status_code == 422
    assert order_of(shop, order["id"])["status"] == "placed"


def test_handing_over_with_the_code_collects_the_ready_order(shop: Shop) -> None:
    order = shop.order()
    shop.move(order["id"], "accepted")
    shop.move(order["id"], "ready")
    sign_in(shop.client, shop.cashier)

    answer = shop.client.post(f"/pos/stores/{shop.store.id}/handover",
                              data={"code": order["pickup_code"]})

    assert answer.status_code == 200
    assert answer.url.path == f"/pos/stores/{shop.store.id}/orders/{order['id']}"
    assert f"Đã giao đơn #{order['id']}" in answer.text
    assert order_of(shop, order["id"])["status"] == "collected"
    assert shop.level(shop.store, shop.shirt) == (3, 0)


def test_a_wrong_or_malformed_code_hands_nothing_over(shop: Shop) -> None:
    order = shop.order()
    shop.move(order["id"], "accepted")
    shop.move(order["id"], "ready")
    sign_in(shop.client, shop.cashier)
    wrong = "000000" if order["pickup_code"] != "000000" else "111111"

    unknown = shop.client.post(f"/pos/stores/{shop.store.id}/handover", data={"code": wrong})
    malformed = shop.client.post(f"/pos/stores/{shop.store.id}/handover", data={"code": "12ab"})

    assert unknown.status_code == 404
    assert "Không có đơn nào ở cửa hàng này có mã này." in unknown.text
    assert f'value="{wrong}"' in unknown.text  # the code stays in the box
    assert malformed.status_code == 422 and "Mã nhận hàng gồm 6 chữ số." in malformed.text
    assert order_of(shop, order["id"])["status"] == "ready"
    assert shop.level(shop.store, shop.shirt) == (5, 2)


def try_on(shop: Shop) -> dict[str, Any]:
    return shop.order(lines=[{"variant_id": shop.shirt, "quantity": 1},
                             {"variant_id": shop.jeans, "quantity": 1}],
                      fulfilment={"type": "reserve_and_try", "store_id": shop.store.id})


def test_a_try_on_customer_buys_one_of_two_items(shop: Shop) -> None:
    order = try_on(shop)
    shirt_line, jeans_line = (line["id"] for line in order["lines"])
    sign_in(shop.client, shop.cashier)

    answer = shop.client.post(
        f"/pos/stores/{shop.store.id}/orders/{order['id']}/try-outcome",
        data={"line": [str(shirt_line), str(jeans_line)], "quantity": ["1", "0"]})

    assert answer.status_code == 200 and answer.url.params["done"] == "tried"
    after = order_of(shop, order["id"])
    assert (after["status"], after["total"]) == ("completed", 199_000)
    assert shop.level(shop.store, shop.shirt) == (4, 0)
    assert shop.level(shop.store, shop.jeans) == (5, 0)


def test_a_try_on_outcome_of_more_than_was_held_changes_nothing(shop: Shop) -> None:
    order = try_on(shop)
    shirt_line, jeans_line = (line["id"] for line in order["lines"])
    sign_in(shop.client, shop.cashier)
    url = f"/pos/stores/{shop.store.id}/orders/{order['id']}/try-outcome"

    too_many = shop.client.post(url, data={"line": [str(shirt_line), str(jeans_line)],
                                           "quantity": ["3", "0"]})
    not_a_number = shop.client.post(url, data={"line": [str(shirt_line), str(jeans_line)],
                                               "quantity": ["một", "0"]})

    assert too_many.status_code == 422 and "Chỉ giữ 1." in too_many.text
    assert not_a_number.status_code == 422 and "Hãy nhập số nguyên cho từng món." in \
        not_a_number.text
    assert order_of(shop, order["id"])["status"] == "placed"
    assert shop.level(shop.store, shop.shirt) == (5, 1)


def scan(shop: Shop, code: str, source: int | None = None) -> Any:
    if source is None:
        return shop.client.post(f"/pos/stores/{shop.store.id}/sale/scan", data={"code": code})
    return shop.client.post(f"/pos/stores/{shop.store.id}/sale/add",
                            data={"sku": code, "source": str(source)})


def test_a_counter_sale_is_scanned_given_a_customer_and_paid(shop: Shop) -> None:
    sign_in(shop.client, shop.cashier)
    scan(shop, "ao-thun-cotton-1")
    scan(shop, "AO-THUN-COTTON-1")
    customer = shop.client.post(f"/pos/stores/{shop.store.id}/sale/customer",
                                data={"phone": "0900 000 001", "name": ""})
    assert customer.status_code == 200 and "Nguyễn Thị Lan" in customer.text
    assert "398.000" in customer.text and "Thu tiền tại quầy" in customer.text
    key = re.search(r'name="key" value="(\w+)"', customer.text)
    assert key is not None

    paid = shop.client.post(f"/pos/stores/{shop.store.id}/sale/complete",
                            data={"key": key[1]})
    again = shop.client.post(f"/pos/stores/{shop.store.id}/sale/complete",
                             data={"key": key[1]})

    assert paid.status_code == 200 and paid.url.params["done"] == "sold"
    order_id = int(paid.url.path.split("/")[-2])
    sold = order_of(shop, order_id)
    assert (sold["status"], sold["total"], sold["customer_id"]) == (
        "completed", 398_000, shop.customer.id)
    assert again.url.path.endswith("/sale") and orders_count(shop) == 1
    assert shop.level(shop.store, shop.shirt) == (3, 0)


def test_a_promotion_ended_before_pay_shows_the_new_total_and_sells_nothing(
        shop: Shop) -> None:
    owner = shop.as_(shop.world.owner(shop.merchant))
    terms = {"name": "Giảm 10% áo thun", "kind": "items_percent", "percent": 10,
             "target": {"variant_ids": [shop.shirt]}}
    promotion = shop.client.post("/api/v1/promotions", json=terms, headers=owner).json()
    sign_in(shop.client, shop.cashier)
    sale = scan(shop, "ao-thun-cotton-1")
    key = re.search(r'name="key" value="(\w+)"', sale.text)
    assert key is not None and 'name="total" value="179100"' in sale.text
    shop.client.put(f"/api/v1/promotions/{promotion['id']}", json=terms | {"is_active": False},
                    headers=owner)

    paid = shop.client.post(f"/pos/stores/{shop.store.id}/sale/complete",
                            data={"key": key[1], "total": "179100"})

    assert paid.status_code == 409
    assert "Tổng tiền đã thay đổi so với lúc hiển thị." in paid.text
    assert 'name="total" value="199000"' in paid.text
    assert orders_count(shop) == 0


def test_a_wrong_phone_or_code_on_the_sale_is_explained_and_changes_nothing(
    shop: Shop
) -> None:
    sign_in(shop.client, shop.cashier)
    scan(shop, "ao-thun-cotton-1")

    unknown = scan(shop, "KHONG-CO")
    bad_phone = shop.client.post(f"/pos/stores/{shop.store.id}/sale/customer",
                                 data={"phone": "12", "name": ""})
    bad_quantity = shop.client.post(f"/pos/stores/{shop.store.id}/sale/lines",
                                    data={"variant": str(shop.shirt), "quantity": "hai"})

    assert unknown.status_code == 404 and "Không có sản phẩm nào mang mã KHONG-CO" in unknown.text
    assert bad_phone.status_code == 422 and "Số điện thoại này không dùng được" in bad_phone.text
    assert bad_quantity.status_code == 422
    page = shop.client.get(f"/pos/stores/{shop.store.id}/sale")
    assert page.text.count('name="variant"') == 2  # one line: its quantity and remove forms
    assert 'value="1"' in page.text and "Nguyễn" not in page.text


def test_an_item_short_here_is_sold_from_the_warehouse_for_pickup_here(shop: Shop) -> None:
    shop.world.stock(shop.merchant, shop.store, shop.jeans, 0)
    sign_in(shop.client, shop.cashier)

    short = scan(shop, "JEANS-32")
    assert short.status_code == 409
    assert "Kho" in short.text and f'name="source" value="{shop.warehouse.id}"' in short.text

    added = scan(shop, "JEANS-32", source=shop.warehouse.id)
    assert added.status_code == 200 and "từ Hoasen KHO" in added.text
    key = re.search(r'name="key" value="(\w+)"', added.text)
    assert key is not None
    paid = shop.client.post(f"/pos/stores/{shop.store.id}/sale/complete", data={"key": key[1]})

    order = order_of(shop, int(paid.url.path.split("/")[-2]))
    assert (order["fulfilment"]["type"], order["status"]) == ("pickup", "placed")
    assert order["lines"][0]["location_id"] == shop.warehouse.id
    assert shop.level(shop.warehouse, shop.jeans) == (20, 1)


def test_assembly_is_booked_with_a_counter_sale(shop: Shop) -> None:
    sign_in(shop.client, shop.cashier)
    scan(shop, "ao-thun-cotton-1")

    no_time = shop.client.post(f"/pos/stores/{shop.store.id}/sale/services",
                               data={"service": "assembly", "day": "", "time": ""})
    booked = shop.client.post(f"/pos/stores/{shop.store.id}/sale/services",
                              data={"service": "assembly", "day": "2030-01-15",
                                    "time": "09:30", "address": "12 Lý Thái Tổ"})

    assert no_time.status_code == 422 and "Hãy chọn ngày và giờ" in no_time.text
    assert booked.status_code == 200 and "12 Lý Thái Tổ" in booked.text
    key = re.search(r'name="key" value="(\w+)"', booked.text)
    assert key is not None
    paid = shop.client.post(f"/pos/stores/{shop.store.id}/sale/complete", data={"key": key[1]})
    assert paid.status_code == 200 and "12 Lý Thái Tổ" in paid.text  # on its payment step
    services = order_of(shop, int(paid.url.path.split("/")[-2]))["services"]
    assert [(s["service"], s["scheduled_at"][:16]) for s in services] == [
        ("assembly", "2030-01-15T02:30")]  # 09:30 in Hà Nội


def collected(shop: Shop) -> dict[str, Any]:
    order = shop.order()
    shop.move(order["id"], "accepted")
    shop.move(order["id"], "ready")
    handed = shop.client.post("/api/v1/pickups/handover", headers=shop.as_(shop.cashier),
                              json={"store_id": shop.store.id, "code": order["pickup_code"]})
    assert handed.status_code == 200
    return order


def test_an_order_collected_in_one_store_is_returned_in_another(shop: Shop) -> None:
    order = collected(shop)
    line = order["lines"][0]["id"]
    sign_in(shop.client, shop.other_cashier)
    url = f"/pos/stores/{shop.other.id}/returns"

    found = shop.client.get(url, params={"q": f"#{order['id']}"})
    preview = shop.client.post(f"{url}/{order['id']}/preview",
                               data={"line": str(line), "quantity": "1"})
    answer = shop.client.post(f"{url}/{order['id']}", data={
        "line": str(line), "quantity": "1", "condition": "resellable", "reason": "Chật"})

    assert found.status_code == 200 and "Áo thun cotton" in found.text
    assert "199.000" in preview.text
    assert answer.status_code == 200
    assert "Đã nhận hàng trả. Hoàn cho khách: 199.000" in answer.text
    assert order_of(shop, order["id"])["refunded"] == 199_000
    assert shop.level(shop.other, shop.shirt) == (4, 0)


def test_a_return_of_more_than_was_sold_is_refused_and_changes_nothing(shop: Shop) -> None:
    order = collected(shop)
    line = order["lines"][0]["id"]
    sign_in(shop.client, shop.other_cashier)
    url = f"/pos/stores/{shop.other.id}/returns/{order['id']}"

    too_many = shop.client.post(url, data={"line": str(line), "quantity": "3",
                                           "condition": "damaged"})
    nothing = shop.client.post(url, data={"line": str(line), "quantity": "0"})
    not_yet = shop.order()
    early = shop.client.post(f"/pos/stores/{shop.other.id}/returns/{not_yet['id']}",
                             data={"line": str(not_yet["lines"][0]["id"]), "quantity": "1"})

    assert too_many.status_code == 422 and "Nhiều hơn số có thể trả." in too_many.text
    assert nothing.status_code == 422
    assert early.status_code == 409 and "Đơn này không thể trả." in early.text
    assert order_of(shop, order["id"])["refunded"] == 0
    assert shop.level(shop.other, shop.shirt) == (3, 0)


def test_another_merchant_s_order_is_not_found_for_a_return(
    shop: Shop, world: World
) -> None:
    order = collected(shop)
    rival = world.merchant("saoviet")
    rival_store = world.location(rival, "cg", services=["returns"])
    rival_cashier = world.staff(rival, "cashier", [rival_store])
    sign_in(shop.client, rival_cashier)

    found = shop.client.get(f"/pos/stores/{rival_store.id}/returns",
                            params={"q": str(order["id"])})

    assert found.status_code == 200 and "Không có đơn nào của cửa hàng có số" in found.text
