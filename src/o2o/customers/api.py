"""Customers as each merchant knows them: profile, consent to be contacted."""

from typing import Annotated

from fastapi import APIRouter, Query, status

from o2o.auth.deps import CurrentActor
from o2o.customers import service
from o2o.customers.schemas import (
    Consents,
    CounterRegistration,
    CustomerRead,
    CustomerUpdate,
    FollowedMerchantRead,
)
from o2o.deps import DbSession
from o2o.errors import ERROR_RESPONSES
from o2o.schemas import Page, PageParams

router = APIRouter(prefix="/api/v1", tags=["customers"], responses=ERROR_RESPONSES)


@router.get("/customers", response_model=Page[CustomerRead])
def search_customers(
    session: DbSession,
    actor: CurrentActor,
    page: Annotated[PageParams, Query()],
    q: Annotated[str | None, Query(max_length=100, description="name or part of the phone")]
    = None,
    phone: Annotated[str | None, Query(max_length=30, examples=["0901 234 567"])] = None,
) -> Page[CustomerRead]:
    """The signed-in staff member's merchant's customers, by name."""
    found, total = service.search_customers(
        session, actor=actor, q=q, phone=phone, limit=page.limit, offset=page.offset
    )
    return Page(items=[CustomerRead.of(user, profile) for user, profile in found],
                total=total, limit=page.limit, offset=page.offset)


@router.post("/customers", response_model=CustomerRead, status_code=status.HTTP_201_CREATED)
def register_at_counter(
    data: CounterRegistration, session: DbSession, actor: CurrentActor
) -> CustomerRead:
    """Record a walk-in customer by phone number, with the consents they gave at the counter."""
    return CustomerRead.of(*service.register_at_counter(session, actor=actor, data=data))


@router.get("/customers/{customer_id}", response_model=CustomerRead)
def get_customer(customer_id: int, session: DbSession, actor: CurrentActor) -> CustomerRead:
    return CustomerRead.of(
        *service.get_customer(session, actor=actor, customer_id=customer_id)
    )


@router.patch("/customers/{customer_id}", response_model=CustomerRead)
def update_customer(
    customer_id: int, data: CustomerUpdate, session: DbSession, actor: CurrentActor
) -> CustomerRead:
    """Change the note and the consents; only the fields given change."""
    return CustomerRead.of(
        *service.update_customer(session, actor=actor, customer_id=customer_id, data=data)
    )


@router.get("/me/merchants", response_model=list[FollowedMerchantRead])
def my_merchants(session: DbSession, actor: CurrentActor) -> list[FollowedMerchantRead]:
    """The merchants the signed-in shopper is known to, with what each may send them."""
    return [FollowedMerchantRead.of(merchant, profile)
            for merchant, profile in service.my_merchants(session, actor=actor)]


@router.put("/me/consents/{merchant_slug}", response_model=FollowedMerchantRead)
def set_my_consents(
    merchant_slug: str, data: Consents, session: DbSession, actor: CurrentActor
) -> FollowedMerchantRead:
    """Say which channels a merchant may use (all four; one left out is a no). Follows the
    merchant if the shopper was not known to it yet."""
    return FollowedMerchantRead.of(
        *service.set_my_consents(session, actor=actor, merchant_slug=merchant_slug, data=data)
    )
