"""Customers as each merchant knows them: profile, consent to be contacted."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from o2o.auth.deps import CurrentActor
from o2o.customers import segments, service
from o2o.customers.models import CustomerSegment
from o2o.customers.schemas import (
    Consents,
    CounterRegistration,
    CustomerRead,
    CustomerUpdate,
    FollowedMerchantRead,
    MembersAdd,
    MembersAdded,
    SegmentCreate,
    SegmentRead,
    SegmentUpdate,
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


# --- segments ----------------------------------------------------------------------------------

def segment_read(segment: CustomerSegment, members: int) -> SegmentRead:
    return SegmentRead(id=segment.id, merchant_id=segment.merchant_id, name=segment.name,
                       kind=segment.kind, rule=segments.rule_of(segment), members=members,
                       created_at=segment.created_at, updated_at=segment.updated_at)


@router.get("/segments", response_model=list[SegmentRead])
def list_segments(session: DbSession, actor: CurrentActor) -> list[SegmentRead]:
    """The merchant's customer segments by name, with how many customers each holds now."""
    return [segment_read(*found) for found in segments.list_segments(session, actor=actor)]


@router.post("/segments", response_model=SegmentRead, status_code=status.HTTP_201_CREATED)
def create_segment(data: SegmentCreate, session: DbSession, actor: CurrentActor) -> SegmentRead:
    """A list segment (add its customers next) or a rule segment (whoever meets the rule)."""
    return segment_read(segments.create_segment(session, actor=actor, data=data), 0)


@router.get("/segments/{segment_id}", response_model=SegmentRead)
def get_segment(segment_id: int, session: DbSession, actor: CurrentActor) -> SegmentRead:
    return segment_read(*segments.get_segment(session, actor=actor, segment_id=segment_id))


@router.patch("/segments/{segment_id}", response_model=SegmentRead)
def update_segment(segment_id: int, data: SegmentUpdate, session: DbSession,
                   actor: CurrentActor) -> SegmentRead:
    """Rename it, or give a rule segment a new rule."""
    return segment_read(*segments.update_segment(session, actor=actor, segment_id=segment_id,
                                                 data=data))


@router.delete("/segments/{segment_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_segment(segment_id: int, session: DbSession, actor: CurrentActor) -> Response:
    """Refused (``segment_in_use``) while a promotion is for it."""
    segments.delete_segment(session, actor=actor, segment_id=segment_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/segments/{segment_id}/customers", response_model=Page[CustomerRead])
def segment_customers(segment_id: int, session: DbSession, actor: CurrentActor,
                      page: Annotated[PageParams, Query()]) -> Page[CustomerRead]:
    """A page of the customers in the segment now, by name."""
    _, found, total = segments.members(session, actor=actor, segment_id=segment_id,
                                       limit=page.limit, offset=page.offset)
    return Page(items=[CustomerRead.of(user, profile) for user, profile in found],
                total=total, limit=page.limit, offset=page.offset)


@router.post("/segments/{segment_id}/customers", response_model=MembersAdded)
def add_segment_customers(segment_id: int, data: MembersAdd, session: DbSession,
                          actor: CurrentActor) -> MembersAdded:
    """Put customers in a list segment by id or phone; all are the merchant's customers or
    none is added (``customers_unknown`` names the others)."""
    added, total = segments.add_members(session, actor=actor, segment_id=segment_id, data=data)
    return MembersAdded(added=added, members=total)


@router.delete("/segments/{segment_id}/customers/{customer_id}",
               status_code=status.HTTP_204_NO_CONTENT)
def remove_segment_customer(segment_id: int, customer_id: int, session: DbSession,
                            actor: CurrentActor) -> Response:
    segments.remove_member(session, actor=actor, segment_id=segment_id, customer_id=customer_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
