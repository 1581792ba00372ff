"""VietQR codes: what a bank app reads when the shopper scans the code on screen."""

import io
from typing import Any
from xml.etree import ElementTree

import pytest
import zxingcpp
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from o2o.payments.errors import (
    InvalidAmount,
    VietQRChecksumMismatch,
    VietQRFieldInvalid,
    VietQRMalformed,
)
from o2o.payments.vietqr import VietQR, build_payload, crc16, parse_payload, qr_png, qr_svg

# Published in the README of github.com/subiz/vietqr: 120,000 đồng to Vietinbank (970415)
# account 0011001932418, content "ung ho lu lut"; built by an independent implementation.
PUBLISHED = (
    "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA"
    "530370454061200005802VN62170813ung ho lu lut6304C15C"
)


def order_code(**overrides: Any) -> str:
    fields: dict[str, Any] = {
        "bank_bin": "970436", "account": "0881000458086", "amount": 187_000,
        "reference": "DH000123",
    }
    return build_payload(**{**fields, **overrides})


def scan(png: bytes) -> str:
    """What a phone camera reads from the picture."""
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(found) == 1
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode
    return found[0].text


def test_crc_is_ccitt_false_with_its_standard_check_value() -> None:
    assert crc16("123456789") == "29B1"


def test_a_published_code_from_another_implementation_reads_and_checks() -> None:
    assert crc16(PUBLISHED[:-4]) == "C15C"
    assert parse_payload(PUBLISHED) == VietQR(
        bank_bin="970415", account="0011001932418", service="account", amount=120_000,
        dynamic=True, purpose="ung ho lu lut",
    )


def test_we_build_the_published_code_byte_for_byte_from_the_same_fields() -> None:
    # The published code has no bill number, so rebuild its body from our code minus field 62.
    ours = build_payload(bank_bin="970415", account="0011001932418", amount=120_000,
                         reference="X")
    assert ours.split("5802VN")[0] == PUBLISHED.split("5802VN")[0]


def test_order_code_field_by_field() -> None:
    assert order_code(purpose="Đơn hàng") == (
        "000201"  # payload format indicator 01
        "010212"  # point of initiation: dynamic, one payment
        "3857"  # merchant account information, 57 characters:
        "0010A000000727"  # NAPAS GUID
        "0127" "0006970436" "01130881000458086"  # beneficiary: bank BIN, account number
        "0208QRIBFTTA"  # service: transfer to an account
        "5303704"  # currency: đồng
        "5406187000"  # amount: 187,000
        "5802VN"  # country
        "6233" "0108DH000123" "0817DH000123 Don hang"  # bill number; transfer content
        "6304" + crc16(order_code(purpose="Đơn hàng")[:-4])
    )


def test_card_transfer_uses_the_card_service_code() -> None:
    code = parse_payload(order_code(account="9704198526191432198", service="card"))
    assert (code.service, code.account) == ("card", "9704198526191432198")
    assert "0208QRIBFTTC" in order_code(account="9704198526191432198", service="card")


def test_merchant_name_and_city_are_folded_to_ascii_and_cut_to_the_spec_limits() -> None:
    code = parse_payload(order_code(
        merchant_name="Cửa hàng Đồ Gỗ Mỹ Nghệ Phố Hội An", city="Thành phố Hồ Chí Minh"))
    assert code.merchant_name == "Cua hang Do Go My Nghe Ph"  # 25 characters
    assert code.city == "Thanh pho Ho Ch"  # 15 characters


def test_long_purpose_is_cut_but_the_reference_always_leads_the_transfer_content() -> None:
    code = parse_payload(order_code(purpose="Thanh toán đơn hàng trực tuyến số một"))
    assert code.reference == "DH000123"
    assert code.purpose == "DH000123 Thanh toan don h"


@pytest.mark.parametrize("amount", [0, -1, 1.5, 100_000.0, "187000", True, None, 10**13])
def test_amount_must_be_a_positive_whole_number_of_dong(amount: object) -> None:
    with pytest.raises(InvalidAmount) as refused:
        order_code(amount=amount)
    assert refused.value.code == "invalid_amount"
    assert isinstance(refused.value, ValueError)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("bank_bin", "97043"), ("bank_bin", "97043x"), ("account", ""),
        ("account", "0881-000458"), ("account", "1" * 20),
        ("reference", "DH-000123"), ("reference", ""), ("reference", "Đ123"),
        ("reference", "A" * 26),
    ],
)
def test_fields_a_bank_app_would_refuse_are_refused(field: str, value: str) -> None:
    with pytest.raises(VietQRFieldInvalid) as refused:
        order_code(**{field: value})
    assert refused.value.details["field"] == field


def test_a_card_code_needs_a_napas_card_number() -> None:
    for number in ("4111111111111111", "9704198526191432199"):  # Visa; Luhn fails
        with pytest.raises(VietQRFieldInvalid):
            order_code(account=number, service="card")


def test_a_changed_amount_is_caught_by_the_crc() -> None:
    tampered = order_code().replace("5406187000", "5406987000")
    with pytest.raises(VietQRChecksumMismatch, match="CRC"):
        parse_payload(tampered)


def test_lower_case_crc_is_read_but_we_write_upper_case() -> None:
    code = order_code()
    assert code[-4:] == code[-4:].upper()
    assert parse_payload(code[:-4] + code[-4:].lower()).amount == 187_000


@pytest.mark.parametrize(
    ("payload", "says"),
    [
        ("", "CRC field 63"),
        ("000201", "CRC field 63"),
        ("0002010102123800", "announces 0"),
        ("0002010102123899", "announces 99"),
        ("000201xx", "2-digit ID"),
        ("6304ABCD", "CRC is"),
    ],
)
def test_malformed_payloads_are_refused_with_a_clear_message(payload: str, says: str) -> None:
    with pytest.raises(VietQRMalformed, match=says):
        parse_payload(payload)


def sealed(body: str) -> str:
    return body + "6304" + crc16(body + "6304")


def test_a_code_of_another_scheme_or_currency_is_not_a_vietqr_code() -> None:
    published_body = PUBLISHED[:-8]
    with pytest.raises(VietQRMalformed, match="NAPAS"):
        parse_payload(sealed(published_body.replace("A000000727", "A000000728")))
    with pytest.raises(VietQRMalformed, match="704"):
        parse_payload(sealed(published_body.replace("5303704", "5303840")))
    with pytest.raises(VietQRMalformed, match="twice"):
        parse_payload(sealed(published_body + "5802VN"))


def test_the_png_scans_back_to_the_same_payload() -> None:
    code = order_code(merchant_name="Cà phê Đà Lạt", city="Đà Lạt", purpose="Đơn hàng")
    png = qr_png(code, scale=4)
    assert Image.open(io.BytesIO(png)).format == "PNG"
    assert scan(png) == code
    assert parse_payload(scan(png)).amount == 187_000


def test_the_svg_is_a_standalone_svg_document_sized_by_scale() -> None:
    small, large = qr_svg(order_code(), scale=2), qr_svg(order_code(), scale=8)
    root = ElementTree.fromstring(large)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert int(root.get("width", "0")) == 4 * int(ElementTree.fromstring(small).get("width", "0"))


references = st.text("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789abcxyz", min_size=1, max_size=25)
accounts = st.text("0123456789", min_size=6, max_size=19)


@given(amount=st.integers(1, 10**12), reference=references, account=accounts,
       bank_bin=st.from_regex(r"\A97[0-9]{4}\Z"))
def test_every_code_we_build_reads_back_as_built(
    amount: int, reference: str, account: str, bank_bin: str
) -> None:
    code = parse_payload(build_payload(bank_bin=bank_bin, account=account, amount=amount,
                                       reference=reference))
    assert (code.bank_bin, code.account, code.amount, code.reference, code.purpose) == (
        bank_bin, account, amount, reference, reference)
    assert code.dynamic and code.service == "account"


@given(amount=st.integers(1, 10**9), position=st.integers(0, 200), char=st.characters(
    min_codepoint=0x20, max_codepoint=0x7E))
def test_any_single_changed_character_is_refused(amount: int, position: int, char: str) -> None:
    code = order_code(amount=amount)
    position %= len(code)
    if char.upper() == code[position].upper():  # the CRC's hex digits are read in any case
        char = "!"  # never in a payload we build
    with pytest.raises(VietQRMalformed):
        parse_payload(code[:position] + char + code[position + 1:])


@pytest.mark.parametrize("amount", [1, 187_000, 25_990_000, 999_999_999_999])
def test_codes_of_any_size_scan_back(amount: int) -> None:
    code = order_code(amount=amount, merchant_name="Siêu thị Điện máy Xanh", city="Hà Nội")
    assert scan(qr_png(code, scale=3)) == code
