"""A live o2o server on a small world, and one headless Chromium for the whole session.

The server runs in a subprocess (uvicorn, the ``create_app`` factory) on a free port and a
temporary SQLite database, migrated and filled through the services like a merchant would.
Debian's Chromium is driven by Playwright; it is never downloaded.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from o2o.auth.permissions import Actor
from o2o.catalog import service as catalog_service
from o2o.catalog.models import Product
from o2o.catalog.schemas import ProductCreate
from o2o.config import Settings
from o2o.customers import service as customers_service
from o2o.customers.schemas import CounterRegistration
from o2o.db import Database
from o2o.migrate import upgrade
from tests.conftest import require
from tests.world import PASSWORD, World

T = TypeVar("T")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]


def chromium_path() -> str | None:
    return shutil.which("chromium")


@dataclass(frozen=True)
class People:
    """Who signs in to the live server (all with ``PASSWORD``)."""

    shopper_phone: str
    cashier_email: str
    owner_email: str
    operator_email: str
    product_id: int
    store_id: int


def build_world(db: Database) -> People:
    """Two merchants, three stores and a warehouse, staff, a shopper and a few products;
    the T-shirts are in stock (jeans nowhere)."""
    world = World(db)
    hoasen = world.merchant("hoasen", name="Thời trang Hoa Sen")
    saoviet = world.merchant("saoviet", name="Điện máy Sao Việt", trade="electronics")
    hoan_kiem = world.location(hoasen, "hk", name="Hoa Sen Hoàn Kiếm",
                               services=["pickup", "try_on", "returns"])
    quan_1 = world.location(hoasen, "q1", name="Hoa Sen Quận 1",
                            address="135 Nam Kỳ Khởi Nghĩa", district="Quận 1",
                            city="TP. Hồ Chí Minh", lat=10.7769, lon=106.7009)
    long_bien = world.location(hoasen, "kho-hn", name="Kho Long Biên", kind="warehouse",
                               services=[], address="27 Cổ Linh", district="Long Biên",
                               lat=21.0452, lon=105.8770)
    world.location(saoviet, "cg", name="Sao Việt Cầu Giấy", address="241 Xuân Thủy",
                   district="Cầu Giấy", lat=21.0368, lon=105.7826,
                   services=["pickup", "installation"])
    cashier = world.staff(hoasen, "cashier", [hoan_kiem])
    owner = world.owner(hoasen)
    shopper = world.customer("+84901234567", "Nguyễn Thị Lan")
    shirt = _product(db, world.actor(owner), "Áo thun cotton Hoa Sen", [
        {"sku": "AT-DO-M", "barcode": "8935049500018", "options": {"Màu": "Đỏ", "Size": "M"},
         "price": 129_000, "compare_at_price": 159_000},
        {"sku": "AT-DO-L", "options": {"Màu": "Đỏ", "Size": "L"}, "price": 139_000,
         "channels": "store"},
    ])
    sku = {v.sku: v.id for v in shirt.variants}
    red_m, red_l = sku["AT-DO-M"], sku["AT-DO-L"]
    for location, variant_id, units in ((hoan_kiem, red_m, 3), (quan_1, red_m, 12),
                                        (long_bien, red_m, 40), (quan_1, red_l, 2)):
        world.stock(hoasen, location, variant_id, units)
    _product(db, world.actor(owner), "Quần jean ống suông", [
        {"sku": "QJ-30", "options": {"Size": "30"}, "price": 459_000},
    ])
    _product(db, world.actor(world.owner(saoviet)), "Tai nghe không dây SV Pro", [
        {"sku": "TN-PRO", "price": 1_290_000, "channels": "online"},
    ])
    with db.session() as session:
        customers_service.register_at_counter(
            session, actor=world.actor(cashier),
            data=CounterRegistration.model_validate({
                "phone": shopper.phone, "full_name": shopper.full_name,
                "consents": {"sms": True, "zalo": True},
            }),
        )
    return People(
        shopper_phone="0901 234 567", cashier_email=cashier.email or "",
        owner_email=owner.email or "", operator_email=world.operator.email or "",
        product_id=shirt.id, store_id=hoan_kiem.id,
    )


def _product(db: Database, owner: Actor, name: str, variants: list[dict[str, Any]]) -> Product:
    data = ProductCreate.model_validate({"name": name, "variants": variants})
    with db.session() as session:
        return catalog_service.create_product(session, actor=owner, data=data)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90  # a busy 2-core machine starts a server slowly
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise RuntimeError(f"the server did not start in 90 s:\n{log.read_text()}")


@dataclass(frozen=True)
class LiveServer:
    url: str
    people: People


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with serve(tmp_path_factory.mktemp("e2e"), build_world) as (url, people):
        yield LiveServer(url, people)


@contextmanager
def serve(folder: Path, fill: Callable[[Database], T]) -> Iterator[tuple[str, T]]:
    """A server on a new SQLite database in ``folder`` that ``fill`` built: its URL and
    what ``fill`` returned (a test module that changes stock runs its own)."""
    database_url = f"sqlite:///{folder / 'o2o.db'}"
    upgrade(Settings(database_url=database_url))
    db = Database(database_url, pool_size=1)
    built = fill(db)
    db.dispose()
    port = _free_port()
    log = folder / "server.log"
    env = {**os.environ, "O2O_DATABASE_URL": database_url, "O2O_MAP_TILE_URL": ""}
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "o2o.app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server, log)
        yield url, built
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    path = chromium_path()
    require(path is not None, "Chromium (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


#: Screens the tests look through: (width, height).
DESKTOP, TABLET, PHONE = (1280, 860), (1280, 800), (390, 844)


@contextmanager
def open_tab(browser: Browser, base_url: str, screen: tuple[int, int], *,
             timeout_ms: int = 10_000, **options: Any) -> Iterator[Page]:
    """A fresh tab with no cookies on ``screen``, in Vietnamese unless a test switches;
    ``options`` go to the browser context (geolocation, permissions)."""
    context = browser.new_context(base_url=base_url, locale="vi-VN",
                                  viewport={"width": screen[0], "height": screen[1]}, **options)
    context.set_default_timeout(timeout_ms)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    with open_tab(browser, live_server.url, DESKTOP) as tab:
        yield tab


@pytest.fixture
def people(live_server: LiveServer) -> People:
    return live_server.people


__all__ = ["PASSWORD"]
