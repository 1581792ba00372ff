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
    #: How often expired reservations give their stock back (0: never, e.g. in tests).
    sweep_seconds: float = 10.0
    #: What one more shipment of a split delivery costs, in kilometres of distance: a split
    #: is chosen only when it saves more (see ``o2o.inventory.allocation``).
    allocation_split_cost_km: float = Field(10.0, ge=0)
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
