"""The realistic demo network, what ``scripts/serve`` shows: four chains in three cities,
stocked (``demo.stock``).

Every demo account signs in with the password ``demo``.
"""

import random
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from o2o.auth.models import Role
from o2o.auth.security import hash_password
from o2o.config import Settings
from o2o.db import Database
from o2o.demo.bulk import BATCH_ROWS, BulkWriter
from o2o.demo.catalogue import CATALOGUES, HOUSE_BRANDS
from o2o.demo.data import BANK_ACCOUNTS, MERCHANTS, STORES, WAREHOUSES
from o2o.demo.loyalty import load_loyalty
from o2o.demo.people import full_name
from o2o.demo.promotions import load_promotions
from o2o.demo.rows import (
    CUSTOMER_EMAIL_DOMAIN,
    DEMO_PASSWORD,
    FIRST_CUSTOMER_PHONE,
    MERCHANT,
    PAYMENT_ACCOUNT,
    STAFF_LOCATION,
    USER,
    Batch,
    catalogue_rows,
    customer_rows,
    location_rows,
    merchant_row,
    payment_account_row,
    user_row,
)
from o2o.demo.segments import load_segments
from o2o.demo.stock import demo_openings, opening_rows
from o2o.fields import fold, normalize_phone
from o2o.orm import utcnow
from o2o.stores.models import LocationKind, Merchant

SEED = 20261123
CUSTOMERS = 3000
OPERATOR_EMAIL = "operator@demo.o2o"
#: The shopper to sign in as: the first demo customer.
SHOPPER = ("Nguyễn Thị Lan", "lan.nguyen")

LOGINS = f"""Demo logins, password "{DEMO_PASSWORD}":
  network operator  {OPERATOR_EMAIL}
  merchant owner    owner@hoasen.demo.o2o  (also saoviet, phoco, moclan)
  HQ manager        manager@hoasen.demo.o2o
  cashier           cashier@hoasen-hangbong.demo.o2o  (cashier@<store code>.demo.o2o)
  shopper           0900000001  ({SHOPPER[0]})"""


def load_demo(db: Database) -> Counter[str]:
    """Write the realistic demo network into a database that has none of it yet.

    Deterministic apart from timestamps; returns the rows written per table.
    """
    writer = BulkWriter(db)
    rng = random.Random(SEED)
    now = utcnow()
    password_hash = hash_password(DEMO_PASSWORD)  # once: argon2 is slow on purpose
    merchant_ids = _write_network(writer, rng, password_hash=password_hash, now=now)
    for seed, merchant_id in zip(MERCHANTS, merchant_ids, strict=True):
        writer.write(catalogue_rows(
            writer, merchant_id, seed.sku_prefix, CATALOGUES[seed.slug],
            house_brand=HOUSE_BRANDS.get(seed.slug), now=now,
        ))
    trades = {merchant_id: seed.trade for seed, merchant_id in zip(MERCHANTS, merchant_ids,
                                                                     strict=True)}
    # A generator of its own, so that the stock does not reshuffle the customers after it.
    openings = demo_openings(writer, random.Random(SEED + 1), trades)
    writer.write(opening_rows(writer, openings, now=now))
    for start in range(0, CUSTOMERS, BATCH_ROWS):
        batch = customer_rows(
            writer, rng, first_phone=FIRST_CUSTOMER_PHONE + start,
            count=min(BATCH_ROWS, CUSTOMERS - start), merchant_ids=merchant_ids,
            password_hash=password_hash, now=now,
        )
        if start == 0:
            shopper = batch[0][1][0]
            shopper.update(full_name=SHOPPER[0], search_name=fold(SHOPPER[0]))
            shopper["email"] = f"{SHOPPER[1]}@{CUSTOMER_EMAIL_DOMAIN}"
        writer.write(batch)
    writer.rows.update(load_loyalty(db, now=now, seed=SEED + 2))
    writer.rows.update(load_segments(db))  # before the promotions: one is for the VIPs
    writer.rows.update(load_promotions(db, now=now))
    return writer.rows


def _write_network(writer: BulkWriter, rng: random.Random, *, password_hash: str,
                   now: datetime) -> list[int]:
    """The operator, the merchants with their bank account, owner, HQ manager, stores,
    warehouse and cashiers."""
    merchant_ids = list(writer.ids(MERCHANT, len(MERCHANTS)))
    merchants, accounts, people, places, assignments = [], [], [], [], []

    def person(role: Role, email: str, merchant_id: int | None, name: str = "") -> int:
        (user_id,) = writer.ids(USER, 1)
        people.append(user_row(user_id, role, name or full_name(rng)[0], email=email,
                               merchant_id=merchant_id, password_hash=password_hash, now=now))
        return user_id

    person(Role.OPERATOR, OPERATOR_EMAIL, None, "Vận hành mạng o2o")
    for seed, merchant_id in zip(MERCHANTS, merchant_ids, strict=True):
        merchants.append(merchant_row(
            merchant_id, seed.slug, seed.name, seed.trade, tax_code=seed.tax_code,
            phone=normalize_phone(seed.phone), now=now,
        ))
        accounts.append(payment_account_row(merchant_id, seed.name, BANK_ACCOUNTS[seed.slug]))
        person(Role.OWNER, f"owner@{seed.slug}.demo.o2o", merchant_id, seed.owner)
        person(Role.MANAGER, f"manager@{seed.slug}.demo.o2o", merchant_id, seed.manager)
        stores = location_rows(writer, rng, merchant_id, seed.trade, STORES[seed.slug],
                               kind=LocationKind.STORE, now=now)
        for store in stores[0][1]:
            cashier = person(Role.CASHIER, f"cashier@{store['code']}.demo.o2o", merchant_id)
            assignments.append({"user_id": cashier, "location_id": store["id"],
                                "merchant_id": merchant_id})
        places += stores
        places += location_rows(writer, rng, merchant_id, seed.trade, [WAREHOUSES[seed.slug]],
                                kind=LocationKind.WAREHOUSE, now=now)
    batch: Batch = [(MERCHANT, merchants), (PAYMENT_ACCOUNT, accounts), (USER, people), *places,
                    (STAFF_LOCATION, assignments)]
    writer.write(batch)
    return merchant_ids


def load_demo_if_empty(settings: Settings, *, echo: Callable[[str], object] = print) -> bool:
    """Load the realistic demo into a database without merchants; say what was loaded.

    A database that already has merchants is left as it is.
    """
    db = Database(settings.database_url, pool_size=2)
    try:
        with db.session() as session:
            if session.scalar(select(Merchant.id).limit(1)) is not None:
                echo("The database already has merchants: the demo network was not loaded.")
                return False
        started = time.perf_counter()
        rows = load_demo(db)
        seconds = time.perf_counter() - started
        total = sum(rows.values())
        echo(f"Demo network loaded: {len(MERCHANTS)} merchants, "
             f"{sum(map(len, STORES.values()))} stores, {len(WAREHOUSES)} warehouses, "
             f"{rows['variants']} variants, {rows['stock_levels']:,} stock levels, "
             f"{CUSTOMERS:,} customers; "
             f"{total:,} rows in {seconds:.1f} s ({total / seconds:,.0f} rows/s).")
        echo(LOGINS)
        return True
    finally:
        db.dispose()
