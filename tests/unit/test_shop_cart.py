"""The shop's cart cookie and an order's steps, without a database."""

from o2o.orders.fulfilment import FulfilmentType, OrderStatus
from o2o.orders.models import Order, OrderEvent
from o2o.web.shop import cart
from o2o.web.shop.orders import steps

S = OrderStatus


def test_a_cart_cookie_keeps_ids_and_quantities_and_drops_what_is_malformed() -> None:
    assert cart.parse("12:2|15:1") == {12: 2, 15: 1}
    assert cart.parse("12:2|x:1|15:|:3|16:0|17:-1|18:1.5") == {12: 2}
    assert cart.parse("12:5000") == {12: cart.MAX_QUANTITY}
    assert cart.parse(None) == {} and cart.parse("") == {}
    assert cart.dump({12: 2, 15: 1}) == "12:2|15:1"


def test_putting_a_line_sets_its_quantity_and_zero_removes_it() -> None:
    basket = cart.put({12: 2}, 15, 1)
    assert basket == {12: 2, 15: 1} and list(basket) == [12, 15]  # a new line goes last
    assert cart.put(basket, 12, 0) == {15: 1}
    assert cart.put(basket, 12, 400) == {12: cart.MAX_QUANTITY, 15: 1}


def test_a_full_cart_takes_no_new_line_but_still_changes_its_own() -> None:
    full = {variant: 1 for variant in range(cart.MAX_LINES)}
    assert cart.put(full, 999, 1) == full
    assert cart.put(full, 0, 3)[0] == 3


def order(kind: FulfilmentType, *moves: OrderStatus) -> Order:
    return Order(fulfilment_type=kind, status=moves[-1],
                 timeline=[OrderEvent(status=status) for status in moves])


def test_an_open_order_shows_what_happened_then_the_usual_steps_ahead() -> None:
    shown = steps(order(FulfilmentType.PICKUP, S.PLACED, S.ACCEPTED))
    assert [(s.status, s.event is not None, s.current) for s in shown] == [
        (S.PLACED, True, False), (S.ACCEPTED, True, True),
        (S.READY, False, False), (S.COLLECTED, False, False)]


def test_a_closed_order_shows_only_what_happened() -> None:
    shown = steps(order(FulfilmentType.RESERVE_AND_TRY, S.PLACED, S.CANCELLED))
    assert [(s.status, s.current) for s in shown] == [(S.PLACED, False), (S.CANCELLED, True)]
