"""Values as people type them, stored one way: phones, barcodes, names folded for search."""

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from o2o.fields import Ean13, Email, Phone, Slug, fold, normalize_phone, slugify


class Contact(BaseModel):
    phone: Phone | None = None
    email: Email | None = None
    barcode: Ean13 | None = None
    slug: Slug | None = None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0901 234 567", "+84901234567"),
        ("090-123-4567", "+84901234567"),
        ("0912.345.678", "+84912345678"),
        ("+84 90 123 4567", "+84901234567"),
        ("84901234567", "+84901234567"),
        ("+84901234567", "+84901234567"),
        ("(028) 3822 1234", "+842838221234"),
        ("+1 650 253 0000", "+16502530000"),
    ],
)
def test_a_phone_typed_any_way_is_stored_in_e164(typed: str, stored: str) -> None:
    assert normalize_phone(typed) == stored
    assert Contact(phone=typed).phone == stored


@pytest.mark.parametrize("typed", ["", "abc", "12345", "0901", "09012345678901", "+84 123"])
def test_what_cannot_be_a_phone_number_is_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        normalize_phone(typed)
    with pytest.raises(ValidationError):
        Contact(phone=typed)


_SEPARATORS = st.sampled_from(["", " ", "-", "."])


@given(
    number=st.sampled_from(["0901234567", "0912345678", "0388123456", "02838221234"]),
    separators=st.lists(_SEPARATORS, min_size=11, max_size=11),
)
def test_separators_never_change_the_number(number: str, separators: list[str]) -> None:
    typed = "".join(digit + sep for digit, sep in zip(number, separators, strict=False))
    assert normalize_phone(typed) == normalize_phone(number)
    assert normalize_phone(normalize_phone(typed)) == normalize_phone(number)


def test_emails_are_stored_in_lower_case() -> None:
    assert Contact(email="Chu@BepViet.VN").email == "chu@bepviet.vn"
    with pytest.raises(ValidationError):
        Contact(email="not-an-email")


@pytest.mark.parametrize("code", ["4006381333931", "8934563138165", "8935049500469"])
def test_valid_ean13_barcodes_are_accepted(code: str) -> None:
    assert Contact(barcode=code).barcode == code


@pytest.mark.parametrize(
    "code",
    [
        "4006381333932",  # wrong check digit
        "400638133393",  # 12 digits
        "40063813339311",  # 14 digits
        "96385074",  # a valid EAN-8, not an EAN-13
        "036000291452",  # a valid UPC-A, not an EAN-13
        "400638133393X",
        "",
    ],
)
def test_other_barcodes_are_refused(code: str) -> None:
    with pytest.raises(ValidationError):
        Contact(barcode=code)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Áo Thun Đỏ", "ao thun do"),
        ("Nguyễn  Thị\tLan ", "nguyen thi lan"),
        ("ĐÀ NẴNG", "da nang"),
        ("Phở bò tái chín", "pho bo tai chin"),
        ("Cà phê sữa đá", "ca phe sua da"),
        ("Trường Sa", "truong sa"),
        ("already plain", "already plain"),
        ("", ""),
    ],
)
def test_fold_drops_case_accents_and_extra_spaces(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Hoa Sen Quận 1", "hoa-sen-quan-1"),
        ("  Bếp Việt!! ", "bep-viet"),
        ("Cà phê & Trà", "ca-phe-tra"),
        ("Đồng Hới -- Quảng Bình", "dong-hoi-quang-binh"),
        ("!!!", ""),
    ],
)
def test_slugify_makes_url_slugs_of_vietnamese_names(text: str, slug: str) -> None:
    assert slugify(text) == slug


@pytest.mark.parametrize("slug", ["hoasen", "hoa-sen-2", "q1"])
def test_slugs_are_lower_case_words_joined_by_hyphens(slug: str) -> None:
    assert Contact(slug=slug).slug == slug


@pytest.mark.parametrize("slug", ["Hoa-Sen", "hoa sen", "-hoasen", "hoa--sen", "quận-1", "a" * 41])
def test_other_slugs_are_refused(slug: str) -> None:
    with pytest.raises(ValidationError):
        Contact(slug=slug)


VIETNAMESE = (
    string.ascii_letters + string.digits + " \t"
    + "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    + "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ"
)


@given(st.text(alphabet=VIETNAMESE))
def test_folded_vietnamese_is_lower_case_ascii(text: str) -> None:
    folded = fold(text)
    assert folded.isascii()
    assert folded == folded.lower()
    assert "  " not in folded and folded == folded.strip()


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text())
def test_slugify_always_gives_a_slug_or_nothing(text: str) -> None:
    slug = slugify(text)
    assert slug == "" or re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug)
    assert slugify(slug) == slug
