"""Stock counts from a CSV file: preview what it would change, then apply it whole.

A file has a header with ``counted`` and ``sku`` or ``barcode`` (other columns, such as a
product name for the people counting, are ignored), is UTF-8 with or without a BOM (as Excel
saves it) and is separated by ``,`` or ``;``. Rows are numbered as a spreadsheet shows
them: 1 is the header; 0 stands for the file as a whole.

Applying is one transaction: any row in error, or any count below what reservations hold,
refuses the whole file and nothing is written.
"""

import csv
import io
import re
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from o2o.auth.permissions import Actor
from o2o.catalog import service as catalog_service
from o2o.db import transaction
from o2o.inventory.errors import CountFileInvalid, StockHeldByReservations
from o2o.inventory.levels import ensure_levels, staff_location
from o2o.inventory.models import (
    MovementKind,
    StockCount,
    StockCountLine,
    StockLevel,
    StockMovement,
)
from o2o.inventory.schemas import MAX_UNITS
from o2o.orm import utcnow

MAX_BYTES = 5_000_000
MAX_ROWS = 50_000
CODE_COLUMNS = ("barcode", "sku")  # a barcode wins when a row has both
_WHOLE_NUMBER = re.compile(r"\d{1,8}")


@dataclass(frozen=True)
class CountRow:
    """One counted row: which column names the variant, its code and the units counted."""

    row: int
    column: str
    code: str
    counted: int


@dataclass(frozen=True)
class RowError:
    row: int
    code: str
    message: str


@dataclass(frozen=True)
class CountedLine:
    row: int
    variant_id: int
    sku: str
    expected: int
    counted: int
    reserved: int


@dataclass(frozen=True)
class Preview:
    location_id: int
    lines: list[CountedLine]
    errors: list[RowError]


@dataclass(frozen=True)
class AppliedCount:
    id: int
    location_id: int
    created_at: datetime
    lines: list[CountedLine]


def read_file(raw: bytes) -> tuple[list[CountRow], list[RowError]]:
    """Decode and parse an uploaded file (see ``parse_csv``)."""
    if len(raw) > MAX_BYTES:
        return [], [RowError(0, "file_too_large", f"A count file has at most {MAX_BYTES} bytes.")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [RowError(0, "not_utf8", "Save the file as CSV UTF-8.")]
    return parse_csv(text)


def parse_csv(text: str) -> tuple[list[CountRow], list[RowError]]:
    """The rows of a count file and the errors of the rows that cannot be read.

    A code given twice is an error on its second row; blank rows are skipped.
    """
    text = text.removeprefix("\ufeff")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next((cells for cells in reader if any(c.strip() for c in cells)), None)
    if header is None:
        return [], [RowError(0, "empty_file", "The file is empty.")]
    columns = {name.strip().lower(): i for i, name in reversed(list(enumerate(header)))}
    code_columns = [c for c in CODE_COLUMNS if c in columns]
    if "counted" not in columns or not code_columns:
        return [], [RowError(reader.line_num, "missing_column",
                             "The header needs a 'counted' column and 'sku' or 'barcode'.")]
    rows: list[CountRow] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    for cells in reader:
        row = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(rows) + len(errors) >= MAX_ROWS:
            return rows, [*errors, RowError(0, "too_many_rows",
                                            f"A count file has at most {MAX_ROWS} rows.")]
        cell = {name: cells[i].strip() if i < len(cells) else "" for name, i in columns.items()}
        column = next((c for c in code_columns if cell[c]), None)
        if column is None:
            errors.append(RowError(row, "missing_code", "The row has no SKU or barcode."))
            continue
        code = cell[column].upper() if column == "sku" else cell[column]
        counted = cell["counted"]
        if not _WHOLE_NUMBER.fullmatch(counted) or int(counted) > MAX_UNITS:
            errors.append(RowError(row, "bad_number",
                                   f"'{counted}' is not a count (a whole number of units)."))
            continue
        if (column, code) in seen:
            errors.append(RowError(row, "duplicate",
                                   f"{code} was already counted on row {seen[column, code]}."))
            continue
        seen[column, code] = row
        rows.append(CountRow(row, column, code, int(counted)))
    if not rows and not errors:
        errors.append(RowError(0, "empty_file", "The file has no rows to count."))
    return rows, errors


def preview_count(session: Session, *, actor: Actor, location_id: int, raw: bytes) -> Preview:
    """What the file would change at the location; writes nothing, even when rows are wrong."""
    merchant_id = staff_location(session, actor, location_id)
    matches, errors = _match(session, merchant_id, raw)
    levels = _levels(session, location_id, [m.variant_id for m in matches], lock=False)
    return Preview(location_id, _lines(matches, levels), errors)


def apply_count(session: Session, *, actor: Actor, location_id: int,
                raw: bytes) -> AppliedCount:
    """Set every counted level to what was counted, in one transaction; differences become
    ``count`` movements. Raises CountFileInvalid listing each row in error, or
    StockHeldByReservations listing each line counted below what reservations hold."""
    with transaction(session):
        merchant_id = staff_location(session, actor, location_id)
        matches, errors = _match(session, merchant_id, raw)
        if errors:
            raise CountFileInvalid(
                f"{len(errors)} row(s) of the file are wrong; nothing was counted.",
                errors=[asdict(e) for e in errors],
            )
        variant_ids = [m.variant_id for m in matches]
        ensure_levels(session, merchant_id, location_id,
                      [m.variant_id for m in matches if m.counted])
        lines = _lines(matches, _levels(session, location_id, variant_ids, lock=True))
        held = [line for line in lines if line.counted < line.reserved]
        if held:
            raise StockHeldByReservations(
                "Reservations hold more units than were counted; release them first.",
                lines=[{"row": h.row, "variant_id": h.variant_id, "counted": h.counted,
                        "reserved": h.reserved} for h in held],
            )
        count = StockCount(
            merchant_id=merchant_id, location_id=location_id, user_id=actor.user_id,
            created_at=utcnow(),
            lines=[StockCountLine(variant_id=line.variant_id, merchant_id=merchant_id,
                                  csv_row=line.row, expected=line.expected,
                                  counted=line.counted) for line in lines],
        )
        session.add(count)
        session.flush()
        changed = [line for line in lines if line.counted != line.expected]
        if changed:
            _record(session, count, changed)
            session.execute(update(StockLevel), [
                {"location_id": location_id, "variant_id": line.variant_id,
                 "on_hand": line.counted, "updated_at": count.created_at}
                for line in changed
            ])
    return AppliedCount(count.id, location_id, count.created_at, lines)


@dataclass(frozen=True)
class _Match:
    row: int
    variant_id: int
    sku: str
    counted: int


def _match(session: Session, merchant_id: int,
           raw: bytes) -> tuple[list[_Match], list[RowError]]:
    """The rows matched to the merchant's variants (in variant order), and every error."""
    rows, errors = read_file(raw)
    by_sku, by_barcode = catalog_service.find_variants(
        session, merchant_id=merchant_id,
        skus=[r.code for r in rows if r.column == "sku"],
        barcodes=[r.code for r in rows if r.column == "barcode"],
    )
    matched: dict[int, _Match] = {}
    for row in rows:
        variant = (by_sku if row.column == "sku" else by_barcode).get(row.code)
        if variant is None:
            errors.append(RowError(row.row, "unknown_code",
                                   f"No product has the {row.column} {row.code}."))
        elif variant.id in matched:
            errors.append(RowError(row.row, "duplicate",
                                   f"{variant.sku} was already counted on row "
                                   f"{matched[variant.id].row}."))
        else:
            matched[variant.id] = _Match(row.row, variant.id, variant.sku, row.counted)
    return ([matched[v] for v in sorted(matched)], sorted(errors, key=lambda e: e.row))


def _levels(session: Session, location_id: int, variant_ids: list[int],
            *, lock: bool) -> dict[int, tuple[int, int]]:
    """``{variant_id: (on_hand, reserved)}``, locked in variant order when counting."""
    found: dict[int, tuple[int, int]] = {}
    for start in range(0, len(variant_ids), 500):
        query = (select(StockLevel.variant_id, StockLevel.on_hand, StockLevel.reserved)
                 .where(StockLevel.location_id == location_id,
                        StockLevel.variant_id.in_(variant_ids[start:start + 500]))
                 .order_by(StockLevel.variant_id))
        if lock:
            query = query.with_for_update()
        found.update({v: (on_hand, reserved) for v, on_hand, reserved in session.execute(query)})
    return found


def _lines(matches: list[_Match], levels: dict[int, tuple[int, int]]) -> list[CountedLine]:
    return [
        CountedLine(row=m.row, variant_id=m.variant_id, sku=m.sku,
                    expected=levels.get(m.variant_id, (0, 0))[0], counted=m.counted,
                    reserved=levels.get(m.variant_id, (0, 0))[1])
        for m in matches
    ]


def _record(session: Session, count: StockCount, changed: list[CountedLine]) -> None:
    session.execute(insert(StockMovement), [
        {"merchant_id": count.merchant_id, "location_id": count.location_id,
         "variant_id": line.variant_id, "kind": MovementKind.COUNT,
         "delta": line.counted - line.expected, "reason": f"Stock count {count.id}",
         "reference": f"count:{count.id}", "user_id": count.user_id,
         "created_at": count.created_at}
        for line in changed
    ])
