"""Customer segments: lists a merchant keeps by hand, and rules over what it knows of each
customer, which promotions may be for.

A rule is evaluated in SQL only, by one implementation: the facts of each customer (orders
placed here, đồng spent, last order, loyalty tier, when the merchant came to know them), each
condition a WHERE on them. The members page, the member counts and ``member_of`` (which of
a promotion's segments a buyer is in, at every checkout that has such a promotion) share it.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from o2o.auth.models import User
from o2o.auth.permissions import Actor, manager_merchant, staff_merchant
from o2o.customers.errors import (
    CustomersUnknown,
    SegmentInUse,
    SegmentKindMismatch,
    SegmentNameTaken,
)
from o2o.customers.models import (
    CustomerProfile,
    CustomerSegment,
    CustomerSegmentMember,
    SegmentKind,
)
from o2o.customers.schemas import MembersAdd, SegmentCreate, SegmentRule, SegmentUpdate
from o2o.db import transaction
from o2o.errors import NotFound
from o2o.fields import fold, normalize_phone
from o2o.loyalty.models import LoyaltyAccount
from o2o.orders.fulfilment import RELEASING
from o2o.orders.models import Order
from o2o.orm import BigId, UTCDateTime, utcnow

Member = tuple[User, CustomerProfile]


def _load(session: Session, merchant_id: int, segment_id: int) -> CustomerSegment:
    segment = session.get(CustomerSegment, segment_id)
    if segment is None or segment.merchant_id != merchant_id:
        raise NotFound("Customer segment not found.", segment_id=segment_id)
    return segment


def rule_of(segment: CustomerSegment) -> SegmentRule | None:
    return None if segment.rule is None else SegmentRule.model_validate(segment.rule)


def _stored(rule: SegmentRule) -> dict[str, object]:
    return rule.model_dump(mode="json", exclude_none=True)


def _ensure_name_free(session: Session, merchant_id: int, name: str,
                      segment_id: int | None = None) -> None:
    taken = session.scalar(select(CustomerSegment.id).where(
        CustomerSegment.merchant_id == merchant_id, CustomerSegment.name == name,
        CustomerSegment.id != (segment_id or 0)))
    if taken is not None:
        raise SegmentNameTaken("Another customer segment has this name.", name=name)


def _flush_named(session: Session, name: str) -> None:
    """Flush a new or renamed segment; a concurrent one that took the name meanwhile makes
    it SegmentNameTaken (the unique constraint), not a bare conflict."""
    try:
        session.flush()
    except IntegrityError as exc:
        raise SegmentNameTaken("Another customer segment has this name.", name=name) from exc


# --- keeping segments --------------------------------------------------------------------------

def create_segment(session: Session, *, actor: Actor, data: SegmentCreate) -> CustomerSegment:
    """A new list (empty) or rule segment of the actor's merchant (owners and managers)."""
    merchant_id = manager_merchant(actor)
    with transaction(session):
        _ensure_name_free(session, merchant_id, data.name)
        segment = CustomerSegment(
            merchant_id=merchant_id, name=data.name, kind=data.kind,
            rule=_stored(data.rule) if data.rule else None, created_by=actor.user_id)
        session.add(segment)
        _flush_named(session, data.name)
    return segment


def update_segment(session: Session, *, actor: Actor, segment_id: int,
                   data: SegmentUpdate) -> tuple[CustomerSegment, int]:
    """Rename a segment or give a rule segment a new rule (its members follow at once); the
    segment and how many it holds now."""
    merchant_id = manager_merchant(actor)
    with transaction(session):
        segment = _load(session, merchant_id, segment_id)
        if data.rule is not None and segment.kind is not SegmentKind.RULE:
            raise SegmentKindMismatch("A list segment has no rule: add or remove customers.",
                                      segment_id=segment_id)
        if data.name is not None and data.name != segment.name:
            _ensure_name_free(session, merchant_id, data.name, segment.id)
            segment.name = data.name
        if data.rule is not None:
            segment.rule = _stored(data.rule)
        segment.updated_at = utcnow()
        _flush_named(session, segment.name)
        members = _counts(session, merchant_id, [segment])[segment.id]
    return segment, members


def delete_segment(session: Session, *, actor: Actor, segment_id: int) -> None:
    """Delete a segment and its list of members.

    Raises SegmentInUse while a promotion (running or not) is for it: the promotion's terms
    name it, and the database refuses to lose a segment a promotion names.
    """
    merchant_id = manager_merchant(actor)
    with transaction(session):
        segment = _load(session, merchant_id, segment_id)
        try:
            session.execute(delete(CustomerSegment).where(CustomerSegment.id == segment.id))
        except IntegrityError as exc:
            raise SegmentInUse("A promotion is for this customer segment; take the segment "
                               "out of the promotion first.", segment_id=segment_id) from exc


def get_segment(session: Session, *, actor: Actor, segment_id: int) -> tuple[CustomerSegment,
                                                                             int]:
    """A segment of the actor's merchant (any of its staff) and how many are in it now."""
    segment = _load(session, staff_merchant(actor), segment_id)
    return segment, _counts(session, segment.merchant_id, [segment])[segment.id]


def list_segments(session: Session, *, actor: Actor) -> list[tuple[CustomerSegment, int]]:
    """The merchant's segments by name (accents and case aside, the same on every database),
    each with how many customers are in it now."""
    merchant_id = staff_merchant(actor)
    segments = sorted(session.scalars(select(CustomerSegment).where(
        CustomerSegment.merchant_id == merchant_id)), key=lambda s: (fold(s.name), s.id))
    counts = _counts(session, merchant_id, segments)
    return [(segment, counts[segment.id]) for segment in segments]


def unknown_ids(session: Session, *, merchant_id: int, segment_ids: Iterable[int]) -> list[int]:
    """The ids that are not segments of this merchant (a promotion may name only its own)."""
    wanted = set(segment_ids)
    if not wanted:
        return []
    found = set(session.scalars(select(CustomerSegment.id).where(
        CustomerSegment.merchant_id == merchant_id, CustomerSegment.id.in_(wanted))))
    return sorted(wanted - found)


# --- members -----------------------------------------------------------------------------------

def members(session: Session, *, actor: Actor, segment_id: int, limit: int = 20,
            offset: int = 0) -> tuple[CustomerSegment, list[Member], int]:
    """A page of the segment's customers by name, and how many it holds: a list's stored
    members, or whoever meets a rule now."""
    merchant_id = staff_merchant(actor)
    segment = _load(session, merchant_id, segment_id)
    query = (select(User, CustomerProfile)
             .join(CustomerProfile, and_(CustomerProfile.user_id == User.id,
                                         CustomerProfile.merchant_id == merchant_id)))
    rule = rule_of(segment)
    if rule is None:
        query = query.join(CustomerSegmentMember, and_(
            CustomerSegmentMember.customer_id == User.id,
            CustomerSegmentMember.segment_id == segment.id))
    else:
        facts = _facts(merchant_id)
        query = query.join(facts, facts.c.customer_id == User.id).where(
            *_conditions(facts, rule, utcnow()))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(User.full_name, User.id).limit(limit).offset(offset))
    return segment, [(user, profile) for user, profile in rows], total


def _phones(typed: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """{E.164: as typed} of the phones that can be numbers, and the ones that cannot."""
    numbers, bad = {}, []
    for raw in typed:
        try:
            numbers[normalize_phone(raw)] = raw
        except ValueError:
            bad.append(raw)
    return numbers, bad


def add_members(session: Session, *, actor: Actor, segment_id: int,
                data: MembersAdd) -> tuple[int, int]:
    """Put customers the merchant knows in a list segment: (how many were not in it yet,
    how many it holds now). Those already in it stay; a customer the merchant does not know
    (an id, or a phone of nobody it knows) refuses the whole request with CustomersUnknown,
    naming each, and nothing is written."""
    merchant_id = manager_merchant(actor)
    numbers, bad_phones = _phones(data.phones)
    ids = set(data.customer_ids)
    with transaction(session):
        segment = _load(session, merchant_id, segment_id)
        if segment.kind is not SegmentKind.LIST:
            raise SegmentKindMismatch("A rule segment's customers are those meeting its rule.",
                                      segment_id=segment_id)
        known = session.execute(
            select(User.id, User.phone)
            .join(CustomerProfile, CustomerProfile.user_id == User.id)
            .where(CustomerProfile.merchant_id == merchant_id,
                   or_(User.id.in_(sorted(ids)), User.phone.in_(sorted(numbers))))).all()
        by_phone = {phone: user_id for user_id, phone in known if phone in numbers}
        unknown_ids = sorted(ids - {user_id for user_id, _ in known})
        unknown_phones = bad_phones + [raw for e164, raw in numbers.items()
                                       if e164 not in by_phone]
        if unknown_ids or unknown_phones:
            raise CustomersUnknown(
                "Some of these are not your customers; nobody was added.",
                customer_ids=unknown_ids, phones=unknown_phones)
        wanted = (ids | set(by_phone.values())) - set(session.scalars(
            select(CustomerSegmentMember.customer_id).where(
                CustomerSegmentMember.segment_id == segment.id)))
        if wanted:
            new_rows = (postgresql.insert if session.get_bind().dialect.name == "postgresql"
                        else sqlite.insert)
            session.execute(new_rows(CustomerSegmentMember).on_conflict_do_nothing(), [
                {"segment_id": segment.id, "customer_id": customer_id,
                 "merchant_id": merchant_id, "added_by": actor.user_id, "added_at": utcnow()}
                for customer_id in sorted(wanted)])
        total = _counts(session, merchant_id, [segment])[segment.id]
    return len(wanted), total


def remove_member(session: Session, *, actor: Actor, segment_id: int, customer_id: int) -> None:
    """Take a customer out of a list segment; NotFound if they are not in it."""
    merchant_id = manager_merchant(actor)
    with transaction(session):
        segment = _load(session, merchant_id, segment_id)
        if segment.kind is not SegmentKind.LIST:
            raise SegmentKindMismatch("A rule segment's customers are those meeting its rule.",
                                      segment_id=segment_id)
        removed = session.execute(delete(CustomerSegmentMember).where(
            CustomerSegmentMember.segment_id == segment.id,
            CustomerSegmentMember.customer_id == customer_id)).rowcount  # type: ignore[attr-defined]
        if not removed:
            raise NotFound("This customer is not in the segment.", customer_id=customer_id)


# --- the rules, in SQL -------------------------------------------------------------------------

def _facts(merchant_id: int, *, customer_id: int | None = None,
           now: datetime | None = None) -> Subquery:
    """What rules ask of a customer, one row each: ``customer_id``, ``orders``, ``spent``,
    ``last_order_at``, ``tier`` and ``joined``.

    Every customer profile of the merchant; or, with ``customer_id``, that one customer,
    known to the merchant or not yet (a shopper's first checkout: no order, joining ``now``).
    """
    placed = (select(Order.customer_id, func.count(Order.id).label("n"),
                     func.sum(Order.total - Order.refunded).label("spent"),
                     func.max(Order.created_at).label("last"))
              .where(Order.merchant_id == merchant_id, Order.status.not_in(RELEASING))
              .group_by(Order.customer_id))
    if customer_id is None:
        who = select(CustomerProfile.user_id.label("customer_id"),
                     CustomerProfile.created_at.label("joined")).where(
            CustomerProfile.merchant_id == merchant_id).subquery("who")
    else:
        placed = placed.where(Order.customer_id == customer_id)
        since = select(CustomerProfile.created_at).where(
            CustomerProfile.merchant_id == merchant_id,
            CustomerProfile.user_id == customer_id).scalar_subquery()
        who = select(literal(customer_id, BigId).label("customer_id"),
                     func.coalesce(since, bindparam("now", now or utcnow(), UTCDateTime()))
                     .label("joined")).subquery("who")
    orders = placed.subquery("placed")
    return (select(who.c.customer_id, func.coalesce(orders.c.n, 0).label("orders"),
                   func.coalesce(orders.c.spent, 0).label("spent"),
                   orders.c.last.label("last_order_at"), LoyaltyAccount.tier.label("tier"),
                   who.c.joined)
            .select_from(who)
            .outerjoin(orders, orders.c.customer_id == who.c.customer_id)
            .outerjoin(LoyaltyAccount, and_(LoyaltyAccount.merchant_id == merchant_id,
                                            LoyaltyAccount.customer_id == who.c.customer_id))
            .subquery("facts"))


def _conditions(facts: Subquery, rule: SegmentRule, now: datetime) -> list[ColumnElement[bool]]:
    """The rule as WHERE conditions on ``_facts`` (all must hold)."""
    c = facts.c
    found: list[ColumnElement[bool]] = []
    if rule.tiers:
        found.append(c.tier.in_(rule.tiers))
    if rule.min_orders is not None:
        found.append(c.orders >= rule.min_orders)
    if rule.max_orders is not None:
        found.append(c.orders <= rule.max_orders)
    if rule.min_spent is not None:
        found.append(c.spent >= rule.min_spent)
    if rule.ordered_within_days is not None:
        found.append(c.last_order_at >= now - timedelta(days=rule.ordered_within_days))
    if rule.no_order_for_days is not None:  # NULL (never ordered) does not match
        found.append(c.last_order_at < now - timedelta(days=rule.no_order_for_days))
    if rule.joined_within_days is not None:
        found.append(c.joined >= now - timedelta(days=rule.joined_within_days))
    return found


def _counts(session: Session, merchant_id: int,
            segments: list[CustomerSegment]) -> dict[int, int]:
    """How many customers each segment holds now: one query for the lists, one for the
    rules (a sum per rule over the facts)."""
    counts = {segment.id: 0 for segment in segments}
    lists = [s.id for s in segments if s.kind is SegmentKind.LIST]
    if lists:
        counts |= dict(session.execute(
            select(CustomerSegmentMember.segment_id, func.count())
            .where(CustomerSegmentMember.segment_id.in_(lists))
            .group_by(CustomerSegmentMember.segment_id)).all())
    rules = [(s.id, rule) for s in segments if (rule := rule_of(s)) is not None]
    if rules:
        facts, now = _facts(merchant_id), utcnow()
        sums = session.execute(select(*(
            func.coalesce(func.sum(case((and_(*_conditions(facts, rule, now)), 1), else_=0)), 0)
            for _, rule in rules)).select_from(facts)).one()
        counts |= {segment_id: int(n) for (segment_id, _), n in zip(rules, sums, strict=True)}
    return counts


#: Rules as last read, by segment id: (version, rule). A checkout evaluates them without
#: reading them first, and reads one again only when its version changed.
_rules: dict[int, tuple[datetime, SegmentRule]] = {}


def _membership(merchant_id: int, customer_id: int, segment_ids: list[int],
                now: datetime) -> Select[Any]:
    facts = _facts(merchant_id, customer_id=customer_id, now=now)
    listed = exists().where(CustomerSegmentMember.segment_id == CustomerSegment.id,
                            CustomerSegmentMember.customer_id == customer_id)
    whens: list[tuple[ColumnElement[bool], int]] = [
        (and_(CustomerSegment.kind == SegmentKind.LIST, listed), 1)]
    for segment_id in segment_ids:
        if segment_id in _rules:
            rule = _rules[segment_id][1]
            whens.append((and_(CustomerSegment.id == segment_id,
                               *_conditions(facts, rule, now)), 1))
    return (select(CustomerSegment.id, CustomerSegment.created_at, CustomerSegment.updated_at,
                   CustomerSegment.rule, case(*whens, else_=0))
            .select_from(CustomerSegment).outerjoin(facts, true())
            .where(CustomerSegment.merchant_id == merchant_id,
                   CustomerSegment.id.in_(segment_ids)))


def member_of(session: Session, *, merchant_id: int, customer_id: int,
              segment_ids: Iterable[int]) -> frozenset[int]:
    """Which of these segments of the merchant the customer is in now, in one round trip.

    The statement evaluates the rules known to this process and returns each segment's
    version: a rule never seen or changed since is read from that answer and the statement
    run again (a second round trip, once per change).
    """
    wanted = sorted(set(segment_ids))
    if not wanted:
        return frozenset()
    now = utcnow()
    for _ in range(2):
        rows = session.execute(_membership(merchant_id, customer_id, wanted, now)).all()
        stale = False
        for segment_id, created, updated, rule, _hit in rows:
            version = updated or created
            if rule is not None and _rules.get(segment_id, (None,))[0] != version:
                if len(_rules) > 10_000:
                    _rules.clear()
                _rules[segment_id] = (version, SegmentRule.model_validate(rule))
                stale = True
        if not stale:
            break
    return frozenset(segment_id for segment_id, *_, hit in rows if hit)
