"""Reservations per second over HTTP against the raw conditional UPDATE underneath.

Two shapes of traffic, each on SQLite and on PostgreSQL:

- ``hot``: every client holds a unit of the same variant at the same store (a flash sale);
  every write queues for one row.
- ``spread``: each request picks one of 10,000 (store, variant) rows at random (ordinary
  trade); PostgreSQL writes rows side by side, SQLite still one transaction at a time.

HTTP side: ``POST /api/v1/reservations`` of 1 unit by cashiers (staff: no online buffer),
``--clients`` keep-alive connections back to back, every answer must be 201. Afterwards the
ledger must reconcile and ``reserved`` must equal the 201s counted.
Raw side: the bare ``UPDATE stock_levels SET reserved = reserved + 1 WHERE … AND
on_hand - reserved >= 1``, one committed transaction per statement, through the same driver
with as many connections (see ``bench/README.md`` for how SQLite's is run).

    .venv/bin/python bench/reserve.py [--db sqlite|postgresql|both] [--seconds 10] [--clients 32]
                                      [--workers 1]
"""

import argparse
import json
import random
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import psycopg
from common import (
    Builder,
    Connect,
    Row,
    arguments,
    bearer,
    database,
    http_load,
    http_request,
    libpq_url,
    print_table,
    served,
    sqlite_path,
    thread_load,
)
from sqlalchemy import func, select

from o2o.auth.permissions import Actor
from o2o.db import Database
from o2o.inventory import service as inventory_service
from o2o.inventory.models import ReservationPurpose, StockLevel

STORES = 10
VARIANTS_PER_STORE = 1000  # 10 stores x 1,000 variants: the 10,000 spread rows
#: Enough that nothing runs out however fast it goes (the most a location may hold).
ON_HAND = 10_000_000
#: The issue's aims: HTTP as a share of the raw rate.
AIMS = {"hot": 60, "spread": 18}
RAW_UPDATE = ("UPDATE stock_levels SET reserved = reserved + 1 "
              "WHERE location_id = {p} AND variant_id = {p} AND on_hand - reserved >= 1")


@dataclass
class Shop:
    hot: Row
    spread: list[Row]
    cashiers: list[Actor]
    headers: list[dict[str, str]]


def build(db: Database, clients: int) -> Shop:
    """One merchant, its stores, variants and cashiers through the services, and the 10,001
    stocked levels (``Builder.stocked``)."""
    builder = Builder(db)
    merchant, owner = builder.merchant("bench")
    stores = builder.stores(owner, STORES)
    hot, spread = builder.stocked(merchant, owner, stores, per_store=VARIANTS_PER_STORE,
                                  on_hand=ON_HAND)
    cashiers = builder.cashiers(owner, merchant, stores, clients)
    return Shop(hot, spread, cashiers, [bearer(cashier) for cashier in cashiers])


def reservations(shop: Shop, rows: list[Row]) -> Callable[[int], bytes]:
    """Each client's next POST: its own cashier, a row drawn from ``rows``."""
    bodies = [json.dumps({"location_id": loc, "variant_id": var, "quantity": 1,
                          "ttl_seconds": 3600}).encode() for loc, var in rows]
    headers = [{**h, "Content-Type": "application/json"} for h in shop.headers]
    rng = random.Random(1)

    def next_request(client: int) -> bytes:
        body = bodies[0] if len(bodies) == 1 else rng.choice(bodies)
        return http_request("POST", "/api/v1/reservations", headers[client], body)

    return next_request


def check(db: Database, rows: list[Row], granted: int) -> None:
    """Nothing oversold or lost: the rows' ledger reconciles and every 201 holds one unit.

    Only ``rows`` are looked at: the raw side has already raised ``reserved`` elsewhere."""
    wanted = set(rows)
    with db.session() as session:
        mismatches = [m for m in inventory_service.reconcile(session)
                      if (m.location_id, m.variant_id) in wanted]
        reserved = session.scalar(
            select(func.sum(StockLevel.reserved))
            .where(StockLevel.variant_id.in_(sorted({variant for _, variant in rows})))
        )
    if mismatches:
        raise AssertionError(f"stock does not reconcile: {mismatches[:5]}")
    if reserved != granted:
        raise AssertionError(f"{granted} reservations were granted but {reserved} are held")


def in_process(db: Database, shop: Shop, rows: list[Row]) -> Connect:
    """The service called directly, a session per call as a request has: no HTTP."""

    @contextmanager
    def connect(number: int) -> Iterator[Callable[[], None]]:
        rng = random.Random(number)
        cashier = shop.cashiers[number % len(shop.cashiers)]

        def step() -> None:
            loc, var = rows[0] if len(rows) == 1 else rng.choice(rows)
            with db.session() as session:
                inventory_service.reserve_lines(
                    session, actor=cashier, holds=[inventory_service.Hold(loc, var, 1)],
                    ttl=timedelta(hours=1), purpose=ReservationPurpose.STAFF_HOLD)

        yield step

    return connect


def raw_postgresql(url: str, rows: list[Row]) -> Connect:
    """psycopg 3 in autocommit: one statement, one transaction, one round trip (psycopg
    prepares it after its fifth run)."""
    sql = RAW_UPDATE.format(p="%s")

    @contextmanager
    def connect(number: int) -> Iterator[Callable[[], None]]:
        rng = random.Random(number)
        with psycopg.connect(libpq_url(url), autocommit=True) as conn:
            cursor = conn.cursor()

            def step() -> None:
                cursor.execute(sql, rows[0] if len(rows) == 1 else rng.choice(rows))
                if cursor.rowcount != 1:
                    raise AssertionError("the raw UPDATE found no stock")

            yield step

    return connect


def raw_sqlite(url: str, rows: list[Row]) -> Connect:
    """sqlite3 with the app's pragmas (WAL, synchronous=FULL), a connection per thread, each
    UPDATE committed on its own; writers wait in SQLite's busy handler, the fastest of the
    ways measured (see README.md)."""
    sql = RAW_UPDATE.format(p="?")

    @contextmanager
    def connect(number: int) -> Iterator[Callable[[], None]]:
        rng = random.Random(number)
        conn = sqlite3.connect(sqlite_path(url), isolation_level=None, check_same_thread=False,
                               timeout=15)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=15000"):
            conn.execute(f"PRAGMA {pragma}")

        def step() -> None:
            row = rows[0] if len(rows) == 1 else rng.choice(rows)
            if conn.execute(sql, row).rowcount != 1:
                raise AssertionError("the raw UPDATE found no stock")

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
            workers = args.workers if backend == "postgresql" else 1
            with served(url, workers=workers) as server:
                for shape, rows in {"hot": [shop.hot], "spread": shop.spread}.items():
                    print(f"{backend} {shape}: HTTP, in-process, raw", flush=True)
                    http = http_load(server, reservations(shop, rows), clients=args.clients,
                                     seconds=args.seconds, expect=201)
                    check(db, rows, http.total)
                    service = thread_load(in_process(db, shop, rows), threads=args.clients,
                                          seconds=args.seconds)
                    check(db, rows, http.total + service.total)
                    raw = thread_load(raw_connect(url, rows), threads=args.clients,
                                      seconds=args.seconds)
                    table.append([
                        backend, shape, http.rate, http.ms(50), http.ms(99), service.rate,
                        raw.rate, raw.ms(99), f"{100 * http.rate / raw.rate:.0f} %",
                        f"{AIMS[shape]} %", f"{http.cpu['server']:.2f}",
                        f"{http.cpu['client']:.2f}",
                    ])
        finally:
            db.dispose()
    return table


def main() -> None:
    args = arguments(__doc__.split("\n\n")[0], extra=[
        ("--workers", {"type": int, "default": 1,
                       "help": "API processes on PostgreSQL (o2o serve --workers); "
                               "SQLite is served by one"}),
    ])
    table = []
    for backend in args.backends:
        table += measure(backend, args)
    processes = f", {args.workers} API processes on PostgreSQL" if args.workers > 1 else ""
    print_table(
        f"Reservations: {args.clients} clients, {args.seconds:g} s per measurement{processes}",
        ["db", "rows", "HTTP/s", "p50 ms", "p99 ms", "service/s", "raw/s", "raw p99",
         "HTTP/raw", "aim", "srv cpu", "cli cpu"],
        table,
    )


if __name__ == "__main__":
    main()
