"""The catalogue through the API: products, variants, prices in đồng, search, the till."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from o2o.catalog import service as catalog_service
from o2o.catalog.models import Category, Product, ProductImage, Variant
from tests.world import World

RED_M, RED_L, BLUE_M = "8931234567897", "8931234567903", "8931234567910"

SHIRT: dict[str, Any] = {
    "name": "Áo thun cotton", "brand": "Việt Tiến", "description": "100% cotton, may tại Việt Nam",
    "images": [{"url": "https://cdn.example.vn/ao-thun.jpg", "alt": "Áo thun đỏ"},
               {"url": "/static/ao-thun-2.jpg"}],
    "variants": [
        {"sku": "AT-DO-M", "barcode": RED_M, "options": {"Màu": "Đỏ", "Size": "M"},
         "price": 199_000, "compare_at_price": 250_000},
        {"sku": "AT-DO-L", "barcode": RED_L, "options": {"Màu": "Đỏ", "Size": "L"},
         "price": 219_000, "channels": "store"},
    ],
}


def one_variant(sku: str, price: Any = 150_000, **fields: Any) -> list[dict[str, Any]]:
    return [{"sku": sku, "price": price, **fields}]


def catalogue_rows(world: World) -> tuple[int, ...]:
    """How many categories, products, images and variants are stored."""
    with world.db.session() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Category, Product, ProductImage, Variant)
        )


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


def test_owner_adds_a_product_that_shoppers_read_with_prices_in_dong(
    client: TestClient, world: World
) -> None:
    owner = world.headers(world.owner(world.merchant("hoasen", name="Hoa Sen")))

    created = client.post("/api/v1/products", json=SHIRT, headers=owner)

    assert created.status_code == 201, created.text
    product = client.get(f"/api/v1/products/{created.json()['id']}").json()
    assert product["slug"] == "ao-thun-cotton"
    assert product["merchant"]["slug"] == "hoasen" and product["merchant"]["name"] == "Hoa Sen"
    assert (product["price_min"], product["price_max"]) == (199_000, 219_000)
    assert product["sold_online"] and product["sold_in_stores"]
    red_m, red_l = product["variants"]
    assert red_m["price"] == 199_000 and red_m["compare_at_price"] == 250_000
    assert list(red_m["options"].items()) == [("Màu", "Đỏ"), ("Size", "M")]
    assert (red_l["barcode"], red_l["channels"]) == (RED_L, "store")
    assert [i["url"] for i in product["images"]] == ["https://cdn.example.vn/ao-thun.jpg",
                                                      "/static/ao-thun-2.jpg"]
    summary = client.get("/api/v1/products").json()["items"][0]
    assert summary["image"]["alt"] == "Áo thun đỏ"
    assert (summary["price_min"], summary["merchant"]["slug"]) == (199_000, "hoasen")


def test_products_of_the_same_name_get_their_own_slugs(client: TestClient, world: World) -> None:
    hoasen = world.merchant("hoasen")
    world.product(hoasen, "Áo thun", variants=one_variant("A-1"))
    world.product(hoasen, "Áo thun", variants=one_variant("A-2"))
    world.product(world.merchant("saoviet"), "Áo thun", variants=one_variant("A-1"))

    slugs = [p["slug"] for p in client.get("/api/v1/products").json()["items"]]
    product = client.get(f"/api/v1/products/{world.product(hoasen, '咖啡').id}").json()

    assert sorted(slugs) == ["ao-thun", "ao-thun", "ao-thun-2"]
    assert product["slug"] == "product"


def test_search_finds_vietnamese_names_with_or_without_accents(
    client: TestClient, world: World
) -> None:
    hoasen = world.merchant("hoasen")
    for n, name in enumerate(["Áo thun cotton", "Quần jean ống đứng", "Áo sơ mi trắng",
                              "Nước ép 100% cam", "Nước ép 1000 ml"]):
        world.product(hoasen, name, variants=one_variant(f"P-{n}"))

    assert names(client.get("/api/v1/products", params={"q": "ao thun"})) == ["Áo thun cotton"]
    assert names(client.get("/api/v1/products", params={"q": "ÁO THUN"})) == ["Áo thun cotton"]
    assert names(client.get("/api/v1/products", params={"q": "áo"})) == [
        "Áo sơ mi trắng", "Áo thun cotton"]
    assert names(client.get("/api/v1/products", params={"q": "quan dung"})) == [
        "Quần jean ống đứng"]
    assert names(client.get("/api/v1/products", params={"q": "ao jean"})) == []
    assert names(client.get("/api/v1/products", params={"q": "100%"})) == ["Nước ép 100% cam"]


def test_search_finds_a_product_by_sku_barcode_brand_or_option(
    client: TestClient, world: World
) -> None:
    hoasen = world.merchant("hoasen")
    owner = world.headers(world.owner(hoasen))
    assert client.post("/api/v1/products", json=SHIRT, headers=owner).status_code == 201
    world.product(hoasen, "Quần short", variants=one_variant("QS-1", options={"Màu": "Xanh"}))

    for q in ("at-do-l", "AT-DO-M", RED_L, "viet tien", "ao do"):
        assert names(client.get("/api/v1/products", params={"q": q})) == ["Áo thun cotton"], q
    assert names(client.get("/api/v1/products", params={"q": "xanh"})) == ["Quần short"]


def test_search_by_merchant_and_by_category(client: TestClient, world: World) -> None:
    hoasen, saoviet = world.merchant("hoasen"), world.merchant("saoviet")
    owner = world.headers(world.owner(hoasen))
    category = client.post("/api/v1/categories", json={"name": "Thời trang nữ"},
                           headers=owner).json()
    world.product(hoasen, "Đầm maxi", variants=one_variant("D-1"), category_id=category["id"])
    world.product(hoasen, "Áo khoác", variants=one_variant("K-1"))
    world.product(saoviet, "Áo khoác gió", variants=one_variant("K-1"))

    by_hoasen = client.get("/api/v1/products", params={"merchant": "hoasen"})
    by_category = client.get("/api/v1/products", params={"category": category["id"]})
    by_both = client.get("/api/v1/products", params={"merchant": "saoviet", "q": "khoac"})

    assert names(by_hoasen) == ["Áo khoác", "Đầm maxi"]
    assert names(by_category) == ["Đầm maxi"]
    assert names(by_both) == ["Áo khoác gió"]
    assert names(client.get("/api/v1/products", params={"q": "thoi trang nu"})) == ["Đầm maxi"]
    assert client.get(f"/api/v1/products/{by_category.json()['items'][0]['id']}").json()[
        "category"]["slug"] == "thoi-trang-nu"


def test_search_pages_through_results_with_the_total(client: TestClient, world: World) -> None:
    hoasen = world.merchant("hoasen")
    for n in range(5):
        world.product(hoasen, f"Cà phê gói {n}", variants=one_variant(f"CF-{n}"))

    page = client.get("/api/v1/products", params={"q": "ca phe", "limit": 2, "offset": 2}).json()
    past_the_end = client.get("/api/v1/products", params={"offset": 10}).json()

    assert [i["name"] for i in page["items"]] == ["Cà phê gói 2", "Cà phê gói 3"]
    assert (page["total"], page["limit"], page["offset"]) == (5, 2, 2)
    assert (past_the_end["items"], past_the_end["total"]) == ([], 5)


@pytest.mark.parametrize("params", [
    {"limit": 0}, {"limit": 101}, {"offset": -1}, {"channel": "teleport"},
    {"status": "deleted"}, {"category": "shoes"}, {"q": "x" * 201},
])
def test_bad_search_parameters_are_refused(client: TestClient, params: dict[str, Any]) -> None:
    response = client.get("/api/v1/products", params=params)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_store_only_variants_are_left_out_of_the_online_channel(
    client: TestClient, world: World
) -> None:
    hoasen = world.merchant("hoasen")
    in_store = world.product(hoasen, "Bàn gỗ lớn", variants=one_variant("B-1", channels="store"))
    world.product(hoasen, "Bàn gỗ nhỏ", variants=one_variant("B-2"))
    world.product(hoasen, "Bàn gỗ online", variants=one_variant("B-3", channels="online"))

    online = client.get("/api/v1/products", params={"channel": "online"})
    store = client.get("/api/v1/products", params={"channel": "store"})
    detail = client.get(f"/api/v1/products/{in_store.id}").json()

    assert names(online) == ["Bàn gỗ nhỏ", "Bàn gỗ online"]
    assert names(store) == ["Bàn gỗ lớn", "Bàn gỗ nhỏ"]
    assert (detail["sold_online"], detail["sold_in_stores"]) == (False, True)


def test_drafts_are_hidden_from_shoppers_but_shown_to_their_staff(
    client: TestClient, world: World
) -> None:
    hoasen = world.merchant("hoasen")
    draft = world.product(hoasen, "Áo mùa sau", status="draft")
    cashier = world.headers(world.staff(hoasen, "cashier", [world.location(hoasen)]))
    shopper = world.headers(world.customer())

    assert names(client.get("/api/v1/products")) == []
    assert client.get(f"/api/v1/products/{draft.id}").status_code == 404
    assert client.get(f"/api/v1/products/{draft.id}", headers=shopper).status_code == 404
    assert client.get("/api/v1/products", params={"status": "draft"}).status_code == 401
    assert client.get("/api/v1/products", params={"status": "draft"},
                      headers=shopper).status_code == 403
    assert names(client.get("/api/v1/products", params={"status": "draft"},
                            headers=cashier)) == ["Áo mùa sau"]
    assert client.get(f"/api/v1/products/{draft.id}", headers=cashier).json()["status"] == "draft"


def test_a_product_with_no_variant_left_on_sale_disappears(
    client: TestClient, world: World
) -> None:
    hoasen = world.merchant("hoasen")
    product = world.product(hoasen, "Mũ len")
    owner = world.headers(world.owner(hoasen))

    stopped = client.patch(f"/api/v1/variants/{product.variants[0].id}",
                           json={"is_active": False}, headers=owner)

    assert stopped.status_code == 200 and stopped.json()["is_active"] is False
    assert names(client.get("/api/v1/products")) == []
    assert client.get(f"/api/v1/products/{product.id}").status_code == 404
    assert client.get(f"/api/v1/products/{product.id}", headers=owner).json()["price_min"] is None


def test_till_finds_a_variant_by_scanned_barcode_or_typed_sku(
    client: TestClient, world: World
) -> None:
    hoasen = world.merchant("hoasen")
    assert client.post("/api/v1/products", json=SHIRT,
                       headers=world.headers(world.owner(hoasen))).status_code == 201
    cashier = world.headers(world.staff(hoasen, "cashier", [world.location(hoasen)]))

    scanned = client.get("/api/v1/variants/lookup", params={"code": RED_L}, headers=cashier)
    typed = client.get("/api/v1/variants/lookup", params={"code": " at-do-m "}, headers=cashier)
    unknown = client.get("/api/v1/variants/lookup", params={"code": BLUE_M}, headers=cashier)

    assert scanned.status_code == 200, scanned.text
    assert (scanned.json()["sku"], scanned.json()["price"]) == ("AT-DO-L", 219_000)
    assert scanned.json()["product"]["name"] == "Áo thun cotton"
    assert typed.json()["barcode"] == RED_M
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/variants/lookup", params={"code": RED_L}).status_code == 401


def test_manager_changes_prices_names_and_variants_and_search_follows(
    client: TestClient, world: World
) -> None:
    hoasen = world.merchant("hoasen")
    product = world.product(hoasen, "Áo thun", variants=one_variant("AT-1", 199_000))
    manager = world.headers(world.staff(hoasen, "manager", []))
    category = client.post("/api/v1/categories", json={"name": "Đồ nam"}, headers=manager).json()

    sale = client.patch(f"/api/v1/variants/{product.variants[0].id}",
                        json={"price": 149_000, "compare_at_price": 199_000}, headers=manager)
    added = client.post(f"/api/v1/products/{product.id}/variants",
                        json={"sku": "at-2", "barcode": BLUE_M, "price": 259_000,
                              "options": {"Size": "XL"}}, headers=manager)
    renamed = client.patch(f"/api/v1/products/{product.id}",
                           json={"name": "Áo polo", "brand": "Hoa Sen",
                                 "category_id": category["id"], "images": []}, headers=manager)

    assert (sale.status_code, added.status_code, renamed.status_code) == (200, 201, 200)
    assert added.json()["sku"] == "AT-2"
    read = client.get(f"/api/v1/products/{product.id}").json()
    assert (read["name"], read["slug"], read["category"]["name"]) == ("Áo polo", "ao-thun",
                                                                      "Đồ nam")
    assert (read["price_min"], read["price_max"]) == (149_000, 259_000)
    assert read["variants"][0]["compare_at_price"] == 199_000
    for q in ("ao polo", "AT-2", BLUE_M, "do nam", "hoa sen", "xl"):
        assert names(client.get("/api/v1/products", params={"q": q})) == ["Áo polo"], q
    assert names(client.get("/api/v1/products", params={"q": "ao thun"})) == []


def test_cashiers_and_shoppers_cannot_change_the_catalogue(
    client: TestClient, world: World
) -> None:
    hoasen = world.merchant("hoasen")
    product = world.product(hoasen, "Áo thun")
    before = catalogue_rows(world)
    cashier = world.headers(world.staff(hoasen, "cashier", [world.location(hoasen)]))
    for headers in (cashier, world.headers(world.customer())):
        assert client.post("/api/v1/products", json=SHIRT, headers=headers).status_code == 403
        assert client.post("/api/v1/categories", json={"name": "X"},
                           headers=headers).status_code == 403
        assert client.patch(f"/api/v1/products/{product.id}", json={"name": "X"},
                            headers=headers).status_code == 403
        assert client.patch(f"/api/v1/variants/{product.variants[0].id}", json={"price": 1},
                            headers=headers).status_code == 403
    assert client.post("/api/v1/products", json=SHIRT).status_code == 401
    assert catalogue_rows(world) == before
    assert client.get(f"/api/v1/products/{product.id}").json()["price_min"] == 199_000


def test_categories_are_listed_per_merchant_with_slugs_from_their_names(
    client: TestClient, world: World
) -> None:
    hoasen = world.merchant("hoasen")
    owner = world.headers(world.owner(hoasen))
    parent = client.post("/api/v1/categories", json={"name": "Thời trang"}, headers=owner)
    again = client.post("/api/v1/categories",
                        json={"name": "Thời trang", "parent_id": parent.json()["id"]},
                        headers=owner)
    taken = client.post("/api/v1/categories", json={"name": "Khác", "slug": "thoi-trang"},
                        headers=owner)

    assert (parent.status_code, again.status_code) == (201, 201)
    assert (again.json()["slug"], again.json()["parent_id"]) == ("thoi-trang-2",
                                                                 parent.json()["id"])
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "category_slug_taken"
    listed = client.get("/api/v1/merchants/hoasen/categories").json()
    assert [c["slug"] for c in listed] == ["thoi-trang", "thoi-trang-2"]
    assert client.get("/api/v1/merchants/nobody/categories").status_code == 404


def test_another_merchants_staff_can_neither_see_nor_change_its_catalogue(
    client: TestClient, world: World
) -> None:
    hoasen, saoviet = world.merchant("hoasen"), world.merchant("saoviet")
    owner_a = world.headers(world.owner(hoasen))
    category = client.post("/api/v1/categories", json={"name": "Giày"}, headers=owner_a).json()
    product = client.post("/api/v1/products", json={**SHIRT, "category_id": category["id"]},
                          headers=owner_a).json()
    draft = world.product(hoasen, "Bí mật", status="draft", variants=one_variant("S-1"))
    variant_id = product["variants"][0]["id"]
    before, public_before = catalogue_rows(world), client.get(f"/api/v1/products/{product['id']}")
    store_b = world.location(saoviet)
    for user in (world.owner(saoviet), world.staff(saoviet, "manager", [store_b]),
                 world.staff(saoviet, "cashier", [store_b])):
        b = world.headers(user)
        assert client.get(f"/api/v1/products/{draft.id}", headers=b).status_code == 404
        assert names(client.get("/api/v1/products", params={"status": "draft"},
                                headers=b)) == []
        assert names(client.get("/api/v1/products", params={"status": "draft", "q": "bi mat",
                                                            "merchant": "hoasen"},
                                headers=b)) == []
        for code in (RED_M, "AT-DO-M", "S-1"):
            assert client.get("/api/v1/variants/lookup", params={"code": code},
                              headers=b).status_code == 404
        writes = [
            client.patch(f"/api/v1/products/{product['id']}", json={"name": "Của tôi"},
                         headers=b),
            client.patch(f"/api/v1/products/{draft.id}", json={"status": "active"}, headers=b),
            client.post(f"/api/v1/products/{product['id']}/variants",
                        json={"sku": "B-1", "price": 1}, headers=b),
            client.patch(f"/api/v1/variants/{variant_id}", json={"price": 1}, headers=b),
            client.post("/api/v1/products", json={**SHIRT, "category_id": category["id"]},
                        headers=b),
            client.post("/api/v1/categories", json={"name": "G", "parent_id": category["id"]},
                        headers=b),
        ]
        for response in writes:
            assert response.status_code in (403, 404), response.text
            assert set(response.json()) == {"error"}
    assert catalogue_rows(world) == before
    assert client.get(f"/api/v1/products/{product['id']}").json() == public_before.json()
    assert client.get("/api/v1/merchants/saoviet/categories").json() == []


BAD_PRODUCTS: list[tuple[str, dict[str, Any]]] = [
    ("unknown field", {**SHIRT, "colour": "red"}),
    ("unknown variant field", {**SHIRT, "variants": one_variant("X-1", stock=5)}),
    ("price as text", {**SHIRT, "variants": one_variant("X-1", "199000")}),
    ("fractional price", {**SHIRT, "variants": one_variant("X-1", 199_000.5)}),
    ("negative price", {**SHIRT, "variants": one_variant("X-1", -1)}),
    ("compare-at below price",
     {**SHIRT, "variants": one_variant("X-1", 199_000, compare_at_price=150_000)}),
    ("bad check digit", {**SHIRT, "variants": one_variant("X-1", barcode="8931234567891")}),
    ("no variants", {**SHIRT, "variants": []}),
    ("four options", {**SHIRT, "variants": one_variant(
        "X-1", options={"a": "1", "b": "2", "c": "3", "d": "4"})}),
    ("sku with spaces", {**SHIRT, "variants": one_variant("AT DO")}),
    ("same sku twice", {**SHIRT, "variants": one_variant("X-1") + one_variant("x-1")}),
    ("unknown channel", {**SHIRT, "variants": one_variant("X-1", channels="tiktok")}),
    ("unknown status", {**SHIRT, "status": "deleted"}),
    ("empty name", {**SHIRT, "name": "  "}),
    ("script as image", {**SHIRT, "images": [{"url": "javascript:alert(1)"}]}),
    ("bad slug", {**SHIRT, "slug": "Áo Thun"}),
]


@pytest.mark.parametrize(("case", "body"), BAD_PRODUCTS, ids=[c for c, _ in BAD_PRODUCTS])
def test_bad_product_input_is_refused_and_nothing_is_written(
    client: TestClient, world: World, case: str, body: dict[str, Any]
) -> None:
    owner = world.headers(world.owner(world.merchant("hoasen")))

    response = client.post("/api/v1/products", json=body, headers=owner)

    assert response.status_code == 422, case
    error = response.json()["error"]
    assert error["code"] == "validation_error" and error["message"]
    assert catalogue_rows(world) == (0, 0, 0, 0)


def test_bad_changes_to_a_variant_are_refused_and_change_nothing(
    client: TestClient, world: World
) -> None:
    hoasen = world.merchant("hoasen")
    owner = world.headers(world.owner(hoasen))
    product = client.post("/api/v1/products", json=SHIRT, headers=owner).json()
    red_m = product["variants"][0]["id"]

    for body in ({"price": -1}, {"sku": None}, {"barcode": "123"}, {"price": 1, "stock": 5},
                 {"price": 199_000, "compare_at_price": 1}):
        response = client.patch(f"/api/v1/variants/{red_m}", json=body, headers=owner)
        assert response.status_code == 422, body
        assert response.json()["error"]["code"] == "validation_error"
    above_was = client.patch(f"/api/v1/variants/{red_m}", json={"price": 300_000},
                             headers=owner)
    bad_image = client.patch(f"/api/v1/products/{product['id']}",
                             json={"images": [{"url": "//evil.example/x.png"}]}, headers=owner)

    assert above_was.status_code == 422
    assert above_was.json()["error"]["code"] == "compare_at_below_price"
    assert bad_image.status_code == 422
    assert client.get(f"/api/v1/products/{product['id']}").json() == product


def test_skus_and_barcodes_are_unique_within_a_merchant(client: TestClient, world: World) -> None:
    hoasen = world.merchant("hoasen")
    owner = world.headers(world.owner(hoasen))
    product = client.post("/api/v1/products", json=SHIRT, headers=owner).json()
    before = catalogue_rows(world)

    same_sku = client.post("/api/v1/products",
                           json={**SHIRT, "variants": one_variant("at-do-m")}, headers=owner)
    same_barcode = client.post("/api/v1/products",
                               json={**SHIRT, "variants": one_variant("N-1", barcode=RED_L)},
                               headers=owner)
    added_twice = client.post(f"/api/v1/products/{product['id']}/variants",
                              json={"sku": "AT-DO-L", "price": 1}, headers=owner)
    renamed_onto = client.patch(f"/api/v1/variants/{product['variants'][0]['id']}",
                                json={"barcode": RED_L}, headers=owner)
    slug_taken = client.post("/api/v1/products", json={**SHIRT, "slug": "ao-thun-cotton",
                                                       "variants": one_variant("N-2")},
                             headers=owner)

    for response, code in ((same_sku, "sku_taken"), (same_barcode, "barcode_taken"),
                           (added_twice, "sku_taken"), (renamed_onto, "barcode_taken"),
                           (slug_taken, "product_slug_taken")):
        assert response.status_code == 409, response.text
        assert response.json()["error"]["code"] == code
    assert catalogue_rows(world) == before
    other = world.headers(world.owner(world.merchant("saoviet")))
    assert client.post("/api/v1/products", json=SHIRT, headers=other).status_code == 201


def test_a_sku_taken_by_a_concurrent_writer_is_still_a_clear_conflict(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    hoasen = world.merchant("hoasen")
    owner = world.headers(world.owner(hoasen))
    product = client.post("/api/v1/products", json=SHIRT, headers=owner).json()
    before = catalogue_rows(world)
    # The other writer commits between our check and our insert: the check sees nothing.
    monkeypatch.setattr(catalog_service, "_ensure_codes_free", lambda *a, **k: None)

    sku = client.post("/api/v1/products", json={**SHIRT, "variants": one_variant("AT-DO-M")},
                      headers=owner)
    barcode = client.post(f"/api/v1/products/{product['id']}/variants",
                          json={"sku": "N-1", "barcode": RED_M, "price": 1}, headers=owner)

    assert (sku.status_code, sku.json()["error"]["code"]) == (409, "sku_taken")
    assert (barcode.status_code, barcode.json()["error"]["code"]) == (409, "barcode_taken")
    assert catalogue_rows(world) == before
