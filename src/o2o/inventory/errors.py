from o2o.errors import Conflict, InvalidInput


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
