"""The pricing table (``tests/unit/promotions/cases.py``) through the real system.

One shop per database holds the table's catalogue (its products at their prices, in its
category tree, in stock at two stores). For each case the back office saves its promotions
(and coupons), its customer signs up with the history the case speaks of, earlier sales use
its promotions as far as the case says; then its cart is checked out online (a pickup) and
sold at the counter: both are priced as the case says — per-line discounts, totals, the
promotions applied and those skipped with their reasons, the explanations — and alike
wherever its promotions run on both channels. Counter sales with a discount are completed
and brought back: refunds add up to the đồng and each promotion gets back exactly what it
gave. The case's promotions are retired after it.

How a case's facts are made real: its moment is the pricing clock (``orders.pricing.utcnow``);
its stores 7 and 8 are the two stores (online pickups are collected at 7, counter sales
without a store are made at 7); its customer is new, the gold member with four earlier
counter sales that make them "gold" in the loyalty programme; its usage is what earlier sales
consumed — uses where the promotion has a usage limit, the customer's uses where it has a
per-customer limit, đồng spent where it has a budget (other counts are not observable, and
not reproduced); its segments are list segments of the shop, with its customer put in those
the case says.
"""

import itertools
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from o2o.app import create_app
from o2o.auth.models import User
from o2o.auth.permissions import Actor
from o2o.catalog import service as catalog_service
from o2o.catalog.schemas import CategoryCreate
from o2o.config import Settings
from o2o.customers import segments as segments_service
from o2o.customers.schemas import MembersAdd, SegmentCreate
from o2o.db import transaction
from o2o.loyalty import service as loyalty_service
from o2o.loyalty.schemas import LoyaltyProgrammeIn
from o2o.orders import checkout as checkout_service
from o2o.orders import pricing, returns
from o2o.orders.checkout import PricedCheckout
from o2o.orders.schemas import CheckoutCreate, ReturnCreate
from o2o.outbox import service as outbox
from o2o.promotions import service as promotions_service
from o2o.promotions.rules import Audience, Promotion
from o2o.promotions.schemas import PromotionTerms
from o2o.stores.models import Location, Merchant
from tests.conftest import _empty_postgres, require
from tests.unit.promotions.cases import (
    ACCESSORIES,
    CASES,
    CLOTHES,
    SHIRTS,
    TROUSERS,
    PricingCase,
    cap,
    jeans,
    shirt,
    socks,
)
from tests.world import World

#: The table's category tree: a line's ``category_ids`` are its category and its ancestors.
PARENTS: dict[int, int | None] = {CLOTHES: None, SHIRTS: CLOTHES, TROUSERS: CLOTHES,
                                  ACCESSORIES: None}
#: The table's products, for promotions naming one the cart does not hold.
KNOWN = {line.product_id: line for line in (shirt(), jeans(), cap(), socks())}
COUNTER, OTHER_COUNTER = 7, 8
PHONES = itertools.count(1)
#: The gold member's earlier sales reach the gold tier.
GOLD_FROM = 500_000
PROGRAMME = LoyaltyProgrammeIn.model_validate({
    "earn_dong_per_point": 10_000, "point_value": 1_000,
    "tiers": [{"name": "silver", "threshold": 0}, {"name": "gold", "threshold": GOLD_FROM}]})


@dataclass(frozen=True)
class Outcome:
    """What shopper and cashier see of a priced cart, in the table's ids."""

    discounts: Mapping[int, int]
    applied: tuple[int, ...] = ()
    skipped: Mapping[int, str] = field(default_factory=dict)
    subtotal: int = 0
    total: int = 0


#: The system reads only the promotions running at the cart's moment (the hot path meets
#: the few running, not every promotion ever made): one outside its dates is not considered,
#: so not listed among those skipped.
NOT_RUNNING = frozenset({"not_started", "ended"})


def expected(case: PricingCase, outcome: Outcome | None = None) -> Outcome:
    wanted = outcome or Outcome(dict(case.discounts), case.applied, dict(case.skipped))
    return Outcome(dict(wanted.discounts), wanted.applied,
                   {p: code for p, code in wanted.skipped.items() if code not in NOT_RUNNING},
                   case.subtotal, case.subtotal - sum(wanted.discounts.values()))


#: The outcome on the channel a case does not name, where its promotions are limited to a
#: channel or a store, or ask for a known customer (online, the shopper is always signed in).
MIRROR: dict[str, Outcome] = {
    "counter_only_promotion_is_not_online": Outcome({1: 20_000}, (1,)),
    "counter_only_promotion_at_the_counter": Outcome({}, (), {1: "wrong_channel"}),
    "store_promotion_at_another_store": Outcome({}, (), {1: "wrong_store"}),
    "store_promotion_is_not_online": Outcome({1: 20_000}, (1,)),
    "first_order_not_for_a_guest": Outcome({1: 20_000}, (1,)),
    "customer_limit_needs_a_known_customer": Outcome({1: 20_000}, (1,)),
}


def _params() -> list[Any]:
    return [pytest.param(case, id=case.name) for case in CASES]


@dataclass
class CaseShop:
    """One case's shop; the dicts map the table's ids to the system's."""

    world: World
    settings: Settings
    merchant: Merchant
    owner: Actor
    cashier: Actor
    stores: dict[int, Location]
    categories: dict[int, int] = field(default_factory=dict)
    products: dict[int, int] = field(default_factory=dict)
    variants: dict[int, int] = field(default_factory=dict)
    customers: dict[int, User] = field(default_factory=dict)
    promotions: dict[int, int] = field(default_factory=dict)
    segments: dict[int, int] = field(default_factory=dict)

    def sell(self, case: PricingCase, lines: list[tuple[int, int]],
             customer: User | None = None) -> int:
        """A counter sale at the case's moment, completed; its order id."""
        made = self.checkout(case, self.cashier, lines, customer)
        with self.world.db.session() as session:
            order = checkout_service.complete_checkout(
                session, actor=self.cashier, checkout_id=made.checkout.id, idempotency_key=None,
                settings=self.settings)
            return order.id

    def checkout(self, case: PricingCase, actor: Actor, lines: list[tuple[int, int]],
                 customer: User | None = None, store: int = COUNTER) -> PricedCheckout:
        at_counter = actor is self.cashier
        data = CheckoutCreate.model_validate({
            "lines": [{"variant_id": self.variants[v], "quantity": q} for v, q in lines],
            "fulfilment": {"type": "in_store" if at_counter else "pickup",
                           "store_id": self.stores[store].id},
            "customer_phone": customer.phone if customer and at_counter else None,
            "coupons": sorted(case.coupons.values()),
        })
        with self.world.db.session() as session:
            return checkout_service.create_checkout(session, actor=actor, data=data,
                                                    settings=self.settings)

    def deliver(self) -> None:
        with self.world.db.session() as session:
            outbox.deliver_pending(session)

    def usage(self, promotion_id: int) -> tuple[int, int]:
        """(uses, đồng spent) of a case's promotion."""
        with self.world.db.session() as session:
            row = promotions_service.get_promotion(session, actor=self.owner,
                                                   promotion_id=self.promotions[promotion_id])
            return row.uses, row.spent


@pytest.fixture(scope="module", params=[
    "sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def counter(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
            sqlite_template: Path) -> Iterator[CaseShop]:
    """One shop per database for the whole table: its catalogue holds every product of every
    case; each case adds its customers and promotions (retired after it)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("table") / "o2o.db"
        shutil.copy(sqlite_template, path)
        settings = Settings(database_url=f"sqlite:///{path}", sweep_seconds=0)
    else:
        url = request.getfixturevalue("postgres_url")
        require(url is not None, "PostgreSQL (apt-get install postgresql)")
        _empty_postgres(url)
        settings = Settings(database_url=url, sweep_seconds=0)
    with TestClient(create_app(settings)) as client:
        world = World(client.app.state.db)
        merchant = world.merchant("bangia")
        stores = {code: world.location(merchant, f"s{code}", services=["pickup", "returns"])
                  for code in (COUNTER, OTHER_COUNTER)}
        shop = CaseShop(world, settings, merchant, world.actor(world.owner(merchant)),
                        world.actor(world.staff(merchant, "cashier", list(stores.values()))),
                        stores)
        _catalogue(shop)
        with world.db.session() as session:
            loyalty_service.set_programme(session, actor=shop.owner, data=PROGRAMME)
        yield shop


@pytest.fixture
def build(counter: CaseShop,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[PricingCase], CaseShop]]:
    """The shop as a case needs it, at the case's moment; its promotions retired after."""
    made: list[CaseShop] = []

    def make(case: PricingCase) -> CaseShop:
        moment = case.at.astimezone(UTC)
        monkeypatch.setattr(pricing, "utcnow", lambda: moment)
        shop = replace(counter, customers={}, promotions={}, segments={})
        made.append(shop)
        _customers(shop, case)
        _segments(shop, case)
        with shop.world.db.session() as session:
            for promo in sorted(case.promotions, key=lambda p: p.id):  # the table's order
                row = promotions_service.create_promotion(session, actor=shop.owner,
                                                          data=terms(shop, promo))
                shop.promotions[promo.id] = row.id
            for promotion_id, code in case.coupons.items():
                promotions_service.create_coupon(session, actor=shop.owner, max_uses=None,
                                                 promotion_id=shop.promotions[promotion_id],
                                                 code=code)
        _consume(shop, case)
        return shop

    yield make
    for shop in made:
        with shop.world.db.session() as session, transaction(session):
            for promotion_id in shop.promotions.values():
                row = promotions_service.get_promotion(session, actor=shop.owner,
                                                       promotion_id=promotion_id)
                retired = promotions_service.terms_of(row).model_copy(update={"is_active": False})
                promotions_service.update_promotion(session, actor=shop.owner,
                                                    promotion_id=promotion_id, data=retired)


def _catalogue(shop: CaseShop) -> None:
    """The table's categories and products at their prices, plenty in stock at both stores;
    a product's categories in the system are the line's (its category and ancestors)."""
    lines = {line.variant_id: line for case in CASES for line in case.lines}
    lines |= {line.variant_id: line for line in KNOWN.values()}
    assert all(line == replace(lines[line.variant_id], line_id=line.line_id,
                               quantity=line.quantity)
               for case in CASES for line in case.lines), "one variant, one price"
    with shop.world.db.session() as session:
        for category in sorted(PARENTS, key=lambda c: PARENTS[c] is not None):
            parent = PARENTS[category]
            made = catalog_service.create_category(session, actor=shop.owner, data=CategoryCreate(
                name=f"Nhóm {category}", parent_id=shop.categories[parent] if parent else None))
            shop.categories[category] = made.id
    for line in lines.values():
        leaf = [c for c in line.category_ids if c not in PARENTS.values()]
        product = shop.world.product(
            shop.merchant, line.name or f"Hàng {line.product_id}",
            category_id=shop.categories[leaf[0]] if leaf else None,
            variants=[{"sku": f"sp-{line.variant_id}", "price": line.unit_price}])
        shop.products[line.product_id] = product.id
        shop.variants[line.variant_id] = product.variants[0].id
        for store in shop.stores.values():
            shop.world.stock(shop.merchant, store, product.variants[0].id, 10_000)
    with shop.world.db.session() as session:
        lineage = catalog_service.category_lineage(session, merchant_id=shop.merchant.id)
    for line in lines.values():
        leaf = [c for c in line.category_ids if c not in PARENTS.values()]
        got = lineage[shop.categories[leaf[0]]] if leaf else frozenset()
        assert got == {shop.categories[c] for c in line.category_ids}


def _customers(shop: CaseShop, case: PricingCase) -> None:
    """The case's customer, new (a shopper signed in when the case has a guest), and those
    its promotions name; the gold member with four earlier sales, gold in the loyalty
    programme."""
    known = {c for promo in case.promotions for c in promo.audience.customer_ids}
    buyer = case.customer.id if case.customer.id is not None else 0
    for customer_id in sorted(known | {buyer}):
        shop.customers[customer_id] = shop.world.customer(f"+8490{next(PHONES):07d}",
                                                          f"Khách {customer_id}")
    if not case.customer.orders_count:
        return
    first = case.lines[0]
    own_uses = sum(u.customer_uses for u in case.usage.values())  # sales placed later
    earlier = case.customer.orders_count - own_uses
    each = -(-GOLD_FROM // (earlier * first.unit_price))  # units a sale, to reach gold
    for _ in range(earlier):
        shop.sell(case, [(first.variant_id, each)], shop.customers[buyer])
    shop.deliver()
    with shop.world.db.session() as session:
        tier = loyalty_service.tier_of(session, merchant_id=shop.merchant.id,
                                       customer_id=shop.customers[buyer].id)
    assert tier == case.customer.tier


def _segments(shop: CaseShop, case: PricingCase) -> None:
    """The segments the case names, as list segments of the shop (named after the case: the
    shop keeps them), its customer put in theirs (a customer the shop knows: the cases'
    members have earlier sales)."""
    named = {s for promo in case.promotions for s in promo.audience.segment_ids}
    with shop.world.db.session() as session:
        for segment_id in sorted(named | case.customer.segment_ids):
            made = segments_service.create_segment(session, actor=shop.owner, data=SegmentCreate(
                name=f"Nhóm {segment_id} · {case.name}", kind="list"))
            shop.segments[segment_id] = made.id
    buyer = shop.customers[case.customer.id or 0]
    for segment_id in sorted(case.customer.segment_ids):
        with shop.world.db.session() as session:
            segments_service.add_members(session, actor=shop.owner,
                                         segment_id=shop.segments[segment_id],
                                         data=MembersAdd(customer_ids=[buyer.id]))


def terms(shop: CaseShop, promo: Promotion) -> PromotionTerms:
    """The engine's promotion as the back office saves it, with the system's ids."""
    target, audience = promo.target, promo.audience
    return PromotionTerms.model_validate({
        "name": promo.name, "kind": promo.kind, "percent": promo.percent,
        "amount": promo.amount, "buy": promo.buy, "get": promo.get,
        "target": {"variant_ids": [shop.variants[v] for v in sorted(target.variant_ids)],
                   "product_ids": [shop.products[p] for p in sorted(target.product_ids)],
                   "category_ids": [shop.categories[c] for c in sorted(target.category_ids)]},
        "bundle": [{"product_id": shop.products[p], "units": units} for p, units in promo.bundle],
        "min_spend": promo.min_spend, "min_spend_on": promo.min_spend_on,
        "starts_at": promo.starts_at, "ends_at": promo.ends_at,
        "happy_hours": [{"weekdays": sorted(h.weekdays), "starts": h.starts, "ends": h.ends}
                        for h in promo.happy_hours],
        "channels": sorted(promo.channels),
        "location_ids": [shop.stores[s].id for s in sorted(promo.location_ids or ())],
        "audience": {"customer_ids": [shop.customers[c].id for c in sorted(audience.customer_ids)],
                     "tiers": sorted(audience.tiers),
                     "segment_ids": [shop.segments[s] for s in sorted(audience.segment_ids)],
                     "first_order": audience.first_order},
        "usage_limit": promo.usage_limit, "per_customer_limit": promo.per_customer_limit,
        "budget": promo.budget, "max_discount": promo.max_discount,
        "requires_coupon": promo.requires_coupon, "priority": promo.priority,
        "stackable": promo.stackable, "exclusive": promo.exclusive,
    })


def _consume(shop: CaseShop, case: PricingCase) -> None:
    """Earlier counter sales of the case's cart use its promotions as far as the case says:
    the customer's uses (by the customer), then the rest of the uses; a budget is spent by
    one sale of as many units of the first line as it takes."""
    cart = [(line.variant_id, line.quantity) for line in case.lines]
    for promotion_id, usage in case.usage.items():
        promo = next(p for p in case.promotions if p.id == promotion_id)
        own = usage.customer_uses if promo.per_customer_limit is not None else 0
        for _ in range(own):
            shop.sell(case, cart, shop.customers[case.customer.id or 0])
        for _ in range(usage.uses - own if promo.usage_limit is not None else 0):
            shop.sell(case, cart)
        if promo.budget is not None and usage.spent:
            first = case.lines[0]
            units, rest = divmod(usage.spent * 100, promo.percent * first.unit_price)
            assert promo.kind == "order_percent" and not rest, "spend it another way"
            shop.sell(case, [(first.variant_id, units)])
        uses, spent = shop.usage(promotion_id)
        if promo.usage_limit is not None:
            assert uses == usage.uses
        if promo.budget is not None:
            assert spent == usage.spent


def outcome(shop: CaseShop, case: PricingCase, made: PricedCheckout) -> Outcome:
    back = {real: mine for mine, real in shop.promotions.items()}
    priced = made.priced
    assert priced.cart is not None and priced.delivery_fee == 0
    ids = [line.line_id for line in case.lines]
    return Outcome({i: line.discount for i, line in zip(ids, priced.lines, strict=True)
                    if line.discount},
                   tuple(back[a.promotion_id] for a in priced.cart.applied),
                   {back[s.promotion_id]: s.code for s in priced.cart.skipped},
                   priced.subtotal, priced.total)


def explanations(case: PricingCase, made: PricedCheckout) -> dict[int, tuple[str, ...]]:
    return {line.line_id: tuple(a["explanation"] for a in priced.adjustments)
            for line, priced in zip(case.lines, made.priced.lines, strict=True)}


def guest_only_at_the_counter(case: PricingCase) -> bool:
    """Whether the case's guest matters to its promotions: online the shopper is always
    signed in, so the case is met at the counter (an anonymous sale)."""
    return case.customer.id is None and any(
        p.audience != Audience() or p.per_customer_limit is not None for p in case.promotions)


@pytest.mark.parametrize("case", _params())
def test_the_case_prices_alike_online_and_at_the_counter(
        build: Callable[[PricingCase], CaseShop], case: PricingCase) -> None:
    shop = build(case)
    customer = shop.customers[case.customer.id or 0]
    store = case.location_id or COUNTER
    online = shop.checkout(case, shop.world.actor(customer), _lines(case))
    counter = shop.checkout(case, shop.cashier, _lines(case),
                            customer if case.customer.id is not None else None, store)
    at_counter = case.channel == "pos" or guest_only_at_the_counter(case)
    mine, other = (counter, online) if at_counter else (online, counter)

    assert outcome(shop, case, mine) == expected(case)
    assert outcome(shop, case, other) == expected(case, MIRROR.get(case.name))
    shown = explanations(case, mine)
    for line_id, texts in case.explanations.items():
        assert shown[line_id] == texts
    if case.name not in MIRROR:  # every line explained alike to shopper and cashier
        assert [line.adjustments for line in online.priced.lines] == [
            line.adjustments for line in counter.priced.lines]

    if (at_counter or case.name not in MIRROR) and case.discounts:
        _sell_and_bring_back(shop, case, counter)


def _lines(case: PricingCase) -> list[tuple[int, int]]:
    return [(line.variant_id, line.quantity) for line in case.lines]


def _sell_and_bring_back(shop: CaseShop, case: PricingCase, made: PricedCheckout) -> None:
    """The counter sale completed: its promotions spend what they took off; every discounted
    line brought back, one unit then the rest: the refunds add up to the line's total, to the
    đồng, and each promotion's budget gets back all it gave."""
    before = {p: shop.usage(p) for p in case.applied}
    with shop.world.db.session() as session:
        order = checkout_service.complete_checkout(
            session, actor=shop.cashier, checkout_id=made.checkout.id, idempotency_key=None,
            settings=shop.settings)
        order_id, store_id = order.id, order.store_id
        lines = [(line.id, line.quantity, line.total) for line in order.lines]
        assert order.discount == sum(case.discounts.values())
    gave = {a.promotion_id: a.amount for a in made.priced.cart.applied} if made.priced.cart else {}
    for mine, real in shop.promotions.items():
        if mine in case.applied:
            assert shop.usage(mine) == (before[mine][0] + 1, before[mine][1] + gave[real])
    for (line_id, quantity, total), case_line in zip(lines, case.lines, strict=True):
        if not case.discounts.get(case_line.line_id):
            continue
        refunds = []
        for units in (1, quantity - 1):
            if not units:
                continue
            with shop.world.db.session() as session:
                back = returns.create_return(
                    session, actor=shop.cashier, order_id=order_id, settings=shop.settings,
                    data=ReturnCreate.model_validate({
                        "store_id": store_id, "lines": [{"line_id": line_id,
                                                         "quantity": units}]}))
                refunds.append(back.amount)
        assert refunds[0] == total // quantity
        assert sum(refunds) == total
    shop.deliver()
    for promotion_id in case.applied:
        assert shop.usage(promotion_id) == (before[promotion_id][0] + 1,
                                            before[promotion_id][1])


def test_every_case_limited_to_a_channel_a_store_or_a_known_customer_has_its_mirror() -> None:
    limited = {
        case.name for case in CASES
        if guest_only_at_the_counter(case) or any(
            p.channels != {"online", "pos"} or p.location_ids is not None
            for p in case.promotions)
    }
    assert limited == set(MIRROR)
