"""The back office's promotions: the list with what each has cost so far, and the form that
creates or changes one, with a live preview of its prices on a sample cart.

Every change goes through the promotions service; a form it refuses comes back with the
message and what was typed, and nothing is saved. The preview (an htmx fragment) prices the
sample cart with the promotion as typed beside the ones running now.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request, Response
from pydantic import ValidationError

from o2o.catalog import service as catalog_service
from o2o.customers import segments as segments_service
from o2o.errors import DomainError
from o2o.promotions import service as promotions_service
from o2o.promotions.errors import PromotionTargetsUnknown
from o2o.promotions.models import PromotionRow
from o2o.promotions.schemas import PreviewIn, PromotionTerms
from o2o.stores import service as stores_service
from o2o.stores.models import Location, LocationKind
from o2o.web.backoffice import promotions_form as pform
from o2o.web.backoffice.pages import _merchant, _render
from o2o.web.views import AdminPage, Page, PageRoute

router = APIRouter(prefix="/admin", route_class=PageRoute)
#: Lines of the preview's sample cart.
SAMPLE_ROWS = 3
#: Products offered as targets and sample items: a small shop's whole catalogue.
CATALOGUE_SHOWN = 500


async def _typed(request: Request) -> pform.Typed:
    form = await request.form()
    return {key: [v for v in form.getlist(key) if isinstance(v, str)] for key in form}


TypedForm = Annotated[pform.Typed, Depends(_typed)]


@dataclass(frozen=True)
class Choice:
    id: int
    label: str
    price: int = 0


@dataclass(frozen=True)
class Catalogue:
    """What the form offers to pick: the merchant's products, categories, variants, stores
    and customer segments."""

    products: list[Choice]
    categories: list[Choice]
    variants: list[Choice]
    stores: list[Location]
    segments: list[Choice]

    @property
    def variant_names(self) -> dict[int, str]:
        return {v.id: v.label for v in self.variants}


def _catalogue(page: Page) -> Catalogue:
    merchant = _merchant(page)
    products, _ = catalog_service.search_products(
        page.session, merchant_slug=merchant.slug, actor=page.signed_in,
        limit=CATALOGUE_SHOWN)
    variants = [
        Choice(v.id, " · ".join([p.name, " / ".join(map(str, v.options.values()))])
               if v.options else p.name, v.price)
        for p in products for v in p.variants if v.is_active]
    return Catalogue(
        products=[Choice(p.id, p.name) for p in products],
        categories=[Choice(c.id, c.name) for c in catalog_service.list_categories(
            page.session, merchant_slug=merchant.slug)],
        variants=variants,
        stores=[loc for loc in stores_service.list_locations(
            page.session, actor=page.signed_in, kind=LocationKind.STORE)],
        segments=[Choice(segment.id, segment.name) for segment, _ in
                  segments_service.list_segments(page.session, actor=page.signed_in)],
    )


# --- the list ---------------------------------------------------------------------------------


def status_of(row: PromotionRow, now: datetime) -> str:
    """What a shopper would find now: running, scheduled, ended, paused or used up."""
    if not row.is_active:
        return "paused"
    if row.ends_at is not None and row.ends_at <= now:
        return "ended"
    if row.starts_at is not None and row.starts_at > now:
        return "scheduled"
    if ((row.usage_limit is not None and row.uses >= row.usage_limit)
            or (row.budget is not None and row.spent >= row.budget)):
        return "used_up"
    return "running"


@dataclass(frozen=True)
class Listed:
    row: PromotionRow
    terms: PromotionTerms
    headline: str
    status: str


@router.get("/promotions")
def promotion_list(page: AdminPage, show: str = "") -> Response:
    merchant = _merchant(page)
    now = datetime.now(UTC)
    listed = [Listed(row, promotions_service.terms_of(row),
                     promotions_service.rule_of(row).headline, status_of(row, now))
              for row in promotions_service.list_promotions(page.session, actor=page.signed_in)]
    counts = {status: sum(1 for p in listed if p.status == status)
              for status in ("running", "scheduled", "ended", "paused", "used_up")}
    stores = {loc.id: loc.name for loc in stores_service.list_locations(
        page.session, actor=page.signed_in)}
    return _render(page, "admin/promotions.html", merchant=merchant, section="promotions",
                   promotions=[p for p in listed if not show or p.status == show],
                   counts=counts, show=show if show in counts else "", stores=stores)


# --- the form ---------------------------------------------------------------------------------


def _form_page(page: Page, typed: pform.Typed, *, row: PromotionRow | None = None,
               status_code: int = 200, errors: Collection[str] = (),
               problem: DomainError | None = None) -> Response:
    catalogue = _catalogue(page)
    if not any(typed.get("sample_variant", [])):
        first = [str(v.id) for v in catalogue.variants[:1]]
        typed = {**typed, "sample_variant": first, "sample_qty": ["2"] if first else []}
    return _render(
        page, "admin/promotion_form.html", status_code=status_code, merchant=_merchant(page),
        section="promotions", promotion=row, v=typed, errors=set(errors), problem=problem,
        catalogue=catalogue, kinds=pform.KINDS, happy_rows=pform.HAPPY_ROWS,
        bundle_rows=pform.BUNDLE_ROWS, sample_rows=SAMPLE_ROWS,
        status=status_of(row, datetime.now(UTC)) if row else None,
        headline=promotions_service.rule_of(row).headline if row else None,
    )


@router.get("/promotions/new")
def new_promotion(page: AdminPage) -> Response:
    return _form_page(page, pform.blank())


def _save(page: Page, typed: pform.Typed, row: PromotionRow | None) -> Response:
    """Create or change the promotion as typed, or show the form again with why not."""
    page.end_reads()
    try:
        data = PromotionTerms.model_validate(pform.terms_of(typed, page.settings.timezone))
        if row is None:
            saved = promotions_service.create_promotion(page.session, actor=page.signed_in,
                                                        data=data)
        else:
            saved = promotions_service.update_promotion(
                page.session, actor=page.signed_in, promotion_id=row.id, data=data)
    except ValidationError as exc:
        return _form_page(page, typed, row=row, status_code=422, errors=pform.fields_of(exc))
    except DomainError as exc:
        unknown = set(exc.details) if isinstance(exc, PromotionTargetsUnknown) else set()
        if isinstance(exc, PromotionTargetsUnknown) and typed.get("bundle_product"):
            unknown.add("bundle")
        return _form_page(page, typed, row=row, status_code=exc.status, errors=unknown,
                          problem=exc)
    done = "created" if row is None else "saved"
    return page.redirect(f"/admin/promotions/{saved.id}?done={done}")


@router.post("/promotions")
def create_promotion(page: AdminPage, typed: TypedForm) -> Response:
    return _save(page, typed, None)


@router.post("/promotions/preview")
def preview(page: AdminPage, typed: TypedForm) -> Response:
    """The sample cart priced with the promotion as typed (an htmx fragment)."""
    catalogue = _catalogue(page)
    context: dict[str, Any] = {"names": catalogue.variant_names, "priced": None,
                               "errors": set(), "problem": None, "draft": 0}
    lines = [{"variant_id": int(v), "quantity": int(q) if q.strip().isdigit() else 1}
             for v, q in zip(typed.get("sample_variant", []), typed.get("sample_qty", []),
                             strict=False) if v.isdigit() and q.strip() != "0"]
    editing = pform.one(typed, "promotion_id")
    replacing = int(editing) if editing.isdigit() else None
    try:
        terms = PromotionTerms.model_validate(pform.terms_of(typed, page.settings.timezone))
        if not lines:
            return page.render("admin/promotion_preview.html", **context, empty=True)
        data = PreviewIn.model_validate({
            "promotion": terms, "lines": lines,
            "channel": "pos" if pform.one(typed, "preview_channel") == "pos" else "online",
            "location_id": _int(pform.one(typed, "preview_store")),
            "at": _local(pform.one(typed, "preview_at"), page.settings.timezone)})
        context["priced"] = promotions_service.preview(
            page.session, actor=page.signed_in, data=data, replacing=replacing)
        context["draft"] = replacing or 0
    except ValidationError as exc:
        context["errors"] = pform.fields_of(exc)
    except DomainError as exc:
        context["problem"] = exc
    return page.render("admin/promotion_preview.html", **context, empty=False)


def _int(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None


def _local(raw: str, timezone: str) -> datetime | None:
    try:
        return datetime.strptime(raw, "%Y-%m-%dT%H:%M").replace(tzinfo=ZoneInfo(timezone))
    except ValueError:
        return None


@router.get("/promotions/{promotion_id}")
def edit_promotion(page: AdminPage, promotion_id: int, done: str = "") -> Response:
    row = promotions_service.get_promotion(page.session, actor=page.signed_in,
                                           promotion_id=promotion_id)
    typed = pform.typed_of(promotions_service.terms_of(row), page.settings.timezone)
    typed["done"] = [done]
    return _form_page(page, typed, row=row)


@router.post("/promotions/{promotion_id}")
def update_promotion(page: AdminPage, promotion_id: int, typed: TypedForm) -> Response:
    row = promotions_service.get_promotion(page.session, actor=page.signed_in,
                                           promotion_id=promotion_id)
    return _save(page, typed, row)
