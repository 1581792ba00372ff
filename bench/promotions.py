"""Pricing a 20-line cart against 500 active promotions, beside simply summing the cart.

The engine is pure, so this is one thread of Python and no database. A merchant of 1,000
products (2 variants each) in a 3-level tree of 184 categories runs 500 promotions of every
kind: item promotions on a category (mostly a leaf) or a few products, buy X get Y on a
category, bundles of two products, and cart-wide order promotions (30 reach every cart);
half are non-stackable, a few exclusive, some have happy hours or a minimum spend. 200
seeded carts of 20 lines are priced in turn.

Lines:

- sum: ``sum(unit_price * quantity)`` over the cart's lines — the raw cost of a total.
- evaluate (index): ``evaluate(cart, index)`` with the ``PromotionIndex`` built once, as a
  process keeps it for a merchant's active promotions.
- evaluate (list): ``evaluate(cart, promotions)`` with the plain list, the index rebuilt on
  every call.

    .venv/bin/python bench/promotions.py [--seconds 3] [--promotions 500] [--lines 20]
"""

import argparse
import random
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from common import print_table

from o2o.promotions.engine import PromotionIndex, evaluate
from o2o.promotions.rules import Cart, CartLine, HappyHour, Promotion, Target

PRODUCTS = 1_000
#: 4 roots, 4 × 5 children, 20 × 8 grandchildren: 184 categories.
ROOTS = [1, 2, 3, 4]
CHILDREN = {root: [root * 10 + k for k in range(5)] for root in ROOTS}
LEAVES = {child: [child * 10 + k for k in range(8)] for kids in CHILDREN.values()
          for child in kids}
PARENT = {kid: parent for parent, kids in [*CHILDREN.items(), *LEAVES.items()] for kid in kids}
#: A Monday afternoon, inside the afternoon happy hours.
AT = datetime(2026, 11, 23, 15, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def catalogue(rng: random.Random) -> list[CartLine]:
    """Every variant as a cart line of one unit (quantities are drawn per cart)."""
    leaves = [leaf for kids in LEAVES.values() for leaf in kids]
    variants = []
    for product in range(1, PRODUCTS + 1):
        leaf = rng.choice(leaves)
        ancestry = frozenset({leaf, PARENT[leaf], PARENT[PARENT[leaf]]})
        price = rng.randrange(20, 2_000) * 1_000
        for k in range(2):
            variants.append(CartLine(0, product * 10 + k, product, price + k * 10_000, 1,
                                     ancestry, f"Sản phẩm {product}"))
    return variants


def promotions(rng: random.Random, count: int, cart_wide: int) -> list[Promotion]:
    children = [kid for kids in CHILDREN.values() for kid in kids]
    leaves = [leaf for kids in LEAVES.values() for leaf in kids]
    afternoons = (HappyHour(frozenset(range(7)), "13:00", "17:00"),)
    found = []
    for id in range(1, count + 1):
        common: dict[str, Any] = {
            "priority": rng.choice([10, 50, 100, 100, 100]),
            "stackable": rng.random() < 0.5,
            "exclusive": rng.random() < 0.004,
            "min_spend": rng.choice([0, 0, 0, 300_000, 1_000_000]),
            "happy_hours": afternoons if rng.random() < 0.1 else (),
            "max_discount": rng.choice([None, None, 200_000]),
        }
        some_products = frozenset(rng.sample(range(1, PRODUCTS + 1), rng.randint(1, 5)))
        category = Target(category_ids=frozenset({rng.choice(rng.choices(
            [leaves, children, ROOTS], weights=[75, 22, 3])[0])}))
        draw = rng.random()
        terms: dict[str, Any]
        if id <= cart_wide and draw < 0.5:
            kind, terms = "order_fixed", {"amount": rng.choice([20_000, 50_000, 100_000])}
        elif id <= cart_wide:
            kind, terms = "order_percent", {"percent": rng.randint(3, 15)}
        elif draw < 0.45:
            kind, terms = "items_percent", {"percent": rng.randint(5, 30), "target": category}
        elif draw < 0.65:
            kind, terms = "items_fixed", {"amount": rng.choice([10_000, 20_000]),
                                          "target": Target(product_ids=some_products)}
        elif draw < 0.8:
            kind, terms = "buy_x_get_y", {"buy": 2, "get": 1, "percent": 100,
                                          "target": category}
        elif draw < 0.9:
            pair = rng.sample(range(1, PRODUCTS + 1), 2)
            kind, terms = "bundle_price", {"amount": 500_000, "bundle": ((pair[0], 1),
                                                                          (pair[1], 1))}
        else:
            kind, terms = "order_percent", {"percent": rng.randint(3, 10), "target": category}
        found.append(Promotion(id, f"KM {id}", kind, **common, **terms))  # type: ignore[arg-type]
    return found


def carts(rng: random.Random, variants: Sequence[CartLine], count: int,
          lines: int) -> list[Cart]:
    made = []
    for _ in range(count):
        picked = rng.sample(variants, lines)
        made.append(Cart(
            tuple(CartLine(n, v.variant_id, v.product_id, v.unit_price, rng.randint(1, 3),
                           v.category_ids, v.name) for n, v in enumerate(picked, start=1)),
            "pos", AT, location_id=1))
    return made


def measure(step: Callable[[Cart], object], baskets: Sequence[Cart], seconds: float) -> float:
    """Seconds per cart, after a warm-up pass, over at least ``seconds``."""
    for basket in baskets:
        step(basket)
    done, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for basket in baskets:
            step(basket)
        done += len(baskets)
    return elapsed / done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--promotions", type=int, default=500)
    parser.add_argument("--lines", type=int, default=20)
    parser.add_argument("--cart-wide", type=int, default=30,
                        help="order promotions that reach every cart")
    args = parser.parse_args()

    rng = random.Random(20261123)
    offers = promotions(rng, args.promotions, args.cart_wide)
    baskets = carts(rng, catalogue(rng), 200, args.lines)
    index = PromotionIndex(offers)

    def total(cart: Cart) -> int:
        return sum(line.unit_price * line.quantity for line in cart.lines)

    raw = measure(total, baskets, args.seconds)
    rows: list[list[object]] = [["sum", raw * 1e6, 1 / raw, "1"]]
    for name, step in [("evaluate (index)", lambda cart: evaluate(cart, index)),
                       ("evaluate (list)", lambda cart: evaluate(cart, offers))]:
        spent = measure(step, baskets, args.seconds)
        rows.append([name, spent * 1e6, 1 / spent, f"{spent / raw:,.0f}×"])

    priced = [evaluate(cart, index) for cart in baskets]
    considered = sum(len(p.applied) + len(p.skipped) for p in priced) / len(priced)
    applied = sum(len(p.applied) for p in priced) / len(priced)
    share = sum(p.discount for p in priced) / sum(p.subtotal for p in priced)
    print_table(f"Pricing: {args.lines}-line carts, {args.promotions} active promotions",
                ["line", "µs per cart", "carts/s", "of sum"], rows)
    print(f"per cart the engine considered {considered:.1f} promotions and applied "
          f"{applied:.1f}; the discount was {share:.1%} of the subtotal")


if __name__ == "__main__":
    main()
