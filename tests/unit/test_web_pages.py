"""Pure parts of the web apps: what a price tag and a shop sign say, and where sign-in returns."""

from datetime import UTC, datetime

from o2o.catalog.models import Channel, Product, Variant
from o2o.stores.models import Location, OpeningHours
from o2o.web.display import offer_of, store_hours
from o2o.web.views import Pager, local_path


def product(*variants: tuple[int, int | None, Channel, bool]) -> Product:
    return Product(name="Áo thun", variants=[
        Variant(sku=f"V{i}", price=price, compare_at_price=was, channels=channels,
                is_active=active, options={})
        for i, (price, was, channels, active) in enumerate(variants)
    ])


def test_price_tag_shows_the_range_and_the_was_price_of_the_cheapest_variant() -> None:
    offer = offer_of(product((139_000, None, Channel.BOTH, True),
                             (129_000, 159_000, Channel.BOTH, True),
                             (99_000, None, Channel.BOTH, False)))  # not on sale

    assert (offer.low, offer.high, offer.was) == (129_000, 139_000, 159_000)
    assert offer.discount_percent == 19


def test_only_in_store_when_every_variant_on_sale_is_sold_at_the_counter_only() -> None:
    in_store = offer_of(product((100, None, Channel.STORE, True),
                                (100, None, Channel.ONLINE, False)))
    mixed = offer_of(product((100, None, Channel.STORE, True), (100, None, Channel.BOTH, True)))

    assert in_store.only_in_store and not in_store.only_online
    assert not mixed.only_in_store and not mixed.only_online


def test_nothing_on_sale_has_no_price() -> None:
    offer = offer_of(product((100, None, Channel.BOTH, False)))

    assert offer.low is None and offer.discount_percent is None


def test_shop_sign_groups_days_with_the_same_hours() -> None:
    store = Location(timezone="Asia/Ho_Chi_Minh", hours=[
        *(OpeningHours(weekday=d, opens=480, closes=1320) for d in range(5)),
        OpeningHours(weekday=5, opens=540, closes=1380),
    ])
    monday_noon_in_hanoi = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)

    hours = store_hours(store, monday_noon_in_hanoi)

    assert hours.open_now and hours.today == 0
    assert hours.runs == [(0, 4, [(480, 1320)]), (5, 5, [(540, 1380)]), (6, 6, [])]


def test_sign_in_returns_only_to_a_page_of_the_same_app() -> None:
    assert local_path("/shop/account", "shop") == "/shop/account"
    assert local_path("/shop?lang=en", "shop") == "/shop?lang=en"
    assert local_path("https://evil.example/shop", "shop") == "/shop"
    assert local_path("//evil.example", "shop") == "/shop"
    assert local_path("/shopping-spree", "shop") == "/shop"
    assert local_path("/admin", "pos", default="/pos/login") == "/pos/login"


def test_pages_count_from_one_and_ignore_nonsense() -> None:
    assert Pager.of("3", 25).offset == 50
    assert Pager.of("0", 25).number == Pager.of("abc", 25).number == 1
    assert Pager.of(None, 25).with_total(51).pages == 3
