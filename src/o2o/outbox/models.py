from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from o2o.orm import Base, BigId, CreatedAt, IdPk


class OutboxEvent(Base):
    """``order.ready``, ``order.returned``…: written with the change, delivered after commit.

    Append-only but for ``delivered_at``, set once by the dispatcher that delivered it.
    """

    __tablename__ = "outbox_events"
    __table_args__ = (Index("ix_outbox_events_pending", "delivered_at", "id"),)

    id: Mapped[IdPk]
    topic: Mapped[str] = mapped_column(String(60))
    merchant_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("merchants.id"))
    #: What it is about: "order:42".
    subject: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[CreatedAt]
    delivered_at: Mapped[datetime | None]
