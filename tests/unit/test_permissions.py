"""Who may do what, decided from the signed-in actor alone."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from o2o.auth.errors import NotCustomer, NotStaff
from o2o.auth.models import Role
from o2o.auth.permissions import (
    Actor,
    can_work_at,
    ensure_customer,
    ensure_manager,
    ensure_same_merchant,
    staff_merchant,
)
from o2o.errors import NotFound, PermissionDenied

HOASEN, SAOVIET = 1, 2
HK, Q1, Q3 = 10, 11, 12

OPERATOR = Actor(user_id=1, role=Role.OPERATOR)
OWNER = Actor(user_id=2, role=Role.OWNER, merchant_id=HOASEN)
HQ_MANAGER = Actor(user_id=3, role=Role.MANAGER, merchant_id=HOASEN)
STORE_MANAGER = Actor(user_id=4, role=Role.MANAGER, merchant_id=HOASEN,
                      location_ids=frozenset({HK}))
CASHIER = Actor(user_id=5, role=Role.CASHIER, merchant_id=HOASEN,
                location_ids=frozenset({HK, Q1}))
CUSTOMER = Actor(user_id=6, role=Role.CUSTOMER)
OTHER_OWNER = Actor(user_id=7, role=Role.OWNER, merchant_id=SAOVIET)
STAFF_WITHOUT_MERCHANT = Actor(user_id=8, role=Role.CASHIER)

EVERYONE = [OPERATOR, OWNER, HQ_MANAGER, STORE_MANAGER, CASHIER, CUSTOMER, OTHER_OWNER]


@pytest.mark.parametrize(
    ("actor", "merchant"),
    [(OWNER, HOASEN), (HQ_MANAGER, HOASEN), (STORE_MANAGER, HOASEN), (CASHIER, HOASEN),
     (OTHER_OWNER, SAOVIET)],
)
def test_staff_act_for_their_own_merchant(actor: Actor, merchant: int) -> None:
    assert staff_merchant(actor) == merchant


@pytest.mark.parametrize("actor", [OPERATOR, CUSTOMER, STAFF_WITHOUT_MERCHANT])
def test_only_staff_act_for_a_merchant(actor: Actor) -> None:
    with pytest.raises(NotStaff) as refused:
        staff_merchant(actor)
    assert refused.value.status == 403


@pytest.mark.parametrize(
    ("actor", "sees_hoasen"),
    [(OPERATOR, True), (OWNER, True), (HQ_MANAGER, True), (STORE_MANAGER, True),
     (CASHIER, True), (OTHER_OWNER, False), (CUSTOMER, False)],
)
def test_another_merchants_things_look_missing(actor: Actor, sees_hoasen: bool) -> None:
    if sees_hoasen:
        ensure_same_merchant(actor, HOASEN, "Location")
        return
    with pytest.raises(NotFound) as missing:
        ensure_same_merchant(actor, HOASEN, "Location")
    assert missing.value.status == 404
    assert missing.value.message == "Location not found."


@pytest.mark.parametrize(
    ("actor", "manages"),
    [(OPERATOR, True), (OWNER, True), (HQ_MANAGER, True), (STORE_MANAGER, True),
     (CASHIER, False), (CUSTOMER, False)],
)
def test_owners_and_managers_manage(actor: Actor, manages: bool) -> None:
    if manages:
        ensure_manager(actor)
        return
    with pytest.raises(PermissionDenied):
        ensure_manager(actor)


@pytest.mark.parametrize("actor", EVERYONE)
def test_only_shoppers_act_as_shoppers(actor: Actor) -> None:
    if actor is CUSTOMER:
        ensure_customer(actor)
        return
    with pytest.raises(NotCustomer) as refused:
        ensure_customer(actor)
    assert refused.value.code == "customer_only"


@pytest.mark.parametrize(
    ("actor", "stores"),
    [
        (OPERATOR, {HK, Q1, Q3}),
        (OWNER, {HK, Q1, Q3}),
        (HQ_MANAGER, {HK, Q1, Q3}),
        (STORE_MANAGER, {HK}),
        (CASHIER, {HK, Q1}),
        (Actor(user_id=9, role=Role.CASHIER, merchant_id=HOASEN), set()),
        (CUSTOMER, set()),
    ],
)
def test_who_works_at_which_store(actor: Actor, stores: set[int]) -> None:
    assert {s for s in (HK, Q1, Q3) if can_work_at(actor, s)} == stores


@given(
    role=st.sampled_from([Role.MANAGER, Role.CASHIER]),
    assigned=st.frozensets(st.integers(1, 50), min_size=1),
    store=st.integers(1, 50),
)
def test_assigned_staff_work_exactly_where_assigned(
    role: Role, assigned: frozenset[int], store: int
) -> None:
    actor = Actor(user_id=1, role=role, merchant_id=HOASEN, location_ids=assigned)
    assert can_work_at(actor, store) == (store in assigned)
