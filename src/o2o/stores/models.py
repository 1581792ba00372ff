from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from o2o.orm import Base, BigId, CreatedAt, IdPk, str_enum


class Trade(StrEnum):
    FASHION = "fashion"
    ELECTRONICS = "electronics"
    CAFE = "cafe"
    GROCERY = "grocery"
    BEAUTY = "beauty"
    OTHER = "other"


class LocationKind(StrEnum):
    STORE = "store"
    WAREHOUSE = "warehouse"


class StoreService(StrEnum):
    """What a shopper can do at a store besides buying at the counter."""

    PICKUP = "pickup"
    TRY_ON = "try_on"
    RETURNS = "returns"
    ASSEMBLY = "assembly"
    INSTALLATION = "installation"
    ORDER_AHEAD = "order_ahead"


class Merchant(Base):
    __tablename__ = "merchants"

    id: Mapped[IdPk]
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    trade: Mapped[Trade] = mapped_column(str_enum(Trade))
    tax_code: Mapped[str | None] = mapped_column(String(14))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[CreatedAt]


class Location(Base):
    """A store (sells at a counter) or a warehouse (only ships)."""

    __tablename__ = "locations"
    __table_args__ = (
        UniqueConstraint("merchant_id", "code"),
        CheckConstraint("lat BETWEEN -90 AND 90", name="lat_range"),
        CheckConstraint("lon BETWEEN -180 AND 180", name="lon_range"),
        Index("ix_locations_lat_lon", "lat", "lon"),
    )

    id: Mapped[IdPk]
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[LocationKind] = mapped_column(str_enum(LocationKind))
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(255))
    district: Mapped[str] = mapped_column(String(80))
    city: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str | None] = mapped_column(String(20))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Ho_Chi_Minh")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[datetime | None]

    hours: Mapped[list["OpeningHours"]] = relationship(
        order_by="(OpeningHours.weekday, OpeningHours.opens)",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    services: Mapped[list["LocationService"]] = relationship(
        order_by="LocationService.service", cascade="all, delete-orphan", lazy="selectin"
    )


class OpeningHours(Base):
    """One opening interval of a weekday, in minutes after local midnight.

    ``closes`` may pass 1440 for a shop that closes after midnight.
    """

    __tablename__ = "opening_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("opens >= 0 AND opens < 1440", name="opens_range"),
        CheckConstraint("closes > opens AND closes <= opens + 1440", name="closes_range"),
    )

    location_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True
    )
    weekday: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    opens: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    closes: Mapped[int] = mapped_column(SmallInteger)
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))


class LocationService(Base):
    __tablename__ = "location_services"

    location_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True
    )
    service: Mapped[StoreService] = mapped_column(str_enum(StoreService), primary_key=True)
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    #: Free-form conditions shown to shoppers, e.g. {"fee": 150000} for installation.
    terms: Mapped[dict[str, object] | None] = mapped_column(JSON)
