"""Signing in, tokens, shopper sign-up and a merchant's staff through the API."""

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from o2o.auth.models import Role, StaffLocation, User
from o2o.auth.security import issue_token
from tests.world import PASSWORD, World


def count_users(world: World) -> int:
    with world.db.session() as session:
        return session.scalar(select(func.count()).select_from(User)) or 0


def count_assignments(world: World) -> int:
    with world.db.session() as session:
        return session.scalar(select(func.count()).select_from(StaffLocation)) or 0


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/auth/token",
                           data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "bearer"
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def assert_error(response: object, status: int, code: str) -> None:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    error = response.json()["error"]  # type: ignore[attr-defined]
    assert error["code"] == code
    assert error["message"]
    assert isinstance(error["details"], dict)


def test_staff_sign_in_by_email_in_any_case(client: TestClient, world: World) -> None:
    world.merchant("hoasen")

    me = client.get("/api/v1/me", headers=sign_in(client, "Owner@HoaSen.example.vn"))

    assert me.status_code == 200
    assert me.json()["email"] == "owner@hoasen.example.vn"
    assert me.json()["role"] == "owner"


def test_customer_signs_in_with_the_phone_typed_locally(client: TestClient, world: World) -> None:
    world.customer(phone="+84900000001")

    me = client.get("/api/v1/me", headers=sign_in(client, "0900000001")).json()

    assert me["role"] == "customer"
    assert me["phone"] == "+84900000001"
    assert me["merchant_id"] is None
    assert me["location_ids"] == []


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("0900000001", "wrong-password"),
        ("owner@hoasen.example.vn", "wrong-password"),
        ("0900000002", PASSWORD),
        ("nobody@example.vn", PASSWORD),
        ("not a phone or email", PASSWORD),
        ("", PASSWORD),
    ],
)
def test_wrong_password_or_unknown_user_is_refused_without_saying_which(
    client: TestClient, world: World, username: str, password: str
) -> None:
    world.merchant("hoasen")
    world.customer(phone="+84900000001")

    response = client.post("/api/v1/auth/token",
                           data={"username": username, "password": password})

    if username == "":  # a required form field is missing: refused before any lookup
        assert_error(response, 422, "validation_error")
        return
    assert_error(response, 401, "invalid_credentials")
    assert response.json()["error"]["message"] == "Wrong email, phone number or password."
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_forged_malformed_and_expired_tokens_are_refused(client: TestClient, world: World) -> None:
    customer = world.customer()
    actor = world.actor(customer)
    now = datetime.now(UTC)
    claims: dict[str, Any] = {"sub": str(customer.id), "role": "customer", "mid": None, "loc": [],
              "iat": now, "exp": now + timedelta(minutes=5)}
    tokens = {
        "forged": issue_token(actor, secret="somebody-elses-secret-of-32-bytes-or-more",
                              ttl=timedelta(minutes=5)),
        "unsigned": jwt.encode(claims, key=None, algorithm="none"),
        "expired": issue_token(actor, secret=world.settings.secret_key,
                               ttl=timedelta(minutes=-1)),
        "without expiry": jwt.encode({k: v for k, v in claims.items() if k != "exp"},
                                     world.settings.secret_key, algorithm="HS256"),
        "unknown role": jwt.encode({**claims, "role": "emperor"},
                                   world.settings.secret_key, algorithm="HS256"),
        "malformed": "not.a.token",
        "garbage": "garbage",
    }
    for name, token in tokens.items():
        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, name
        assert response.json()["error"]["code"] == "not_authenticated", name
    assert_error(client.get("/api/v1/me"), 401, "not_authenticated")
    assert client.get("/api/v1/me", headers=world.headers(customer)).status_code == 200


def test_shopper_signs_up_with_a_phone_and_can_sign_in(client: TestClient, world: World) -> None:
    body = {"phone": "0912 345 678", "full_name": "  Trần Văn Minh ", "password": "mat-khau-dai",
            "email": "Minh@Example.VN"}

    created = client.post("/api/v1/auth/signup", json=body)

    assert created.status_code == 201, created.text
    user = created.json()
    assert (user["role"], user["phone"], user["full_name"], user["email"]) == (
        "customer", "+84912345678", "Trần Văn Minh", "minh@example.vn")
    assert "password" not in created.text and "hash" not in created.text
    me = client.get("/api/v1/me", headers=sign_in(client, "0912345678", "mat-khau-dai"))
    assert me.json()["id"] == user["id"]


def test_a_phone_signs_up_only_once(client: TestClient, world: World) -> None:
    world.customer(phone="+84912345678")
    users = count_users(world)

    again = client.post("/api/v1/auth/signup", json={
        "phone": "091-234-5678", "full_name": "Someone Else", "password": "another-password"})

    assert_error(again, 409, "phone_taken")
    assert again.json()["error"]["details"] == {"phone": "+84912345678"}
    assert count_users(world) == users
    sign_in(client, "0912345678")  # the first owner of the number keeps their password


def test_staff_phone_cannot_be_taken_by_a_shopper(client: TestClient, world: World) -> None:
    merchant = world.merchant("hoasen")
    owner = world.headers(world.owner(merchant))
    client.post("/api/v1/staff", headers=owner, json={
        "email": "quanly@hoasen.vn", "full_name": "Quản Lý", "password": PASSWORD,
        "role": "manager", "phone": "0987 654 321"})

    response = client.post("/api/v1/auth/signup", json={
        "phone": "0987654321", "full_name": "Mạo Danh", "password": "mat-khau-dai"})

    assert_error(response, 409, "phone_taken")


def test_claiming_a_counter_account_with_a_taken_email_is_email_taken(
    client: TestClient, world: World
) -> None:
    world.known_customer(world.merchant("hoasen"), phone="+84912345678")
    world.customer(phone="+84987654321")
    client.post("/api/v1/auth/signup", json={"phone": "0977000111", "full_name": "Hà",
                                            "password": PASSWORD, "email": "ha@example.vn"})
    users = count_users(world)

    response = client.post("/api/v1/auth/signup", json={
        "phone": "0912345678", "full_name": "Minh", "password": "mat-khau-dai",
        "email": "HA@example.vn"})

    assert_error(response, 409, "email_taken")
    assert count_users(world) == users
    refused = client.post("/api/v1/auth/token",
                          data={"username": "0912345678", "password": "mat-khau-dai"})
    assert_error(refused, 401, "invalid_credentials")  # the account was not claimed


@pytest.mark.parametrize(
    "body",
    [
        {"phone": "0912345678", "full_name": "Minh", "password": "short"},
        {"phone": "12345", "full_name": "Minh", "password": "mat-khau-dai"},
        {"phone": "0912345678", "full_name": "   ", "password": "mat-khau-dai"},
        {"phone": "0912345678", "full_name": "Minh", "password": "mat-khau-dai",
         "email": "not-an-email"},
        {"phone": "0912345678", "full_name": "Minh", "password": "mat-khau-dai",
         "role": "operator"},
        {"phone": 912345678, "full_name": "Minh", "password": "mat-khau-dai"},
        {"full_name": "Minh", "password": "mat-khau-dai"},
    ],
)
def test_bad_signups_are_refused_and_nothing_is_written(
    client: TestClient, world: World, body: dict[str, object]
) -> None:
    response = client.post("/api/v1/auth/signup", json=body)

    assert_error(response, 422, "validation_error")
    assert response.json()["error"]["details"]["fields"]
    assert count_users(world) == 0


def test_me_shows_a_cashiers_stores(client: TestClient, world: World) -> None:
    merchant = world.merchant("hoasen")
    hk, q1 = world.location(merchant, "hk"), world.location(merchant, "q1")
    cashier = world.staff(merchant, "cashier", [q1, hk])

    me = client.get("/api/v1/me", headers=sign_in(client, cashier.email or "")).json()

    assert me["role"] == "cashier"
    assert me["merchant_id"] == merchant.id
    assert me["location_ids"] == sorted([hk.id, q1.id])


def test_owner_adds_a_manager_and_a_cashier(client: TestClient, world: World) -> None:
    merchant = world.merchant("hoasen")
    hk = world.location(merchant, "hk")
    owner = world.headers(world.owner(merchant))

    manager = client.post("/api/v1/staff", headers=owner, json={
        "email": "QuanLy@HoaSen.vn", "full_name": "Lê Quản Lý", "password": PASSWORD,
        "role": "manager", "location_ids": [hk.id]})
    cashier = client.post("/api/v1/staff", headers=owner, json={
        "email": "thungan@hoasen.vn", "full_name": "Phạm Thu Ngân", "password": PASSWORD,
        "role": "cashier", "location_ids": [hk.id, hk.id]})

    assert manager.status_code == 201, manager.text
    assert cashier.status_code == 201, cashier.text
    assert (manager.json()["role"], manager.json()["email"]) == ("manager", "quanly@hoasen.vn")
    assert cashier.json()["location_ids"] == [hk.id]
    listed = client.get("/api/v1/staff", headers=owner).json()
    assert {(s["email"], s["role"], tuple(s["location_ids"])) for s in listed} == {
        ("owner@hoasen.example.vn", "owner", ()),
        ("quanly@hoasen.vn", "manager", (hk.id,)),
        ("thungan@hoasen.vn", "cashier", (hk.id,)),
    }
    me = client.get("/api/v1/me", headers=sign_in(client, "thungan@hoasen.vn")).json()
    assert me["location_ids"] == [hk.id]


def test_manager_adds_cashiers_only_to_their_own_stores(client: TestClient, world: World) -> None:
    merchant = world.merchant("hoasen")
    hk, q1 = world.location(merchant, "hk"), world.location(merchant, "q1")
    manager = world.headers(world.staff(merchant, "manager", [hk]))
    cashier = {"full_name": "Thu Ngân", "password": PASSWORD, "role": "cashier"}

    own_store = client.post("/api/v1/staff", headers=manager,
                            json={**cashier, "email": "a@hoasen.vn", "location_ids": [hk.id]})
    users = count_users(world)
    other_store = client.post("/api/v1/staff", headers=manager, json={
        **cashier, "email": "b@hoasen.vn", "location_ids": [hk.id, q1.id]})
    new_manager = client.post("/api/v1/staff", headers=manager, json={
        **cashier, "email": "c@hoasen.vn", "role": "manager", "location_ids": [hk.id]})

    assert own_store.status_code == 201, own_store.text
    assert_error(other_store, 403, "forbidden")
    assert other_store.json()["error"]["details"] == {"location_id": q1.id}
    assert_error(new_manager, 403, "forbidden")
    assert count_users(world) == users


def test_a_manager_cannot_be_made_an_owner(client: TestClient, world: World) -> None:
    merchant = world.merchant("hoasen")
    owner = world.headers(world.owner(merchant))
    users = count_users(world)

    for role in ("owner", "operator", "customer", "emperor"):
        response = client.post("/api/v1/staff", headers=owner, json={
            "email": f"{role}@hoasen.vn", "full_name": "X", "password": PASSWORD,
            "role": role})
        assert_error(response, 422, "validation_error")
    no_store = client.post("/api/v1/staff", headers=owner, json={
        "email": "cashier@hoasen.vn", "full_name": "X", "password": PASSWORD, "role": "cashier"})
    assert_error(no_store, 422, "validation_error")
    assert count_users(world) == users


def test_cashiers_and_customers_cannot_list_or_add_staff(
    client: TestClient, world: World
) -> None:
    merchant = world.merchant("hoasen")
    hk = world.location(merchant)
    body = {"email": "x@hoasen.vn", "full_name": "X", "password": PASSWORD, "role": "cashier",
            "location_ids": [hk.id]}
    users = count_users(world)
    cashier = world.headers(world.staff(merchant, "cashier", [hk]))
    shopper = world.headers(world.customer())

    assert_error(client.get("/api/v1/staff", headers=cashier), 403, "forbidden")
    assert_error(client.post("/api/v1/staff", headers=cashier, json=body), 403, "forbidden")
    assert_error(client.get("/api/v1/staff", headers=shopper), 403, "staff_only")
    assert_error(client.post("/api/v1/staff", headers=shopper, json=body), 403, "staff_only")
    assert_error(client.get("/api/v1/staff"), 401, "not_authenticated")
    assert count_users(world) == users + 2


def test_staff_for_another_merchants_store_is_not_found_and_not_written(
    client: TestClient, world: World
) -> None:
    hoasen, saoviet = world.merchant("hoasen"), world.merchant("saoviet", trade="electronics")
    ours, theirs = world.location(hoasen, "hk"), world.location(saoviet, "hk")
    users, assignments = count_users(world), count_assignments(world)

    for location_ids in ([theirs.id], [ours.id, theirs.id], [999_999]):
        response = client.post("/api/v1/staff", headers=world.headers(world.owner(hoasen)),
                               json={"email": "spy@hoasen.vn", "full_name": "Gián Điệp",
                                     "password": PASSWORD, "role": "cashier",
                                     "location_ids": location_ids})
        assert_error(response, 404, "not_found")
    assert (count_users(world), count_assignments(world)) == (users, assignments)
    listed = client.get("/api/v1/staff", headers=world.headers(world.owner(saoviet))).json()
    assert [s["email"] for s in listed] == ["owner@saoviet.example.vn"]


def test_staff_email_is_taken_once_in_any_case(client: TestClient, world: World) -> None:
    merchant = world.merchant("hoasen")
    world.merchant("saoviet", trade="electronics")
    owner = world.headers(world.owner(merchant))
    users = count_users(world)

    for email in ("OWNER@saoviet.example.vn", "owner@hoasen.example.vn"):
        response = client.post("/api/v1/staff", headers=owner, json={
            "email": email, "full_name": "X", "password": PASSWORD, "role": "manager"})
        assert_error(response, 409, "email_taken")
        assert response.json()["error"]["details"] == {"email": email.lower()}
    assert count_users(world) == users


def test_the_operator_is_no_merchants_staff(client: TestClient, world: World) -> None:
    world.merchant("hoasen")
    operator = world.headers(world.operator)

    assert client.get("/api/v1/me", headers=operator).json()["role"] == Role.OPERATOR.value
    assert_error(client.get("/api/v1/staff", headers=operator), 403, "staff_only")

