"""VietQR (NAPAS 247) codes: the EMVCo merchant-presented payload every Vietnamese bank app scans.

The payload is ID-length-value fields closed by a CRC-16 of everything before it; a bank app
refuses a code that is one character off, so it is built and checked here to the byte. The
order reference rides in the transfer content, which the bank's notification carries back.
"""

import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import segno
from stdnum import luhn

from o2o.payments.errors import VietQRChecksumMismatch, VietQRFieldInvalid, VietQRMalformed
from o2o.payments.money import positive_amount

NAPAS_GUID = "A000000727"
Service = Literal["account", "card"]
SERVICE_CODES: dict[Service, str] = {"account": "QRIBFTTA", "card": "QRIBFTTC"}
CURRENCY_VND = "704"
COUNTRY_VN = "VN"
STATIC, DYNAMIC = "11", "12"
#: EMVCo length limits of the text fields (merchant name, city, bill number, purpose).
NAME_MAX, CITY_MAX, REFERENCE_MAX, PURPOSE_MAX = 25, 15, 25, 25

_BIN = re.compile(r"[0-9]{6}")
_ACCOUNT = re.compile(r"[A-Za-z0-9]{1,19}")
_CARD = re.compile(r"9704[0-9]{12}(?:[0-9]{3})?")
# Banks drop punctuation from transfer content; a reference of letters and digits survives.
_REFERENCE = re.compile(rf"[A-Za-z0-9]{{1,{REFERENCE_MAX}}}")
_HEAD = re.compile(r"[0-9]{4}")
_TO_ASCII_D = str.maketrans({"đ": "d", "Đ": "D"})


@dataclass(frozen=True)
class VietQR:
    """What a bank app reads from a code: whom to pay, how much, and the transfer content."""

    bank_bin: str
    account: str
    service: Service
    amount: int | None
    dynamic: bool
    reference: str | None = None
    purpose: str | None = None
    merchant_name: str | None = None
    city: str | None = None


def crc16(text: str) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) of ``text``, as 4 upper-case hex digits."""
    crc = 0xFFFF
    for byte in text.encode():
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
        crc &= 0xFFFF
    return f"{crc:04X}"


def ascii_text(text: str, limit: int) -> str:
    """Vietnamese text as the printable ASCII the spec allows, cut to ``limit``.

    "Cà phê Đà Lạt" -> "Ca phe Da Lat": bank apps show the folded text, so cutting is
    safer than refusing a long store name.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_TO_ASCII_D))
    kept = "".join(c for c in decomposed if " " <= c <= "~")
    return " ".join(kept.split())[:limit].rstrip()


def _tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def build_payload(
    *,
    bank_bin: str,
    account: str,
    amount: int,
    reference: str,
    purpose: str | None = None,
    service: Service = "account",
    merchant_name: str | None = None,
    city: str | None = None,
) -> str:
    """The payload of a one-off (dynamic) code for exactly ``amount`` đồng.

    ``reference`` is the bill number and starts the transfer content (then ``purpose``), so
    the bank's notification can be matched to the order. ``service="card"`` pays to a NAPAS
    card number instead of an account. Raises InvalidAmount or VietQRFieldInvalid.
    """
    positive_amount(amount)
    if not _BIN.fullmatch(bank_bin):
        raise VietQRFieldInvalid("A bank BIN is 6 digits (e.g. 970436).", field="bank_bin")
    if service == "card":
        if not (_CARD.fullmatch(account) and luhn.is_valid(account)):
            raise VietQRFieldInvalid(
                "A NAPAS card number is 16 or 19 digits starting 9704.", field="account")
    elif not _ACCOUNT.fullmatch(account):
        raise VietQRFieldInvalid(
            "An account number is 1 to 19 letters or digits.", field="account")
    if not _REFERENCE.fullmatch(reference):
        raise VietQRFieldInvalid(
            f"An order reference is 1 to {REFERENCE_MAX} letters or digits.", field="reference")
    content = ascii_text(f"{reference} {purpose or ''}", PURPOSE_MAX)

    beneficiary = _tlv("00", bank_bin) + _tlv("01", account)
    merchant_account = (
        _tlv("00", NAPAS_GUID) + _tlv("01", beneficiary) + _tlv("02", SERVICE_CODES[service])
    )
    fields = [
        _tlv("00", "01"),
        _tlv("01", DYNAMIC),
        _tlv("38", merchant_account),
        _tlv("53", CURRENCY_VND),
        _tlv("54", str(amount)),
        _tlv("58", COUNTRY_VN),
    ]
    for tag, text, limit in (("59", merchant_name, NAME_MAX), ("60", city, CITY_MAX)):
        folded = ascii_text(text or "", limit)
        if folded:
            fields.append(_tlv(tag, folded))
    fields.append(_tlv("62", _tlv("01", reference) + _tlv("08", content)))
    body = "".join(fields) + "6304"
    return body + crc16(body)


def _fields(text: str, where: str) -> dict[str, str]:
    """The ID-length-value fields of ``text``, in order; raises VietQRMalformed."""
    fields: dict[str, str] = {}
    position = 0
    while position < len(text):
        head = text[position:position + 4]
        if not _HEAD.fullmatch(head):
            raise VietQRMalformed(
                f"{where}: expected a 2-digit ID and a 2-digit length at character {position}.",
                position=position)
        tag, length = head[:2], int(head[2:])
        value = text[position + 4:position + 4 + length]
        if length == 0 or len(value) != length:
            raise VietQRMalformed(
                f"{where}: field {tag} announces {length} characters but {len(value)} follow.",
                field=tag)
        if tag in fields:
            raise VietQRMalformed(f"{where}: field {tag} appears twice.", field=tag)
        fields[tag] = value
        position += 4 + length
    return fields


def _require(fields: dict[str, str], tag: str, where: str) -> str:
    if tag not in fields:
        raise VietQRMalformed(f"{where}: the required field {tag} is missing.", field=tag)
    return fields[tag]


def parse_payload(text: str) -> VietQR:
    """Read a payload as a bank app would; raises VietQRMalformed (or its subclass
    VietQRChecksumMismatch) for anything an app would refuse."""
    fields = _fields(text, "payload")
    if list(fields)[-1:] != ["63"] or not re.fullmatch(r"[0-9A-Fa-f]{4}", fields["63"]):
        raise VietQRMalformed("payload: it must end with the CRC field 63 (4 hex digits).")
    expected = crc16(text[:-4])
    if fields["63"].upper() != expected:
        raise VietQRChecksumMismatch(
            f"payload: the CRC is {fields['63']} but the content gives {expected}.",
            expected=expected, found=fields["63"])
    if next(iter(fields)) != "00" or fields["00"] != "01":
        raise VietQRMalformed("payload: it must start with payload format 01 (000201).")
    initiation = fields.get("01", STATIC)
    if initiation not in (STATIC, DYNAMIC):
        raise VietQRMalformed(f"payload: point of initiation {initiation!r} is neither 11 nor 12.")
    if fields.get("53") != CURRENCY_VND or fields.get("58") != COUNTRY_VN:
        raise VietQRMalformed("payload: a VietQR code is in đồng (53 = 704) and VN (58).")

    merchant = _fields(_require(fields, "38", "payload"), "field 38")
    if merchant.get("00") != NAPAS_GUID:
        raise VietQRMalformed(f"field 38: not a NAPAS code (its GUID is not {NAPAS_GUID}).")
    beneficiary = _fields(_require(merchant, "01", "field 38"), "field 38.01")
    bank_bin = _require(beneficiary, "00", "field 38.01")
    if not _BIN.fullmatch(bank_bin):
        raise VietQRMalformed(f"field 38.01: the bank BIN {bank_bin!r} is not 6 digits.")
    services = {code: name for name, code in SERVICE_CODES.items()}
    service_code = _require(merchant, "02", "field 38")
    if service_code not in services:
        raise VietQRMalformed(f"field 38: unknown service code {service_code!r}.")

    amount = None
    if "54" in fields:
        if not fields["54"].isascii() or not fields["54"].isdigit() or int(fields["54"]) == 0:
            raise VietQRMalformed(f"field 54: {fields['54']!r} is not a whole number of đồng.")
        amount = int(fields["54"])
    extra = _fields(fields["62"], "field 62") if "62" in fields else {}
    return VietQR(
        bank_bin=bank_bin,
        account=_require(beneficiary, "01", "field 38.01"),
        service=services[service_code],
        amount=amount,
        dynamic=initiation == DYNAMIC,
        reference=extra.get("01"),
        purpose=extra.get("08"),
        merchant_name=fields.get("59"),
        city=fields.get("60"),
    )


def _symbol(payload: str) -> segno.QRCode:
    # Level M survives a scuffed print or a glare on a phone screen; segno raises it further
    # when that costs no extra size.
    return segno.make(payload, error="m", micro=False)


def qr_png(payload: str, *, scale: int = 8, border: int = 4) -> bytes:
    """The code as a PNG: ``scale`` pixels per module, the 4-module quiet zone scanners need."""
    out = io.BytesIO()
    _symbol(payload).save(out, kind="png", scale=scale, border=border)
    return out.getvalue()


def qr_svg(payload: str, *, scale: int = 8, border: int = 4) -> str:
    """The code as an SVG document (no XML declaration), served as a file or inlined in a page."""
    out = io.BytesIO()
    _symbol(payload).save(out, kind="svg", scale=scale, border=border, xmldecl=False, nl=False)
    return out.getvalue().decode()
