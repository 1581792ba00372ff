"""The back office's promotion pages over HTTP: the form saves what the API would, refuses
bad terms on the page with nothing saved, previews its discount on a sample cart; coupon
batches download; only owners and managers of the merchant get in."""

import csv
import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from o2o.catalog import service as catalog_service
from tests.api.test_pos_order_pages import sign_in
from tests.orders import Shop, make_shop
from tests.world import World

FORM = {"name": "Giảm 10% áo thun", "kind": "items_percent", "percent": "10",
        "priority": "100", "channels": "both", "stackable": "on", "is_active": "on"}


@pytest.fixture
def shop(world: World, client: TestClient) -> Shop:
    return make_shop(world, client)


def product_of(shop: Shop, variant_id: int) -> int:
    with shop.world.db.session() as session:
        variant = catalog_service.get_variant(session, variant_id=variant_id)
        assert variant is not None
        return variant.product_id


def promotions(shop: Shop) -> list[dict[str, Any]]:
    answer = shop.client.get("/api/v1/promotions",
                             headers=shop.as_(shop.world.owner(shop.merchant)))
    assert answer.status_code == 200
    return answer.json()  # type: ignore[no-any-return]


def terms(promotion: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in promotion.items()
            if k not in ("id", "created_at", "merchant_id", "uses", "spent")}


def create(shop: Shop, **fields: str | list[str]) -> int:
    """Save the form (as the signed-in owner); the new promotion's id."""
    answer = shop.client.post("/admin/promotions", data=FORM | fields, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].split("/")[-1].split("?")[0])


def test_the_form_saves_what_the_api_would(shop: Shop) -> None:
    shirt_product = product_of(shop, shop.shirt)
    sign_in(shop.client, shop.world.owner(shop.merchant), app="admin")

    made = create(shop, product_ids=[str(shirt_product)], channels="pos",
                  location_ids=[str(shop.store.id)], starts_at="2026-12-01T08:00",
                  ends_at="2026-12-31T22:00", hh0_days=["0", "1", "2"], hh0_starts="14:00",
                  hh0_ends="16:00", usage_limit="100", budget="5.000.000", max_discount="50000",
                  tiers="gold, silver", first_order="on", priority="50", exclusive="on",
                  amount="70000")  # an amount left from another kind is not kept

    expected = shop.client.post("/api/v1/promotions", headers=shop.as_(
        shop.world.owner(shop.merchant)), json={
        "name": "Giảm 10% áo thun", "kind": "items_percent", "percent": 10,
        "target": {"product_ids": [shirt_product]}, "channels": ["pos"],
        "location_ids": [shop.store.id], "starts_at": "2026-12-01T01:00:00Z",
        "ends_at": "2026-12-31T15:00:00Z",
        "happy_hours": [{"weekdays": [0, 1, 2], "starts": "14:00", "ends": "16:00"}],
        "usage_limit": 100, "budget": 5_000_000, "max_discount": 50_000,
        "audience": {"tiers": ["gold", "silver"], "first_order": True}, "priority": 50,
        "exclusive": True})
    saved = {p["id"]: p for p in promotions(shop)}
    assert terms(saved[made]) == terms(expected.json())

    page = shop.client.get(f"/admin/promotions/{made}")
    assert 'value="2026-12-01T08:00"' in page.text  # shown again in Vietnam time
    assert 'value="5000000"' in page.text


def test_editing_changes_the_terms_and_keeps_the_usage(shop: Shop) -> None:
    sign_in(shop.client, shop.world.owner(shop.merchant), app="admin")
    made = create(shop, variant_ids=[str(shop.shirt)])

    answer = shop.client.post(f"/admin/promotions/{made}", follow_redirects=False,
                              data=FORM | {"kind": "order_fixed", "amount": "30.000",
                                           "percent": "10", "requires_coupon": "on",
                                           "variant_ids": [str(shop.shirt)]})

    assert answer.status_code == 303
    [saved] = promotions(shop)
    assert (saved["kind"], saved["amount"], saved["percent"]) == ("order_fixed", 30_000, 0)
    assert saved["requires_coupon"] and saved["target"]["variant_ids"] == [shop.shirt]
    assert "Đã lưu thay đổi" in shop.client.get(answer.headers["location"]).text


@pytest.mark.parametrize(("fields", "shown"), [
    ({"percent": "150"}, 'id="percent" name="percent"'),
    ({"name": ""}, 'id="name" name="name"'),
    ({"budget": "nhiều"}, 'id="budget" name="budget"'),
    ({"starts_at": "2026-12-31T08:00", "ends_at": "2026-12-01T08:00"}, "Nothing"),
])
def test_bad_terms_are_explained_on_the_form_and_nothing_is_saved(
    shop: Shop, fields: dict[str, str], shown: str
) -> None:
    sign_in(shop.client, shop.world.owner(shop.merchant), app="admin")

    answer = shop.client.post("/admin/promotions", data=FORM | fields)

    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")
    assert "Không có gì được lưu." in answer.text
    if shown != "Nothing":
        field = answer.text[answer.text.index(shown) - 60:answer.text.index(shown)]
        assert "is-invalid" in field
    else:
        assert "Các điều khoản này không dùng được" in answer.text
    assert promotions(shop) == []


def test_another_shop_s_product_is_refused_on_the_form(shop: Shop, world: World) -> None:
    rival = world.merchant("saoviet", trade="electronics")
    theirs = world.product(rival, "Tai nghe").id
    sign_in(shop.client, world.owner(shop.merchant), app="admin")

    answer = shop.client.post("/admin/promotions", data=FORM | {"product_ids": [str(theirs)]})

    assert answer.status_code == 422
    assert "Một số mục đã chọn không thuộc cửa hàng này." in answer.text
    assert promotions(shop) == []


def test_the_preview_shows_the_discount_before_anything_is_saved(shop: Shop) -> None:
    sign_in(shop.client, shop.world.owner(shop.merchant), app="admin")
    running = create(shop, name="Giảm 50.000 đơn", kind="order_fixed", amount="50000",
                     min_spend="1.000.000")

    answer = shop.client.post("/admin/promotions/preview", headers={"HX-Request": "true"},
                              data=FORM | {"variant_ids": [str(shop.shirt)],
                                           "sample_variant": [str(shop.shirt), str(shop.jeans)],
                                           "sample_qty": ["2", "1"]})

    assert answer.status_code == 200
    assert 'data-preview-discount="39800"' in answer.text  # 10% of 2 × 199.000
    assert "Giảm 10% cho Áo thun cotton" in answer.text
    assert "848.000" in answer.text and "808.200" in answer.text  # subtotal, total
    assert "Giảm 50.000 đơn" in answer.text and "Cần mua tối thiểu" in answer.text  # skipped
    assert [p["id"] for p in promotions(shop)] == [running]


def test_the_preview_of_an_edit_replaces_the_saved_promotion(shop: Shop) -> None:
    sign_in(shop.client, shop.world.owner(shop.merchant), app="admin")
    made = create(shop, variant_ids=[str(shop.shirt)])

    answer = shop.client.post("/admin/promotions/preview", data=FORM | {
        "promotion_id": str(made), "percent": "20", "variant_ids": [str(shop.shirt)],
        "sample_variant": [str(shop.shirt)], "sample_qty": ["1"]})

    assert 'data-preview-discount="39800"' in answer.text  # 20%, and not 10% on top
    assert "159.200" in answer.text


def test_a_batch_downloads_as_csv_and_prints_as_a_sheet(shop: Shop) -> None:
    sign_in(shop.client, shop.world.owner(shop.merchant), app="admin")
    made = create(shop, requires_coupon="on")

    answer = shop.client.post(f"/admin/promotions/{made}/batches",
                              data={"count": "5", "prefix": "hs"}, follow_redirects=False)
    page = shop.client.get(answer.headers["location"])

    assert answer.status_code == 303 and "Đã tạo lô mã" in page.text
    link = page.text.split('href="/api/v1/coupon-batches/', 1)[1].split('"', 1)[0]
    download = shop.client.get(f"/api/v1/coupon-batches/{link}")
    codes = [row["code"] for row in csv.DictReader(io.StringIO(download.text))]
    assert len(set(codes)) == 5 and all(c.startswith("HS") and len(c) == 10 for c in codes)
    [sheet] = re.findall(r'href="(/admin/promotions/\d+/batches/\d+/print)"', page.text)
    printed = shop.client.get(sheet)
    assert printed.status_code == 200
    assert printed.text.count("<svg") == 5 and all(code in printed.text for code in codes)


def test_shared_codes_are_listed_with_their_uses_and_a_taken_code_is_refused(
    shop: Shop
) -> None:
    sign_in(shop.client, shop.world.owner(shop.merchant), app="admin")
    made = create(shop, requires_coupon="on")
    shop.client.post(f"/admin/promotions/{made}/coupons", data={"code": "tet2026",
                                                                "max_uses": "50"})

    again = shop.client.post(f"/admin/promotions/{made}/coupons", data={"code": "TET2026"})
    bad = shop.client.post(f"/admin/promotions/{made}/coupons", data={"code": "a!"})

    assert again.status_code == 409 and "Cửa hàng đã có mã giảm giá này." in again.text
    assert bad.status_code == 422
    row = again.text[again.text.index('data-coupon="TET2026"'):]
    assert "/ 50" in row[:600]


def test_usage_shows_the_orders_and_the_dong_given(shop: Shop) -> None:
    sign_in(shop.client, shop.world.owner(shop.merchant), app="admin")
    made = create(shop, variant_ids=[str(shop.shirt)], budget="100000")
    order = shop.order()

    page = shop.client.get(f"/admin/promotions/{made}/usage")

    assert page.status_code == 200
    assert f'href="/admin/orders/{order["id"]}"' in page.text
    assert "39.800" in page.text and "60.200" in page.text  # given, budget left
    assert '"values": [' in page.text and "39800" in page.text  # the chart's days
    listed = shop.client.get("/admin/promotions").text
    assert "39.800" in listed and 'aria-valuenow="39"' in listed  # 39% of the budget


def test_only_owners_and_managers_of_the_merchant_keep_promotions(
    shop: Shop, world: World
) -> None:
    sign_in(shop.client, world.owner(shop.merchant), app="admin")
    made = create(shop)
    manager = world.staff(shop.merchant, "manager", [shop.store])
    rival = world.merchant("saoviet")

    sign_in(shop.client, shop.cashier, app="pos")
    assert shop.client.get("/admin/promotions").status_code == 403
    assert shop.client.post("/admin/promotions", data=FORM).status_code == 403
    sign_in(shop.client, world.owner(rival), app="admin")
    assert shop.client.get(f"/admin/promotions/{made}").status_code == 404
    assert shop.client.get(f"/admin/promotions/{made}/coupons").status_code == 404
    assert "Giảm 10% áo thun" not in shop.client.get("/admin/promotions").text
    sign_in(shop.client, manager, app="admin")
    assert "Giảm 10% áo thun" in shop.client.get("/admin/promotions").text
    assert shop.client.get(f"/admin/promotions/{made}/usage").status_code == 200
    assert len(promotions(shop)) == 1
