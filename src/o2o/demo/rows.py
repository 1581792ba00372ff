"""Rows of the demo tables, shared by the realistic demo and the generated networks.

Each builder takes fresh ids from the writer and returns ``(table, rows)`` pairs, parents
first, ready for one ``BulkWriter.write``.
"""

import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import Table, null
from stdnum import ean
from stdnum.vn import mst

from o2o.auth.models import Role, StaffLocation, User
from o2o.catalog.models import Category, Product, ProductImage, ProductStatus, Variant
from o2o.customers.models import CustomerProfile
from o2o.demo.bulk import BulkWriter, Row
from o2o.demo.catalogue import ProductSeed, variants_of
from o2o.demo.data import CITY_BY_NAME, SERVICES, Place, week_of
from o2o.demo.people import full_name
from o2o.fields import fold, slugify
from o2o.payments.models import PaymentAccount
from o2o.payments.vietqr import ascii_text
from o2o.stores import hours
from o2o.stores.models import (
    Location,
    LocationKind,
    LocationService,
    Merchant,
    OpeningHours,
    Trade,
)

#: Every demo account signs in with this password.
DEMO_PASSWORD = "demo"
#: The first demo customer's phone number (national significant number, after +84).
FIRST_CUSTOMER_PHONE = 900_000_001
LAST_CUSTOMER_PHONE = 909_999_999
CUSTOMER_EMAIL_DOMAIN = "khach.demo.o2o"

MERCHANT: Table = Merchant.__table__  # type: ignore[assignment]
USER: Table = User.__table__  # type: ignore[assignment]
STAFF_LOCATION: Table = StaffLocation.__table__  # type: ignore[assignment]
LOCATION: Table = Location.__table__  # type: ignore[assignment]
OPENING_HOURS: Table = OpeningHours.__table__  # type: ignore[assignment]
LOCATION_SERVICE: Table = LocationService.__table__  # type: ignore[assignment]
CATEGORY: Table = Category.__table__  # type: ignore[assignment]
PRODUCT: Table = Product.__table__  # type: ignore[assignment]
PRODUCT_IMAGE: Table = ProductImage.__table__  # type: ignore[assignment]
VARIANT: Table = Variant.__table__  # type: ignore[assignment]
CUSTOMER_PROFILE: Table = CustomerProfile.__table__  # type: ignore[assignment]
PAYMENT_ACCOUNT: Table = PaymentAccount.__table__  # type: ignore[assignment]

Batch = list[tuple[Table, list[Row]]]


def landline(rng: random.Random, city: str) -> str:
    """A fixed-line number of the city, E.164: +84 24 3xxx xxxx, +84 236 3xx xxxx."""
    area = CITY_BY_NAME[city].area_code
    digits = 10 - len(area)  # 11 digits with the trunk 0, whatever the area code's length
    return f"+84{area}3{rng.randrange(10 ** (digits - 1)):0{digits - 1}d}"


def tax_code(rng: random.Random, province: str = "01") -> str:
    """A valid 10-digit mã số thuế of a company registered in ``province`` (01 Hà Nội)."""
    while True:
        base = f"{province}{rng.randrange(10_000_000):07d}"
        check = mst.calc_check_digit(base)
        if len(check) == 1 and mst.is_valid(base + check):
            return base + check


def barcode(variant_id: int) -> str:
    """An EAN-13 under GS1 Vietnam's prefix 893, unique because the variant id is."""
    body = f"893{variant_id:09d}"
    return body + ean.calc_check_digit(body)


def merchant_row(merchant_id: int, slug: str, name: str, trade: Trade, *, tax_code: str,
                 phone: str, now: datetime) -> Row:
    return {"id": merchant_id, "slug": slug, "name": name, "trade": trade, "tax_code": tax_code,
            "phone": phone, "email": f"cskh@{slug}.demo.o2o", "is_active": True,
            "created_at": now}


def payment_account_row(merchant_id: int, name: str, bank: tuple[str, str]) -> Row:
    """The account the merchant's VietQR codes pay into, its holder named as banks print it
    (upper case, no diacritics)."""
    return {"merchant_id": merchant_id, "bank_bin": bank[0], "account_number": bank[1],
            "account_name": ascii_text(name, 120).upper()}


def user_row(user_id: int, role: Role, name: str, *, password_hash: str, now: datetime,
             merchant_id: int | None = None, email: str | None = None,
             phone: str | None = None) -> Row:
    return {"id": user_id, "role": role, "merchant_id": merchant_id, "email": email,
            "phone": phone, "full_name": name, "search_name": fold(name),
            "password_hash": password_hash,
            "is_active": True, "created_at": now}


def location_rows(writer: BulkWriter, rng: random.Random, merchant_id: int, trade: Trade,
                  places: Sequence[Place], *, kind: LocationKind, now: datetime) -> Batch:
    """Stores (with the trade's hours and services) or warehouses (neither) of a merchant."""
    locations: list[Row] = []
    opening_hours: list[Row] = []
    services: list[Row] = []
    for location_id, place in zip(writer.ids(LOCATION, len(places)), places, strict=True):
        locations.append({
            "id": location_id, "merchant_id": merchant_id, "code": place.code, "kind": kind,
            "name": place.name, "address": place.address, "district": place.district,
            "city": place.city, "phone": landline(rng, place.city), "lat": place.lat,
            "lon": place.lon, "timezone": "Asia/Ho_Chi_Minh", "is_active": True,
            "created_at": now,
        })
        if kind is LocationKind.WAREHOUSE:
            continue
        for weekday, opens, closes in week_of(trade, place.hours):
            interval = hours.interval(weekday, opens, closes)
            opening_hours.append({"location_id": location_id, "weekday": weekday,
                                  "opens": interval.opens, "closes": interval.closes,
                                  "merchant_id": merchant_id})
        services.extend(
            {"location_id": location_id, "service": service, "merchant_id": merchant_id,
             "terms": null() if terms is None else terms}  # SQL NULL, not JSON null
            for service, terms in SERVICES[trade].items()
        )
    return [(LOCATION, locations), (OPENING_HOURS, opening_hours),
            (LOCATION_SERVICE, services)]


def catalogue_rows(writer: BulkWriter, merchant_id: int, sku_prefix: str,
                   catalogue: Mapping[str, Sequence[ProductSeed]], *, house_brand: str | None,
                   now: datetime, max_variants: int | None = None) -> Batch:
    """Categories, products with their illustration, and every variant of each product.

    With ``max_variants``, stops at exactly that many variants.
    """
    categories, products, images, variants = [], [], [], []
    budget = max_variants if max_variants is not None else -1
    number = 0
    for category, seeds in catalogue.items():
        if budget == 0:
            break
        (category_id,) = writer.ids(CATEGORY, 1)
        categories.append({"id": category_id, "merchant_id": merchant_id, "parent_id": None,
                           "name": category, "slug": slugify(category)})
        for seed in seeds:
            if budget == 0:
                break
            number += 1
            (product_id,) = writer.ids(PRODUCT, 1)
            brand = seed.brand or house_brand
            products.append({
                "id": product_id, "merchant_id": merchant_id, "category_id": category_id,
                "name": seed.name, "slug": slugify(seed.name), "description": seed.description,
                "brand": brand, "status": ProductStatus.ACTIVE, "created_at": now,
                "search_text": fold(f"{seed.name} {brand or ''} {category}"),
            })
            (image_id,) = writer.ids(PRODUCT_IMAGE, 1)
            images.append({"id": image_id, "merchant_id": merchant_id, "product_id": product_id,
                           "url": f"/static/demo/{seed.image}.svg", "alt": seed.name,
                           "position": 0})
            unfolded = variants_of(seed)
            if budget > 0:
                unfolded = unfolded[:budget]
                budget -= len(unfolded)
            ids = writer.ids(VARIANT, len(unfolded))
            for position, (variant_id, variant) in enumerate(zip(ids, unfolded, strict=True)):
                suffix = "".join(f"-{slugify(v).upper()}" for v in variant.options.values())
                variants.append({
                    "id": variant_id, "merchant_id": merchant_id, "product_id": product_id,
                    "sku": f"{sku_prefix}{number:03d}{suffix}", "barcode": barcode(variant_id),
                    "options": variant.options, "price": variant.price,
                    "compare_at_price": variant.compare_at_price, "channels": seed.channels,
                    "is_active": True, "position": position, "created_at": now,
                })
    return [(CATEGORY, categories), (PRODUCT, products), (PRODUCT_IMAGE, images),
            (VARIANT, variants)]


def customer_rows(writer: BulkWriter, rng: random.Random, *, first_phone: int, count: int,
                  merchant_ids: Sequence[int], password_hash: str, now: datetime) -> Batch:
    """Shoppers with phones ``+84<first_phone>`` onwards, each known to 1–3 merchants.

    Two in five give an email; consents are given per merchant and channel, or not.
    """
    if first_phone + count - 1 > LAST_CUSTOMER_PHONE:
        raise ValueError("demo phone numbers +84900000001 to +84909999999 are used up")
    users, profiles = [], []
    for user_id, number in zip(writer.ids(USER, count),
                               range(first_phone, first_phone + count), strict=True):
        name, handle = full_name(rng)
        email = (f"{handle}{number - FIRST_CUSTOMER_PHONE + 1}@{CUSTOMER_EMAIL_DOMAIN}"
                 if rng.random() < 0.4 else None)
        joined = now - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
        user = user_row(user_id, Role.CUSTOMER, name, password_hash=password_hash, now=joined,
                        email=email, phone=f"+84{number}")
        users.append(user)
        known_by = rng.choices((1, 2, 3), cum_weights=(60, 90, 100))[0]
        for merchant_id in rng.sample(merchant_ids, min(known_by, len(merchant_ids))):
            consents = {
                "consent_push": rng.random() < 0.6,
                "consent_sms": rng.random() < 0.35,
                "consent_email": email is not None and rng.random() < 0.5,
                "consent_zalo": rng.random() < 0.45,
            }
            profiles.append({"merchant_id": merchant_id, "user_id": user_id, **consents,
                             "consents_updated_at": joined if any(consents.values()) else None,
                             "note": None, "created_at": joined})
    for profile_id, profile in zip(writer.ids(CUSTOMER_PROFILE, len(profiles)), profiles,
                                   strict=True):
        profile["id"] = profile_id
    return [(USER, users), (CUSTOMER_PROFILE, profiles)]
