"""Opening hours as plain data: parsing "HH:MM" and answering "is it open at this moment?"."""

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 1440


class Interval(NamedTuple):
    """Open from ``opens`` to ``closes`` minutes after midnight of ``weekday`` (0 = Monday)."""

    weekday: int
    opens: int
    closes: int


def parse_clock(text: str) -> int:
    """Minutes after midnight of "HH:MM" (00:00 to 24:00)."""
    hours, _, minutes = text.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(f"{text!r} is not a time like 08:30")
    value = int(hours) * 60 + int(minutes)
    if int(minutes) >= 60 or value > MINUTES_PER_DAY:
        raise ValueError(f"{text!r} is not a time of day")
    return value


def format_clock(minutes: int) -> str:
    """"HH:MM" of minutes after midnight; past midnight shows the next day's clock."""
    if minutes > MINUTES_PER_DAY:
        minutes -= MINUTES_PER_DAY
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def interval(weekday: int, opens: str, closes: str) -> Interval:
    """An interval from clock times; a closing time at or before opening means after midnight."""
    start, end = parse_clock(opens), parse_clock(closes)
    if start == MINUTES_PER_DAY:
        raise ValueError("a store cannot open at 24:00")
    if end <= start:
        end += MINUTES_PER_DAY
    return Interval(weekday, start, end)


def is_open(hours: Iterable[Interval], at: datetime, timezone: str) -> bool:
    """Whether a store with these hours is open at the aware moment ``at``.

    An interval past midnight (22:00–02:00) still counts in the small hours of the next day.
    """
    local = at.astimezone(ZoneInfo(timezone))
    minute = local.hour * 60 + local.minute
    today = local.weekday()
    yesterday = (today - 1) % 7
    for h in hours:
        if h.weekday == today and h.opens <= minute < h.closes:
            return True
        if h.weekday == yesterday and minute + MINUTES_PER_DAY < h.closes:
            return True
    return False
