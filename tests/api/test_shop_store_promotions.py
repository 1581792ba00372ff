"""A store's page shows what a shopper walking in gets now, without a code; a product's
page shows the offers reaching it that its price cannot (buy X get Y, bundles, conditions)."""

from fastapi.testclient import TestClient

from o2o.catalog.models import Variant
from tests.orders import Shop, make_shop
from tests.world import World


def test_the_store_page_lists_the_promotions_running_at_its_counter(
    world: World, client: TestClient
) -> None:
    shop = make_shop(world, client)
    owner = shop.as_(world.owner(shop.merchant))
    terms = {"kind": "items_percent", "percent": 10, "target": {"variant_ids": [shop.shirt]}}
    for name, extra in (("Giảm 10% áo thun", {}),
                        ("Chỉ online", {"channels": ["online"]}),
                        ("Chỉ Quận 1", {"location_ids": [shop.other.id]}),
                        ("Cần mã", {"requires_coupon": True})):
        made = client.post("/api/v1/promotions", headers=owner,
                           json={"name": name, **terms, **extra})
        assert made.status_code == 201, made.text

    page = client.get(f"/shop/stores/{shop.store.id}")
    other = client.get(f"/shop/stores/{shop.other.id}")

    assert page.status_code == 200
    assert "Khuyến mãi tại cửa hàng" in page.text and "Giảm 10% áo thun" in page.text
    for hidden in ("Chỉ online", "Chỉ Quận 1", "Cần mã"):
        assert hidden not in page.text
    assert "Chỉ Quận 1" in other.text and "Chỉ online" not in other.text



def product_of(shop: Shop, variant_id: int) -> int:
    with shop.world.db.session() as session:
        variant = session.get(Variant, variant_id)
        assert variant is not None
        return variant.product_id


def test_a_product_names_the_offers_its_price_cannot_show(
    world: World, client: TestClient
) -> None:
    shop = make_shop(world, client)
    owner = shop.as_(world.owner(shop.merchant))
    shirt, jeans = product_of(shop, shop.shirt), product_of(shop, shop.jeans)
    on_shirt = {"variant_ids": [shop.shirt]}
    for terms in (
        {"name": "Mua 2 tặng 1 áo", "kind": "buy_x_get_y", "buy": 2, "get": 1, "percent": 100,
         "target": on_shirt},
        {"name": "Combo áo + quần", "kind": "bundle_price", "amount": 500_000,
         "bundle": [{"product_id": shirt}, {"product_id": jeans}]},
        {"name": "Áo giảm 20% lúc 3 giờ sáng", "kind": "items_percent", "percent": 20,
         "target": on_shirt, "happy_hours": [
             {"weekdays": [0, 1, 2, 3, 4, 5, 6], "starts": "03:00", "ends": "03:01"}]},
        {"name": "Giảm 10% áo", "kind": "items_percent", "percent": 10, "target": on_shirt},
        {"name": "Giảm 5% đơn", "kind": "order_percent", "percent": 5},
        {"name": "Mã áo", "kind": "items_percent", "percent": 30, "requires_coupon": True,
         "target": on_shirt},
        {"name": "Mua 2 tặng 1 quần", "kind": "buy_x_get_y", "buy": 2, "get": 1,
         "percent": 100, "target": {"variant_ids": [shop.jeans]}},
    ):
        made = client.post("/api/v1/promotions", headers=owner, json=terms)
        assert made.status_code == 201, made.text

    offers = client.get(f"/api/v1/products/{shirt}/promotions")
    page = client.get(f"/shop/products/{shirt}")

    assert offers.status_code == 200, offers.text
    assert [(o["name"], o["headline"]) for o in offers.json()] == [
        ("Mua 2 tặng 1 áo", "Mua 2 tặng 1"), ("Combo áo + quần", "Combo giá 500.000\xa0₫"),
        ("Áo giảm 20% lúc 3 giờ sáng", "Giảm 20%")]
    assert offers.json()[2]["happy_hours"] == ["Giờ vàng 03:00–03:01"]
    assert "Ưu đãi cho sản phẩm này" in page.text
    for name in ("Mua 2 tặng 1 áo", "Combo áo + quần", "Giờ vàng 03:00–03:01"):
        assert name in page.text
    for hidden in ("Giảm 5% đơn", "Mã áo", "Mua 2 tặng 1 quần"):
        assert hidden not in page.text
    assert client.get("/api/v1/products/999999/promotions").status_code == 404
