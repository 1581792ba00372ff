"""The back office's stock pages over HTTP: a rule that says no comes back as a message on
the page (never the API's JSON) and nothing moves; who may open which location."""

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from o2o.auth.models import User
from o2o.inventory.models import StockLevel, StockTransfer
from o2o.stores.models import Location, Merchant
from tests.world import PASSWORD, World


@dataclass
class Chain:
    merchant: Merchant
    store: Location
    other_store: Location
    warehouse: Location
    shirt: int  # AT-DO-M: 10 at the store


@pytest.fixture
def chain(world: World) -> Chain:
    merchant = world.merchant("hoasen")
    store = world.location(merchant, "hk", name="Hoa Sen Hoàn Kiếm")
    other_store = world.location(merchant, "cg", name="Hoa Sen Cầu Giấy")
    warehouse = world.location(merchant, "kho", name="Kho Long Biên", kind="warehouse",
                               services=[])
    shirt = world.product(merchant, "Áo thun đỏ", variants=[
        {"sku": "AT-DO-M", "price": 199_000}]).variants[0].id
    world.stock(merchant, store, shirt, 10)
    return Chain(merchant, store, other_store, warehouse, shirt)


def sign_in(client: TestClient, user: User) -> None:
    answer = client.post("/admin/login", data={"username": user.email, "password": PASSWORD},
                         follow_redirects=False)
    assert answer.status_code == 303


def on_hand(world: World, location: Location, variant_id: int) -> int:
    with world.db.session() as session:
        level = session.get(StockLevel, (location.id, variant_id))
        return level.on_hand if level else 0


def test_removing_more_than_the_shelf_holds_is_explained_on_the_page(
    client: TestClient, world: World, chain: Chain
) -> None:
    sign_in(client, world.owner(chain.merchant))

    answer = client.post(f"/admin/stock/{chain.store.id}/{chain.shirt}/adjust",
                         data={"kind": "damage", "delta": "-12", "reason": "Rách"})

    assert answer.status_code == 409
    assert answer.headers["content-type"].startswith("text/html")
    assert "Chỉ còn 10 trên kệ." in answer.text
    assert 'value="Rách"' in answer.text  # what was typed is kept
    assert on_hand(world, chain.store, chain.shirt) == 10


def test_an_adjustment_needs_a_reason_and_a_whole_number(
    client: TestClient, world: World, chain: Chain
) -> None:
    sign_in(client, world.owner(chain.merchant))
    url = f"/admin/stock/{chain.store.id}/{chain.shirt}/adjust"

    no_reason = client.post(url, data={"kind": "receipt", "delta": "5", "reason": "  "})
    not_a_number = client.post(url, data={"kind": "receipt", "delta": "năm", "reason": "Nhập"})
    wrong_sign = client.post(url, data={"kind": "receipt", "delta": "-5", "reason": "Nhập"})

    assert no_reason.status_code == not_a_number.status_code == wrong_sign.status_code == 422
    assert "Hãy ghi lý do" in no_reason.text
    assert "Hãy nhập số nguyên" in not_a_number.text
    assert "Dấu cộng/trừ không hợp với loại thay đổi." in wrong_sign.text
    assert on_hand(world, chain.store, chain.shirt) == 10


def test_a_receipt_redirects_to_the_ledger_with_its_line(
    client: TestClient, world: World, chain: Chain
) -> None:
    sign_in(client, world.owner(chain.merchant))

    answer = client.post(f"/admin/stock/{chain.store.id}/{chain.shirt}/adjust",
                         data={"kind": "receipt", "delta": "+5", "reason": "Hàng về đợt 2"})

    assert answer.status_code == 200 and answer.url.params["done"] == "adjusted"
    assert "Hàng về đợt 2" in answer.text and "+5" in answer.text
    assert on_hand(world, chain.store, chain.shirt) == 15


def test_a_transfer_of_more_than_the_source_can_spare_marks_the_line(
    client: TestClient, world: World, chain: Chain
) -> None:
    sign_in(client, world.owner(chain.merchant))

    answer = client.post("/admin/transfers", data={
        "from_location_id": str(chain.store.id), "to_location_id": str(chain.warehouse.id),
        "code": ["at-do-m", "KHONG-CO"], "quantity": ["30", "1"], "note": "",
    })
    short = client.post("/admin/transfers", data={
        "from_location_id": str(chain.store.id), "to_location_id": str(chain.warehouse.id),
        "code": ["at-do-m"], "quantity": ["30"], "note": "",
    })

    assert answer.status_code == 422 and "Không có sản phẩm nào có mã này." in answer.text
    assert short.status_code == 409
    assert "Nơi gửi chỉ còn 10 có thể chuyển." in short.text
    with world.db.session() as session:
        assert session.query(StockTransfer).count() == 0
    assert on_hand(world, chain.store, chain.shirt) == 10


def test_receiving_a_transfer_twice_says_it_was_already_received(
    client: TestClient, world: World, chain: Chain
) -> None:
    sign_in(client, world.owner(chain.merchant))
    sent = client.post("/admin/transfers", data={
        "from_location_id": str(chain.store.id), "to_location_id": str(chain.warehouse.id),
        "code": ["AT-DO-M"], "quantity": ["4"], "note": "Trả về kho",
    })
    transfer_id = int(sent.url.params["id"])

    first = client.post(f"/admin/transfers/{transfer_id}/receive")
    again = client.post(f"/admin/transfers/{transfer_id}/receive")

    assert first.status_code == 200 and first.url.params["done"] == "received"
    assert again.status_code == 409
    assert "Phiếu chuyển này đã được nhận hoặc đã huỷ." in again.text
    assert on_hand(world, chain.warehouse, chain.shirt) == 4


def test_a_count_file_with_wrong_rows_cannot_be_applied(
    client: TestClient, world: World, chain: Chain
) -> None:
    sign_in(client, world.owner(chain.merchant))
    csv = "sku;counted\nAT-DO-M;7\nAT-DO-M;8\nKHONG-CO;1\n"

    preview = client.post("/admin/counts/preview", data={"location_id": str(chain.store.id)},
                          files={"file": ("kiem-kho.csv", csv.encode(), "text/csv")})
    applied = client.post("/admin/counts/apply",
                          data={"location_id": str(chain.store.id), "csv": csv})

    assert preview.status_code == 200
    assert "Mặt hàng này đã được đếm ở một dòng phía trên." in preview.text
    assert "Không có sản phẩm nào có SKU hoặc mã vạch này." in preview.text
    assert "disabled" in preview.text.split("Áp dụng kiểm kho")[0].rsplit("<button", 1)[1]
    assert applied.status_code == 422
    assert "Một số dòng của tệp bị sai nên chưa có gì được ghi nhận." in applied.text
    assert on_hand(world, chain.store, chain.shirt) == 10


def test_a_file_that_is_not_utf8_is_refused_as_a_whole(
    client: TestClient, world: World, chain: Chain
) -> None:
    sign_in(client, world.owner(chain.merchant))

    preview = client.post("/admin/counts/preview", data={"location_id": str(chain.store.id)},
                          files={"file": ("kiem-kho.csv", "sku;counted\nÁO;1\n".encode("cp1258"),
                                          "text/csv")})

    assert preview.status_code == 200
    assert "Trong Excel, hãy lưu dưới dạng “CSV UTF-8”." in preview.text
    assert "Áp dụng kiểm kho" not in preview.text


def test_a_store_manager_picks_only_their_store_and_cannot_open_another(
    client: TestClient, world: World, chain: Chain
) -> None:
    sign_in(client, world.staff(chain.merchant, "manager", [chain.other_store]))

    listing = client.get("/admin/stock")
    elsewhere = client.get(f"/admin/stock/{chain.store.id}/{chain.shirt}")

    assert listing.status_code == 200
    assert "Hoa Sen Cầu Giấy" in listing.text and "Hoa Sen Hoàn Kiếm" not in listing.text
    assert elsewhere.status_code == 403


def test_cashiers_do_not_open_the_stock_screens(
    client: TestClient, world: World, chain: Chain
) -> None:
    cashier = world.staff(chain.merchant, "cashier", [chain.store])
    client.post("/pos/login", data={"username": cashier.email, "password": PASSWORD})

    for path in ("/admin/stock", "/admin/transfers", "/admin/counts"):
        answer = client.get(path)
        assert answer.status_code == 403
        assert "Trang này không dành cho tài khoản của bạn" in answer.text
