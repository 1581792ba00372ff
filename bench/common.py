"""What the benchmarks share: a durable database, a world built through the services, the
app served as ``o2o serve`` serves it, closed-loop load, and the table of results.

Every figure is printed beside the raw limit of the database underneath, measured in the
same run, on the same database, with the same concurrency: on a busy 2-core machine the
absolute figures move, the ratio much less. Traffic goes to 127.0.0.1 only.
"""

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
import uvloop

from o2o.auth import service as auth_service
from o2o.auth import staff as staff_service
from o2o.auth.models import User
from o2o.auth.permissions import Actor
from o2o.auth.schemas import StaffCreate
from o2o.auth.security import issue_token, read_token
from o2o.catalog import service as catalog_service
from o2o.catalog.schemas import ProductCreate
from o2o.config import Settings
from o2o.db import Database
from o2o.demo.bulk import BulkWriter
from o2o.demo.stock import Opening, opening_rows
from o2o.migrate import upgrade
from o2o.orm import utcnow
from o2o.stores import service as stores_service
from o2o.stores.models import Location, Merchant
from o2o.stores.schemas import LocationCreate, MerchantCreate
from o2o.testing.postgres import ThrowawayPostgres

BACKENDS = ("sqlite", "postgresql")
#: Signs the tokens the load carries; the served app is given the same one.
SECRET_KEY = "o2o-bench-secret-of-32-bytes-or-more"
PASSWORD = "bench-password"
EVERY_DAY_8_TO_22 = [{"weekday": d, "opens": "08:00", "closes": "22:00"} for d in range(7)]


def arguments(description: str,
              extra: Sequence[tuple[str, dict[str, Any]]] = ()) -> argparse.Namespace:
    """``--db``, ``--seconds`` and ``--clients``, and the script's own ``extra`` options."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--db", choices=[*BACKENDS, "both"], default="both")
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="length of each measurement (after a 1 s warm-up)")
    parser.add_argument("--clients", type=int, default=32,
                        help="concurrent HTTP clients, and raw connections")
    for flag, options in extra:
        parser.add_argument(flag, **options)
    args = parser.parse_args()
    args.backends = BACKENDS if args.db == "both" else (args.db,)
    return args


# --- databases ------------------------------------------------------------------------------


@contextmanager
def database(backend: str, *, sqlite_copy_of: Path | None = None) -> Iterator[str]:
    """The URL of a migrated database, durable as in production, removed afterwards.

    SQLite: a file in a temporary folder (a copy of ``sqlite_copy_of`` when given).
    PostgreSQL: a throwaway cluster with fsync and synchronous commit on.
    """
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="o2o-bench-") as folder:
            path = Path(folder) / "o2o.db"
            if sqlite_copy_of is not None:
                shutil.copyfile(sqlite_copy_of, path)
            url = f"sqlite:///{path}"
            upgrade(Settings(database_url=url))
            yield url
        return
    with ThrowawayPostgres(durable=True) as pg:
        url = pg.create_database("o2o_bench")
        upgrade(Settings(database_url=url))
        yield url


def sqlite_path(url: str) -> str:
    return url.removeprefix("sqlite:///")


def libpq_url(url: str) -> str:
    """The URL psycopg itself understands."""
    return url.replace("postgresql+psycopg://", "postgresql://")


# --- a world built through the services -----------------------------------------------------


#: A stock level: (location_id, variant_id).
Row = tuple[int, int]


class Builder:
    """Merchants, stores, products and staff created as the operator and owners would."""

    def __init__(self, db: Database) -> None:
        self.db = db
        with db.session() as session:
            operator = auth_service.create_operator(
                session, email="operator@bench.o2o", full_name="Bench Operator",
                password=PASSWORD)
        self.operator = self.actor_of(operator)

    def actor_of(self, user: User) -> Actor:
        with self.db.session() as session:
            return auth_service.actor_of(session, user)

    def merchant(self, slug: str) -> tuple[Merchant, Actor]:
        """A fashion merchant and its owner (signed in with a password, as people do)."""
        data = MerchantCreate.model_validate({
            "slug": slug, "name": slug.title(), "trade": "fashion",
            "owner": {"email": f"owner@{slug}.bench.o2o", "full_name": "Chủ cửa hàng",
                      "password": PASSWORD},
        })
        settings = Settings(secret_key=SECRET_KEY)
        with self.db.session() as session:
            merchant = stores_service.onboard_merchant(session, actor=self.operator, data=data)
            token = auth_service.sign_in(session, username=f"owner@{slug}.bench.o2o",
                                         password=PASSWORD, settings=settings)
        owner = read_token(token, secret=SECRET_KEY)
        assert owner is not None
        return merchant, owner

    def stores(self, owner: Actor, count: int) -> list[Location]:
        """Stores in Hoàn Kiếm, open every day."""
        stores = []
        for number in range(1, count + 1):
            data = LocationCreate.model_validate({
                "code": f"s{number}", "name": f"Cửa hàng {number}", "address": "25 Hàng Bông",
                "district": "Hoàn Kiếm", "city": "Hà Nội", "lat": 21.0299, "lon": 105.8484,
                "hours": EVERY_DAY_8_TO_22, "services": ["pickup"],
            })
            with self.db.session() as session:
                stores.append(stores_service.create_location(session, actor=owner, data=data))
        return stores

    def variants(self, owner: Actor, count: int, *, prefix: str) -> list[int]:
        """``count`` variants, a hundred per product (the most a product may have)."""
        ids: list[int] = []
        for start in range(0, count, 100):
            size = min(100, count - start)
            data = ProductCreate.model_validate({
                "name": f"Áo thun {prefix} {start // 100 + 1}",
                "variants": [{"sku": f"{prefix}-{start + i}", "price": 199_000,
                              "options": {"Mẫu": str(start + i)}} for i in range(size)],
            })
            with self.db.session() as session:
                product = catalog_service.create_product(session, actor=owner, data=data)
                ids += [variant.id for variant in product.variants]
        return ids

    def stocked(self, merchant: Merchant, owner: Actor, stores: Sequence[Location], *,
                per_store: int, on_hand: int) -> tuple[Row, list[Row]]:
        """The hot row (one variant at the first store) and the spread rows (``per_store``
        variants at every store), each holding ``on_hand`` units: the levels and their
        receipts written in bulk as the demo generator writes them (ten thousand counts one
        by one would take minutes)."""
        [hot_variant] = self.variants(owner, 1, prefix="HOT")
        variants = self.variants(owner, per_store, prefix="SP")
        hot = (stores[0].id, hot_variant)
        spread = [(store.id, variant) for store in stores for variant in variants]
        writer = BulkWriter(self.db)
        writer.write(opening_rows(writer, [Opening(merchant.id, location, variant, on_hand)
                                           for location, variant in [hot, *spread]],
                                  now=utcnow()))
        return hot, spread

    def cashiers(self, owner: Actor, merchant: Merchant, stores: Sequence[Location],
                 count: int) -> list[Actor]:
        """Cashiers working at every one of ``stores``."""
        cashiers = []
        for number in range(count):
            data = StaffCreate.model_validate({
                "email": f"cashier{number}@{merchant.slug}.bench.o2o",
                "full_name": f"Thu ngân {number}", "password": PASSWORD, "role": "cashier",
                "location_ids": [store.id for store in stores],
            })
            with self.db.session() as session:
                user, _ = staff_service.create_staff(session, actor=owner, data=data)
            cashiers.append(self.actor_of(user))
        return cashiers


def bearer(actor: Actor) -> dict[str, str]:
    token = issue_token(actor, secret=SECRET_KEY, ttl=timedelta(hours=1))
    return {"Authorization": f"Bearer {token}"}


# --- the served app -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Server:
    port: int
    pid: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def served(database_url: str, *, workers: int = 1) -> Iterator[Server]:
    """The app in its own process, as ``o2o serve`` runs it: one uvicorn worker (or
    ``workers`` processes, as ``o2o serve --workers`` serves PostgreSQL), the event loop and
    HTTP parser uvicorn[standard] picks (uvloop, httptools), no access log."""
    port = _free_port()
    # No expiry sweeper: what the benchmarks hold outlives them, and its writes would only
    # add noise to the raw side measured while the server waits.
    env = {**os.environ, "O2O_DATABASE_URL": database_url, "O2O_SECRET_KEY": SECRET_KEY,
           "O2O_SWEEP_SECONDS": "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "o2o.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
         "--log-level", "warning", "--no-access-log"],
        env=env,
    )
    server = Server(port, process.pid)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}")
            try:
                if httpx.get(f"{server.url}/healthz", timeout=2,
                             trust_env=False).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start within 60 s")
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- load -----------------------------------------------------------------------------------


@dataclass
class Run:
    """One measurement: what completed inside the measured window and how long each took."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    #: Completed before, inside and just after the window (a check's total).
    total: int = 0
    #: CPU used in the window, in cores, by who (``client``, ``server``).
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    def ms(self, percentile: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * percentile / 100))]


def _cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of this process (None), or of another one and the processes
    it started (a server's workers), in seconds."""
    if pid is None:
        return time.process_time()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    children = [int(child) for task in Path(f"/proc/{pid}/task").iterdir()
                for child in (task / "children").read_text().split()]
    return own + sum(_cpu_seconds(child) for child in children)


class UnexpectedResponse(AssertionError):
    pass


def http_request(method: str, target: str, headers: Mapping[str, str] | None = None,
                 body: bytes = b"") -> bytes:
    """One HTTP/1.1 request on a keep-alive connection, as bytes on the wire."""
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1",
             *(f"{name}: {value}" for name, value in (headers or {}).items())]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    request: bytes) -> tuple[int, bytes]:
    """Send a request, read the whole response: (status, body). Anything but a
    Content-Length response on a connection that stays open stops the run."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = None
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name in (b"transfer-encoding", b"connection") and value.strip().lower() in (
                b"chunked", b"close"):
            raise UnexpectedResponse(f"the server answered {line.decode()}")
    if length is None:
        raise UnexpectedResponse(f"a response without Content-Length: {head.decode()}")
    return status, await reader.readexactly(length)


def http_load(server: Server, next_request: Callable[[int], bytes], *, clients: int,
              seconds: float, expect: int, warmup: float = 1.0) -> Run:
    """``clients`` clients, each on its own keep-alive connection, sending
    ``next_request(i)`` back to back; any status but ``expect`` stops the run.

    The clients speak HTTP/1.1 over asyncio streams on uvloop: about 0.04 ms of CPU per
    request, where httpx2's AsyncClient takes 0.65 ms, which on 2 cores would be taken
    from the server measured (at 1,500 requests/s, a whole core).
    """
    async def one(number: int, send: Send) -> None:
        await send(next_request(number), expect)

    return http_flow_load(server, one, clients=clients, seconds=seconds, warmup=warmup)


#: Sends one request on the client's connection and returns the body of the answer; any
#: status but ``expect`` stops the run.
Send = Callable[[bytes, int], Awaitable[bytes]]
#: Client ``i``'s next unit of work, of one or more requests in turn (create, then complete).
Flow = Callable[[int, Send], Awaitable[None]]


def http_flow_load(server: Server, flow: Flow, *, clients: int, seconds: float,
                   warmup: float = 1.0) -> Run:
    """Like ``http_load``, but each unit of work is ``flow(i, send)``: several requests, the
    later ones built from the earlier answers. Latencies and counts are of whole flows."""
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(_http_flow_load(server, flow, clients, seconds, warmup))


async def _http_flow_load(server: Server, flow: Flow, clients: int, seconds: float,
                          warmup: float) -> Run:
    run = Run(seconds)
    opened = time.perf_counter()
    window = (opened + warmup, opened + warmup + seconds)

    async def client(number: int) -> None:
        latencies = []
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)

        async def send(request: bytes, expect: int) -> bytes:
            status, body = await _exchange(reader, writer, request)
            if status != expect:
                line = request.split(b"\r\n", 1)[0].decode()
                raise UnexpectedResponse(f"{line} answered {status}: {body.decode()}")
            return body

        try:
            while (started := time.perf_counter()) < window[1]:
                await flow(number, send)
                finished = time.perf_counter()
                run.total += 1
                if window[0] <= finished <= window[1]:
                    latencies.append(finished - started)
        finally:
            writer.close()
        run.latencies += latencies

    async def cpu_meter() -> None:
        await asyncio.sleep(window[0] - time.perf_counter())
        before = _cpu_seconds(None), _cpu_seconds(server.pid)
        await asyncio.sleep(window[1] - time.perf_counter())
        after = _cpu_seconds(None), _cpu_seconds(server.pid)
        run.cpu = {"client": (after[0] - before[0]) / seconds,
                   "server": (after[1] - before[1]) / seconds}

    async with asyncio.TaskGroup() as group:
        group.create_task(cpu_meter())
        for number in range(clients):
            group.create_task(client(number))
    return run


#: Opens worker ``i``'s connection and yields its step: one unit of work, run back to back.
Connect = Callable[[int], AbstractContextManager[Callable[[], None]]]


def thread_load(connect: Connect, *, threads: int, seconds: float, warmup: float = 1.0) -> Run:
    """``threads`` threads, each with ``connect(i)``'s connection, calling its step back to
    back: the in-process and raw sides, with no HTTP in between."""
    run = Run(seconds)
    connected = threading.Barrier(threads + 1)
    go = threading.Event()
    window: list[float] = []
    failures: list[BaseException] = []
    tally = threading.Lock()

    def worker(number: int) -> None:
        latencies, steps = [], 0
        try:
            with connect(number) as step:
                connected.wait()
                go.wait()
                while (started := time.perf_counter()) < window[1]:
                    step()
                    steps += 1
                    finished = time.perf_counter()
                    if window[0] <= finished <= window[1]:
                        latencies.append(finished - started)
        except BaseException as exc:
            failures.append(exc)
            connected.abort()
        finally:
            with tally:
                run.latencies += latencies
                run.total += steps

    workers = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(threads)]
    for thread in workers:
        thread.start()
    with suppress(threading.BrokenBarrierError):
        connected.wait()
    opened = time.perf_counter()
    window += [opened + warmup, opened + warmup + seconds]
    go.set()
    if not failures:
        time.sleep(warmup)
        before = _cpu_seconds(None)
        time.sleep(seconds)
        run.cpu = {"client": (_cpu_seconds(None) - before) / seconds}
    for thread in workers:
        thread.join()
    if failures:
        raise failures[0]
    return run


# --- the report -----------------------------------------------------------------------------


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores, load average {load}, Python {sys.version.split()[0]}"


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A plain-text table: text left-aligned, numbers right-aligned."""
    cells = [[str(h) for h in header]] + [[_cell(value) for value in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    numeric = [all(not isinstance(row[i], str) for row in rows) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        return "  ".join(c.rjust(w) if n else c.ljust(w)
                         for c, w, n in zip(row, widths, numeric, strict=True)).rstrip()

    print(f"\n{title}\n{machine()}\n")
    print(line(cells[0]))
    print("  ".join("-" * w for w in widths))
    for row in cells[1:]:
        print(line(row))
    print(flush=True)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
