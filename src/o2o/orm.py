"""The declarative base, shared column types and naming conventions for every table."""

import importlib
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from sqlalchemy import BigInteger, DateTime, Enum, Integer, MetaData, TypeDecorator, func
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, mapped_column

#: Named constraints make migrations reproducible on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Every domain whose tables belong to the schema (imported for Alembic and create_all).
DOMAINS = ("stores", "auth", "catalog", "customers", "inventory", "orders", "outbox",
           "idempotency", "payments", "promotions", "loyalty")

#: 64-bit ids on PostgreSQL; SQLite needs INTEGER PRIMARY KEY for its rowid alias.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in Python on both databases (SQLite stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


IdPk = Annotated[int, mapped_column(BigId, primary_key=True, autoincrement=True)]
#: Money is whole đồng (VND has no minor unit); 64-bit so a year of a chain's sales fits.
Money = Annotated[int, mapped_column(BigInteger)]
CreatedAt = Annotated[
    datetime, mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
]


def str_enum(cls: type[StrEnum]) -> Enum:
    """A Python enum stored as its string value (no native type: cheap to extend)."""
    return Enum(cls, native_enum=False, length=24, values_callable=lambda e: [m.value for m in e])


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime}


def load_all_models() -> MetaData:
    """Import every domain's tables so the metadata is complete."""
    for domain in DOMAINS:
        importlib.import_module(f"o2o.{domain}.models")
    return Base.metadata
