"""Pickup codes: six digits the customer shows (or a QR of them) and staff type or scan.

A code is unique among the open orders of its store (a unique index; the code is cleared
when the order closes), so the store and the code find one order.
"""

import secrets

import segno
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from o2o.orders.models import Order

#: Built once: every order picked up runs it.
_TAKEN = select(Order.id).where(Order.store_id == bindparam("store_id"),
                                Order.pickup_code == bindparam("code"))


def new_pickup_code(session: Session, *, store_id: int | None) -> str:
    """A random code no open order of the store has (a million codes, a few open orders)."""
    while True:
        code = f"{secrets.randbelow(1_000_000):06d}"
        if session.scalar(_TAKEN, {"store_id": store_id, "code": code}) is None:
            return code


def qr_svg(code: str, *, scale: int = 8) -> str:
    """The code as a QR image a handheld scanner reads back as the six digits."""
    qr = segno.make_qr(code, error="m")
    return qr.svg_inline(scale=scale, border=2)  # type: ignore[no-any-return]
