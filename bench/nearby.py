"""Nearby-with-stock searches per second at 100,000 stores, against the same query run raw.

The network is the demo generator's (``o2o demo-data --stores 100000 --variants 100000
--stock-per-store 30``): 400 chains of 250 stores around the real city centres, each store
holding 30 of its chain's 250 variants (3 million stock levels). A search is what a shopper
sends: 5 km around a point near a city centre, for a variant stocked somewhere in that city.

Three lines per database, each with ``--clients`` concurrent searchers:

- HTTP: ``GET /api/v1/stores/nearby?lat=&lon=&radius_km=5&variant_id=&quantity=1`` to the app
  served as ``o2o serve`` serves it; every answer must be 200.
- in-process: ``inventory.nearby.find_nearby()`` called directly, a session per call.
- raw: the statement that finds the candidate stores, exactly as the service emits it
  (captured from SQLAlchemy), run through the driver and fetched; no ORM, no Python
  distances, none of the service's other queries.

The SQLite network is generated once into /tmp and copied for each run; PostgreSQL's is
generated anew each run (a few minutes).

    .venv/bin/python bench/nearby.py [--db sqlite|postgresql|both] [--seconds 10] [--clients 32]
"""

import argparse
import hashlib
import math
import random
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlencode

import psycopg
from common import (
    Connect,
    Run,
    arguments,
    database,
    http_load,
    http_request,
    libpq_url,
    print_table,
    served,
    sqlite_path,
    thread_load,
)
from sqlalchemy import event, select, text

from o2o.config import REPO_ROOT
from o2o.db import Database
from o2o.demo.data import CITY_BY_NAME
from o2o.demo.scale import KM_PER_DEGREE, add_network
from o2o.inventory import nearby
from o2o.inventory.models import StockLevel
from o2o.stores import geo
from o2o.stores.models import Location, LocationKind

STORES = 100_000
VARIANTS = 100_000
STOCK_PER_STORE = 30
SEED = 1
RADIUS_KM = 5.0
#: Distinct searches drawn from the data, sent in random order.
SEARCHES = 1000
CACHE = Path("/tmp/o2o-bench-cache")
#: What the generated SQLite file depends on: a change to any of these regenerates it.
GENERATOR_SOURCES = [*sorted((REPO_ROOT / "migrations" / "versions").glob("*.py")),
                     *sorted((REPO_ROOT / "src" / "o2o" / "demo").glob("*.py"))]


class Search(NamedTuple):
    lat: float
    lon: float
    variant_id: int


@dataclass
class Captured:
    """What the service sent to the database for each search."""

    candidates: list[tuple[str, Any]] = field(default_factory=list)  # (sql, parameters)
    statements: int = 0
    found: int = 0
    candidate_rows: int = 0


# --- the network ----------------------------------------------------------------------------


def generate(url: str, stores: int) -> None:
    db = Database(url, pool_size=2)
    try:
        started = time.perf_counter()
        writer = add_network(db, stores=stores, variants=VARIANTS * stores // STORES,
                             customers=0, stock_per_store=STOCK_PER_STORE, seed=SEED,
                             echo=print)
        print(writer.report(time.perf_counter() - started), flush=True)
        if db.backend == "postgresql":
            # What autovacuum would do within a minute of the load; SQLite ships without
            # statistics, so it is left as the app leaves it.
            with db.engine.connect() as conn:
                conn.execute(text("ANALYZE"))
                conn.commit()
    finally:
        db.dispose()


def cached_sqlite(stores: int) -> Path:
    """The generated SQLite network, made once per generator version and size."""
    digest = hashlib.sha256()
    for path in GENERATOR_SOURCES:
        digest.update(path.name.encode() + path.read_bytes())
    key = f"nearby-{stores}-{VARIANTS * stores // STORES}-{STOCK_PER_STORE}-{SEED}"
    path = CACHE / f"{key}-{digest.hexdigest()[:12]}.db"
    if path.exists():
        print(f"sqlite: the network is cached in {path}", flush=True)
        return path
    CACHE.mkdir(exist_ok=True)
    for stale in CACHE.glob(f"{key}-*.db"):  # made by an older generator
        stale.unlink()
    print(f"sqlite: generating {stores:,} stores into {path}", flush=True)
    with database("sqlite") as url:
        generate(url, stores)
        with sqlite3.connect(sqlite_path(url)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        partial = path.with_suffix(".partial")
        shutil.copyfile(sqlite_path(url), partial)
        partial.rename(path)
    return path


@contextmanager
def network(backend: str, stores: int) -> Iterator[str]:
    if backend == "sqlite":
        with database("sqlite", sqlite_copy_of=cached_sqlite(stores)) as url:
            yield url
        return
    with database("postgresql") as url:
        print(f"postgresql: generating {stores:,} stores", flush=True)
        generate(url, stores)
        yield url


def sample(db: Database, count: int) -> list[Search]:
    """Points near the city of a random store, for a variant that store holds."""
    rng = random.Random(SEED)
    with db.session() as session:
        stores = session.execute(
            select(Location.id, Location.city).where(Location.kind == LocationKind.STORE)
            .order_by(Location.id)
        ).all()
        chosen = dict(rng.sample(stores, count))
        held: dict[int, list[int]] = {}
        for location_id, variant_id in session.execute(
            select(StockLevel.location_id, StockLevel.variant_id)
            .where(StockLevel.location_id.in_(sorted(chosen)))
            .order_by(StockLevel.location_id, StockLevel.variant_id)
        ):
            held.setdefault(location_id, []).append(variant_id)
    searches = []
    for location_id, city_name in chosen.items():
        city = CITY_BY_NAME[city_name]
        km_per_lon_degree = KM_PER_DEGREE * math.cos(math.radians(city.lat))
        searches.append(Search(
            lat=round(city.lat + rng.gauss(0, city.spread_km / KM_PER_DEGREE), 6),
            lon=round(city.lon + rng.gauss(0, city.spread_km / km_per_lon_degree), 6),
            variant_id=rng.choice(held[location_id]),
        ))
    return searches


# --- the three lines ------------------------------------------------------------------------


def find(session: Any, search: Search) -> list[nearby.NearbyStore]:
    return nearby.find_nearby(session, lat=search.lat, lon=search.lon, radius_km=RADIUS_KM,
                              variant_id=search.variant_id, quantity=1)


def capture(db: Database, searches: list[Search]) -> Captured:
    """Run every search once through the service, counting the statements it sends, and
    keep the statement of its candidate query over the full radius (what a search with a
    variant sends; one query over the whole circle is what a search needs at least)."""
    captured = Captured()
    sent: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.strip().upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        for search in searches:
            with db.session() as session:
                sent.clear()
                captured.found += len(find(session, search))
                captured.statements += len(sent)
                variant = nearby.variant_on_sale(session, search.variant_id)
                sent.clear()
                rows = nearby._candidates(
                    session, geo.bounding_box(search.lat, search.lon, RADIUS_KM),
                    variant=variant, quantity=1, service=None, merchant_id=None)
                [statement] = sent
                captured.candidates.append(statement)
                captured.candidate_rows += len(rows)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    return captured


def searches_over_http(searches: list[Search]) -> Callable[[int], bytes]:
    requests = [
        http_request("GET", "/api/v1/stores/nearby?" + urlencode({
            "lat": s.lat, "lon": s.lon, "radius_km": RADIUS_KM, "variant_id": s.variant_id,
            "quantity": 1}))
        for s in searches
    ]
    rng = random.Random(2)
    return lambda _client: rng.choice(requests)


def in_process(db: Database, searches: list[Search]) -> Connect:
    @contextmanager
    def connect(number: int) -> Iterator[Callable[[], None]]:
        rng = random.Random(number)

        def step() -> None:
            with db.session() as session:
                find(session, rng.choice(searches))

        yield step

    return connect


def raw(backend: str, url: str, captured: Captured) -> Connect:
    """The candidate statements through sqlite3 (WAL: readers do not wait for each other)
    or psycopg 3 (autocommit, prepared after five runs), each fetched to the last row."""
    statements = captured.candidates

    @contextmanager
    def connect(number: int) -> Iterator[Callable[[], None]]:
        rng = random.Random(number)
        if backend == "sqlite":
            conn: Any = sqlite3.connect(sqlite_path(url), check_same_thread=False)
        else:
            conn = psycopg.connect(libpq_url(url), autocommit=True)
        try:
            cursor = conn.cursor()

            def step() -> None:
                sql, parameters = rng.choice(statements)
                cursor.execute(sql, parameters)
                cursor.fetchall()

            yield step
        finally:
            conn.close()

    return connect


def measure(backend: str, args: argparse.Namespace) -> tuple[list[list[object]], str]:
    with network(backend, args.stores) as url:
        db = Database(url, pool_size=args.clients)
        try:
            searches = sample(db, SEARCHES)
            captured = capture(db, searches)
            with served(url) as server:
                print(f"{backend}: HTTP, in-process, raw", flush=True)
                runs: dict[str, Run] = {
                    "HTTP": http_load(server, searches_over_http(searches),
                                      clients=args.clients, seconds=args.seconds, expect=200),
                    "in-process": thread_load(in_process(db, searches), threads=args.clients,
                                              seconds=args.seconds),
                    "raw SQL": thread_load(raw(backend, url, captured), threads=args.clients,
                                           seconds=args.seconds),
                }
        finally:
            db.dispose()
    limit = runs["raw SQL"].rate
    rows: list[list[object]] = [
        [backend, line, run.rate, run.ms(50), run.ms(99), f"{100 * run.rate / limit:.0f} %",
         f"{run.cpu.get('server', run.cpu['client']):.2f}"]
        for line, run in runs.items()
    ]
    per_search = len(searches)
    note = (f"{backend}: {per_search:,} distinct searches; per search the service sent "
            f"{captured.statements / per_search:.1f} statements and found "
            f"{captured.found / per_search:.1f} stores; the raw query returns "
            f"{captured.candidate_rows / per_search:.1f} rows")
    return rows, note


def main() -> None:
    parser_args = arguments(__doc__.split("\n\n")[0], extra=[
        ("--stores", {"type": int, "default": STORES,
                      "help": "stores in the generated network (a smaller one for a try)"}),
    ])
    table: list[list[object]] = []
    notes = []
    for backend in parser_args.backends:
        rows, note = measure(backend, parser_args)
        table += rows
        notes.append(note)
    print_table(
        f"Nearby with stock: {parser_args.stores:,} stores, {RADIUS_KM:g} km, "
        f"{parser_args.clients} clients, {parser_args.seconds:g} s per measurement",
        ["db", "line", "searches/s", "p50 ms", "p99 ms", "of raw", "cpu"],
        table,
    )
    print("\n".join(notes))


if __name__ == "__main__":
    main()
