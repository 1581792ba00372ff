from datetime import datetime
from typing import Literal

from pydantic import Field, computed_field

from o2o.inventory.models import MovementKind, ReservationPurpose, ReservationStatus
from o2o.schemas import Input, Output

#: One location never holds more than ten million units of one variant.
MAX_UNITS = 10_000_000

Reason = Field(min_length=1, max_length=200, examples=["Nhập hàng từ nhà cung cấp"])


class StockSet(Input):
    """A count: the units really on the shelf."""

    on_hand: int = Field(ge=0, le=MAX_UNITS, strict=True)
    reason: str = Reason


class StockAdjustment(Input):
    delta: int = Field(ge=-MAX_UNITS, le=MAX_UNITS, strict=True)
    kind: Literal["adjustment", "receipt", "damage", "return"] = "adjustment"
    reason: str = Reason


class StockLevelRead(Output):
    location_id: int
    variant_id: int
    on_hand: int
    reserved: int
    online_buffer: int
    updated_at: datetime | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def available(self) -> int:
        """What the store can still sell at its counter."""
        return self.on_hand - self.reserved

    @computed_field  # type: ignore[prop-decorator]
    @property
    def available_online(self) -> int:
        """What the online channel can still sell (the buffer stays for walk-ins)."""
        return max(0, self.on_hand - self.reserved - self.online_buffer)


class MovementRead(Output):
    id: int
    location_id: int
    variant_id: int
    kind: MovementKind
    delta: int
    reason: str
    reference: str | None
    user_id: int | None
    created_at: datetime


class ReservationCreate(Input):
    variant_id: int
    location_id: int
    quantity: int = Field(ge=1, le=MAX_UNITS, strict=True)
    ttl_seconds: int = Field(900, ge=1, le=7 * 24 * 3600, strict=True)
    purpose: ReservationPurpose | None = None


class ReservationRead(Output):
    id: int
    variant_id: int
    location_id: int
    quantity: int
    purpose: ReservationPurpose
    status: ReservationStatus
    expires_at: datetime
    created_at: datetime
