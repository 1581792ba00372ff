"""Finding products the way people type them, and what a product offers at a glance.

Pure functions: plain values in, plain values out, no database.
"""

from collections.abc import Collection, Iterable

from o2o.catalog.models import Channel
from o2o.fields import fold, slugify

#: More words than this in one query are ignored: each one is a ``LIKE`` on every row.
MAX_WORDS = 8


def search_text(
    *, name: str, brand: str | None, category: str | None, variant_words: Iterable[str]
) -> str:
    """What a product is found by, folded: name first (listings sort by it), then brand,
    category and the variants' SKUs, barcodes and option values."""
    parts = [name, brand or "", category or "", *variant_words]
    return fold(" ".join(part for part in parts if part))


def words(q: str | None) -> list[str]:
    """The distinct folded words of a query, each of which a product must contain."""
    found: list[str] = []
    for word in fold(q or "").split(" "):
        if word and word not in found:
            found.append(word)
    return found[:MAX_WORDS]


def like_pattern(word: str) -> str:
    """``%word%`` with LIKE's wildcards taken literally; the escape character is ``\\``."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def channels_serving(channel: Channel) -> tuple[Channel, ...]:
    """The assortments sold in ``channel``: online sells "online" and "both" variants."""
    if channel is Channel.BOTH:
        return (Channel.BOTH,)
    return (channel, Channel.BOTH)


def sold_in(channels: Iterable[Channel], channel: Channel) -> bool:
    return any(c in channels_serving(channel) for c in channels)


def price_range(prices: Iterable[int]) -> tuple[int | None, int | None]:
    """Lowest and highest price, or ``(None, None)`` when nothing is on sale."""
    listed = list(prices)
    if not listed:
        return None, None
    return min(listed), max(listed)


def slug_base(text: str, *, fallback: str, max_length: int) -> str:
    """A URL slug of ``text`` with room left for a "-2" suffix; text without a single Latin
    letter or digit gets ``fallback``."""
    return slugify(text)[: max_length - 6].strip("-") or fallback


def unique_slug(base: str, taken: Collection[str]) -> str:
    """``base`` if free, else the first free of "base-2", "base-3"…"""
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate
