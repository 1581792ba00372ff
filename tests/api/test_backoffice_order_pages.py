"""The back office's orders over HTTP: every channel and store of the merchant, filtered and
paged; one order's timeline (who, when, where), lines, returns and refunds; who may look."""

import pytest
from fastapi.testclient import TestClient

from o2o.web.backoffice import orders as order_pages
from tests.api.test_pos_order_pages import collected, sign_in
from tests.orders import Shop, make_shop
from tests.world import World


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return make_shop(world, client)


def listed(page_text: str) -> list[int]:
    """Order numbers of the list, top to bottom."""
    return [int(part.split('"', 1)[0]) for part in page_text.split('data-order="')[1:]]


def test_the_owner_filters_orders_by_status_fulfilment_store_and_channel(shop: Shop) -> None:
    pickup = shop.order()
    try_on = shop.order(fulfilment={"type": "reserve_and_try", "store_id": shop.store.id})
    at_counter = shop.order(shop.other_cashier, fulfilment={"type": "in_store",
                                                             "store_id": shop.other.id})
    shop.move(pickup["id"], "accepted")
    sign_in(shop.client, shop.world.owner(shop.merchant), app="admin")

    def ids(**filters: str) -> list[int]:
        answer = shop.client.get("/admin/orders", params=filters)
        assert answer.status_code == 200
        return listed(answer.text)

    assert ids() == [at_counter["id"], try_on["id"], pickup["id"]]  # newest first
    assert ids(status="accepted") == [pickup["id"]]
    assert ids(type="reserve_and_try") == [try_on["id"]]
    assert ids(store=str(shop.other.id)) == [at_counter["id"]]
    assert ids(channel="pos") == [at_counter["id"]]
    assert ids(q=f"#{try_on['id']}") == [try_on["id"]]
    assert ids(status="nonsense", type="?", store="x") == ids()  # junk filters are ignored


def test_the_order_list_pages(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(order_pages, "ROWS_PER_PAGE", 2)
    made = [shop.order(lines=[{"variant_id": shop.jeans, "quantity": 1}])["id"]
            for _ in range(3)]
    sign_in(shop.client, shop.world.owner(shop.merchant), app="admin")

    first = shop.client.get("/admin/orders")
    second = shop.client.get("/admin/orders", params={"p": "2"})

    assert listed(first.text) == made[:0:-1] and "Trang 1 / 2" in first.text
    assert listed(second.text) == [made[0]]


def test_an_order_s_timeline_shows_who_when_and_where_with_its_returns(shop: Shop) -> None:
    order = collected(shop)
    line = order["lines"][0]["id"]
    back = shop.client.post(f"/api/v1/orders/{order['id']}/returns",
                            headers=shop.as_(shop.other_cashier),
                            json={"store_id": shop.other.id, "reason": "Chật",
                                  "lines": [{"line_id": line, "quantity": 1,
                                             "condition": "damaged"}]})
    assert back.status_code == 201
    sign_in(shop.client, shop.world.owner(shop.merchant), app="admin")

    page = shop.client.get(f"/admin/orders/{order['id']}")

    assert page.status_code == 200
    timeline = page.text[page.text.index('class="order-timeline"'):]
    steps = ["Đã đặt", "Đã nhận đơn", "Sẵn sàng", "Đã nhận hàng"]
    assert [timeline.index(f'<div class="what">{s}</div>') for s in steps] == sorted(
        timeline.index(f'<div class="what">{s}</div>') for s in steps)
    assert "Nguyễn Thị Lan" in timeline and shop.cashier.full_name in timeline
    assert shop.store.name in timeline
    returns = page.text[page.text.index('id="returns"'):]
    assert "Chật" in returns and "hư hỏng" in returns and shop.other.name in returns
    assert "199.000" in returns  # one of the two shirts
    refunded = page.text[page.text.index('class="refunded"'):]
    assert "199.000" in refunded[:200]


def test_only_owners_and_managers_of_the_merchant_open_its_orders(
    shop: Shop, world: World
) -> None:
    order = shop.order()
    manager_elsewhere = world.staff(shop.merchant, "manager", [shop.other])
    rival = world.merchant("saoviet")

    sign_in(shop.client, shop.cashier, app="pos")
    assert shop.client.get("/admin/orders").status_code == 403
    sign_in(shop.client, shop.customer, app="shop")
    assert shop.client.get(f"/admin/orders/{order['id']}").status_code == 403
    sign_in(shop.client, world.owner(rival), app="admin")
    assert shop.client.get(f"/admin/orders/{order['id']}").status_code == 404
    sign_in(shop.client, manager_elsewhere, app="admin")
    assert listed(shop.client.get("/admin/orders").text) == []
    assert shop.client.get(f"/admin/orders/{order['id']}").status_code == 404
