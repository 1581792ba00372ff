"""Validated value types shared by every domain's schemas.

Each normalises what it accepts (a phone to E.164, an email to lower case), so that a value
is stored one way and found again however a person typed it.
"""

import re
import unicodedata
from typing import Annotated

import phonenumbers
from pydantic import AfterValidator, EmailStr, Field, StringConstraints
from stdnum import ean

#: Region assumed for numbers typed without a country code ("0901 234 567").
DEFAULT_PHONE_REGION = "VN"


def normalize_phone(raw: str) -> str:
    """E.164 form of a phone number; raises ValueError if it cannot be a real number."""
    try:
        number = phonenumbers.parse(raw, DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("not a phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _ean13(raw: str) -> str:
    if len(raw) != 13 or not ean.is_valid(raw):
        raise ValueError("not a valid EAN-13 barcode (13 digits with a correct check digit)")
    return raw


def _lower(raw: str) -> str:
    return raw.lower()


Phone = Annotated[str, AfterValidator(normalize_phone)]
Email = Annotated[EmailStr, AfterValidator(_lower)]
#: Whole đồng, never negative; 10^12 đồng is far above any single price.
VND = Annotated[int, Field(ge=0, le=1_000_000_000_000, strict=True)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
Ean13 = Annotated[str, AfterValidator(_ean13)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=40)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]

_DIACRITIC_FREE = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lower-case ASCII of Vietnamese text: "Áo Thun Đỏ" -> "ao thun do"."""
    decomposed = unicodedata.normalize("NFD", text.translate(_DIACRITIC_FREE))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", stripped).strip().lower()


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
