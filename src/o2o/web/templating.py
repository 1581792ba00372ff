"""Jinja2 environments of the web apps, one per language so rendering never shares state."""

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from o2o.config import Settings
from o2o.stores.hours import format_clock
from o2o.web import display, i18n

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


@cache
def _environment(locale: str, tz: str, map_tiles: str) -> Environment:
    """One environment per language and display settings in a process, shared by the apps
    made in it, so each template is compiled once."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.load_translations(locale), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        money=lambda amount: i18n.money(amount, locale),
        number=lambda value: i18n.number(value, locale),
        km=lambda value: i18n.distance(value, locale),
        long_date=lambda value: i18n.long_date(value, locale, tz),
        day=lambda value: i18n.day(value, locale, tz),
        moment=lambda value: i18n.moment(value, locale, tz),
        clock=format_clock,
        phone=i18n.phone,
    )
    env.globals.update(
        locale=locale,
        locales=i18n.LOCALES,
        weekdays=i18n.weekday_names(locale),
        short_weekdays=i18n.weekday_names(locale, short=True),
        map_tiles=map_tiles,
        offer_of=display.offer_of,
    )
    return env


class Templates:
    """Renders a page in the visitor's language."""

    def __init__(self, settings: Settings) -> None:
        self._environments = {
            locale: _environment(locale, settings.timezone, settings.map_tile_url)
            for locale in i18n.LOCALES
        }

    def render(self, locale: str, name: str, context: dict[str, Any]) -> str:
        return self._environments[locale].get_template(name).render(context)
