"""Order-ahead slots: fixed-length windows in which a store prepares a bounded number of
orders. A booking is a conditional increment, so a full slot refuses the next order even
when many arrive at once."""

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from o2o.config import Settings
from o2o.orders.errors import FulfilmentInvalid, SlotFull
from o2o.orders.models import SlotBooking
from o2o.orm import utcnow
from o2o.stores.hours import is_open
from o2o.stores.models import Location
from o2o.stores.service import intervals_of


def _aligned(at: datetime, minutes: int) -> bool:
    return at.second == 0 and at.microsecond == 0 and (at.hour * 60 + at.minute) % minutes == 0


def check_slot(store: Location, slot_start: datetime | None, settings: Settings) -> None:
    """A slot starts on the slot grid, far enough ahead, at a time the store is open."""
    if slot_start is None:
        raise FulfilmentInvalid("An order ahead needs a pickup slot.", field="slot_start")
    length = settings.order_ahead_slot_minutes
    if not _aligned(slot_start, length):
        raise FulfilmentInvalid(f"Slots start every {length} minutes.", field="slot_start")
    if slot_start < utcnow() + timedelta(minutes=settings.order_ahead_lead_minutes):
        raise FulfilmentInvalid(
            f"Order at least {settings.order_ahead_lead_minutes} minutes ahead.",
            field="slot_start")
    if slot_start > utcnow() + timedelta(days=7):
        raise FulfilmentInvalid("Order at most a week ahead.", field="slot_start")
    if not is_open(intervals_of(store), slot_start, store.timezone):
        raise FulfilmentInvalid("The store is closed at that time.", field="slot_start")


def book(session: Session, *, location_id: int, merchant_id: int, slot_start: datetime,
         settings: Settings) -> None:
    """Take one place in the slot or raise SlotFull (caller's transaction)."""
    new_row = (postgresql.insert if session.get_bind().dialect.name == "postgresql"
               else sqlite.insert)
    session.execute(new_row(SlotBooking).on_conflict_do_nothing(), {
        "location_id": location_id, "slot_start": slot_start, "merchant_id": merchant_id,
        "booked": 0})
    taken = session.execute(
        update(SlotBooking)
        .where(SlotBooking.location_id == location_id, SlotBooking.slot_start == slot_start,
               SlotBooking.booked < settings.order_ahead_slot_capacity)
        .values(booked=SlotBooking.booked + 1)
    ).rowcount  # type: ignore[attr-defined]
    if not taken:
        raise SlotFull("This slot is full; pick another time.", slot_start=slot_start.isoformat())


def free(session: Session, *, location_id: int, slot_start: datetime) -> None:
    """Give a place back (the order was cancelled or expired)."""
    session.execute(
        update(SlotBooking)
        .where(SlotBooking.location_id == location_id, SlotBooking.slot_start == slot_start,
               SlotBooking.booked > 0)
        .values(booked=SlotBooking.booked - 1)
    )


def upcoming(session: Session, *, store: Location, settings: Settings,
             count: int = 12) -> list[tuple[datetime, datetime, int]]:
    """The next open slots of a store: (start, end, places left), soonest first."""
    length = timedelta(minutes=settings.order_ahead_slot_minutes)
    earliest = utcnow() + timedelta(minutes=settings.order_ahead_lead_minutes)
    minutes = settings.order_ahead_slot_minutes
    start = earliest.replace(second=0, microsecond=0)
    start += timedelta(minutes=(-(start.hour * 60 + start.minute)) % minutes)
    hours = intervals_of(store)
    booked = {slot_start: taken for slot_start, taken in session.execute(
        select(SlotBooking.slot_start, SlotBooking.booked)
        .where(SlotBooking.location_id == store.id, SlotBooking.slot_start >= start))}
    found: list[tuple[datetime, datetime, int]] = []
    horizon = start + timedelta(days=7)
    while len(found) < count and start < horizon:
        if is_open(hours, start, store.timezone):
            left = settings.order_ahead_slot_capacity - booked.get(start, 0)
            if left > 0:
                found.append((start, start + length, left))
        start += length
    return found
