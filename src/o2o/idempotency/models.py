from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from o2o.orm import Base, BigId, CreatedAt


class IdempotencyKey(Base):
    """The first successful answer to a key: what it made (``order:42``) and for which request.

    Written in the same transaction as what it made, so a key exists exactly when its result
    does; a failed request leaves no key and may be retried with it.
    """

    __tablename__ = "idempotency_keys"

    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    #: The operation and a hash of its request, e.g. "checkout.complete:7:<sha256>".
    fingerprint: Mapped[str] = mapped_column(String(160))
    result: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[CreatedAt]
    expires_at: Mapped[datetime]
