"""The back office's stock screens: what each location holds, a variant's ledger and the
forms that change it, transfers between locations, and stock counts from a CSV file.

Every change goes through the inventory services. A rule that says no (too few units, units
held by reservations, a wrong file) comes back as a message on the same page, with what was
typed still in the form. Success redirects, so a reload never repeats a change; an applied
count shows its result at once (applying the same file again would change nothing).
"""

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile
from pydantic import ValidationError

from o2o.auth import staff as staff_service
from o2o.auth.permissions import can_work_at
from o2o.catalog import service as catalog_service
from o2o.catalog.models import Variant
from o2o.errors import DomainError, NotFound, PermissionDenied
from o2o.inventory import counts, listing, transfers
from o2o.inventory import service as inventory_service
from o2o.inventory.errors import InsufficientStock
from o2o.inventory.models import MovementKind, StockMovement, TransferStatus
from o2o.inventory.schemas import OnlineBufferSet, StockAdjustment, StockSet, TransferCreate
from o2o.stores import service as stores_service
from o2o.stores.models import Location
from o2o.web.backoffice.pages import _merchant, _render
from o2o.web.views import AdminPage, Page, Pager, PageRoute

router = APIRouter(prefix="/admin", route_class=PageRoute)
Field = Annotated[str, Form()]
ROWS_PER_PAGE = 25
LEDGER_ROWS = 30
TRANSFERS_SHOWN = 30
#: Other locations holding the variant, most available first.
ELSEWHERE_SHOWN = 6
NEW_TRANSFER_LINES = 3
ADJUSTMENT_KINDS = ("receipt", "return", "damage", "adjustment")
_WHOLE = re.compile(r"[+-]?\d{1,9}")


def _whole(raw: str) -> int | None:
    """A whole number as people type it: "+5", "-3", "−2" (a typographic minus), " 7 "."""
    text = raw.strip().replace("−", "-").replace(" ", "")
    return int(text) if _WHOLE.fullmatch(text) else None


def _fields_of(exc: ValidationError) -> set[str]:
    return {str(error["loc"][0]) for error in exc.errors() if error["loc"]}


def _workplaces(page: Page) -> list[Location]:
    """The active locations whose stock the actor keeps: all of them for an owner or an HQ
    manager, their own stores for a store manager."""
    actor = page.signed_in
    return [loc for loc in stores_service.list_locations(page.session, actor=actor)
            if loc.is_active and can_work_at(actor, loc.id)]


def _choose(places: Sequence[Location], raw: str) -> Location | None:
    wanted = int(raw) if raw.isdigit() else None
    return next((loc for loc in places if loc.id == wanted), places[0] if places else None)


def _find(page: Page, code: str) -> Variant | None:
    """The actor's merchant's variant with this barcode or SKU, if any."""
    try:
        return catalog_service.find_variant(page.session, actor=page.signed_in, code=code)
    except NotFound:
        return None


def _staff_names(page: Page) -> dict[int, str]:
    return {user.id: user.full_name
            for user, _ in staff_service.list_staff(page.session, actor=page.signed_in)}


# --- stock per location -----------------------------------------------------------------------


@router.get("/stock")
def stock(page: AdminPage, location: str = "", q: str = "", show: str = "",
          p: str = "") -> Response:
    """The levels of one location, searched and filtered (the results alone for htmx)."""
    merchant = _merchant(page)
    places = _workplaces(page)
    chosen = _choose(places, location)
    only = listing.StockFilter(show) if show in set(listing.StockFilter) else None
    pager = Pager.of(p, ROWS_PER_PAGE)
    found = listing.list_stock(
        page.session, actor=page.signed_in, location_id=chosen.id, q=q.strip() or None,
        only=only, limit=pager.size, offset=pager.offset,
    ) if chosen else None
    # A code of an item this location never held: offer to receive it.
    never_stocked = (_find(page, q) if found is not None and not found.everything
                     and q.strip() else None)
    return _render(page, "admin/stock_results.html" if page.htmx else "admin/stock.html",
                   merchant=merchant, section="stock", places=places,
                   location=chosen, q=q, show=only.value if only else "", found=found,
                   low=listing.LOW_STOCK, never_stocked=never_stocked,
                   pager=pager.with_total(found.total if found else 0))


# --- one variant at one location: the forms and the ledger --------------------------------


@dataclass(frozen=True)
class LedgerLine:
    movement: StockMovement
    who: str
    #: What caused it, from the reference "transfer:3": ("transfer", "3"), else None.
    source: tuple[str, str] | None


def _source(reference: str | None) -> tuple[str, str] | None:
    kind, _, number = (reference or "").partition(":")
    known = kind in ("transfer", "count", "reservation", "order") and number.isdigit()
    return (kind, number) if known else None


def _level_page(page: Page, location_id: int, variant_id: int, *, status_code: int = 200,
                before: str = "", done: str = "", form: str = "",
                values: dict[str, str] | None = None, errors: Collection[str] = (),
                problem: DomainError | None = None) -> Response:
    merchant = _merchant(page)
    actor = page.signed_in
    location = stores_service.get_location(page.session, actor=actor, location_id=location_id)
    if not can_work_at(actor, location.id):
        raise PermissionDenied("You see the stock of the stores you work at.")
    level = inventory_service.get_level(page.session, actor=actor, location_id=location_id,
                                        variant_id=variant_id)
    variant = catalog_service.get_variant(page.session, variant_id=variant_id)
    if variant is None:
        raise NotFound("Variant not found.", variant_id=variant_id)
    moves = inventory_service.movements(
        page.session, actor=actor, location_id=location_id, variant_id=variant_id,
        limit=LEDGER_ROWS + 1, before_id=int(before) if before.isdigit() else None,
    )
    names = _staff_names(page)
    ledger = [LedgerLine(m, names.get(m.user_id or 0, ""), _source(m.reference))
              for m in moves[:LEDGER_ROWS]]
    places = {loc.id: loc for loc in _workplaces(page)}
    elsewhere = sorted(
        ((places[lv.location_id], lv)
         for lv in inventory_service.levels_of_variant(page.session, variant_id=variant_id)
         if lv.location_id in places and lv.location_id != location_id),
        key=lambda pair: pair[1].reserved - pair[1].on_hand,
    )[:ELSEWHERE_SHOWN]
    return _render(
        page, "admin/stock_level.html", status_code=status_code, merchant=merchant,
        section="stock", location=location, variant=variant, level=level,
        ledger=ledger, older=moves[LEDGER_ROWS - 1].id if len(moves) > LEDGER_ROWS else None,
        newest_first=not before, elsewhere=elsewhere, done=done, form=form,
        values=values or {}, errors=set(errors), problem=problem, kinds=ADJUSTMENT_KINDS,
    )


@router.get("/stock/{location_id}/{variant_id}")
def level(page: AdminPage, location_id: int, variant_id: int, before: str = "",
          done: str = "") -> Response:
    return _level_page(page, location_id, variant_id, before=before, done=done)


def _change_level(page: Page, location_id: int, variant_id: int, *, form: str,
                  values: dict[str, str], change: Callable[[], object], done: str) -> Response:
    """Run one of the level page's forms: back to the page with the form's errors, or on to
    the page with a note of what was done."""
    try:
        change()
    except ValidationError as exc:
        return _level_page(page, location_id, variant_id, status_code=422, form=form,
                           values=values, errors=_fields_of(exc))
    except DomainError as exc:
        return _level_page(page, location_id, variant_id, status_code=exc.status, form=form,
                           values=values, problem=exc)
    return page.redirect(f"/admin/stock/{location_id}/{variant_id}?done={done}")


@router.post("/stock/{location_id}/{variant_id}/adjust")
def adjust(page: AdminPage, location_id: int, variant_id: int, kind: Field = "",
           delta: Field = "", reason: Field = "") -> Response:
    """Receive, return, write off or correct units, with the reason the ledger keeps."""
    def change() -> object:
        data = StockAdjustment.model_validate(
            {"kind": kind, "delta": _whole(delta), "reason": reason.strip()})
        return inventory_service.adjust(
            page.session, actor=page.signed_in, location_id=location_id, variant_id=variant_id,
            delta=data.delta, kind=MovementKind(data.kind), reason=data.reason)

    return _change_level(page, location_id, variant_id, form="adjust", change=change,
                         values={"kind": kind, "delta": delta, "reason": reason},
                         done="adjusted")


@router.post("/stock/{location_id}/{variant_id}/count")
def count_one(page: AdminPage, location_id: int, variant_id: int, on_hand: Field = "",
              reason: Field = "") -> Response:
    """What is really on the shelf: the difference becomes a ``count`` line."""
    def change() -> object:
        data = StockSet.model_validate({"on_hand": _whole(on_hand), "reason": reason.strip()})
        return inventory_service.set_on_hand(
            page.session, actor=page.signed_in, location_id=location_id, variant_id=variant_id,
            on_hand=data.on_hand, reason=data.reason)

    return _change_level(page, location_id, variant_id, form="count", change=change,
                         values={"on_hand": on_hand, "reason": reason}, done="counted")


@router.post("/stock/{location_id}/{variant_id}/buffer")
def online_buffer(page: AdminPage, location_id: int, variant_id: int,
                  online_buffer: Field = "") -> Response:
    """Units kept back from the online channel for walk-in customers."""
    def change() -> object:
        data = OnlineBufferSet.model_validate({"online_buffer": _whole(online_buffer)})
        return inventory_service.set_online_buffer(
            page.session, actor=page.signed_in, location_id=location_id, variant_id=variant_id,
            online_buffer=data.online_buffer)

    return _change_level(page, location_id, variant_id, form="buffer", change=change,
                         values={"online_buffer": online_buffer}, done="buffer")


# --- transfers ------------------------------------------------------------------------------


def _transfers_page(page: Page, *, status: str = "in_transit", before: str = "",
                    done: str = "", transfer_id: str = "", status_code: int = 200,
                    problem: DomainError | None = None) -> Response:
    merchant = _merchant(page)
    actor = page.signed_in
    shown = TransferStatus(status) if status in set(TransferStatus) else None
    found = transfers.list_transfers(
        page.session, actor=actor, status=shown, limit=TRANSFERS_SHOWN + 1,
        before_id=int(before) if before.isdigit() else None,
    )
    locations = {loc.id: loc for loc in
                 stores_service.list_locations(page.session, actor=actor)}
    labels = listing.label_variants(
        page.session, actor=actor,
        variant_ids=[line.variant_id for t in found for line in t.lines],
    )
    return _render(
        page, "admin/transfers.html", status_code=status_code, merchant=merchant,
        section="stock", transfers=found[:TRANSFERS_SHOWN],
        older=found[TRANSFERS_SHOWN - 1].id if len(found) > TRANSFERS_SHOWN else None,
        status=shown.value if shown else "all", locations=locations, labels=labels,
        names=_staff_names(page), workplaces={loc.id for loc in _workplaces(page)},
        done=done, done_id=transfer_id, problem=problem,
    )


@router.get("/transfers")
def transfer_list(page: AdminPage, status: str = "in_transit", before: str = "",
                  done: str = "", id: str = "") -> Response:
    return _transfers_page(page, status=status, before=before, done=done, transfer_id=id)


def _close_transfer(page: Page, transfer_id: int, step: str) -> Response:
    close = transfers.receive_transfer if step == "received" else transfers.cancel_transfer
    try:
        close(page.session, actor=page.signed_in, transfer_id=transfer_id)
    except DomainError as exc:
        return _transfers_page(page, status_code=exc.status, problem=exc)
    return page.redirect(f"/admin/transfers?done={step}&id={transfer_id}")


@router.post("/transfers/{transfer_id}/receive")
def receive(page: AdminPage, transfer_id: int) -> Response:
    """The units are on the destination's shelf."""
    return _close_transfer(page, transfer_id, "received")


@router.post("/transfers/{transfer_id}/cancel")
def cancel(page: AdminPage, transfer_id: int) -> Response:
    """Called back before it arrived: the units return to the source."""
    return _close_transfer(page, transfer_id, "cancelled")


@dataclass
class Line:
    """One line of the new-transfer form as typed, and what is wrong with it."""

    code: str = ""
    quantity: str = ""
    problem: str = ""
    variant: Variant | None = None
    #: With ``problem == "short"``: what the source can spare.
    available: int | None = None


@dataclass
class Draft:
    """The new-transfer form as typed."""

    lines: list[Line]
    source: str = ""
    destination: str = ""
    note: str = ""


def _transfer_form(page: Page, draft: Draft, *, errors: Collection[str] = (),
                   status_code: int = 200, problem: DomainError | None = None) -> Response:
    places = _workplaces(page)
    chosen = _choose(places, draft.source)
    return _render(
        page, "admin/transfers_new.html", status_code=status_code, merchant=_merchant(page),
        section="stock", sources=places,
        destinations=[loc for loc in stores_service.list_locations(
            page.session, actor=page.signed_in) if loc.is_active],
        source=chosen.id if chosen else None,
        destination=int(draft.destination) if draft.destination.isdigit() else None,
        lines=draft.lines, note=draft.note, errors=set(errors), problem=problem,
    )


@router.get("/transfers/new")
def new_transfer(page: AdminPage, source: str = "") -> Response:
    return _transfer_form(page, Draft([Line() for _ in range(NEW_TRANSFER_LINES)], source))


@router.get("/transfers/new/line")
def new_transfer_line(page: AdminPage) -> Response:
    """One more empty line (htmx appends it to the form)."""
    return page.render("admin/transfers_line.html", line=Line())


@router.get("/transfers/lookup")
def lookup(page: AdminPage, code: str = "", from_location_id: str = "") -> Response:
    """What a typed code names, and what the source holds of it (an htmx fragment)."""
    code = code.strip()
    variant = _find(page, code) if code else None
    level = inventory_service.get_level(
        page.session, actor=page.signed_in, location_id=int(from_location_id),
        variant_id=variant.id,
    ) if variant and from_location_id.isdigit() else None
    return page.render("admin/transfers_lookup.html", code=code, variant=variant, level=level)


@router.post("/transfers")
def create_transfer(page: AdminPage, from_location_id: Field = "", to_location_id: Field = "",
                    note: Field = "", code: Annotated[list[str] | None, Form()] = None,
                    quantity: Annotated[list[str] | None, Form()] = None) -> Response:
    """Send the typed lines; they leave the source's shelf at once."""
    typed = [Line(c.strip(), q.strip()) for c, q in zip(code or [], quantity or [], strict=False)]
    draft = Draft([line for line in typed if line.code or line.quantity],
                  from_location_id, to_location_id, note)
    _resolve(page, draft.lines)
    if not draft.lines:
        return _transfer_form(page, Draft([Line()], from_location_id, to_location_id, note),
                              status_code=422, errors=("lines",))
    if any(line.problem for line in draft.lines):
        return _transfer_form(page, draft, status_code=422)
    page.end_reads()
    try:
        data = TransferCreate.model_validate({
            "from_location_id": _whole(from_location_id),
            "to_location_id": _whole(to_location_id), "note": note.strip(),
            "lines": [{"variant_id": line.variant.id if line.variant else None,
                       "quantity": _whole(line.quantity)} for line in draft.lines],
        })
        transfer = transfers.create_transfer(page.session, actor=page.signed_in, data=data)
    except ValidationError as exc:
        return _transfer_form(page, draft, status_code=422, errors=_fields_of(exc))
    except DomainError as exc:
        if isinstance(exc, InsufficientStock):
            short = {s["variant_id"]: s["available"] for s in exc.details["lines"]}
            for line in draft.lines:
                if line.variant and line.variant.id in short:
                    line.problem, line.available = "short", short[line.variant.id]
        return _transfer_form(page, draft, status_code=exc.status, problem=exc)
    return page.redirect(f"/admin/transfers?done=created&id={transfer.id}")


def _resolve(page: Page, lines: list[Line]) -> None:
    """Find each line's variant by barcode or SKU; mark unknown, repeated or bad lines."""
    seen: set[int] = set()
    for line in lines:
        amount = _whole(line.quantity)
        if not line.code:
            line.problem = "no_code"
            continue
        variant = _find(page, line.code)
        if variant is None:
            line.problem = "unknown"
            continue
        line.variant = variant
        if variant.id in seen:
            line.problem = "twice"
        elif amount is None or amount < 1:
            line.problem = "quantity"
        seen.add(variant.id)


# --- stock counts from a file -----------------------------------------------------------------


@router.get("/counts")
def count_form(page: AdminPage, location: str = "") -> Response:
    places = _workplaces(page)
    return _render(page, "admin/count.html", merchant=_merchant(page), section="stock",
                   places=places, location=_choose(places, location))


def _preview_page(page: Page, location_id: int, raw: bytes, *, filename: str = "",
                  status_code: int = 200, problem: DomainError | None = None) -> Response:
    preview = counts.preview_count(page.session, actor=page.signed_in,
                                   location_id=location_id, raw=raw)
    location = stores_service.get_location(page.session, actor=page.signed_in,
                                           location_id=location_id)
    whole_file = [e for e in preview.errors if e.row == 0]
    try:
        text = "" if whole_file else raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = ""
    changed = [line for line in preview.lines if line.counted != line.expected]
    return _render(
        page, "admin/count_preview.html", status_code=status_code, merchant=_merchant(page),
        section="stock", location=location, preview=preview, changed=changed,
        gain=sum(max(0, line.counted - line.expected) for line in changed),
        loss=sum(max(0, line.expected - line.counted) for line in changed),
        agreed=[line for line in preview.lines if line.counted == line.expected],
        whole_file=whole_file, row_errors=[e for e in preview.errors if e.row],
        labels=_labels(page, [line.variant_id for line in preview.lines]),
        csv=text, filename=filename, problem=problem,
    )


def _labels(page: Page, variant_ids: list[int]) -> dict[int, listing.VariantLabel]:
    return listing.label_variants(page.session, actor=page.signed_in, variant_ids=variant_ids)


@router.post("/counts/preview")
def count_preview(page: AdminPage, location_id: Annotated[int, Form()],
                  file: Annotated[UploadFile, File()]) -> Response:
    """What the uploaded file would change; nothing is written yet."""
    raw = file.file.read(counts.MAX_BYTES + 1)
    return _preview_page(page, location_id, raw, filename=file.filename or "")


@router.post("/counts/apply")
def count_apply(page: AdminPage, location_id: Annotated[int, Form()], csv: Field = "",
                filename: Field = "") -> Response:
    """Apply the previewed file whole, or show again why it cannot be."""
    raw = csv.encode("utf-8")
    try:
        applied = counts.apply_count(page.session, actor=page.signed_in,
                                     location_id=location_id, raw=raw)
    except DomainError as exc:
        return _preview_page(page, location_id, raw, filename=filename,
                             status_code=exc.status, problem=exc)
    location = stores_service.get_location(page.session, actor=page.signed_in,
                                           location_id=location_id)
    return _render(
        page, "admin/count_result.html", merchant=_merchant(page), section="stock",
        location=location, applied=applied,
        changed=[line for line in applied.lines if line.counted != line.expected],
        labels=_labels(page, [line.variant_id for line in applied.lines]),
    )
