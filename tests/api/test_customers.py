"""Customers as each merchant knows them: counter registration, lookup, notes and consent."""

import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from o2o.auth.models import User
from o2o.customers import service
from o2o.customers.models import CustomerProfile
from o2o.db import transaction
from tests.world import PASSWORD, World

NO_CONSENT = {"push": False, "sms": False, "email": False, "zalo": False}


def counts(world: World) -> tuple[int, int]:
    """(users, customer profiles): what a refused request must leave as it was."""
    with world.db.session() as session:
        users = session.scalar(select(func.count()).select_from(User)) or 0
        profiles = session.scalar(select(func.count()).select_from(CustomerProfile)) or 0
    return users, profiles


def register(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/customers", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def search(client: TestClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/customers", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def names(page: dict[str, Any]) -> list[str]:
    return [c["full_name"] for c in page["items"]]


def test_walk_in_customer_is_found_by_a_phone_typed_another_way(
    client: TestClient, world: World
) -> None:
    merchant = world.merchant("hoasen")
    cashier = world.headers(world.staff(merchant, "cashier", [world.location(merchant)]))

    lan = register(client, cashier, phone="0901 234 567", full_name="Nguyễn Thị Lan",
                   consents={"sms": True}, note="Thích size M")

    assert lan["phone"] == "+84901234567"
    assert lan["has_account"] is False
    assert lan["consents"] == {**NO_CONSENT, "sms": True}
    assert lan["consents_updated_at"] is not None
    assert lan["note"] == "Thích size M"
    for typed in ("090-123-4567", "+84 90 123 4567", "0901234567"):
        found = search(client, cashier, phone=typed)
        assert (found["total"], [c["id"] for c in found["items"]]) == (1, [lan["id"]])
    assert client.get(f"/api/v1/customers/{lan['id']}", headers=cashier).json() == lan


def test_consents_default_to_no(client: TestClient, world: World) -> None:
    owner = world.headers(world.owner(world.merchant("hoasen")))

    minh = register(client, owner, phone="0912345678", full_name="Trần Văn Minh")

    assert minh["consents"] == NO_CONSENT
    assert minh["consents_updated_at"] is None
    assert minh["note"] is None


def test_one_person_at_two_merchants_has_one_account_and_two_private_profiles(
    client: TestClient, world: World
) -> None:
    hoasen = world.headers(world.owner(world.merchant("hoasen")))
    saoviet = world.headers(world.owner(world.merchant("saoviet", trade="electronics")))

    at_hoasen = register(client, hoasen, phone="0901234567", full_name="Nguyễn Thị Lan",
                         note="Thích size M", consents={"sms": True})
    at_saoviet = register(client, saoviet, phone="+84 90 123 4567", full_name="Chị Lan",
                          note="Bảo hành laptop", consents={"zalo": True})

    assert at_saoviet["id"] == at_hoasen["id"]
    assert at_saoviet["full_name"] == "Nguyễn Thị Lan"  # the person's own name is not renamed
    assert counts(world) == (4, 2)  # operator, two owners, one customer; two profiles
    seen_by_hoasen = client.get(f"/api/v1/customers/{at_hoasen['id']}", headers=hoasen).json()
    seen_by_saoviet = client.get(f"/api/v1/customers/{at_hoasen['id']}", headers=saoviet).json()
    assert (seen_by_hoasen["note"], seen_by_hoasen["consents"]) == (
        "Thích size M", {**NO_CONSENT, "sms": True})
    assert (seen_by_saoviet["note"], seen_by_saoviet["consents"]) == (
        "Bảo hành laptop", {**NO_CONSENT, "zalo": True})


def test_registering_a_known_customer_again_points_to_them(
    client: TestClient, world: World
) -> None:
    merchant = world.merchant("hoasen")
    owner = world.headers(world.owner(merchant))
    lan = register(client, owner, phone="0901234567", full_name="Nguyễn Thị Lan", note="Cũ")
    before = counts(world)

    again = client.post("/api/v1/customers", headers=owner, json={
        "phone": "090 123 4567", "full_name": "Lan", "note": "Mới", "consents": {"sms": True}})

    assert again.status_code == 409
    assert again.json()["error"]["code"] == "customer_exists"
    assert again.json()["error"]["details"] == {"customer_id": lan["id"]}
    assert counts(world) == before
    assert client.get(f"/api/v1/customers/{lan['id']}", headers=owner).json() == lan


def test_a_staff_phone_or_a_taken_email_is_not_a_new_customer(
    client: TestClient, world: World
) -> None:
    merchant = world.merchant("hoasen")
    owner = world.headers(world.owner(merchant))
    world.customer(phone="+84912345678")
    client.post("/api/v1/auth/signup", json={"phone": "0987000111", "full_name": "Có Email",
                                            "password": PASSWORD, "email": "lan@example.vn"})
    client.post("/api/v1/staff", headers=owner, json={
        "email": "quanly@hoasen.vn", "full_name": "Quản Lý", "password": PASSWORD,
        "role": "manager", "phone": "0987 654 321"})
    before = counts(world)

    staff_phone = client.post("/api/v1/customers", headers=owner,
                              json={"phone": "0987654321", "full_name": "Quản Lý"})
    taken_email = client.post("/api/v1/customers", headers=owner, json={
        "phone": "0977000222", "full_name": "Lan Khác", "email": "LAN@example.vn"})

    assert staff_phone.status_code == 409
    assert staff_phone.json()["error"]["code"] == "phone_taken"
    assert taken_email.status_code == 409
    assert taken_email.json()["error"]["code"] == "email_taken"
    assert counts(world) == before


def test_search_finds_names_without_accents_and_phones_by_digits(
    client: TestClient, world: World
) -> None:
    owner = world.headers(world.owner(world.merchant("hoasen")))
    for phone, name in [("0901234567", "Nguyễn Thị Lan"), ("0912345678", "Trần Văn Minh"),
                        ("0987111222", "Lê Thị Hồng"), ("0988333444", "Nguyen Van An"),
                        ("0977555666", "ĐẶNG ĐỨC 100%")]:
        register(client, owner, phone=phone, full_name=name)

    assert names(search(client, owner, q="nguyen")) == ["Nguyen Van An", "Nguyễn Thị Lan"]
    assert names(search(client, owner, q="THI")) == ["Lê Thị Hồng", "Nguyễn Thị Lan"]
    assert names(search(client, owner, q="Hồng")) == ["Lê Thị Hồng"]
    assert names(search(client, owner, q="hong")) == ["Lê Thị Hồng"]
    assert names(search(client, owner, q="  lan   NGUYỄN ")) == ["Nguyễn Thị Lan"]
    assert names(search(client, owner, q="dang duc")) == ["ĐẶNG ĐỨC 100%"]
    assert names(search(client, owner, q="0901 234")) == ["Nguyễn Thị Lan"]
    assert names(search(client, owner, q="345678")) == ["Trần Văn Minh"]
    assert names(search(client, owner, q="100%")) == ["ĐẶNG ĐỨC 100%"]
    assert names(search(client, owner, q="%")) == ["ĐẶNG ĐỨC 100%"]
    assert names(search(client, owner, q="_")) == []
    assert names(search(client, owner, q="nguyen", phone="0988 333 444")) == ["Nguyen Van An"]
    assert search(client, owner, q="xuân")["total"] == 0


def test_customers_come_a_page_at_a_time(client: TestClient, world: World) -> None:
    owner = world.headers(world.owner(world.merchant("hoasen")))
    for i in range(5):
        register(client, owner, phone=f"090123456{i}", full_name=f"Khách {i}")

    page = search(client, owner, limit=2, offset=2)

    assert (page["total"], page["limit"], page["offset"]) == (5, 2, 2)
    assert names(page) == ["Khách 2", "Khách 3"]
    assert names(search(client, owner, offset=10)) == []


def test_staff_keep_a_note_and_the_consents_the_customer_gives(
    client: TestClient, world: World
) -> None:
    merchant = world.merchant("hoasen")
    cashier = world.headers(world.staff(merchant, "cashier", [world.location(merchant)]))
    lan = register(client, cashier, phone="0901234567", full_name="Nguyễn Thị Lan",
                   consents={"sms": True})
    url = f"/api/v1/customers/{lan['id']}"

    changed = client.patch(url, headers=cashier,
                           json={"note": "  Dị ứng len ", "consents": {"email": True}}).json()
    same_consents = client.patch(url, headers=cashier,
                                 json={"consents": {"email": True, "sms": True}}).json()
    note_cleared = client.patch(url, headers=cashier, json={"note": None}).json()

    assert changed["note"] == "Dị ứng len"
    assert changed["consents"] == {**NO_CONSENT, "sms": True, "email": True}
    assert changed["consents_updated_at"] > lan["consents_updated_at"]
    assert same_consents["consents_updated_at"] == changed["consents_updated_at"]
    assert same_consents["note"] == "Dị ứng len"
    assert note_cleared["note"] is None
    assert note_cleared["consents"] == changed["consents"]
    withdrawn = client.patch(url, headers=cashier, json={"consents": {"sms": False}}).json()
    assert withdrawn["consents"] == {**NO_CONSENT, "email": True}
    assert withdrawn["consents_updated_at"] > changed["consents_updated_at"]


def test_shopper_follows_a_merchant_and_chooses_its_channels(
    client: TestClient, world: World
) -> None:
    hoasen = world.merchant("hoasen", name="Hoa Sen")
    world.merchant("saoviet", trade="electronics")
    shopper_user = world.customer(phone="+84901234567")
    shopper = world.headers(shopper_user)
    assert client.get("/api/v1/me/merchants", headers=shopper).json() == []

    followed = client.put("/api/v1/me/consents/hoasen", headers=shopper,
                          json={"push": True, "zalo": True})
    replaced = client.put("/api/v1/me/consents/hoasen", headers=shopper, json={"push": True})

    assert followed.status_code == 200, followed.text
    assert followed.json()["merchant"]["slug"] == "hoasen"
    assert followed.json()["consents"] == {**NO_CONSENT, "push": True, "zalo": True}
    assert replaced.json()["consents"] == {**NO_CONSENT, "push": True}  # PUT: all four
    mine = client.get("/api/v1/me/merchants", headers=shopper).json()
    assert [(m["merchant"]["name"], m["consents"]) for m in mine] == [
        ("Hoa Sen", {**NO_CONSENT, "push": True})]
    staff_view = search(client, world.headers(world.owner(hoasen)), phone="0901234567")
    assert [(c["id"], c["has_account"], c["consents"]) for c in staff_view["items"]] == [
        (shopper_user.id, True, {**NO_CONSENT, "push": True})]


def test_consents_for_an_unknown_merchant_are_not_found(client: TestClient, world: World) -> None:
    shopper = world.headers(world.customer())
    before = counts(world)

    response = client.put("/api/v1/me/consents/no-such-shop", headers=shopper,
                          json={"sms": True})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert counts(world) == before


def test_customer_registered_at_the_counter_claims_the_account_by_signing_up(
    client: TestClient, world: World
) -> None:
    hoasen = world.merchant("hoasen")
    known = world.known_customer(hoasen, phone="+84901234567", consents={"sms": True})
    refused = client.post("/api/v1/auth/token",
                          data={"username": "0901234567", "password": "any-password"})
    assert refused.status_code == 401

    signed_up = client.post("/api/v1/auth/signup", json={
        "phone": "090 123 4567", "full_name": "Lan Nguyễn", "password": "mat-khau-cua-lan"})
    token = client.post("/api/v1/auth/token",
                        data={"username": "0901234567", "password": "mat-khau-cua-lan"})

    assert signed_up.status_code == 201, signed_up.text
    assert signed_up.json()["id"] == known.id
    assert token.status_code == 200
    shopper = {"Authorization": f"Bearer {token.json()['access_token']}"}
    mine = client.get("/api/v1/me/merchants", headers=shopper).json()
    assert [(m["merchant"]["slug"], m["consents"]) for m in mine] == [
        ("hoasen", {**NO_CONSENT, "sms": True})]
    staff_view = client.get(f"/api/v1/customers/{known.id}",
                            headers=world.headers(world.owner(hoasen))).json()
    assert (staff_view["has_account"], staff_view["full_name"]) == (True, "Lan Nguyễn")
    again = client.post("/api/v1/auth/signup", json={
        "phone": "0901234567", "full_name": "Kẻ Mạo Danh", "password": "mat-khau-khac"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "phone_taken"


def test_another_merchants_staff_never_see_or_change_its_customers(
    client: TestClient, world: World
) -> None:
    hoasen = world.merchant("hoasen")
    saoviet = world.merchant("saoviet", trade="electronics")
    lan = world.known_customer(hoasen, phone="+84901234567", note="Khách của Hoa Sen",
                               consents={"sms": True})
    staff_b = [world.owner(saoviet), world.staff(saoviet, "manager", []),
               world.staff(saoviet, "cashier", [world.location(saoviet)])]
    owner_a = world.headers(world.owner(hoasen))
    url = f"/api/v1/customers/{lan.id}"
    original = client.get(url, headers=owner_a).json()
    before = counts(world)

    for user in staff_b:
        headers = world.headers(user)
        assert client.get(url, headers=headers).status_code == 404
        patched = client.patch(url, headers=headers,
                               json={"note": "Hijacked", "consents": {"push": True}})
        assert patched.status_code == 404
        assert patched.json()["error"]["code"] == "not_found"
        for params in ({}, {"q": "Lan"}, {"q": "0901"}, {"phone": "0901234567"}):
            assert search(client, headers, **params) == {
                "items": [], "total": 0, "limit": 20, "offset": 0}
    assert client.get(url, headers=owner_a).json() == original
    assert counts(world) == before
    operator_view = client.get(url, headers=world.headers(world.operator)).json()
    assert (operator_view["phone"], operator_view["note"], operator_view["consents"]) == (
        "+84901234567", None, None)


def test_unknown_customer_ids_are_not_found(client: TestClient, world: World) -> None:
    merchant = world.merchant("hoasen")
    owner = world.headers(world.owner(merchant))
    staff_id = world.owner(merchant).id

    for customer_id in (999_999, staff_id):
        assert client.get(f"/api/v1/customers/{customer_id}", headers=owner).status_code == 404
        assert client.get(f"/api/v1/customers/{customer_id}",
                          headers=world.headers(world.operator)).status_code == 404
        assert client.patch(f"/api/v1/customers/{customer_id}", json={"note": "x"},
                            headers=owner).status_code == 404


def test_customers_use_no_staff_endpoint_and_staff_no_shopper_endpoint(
    client: TestClient, world: World
) -> None:
    merchant = world.merchant("hoasen")
    lan = world.known_customer(merchant, phone="+84901234567")
    world.merchant("saoviet", trade="electronics")
    shopper = world.headers(world.customer(phone="+84912345678"))
    body = {"phone": "0987654321", "full_name": "X"}
    before = counts(world)

    for method, path, json in [("GET", "/api/v1/customers", None),
                               ("POST", "/api/v1/customers", body),
                               ("GET", f"/api/v1/customers/{lan.id}", None),
                               ("PATCH", f"/api/v1/customers/{lan.id}", {"note": "x"})]:
        response = client.request(method, path, json=json, headers=shopper)
        assert response.status_code == 403, (method, path)
        assert response.json()["error"]["code"] == "staff_only"
        assert client.request(method, path, json=json).status_code == 401
    staff = [world.owner(merchant), world.staff(merchant, "cashier", [world.location(merchant)]),
             world.operator]
    shopper_endpoints: list[tuple[str, str, Any]] = [
        ("GET", "/api/v1/me/merchants", None),
        ("PUT", "/api/v1/me/consents/saoviet", {"sms": True}),
    ]
    for user in staff:
        headers = world.headers(user)
        for method, path, json in shopper_endpoints:
            response = client.request(method, path, json=json, headers=headers)
            assert response.status_code == 403, (user.role, path)
            assert response.json()["error"]["code"] == "customer_only"
    assert counts(world) == (before[0] + 1, before[1])  # only the cashier was added


BAD_REGISTRATIONS = [
    {"phone": "12345", "full_name": "Lan"},
    {"phone": "0901", "full_name": "Lan"},
    {"phone": 901234567, "full_name": "Lan"},
    {"full_name": "Lan"},
    {"phone": "0901234567"},
    {"phone": "0901234567", "full_name": "   "},
    {"phone": "0901234567", "full_name": "L" * 121},
    {"phone": "0901234567", "full_name": "Lan", "email": "lan-at-example"},
    {"phone": "0901234567", "full_name": "Lan", "vip": True},
    {"phone": "0901234567", "full_name": "Lan", "consents": {"sms": "yes"}},
    {"phone": "0901234567", "full_name": "Lan", "consents": {"sms": 1}},
    {"phone": "0901234567", "full_name": "Lan", "consents": {"fax": True}},
    {"phone": "0901234567", "full_name": "Lan", "consents": True},
    {"phone": "0901234567", "full_name": "Lan", "note": "x" * 501},
]


@pytest.mark.parametrize("body", BAD_REGISTRATIONS)
def test_bad_registrations_are_refused_and_nothing_is_written(
    client: TestClient, world: World, body: dict[str, Any]
) -> None:
    owner = world.headers(world.owner(world.merchant("hoasen")))
    before = counts(world)

    response = client.post("/api/v1/customers", json=body, headers=owner)

    assert response.status_code == 422, body
    assert response.json()["error"]["code"] == "validation_error"
    assert response.json()["error"]["details"]["fields"]
    assert counts(world) == before


def test_bad_changes_and_searches_are_refused_and_nothing_changes(
    client: TestClient, world: World
) -> None:
    merchant = world.merchant("hoasen")
    owner = world.headers(world.owner(merchant))
    lan = world.known_customer(merchant, phone="+84901234567", note="Ghi chú",
                               consents={"sms": True})
    shopper = world.headers(world.customer(phone="+84912345678"))
    url = f"/api/v1/customers/{lan.id}"
    original = client.get(url, headers=owner).json()
    before = counts(world)

    bad_changes: list[Any] = [
        {"note": "x" * 501}, {"note": 42}, {"consents": {"sms": "false"}},
        {"consents": {"push": 0}}, {"consents": {"fax": True}}, {"full_name": "Tên Mới"},
        {"phone": "0909999999"}, [], "note"]
    for body in bad_changes:
        response = client.patch(url, json=body, headers=owner)
        assert response.status_code == 422, body
        assert response.json()["error"]["code"] == "validation_error"
    bad_consents: list[Any] = [{"sms": "yes"}, {"push": 1}, {"fax": True}, {"sms": None}]
    for body in bad_consents:
        response = client.put("/api/v1/me/consents/hoasen", json=body, headers=shopper)
        assert response.status_code == 422, body
    for params in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "many"},
                   {"q": "x" * 101}):
        response = client.get("/api/v1/customers", params=params, headers=owner)
        assert response.status_code == 422, params
        assert response.json()["error"]["code"] == "validation_error"
    bad_phone = client.get("/api/v1/customers", params={"phone": "12345"}, headers=owner)
    assert bad_phone.status_code == 422
    assert bad_phone.json()["error"]["code"] == "invalid_phone"
    assert client.get("/api/v1/customers/lan", headers=owner).status_code == 422
    assert client.get(url, headers=owner).json() == original
    assert counts(world) == before



def test_a_buyer_added_by_two_transactions_at_once_gets_one_profile(world: World) -> None:
    """Two checkouts of a new buyer at the same merchant race to add their profile."""
    merchant = world.merchant("hoasen")
    buyer = world.customer()
    second: dict[str, int] = {}

    def add_from_another_transaction() -> None:
        with world.db.session() as session, transaction(session):
            profile = service.ensure_profile(session, merchant_id=merchant.id, user_id=buyer.id)
            second["id"] = profile.id

    with world.db.session() as session, transaction(session):
        first = service.ensure_profile(session, merchant_id=merchant.id, user_id=buyer.id)
        racer = threading.Thread(target=add_from_another_transaction)
        racer.start()
        racer.join(timeout=0.5)
        assert racer.is_alive()  # it waits for this transaction to commit
    racer.join(timeout=15)

    assert second == {"id": first.id}
    assert counts(world)[1] == 1
