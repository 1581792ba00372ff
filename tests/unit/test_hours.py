"""Opening hours: "is this store open right now?" in the store's own time zone."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from o2o.stores.hours import Interval, format_clock, interval, is_open, parse_clock

HCM = "Asia/Ho_Chi_Minh"  # UTC+7, no daylight saving


def saigon(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of November 2026 on Saigon's clocks; the 23rd is a Monday."""
    return datetime(2026, 11, day, hour, minute, tzinfo=ZoneInfo(HCM))


@pytest.mark.parametrize(
    ("text", "minutes"), [("00:00", 0), ("08:30", 510), ("22:00", 1320), ("24:00", 1440)]
)
def test_clock_times_read_as_minutes_after_midnight(text: str, minutes: int) -> None:
    assert parse_clock(text) == minutes
    assert format_clock(minutes) == text


@pytest.mark.parametrize("text", ["25:00", "08:60", "8h", "", "24:01", "-1:00"])
def test_impossible_clock_times_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_clock(text)


def test_closing_before_opening_means_after_midnight() -> None:
    assert interval(4, "18:00", "02:00") == Interval(4, 1080, 1560)
    assert format_clock(1560) == "02:00"


def test_a_store_cannot_open_at_midnight_of_the_next_day() -> None:
    with pytest.raises(ValueError):
        interval(0, "24:00", "02:00")


MONDAY_9_TO_22 = [interval(0, "09:00", "22:00")]


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (saigon(23, 8, 59), False),
        (saigon(23, 9, 0), True),
        (saigon(23, 21, 59), True),
        (saigon(23, 22, 0), False),
        (saigon(24, 10, 0), False),  # Tuesday: no hours
    ],
)
def test_open_in_local_time(moment: datetime, expected: bool) -> None:
    assert is_open(MONDAY_9_TO_22, moment, HCM) is expected


def test_a_late_bar_is_still_open_in_the_small_hours_of_the_next_day() -> None:
    friday_night = [interval(4, "18:00", "02:00")]  # Friday 2026-11-27
    assert is_open(friday_night, saigon(28, 1, 30), HCM)
    assert not is_open(friday_night, saigon(28, 2, 0), HCM)
    assert not is_open(friday_night, saigon(27, 1, 30), HCM)  # Friday morning


def test_a_lunch_break_closes_the_store() -> None:
    split = [interval(0, "08:00", "12:00"), interval(0, "13:30", "20:00")]
    assert is_open(split, saigon(23, 11, 0), HCM)
    assert not is_open(split, saigon(23, 12, 30), HCM)
    assert is_open(split, saigon(23, 14, 0), HCM)


@given(st.integers(0, 1439), st.integers(1, 1439))
def test_every_interval_round_trips_through_clock_text(opens: int, length: int) -> None:
    closes = opens + length
    span = interval(2, format_clock(opens), format_clock(closes))
    assert (span.opens, span.closes) == (opens, closes)


def test_moments_are_judged_in_the_stores_time_zone() -> None:
    utc_2am_monday = datetime(2026, 11, 23, 2, 0, tzinfo=ZoneInfo("UTC"))  # 09:00 in Saigon
    assert is_open(MONDAY_9_TO_22, utc_2am_monday, HCM)
    assert not is_open(MONDAY_9_TO_22, utc_2am_monday, "Europe/Paris")
