"""The back office's customer segments: the list with how many customers each holds and the
form of a new one (a list, or a rule with its conditions as fields); a segment's page with
its customers page by page, phones to add (one a line), a customer to take out, its name and
rule to change, and the promotions that are for it.

Every change goes through the segments service; what it (or its schema) refuses comes back
on the page as typed, with the reason, and nothing is saved.
"""

from typing import Any

from fastapi import APIRouter, Response
from pydantic import ValidationError

from o2o.customers import segments as segments_service
from o2o.customers.errors import CustomersUnknown
from o2o.customers.models import CustomerSegment
from o2o.customers.schemas import MembersAdd, SegmentCreate, SegmentUpdate
from o2o.errors import DomainError
from o2o.promotions import service as promotions_service
from o2o.web.backoffice.loyalty import Typed, TypedForm, grouped, one, whole
from o2o.web.backoffice.pages import _merchant, _render
from o2o.web.views import AdminPage, Page, Pager, PageRoute

router = APIRouter(prefix="/admin", route_class=PageRoute)
MEMBERS_PER_PAGE = 25
#: The rule's whole-number fields, as the form names them.
_NUMBERS = ("min_orders", "max_orders", "min_spent", "ordered_within_days",
            "no_order_for_days", "joined_within_days")


def rule_input(typed: Typed) -> dict[str, Any]:
    """The conditions typed, as ``SegmentRule`` input: an empty field is no condition."""
    rule: dict[str, Any] = {name: whole(one(typed, name)) for name in _NUMBERS}
    rule["tiers"] = [t.strip() for t in one(typed, "tiers").split(",") if t.strip()] or None
    return {name: value for name, value in rule.items() if value is not None}


def typed_of(segment: CustomerSegment | None) -> Typed:
    """A segment as its form shows it (a new one: an empty list)."""
    if segment is None:
        return {"kind": ["list"]}
    typed: Typed = {"name": [segment.name], "kind": [segment.kind.value]}
    rule = segments_service.rule_of(segment)
    if rule is not None:
        for name in _NUMBERS:
            value = getattr(rule, name)
            shown = grouped(value) if name == "min_spent" and value is not None else value
            typed[name] = [] if value is None else [str(shown)]
        typed["tiers"] = [", ".join(rule.tiers or [])]
    return typed


def problems_of(exc: ValidationError) -> set[str]:
    """The fields refused ("name", "min_orders"…); "rule" for conditions that are each fine
    but none or not together."""
    found = set()
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        if loc[:1] == ["rule"] and len(loc) > 1:
            found.add(loc[1])
        else:
            found.add(loc[0] if loc else "rule")
    return found


# --- the list ---------------------------------------------------------------------------------

def _list_page(page: Page, typed: Typed, *, status_code: int = 200,
               errors: set[str] | None = None, problem: DomainError | None = None,
               done: str = "") -> Response:
    return _render(page, "admin/segments.html", status_code=status_code,
                   merchant=_merchant(page), section="segments",
                   segments=[(segment, members, segments_service.rule_of(segment))
                             for segment, members in segments_service.list_segments(
                                 page.session, actor=page.signed_in)],
                   v=typed, errors=errors or set(), problem=problem, done=done)


@router.get("/segments")
def segment_list(page: AdminPage, done: str = "") -> Response:
    return _list_page(page, typed_of(None), done=done)


@router.post("/segments")
def create_segment(page: AdminPage, typed: TypedForm) -> Response:
    _merchant(page)
    page.end_reads()
    body: dict[str, Any] = {"name": one(typed, "name"), "kind": one(typed, "kind")}
    if body["kind"] == "rule":
        body["rule"] = rule_input(typed)
    try:
        made = segments_service.create_segment(page.session, actor=page.signed_in,
                                               data=SegmentCreate.model_validate(body))
    except ValidationError as exc:
        return _list_page(page, typed, status_code=422, errors=problems_of(exc))
    except DomainError as exc:
        return _list_page(page, typed, status_code=exc.status, problem=exc)
    return page.redirect(f"/admin/segments/{made.id}?done=created")


# --- one segment ------------------------------------------------------------------------------

def _segment_page(page: Page, segment_id: int, *, p: str = "", typed: Typed | None = None,
                  phones: str = "", status_code: int = 200, errors: set[str] | None = None,
                  problem: DomainError | None = None, done: str = "",
                  added: int = 0) -> Response:
    merchant = _merchant(page)
    pager = Pager.of(p, MEMBERS_PER_PAGE)
    segment, found, total = segments_service.members(
        page.session, actor=page.signed_in, segment_id=segment_id, limit=pager.size,
        offset=pager.offset)
    return _render(
        page, "admin/segment.html", status_code=status_code, merchant=merchant,
        section="segments", segment=segment, rule=segments_service.rule_of(segment),
        customers=found, pager=pager.with_total(total),
        promotions=promotions_service.for_segment(page.session, actor=page.signed_in,
                                                  segment_id=segment.id),
        v=typed or typed_of(segment), phones=phones, errors=errors or set(), problem=problem,
        unknown=problem.details.get("phones", []) if isinstance(problem, CustomersUnknown)
        else [], done=done, added=added)


@router.get("/segments/{segment_id}")
def segment_page(page: AdminPage, segment_id: int, p: str = "", done: str = "",
                 n: int = 0) -> Response:
    return _segment_page(page, segment_id, p=p, done=done, added=n)


@router.post("/segments/{segment_id}")
def update_segment(page: AdminPage, segment_id: int, typed: TypedForm) -> Response:
    """Rename it and, for a rule segment, change its conditions."""
    _merchant(page)
    page.end_reads()
    body: dict[str, Any] = {"name": one(typed, "name")}
    if one(typed, "kind") == "rule":
        body["rule"] = rule_input(typed)
    try:
        segments_service.update_segment(page.session, actor=page.signed_in,
                                        segment_id=segment_id,
                                        data=SegmentUpdate.model_validate(body))
    except ValidationError as exc:
        return _segment_page(page, segment_id, typed=typed, status_code=422,
                             errors=problems_of(exc))
    except DomainError as exc:
        return _segment_page(page, segment_id, typed=typed, status_code=exc.status,
                             problem=exc)
    return page.redirect(f"/admin/segments/{segment_id}?done=saved")


@router.post("/segments/{segment_id}/customers")
def add_customers(page: AdminPage, segment_id: int, typed: TypedForm) -> Response:
    """The phones typed, one a line, put in a list segment: all of them or none."""
    _merchant(page)
    page.end_reads()
    phones = (typed.get("phones") or [""])[0]
    try:
        data = MembersAdd(phones=[line.strip() for line in phones.splitlines() if line.strip()])
        added, _ = segments_service.add_members(page.session, actor=page.signed_in,
                                                segment_id=segment_id, data=data)
    except ValidationError:
        return _segment_page(page, segment_id, phones=phones, status_code=422,
                             errors={"phones"})
    except DomainError as exc:
        return _segment_page(page, segment_id, phones=phones, status_code=exc.status,
                             problem=exc)
    return page.redirect(f"/admin/segments/{segment_id}?done=added&n={added}")


@router.post("/segments/{segment_id}/customers/{customer_id}/remove")
def remove_customer(page: AdminPage, segment_id: int, customer_id: int) -> Response:
    _merchant(page)
    page.end_reads()
    segments_service.remove_member(page.session, actor=page.signed_in, segment_id=segment_id,
                                   customer_id=customer_id)
    return page.redirect(f"/admin/segments/{segment_id}?done=removed")


@router.post("/segments/{segment_id}/delete")
def delete_segment(page: AdminPage, segment_id: int) -> Response:
    """Gone with its list; refused, on its page, while a promotion is for it."""
    _merchant(page)
    page.end_reads()
    try:
        segments_service.delete_segment(page.session, actor=page.signed_in,
                                        segment_id=segment_id)
    except DomainError as exc:
        if exc.status == 404:
            raise
        return _segment_page(page, segment_id, status_code=exc.status, problem=exc)
    return page.redirect("/admin/segments?done=deleted")
