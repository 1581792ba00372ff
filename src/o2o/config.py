"""Settings read from the environment (prefix ``O2O_``) or a ``.env`` file."""

from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="O2O_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./o2o.db"
    #: Connections kept per API process on PostgreSQL (SQLite writes are serialised anyway).
    database_pool_size: int = 20
    #: Signs bearer tokens. The default is for a laptop demo only; set your own in production.
    secret_key: str = "o2o-development-secret-change-me-in-production"
    #: A staff shift; role and store scope are read from the token until it expires.
    token_ttl_minutes: int = 8 * 60
    #: How often the background loop runs: overdue orders and reservations give their stock
    #: back, outbox events are delivered (0: never, e.g. in tests).
    sweep_seconds: float = 10.0
    #: What one more shipment of a split delivery costs, in kilometres of distance: a split
    #: is chosen only when it saves more (see ``o2o.inventory.allocation``).
    allocation_split_cost_km: float = Field(10.0, ge=0)
    #: Orders. A pickup waits this long for the store, then again once ready, to be collected.
    pickup_hold_hours: int = Field(72, ge=1)
    #: Reserve and try: the hold a customer gets unless they ask for less, and the most.
    try_hold_hours: int = Field(24, ge=1)
    try_hold_max_hours: int = Field(72, ge=1)
    #: Order ahead: slot length, orders a store prepares per slot, and the shortest notice.
    order_ahead_slot_minutes: int = Field(15, ge=5, le=120)
    order_ahead_slot_capacity: int = Field(6, ge=1)
    order_ahead_lead_minutes: int = Field(10, ge=0)
    #: A delivery not shipped within this many days is cancelled and its stock freed.
    ship_within_days: int = Field(7, ge=1)
    delivery_fee: int = Field(30_000, ge=0)
    free_delivery_from: int = Field(500_000, ge=0)
    #: Days after handover during which any store taking returns accepts the goods back.
    return_days: int = Field(30, ge=0)
    #: Payments. A method's provider other than its sandbox: {"card": "package.module:Class"}.
    payment_providers: dict[str, str] = Field(default_factory=dict)
    #: Signs the sandbox providers' webhooks and the wallet's return (HMAC-SHA256).
    payment_webhook_secret: str = "o2o-sandbox-webhook-secret"
    instalment_minimum: int = Field(3_000_000, ge=1)
    default_locale: str = "vi"
    timezone: str = "Asia/Ho_Chi_Minh"
    #: Front-end packages installed by npm from package-lock.json.
    vendor_dir: Path = REPO_ROOT / "node_modules"
    #: Map tiles of the store pages ({z}/{x}/{y}); empty draws the store marker on a plain
    #: background, for a machine without internet.
    map_tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    migrations_dir: Path = REPO_ROOT / "migrations"

    @cached_property
    def database_backend(self) -> str:
        """``sqlite`` or ``postgresql``, as reported by ``/healthz``."""
        return "sqlite" if self.database_url.startswith("sqlite") else "postgresql"
