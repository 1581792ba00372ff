"""The promotion form as typed, and the terms it stands for.

A form is kept as typed (``Typed``: every field's values, as strings) so a refused form comes
back exactly as it was sent. ``terms_of`` turns it into the dict ``PromotionTerms`` validates,
``typed_of`` turns saved terms back into a form. Money may be typed with thousands separators
("50.000"); times are the merchant's local time, stored as aware UTC.
"""

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from o2o.promotions.rules import PERCENT_KINDS
from o2o.promotions.schemas import PromotionTerms

Typed = dict[str, list[str]]

KINDS = ("items_percent", "items_fixed", "order_percent", "order_fixed", "buy_x_get_y",
         "bundle_price")
#: Rows of happy hours and bundle items the form offers.
HAPPY_ROWS = 2
BUNDLE_ROWS = 3
_LOCAL = "%Y-%m-%dT%H:%M"
_MONEY = ("amount", "min_spend", "budget", "max_discount")
_COUNTS = ("percent", "buy", "get", "usage_limit", "per_customer_limit", "priority")
_FLAGS = ("requires_coupon", "stackable", "exclusive", "is_active")
_TARGETS = ("variant_ids", "product_ids", "category_ids")


def one(typed: Typed, name: str) -> str:
    values = typed.get(name) or [""]
    return values[0].strip()


def _number(raw: str, *, money: bool = False) -> int | str | None:
    """A whole number as typed ("50.000", " 10 "); None when empty; the text itself when it
    is no number, for the schema to refuse with the field's name."""
    text = raw.replace(" ", "").replace("\xa0", "")
    if money:
        text = text.replace(".", "").replace(",", "").removesuffix("₫").removesuffix("đ")
    if not text:
        return None
    return int(text) if text.isdigit() else raw


def _ids(typed: Typed, name: str) -> list[int | str]:
    return [int(v) if v.isdigit() else v for v in typed.get(name, []) if v.strip()]


def _moment(raw: str, timezone: str) -> str | None:
    """A ``datetime-local`` value in the merchant's time as aware UTC (ISO); junk unchanged."""
    if not raw:
        return None
    try:
        local = datetime.strptime(raw, _LOCAL).replace(tzinfo=ZoneInfo(timezone))
    except ValueError:
        return raw
    return local.astimezone(UTC).isoformat()


def terms_of(typed: Typed, timezone: str) -> dict[str, Any]:
    """The terms the form asks for, as ``PromotionTerms`` input; fields the chosen kind does
    not use are left out (a percent typed before switching to a fixed amount is dropped)."""
    kind = one(typed, "kind")
    terms: dict[str, Any] = {"name": one(typed, "name"), "kind": kind}
    for name in _MONEY:
        terms[name] = _number(one(typed, name), money=True)
    for name in _COUNTS:
        terms[name] = _number(one(typed, name))
    if kind not in PERCENT_KINDS and kind != "buy_x_get_y":
        terms["percent"] = 0
    if kind not in ("order_fixed", "items_fixed", "bundle_price"):
        terms["amount"] = 0
    if kind != "buy_x_get_y":
        terms["buy"] = terms["get"] = 0
    for name in ("percent", "amount", "buy", "get", "min_spend"):
        terms[name] = terms[name] or 0
    terms["priority"] = 100 if terms["priority"] is None else terms["priority"]
    terms["target"] = ({} if kind == "bundle_price" else
                       {name: _ids(typed, name) for name in _TARGETS})
    terms["bundle"] = [] if kind != "bundle_price" else [
        {"product_id": int(p) if p.isdigit() else p, "units": _number(u) or 1}
        for p, u in zip(typed.get("bundle_product", []), typed.get("bundle_units", []),
                        strict=False) if p.strip()]
    terms["min_spend_on"] = one(typed, "min_spend_on") or "order"
    terms["starts_at"] = _moment(one(typed, "starts_at"), timezone)
    terms["ends_at"] = _moment(one(typed, "ends_at"), timezone)
    terms["happy_hours"] = [
        {"weekdays": [int(d) if d.isdigit() else d for d in typed.get(f"hh{i}_days", [])],
         "starts": one(typed, f"hh{i}_starts"), "ends": one(typed, f"hh{i}_ends")}
        for i in range(HAPPY_ROWS)
        if typed.get(f"hh{i}_days") or one(typed, f"hh{i}_starts") or one(typed, f"hh{i}_ends")]
    channel = one(typed, "channels")
    terms["channels"] = [channel] if channel in ("online", "pos") else ["online", "pos"]
    terms["location_ids"] = _ids(typed, "location_ids")
    tiers = [t.strip() for t in one(typed, "tiers").split(",") if t.strip()]
    terms["audience"] = {"first_order": bool(one(typed, "first_order")), "tiers": tiers,
                         "customer_ids": _ids(typed, "customer_ids"),
                         "segment_ids": _ids(typed, "segment_ids")}
    for name in _FLAGS:
        terms[name] = bool(one(typed, name))
    return terms


def typed_of(terms: PromotionTerms, timezone: str) -> Typed:
    """A saved promotion as its form shows it."""
    zone = ZoneInfo(timezone)

    def text(value: int | None) -> list[str]:
        return [] if value is None else [str(value)]

    typed: Typed = {"name": [terms.name], "kind": [terms.kind]}
    for name in (*_MONEY, *_COUNTS):
        value = getattr(terms, name)
        typed[name] = text(value if value or name == "priority" else None)
    for name in _TARGETS:
        typed[name] = [str(i) for i in getattr(terms.target, name)]
    typed["bundle_product"] = [str(item.product_id) for item in terms.bundle]
    typed["bundle_units"] = [str(item.units) for item in terms.bundle]
    typed["min_spend_on"] = [terms.min_spend_on]
    for name in ("starts_at", "ends_at"):
        moment = getattr(terms, name)
        typed[name] = [moment.astimezone(zone).strftime(_LOCAL)] if moment else []
    for i, hours in enumerate(terms.happy_hours[:HAPPY_ROWS]):
        typed[f"hh{i}_days"] = [str(d) for d in hours.weekdays]
        typed[f"hh{i}_starts"], typed[f"hh{i}_ends"] = [hours.starts], [hours.ends]
    typed["channels"] = [terms.channels[0] if len(terms.channels) == 1 else "both"]
    typed["location_ids"] = [str(i) for i in terms.location_ids]
    typed["tiers"] = [", ".join(terms.audience.tiers)]
    typed["first_order"] = ["on"] if terms.audience.first_order else []
    typed["customer_ids"] = [str(i) for i in terms.audience.customer_ids]
    typed["segment_ids"] = [str(i) for i in terms.audience.segment_ids]
    for name in _FLAGS:
        typed[name] = ["on"] if getattr(terms, name) else []
    return typed


def blank() -> Typed:
    """A new promotion's form: 10 % off chosen items, everywhere, from now on."""
    return {"kind": ["items_percent"], "percent": ["10"], "priority": ["100"],
            "channels": ["both"], "stackable": ["on"], "is_active": ["on"]}


def fields_of(exc: ValidationError) -> set[str]:
    """The form fields a schema error is about ("hh0" for the first happy hour)."""
    found = set()
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        if not loc:
            continue
        if loc[0] in ("target", "audience") and len(loc) > 1:
            found.add(loc[1])
        elif loc[0] == "happy_hours" and len(loc) > 1:
            found.add(f"hh{loc[1]}")
        else:
            found.add(loc[0])
    return found
