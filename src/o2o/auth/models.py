from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, validates

from o2o.fields import fold
from o2o.orm import Base, BigId, CreatedAt, IdPk, str_enum


class Role(StrEnum):
    OPERATOR = "operator"  # runs the network: onboards merchants, sees all
    OWNER = "owner"  # a merchant's owner: everything of that merchant
    MANAGER = "manager"  # a merchant's manager: catalogue, stores, staff of its stores
    CASHIER = "cashier"  # sells at the counter of the stores assigned to them
    CUSTOMER = "customer"  # a shopper, known by phone number across the network


STAFF_ROLES = frozenset({Role.OWNER, Role.MANAGER, Role.CASHIER})


class User(Base):
    """Anyone who can sign in. Staff belong to one merchant; customers to the network."""

    __tablename__ = "users"

    id: Mapped[IdPk]
    role: Mapped[Role] = mapped_column(str_enum(Role))
    merchant_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("merchants.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    #: E.164, e.g. +84901234567: the identity of a customer.
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    #: ``full_name`` folded (see ``o2o.fields.fold``): "lan" finds "Nguyễn Thị Lan".
    search_name: Mapped[str] = mapped_column(String(120), default="")
    #: None for a customer registered at the counter who has not set a password yet.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[CreatedAt]

    @validates("full_name")
    def _fold_name(self, _key: str, full_name: str) -> str:
        self.search_name = fold(full_name)
        return full_name


class StaffLocation(Base):
    """The stores a manager or cashier works at."""

    __tablename__ = "staff_locations"

    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    location_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
