"""resourcing/lib/tables.py: the one reader and writer of tables both CSV formats use."""

import pytest

from resourcing.lib import tables
from resourcing.lib.tables import RowError


def test_cell_writes_lists_booleans_and_empty_values():
    assert tables.cell(["cobalt", "lithium"]) == "cobalt;lithium"
    assert tables.cell(("a", "b"), "|") == "a|b"
    assert tables.cell(True) == "true"
    assert tables.cell(False) == "false"
    assert tables.cell(None) == ""
    assert tables.cell(0) == "0"


def test_header_errors_name_missing_repeated_and_unknown_columns():
    errors = tables.header_errors(
        ["code", "code", "colour", ""], columns=["code", "title"], required=["code", "title"]
    )
    assert [str(error) for error in errors] == [
        "row 1, title: required column is missing.",
        "row 1, code: the column appears twice.",
        "row 1, colour: unknown column.",
        "row 1, ?: unknown column.",
    ]


def _read(text, **options):
    return tables.read_csv(
        text,
        check_header=lambda header: tables.header_errors(
            header, columns=["code", "title"], required=["code"]
        ),
        no_rows="no rows.",
        **options,
    )


def test_read_csv_takes_semicolons_skips_blank_lines_and_counts_cells():
    rows, errors = _read("code;title\r\nA;Alpha\r\n;\r\nB\r\n")
    assert rows == [tables.Row(2, {"code": "A", "title": "Alpha"})]
    assert [str(error) for error in errors] == ["row 4: 1 cells, but the header has 2 columns."]
    number, cells = rows[0]
    assert (number, cells["title"]) == (2, "Alpha")


def test_read_csv_stops_at_the_first_row_too_many():
    rows, errors = _read(
        "code\nA\nB\nC\n", max_rows=2, too_many_rows=lambda: [RowError(None, None, "too many.")]
    )
    assert rows == []
    assert [str(error) for error in errors] == ["file: too many."]


def test_read_csv_reports_a_header_without_rows():
    assert _read("code,title\r\n") == ([], [RowError(None, None, "no rows.")])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "file: the file is empty."),
        (b"\xef\xbb\xbf \r\n", "file: the file is empty."),
        (
            b"code\n\xff",
            "file: the file is not UTF-8: byte 0xFF at offset 5 cannot be read. Save it as "
            "\u201cCSV UTF-8\u201d and try again.",
        ),
        (
            b"x" * 11,
            "file: the file is 11 bytes; the limit is 10 bytes (5 MB).",
        ),
    ],
)
def test_decode_refuses_what_cannot_be_read(data, message):
    text, errors = tables.decode(data, max_bytes=10)
    assert (text, [str(error) for error in errors]) == ("", [message])


def test_write_csv_guards_free_text_against_formulas():
    text = tables.csv_text(
        ["code", "note"],
        [{"code": "=A1", "note": "=HYPERLINK(1)"}, {"code": "B", "note": "plain"}],
        cells=lambda row: [row["code"], row["note"]],
        free_text=["note"],
    )
    assert text == "code,note\r\n=A1,'=HYPERLINK(1)\r\nB,plain\r\n"
