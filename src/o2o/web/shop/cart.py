"""The shopper's cart: variant ids and quantities in a cookie, prices always the server's.

The cookie ``o2o_cart`` holds ``"12:2|15:1"`` (variant 12 twice, 15 once), oldest line
first, and nothing else: no price, no name. Every page prices the lines again from the
catalogue (``orders.pricing``), and completing a checkout prices them once more, so a shopper
who edits the cookie can change only what they ask for, never what it costs. Signed out or
in, the cart is the browser's; checking it out needs a shopper's sign-in.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from sqlalchemy.orm import Session

from o2o.catalog import service as catalog_service
from o2o.catalog.models import Channel, Product, Variant
from o2o.config import Settings
from o2o.errors import NotFound
from o2o.orders.fulfilment import FulfilmentType
from o2o.orders.models import SalesChannel
from o2o.orders.pricing import CartLine, PricedLine, price
from o2o.stores.models import Merchant
from o2o.web.views import AnyPage, Page, PageRoute, local_path

router = APIRouter(route_class=PageRoute)

CART_COOKIE = "o2o_cart"
CART_AGE = timedelta(days=30)
#: Bounds that keep the cookie small and a typo from ordering a truckload.
MAX_LINES = 30
MAX_QUANTITY = 99

Cart = dict[int, int]


def parse(raw: str | None) -> Cart:
    """The cart a cookie holds; malformed parts are dropped and quantities capped."""
    cart: Cart = {}
    for part in (raw or "").split("|"):
        variant, _, quantity = part.partition(":")
        if variant.isdigit() and quantity.isdigit() and int(quantity) > 0:
            cart[int(variant)] = min(int(quantity), MAX_QUANTITY)
    return dict(list(cart.items())[:MAX_LINES])


def dump(cart: Cart) -> str:
    return "|".join(f"{variant}:{quantity}" for variant, quantity in cart.items() if quantity > 0)


def put(cart: Cart, variant_id: int, quantity: int) -> Cart:
    """The cart with this line at ``quantity`` (0 removes it); a new line goes last."""
    changed = {v: q for v, q in cart.items() if v != variant_id or quantity > 0}
    if quantity > 0:
        if variant_id not in changed and len(changed) >= MAX_LINES:
            return cart
        changed[variant_id] = min(quantity, MAX_QUANTITY)
    return changed


def of(request: Request) -> Cart:
    return parse(request.cookies.get(CART_COOKIE))


def keep(response: Response, cart: Cart) -> None:
    if cart:
        response.set_cookie(CART_COOKIE, dump(cart), max_age=int(CART_AGE.total_seconds()),
                            httponly=True, samesite="lax", path="/shop")
    else:
        response.delete_cookie(CART_COOKIE, path="/shop", httponly=True, samesite="lax")


@dataclass(frozen=True)
class CartItem:
    variant: Variant
    quantity: int
    #: The server's pricing now (promotions included); None for a line no longer sold
    #: online (it cannot be ordered).
    line: PricedLine | None

    @property
    def product(self) -> Product:
        return self.variant.product

    @property
    def unit_price(self) -> int | None:
        return None if self.line is None else self.line.unit_price

    @property
    def total(self) -> int | None:
        return None if self.line is None else self.line.total

    @property
    def label(self) -> str:
        """"Áo thun cotton · Đỏ / M", as the order line will name it."""
        options = " / ".join(str(value) for value in self.variant.options.values())
        return f"{self.product.name} · {options}" if options else self.product.name


@dataclass(frozen=True)
class ShopCart:
    """The lines of one merchant: a checkout buys from one shop."""

    merchant: Merchant
    items: list[CartItem]

    @property
    def orderable(self) -> list[CartItem]:
        return [item for item in self.items if item.line is not None]

    @property
    def names(self) -> dict[int, str]:
        return {item.variant.id: item.label for item in self.items}

    @property
    def discount(self) -> int:
        return sum(item.line.discount for item in self.items if item.line is not None)

    @property
    def subtotal(self) -> int:
        """What the goods cost after their promotions (delivery is chosen at checkout)."""
        return sum(item.total or 0 for item in self.items)


def priced(session: Session, cart: Cart, settings: Settings,
           customer_id: int | None = None) -> list[ShopCart]:
    """The cart per shop, priced by the server with each shop's promotions running now; a
    line of a variant gone from the catalogue is left out, one no longer sold online is kept
    (to be removed) without a price."""
    terms = catalog_service.variants_for_sale(session, variant_ids=cart)
    per_merchant: dict[int, list[CartLine]] = {}
    for vid, quantity in cart.items():
        sale = terms.get(vid)
        if sale is not None and sale.on_sale and sale.channels is not Channel.STORE:
            per_merchant.setdefault(sale.merchant_id, []).append(CartLine(vid, quantity))
    lines = {
        line.variant_id: line
        for merchant_id, cart_lines in per_merchant.items()
        for line in price(session, merchant_id=merchant_id, channel=SalesChannel.ONLINE,
                          lines=cart_lines, variants=terms, fulfilment=FulfilmentType.PICKUP,
                          settings=settings, customer_id=customer_id).lines
    }
    shops: dict[int, ShopCart] = {}
    for variant_id, quantity in cart.items():
        variant = catalog_service.get_variant(session, variant_id=variant_id)
        if variant is None:
            continue
        merchant = variant.product.merchant
        shop = shops.setdefault(merchant.id, ShopCart(merchant, []))
        shop.items.append(CartItem(variant, quantity, lines.get(variant_id)))
    return list(shops.values())


def orderable_lines(session: Session, cart: Cart, merchant_id: int) -> dict[int, int]:
    """``{variant_id: quantity}`` of the cart's lines a shopper may order from this shop."""
    terms = catalog_service.variants_for_sale(session, variant_ids=cart)
    return {vid: quantity for vid, quantity in cart.items()
            if vid in terms and terms[vid].merchant_id == merchant_id and terms[vid].on_sale
            and terms[vid].channels is not Channel.STORE}


Field = Annotated[str, Form()]


def _quantity(raw: str) -> int:
    return max(0, min(int(raw), MAX_QUANTITY)) if raw.strip().isdigit() else 1


@router.get("/cart")
def cart_page(page: AnyPage) -> Response:
    shops = priced(page.session, of(page.request), page.settings,
                   customer_id=page.actor.user_id if page.actor else None)
    return page.render("shop/cart.html", shops=shops, tab="cart")


@router.post("/cart")
def add_to_cart(page: AnyPage, variant: Field = "", quantity: Field = "1",
                next: Field = "") -> Response:
    """Add units of a variant sold online; back to the product (or ``next``) saying so."""
    terms = catalog_service.variants_for_sale(
        page.session, variant_ids=[int(variant)] if variant.isdigit() else [])
    found = terms.get(int(variant)) if variant.isdigit() else None
    if found is None or not found.on_sale or found.channels is Channel.STORE:
        raise NotFound("This item is not sold online.", variant_id=variant)
    cart = of(page.request)
    adding = max(1, _quantity(quantity))
    cart = put(cart, found.variant_id, cart.get(found.variant_id, 0) + adding)
    target = local_path(next, "shop", default=f"/shop/products/{found.product_id}")
    response = page.redirect(f"{target}{'&' if '?' in target else '?'}added={found.variant_id}")
    keep(response, cart)
    return response


@router.post("/cart/lines/{variant_id}")
def change_line(page: AnyPage, variant_id: int, quantity: Field = "0") -> Response:
    """Set a line's quantity; 0 removes it."""
    response = page.redirect("/shop/cart")
    keep(response, put(of(page.request), variant_id, _quantity(quantity)))
    return response


def without(page: Page, ordered: dict[int, int]) -> Cart:
    """The cart once these lines became an order."""
    return {v: q for v, q in of(page.request).items() if v not in ordered}
