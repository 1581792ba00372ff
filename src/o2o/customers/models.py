from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from o2o.orm import Base, BigId, CreatedAt, IdPk, str_enum


class CustomerProfile(Base):
    """A customer (a network-wide user, by phone) as known to one merchant.

    Consent is given to a merchant, per channel, and defaults to no.
    """

    __tablename__ = "customer_profiles"
    __table_args__ = (UniqueConstraint("merchant_id", "user_id"),)

    id: Mapped[IdPk]
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    consent_push: Mapped[bool] = mapped_column(default=False)
    consent_sms: Mapped[bool] = mapped_column(default=False)
    consent_email: Mapped[bool] = mapped_column(default=False)
    consent_zalo: Mapped[bool] = mapped_column(default=False)
    consents_updated_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[CreatedAt]


class SegmentKind(StrEnum):
    LIST = "list"  # the customers staff put in it
    RULE = "rule"  # whoever meets its rule now (``segments.SegmentRule``)


class CustomerSegment(Base):
    """A group of a merchant's customers that promotions may be for: a list kept by hand, or
    a rule over their orders, loyalty tier and how long they have been known."""

    __tablename__ = "customer_segments"
    __table_args__ = (UniqueConstraint("merchant_id", "name"),)

    id: Mapped[IdPk]
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[SegmentKind] = mapped_column(str_enum(SegmentKind))
    #: The conditions of a rule segment (``schemas.SegmentRule``); None for a list.
    rule: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    created_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[datetime | None]


class CustomerSegmentMember(Base):
    """A customer put in a list segment; they go with the segment."""

    __tablename__ = "customer_segment_members"

    segment_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("customer_segments.id", ondelete="CASCADE"), primary_key=True)
    customer_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"), primary_key=True)
    merchant_id: Mapped[int] = mapped_column(BigId, ForeignKey("merchants.id"))
    added_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    added_at: Mapped[CreatedAt]
