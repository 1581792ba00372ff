"""The shop's cart, checkout and order pages over HTTP: prices and totals are the server's,
an order is placed once per page view however often the form is sent, refusals read as
Vietnamese on the page, and a shopper sees only their own orders."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import func, select

from o2o.config import Settings
from o2o.orders import checkout as orders_checkout
from o2o.orders.models import Order
from o2o.stores import geo
from o2o.web.i18n import distance, money
from o2o.web.shop.nearby import CITIES
from tests.orders import Shop, make_shop
from tests.world import PASSWORD, World

#: One order per order-ahead slot: a second shopper fills it.
CAPACITY = 1
HANOI = CITIES[0]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"order_ahead_slot_capacity": CAPACITY})


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return make_shop(world, client)


def sign_in(client: TestClient, phone: str = "0900000001") -> None:
    answer = client.post("/shop/login", data={"username": phone, "password": PASSWORD},
                         follow_redirects=False)
    assert answer.status_code == 303


def add(client: TestClient, variant_id: int, quantity: int = 1) -> Response:
    return client.post("/shop/cart", data={"variant": str(variant_id), "quantity": str(quantity)},
                       follow_redirects=False)


def review(client: TestClient, shop: Shop, **fields: Any) -> str:
    """Choose a fulfilment on the checkout form; the summary page's address."""
    answer = client.post("/shop/checkout", follow_redirects=False, data={
        "shop": str(shop.merchant.id), "type": "pickup", "store": str(shop.store.id), **fields})
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]  # type: ignore[no-any-return]


def key_of(page: str) -> str:
    match = re.search(r'name="key" value="([0-9a-f]+)"', page)
    assert match is not None
    return match.group(1)


def orders_count(shop: Shop) -> int:
    with shop.world.db.session() as session:
        return session.scalar(select(func.count()).select_from(Order)) or 0


def test_the_cart_is_priced_by_the_server_and_quantities_add_up(
    client: TestClient, shop: Shop
) -> None:
    added = add(client, shop.shirt, 2)
    assert added.status_code == 303
    assert added.headers["location"].endswith(f"?added={shop.shirt}")
    add(client, shop.jeans)
    add(client, shop.shirt)

    page = client.get("/shop/cart")

    assert page.status_code == 200
    assert money(3 * 199_000, "vi") in page.text  # the shirts: 2 + 1
    assert money(450_000, "vi") in page.text
    assert money(3 * 199_000 + 450_000, "vi") in page.text  # the subtotal
    assert 'class="cart-badge" data-cart-count>2<' in page.text


def test_a_line_changes_quantity_and_is_removed_at_zero(client: TestClient, shop: Shop) -> None:
    add(client, shop.shirt, 2)
    client.post(f"/shop/cart/lines/{shop.shirt}", data={"quantity": "5"})
    assert money(5 * 199_000, "vi") in client.get("/shop/cart").text

    client.post(f"/shop/cart/lines/{shop.shirt}", data={"quantity": "0"})

    assert "Giỏ hàng đang trống" in client.get("/shop/cart").text


def test_checkout_needs_a_shopper_s_sign_in(client: TestClient, shop: Shop) -> None:
    add(client, shop.shirt)
    answer = client.get(f"/shop/checkout?shop={shop.merchant.id}", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/shop/login?next=/shop/checkout")


def test_pickup_lists_the_stores_offering_it_with_their_stock(
    client: TestClient, shop: Shop
) -> None:
    sign_in(client)
    add(client, shop.shirt, 4)

    page = client.get(f"/shop/checkout?shop={shop.merchant.id}&type=pickup&near=hn")

    assert page.status_code == 200
    stores = re.findall(r'name="store" value="(\d+)"', page.text)
    assert stores == [str(shop.store.id)]  # Quận 1 takes returns only
    assert "Có đủ hàng" in page.text
    from_the_lake = geo.haversine_km(HANOI.lat, HANOI.lon, shop.store.lat, shop.store.lon)
    assert distance(from_the_lake, "vi") in page.text  # 620 m


def test_a_store_short_of_a_line_says_which(client: TestClient, shop: Shop) -> None:
    sign_in(client)
    add(client, shop.shirt, 6)  # Hoàn Kiếm holds 5

    page = client.get(f"/shop/checkout?shop={shop.merchant.id}&type=pickup")

    assert "Không đủ: Áo thun cotton" in page.text


def test_the_summary_shows_the_service_s_totals_and_placing_twice_makes_one_order(
    client: TestClient, shop: Shop
) -> None:
    sign_in(client)
    add(client, shop.shirt, 2)
    add(client, shop.jeans)
    summary = review(client, shop)
    checkout_id = int(summary.rsplit("/", 1)[1])
    with shop.world.db.session() as session:
        priced = orders_checkout.get_checkout(
            session, actor=shop.world.actor(shop.customer), checkout_id=checkout_id,
            settings=shop.world.settings).priced

    page = client.get(summary)
    key = key_of(page.text)
    first = client.post(f"{summary}/place", data={"key": key}, follow_redirects=False)
    again = client.post(f"{summary}/place", data={"key": key}, follow_redirects=False)

    assert priced.total == 2 * 199_000 + 450_000
    assert money(priced.total, "vi") in page.text
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    assert first.headers["location"].startswith("/shop/orders/")
    assert orders_count(shop) == 1
    assert shop.level(shop.store, shop.shirt) == (5, 2)
    assert "Giỏ hàng đang trống" in client.get("/shop/cart").text  # the order took its lines


def test_a_fresh_page_view_cannot_place_the_same_checkout_again(
    client: TestClient, shop: Shop
) -> None:
    sign_in(client)
    add(client, shop.shirt)
    summary = review(client, shop)
    placed = client.post(f"{summary}/place", data={"key": key_of(client.get(summary).text)},
                         follow_redirects=False)

    later = client.get(summary, follow_redirects=False)

    assert later.status_code == 303
    assert later.headers["location"] == placed.headers["location"]
    assert orders_count(shop) == 1


def test_stock_gone_meanwhile_is_named_on_the_summary_and_nothing_is_held(
    client: TestClient, shop: Shop
) -> None:
    sign_in(client)
    add(client, shop.shirt, 4)
    summary = review(client, shop)
    shop.order(shop.world.customer("+84900000002", "Trần Văn Bình"),
               lines=[{"variant_id": shop.shirt, "quantity": 3}])  # 2 left at Hoàn Kiếm

    answer = client.post(f"{summary}/place", data={"key": key_of(client.get(summary).text)})

    assert answer.status_code == 409
    assert "Không đủ hàng cho:" in answer.text
    assert "Áo thun cotton — còn 2, bạn đặt 4" in answer.text
    assert orders_count(shop) == 1
    assert shop.level(shop.store, shop.shirt) == (5, 3)


def test_a_slot_filled_meanwhile_asks_for_another_time(client: TestClient, shop: Shop) -> None:
    sign_in(client)
    add(client, shop.shirt)
    choice = client.get(f"/shop/checkout?shop={shop.merchant.id}&type=order_ahead")
    slots = re.findall(r'name="slot" value="([^"]+)"', choice.text)
    assert len(slots) > 1 and "còn 1 chỗ" in choice.text
    summary = review(client, shop, type="order_ahead", slot=slots[1])
    assert "Nhận lúc" in client.get(summary).text
    shop.order(shop.world.customer("+84900000002", "Trần Văn Bình"),
               fulfilment={"type": "order_ahead", "store_id": shop.store.id,
                           "slot_start": slots[1]})

    answer = client.post(f"{summary}/place", data={"key": key_of(client.get(summary).text)})

    assert answer.status_code == 409
    assert "Khung giờ này vừa hết chỗ." in answer.text


def test_a_delivery_with_a_bad_phone_is_marked_on_its_field(
    client: TestClient, shop: Shop
) -> None:
    sign_in(client)
    add(client, shop.shirt)

    answer = client.post("/shop/checkout", data={
        "shop": str(shop.merchant.id), "type": "delivery", "recipient_name": "Nguyễn Thị Lan",
        "recipient_phone": "12345", "address": "12 Lý Thái Tổ, Hoàn Kiếm", "city": "hn"})

    assert answer.status_code == 422
    assert re.search(r'class="form-control is-invalid" id="recipient_phone"', answer.text)
    assert 'value="12 Lý Thái Tổ, Hoàn Kiếm"' in answer.text  # what was typed is kept


def test_a_delivery_is_priced_with_its_fee_from_the_city_centre(
    client: TestClient, shop: Shop
) -> None:
    sign_in(client)
    add(client, shop.shirt)

    summary = review(client, shop, type="delivery", store="", recipient_name="Nguyễn Thị Lan",
                     recipient_phone="0900000001", address="12 Lý Thái Tổ, Hoàn Kiếm",
                     city="hn", lat="", lon="")
    page = client.get(summary)

    fee = shop.world.settings.delivery_fee
    assert money(fee, "vi") in page.text
    assert money(199_000 + fee, "vi") in page.text


def test_the_order_page_shows_the_code_its_qr_the_store_and_the_totals(
    client: TestClient, shop: Shop
) -> None:
    order = shop.order()
    sign_in(client)

    page = client.get(f"/shop/orders/{order['id']}")

    assert page.status_code == 200
    code = order["pickup_code"]
    assert f'data-code="{code}"' in page.text and "<svg" in page.text
    assert shop.store.name in page.text and "google.com/maps/dir" in page.text
    assert money(order["total"], "vi") in page.text
    assert 'data-open="true"' in page.text
    assert f'/shop/orders/{order["id"]}/cancel' in page.text  # still cancellable


def test_another_shopper_finds_no_such_order_and_a_visitor_is_sent_to_sign_in(
    client: TestClient, shop: Shop
) -> None:
    order = shop.order()

    visitor = client.get(f"/shop/orders/{order['id']}", follow_redirects=False)
    shop.world.customer("+84900000002", "Trần Văn Bình")
    sign_in(client, "0900000002")
    stranger = client.get(f"/shop/orders/{order['id']}")
    live = client.get(f"/shop/orders/{order['id']}/live")

    assert visitor.status_code == 303 and "/shop/login" in visitor.headers["location"]
    assert stranger.status_code == live.status_code == 404
    assert order["pickup_code"] not in stranger.text
    assert "Chưa có đơn hàng" in client.get("/shop/orders").text


def test_history_is_newest_first_with_a_status_badge(client: TestClient, shop: Shop) -> None:
    first = shop.order()
    second = shop.order(lines=[{"variant_id": shop.jeans, "quantity": 1}])
    shop.move(first["id"], "accepted")
    shop.move(first["id"], "ready")
    sign_in(client)

    page = client.get("/shop/orders")

    assert re.findall(r'data-order="(\d+)"', page.text) == [str(second["id"]), str(first["id"])]
    assert re.findall(r'data-status="(\w+)"', page.text) == ["placed", "ready"]
    assert ">Sẵn sàng<" in page.text and ">Đã đặt<" in page.text


def test_the_shopper_cancels_until_the_store_has_it_ready(client: TestClient, shop: Shop) -> None:
    early, ready = shop.order(), shop.order()
    shop.move(ready["id"], "accepted")
    shop.move(ready["id"], "ready")
    sign_in(client)

    cancelled = client.post(f"/shop/orders/{early['id']}/cancel")
    refused = client.post(f"/shop/orders/{ready['id']}/cancel")

    assert cancelled.status_code == 200 and 'data-status="cancelled"' in cancelled.text
    assert refused.status_code == 409
    assert "không thể huỷ tại đây" in refused.text
    assert shop.level(shop.store, shop.shirt) == (5, 2)  # only the ready order holds stock


def test_the_live_part_follows_the_order_s_moves(client: TestClient, shop: Shop) -> None:
    order = shop.order()
    sign_in(client)
    shop.move(order["id"], "accepted")

    part = client.get(f"/shop/orders/{order['id']}/live")

    assert part.status_code == 200 and part.text.lstrip().startswith('<div id="order-live"')
    assert 'data-status="accepted"' in part.text
    assert re.findall(r'class="(done|current|todo) tl-(\w+)"', part.text) == [
        ("done", "placed"), ("current", "accepted"), ("todo", "ready"), ("todo", "collected")]


def test_a_promotion_ended_meanwhile_shows_the_new_total_instead_of_charging_it(
    client: TestClient, shop: Shop
) -> None:
    owner = shop.as_(shop.world.owner(shop.merchant))
    terms = {"name": "Giảm 10% áo thun", "kind": "items_percent", "percent": 10,
             "target": {"variant_ids": [shop.shirt]}}
    promotion = client.post("/api/v1/promotions", json=terms, headers=owner).json()
    sign_in(client)
    add(client, shop.shirt, 2)
    summary = review(client, shop)
    page = client.get(summary).text
    assert 'name="total" value="358200"' in page
    client.put(f"/api/v1/promotions/{promotion['id']}", json=terms | {"is_active": False},
               headers=owner)

    answer = client.post(f"{summary}/place", data={"key": key_of(page), "total": "358200"})

    assert answer.status_code == 409
    assert "Tổng tiền đã thay đổi so với lúc bạn xem." in answer.text
    assert f"Bây giờ là {money(398_000, 'vi')}" in answer.text
    assert 'name="total" value="398000"' in answer.text
    assert orders_count(shop) == 0
