"""Languages of the web apps: catalogs compiled in memory at startup, money and time shown
the way a Vietnamese (or English) reader expects.

The catalogs are the ``.po`` files under ``o2o/locale``; no compiled ``.mo`` is kept in git.
Messages are English (``_("Sign in")`` in a template); a new one goes into both catalogs,
with its Vietnamese in ``vi`` — ``tests/unit/test_i18n.py`` fails until it is there.
"""

from datetime import datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import phonenumbers
from babel.dates import format_date, get_day_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import Translations

LOCALES = ("vi", "en")
#: Remembers the language a visitor picked with ``?lang=``.
LANG_COOKIE = "o2o_lang"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"


def catalog_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"


@cache
def load_translations(locale: str) -> Translations:
    """The ``.po`` catalog of ``locale`` compiled in memory (fuzzy entries left out), once
    per process: parsing it is most of the cost of making an app."""
    with catalog_path(locale).open("rb") as po:
        catalog = read_po(po, locale=locale)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain="messages")


def choose_locale(asked: str | None, remembered: str | None, default: str) -> str:
    """The language of a page: asked for in the URL, else remembered, else the default."""
    for candidate in (asked, remembered):
        if candidate in LOCALES:
            return candidate
    return default if default in LOCALES else LOCALES[0]


def money(amount: int | None, locale: str) -> str:
    """Whole đồng as a reader of ``locale`` writes it: "129.000 ₫" in Vietnamese."""
    if amount is None:
        return ""
    return format_currency(amount, "VND", locale=locale)


def number(value: int, locale: str) -> str:
    return format_decimal(value, locale=locale)


def distance(km: float, locale: str) -> str:
    """How far a place is, as a shop sign says it: "350 m", "2,4 km", "1.144 km"."""
    metres = round(km * 100) * 10
    if metres < 1000:
        return f"{max(metres, 10)}\xa0m"
    if round(km, 1) < 10:
        return f"{format_decimal(round(km, 1), format='0.0', locale=locale)}\xa0km"
    return f"{format_decimal(round(km), locale=locale)}\xa0km"


def phone(e164: str | None) -> str:
    """A stored E.164 number as people write it: "0901 234 567" at home, "+1 …" abroad."""
    if not e164:
        return ""
    number = phonenumbers.parse(e164)
    style = (phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 84
             else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, style)


def long_date(value: datetime, locale: str, timezone: str) -> str:
    return format_date(value.astimezone(ZoneInfo(timezone)), "full", locale=locale)


def day(value: datetime | None, locale: str, timezone: str) -> str:
    """The local date of a moment: "23 thg 11, 2026"."""
    if value is None:
        return ""
    return format_date(value.astimezone(ZoneInfo(timezone)), "medium", locale=locale)


def moment(value: datetime | None, locale: str, timezone: str) -> str:
    """The local date and 24-hour time of a moment: "24 thg 11, 2026 03:00"."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(timezone))
    return f"{format_date(local, 'medium', locale=locale)} {local:%H:%M}"


#: Short weekday names as shop signs write them: "T2–CN" in Vietnamese, "Mon–Sun" in English.
_SHORT_DAYS: dict[str, Literal["short", "abbreviated"]] = {"vi": "short"}


def weekday_names(locale: str, *, short: bool = False) -> list[str]:
    """Monday first, as ``OpeningHours.weekday`` counts."""
    width = _SHORT_DAYS.get(locale, "abbreviated") if short else "wide"
    names = get_day_names(width, locale=locale)
    return [names[day] for day in range(7)]
