"""Worlds for tests, built through the services as a merchant would build them."""

from datetime import timedelta
from typing import Any

from o2o.auth import service as auth_service
from o2o.auth import staff as staff_service
from o2o.auth.models import Role, User
from o2o.auth.permissions import Actor
from o2o.auth.schemas import CustomerSignup, StaffCreate
from o2o.auth.security import issue_token
from o2o.catalog import service as catalog_service
from o2o.catalog.models import Product
from o2o.catalog.schemas import ProductCreate
from o2o.config import Settings
from o2o.customers import service as customers_service
from o2o.customers.schemas import CounterRegistration
from o2o.db import Database
from o2o.fields import slugify
from o2o.inventory import service as inventory_service
from o2o.stores import service as stores_service
from o2o.stores.models import Location, Merchant
from o2o.stores.schemas import LocationCreate, MerchantCreate

PASSWORD = "correct-horse-battery"
EVERY_DAY_8_TO_22 = [{"weekday": d, "opens": "08:00", "closes": "22:00"} for d in range(7)]


class World:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.settings = Settings()
        self._operator: User | None = None

    def actor(self, user: User) -> Actor:
        with self.db.session() as session:
            return auth_service.actor_of(session, user)

    def headers(self, user: User) -> dict[str, str]:
        token = issue_token(self.actor(user), secret=self.settings.secret_key,
                            ttl=timedelta(minutes=5))
        return {"Authorization": f"Bearer {token}"}

    @property
    def operator(self) -> User:
        if self._operator is None:
            with self.db.session() as session:
                self._operator = auth_service.create_operator(
                    session, email="operator@example.vn", full_name="Network Operator",
                    password=PASSWORD,
                )
        return self._operator

    def merchant(self, slug: str = "hoasen", **fields: Any) -> Merchant:
        data = MerchantCreate.model_validate({
            "slug": slug, "name": fields.pop("name", slug.title()),
            "trade": fields.pop("trade", "fashion"),
            "owner": {"email": f"owner@{slug}.example.vn", "full_name": f"Chủ {slug}",
                      "password": PASSWORD},
            **fields,
        })
        with self.db.session() as session:
            return stores_service.onboard_merchant(
                session, actor=self.actor(self.operator), data=data
            )

    def owner(self, merchant: Merchant) -> User:
        with self.db.session() as session:
            user = auth_service._find_login(session, f"owner@{merchant.slug}.example.vn")
        assert user is not None and user.role is Role.OWNER
        return user

    def location(self, merchant: Merchant, code: str = "hk", **fields: Any) -> Location:
        data = LocationCreate.model_validate({
            "code": code, "name": fields.pop("name", f"{merchant.name} {code.upper()}"),
            "address": "25 Hàng Bông", "district": "Hoàn Kiếm", "city": "Hà Nội",
            "lat": 21.0299, "lon": 105.8484, "hours": EVERY_DAY_8_TO_22,
            "services": ["pickup", "returns"], **fields,
        })
        with self.db.session() as session:
            return stores_service.create_location(
                session, actor=self.actor(self.owner(merchant)), data=data
            )

    def staff(self, merchant: Merchant, role: str, locations: list[Location],
              email: str | None = None) -> User:
        data = StaffCreate.model_validate({
            "email": email or f"{role}{len(locations)}-{locations[0].code if locations else 'hq'}"
                              f"@{merchant.slug}.example.vn",
            "full_name": f"{role.title()} {merchant.slug}", "password": PASSWORD,
            "role": role, "location_ids": [loc.id for loc in locations],
        })
        with self.db.session() as session:
            user, _ = staff_service.create_staff(
                session, actor=self.actor(self.owner(merchant)), data=data
            )
        return user

    def customer(self, phone: str = "+84900000001", name: str = "Nguyễn Thị Lan") -> User:
        data = CustomerSignup(phone=phone, full_name=name, password=PASSWORD)
        with self.db.session() as session:
            return auth_service.sign_up_customer(session, data=data)

    def product(self, merchant: Merchant, name: str = "Áo thun cotton", *,
                variants: list[dict[str, Any]] | None = None, **fields: Any) -> Product:
        """An active product; one 199.000 đ variant with a SKU made from the name unless
        ``variants`` are given."""
        data = ProductCreate.model_validate({
            "name": name,
            "variants": variants or [{"sku": f"{slugify(name)[:40] or 'sp'}-1", "price": 199_000}],
            **fields,
        })
        with self.db.session() as session:
            return catalog_service.create_product(
                session, actor=self.actor(self.owner(merchant)), data=data
            )

    def known_customer(self, merchant: Merchant, phone: str = "+84900000001",
                       name: str = "Nguyễn Thị Lan", **fields: Any) -> User:
        """A walk-in customer the merchant's owner records at the counter (no password)."""
        data = CounterRegistration.model_validate({"phone": phone, "full_name": name, **fields})
        with self.db.session() as session:
            user, _ = customers_service.register_at_counter(
                session, actor=self.actor(self.owner(merchant)), data=data
            )
        return user

    def stock(self, merchant: Merchant, location: Location, variant_id: int,
              on_hand: int) -> None:
        """Count ``on_hand`` units of a variant onto a location's shelf."""
        with self.db.session() as session:
            inventory_service.set_on_hand(
                session, actor=self.actor(self.owner(merchant)), location_id=location.id,
                variant_id=variant_id, on_hand=on_hand, reason="opening stock",
            )
