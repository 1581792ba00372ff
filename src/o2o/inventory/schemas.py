from datetime import datetime
from typing import Literal

from pydantic import Field, computed_field, field_validator

from o2o.inventory.models import (
    MovementKind,
    ReservationPurpose,
    ReservationStatus,
    TransferStatus,
)
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


class OnlineBufferSet(Input):
    """Units of this variant the online channel leaves on the shelf for walk-in customers."""

    online_buffer: int = Field(ge=0, le=MAX_UNITS, strict=True)


class TransferLineIn(Input):
    variant_id: int
    quantity: int = Field(ge=1, le=MAX_UNITS, strict=True)


class TransferCreate(Input):
    """Send units from one location to another; they leave the source at once."""

    from_location_id: int
    to_location_id: int
    lines: list[TransferLineIn] = Field(min_length=1, max_length=500)
    note: str = Field("", max_length=200, examples=["Bù hàng cho cửa hàng Quận 1"])

    @field_validator("lines")
    @classmethod
    def _one_line_per_variant(cls, lines: list[TransferLineIn]) -> list[TransferLineIn]:
        variants = [line.variant_id for line in lines]
        if len(set(variants)) != len(variants):
            raise ValueError("each variant may appear on one line only")
        return lines


class TransferLineRead(Output):
    variant_id: int
    quantity: int


class TransferRead(Output):
    id: int
    from_location_id: int
    to_location_id: int
    status: TransferStatus
    note: str
    lines: list[TransferLineRead]
    created_by: int | None
    created_at: datetime
    #: Who received or cancelled it, and when.
    closed_by: int | None
    closed_at: datetime | None


class CountRowError(Output):
    """A row of a count file that cannot be applied; ``row`` 1 is the header."""

    row: int
    code: str
    message: str


class CountLineRead(Output):
    row: int
    variant_id: int
    sku: str
    expected: int = Field(description="on hand according to the ledger")
    counted: int
    reserved: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def difference(self) -> int:
        """What the count adds (positive) or removes (negative)."""
        return self.counted - self.expected


class CountPreview(Output):
    """What applying the file would change; nothing is written."""

    location_id: int
    lines: list[CountLineRead]
    errors: list[CountRowError]


class CountRead(Output):
    """An applied count: the differences are now ``count`` movements."""

    id: int
    location_id: int
    created_at: datetime
    lines: list[CountLineRead]
