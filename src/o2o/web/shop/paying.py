"""Where an order's payment stands, as its page shows it: the ways to pay still open, the
payment under way (a VietQR code to scan, a card's one-time password, a wallet to return
from), or what was paid.

Built from ``payments.service`` (the order's intents and what a shopper needs to finish
one) and ``payments.instalments`` (the plans an order's amount allows, shown month by month
before the shopper chooses one). The order page and its payment fragment share it.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from uuid import uuid4

from o2o.orders.fulfilment import FulfilmentType, is_open
from o2o.orders.models import Order
from o2o.orm import utcnow
from o2o.payments import card, instalments, vietqr
from o2o.payments import service as payments_service
from o2o.payments.models import OPEN, Method, PaymentIntent, PaymentStatus
from o2o.web.views import Page

F, P = FulfilmentType, PaymentStatus
#: The choices, in the order the page lists them; "counter" starts no payment online.
CHOICES = ("vietqr", "card", "wallet", "instalment", "counter")
#: Orders paid online before they are collected or delivered; one reserved to try on is
#: paid at the store, for what the shopper keeps.
PAID_AHEAD = frozenset({F.PICKUP, F.ORDER_AHEAD, F.DELIVERY})
#: Bank names of the BINs a VietQR code names (NAPAS' list, the banks shoppers meet most).
BANKS = {"970436": "Vietcombank", "970407": "Techcombank", "970415": "VietinBank",
         "970418": "BIDV", "970405": "Agribank", "970422": "MB Bank", "970416": "ACB",
         "970432": "VPBank", "970423": "TPBank", "970403": "Sacombank", "970441": "VIB",
         "970448": "OCB"}
#: The sandbox's test cards a shopper may try, and what each does.
TRY_CARDS = ("4111111111111111", "4000000000003220", "9704000000000018", "4000000000009995")


@dataclass(frozen=True)
class Transfer:
    """What a VietQR code asks the shopper's bank app to do, spelled out beside it."""

    image_url: str
    bank: str
    account: str
    account_name: str
    content: str


@dataclass(frozen=True)
class TryCard:
    number: str
    outcome: card.Outcome

    @property
    def spaced(self) -> str:
        return " ".join(self.number[i:i + 4] for i in range(0, len(self.number), 4))


@dataclass(frozen=True)
class Panel:
    order: Order
    intents: list[PaymentIntent]
    #: The way to pay the shopper opened (one of CHOICES), or "".
    chosen: str
    #: Instalment plans the amount due allows, shortest first (none below the minimum).
    plans: list[instalments.Schedule]
    minimum: int
    #: Starting a payment from this view: a double click or a resent form pays once.
    key: str
    #: The sandbox's test cards, when cards go to the sandbox.
    try_cards: list[TryCard]
    #: Refusal of the last form sent: its code and details (``payments.errors``).
    error: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    wrong_otp: bool = False
    #: What the payment under way needs (``payments.service.extras``).
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def due(self) -> int:
        return max(0, self.order.total - self.order.paid)

    @property
    def paid(self) -> bool:
        return self.order.total > 0 and self.due == 0

    @property
    def captured(self) -> list[PaymentIntent]:
        return [i for i in self.intents if i.captured > 0]

    @property
    def current(self) -> PaymentIntent | None:
        """The payment still under way (the newest), if any."""
        last = self.intents[-1] if self.intents else None
        return last if last is not None and last.status in OPEN and not self.paid else None

    @property
    def waiting(self) -> bool:
        """Money the page waits to hear of (a transfer, a wallet): it asks every 2 s."""
        return self.current is not None and self.current.status is P.PENDING

    @property
    def setback(self) -> PaymentIntent | None:
        """The newest attempt, when it failed or ran out of time: the page says so."""
        last = self.intents[-1] if self.intents else None
        if last is None or self.paid or last.status not in (P.FAILED, P.EXPIRED):
            return None
        return last

    @property
    def seconds_left(self) -> int:
        expires: datetime | None = self.current.expires_at if self.current else None
        return 0 if expires is None else max(0, int((expires - utcnow()).total_seconds()))

    @property
    def transfer(self) -> Transfer | None:
        payload = self.extras.get("qr_payload")
        if payload is None:
            return None
        code = vietqr.parse_payload(payload)
        return Transfer(self.extras["qr_image_url"], BANKS.get(code.bank_bin, code.bank_bin),
                        code.account, code.merchant_name or "", code.purpose or "")


def shows_payment(order: Order) -> bool:
    """The order page has a payment part: the order was paid online, or can be now."""
    return order.paid > 0 or (order.fulfilment_type in PAID_AHEAD
                              and is_open(order.fulfilment_type, order.status)
                              and order.total > order.paid)


def panel(page: Page, order: Order, *, chosen: str = "", error: str | None = None,
          details: dict[str, Any] | None = None, wrong_otp: bool = False) -> Panel | None:
    """The payment part of the order page, or None when the order has none."""
    if not shows_payment(order):
        return None
    intents = payments_service.payments_of(page.session, actor=page.signed_in,
                                           order_id=order.id)
    due = max(0, order.total - order.paid)
    minimum = page.settings.instalment_minimum
    first_due = instalments.add_months(utcnow().date(), 1)
    plans = [instalments.schedule(due, months=months, first_due=first_due, minimum=minimum)
             for months in (instalments.available_plans(due, minimum=minimum) if due else [])]
    sandbox = not page.settings.payment_providers.get(Method.CARD.value)
    made = Panel(order, intents, chosen if chosen in CHOICES else "", plans, minimum,
                 uuid4().hex,
                 [TryCard(n, card.TEST_CARDS[n]) for n in TRY_CARDS] if sandbox else [],
                 error, details or {}, wrong_otp)
    shown = made.current or next(
        (i for i in reversed(made.captured) if i.method is Method.INSTALMENT), None)
    if shown is None:
        return made
    return replace(made, extras=payments_service.extras(page.session, shown, page.settings))
