"""A store's page shows what a shopper walking in gets now, without a code."""

from fastapi.testclient import TestClient

from tests.orders import make_shop
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
