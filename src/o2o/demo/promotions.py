"""Promotions in the realistic demo: what each chain runs this month, written through the
promotions service (so the engine checks them as it checks a manager's), with a shared
coupon and a batch of single-use codes.

Items are named here by category and product name; ``_Names`` turns them into ids.
"""

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from o2o.auth.models import Role, User
from o2o.auth.permissions import Actor
from o2o.catalog.models import Category, Product
from o2o.customers.models import CustomerSegment
from o2o.db import Database
from o2o.promotions import service
from o2o.promotions.models import Coupon, PromotionRow
from o2o.promotions.schemas import PromotionTerms
from o2o.stores.models import Location, Merchant

WEEKDAYS, WEEKEND, EVERY_DAY = [0, 1, 2, 3, 4], [5, 6], list(range(7))

#: slug: the chain's promotions, with "categories", "products", "bundle", "stores" and
#: "segments" (customer segments, ``demo.segments``) by name, and "coupon" (a shared code,
#: its uses) or "batch" (single-use codes, a prefix).
PROMOTIONS: dict[str, list[dict[str, Any]]] = {
    "hoasen": [
        {"name": "Mua 2 tặng 1 áo thun", "kind": "buy_x_get_y", "buy": 2, "get": 1,
         "percent": 100, "categories": ["Áo thun"], "priority": 10},
        {"name": "Cuối tuần giảm 15% quần", "kind": "items_percent", "percent": 15,
         "categories": ["Quần"], "happy_hours": [
             {"weekdays": WEEKEND, "starts": "08:00", "ends": "22:00"}]},
        {"name": "Chào bạn mới: giảm 50.000 ₫ đơn đầu tiên", "kind": "order_fixed",
         "amount": 50_000, "min_spend": 300_000, "channels": ["online"],
         "audience": {"first_order": True}, "per_customer_limit": 1},
        {"name": "Thành viên Vàng giảm thêm 5%", "kind": "order_percent", "percent": 5,
         "audience": {"tiers": ["Vàng"]}, "priority": 200},
        {"name": "Khách VIP: giảm 10% mọi đơn", "kind": "order_percent", "percent": 10,
         "max_discount": 300_000, "segments": ["Khách VIP"], "priority": 150},
        {"name": "Giờ vàng Hàng Bông: giảm 20% áo khoác", "kind": "items_percent",
         "percent": 20, "categories": ["Áo khoác"], "channels": ["pos"],
         "stores": ["hoasen-hangbong"], "happy_hours": [
             {"weekdays": WEEKDAYS, "starts": "14:00", "ends": "16:00"}]},
        {"name": "Mã HOASEN100: giảm 100.000 ₫ đơn từ 800.000 ₫", "kind": "order_fixed",
         "amount": 100_000, "min_spend": 800_000, "requires_coupon": True,
         "usage_limit": 500, "budget": 50_000_000, "coupon": ("HOASEN100", None)},
        {"name": "Phiếu quà khai trương Vạn Hạnh 150.000 ₫", "kind": "order_fixed",
         "amount": 150_000, "min_spend": 500_000, "requires_coupon": True,
         "batch": (200, "VH")},
    ],
    "saoviet": [
        {"name": "Giảm 500.000 ₫ cho đơn từ 10 triệu", "kind": "order_fixed",
         "amount": 500_000, "min_spend": 10_000_000},
        {"name": "Tai nghe giảm 10%, tối đa 700.000 ₫", "kind": "items_percent",
         "percent": 10, "categories": ["Tai nghe"], "max_discount": 700_000},
    ],
    "phoco": [
        {"name": "Combo cà phê sữa đá + croissant 59.000 ₫", "kind": "bundle_price",
         "amount": 59_000, "bundle": ["Cà phê sữa đá", "Bánh croissant bơ"]},
        {"name": "Giờ vàng 14h–16h: trà giảm 20%", "kind": "items_percent", "percent": 20,
         "categories": ["Trà"], "happy_hours": [
             {"weekdays": EVERY_DAY, "starts": "14:00", "ends": "16:00"}]},
    ],
    "moclan": [
        {"name": "Chăm sóc da: mua 3 tính tiền 2", "kind": "buy_x_get_y", "buy": 2, "get": 1,
         "percent": 100, "categories": ["Chăm sóc da"]},
        {"name": "Mã MOCLAN10: giảm 10% tối đa 100.000 ₫", "kind": "order_percent",
         "percent": 10, "max_discount": 100_000, "requires_coupon": True,
         "coupon": ("MOCLAN10", 1_000)},
    ],
}


class _Names:
    """One merchant's categories, products, stores and customer segments by name."""

    def __init__(self, session: Session, merchant_id: int) -> None:
        self.categories = dict(session.execute(select(Category.name, Category.id).where(
            Category.merchant_id == merchant_id)).all())
        self.products = dict(session.execute(select(Product.name, Product.id).where(
            Product.merchant_id == merchant_id)).all())
        self.stores = dict(session.execute(select(Location.code, Location.id).where(
            Location.merchant_id == merchant_id)).all())
        self.segments = dict(session.execute(select(CustomerSegment.name, CustomerSegment.id)
                                             .where(CustomerSegment.merchant_id == merchant_id))
                             .all())

    def terms(self, seed: dict[str, Any], now: datetime) -> PromotionTerms:
        plain = {key: value for key, value in seed.items()
                 if key not in ("categories", "products", "bundle", "stores", "segments",
                                "coupon", "batch")}
        if "segments" in seed:
            plain["audience"] = {"segment_ids": [self.segments[n] for n in seed["segments"]]}
        return PromotionTerms.model_validate(plain | {
            "starts_at": now - timedelta(days=3), "ends_at": now + timedelta(days=60),
            "target": {"category_ids": [self.categories[n] for n in seed.get("categories", ())],
                       "product_ids": [self.products[n] for n in seed.get("products", ())]},
            "bundle": [{"product_id": self.products[n]} for n in seed.get("bundle", ())],
            "location_ids": [self.stores[code] for code in seed.get("stores", ())],
        })


def load_promotions(db: Database, *, now: datetime) -> Counter[str]:
    """Each chain's promotions, created by its owner; returns the rows written per table."""
    with db.session() as session:
        owners = session.execute(
            select(Merchant.slug, Merchant.id, User.id).join(User, User.merchant_id == Merchant.id)
            .where(User.role == Role.OWNER)).all()
        for slug, merchant_id, owner_id in owners:
            actor = Actor(user_id=owner_id, role=Role.OWNER, merchant_id=merchant_id)
            names = _Names(session, merchant_id)
            session.rollback()  # the reads above end before the services' transactions
            for seed in PROMOTIONS.get(slug, ()):
                row = service.create_promotion(session, actor=actor,
                                               data=names.terms(seed, now))
                if "coupon" in seed:
                    code, uses = seed["coupon"]
                    service.create_coupon(session, actor=actor, promotion_id=row.id, code=code,
                                          max_uses=uses)
                if "batch" in seed:
                    count, prefix = seed["batch"]
                    service.create_batch(session, actor=actor, promotion_id=row.id,
                                         count=count, prefix=prefix)
        return Counter({model.__tablename__: session.scalar(
            select(func.count()).select_from(model)) or 0 for model in (PromotionRow, Coupon)})
