"""The back office's loyalty: the shop's points programme (what earns a point, what a point is
worth, tiers, expiry) and one customer's points with a manager's correction.

Forms are kept as typed; what the loyalty service (or its schema) refuses comes back with
the reason beside the field, and nothing is saved.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import ValidationError

from o2o.auth.models import Role
from o2o.errors import DomainError, NotFound
from o2o.loyalty import service as loyalty_service
from o2o.loyalty.models import LoyaltyProgramme
from o2o.loyalty.schemas import AdjustmentIn, LoyaltyProgrammeIn
from o2o.web.backoffice.pages import _merchant, _render
from o2o.web.views import AdminPage, Page, PageRoute

router = APIRouter(prefix="/admin", route_class=PageRoute)
Typed = dict[str, list[str]]
#: Tier rows the form offers beyond the tiers already set (the schema takes at most 10).
SPARE_TIERS = 2
MAX_TIERS = 10
_TIER_FIELDS = ("tier_name", "tier_threshold", "tier_multiplier", "tier_benefit")


async def _typed(request: Request) -> Typed:
    form = await request.form()
    return {key: [v for v in form.getlist(key) if isinstance(v, str)] for key in form}


TypedForm = Annotated[Typed, Depends(_typed)]


def one(typed: Typed, name: str) -> str:
    return (typed.get(name) or [""])[0].strip()


def whole(raw: str) -> int | str | None:
    """A whole number as typed ("10.000", "-20"); None when empty; anything else as typed,
    for the schema to refuse under the field's name."""
    text = raw.strip().replace(" ", "").replace("\xa0", "").replace(".", "").replace(",", "")
    text = text.removesuffix("₫").removesuffix("đ")
    if not text:
        return None
    digits = text.removeprefix("-")
    return int(text) if digits.isdigit() else raw


def programme_input(typed: Typed) -> dict[str, Any]:
    """What ``LoyaltyProgrammeIn`` validates; tier rows left blank are not tiers."""
    rows = zip(*(typed.get(name, []) for name in _TIER_FIELDS), strict=False)
    tiers = [{"name": name, "threshold": whole(threshold),
              "multiplier_percent": whole(multiplier) or 100, "benefit": benefit}
             for name, threshold, multiplier, benefit in rows
             if name.strip() or threshold.strip() or benefit.strip()]
    return {"earn_dong_per_point": whole(one(typed, "earn_dong_per_point")),
            "point_value": whole(one(typed, "point_value")),
            "expiry_months": whole(one(typed, "expiry_months")),
            "tiers": tiers, "is_active": bool(one(typed, "is_active"))}


def grouped(amount: int) -> str:
    """Đồng as a Vietnamese reader types them: "2.000.000"."""
    return f"{amount:,}".replace(",", ".")


def typed_of(programme: LoyaltyProgramme | None) -> Typed:
    """A saved programme as the form shows it (a new one starts from common values)."""
    if programme is None:
        return {"earn_dong_per_point": ["10.000"], "point_value": ["1.000"],
                "expiry_months": ["12"], "is_active": ["on"],
                "tier_name": ["Thành viên"], "tier_threshold": ["0"],
                "tier_multiplier": ["100"], "tier_benefit": [""]}
    tiers = programme.tiers or []
    return {"earn_dong_per_point": [grouped(programme.earn_dong_per_point)],
            "point_value": [grouped(programme.point_value)],
            "expiry_months": [str(programme.expiry_months or "")],
            "is_active": ["on"] if programme.is_active else [],
            "tier_name": [t["name"] for t in tiers],
            "tier_threshold": [grouped(t["threshold"]) for t in tiers],
            "tier_multiplier": [str(t["multiplier_percent"]) for t in tiers],
            "tier_benefit": [t["benefit"] for t in tiers]}


def problems_of(exc: ValidationError) -> set[str]:
    """Names of the refused fields ("point_value", "tiers.1.threshold"); "tiers_order" or
    "tiers_names" for tiers that are each fine but not together."""
    found = set()
    for err in exc.errors():
        if err["loc"]:
            found.add(".".join(str(part) for part in err["loc"]))
        else:
            found.add("tiers_order" if "threshold" in err["msg"] else "tiers_names")
    return found


def _can_set(page: Page) -> bool:
    """The owner and HQ managers set the programme; store managers only read it."""
    actor = page.signed_in
    return actor.role is Role.OWNER or (actor.role is Role.MANAGER and not actor.location_ids)


def _settings_page(page: Page, typed: Typed, *, status_code: int = 200,
                   errors: set[str] | None = None, problem: DomainError | None = None,
                   done: bool = False) -> Response:
    try:
        saved: LoyaltyProgramme | None = loyalty_service.get_programme(page.session,
                                                                       actor=page.signed_in)
    except NotFound:
        saved = None
    rows = min(MAX_TIERS, max(len(typed.get("tier_name", [])) + SPARE_TIERS, 3))
    tiers = [{name: (typed.get(name, [])[i:i + 1] or [""])[0] for name in _TIER_FIELDS}
             for i in range(rows)]
    return _render(page, "admin/loyalty.html", status_code=status_code,
                   merchant=_merchant(page), section="loyalty", v=typed, tiers=tiers,
                   errors=errors or set(), problem=problem, done=done, saved=saved,
                   can_set=_can_set(page))


@router.get("/loyalty")
def loyalty_settings(page: AdminPage, done: str = "") -> Response:
    _merchant(page)
    try:
        saved = loyalty_service.get_programme(page.session, actor=page.signed_in)
    except NotFound:
        saved = None
    return _settings_page(page, typed_of(saved), done=done == "saved")


@router.post("/loyalty")
def save_loyalty_settings(page: AdminPage, typed: TypedForm) -> Response:
    _merchant(page)
    page.end_reads()
    try:
        data = LoyaltyProgrammeIn.model_validate(programme_input(typed))
        loyalty_service.set_programme(page.session, actor=page.signed_in, data=data)
    except ValidationError as exc:
        return _settings_page(page, typed, status_code=422, errors=problems_of(exc))
    except DomainError as exc:
        return _settings_page(page, typed, status_code=exc.status, problem=exc)
    return page.redirect("/admin/loyalty?done=saved")


# --- one customer's points ---------------------------------------------------------------------

def _customer_page(page: Page, customer_id: int, *, status_code: int = 200,
                   typed: dict[str, str] | None = None, errors: set[str] | None = None,
                   problem: DomainError | None = None, done: bool = False) -> Response:
    merchant = _merchant(page)
    found = loyalty_service.counter_lookup(page.session, actor=page.signed_in,
                                           customer_id=customer_id)
    return _render(page, "admin/customer_loyalty.html", status_code=status_code,
                   merchant=merchant, section="customers", found=found,
                   runs=loyalty_service.programme_of(page.session, merchant.id) is not None,
                   typed=typed or {"points": "", "note": ""}, errors=errors or set(),
                   problem=problem, done=done)


@router.get("/customers/{customer_id}/loyalty")
def customer_loyalty(page: AdminPage, customer_id: int, done: str = "") -> Response:
    return _customer_page(page, customer_id, done=done == "adjusted")


@router.post("/customers/{customer_id}/loyalty")
def adjust_points(page: AdminPage, customer_id: int, typed: TypedForm) -> Response:
    """A manager's correction with its reason; one the service refuses changes nothing."""
    _merchant(page)
    form = {"points": one(typed, "points"), "note": one(typed, "note")}
    page.end_reads()
    try:
        data = AdjustmentIn.model_validate({"points": whole(form["points"]),
                                            "note": form["note"]})
        loyalty_service.adjust(page.session, actor=page.signed_in, customer_id=customer_id,
                               data=data)
    except ValidationError as exc:
        return _customer_page(page, customer_id, status_code=422, typed=form,
                              errors=problems_of(exc))
    except DomainError as exc:
        return _customer_page(page, customer_id, status_code=exc.status, typed=form,
                              problem=exc)
    return page.redirect(f"/admin/customers/{customer_id}/loyalty?done=adjusted")
