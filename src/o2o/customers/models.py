from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from o2o.orm import Base, BigId, CreatedAt, IdPk


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
