"""Generated networks at benchmark scale: any number of stores, variants and customers.

Generated merchants come with an owner (password ``demo``), stores spread around real city
centres with their trade's hours and services, a catalogue drawn from the realistic one,
opening stock at every store, and customers whose phone numbers continue after the ones
already in the database. No warehouses or cashiers: benchmarks add what they measure.
"""

import math
import random
import time
from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select

from o2o.auth.models import Role, User
from o2o.auth.security import hash_password
from o2o.catalog.models import Variant
from o2o.db import Database
from o2o.demo.bulk import BATCH_ROWS, BulkWriter
from o2o.demo.catalogue import CATALOGUES, ProductSeed, variants_of
from o2o.demo.data import CITY_CENTRES, MERCHANTS, STREETS, City, Place
from o2o.demo.people import full_name
from o2o.demo.rows import (
    DEMO_PASSWORD,
    FIRST_CUSTOMER_PHONE,
    MERCHANT,
    USER,
    Batch,
    catalogue_rows,
    customer_rows,
    landline,
    location_rows,
    merchant_row,
    tax_code,
    user_row,
)
from o2o.demo.stock import generated_openings, opening_rows
from o2o.fields import slugify
from o2o.orm import utcnow
from o2o.stores.models import Location, LocationKind, Merchant, Trade

#: Vietnam's bounding box: no generated store falls outside it.
LAT_RANGE = (8.18, 23.39)
LON_RANGE = (102.14, 109.47)
KM_PER_DEGREE = 111.32
STORES_PER_MERCHANT = 250
VARIANTS_PER_MERCHANT = 1000
#: Stores per transaction: each comes with 7 opening intervals and 2–4 services.
STORE_BATCH = 1000
#: Variants each generated store holds, unless asked otherwise.
STOCK_PER_STORE = 30

TRADE_LABELS = {Trade.FASHION: "Thời Trang", Trade.ELECTRONICS: "Điện Máy",
                Trade.CAFE: "Cà Phê", Trade.BEAUTY: "Mỹ Phẩm"}
CATALOGUE_OF_TRADE = {seed.trade: CATALOGUES[seed.slug] for seed in MERCHANTS}
BRAND_WORDS = (
    "An Phát", "Minh Long", "Hưng Thịnh", "Phúc Lộc", "Thành Công", "Tân Tiến", "Kim Ngân",
    "Hoàng Gia", "Bảo Ngọc", "Đại Dương", "Sông Hồng", "Mê Kông", "Trường Sơn", "Ánh Dương",
    "Hải Âu", "Thiên Phú", "Gia Hân", "Việt Tín", "Nam Phong", "Đông Á", "Lạc Hồng", "Sen Việt",
)
TAX_PROVINCE = {"Hà Nội": "01", "TP. Hồ Chí Minh": "03", "Đà Nẵng": "04"}

Echo = Callable[[str], object]


class TooFewVariants(ValueError):
    """More variants per store were asked for than a generated merchant would have."""


class Chain(NamedTuple):
    """A generated merchant: "Cà Phê Minh Long", slug ``ca-phe-minh-long-17``."""

    id: int
    trade: Trade
    name: str
    slug: str
    home: City


def add_network(db: Database, *, stores: int, variants: int, customers: int,
                stock_per_store: int | None = None, seed: int = 1,
                echo: Echo = lambda _: None) -> BulkWriter:
    """Add exactly ``stores`` stores, ``variants`` variants and ``customers`` customers.

    Merchants are added to hold them: one per 250 stores or per 1,000 variants. Each store
    holds ``stock_per_store`` of its merchant's variants (by default 30, or all a merchant
    has if fewer), each level with its receipt. Raises TooFewVariants, before writing
    anything, when a merchant would have fewer variants than its stores are asked to hold.
    Deterministic for a seed, apart from timestamps and ids.
    """
    count = max(math.ceil(stores / STORES_PER_MERCHANT),
                math.ceil(variants / VARIANTS_PER_MERCHANT))
    fewest = variants // count if count else 0
    if stock_per_store is None:
        stock_per_store = min(STOCK_PER_STORE, fewest)
    if stores and stock_per_store > fewest:
        raise TooFewVariants(
            f"{stock_per_store} variants per store is more than each generated merchant has "
            f"({fewest:,}): ask for at least {stock_per_store * count:,} variants."
        )
    writer = BulkWriter(db)
    rng = random.Random(seed)
    now = utcnow()
    password_hash = hash_password(DEMO_PASSWORD)
    chains: list[Chain] = []

    def merchants() -> None:
        chains.extend(_write_chains(writer, rng, count, password_hash=password_hash, now=now))

    _step(echo, writer, f"{count:,} merchants", merchants)
    _step(echo, writer, f"{stores:,} stores",
          lambda: _write_stores(writer, rng, chains, stores, now=now))
    _step(echo, writer, f"{variants:,} variants",
          lambda: _write_catalogues(writer, rng, chains, variants, now=now))
    if stores and stock_per_store:
        _step(echo, writer, f"{stores * stock_per_store:,} stock levels",
              lambda: _write_stock(writer, rng, chains, stock_per_store, now=now))
    _step(echo, writer, f"{customers:,} customers",
          lambda: _write_customers(writer, rng, customers, password_hash=password_hash, now=now))
    return writer


def _step(echo: Echo, writer: BulkWriter, what: str, step: Callable[[], None]) -> None:
    started, before = time.perf_counter(), writer.total
    step()
    seconds = time.perf_counter() - started
    rows = writer.total - before
    echo(f"  {what}: {rows:,} rows in {seconds:.1f} s ({rows / max(seconds, 1e-9):,.0f} rows/s)")


def _any_city(rng: random.Random) -> City:
    return rng.choices(CITY_CENTRES, weights=[city.weight for city in CITY_CENTRES])[0]


def _write_chains(writer: BulkWriter, rng: random.Random, count: int, *, password_hash: str,
                  now: datetime) -> list[Chain]:
    trades = list(TRADE_LABELS)
    chains = []
    for number, merchant_id in enumerate(writer.ids(MERCHANT, count)):
        trade = trades[number % len(trades)]
        name = f"{TRADE_LABELS[trade]} {rng.choice(BRAND_WORDS)}"
        chains.append(Chain(merchant_id, trade, name, f"{slugify(name)}-{merchant_id}",
                            _any_city(rng)))
    for start in range(0, count, BATCH_ROWS):
        chunk = chains[start:start + BATCH_ROWS]
        merchants = [
            merchant_row(chain.id, chain.slug, chain.name, chain.trade, now=now,
                         phone=landline(rng, chain.home.name),
                         tax_code=tax_code(rng, TAX_PROVINCE.get(chain.home.name, "01")))
            for chain in chunk
        ]
        owners = [
            user_row(user_id, Role.OWNER, full_name(rng)[0], merchant_id=chain.id,
                     email=f"owner@{chain.slug}.demo.o2o", password_hash=password_hash,
                     now=now)
            for user_id, chain in zip(writer.ids(USER, len(chunk)), chunk, strict=True)
        ]
        writer.write([(MERCHANT, merchants), (USER, owners)])
    return chains


def _place(rng: random.Random, chain: Chain, number: int) -> Place:
    """A store of the chain: mostly in its home city, jittered around the centre."""
    city = chain.home if rng.random() < 0.6 else _any_city(rng)
    street = rng.choice(STREETS)
    km_per_lon_degree = KM_PER_DEGREE * math.cos(math.radians(city.lat))
    lat = city.lat + rng.gauss(0, city.spread_km / KM_PER_DEGREE)
    lon = city.lon + rng.gauss(0, city.spread_km / km_per_lon_degree)
    late = 5 if chain.trade is Trade.CAFE else 0
    hours = rng.choices(("", "mall", "late"), weights=(85, 10, late))
    return Place(
        code=f"{chain.slug}-{number}", name=f"{chain.name} {street}",
        address=f"{rng.randint(1, 399)} {street}", district=rng.choice(city.districts),
        city=city.name, lat=round(min(max(lat, LAT_RANGE[0]), LAT_RANGE[1]), 6),
        lon=round(min(max(lon, LON_RANGE[0]), LON_RANGE[1]), 6), hours=hours[0],
    )


def _write_stores(writer: BulkWriter, rng: random.Random, chains: list[Chain], count: int, *,
                  now: datetime) -> None:
    """Stores dealt round the chains, so each has about the same number."""
    for start in range(0, count, STORE_BATCH):
        places: dict[Chain, list[Place]] = {}
        for index in range(start, min(count, start + STORE_BATCH)):
            chain = chains[index % len(chains)]
            places.setdefault(chain, []).append(_place(rng, chain, index // len(chains) + 1))
        batch: Batch = []
        for chain, chain_places in places.items():
            batch += location_rows(writer, rng, chain.id, chain.trade, chain_places,
                                   kind=LocationKind.STORE, now=now)
        writer.write(batch)


def _generated_catalogue(rng: random.Random, trade: Trade,
                         variants: int) -> dict[str, list[ProductSeed]]:
    """Products modelled on the realistic catalogue of the trade, with at least ``variants``."""
    source = CATALOGUE_OF_TRADE[trade]
    categories = list(source)
    catalogue: dict[str, list[ProductSeed]] = {category: [] for category in categories}
    made = 0
    while made < variants:
        category = rng.choice(categories)
        model = rng.choice(source[category])
        price = int(round(model.price * rng.uniform(0.8, 1.25), -3))
        was = int(round(model.was * price / model.price, -3)) if model.was else None
        product = model._replace(name=f"{model.name} mẫu {made + 1}", price=price,
                                 was=max(was, price) if was else None)
        catalogue[category].append(product)
        made += len(variants_of(product))
    return {category: products for category, products in catalogue.items() if products}


def _write_catalogues(writer: BulkWriter, rng: random.Random, chains: list[Chain], count: int,
                      *, now: datetime) -> None:
    """``count`` variants shared out evenly between the chains."""
    batch: Batch = []
    pending = 0
    for number, chain in enumerate(chains):
        share = count // len(chains) + (1 if number < count % len(chains) else 0)
        if share == 0:
            continue
        batch += catalogue_rows(writer, chain.id, f"M{chain.id}-",
                                _generated_catalogue(rng, chain.trade, share),
                                house_brand=chain.name, now=now, max_variants=share)
        pending += share
        if pending >= BATCH_ROWS:
            writer.write(batch)
            batch, pending = [], 0
    if batch:
        writer.write(batch)


def _write_stock(writer: BulkWriter, rng: random.Random, chains: list[Chain], per_store: int,
                 *, now: datetime) -> None:
    """``per_store`` variants of its chain at every store of the chains, with receipts."""
    first, last = chains[0].id, chains[-1].id  # the chains' ids run on, with nothing between
    with writer.db.session() as session:
        rows = session.execute(
            select(Variant.merchant_id, Variant.id)
            .where(Variant.merchant_id.between(first, last))
            .order_by(Variant.id)
        ).all()
        stores = [(merchant_id, store_id) for merchant_id, store_id in session.execute(
            select(Location.merchant_id, Location.id)
            .where(Location.merchant_id.between(first, last),
                   Location.kind == LocationKind.STORE)
            .order_by(Location.id)
        )]
    variants: dict[int, list[int]] = {chain.id: [] for chain in chains}
    for merchant_id, variant_id in rows:
        variants[merchant_id].append(variant_id)
    for start in range(0, len(stores), STORE_BATCH):
        openings = generated_openings(rng, stores[start:start + STORE_BATCH], variants,
                                      per_store)
        writer.write(opening_rows(writer, openings, now=now))


def _write_customers(writer: BulkWriter, rng: random.Random, count: int, *, password_hash: str,
                     now: datetime) -> None:
    """Customers after the last demo phone number, known to merchants across the network."""
    with writer.db.session() as session:
        merchant_ids = list(session.scalars(select(Merchant.id).order_by(Merchant.id)))
        last = session.scalar(select(func.max(User.phone)).where(
            User.phone.like("+8490%"), func.length(User.phone) == 12))
    first = int(last[3:]) + 1 if last else FIRST_CUSTOMER_PHONE
    for start in range(0, count, BATCH_ROWS):
        writer.write(customer_rows(
            writer, rng, first_phone=first + start, count=min(BATCH_ROWS, count - start),
            merchant_ids=merchant_ids, password_hash=password_hash, now=now,
        ))
