"""Finding products as people type them: pure rules, no database."""

from hypothesis import given
from hypothesis import strategies as st

from o2o.catalog.models import Channel
from o2o.catalog.search import (
    MAX_WORDS,
    channels_serving,
    like_pattern,
    price_range,
    search_text,
    slug_base,
    sold_in,
    unique_slug,
    words,
)


def test_search_text_folds_name_brand_category_and_codes() -> None:
    text = search_text(name="Áo Thun Đỏ", brand="Việt Tiến", category="Thời trang nam",
                       variant_words=["AT-DO-M", "8931234567897", "Đỏ"])

    assert text == "ao thun do viet tien thoi trang nam at-do-m 8931234567897 do"


def test_search_text_starts_with_the_folded_name_so_lists_sort_by_it() -> None:
    assert search_text(name="Đầm maxi", brand=None, category=None,
                       variant_words=["D-1"]).startswith("dam maxi ")


def test_query_words_are_folded_and_distinct() -> None:
    assert words("  Áo   THUN áo ") == ["ao", "thun"]
    assert words(None) == []
    assert words("   ") == []


def test_a_long_query_keeps_its_first_words_only() -> None:
    assert words(" ".join(f"w{i}" for i in range(20))) == [f"w{i}" for i in range(MAX_WORDS)]


def test_like_wildcards_in_a_query_are_taken_literally() -> None:
    assert like_pattern("50%") == "%50\\%%"
    assert like_pattern("a_b") == "%a\\_b%"
    assert like_pattern("c:\\x") == "%c:\\\\x%"


def test_online_sells_online_and_both_variants_but_not_store_only_ones() -> None:
    assert set(channels_serving(Channel.ONLINE)) == {Channel.ONLINE, Channel.BOTH}
    assert set(channels_serving(Channel.STORE)) == {Channel.STORE, Channel.BOTH}
    assert channels_serving(Channel.BOTH) == (Channel.BOTH,)
    assert sold_in([Channel.STORE], Channel.STORE)
    assert not sold_in([Channel.STORE], Channel.ONLINE)
    assert sold_in([Channel.STORE, Channel.BOTH], Channel.ONLINE)
    assert not sold_in([], Channel.ONLINE)


def test_price_range_of_nothing_on_sale_is_empty() -> None:
    assert price_range([]) == (None, None)
    assert price_range([250_000, 199_000, 350_000]) == (199_000, 350_000)


def test_slugs_come_from_vietnamese_names() -> None:
    assert slug_base("Áo thun Đỏ — size M", fallback="product", max_length=190) == (
        "ao-thun-do-size-m"
    )
    assert slug_base("咖啡", fallback="product", max_length=190) == "product"


def test_a_long_name_leaves_room_for_a_suffix() -> None:
    base = slug_base("ao " * 100, fallback="product", max_length=40)
    assert len(base) <= 34
    assert not base.endswith("-")


def test_a_taken_slug_gets_the_next_free_number() -> None:
    assert unique_slug("ao-thun", set()) == "ao-thun"
    assert unique_slug("ao-thun", {"ao-thun"}) == "ao-thun-2"
    assert unique_slug("ao-thun", {"ao-thun", "ao-thun-2", "ao-thun-4"}) == "ao-thun-3"


@given(st.text(max_size=300))
def test_every_slug_is_url_safe_and_bounded(text: str) -> None:
    base = slug_base(text, fallback="product", max_length=190)
    assert base
    assert len(base) <= 184
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in base)
    assert not base.startswith("-") and not base.endswith("-")


@given(st.text(max_size=100))
def test_the_text_a_product_is_found_by_contains_every_word_of_its_name(name: str) -> None:
    text = search_text(name=name, brand=None, category=None, variant_words=[])
    assert all(word in text for word in words(name))
