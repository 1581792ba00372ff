"""The demo chains take VietQR payments: each has the bank account its codes pay into, and a
demo shopper's order shows a code a bank app reads."""

from fastapi.testclient import TestClient
from sqlalchemy import select

from o2o.auth.models import User
from o2o.demo.data import BANK_ACCOUNTS
from o2o.demo.load import load_demo
from o2o.inventory.models import StockLevel
from o2o.payments import vietqr
from o2o.payments.models import PaymentAccount
from o2o.stores.models import Location, LocationService, Merchant, StoreService
from tests.world import World


def test_every_demo_chain_has_a_bank_account_a_vietqr_code_can_carry(
    client: TestClient
) -> None:
    db = client.app.state.db  # type: ignore[attr-defined]
    load_demo(db)

    with db.session() as session:
        accounts = {slug: account for slug, account in session.execute(
            select(Merchant.slug, PaymentAccount).join(
                PaymentAccount, PaymentAccount.merchant_id == Merchant.id))}
    assert set(accounts) == set(BANK_ACCOUNTS)
    assert accounts["hoasen"].account_name == "HOA SEN FASHION"
    assert accounts["saoviet"].account_name == "DIEN MAY SAO VIET"
    for slug, account in accounts.items():
        code = vietqr.parse_payload(vietqr.build_payload(
            bank_bin=account.bank_bin, account=account.account_number, amount=1,
            reference="CHECK", merchant_name=account.account_name))
        assert (code.bank_bin, code.account) == BANK_ACCOUNTS[slug]


def test_the_demo_shopper_pays_a_demo_order_by_vietqr(client: TestClient) -> None:
    db = client.app.state.db  # type: ignore[attr-defined]
    load_demo(db)
    with db.session() as session:
        shopper = session.scalar(select(User).where(User.phone == "+84900000001"))
        store_id, variant_id = session.execute(
            select(StockLevel.location_id, StockLevel.variant_id)
            .join(Location, Location.id == StockLevel.location_id)
            .join(Merchant, Merchant.id == Location.merchant_id)
            .join(LocationService, LocationService.location_id == Location.id)
            .where(Merchant.slug == "hoasen", LocationService.service == StoreService.PICKUP,
                   StockLevel.on_hand - StockLevel.reserved - StockLevel.online_buffer >= 1)
            .order_by(StockLevel.location_id, StockLevel.variant_id).limit(1)).one()
    assert shopper is not None
    headers = World(db).headers(shopper)
    checkout = client.post("/api/v1/checkouts", headers=headers, json={
        "lines": [{"variant_id": variant_id, "quantity": 1}],
        "fulfilment": {"type": "pickup", "store_id": store_id}})
    assert checkout.status_code == 201, checkout.text
    order = client.post(f"/api/v1/checkouts/{checkout.json()['id']}/complete", headers=headers)
    assert order.status_code == 201, order.text

    paid = client.post(f"/api/v1/orders/{order.json()['id']}/payments", headers=headers,
                       json={"method": "vietqr"})

    assert paid.status_code == 201, paid.text
    code = vietqr.parse_payload(paid.json()["qr_payload"])
    assert (code.bank_bin, code.account, code.amount, code.merchant_name) == (
        *BANK_ACCOUNTS["hoasen"], order.json()["total"], "HOA SEN FASHION")
    png = client.get(paid.json()["qr_image_url"], headers=headers)
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
