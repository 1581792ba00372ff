"""Reading stock-count files as shops save them: Excel on Vietnamese Windows, Google Sheets."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from o2o.inventory.counts import MAX_ROWS, CountRow, RowError, parse_csv, read_file


def codes(text: str) -> list[tuple[str, str, int]]:
    rows, errors = parse_csv(text)
    assert errors == []
    return [(r.column, r.code, r.counted) for r in rows]


def error_codes(text: str) -> list[tuple[int, str]]:
    return [(e.row, e.code) for e in parse_csv(text)[1]]


def test_comma_separated_skus_are_read_with_their_row_numbers() -> None:
    rows, errors = parse_csv("sku,counted\nAT-DO-M,12\nQJ-30,0\n")

    assert errors == []
    assert rows == [CountRow(2, "sku", "AT-DO-M", 12), CountRow(3, "sku", "QJ-30", 0)]


def test_semicolons_as_excel_saves_them_with_a_bom() -> None:
    text = "\ufeffSKU;Tên sản phẩm;Counted\r\nat-do-m;Áo thun đỏ, size M;7\r\n"

    assert codes(text) == [("sku", "AT-DO-M", 7)]


def test_utf8_bytes_with_or_without_a_bom_read_the_same() -> None:
    text = "barcode;counted\n8935049500148;3\n"

    assert read_file(text.encode()) == read_file(b"\xef\xbb\xbf" + text.encode())
    assert read_file(text.encode())[0] == [CountRow(2, "barcode", "8935049500148", 3)]


def test_a_file_in_another_encoding_is_refused_as_a_whole() -> None:
    rows, errors = read_file("sku;counted\nÁO-1;3\n".encode("cp1258"))

    assert rows == []
    assert [(e.row, e.code) for e in errors] == [(0, "not_utf8")]


def test_a_barcode_wins_over_a_sku_on_the_same_row_and_either_may_be_empty() -> None:
    text = "sku,barcode,counted\nAT-1,8935049500148,4\nAT-2,,5\n,8934563138165,6\n"

    assert codes(text) == [("barcode", "8935049500148", 4), ("sku", "AT-2", 5),
                           ("barcode", "8934563138165", 6)]


def test_blank_rows_and_padding_are_ignored_but_numbering_follows_the_sheet() -> None:
    rows, errors = parse_csv("sku;counted\n\n  AT-1 ; 3 \n;\n\"AT-2\";4\n")

    assert errors == []
    assert [(r.row, r.code, r.counted) for r in rows] == [(3, "AT-1", 3), (5, "AT-2", 4)]


@pytest.mark.parametrize("value", ["-1", "1.5", "1.000", "ba", "", "3 cái", "99999999999",
                                   "10000001"])
def test_a_count_that_is_not_a_whole_number_of_units_is_a_bad_number(value: str) -> None:
    assert error_codes(f"sku;counted\nAT-1;{value}\n") == [(2, "bad_number")]


def test_the_same_code_twice_is_a_duplicate_on_its_second_row() -> None:
    rows, errors = parse_csv("sku;counted\nAT-1;3\nQJ-2;1\nat-1;4\n")

    assert [r.code for r in rows] == ["AT-1", "QJ-2"]
    assert errors == [RowError(4, "duplicate", "AT-1 was already counted on row 2.")]


def test_every_bad_row_is_reported_not_only_the_first() -> None:
    text = "sku;counted\nAT-1;x\n;4\nAT-2;5\nAT-2;6\n"

    assert error_codes(text) == [(2, "bad_number"), (3, "missing_code"), (5, "duplicate")]


@pytest.mark.parametrize("text", ["sku;quantity\nAT-1;3\n", "name;counted\nÁo;3\n",
                                  "AT-1;3\nAT-2;4\n"])
def test_a_header_without_the_needed_columns_refuses_the_file(text: str) -> None:
    assert error_codes(text) == [(1, "missing_column")]


@pytest.mark.parametrize("text", ["", "\ufeff", "\n\n", "sku;counted\n", "sku;counted\n;\n"])
def test_an_empty_file_is_an_error(text: str) -> None:
    assert [code for _, code in error_codes(text)] == ["empty_file"]


def test_a_huge_file_is_cut_short_with_an_error() -> None:
    text = "sku;counted\n" + "".join(f"SP-{i};1\n" for i in range(MAX_ROWS + 5))

    rows, errors = parse_csv(text)

    assert len(rows) == MAX_ROWS
    assert [(e.row, e.code) for e in errors] == [(0, "too_many_rows")]


@given(st.lists(st.tuples(st.from_regex(r"[A-Z0-9][A-Z0-9.-]{0,12}", fullmatch=True),
                          st.integers(0, 10_000_000)),
                unique_by=lambda row: row[0], max_size=30),
       st.sampled_from([",", ";"]), st.booleans())
def test_whatever_a_sheet_writes_is_read_back(rows: list[tuple[str, int]], delimiter: str,
                                             bom: bool) -> None:
    lines = [f"sku{delimiter}counted", *(f"{code}{delimiter}{n}" for code, n in rows)]
    text = ("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n"

    parsed, errors = read_file(text.encode())

    if not rows:
        assert [e.code for e in errors] == ["empty_file"]
        return
    assert errors == []
    assert [(r.code, r.counted) for r in parsed] == rows
