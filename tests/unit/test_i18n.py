"""The web apps' languages: catalogs in step with the templates; money, dates and phone
numbers as people read them."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from o2o.web import i18n

WEB = Path(i18n.__file__).parent
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def used_messages() -> set[str]:
    """Every msgid the templates and page modules ask for."""
    found = extract_from_dir(
        WEB,
        [("templates/**.html", "jinja2"), ("**.py", "python")],
        {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true",
                               "lstrip_blocks": "true"}},
    )
    return {message if isinstance(message, str) else message[0]
            for _, _, message, _, _ in found}


def catalog(locale: str) -> dict[str, tuple[str, ...]]:
    """msgid -> its translations (one per plural form)."""
    with i18n.catalog_path(locale).open("rb") as po:
        return {
            m.id if isinstance(m.id, str) else m.id[0]:
                (m.string,) if isinstance(m.string, str) else tuple(m.string or ())
            for m in read_po(po, locale=locale) if m.id
        }


@pytest.mark.parametrize("locale", i18n.LOCALES)
def test_catalogs_hold_exactly_the_messages_the_pages_use(locale: str) -> None:
    assert set(catalog(locale)) == used_messages()


def test_every_message_has_a_vietnamese_translation_with_the_same_placeholders() -> None:
    for msgid, forms in catalog("vi").items():
        assert forms and all(forms), f"no Vietnamese for {msgid!r}"
        for form in forms:
            assert set(_PLACEHOLDER.findall(form)) <= set(_PLACEHOLDER.findall(msgid)), msgid


def test_catalogs_compile_in_memory() -> None:
    assert i18n.load_translations("vi").gettext("Sign in") == "Đăng nhập"
    assert i18n.load_translations("en").gettext("Sign in") == "Sign in"
    assert i18n.load_translations("vi").ngettext(
        "%(num)s product", "%(num)s products", 3) == "%(num)s sản phẩm"


def test_money_is_whole_dong_in_the_reader_s_notation() -> None:
    assert i18n.money(129_000, "vi") == "129.000\xa0₫"
    assert i18n.money(1_290_000, "en") == "₫1,290,000"
    assert i18n.money(None, "vi") == ""


def test_the_url_language_wins_then_the_remembered_one_then_the_default() -> None:
    assert i18n.choose_locale("en", "vi", "vi") == "en"
    assert i18n.choose_locale(None, "en", "vi") == "en"
    assert i18n.choose_locale("fr", None, "vi") == "vi"
    assert i18n.choose_locale(None, "xx", "klingon") == "vi"


def test_dates_are_the_day_it_is_in_vietnam() -> None:
    evening_utc = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)  # 03:00 next morning in Hà Nội

    assert i18n.day(evening_utc, "vi", "Asia/Ho_Chi_Minh") == "24 thg 11, 2026"
    assert i18n.day(evening_utc, "en", "Asia/Ho_Chi_Minh") == "Nov 24, 2026"


def test_weekdays_start_on_monday_like_opening_hours() -> None:
    assert i18n.weekday_names("vi")[0] == "Thứ Hai"
    assert i18n.weekday_names("en")[6] == "Sunday"
    assert i18n.weekday_names("vi", short=True) == ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]


def test_phone_numbers_read_the_way_they_are_dialled() -> None:
    assert i18n.phone("+84901234567") == "0901 234 567"
    assert i18n.phone("+842838221234") == "028 3822 1234"
    assert i18n.phone(None) == ""
