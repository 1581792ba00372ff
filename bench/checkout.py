"""Checkouts completed per second over HTTP against the raw writes of the same orders.

Two shapes of traffic, each on SQLite and on PostgreSQL:

- ``hot``: every shopper buys 1 unit of the same variant at the same store (a flash sale);
  every order queues for one stock row.
- ``spread``: each order picks one of 10,000 (store, variant) rows at random.

HTTP side: ``--clients`` shoppers, each on a keep-alive connection, back to back:
``POST /api/v1/checkouts`` (1 unit, pickup at the row's store) answered 201, then
``POST /api/v1/checkouts/{id}/complete`` with a fresh ``Idempotency-Key`` answered 201.
A checkout is counted when its completion is in. Afterwards the ledger must reconcile and
``reserved`` must equal the orders placed.
Raw side: the writes those two requests make, in the order the app makes them (12 INSERTs
and UPDATEs: checkout and line, idempotency key, claim, order with its pickup code, its line,
timeline, outbox, then the conditional stock UPDATE, reservation, the line's hold, key
result), in one transaction per order, through the same driver with as many connections;
none of the app's reads.

    .venv/bin/python bench/checkout.py [--db sqlite|postgresql|both] [--seconds 10] [--clients 32]
"""

import argparse
import itertools
import json
import random
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from common import (
    PASSWORD,
    Builder,
    Connect,
    Row,
    Send,
    arguments,
    bearer,
    database,
    http_flow_load,
    http_request,
    libpq_url,
    print_table,
    served,
    sqlite_path,
    thread_load,
)
from psycopg.types.json import Json
from sqlalchemy import func, select

from o2o.auth import service as auth_service
from o2o.auth.permissions import Actor
from o2o.auth.schemas import CustomerSignup
from o2o.config import Settings
from o2o.db import Database
from o2o.inventory import service as inventory_service
from o2o.inventory.models import StockLevel
from o2o.orders import checkout as checkout_service
from o2o.orders.models import OrderLine
from o2o.orders.schemas import CheckoutCreate

STORES = 10
VARIANTS_PER_STORE = 1000  # 10 stores x 1,000 variants: the 10,000 spread rows
#: Enough that nothing runs out however fast it goes (the most a location may hold).
ON_HAND = 10_000_000
PRICE = 199_000
#: The issue's aim: HTTP as a share of the raw rate, on spread variants.
AIMS = {"hot": "", "spread": "25 %"}

#: Every completion's Idempotency-Key is new, as a shopper's would be.
KEYS = itertools.count()


@dataclass
class Shop:
    merchant_id: int
    hot: Row
    spread: list[Row]
    shoppers: list[Actor]
    headers: list[dict[str, str]]
    #: Stores of the raw side's orders: its pickup codes never meet the app's.
    raw_stores: dict[int, int]


def build(db: Database, clients: int) -> Shop:
    """One merchant, its stores and variants through the services, a shopper per client,
    and the 10,001 stocked levels (``Builder.stocked``)."""
    builder = Builder(db)
    merchant, owner = builder.merchant("bench")
    stores = builder.stores(owner, 2 * STORES)
    stores, raw_stores = stores[:STORES], stores[STORES:]
    hot, spread = builder.stocked(merchant, owner, stores, per_store=VARIANTS_PER_STORE,
                                  on_hand=ON_HAND)
    shoppers = []
    for number in range(clients):
        data = CustomerSignup(phone=f"+849100{number:05d}", full_name=f"Khách {number}",
                              password=PASSWORD)
        with db.session() as session:
            user = auth_service.sign_up_customer(session, data=data)
        shoppers.append(builder.actor_of(user))
    return Shop(merchant.id, hot, spread, shoppers, [bearer(s) for s in shoppers],
                {store.id: raw.id for store, raw in zip(stores, raw_stores, strict=True)})


def checkouts(shop: Shop, rows: list[Row]) -> Callable[[int, Send], Any]:
    """Each client's next order: its own shopper, a row drawn from ``rows``; create the
    checkout, then complete it with a key of its own."""
    bodies = [json.dumps({"lines": [{"variant_id": var, "quantity": 1}],
                          "fulfilment": {"type": "pickup", "store_id": loc}}).encode()
              for loc, var in rows]
    headers = [{**h, "Content-Type": "application/json"} for h in shop.headers]
    rng = random.Random(1)

    async def flow(client: int, send: Send) -> None:
        body = bodies[0] if len(bodies) == 1 else rng.choice(bodies)
        made = json.loads(await send(http_request("POST", "/api/v1/checkouts",
                                                  headers[client], body), 201))
        key = {**shop.headers[client], "Idempotency-Key": f"bench-{next(KEYS)}"}
        await send(http_request("POST", f"/api/v1/checkouts/{made['id']}/complete", key), 201)

    return flow


def check(db: Database, rows: list[Row], placed: int) -> None:
    """Nothing oversold or lost: the rows' ledger reconciles, every completion made one
    order line and holds one unit. Run before the raw side writes to these rows."""
    wanted = set(rows)
    variants = sorted({variant for _, variant in rows})
    with db.session() as session:
        mismatches = [m for m in inventory_service.reconcile(session)
                      if (m.location_id, m.variant_id) in wanted]
        lines = session.scalar(select(func.count()).select_from(OrderLine)
                               .where(OrderLine.variant_id.in_(variants)))
        reserved = session.scalar(select(func.sum(StockLevel.reserved))
                                  .where(StockLevel.variant_id.in_(variants)))
    if mismatches:
        raise AssertionError(f"stock does not reconcile: {mismatches[:5]}")
    if lines != placed or reserved != placed:
        raise AssertionError(f"{placed} checkouts completed, but {lines} order lines exist "
                             f"and {reserved} units are held")


def in_process(db: Database, shop: Shop, rows: list[Row]) -> Connect:
    """The two services called directly, a session per call as a request has: no HTTP."""
    settings = Settings()

    @contextmanager
    def connect(number: int) -> Iterator[Callable[[], None]]:
        rng = random.Random(number)
        shopper = shop.shoppers[number % len(shop.shoppers)]

        def step() -> None:
            loc, var = rows[0] if len(rows) == 1 else rng.choice(rows)
            data = CheckoutCreate.model_validate({
                "lines": [{"variant_id": var, "quantity": 1}],
                "fulfilment": {"type": "pickup", "store_id": loc}})
            with db.session() as session:
                made = checkout_service.create_checkout(session, actor=shopper, data=data,
                                                        settings=settings)
            with db.session() as session:
                checkout_service.complete_checkout(
                    session, actor=shopper, checkout_id=made.checkout.id,
                    idempotency_key=f"service-{next(KEYS)}", settings=settings)

        yield step

    return connect


# --- the raw side -----------------------------------------------------------------------------

#: The writes of one order, in the order the app makes them; ``{p}`` is the driver's
#: placeholder. The ids the later ones need come back from RETURNING.
RAW_WRITES = {
    "checkout": "INSERT INTO checkouts (merchant_id, channel, customer_id, created_by, "
                "services, coupon_codes, points, cashback, status, created_at, fulfilment_type, "
                "store_id, note) VALUES ({p}, 'online', {p}, {p}, {p}, {p}, 0, 0, 'open', {p}, "
                "'pickup', {p}, '') RETURNING id",
    "checkout_line": "INSERT INTO checkout_lines (checkout_id, variant_id, merchant_id, "
                     "quantity, position) VALUES ({p}, {p}, {p}, 1, 0)",
    "key": "INSERT INTO idempotency_keys (user_id, \"key\", fingerprint, result, created_at, "
           "expires_at) VALUES ({p}, {p}, {p}, '', {p}, {p})",
    "claim": "UPDATE checkouts SET status = 'completed', updated_at = {p} "
             "WHERE id = {p} AND status = 'open'",
    "order": "INSERT INTO orders (merchant_id, checkout_id, channel, customer_id, placed_by, "
             "status, deadline, pickup_code, subtotal, discount, delivery_fee, total, refunded, "
             "paid, created_at, fulfilment_type, store_id, note) VALUES ({p}, {p}, 'online', "
             "{p}, {p}, 'placed', {p}, {p}, {p}, 0, 0, {p}, 0, 0, {p}, 'pickup', {p}, '') "
             "RETURNING id",
    "order_line": "INSERT INTO order_lines (order_id, merchant_id, variant_id, sku, name, "
                  "unit_price, quantity, quantity_sold, quantity_returned, discount, "
                  "adjustments, total, location_id) VALUES ({p}, {p}, {p}, 'SP', 'Áo thun', "
                  "{p}, 1, 0, 0, 0, {p}, {p}, {p}) RETURNING id",
    "stock": "UPDATE stock_levels SET reserved = reserved + 1 WHERE location_id = {p} "
             "AND variant_id = {p} AND on_hand - reserved - online_buffer >= 1",
    "reservation": "INSERT INTO reservations (merchant_id, location_id, variant_id, quantity, "
                   "purpose, status, user_id, expires_at, created_at) VALUES ({p}, {p}, {p}, "
                   "1, 'pickup', 'active', {p}, {p}, {p}) RETURNING id",
    "line_hold": "UPDATE order_lines SET reservation_id = {p} WHERE id = {p}",
    "event": "INSERT INTO order_events (order_id, merchant_id, status, user_id, location_id, "
             "note, created_at) VALUES ({p}, {p}, 'placed', {p}, {p}, '', {p}) RETURNING id",
    "outbox": "INSERT INTO outbox_events (topic, merchant_id, subject, payload, created_at) "
              "VALUES ('order.placed', {p}, {p}, {p}, {p}) RETURNING id",
    "key_result": "UPDATE idempotency_keys SET result = {p} WHERE user_id = {p} AND \"key\" = {p}",
}


class RawOrder:
    """One order's writes through a DB-API cursor; ``json`` wraps a JSON value for the
    driver. Pickup codes and keys come from one counter: unique while under a million."""

    counter = itertools.count(1)

    def __init__(self, shop: Shop, placeholder: str, json_value: Callable[[Any], Any],
                 timestamp: Callable[[datetime], Any]) -> None:
        self.shop = shop
        self.sql = {name: sql.format(p=placeholder) for name, sql in RAW_WRITES.items()}
        self.json, self.ts = json_value, timestamp

    def write(self, cursor: Any, shopper: int, row: Row) -> None:
        n = next(self.counter)
        sql, m, (loc, var) = self.sql, self.shop.merchant_id, row
        store = self.shop.raw_stores[loc]
        now = datetime.now(UTC)
        ts = self.ts(now)
        deadline = self.ts(now + timedelta(hours=72))

        def one(name: str, *params: Any) -> Any:
            cursor.execute(sql[name], params)
            return cursor.fetchone()[0] if sql[name].endswith("RETURNING id") else None

        checkout = one("checkout", m, shopper, shopper, self.json([]), self.json([]), ts, store)
        one("checkout_line", checkout, var, m)
        key = f"raw-{n}"
        one("key", shopper, key, f"checkout.complete:{checkout}", ts, deadline)
        one("claim", ts, checkout)
        order = one("order", m, checkout, shopper, shopper, deadline, f"{n % 1_000_000:06d}",
                    PRICE, PRICE, ts, store)
        line = one("order_line", order, m, var, PRICE, self.json([]), PRICE, loc)
        one("event", order, m, shopper, store, ts)
        one("outbox", m, f"order:{order}",
            self.json({"status": "placed", "customer_id": shopper, "total": PRICE,
                       "fulfilment": "pickup"}), ts)
        cursor.execute(sql["stock"], (loc, var))
        if cursor.rowcount != 1:
            raise AssertionError("the raw UPDATE found no stock")
        reservation = one("reservation", m, loc, var, shopper, deadline, ts)
        one("line_hold", reservation, line)
        one("key_result", f"order:{order}", shopper, key)


def raw_postgresql(url: str, shop: Shop, rows: list[Row]) -> Connect:
    """psycopg 3, one connection per thread, each order one transaction (statements
    prepared after their fifth run)."""
    raw = RawOrder(shop, "%s", Json, lambda moment: moment)

    @contextmanager
    def connect(number: int) -> Iterator[Callable[[], None]]:
        rng = random.Random(number)
        shopper = shop.shoppers[number % len(shop.shoppers)].user_id
        with psycopg.connect(libpq_url(url), autocommit=True) as conn:
            cursor = conn.cursor()

            def step() -> None:
                with conn.transaction():
                    raw.write(cursor, shopper, rows[0] if len(rows) == 1 else rng.choice(rows))

            yield step

    return connect


#: SQLite's writers queue on one lock of this process, as the app's do (``o2o.db``); on the
#: busy machine, SQLite's busy handler instead measured the same within the noise.
_SQLITE_WRITER = threading.Lock()


def raw_sqlite(url: str, shop: Shop, rows: list[Row]) -> Connect:
    """sqlite3 with the app's pragmas (WAL, synchronous=FULL), a connection per thread, each
    order one ``BEGIN IMMEDIATE … COMMIT``, writers queued on one process lock."""
    raw = RawOrder(shop, "?", json.dumps, lambda moment: moment.isoformat(sep=" "))

    @contextmanager
    def connect(number: int) -> Iterator[Callable[[], None]]:
        rng = random.Random(number)
        shopper = shop.shoppers[number % len(shop.shoppers)].user_id
        conn = sqlite3.connect(sqlite_path(url), isolation_level=None, check_same_thread=False,
                               timeout=15)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON",
                       "busy_timeout=15000"):
            conn.execute(f"PRAGMA {pragma}")
        cursor = conn.cursor()

        def step() -> None:
            row = rows[0] if len(rows) == 1 else rng.choice(rows)
            with _SQLITE_WRITER:
                cursor.execute("BEGIN IMMEDIATE")
                try:
                    raw.write(cursor, shopper, row)
                except BaseException:
                    cursor.execute("ROLLBACK")
                    raise
                cursor.execute("COMMIT")

        try:
            yield step
        finally:
            conn.close()

    return connect


def measure(backend: str, args: argparse.Namespace) -> list[list[object]]:
    """The table rows of one database. Per shape, HTTP, in-process and raw run back to back,
    so that a ratio compares moments of the same machine load."""
    table = []
    with database(backend) as url:
        db = Database(url, pool_size=args.clients)
        try:
            print(f"{backend}: building 10,001 stocked levels", flush=True)
            shop = build(db, args.clients)
            raw_connect = raw_sqlite if backend == "sqlite" else raw_postgresql
            with served(url) as server:
                for shape, rows in {"hot": [shop.hot], "spread": shop.spread}.items():
                    print(f"{backend} {shape}: HTTP, in-process, raw", flush=True)
                    http = http_flow_load(server, checkouts(shop, rows), clients=args.clients,
                                          seconds=args.seconds)
                    check(db, rows, http.total)
                    service = thread_load(in_process(db, shop, rows), threads=args.clients,
                                          seconds=args.seconds)
                    check(db, rows, http.total + service.total)
                    raw = thread_load(raw_connect(url, shop, rows), threads=args.clients,
                                      seconds=args.seconds)
                    table.append([
                        backend, shape, http.rate, http.ms(50), http.ms(99), service.rate,
                        raw.rate, raw.ms(99), f"{100 * http.rate / raw.rate:.0f} %",
                        AIMS[shape], f"{http.cpu['server']:.2f}",
                        f"{http.cpu['client']:.2f}",
                    ])
        finally:
            db.dispose()
    return table


def main() -> None:
    args = arguments(__doc__.split("\n\n")[0])
    table = []
    for backend in args.backends:
        table += measure(backend, args)
    print_table(
        f"Checkouts (create + complete): {args.clients} clients, {args.seconds:g} s per "
        "measurement",
        ["db", "rows", "HTTP/s", "p50 ms", "p99 ms", "service/s", "raw/s", "raw p99",
         "HTTP/raw", "aim", "srv cpu", "cli cpu"],
        table,
    )


if __name__ == "__main__":
    main()
