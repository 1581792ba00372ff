from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from o2o.errors import Conflict, DomainError, InvalidInput


class InsufficientStock(Conflict):
    """Fewer units are available than asked for; nothing was held or moved."""

    code = "insufficient_stock"


class StockHeldByReservations(Conflict):
    """Stock cannot drop below the units that reservations hold; release them first."""

    code = "stock_held_by_reservations"


class ReservationClosed(Conflict):
    """The reservation was already committed, released or expired."""

    code = "reservation_closed"


class ReservationLimit(InvalidInput):
    """Shoppers may hold only a few units, for a short time."""

    code = "reservation_limit"


class MovementSign(InvalidInput):
    """A receipt adds stock and damage removes it; the delta's sign says the other."""

    code = "movement_sign"


class CannotFill(InsufficientStock):
    """No location (for a pickup) or no set of locations (for a delivery) holds every line."""

    code = "cannot_fill"

    def __init__(self, message: str, shortfalls: Sequence[Any], **details: Any) -> None:
        super().__init__(message, lines=[asdict(s) for s in shortfalls], **details)
        self.shortfalls = list(shortfalls)


class TransferToSameLocation(InvalidInput):
    """A transfer goes from one location to another one."""

    code = "transfer_to_same_location"


class TransferClosed(Conflict):
    """The transfer was already received or cancelled; nothing moved again."""

    code = "transfer_closed"


class CountFileInvalid(InvalidInput):
    """Rows of the count file are wrong (``details.errors`` lists each); nothing was counted."""

    code = "count_file_invalid"


class CountFileType(DomainError):
    """A count file is sent as ``text/csv`` or as the ``file`` field of a multipart form."""

    code = "unsupported_media_type"
    status = 415
