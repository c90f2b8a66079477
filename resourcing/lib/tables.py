"""Reading an uploaded table: the checks every import makes before it looks at a row.

One home for what the roadmap CSV (roadmaps/imports.py) and the indicators CSV
(indicators/imports.py) share: how a problem is reported ("row N, column: message", the header
being row 1), the refusal that writes nothing, the file's size, encoding and emptiness, the
delimiter, the header's columns and each row's cell count. What a row means stays with its
importer.
"""

import csv
import io
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.utils.translation import gettext as _

from resourcing.lib.validators import starts_like_formula

MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: the file as a whole
    column: str | None
    message: str

    def __str__(self):
        if self.row is None:
            return _("file: %(message)s") % {"message": self.message}
        if self.column is None:
            return _("row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("row %(row)s, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class ImportFailed(Exception):
    """The file has problems; nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


class Row(NamedTuple):
    number: int  # the header is row 1
    cells: dict[str, str]


def decode(data: bytes, *, max_bytes: int = MAX_BYTES) -> tuple[str, list[RowError]]:
    """The upload as text (byte-order mark removed), or the one problem that stops reading it."""
    if len(data) > max_bytes:
        return "", [
            RowError(
                None,
                None,
                _("the file is %(size)s bytes; the limit is %(limit)s bytes (5 MB).")
                % {"size": len(data), "limit": max_bytes},
            )
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return "", [
            RowError(
                None,
                None,
                _(
                    "the file is not UTF-8: byte 0x%(byte)02X at offset %(offset)d cannot be "
                    "read. Save it as “CSV UTF-8” and try again."
                )
                % {"byte": data[exc.start], "offset": exc.start},
            )
        ]
    text = text.removeprefix("\ufeff")
    if not text.strip():
        return "", [RowError(None, None, _("the file is empty."))]
    return text, []


def header_errors(
    header: list[str], *, columns: Iterable[str], required: Iterable[str], row: int = 1
) -> list[RowError]:
    """Every missing required column, every column named twice and every unknown one."""
    known = set(columns)
    errors = [
        RowError(row, column, _("required column is missing."))
        for column in required
        if column not in header
    ]
    seen = set()
    for name in header:
        if name in seen:
            errors.append(RowError(row, name, _("the column appears twice.")))
        elif name not in known:
            errors.append(RowError(row, name or "?", _("unknown column.")))
        seen.add(name)
    return errors


def read_csv(
    text: str,
    *,
    check_header: Callable[[list[str]], list[RowError]],
    no_rows: str,
    max_rows: int | None = None,
    too_many_rows: Callable[[], list[RowError]] | None = None,
) -> tuple[list[Row], list[RowError]]:
    """The rows of a comma- or semicolon-separated table as stripped text cells by column.

    `check_header` returns the header's problems; `no_rows` is the message for a file with a
    header and nothing under it. With `max_rows`, reading stops at the first row too many and
    `too_many_rows()` says so. Blank lines (spreadsheets leave them at the end) are skipped.
    """
    header_line = re.match(r"[^\r\n]*", text).group()
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    limit = None if max_rows is None else max_rows + 2
    try:
        records = list(itertools.islice(reader, limit))
    except csv.Error as exc:
        return [], [
            RowError(None, None, _("the file is not valid CSV: %(error)s") % {"error": exc})
        ]
    header = [name.strip() for name in records[0]]
    errors = check_header(header)
    if errors:
        return [], errors
    if max_rows is not None and len(records) > max_rows + 1:
        return [], too_many_rows()
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            errors.append(
                RowError(
                    number,
                    None,
                    _("%(cells)d cells, but the header has %(columns)d columns.")
                    % {"cells": len(record), "columns": len(header)},
                )
            )
            continue
        rows.append(
            Row(number, {name: cell.strip() for name, cell in zip(header, record, strict=True)})
        )
    if not rows and not errors:
        errors.append(RowError(None, None, no_rows))
    return rows, errors


def plan_or_refuse(validate, data: bytes, *, dry_run: bool):
    """Inside an import's transaction: unless it is a dry run, first the lock that runs
    imports one at a time (pagecache.versions.lock_data_version, taken before anything is
    read, so a second import plans against what the first wrote); then `validate(data)`'s
    plan, or ImportFailed with its problems."""
    from pagecache.versions import lock_data_version

    if not dry_run:
        lock_data_version()
    plan = validate(data)
    if plan.errors:
        raise ImportFailed(plan.errors)
    return plan


# Writing a table ------------------------------------------------------------------------------


def cell(value, separator: str = ";") -> str:
    """A JSON value as a CSV cell: lists joined by `separator`, true/false, None as empty."""
    if isinstance(value, list | tuple):
        return separator.join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def write_csv(stream, columns: list[str], rows, *, cells, free_text=()) -> None:
    """The header, then `cells(row)` for each row, CRLF line ends.

    Valid rows never start like a formula (the models refuse it), so the round trip is exact; a
    value in a `free_text` column stored before that rule (or around the models) still cannot
    run in a spreadsheet: it gets the leading apostrophe spreadsheets read as "this is text".
    """
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(columns)
    guarded = [columns.index(column) for column in free_text]
    for row in rows:
        values = cells(row)
        for index in guarded:
            if starts_like_formula(values[index]):
                values[index] = "'" + values[index]
        writer.writerow(values)


def csv_text(columns: list[str], rows, *, cells, free_text=()) -> str:
    stream = io.StringIO()
    write_csv(stream, columns, rows, cells=cells, free_text=free_text)
    return stream.getvalue()
