"""Customer segments in the realistic demo: Hoa Sen's VIP list (the customers it has known
longest) and its lapsed customers by rule, made through the segments service.

The shopper is not a VIP: the walkthrough's prices stay those the README gives.
"""

from collections import Counter
from typing import Any

from sqlalchemy import func, select

from o2o.auth.models import Role, User
from o2o.auth.permissions import Actor
from o2o.customers import segments as service
from o2o.customers.models import CustomerProfile, CustomerSegment, CustomerSegmentMember
from o2o.customers.schemas import MembersAdd, SegmentCreate
from o2o.db import Database
from o2o.stores.models import Merchant

SHOPPER_PHONE = "+84900000001"
VIP, LAPSED = "Khách VIP", "Khách lâu chưa quay lại"
VIPS = 5
#: slug: segments, as the segments API takes them (members of a list: the VIPs).
SEGMENTS: dict[str, list[dict[str, Any]]] = {
    "hoasen": [{"name": VIP, "kind": "list"},
               {"name": LAPSED, "kind": "rule", "rule": {"no_order_for_days": 30}}],
}


def load_segments(db: Database) -> Counter[str]:
    """Each chain's segments, made by its owner; returns the rows written per table."""
    with db.session() as session:
        owners = session.execute(
            select(Merchant.slug, Merchant.id, User.id).join(User, User.merchant_id == Merchant.id)
            .where(User.role == Role.OWNER, Merchant.slug.in_(SEGMENTS))).all()
        session.rollback()  # the read ends before the services' transactions
        for slug, merchant_id, owner_id in owners:
            actor = Actor(user_id=owner_id, role=Role.OWNER, merchant_id=merchant_id)
            for seed in SEGMENTS[slug]:
                segment_id = service.create_segment(
                    session, actor=actor, data=SegmentCreate.model_validate(seed)).id
                if seed["name"] == VIP:
                    vips = list(session.scalars(
                        select(CustomerProfile.user_id)
                        .join(User, User.id == CustomerProfile.user_id)
                        .where(CustomerProfile.merchant_id == merchant_id,
                               User.phone != SHOPPER_PHONE)
                        .order_by(CustomerProfile.created_at, User.id).limit(VIPS)))
                    session.rollback()
                    if vips:
                        service.add_members(session, actor=actor, segment_id=segment_id,
                                            data=MembersAdd(customer_ids=vips))
        return Counter({model.__tablename__: session.scalar(
            select(func.count()).select_from(model)) or 0
            for model in (CustomerSegment, CustomerSegmentMember)})
