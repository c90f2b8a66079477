"""import_roadmap: round trip, idempotence, every bad file refused with row and column."""

import csv
import datetime
import io
import json
import math

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from roadmaps.exports import CANONICAL_COLUMNS, COLUMNS, LANGUAGE_COLUMNS
from roadmaps.imports import MAX_BYTES
from roadmaps.management.commands.import_roadmap import Command as ImportCommand
from roadmaps.models import Milestone, MilestoneUpdate, Status, Target
from tests.factories import (
    dump_content,
    make_group,
    make_milestone,
    make_roadmap,
    make_sector,
    make_target,
    make_theme,
    make_user,
)

pytestmark = pytest.mark.django_db

HEADER = ",".join(COLUMNS).encode()


def _dump() -> str:
    return dump_content()


def _export(slug: str, *options) -> str:
    out = io.StringIO()
    call_command("export_roadmap", slug, *options, stdout=out)
    return out.getvalue()


def _import(path, *options) -> str:
    out = io.StringIO()
    call_command("import_roadmap", str(path), *options, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _write(tmp_path, content, name="roadmap.csv"):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def _blank_updated_at(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    index = rows[0].index("updated_at")
    return [[*row[:index], "", *row[index + 1 :]] for row in rows]


def _edit(text: str, edit) -> str:
    """The CSV with `edit(rows)` applied to its rows (lists of cells, header first)."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    edit(rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _set(row: int, column: str, value: str):
    """An edit setting one cell; `row` numbered as in the error messages (header = 1)."""

    def edit(rows):
        rows[row - 1][COLUMNS.index(column)] = value

    return edit


@pytest.fixture
def small_roadmap(db):
    """Sector A: targets A-1 (two milestones) and A-2 (one); sector B: B-1 with one."""
    industry = make_group(slug="industry", order=2)
    policy = make_group(slug="policy-makers", order=1)
    theme = make_theme(slug="circular-economy")
    sector_a = make_sector(slug="sector-a", order=1)
    roadmap_a = make_roadmap(sector=sector_a)
    a1 = make_target(roadmap=roadmap_a, theme=theme, code="A-1", title="Target one")
    a2 = make_target(
        roadmap=roadmap_a, theme=theme, code="A-2", title="Target two", target_year=2030
    )
    make_milestone(target=a1, code="A-1.1", title="First", groups=[industry, policy])
    make_milestone(
        target=a1,
        code="A-1.2",
        title='Second, with "quotes"',
        description="Line one\nline two; with a semicolon",
        status=Status.IN_PROGRESS,
    )
    make_milestone(target=a2, code="A-2.1", title="Third", groups=[policy])
    sector_b = make_sector(slug="sector-b", order=2)
    b1 = make_target(roadmap=make_roadmap(sector=sector_b), theme=theme, code="B-1")
    make_milestone(target=b1, code="B-1.1")
    return sector_a


# Round trip and idempotence ------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["renewable-energy", "mobility", "electronics"])
def test_import_round_trip_of_each_sector_gives_the_same_export(tmp_path, slug):
    call_command("loaddata", "resourcing", verbosity=0)
    exported = _export(slug)
    path = _write(tmp_path, exported, name=f"{slug}.csv")
    statuses = dict(
        Milestone.objects.filter(target__roadmap__sector__slug=slug).values_list("code", "status")
    )
    # Test-only clean-up: the application never deletes history (on_delete=PROTECT).
    MilestoneUpdate.objects.filter(milestone__target__roadmap__sector__slug=slug).delete()
    Target.objects.filter(roadmap__sector__slug=slug).delete()

    summary = _import(path)

    again = _export(slug)
    assert _blank_updated_at(again) == _blank_updated_at(exported)
    assert again.count("\n") == exported.count("\n")
    targets = len({row[1] for row in _blank_updated_at(exported)[1:]})
    assert summary == (
        f"Targets: created {targets}, updated 0, unchanged 0; "
        f"milestones: created {len(statuses)}, updated 0, unchanged 0.\n"
    )
    changed = {code: status for code, status in statuses.items() if status != Status.NOT_STARTED}
    updates = MilestoneUpdate.objects.filter(milestone__target__roadmap__sector__slug=slug)
    assert {u.milestone.code: u.status_after for u in updates} == changed
    assert {u.note for u in updates} <= {f"Imported from {slug}.csv"}
    assert {u.status_before for u in updates} <= {Status.NOT_STARTED}


def test_import_of_an_unchanged_export_changes_nothing(tmp_path, small_roadmap):
    path = _write(tmp_path, _export("sector-a"))
    before = _dump()

    summary = _import(path)

    assert summary == (
        "Targets: created 0, updated 0, unchanged 2; milestones: created 0, updated 0, "
        "unchanged 3.\n"
    )
    assert _dump() == before


def test_import_twice_changes_nothing_the_second_time(tmp_path, small_roadmap):
    path = _write(tmp_path, _edit(_export("sector-a"), _set(2, "title", "First, renamed")))
    _import(path)
    after_first = _dump()

    summary = _import(path)

    assert summary.startswith(
        "Targets: created 0, updated 0, unchanged 2; milestones: created 0, updated 0"
    )
    assert _dump() == after_first


def test_import_of_the_excel_variant_changes_nothing(tmp_path, small_roadmap):
    rows = list(csv.reader(io.StringIO(_export("sector-a"), newline="")))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_ALL).writerows(rows)
    path = _write(tmp_path, b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))
    before = _dump()

    summary = _import(path)

    assert summary.endswith("milestones: created 0, updated 0, unchanged 3.\n")
    assert _dump() == before


def test_import_of_the_json_export_changes_nothing(tmp_path, small_roadmap):
    path = _write(tmp_path, _export("sector-a", "--format", "json"), name="roadmap.json")
    before = _dump()

    summary = _import(path)

    assert summary.endswith("milestones: created 0, updated 0, unchanged 3.\n")
    assert _dump() == before


# Writes ----------------------------------------------------------------------------------------


def test_import_status_change_goes_through_the_service_with_note_and_author(
    tmp_path, small_roadmap
):
    author = make_user(username="importer", superuser=True)
    path = _write(tmp_path, _edit(_export("sector-a"), _set(2, "status", "achieved")), "june.csv")

    summary = _import(path, "--author", "importer")

    milestone = Milestone.objects.get(code="A-1.1")
    assert (milestone.status, milestone.version) == ("achieved", 2)
    update = MilestoneUpdate.objects.get(milestone=milestone)
    assert (update.status_before, update.status_after, update.note, update.author) == (
        "not_started",
        "achieved",
        "Imported from june.csv",
        author,
    )
    assert summary.endswith("milestones: created 0, updated 1, unchanged 2.\n")


def test_import_note_survives_a_hostile_file_name(small_roadmap):
    from roadmaps.imports import import_file

    data = _edit(_export("sector-a"), _set(2, "status", "achieved")).encode("utf-8")
    name = "june\x0b" + "x" * 3000 + ".csv"

    import_file(data, source_name=name)

    update = MilestoneUpdate.objects.get(milestone__code="A-1.1")
    assert update.note.startswith("Imported from junexxx")
    assert "\x0b" not in update.note
    assert len(update.note) == len("Imported from ") + 200


def test_import_content_change_moves_updated_at_of_that_row_only(tmp_path, small_roadmap):
    before = dict(Milestone.objects.values_list("code", "updated_at"))
    path = _write(tmp_path, _edit(_export("sector-a"), _set(3, "description", "New text")))

    _import(path)

    after = dict(Milestone.objects.values_list("code", "updated_at"))
    assert [code for code in before if before[code] != after[code]] == ["A-1.2"]
    milestone = Milestone.objects.get(code="A-1.2")
    # Issue 9: a content change is a new version (it was 1: an admin form read before the
    # import could overwrite it).
    assert (milestone.description, milestone.version, milestone.status) == (
        "New text",
        2,
        "in_progress",
    )
    assert MilestoneUpdate.objects.count() == 0


def test_import_creates_an_unknown_target_on_the_current_roadmap(tmp_path, small_roadmap):
    def add_row(rows):
        row = list(rows[1])
        row[COLUMNS.index("target")] = "A-9"
        row[COLUMNS.index("target_title")] = "A new target"
        row[COLUMNS.index("target_year")] = "2040"
        row[COLUMNS.index("code")] = "A-9.1"
        row[COLUMNS.index("status")] = "at_risk"
        rows.append(row)

    path = _write(tmp_path, _edit(_export("sector-a"), add_row))

    summary = _import(path)

    target = Target.objects.get(code="A-9")
    assert (target.roadmap.sector.slug, target.title, target.target_year, target.theme.slug) == (
        "sector-a",
        "A new target",
        2040,
        "circular-economy",
    )
    milestone = Milestone.objects.get(code="A-9.1")
    assert (milestone.status, milestone.version, milestone.target) == ("at_risk", 2, target)
    assert sorted(g.slug for g in milestone.stakeholder_groups.all()) == [
        "industry",
        "policy-makers",
    ]
    assert list(MilestoneUpdate.objects.values_list("status_before", "status_after")) == [
        ("not_started", "at_risk")
    ]
    assert summary == (
        "Targets: created 1, updated 0, unchanged 2; "
        "milestones: created 1, updated 0, unchanged 3.\n"
    )


def test_import_dry_run_reports_a_changed_title_and_writes_nothing(tmp_path, small_roadmap):
    path = _write(tmp_path, _edit(_export("sector-a"), _set(2, "title", "First, renamed")))
    before = _dump()

    output = _import(path, "--dry-run")

    assert output == (
        "would update milestone A-1.1: title\n"
        "Dry run, nothing written. Targets: created 0, updated 0, unchanged 2; "
        "milestones: created 0, updated 1, unchanged 2.\n"
    )
    assert _dump() == before


def test_import_no_progress_counter_when_stderr_is_not_a_terminal(tmp_path, small_roadmap):
    path = _write(tmp_path, _export("sector-a"))
    err = io.StringIO()

    call_command("import_roadmap", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue() == ""


def test_import_shows_a_progress_counter_when_stderr_is_a_terminal(tmp_path, small_roadmap):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    path = _write(tmp_path, _export("sector-a"))
    err = Terminal()

    call_command("import_roadmap", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue() == "\r3/3 milestones\n"


def test_import_dry_run_lists_the_fields_of_a_new_milestone(tmp_path, small_roadmap):
    path = _write(tmp_path, _edit(_export("sector-a"), _set(4, "code", "A-2.9")))

    output = _import(path, "--dry-run")

    assert output.splitlines()[0] == (
        "would create milestone A-2.9: target, code, title, description, due_date, status, "
        "stakeholder_groups, provenance, source_title, source_url"
    )
    assert not Milestone.objects.filter(code="A-2.9").exists()


# The bad-file corpus: exit code 1, row and column named, database unchanged -----------------


def _bad_files():
    """(id, how to make the file from sector A's export, expected message) per bad file."""
    q = "\u201c{}\u201d".format  # the quotes around a value in the messages
    yield (
        "due-date-after-2050",
        _set(2, "due_date", "2070-12-31"),
        "row 2, due_date: 2070-12-31 is after 2050-12-31",
    )
    yield (
        "due-date-before-2020",
        _set(3, "due_date", "2019-12-31"),
        "row 3, due_date: 2019-12-31 is before 2020-01-01",
    )
    yield (
        "due-date-malformed",
        _set(2, "due_date", "31/12/2030"),
        f"row 2, due_date: {q('31/12/2030')}: ",
    )
    yield (
        "due-date-impossible",
        _set(2, "due_date", "2030-02-30"),
        f"row 2, due_date: {q('2030-02-30')}: ",
    )
    yield (
        "target-year-after-2050",
        _set(4, "target_year", "2070"),
        "row 4, target_year: 2070 is after 2050",
    )
    yield (
        "target-year-not-a-number",
        _set(4, "target_year", "soon"),
        f"row 4, target_year: {q('soon')}: ",
    )
    yield (
        "unknown-sector",
        _set(2, "sector", "mining"),
        f"row 2, sector: unknown sector {q('mining')}.",
    )
    yield "unknown-theme", _set(4, "theme", "space"), f"row 4, theme: unknown theme {q('space')}."
    yield (
        "unknown-group",
        _set(2, "stakeholder_groups", "industry;farmers"),
        f"row 2, stakeholder_groups: unknown stakeholder group {q('farmers')}.",
    )
    yield "unknown-status", _set(2, "status", "done"), f"row 2, status: unknown value {q('done')}."
    yield (
        "unknown-provenance",
        _set(2, "provenance", "rumour"),
        f"row 2, provenance: unknown value {q('rumour')}.",
    )
    yield (
        "javascript-url",
        _set(2, "source_url", "javascript:alert(1)"),
        f"row 2, source_url: {q('javascript:alert(1)')}: "
        "Enter a web address starting with http:// or https://.",
    )
    yield (
        "ftp-url",
        _set(3, "source_url", "ftp://example.org/file"),
        f"row 3, source_url: {q('ftp://example.org/file')}: Enter a web address",
    )
    yield "blank-title", _set(2, "title", ""), "row 2, title: is required."
    yield (
        "nul-byte",
        _set(2, "sector", "sector-a\x00"),
        "row 2, sector: contains a NUL byte (0x00), which cannot be stored.",
    )
    yield (
        "bad-code",
        _set(2, "code", "A 1/1"),
        "row 2, code: ",
    )
    yield "duplicate-code", _set(3, "code", "A-1.1"), "row 3, code: A-1.1 also appears in row 2."
    yield (
        "target-title-conflict",
        _set(3, "target_title", "Another title"),
        f"row 3, target_title: {q('Another title')} differs from row 2 ({q('Target one')}) "
        "for target A-1.",
    )
    yield (
        "target-of-another-sector",
        _set(4, "target", "B-1"),
        "row 4, target: B-1 belongs to sector sector-b.",
    )
    yield (
        "milestone-of-another-sector",
        _set(4, "code", "B-1.1"),
        "row 4, code: B-1.1 belongs to sector sector-b.",
    )

    def drop_title(rows):
        index = COLUMNS.index("title")
        for row in rows:
            del row[index]

    yield "missing-column", drop_title, "row 1, title: required column is missing."

    def short_row(rows):
        del rows[2][-3:]

    yield "short-row", short_row, "row 3: 28 cells, but the header has 31 columns."


@pytest.mark.parametrize(
    ("edit", "message"), [case[1:] for case in _bad_files()], ids=[case[0] for case in _bad_files()]
)
def test_import_bad_file_is_refused_with_row_and_column(tmp_path, small_roadmap, edit, message):
    path = _write(tmp_path, _edit(_export("sector-a"), edit))
    before = _dump()

    with pytest.raises(CommandError) as excinfo:
        _import(path)

    assert excinfo.value.returncode == 1
    assert message in str(excinfo.value)
    assert str(excinfo.value).startswith("roadmap.csv: ")
    assert str(excinfo.value).splitlines()[0].endswith("nothing was imported:")
    assert _dump() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file: the file is empty."),
        (b"\xef\xbb\xbf\r\n  \r\n", "file: the file is empty."),
        (
            HEADER + b"\r\n",
            "file: the file has a header but no milestone rows.",
        ),
        (
            HEADER + b"\r\nsector-a,A-1,Caf\xe9",
            f"file: the file is not UTF-8: byte 0xE9 at offset {len(HEADER) + 18} cannot be "
            "read. Save it as \u201cCSV UTF-8\u201d and try again.",
        ),
        (b'{"count": 0, "results": []}', 'file: the "results" list is empty.'),
        (b'{"count": 1, "results": [', "file: the file is not valid JSON: "),
    ],
    ids=["empty", "bom-and-blank-lines", "header-only", "not-utf8", "json-empty", "json-broken"],
)
def test_import_unreadable_file_is_refused(tmp_path, small_roadmap, content, message):
    path = _write(tmp_path, content)
    before = _dump()

    with pytest.raises(CommandError) as excinfo:
        _import(path)

    assert excinfo.value.returncode == 1
    assert message in str(excinfo.value)
    assert _dump() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"[" * 100_000 + b"]" * 100_000,
            "file: the file is not valid JSON: it is nested too deeply.",
        ),
        (
            b'{"results": ' + b"[" * 5000 + b"]" * 5000 + b"}",
            "file: the file is not valid JSON: it is nested too deeply.",
        ),
        (b"42", "row 1: this is not the roadmap CSV header; the first row must name the columns "),
        (b"null\n", "row 1: this is not the roadmap CSV header;"),
        (b"\x00" * 100, "row 1: this is not the roadmap CSV header;"),
    ],
    ids=["json-deep-list", "json-deep-results", "json-number", "json-null", "nul-bytes"],
)
def test_import_hostile_file_is_refused_with_one_message(tmp_path, small_roadmap, content, message):
    path = _write(tmp_path, content)
    before = _dump()

    with pytest.raises(CommandError) as excinfo:
        _import(path)

    assert excinfo.value.returncode == 1
    assert message in str(excinfo.value)
    assert str(excinfo.value).startswith("roadmap.csv: 1 problem(s), nothing was imported:\n")
    assert _dump() == before


def test_import_csv_bomb_of_many_columns_lists_100_problems_and_counts_the_rest(
    tmp_path, small_roadmap
):
    extra = [f"c{index}" for index in range(200_000)]
    header = ",".join([*COLUMNS, *extra])
    path = _write(tmp_path, header + "\r\n" + "," * (len(COLUMNS) + len(extra) - 1) + "\r\n")
    before = _dump()

    with pytest.raises(CommandError) as excinfo:
        _import(path)

    lines = str(excinfo.value).splitlines()
    assert lines[0] == "roadmap.csv: 101 problem(s), nothing was imported:"
    assert lines[1:3] == ["row 1, c0: unknown column.", "row 1, c1: unknown column."]
    assert lines[100] == "row 1, c99: unknown column."
    assert lines[101] == "file: 199900 more problems are not listed."
    assert _dump() == before


def test_import_file_over_5_mb_is_refused_before_reading(tmp_path, small_roadmap):
    export = _export("sector-a")
    path = _write(tmp_path, export + " " * (MAX_BYTES + 1 - len(export.encode())))
    before = _dump()

    with pytest.raises(CommandError) as excinfo:
        _import(path)

    assert str(excinfo.value) == (
        f"roadmap.csv: file: the file is {MAX_BYTES + 1} bytes; the limit is {MAX_BYTES} bytes "
        "(5 MB). Nothing was imported."
    )
    assert _dump() == before


def test_import_new_target_in_a_sector_without_current_roadmap_is_refused(tmp_path, small_roadmap):
    make_sector(slug="sector-c")

    def move_to_sector_c(rows):
        del rows[2:]
        for column, value in [("sector", "sector-c"), ("target", "C-1"), ("code", "C-1.1")]:
            _set(2, column, value)(rows)

    path = _write(tmp_path, _edit(_export("sector-a"), move_to_sector_c))
    before = _dump()

    with pytest.raises(CommandError) as excinfo:
        _import(path)

    assert str(excinfo.value).splitlines()[1:] == [
        "row 2, sector: sector-c has no current roadmap to add target C-1 to."
    ]
    assert _dump() == before


def test_import_reports_every_problem_not_just_the_first(tmp_path, small_roadmap):
    edits = [_set(2, "due_date", "2070-12-31"), _set(3, "status", "done"), _set(4, "theme", "x")]
    path = _write(tmp_path, _edit(_export("sector-a"), lambda rows: [e(rows) for e in edits]))

    with pytest.raises(CommandError) as excinfo:
        _import(path)

    assert str(excinfo.value).splitlines()[1:] == [
        "row 2, due_date: 2070-12-31 is after 2050-12-31",
        "row 3, status: unknown value \u201cdone\u201d.",
        "row 4, theme: unknown theme \u201cx\u201d.",
    ]


def test_import_from_the_command_line_exits_1_without_traceback(
    tmp_path, small_roadmap, capsys, monkeypatch
):
    path = _write(tmp_path, _edit(_export("sector-a"), _set(2, "due_date", "2070-12-31")))
    # run_from_argv closes connections at the end; the test's transaction needs this one.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    with pytest.raises(SystemExit) as excinfo:
        ImportCommand().run_from_argv(["manage.py", "import_roadmap", str(path)])

    assert excinfo.value.code == 1
    err = capsys.readouterr().err
    assert err == (
        "CommandError: roadmap.csv: 1 problem(s), nothing was imported:\n"
        "row 2, due_date: 2070-12-31 is after 2050-12-31\n"
    )
    assert "Traceback" not in err


def test_import_json_rows_are_numbered_from_1(tmp_path, small_roadmap):
    document = json.loads(_export("sector-a", "--format", "json"))
    document["results"][1]["status"] = "done"
    path = _write(tmp_path, json.dumps(document), name="roadmap.json")

    with pytest.raises(CommandError) as excinfo:
        _import(path)

    assert "row 2, status: unknown value \u201cdone\u201d." in str(excinfo.value)


# The public CSV of a filtered list is the same format ------------------------------------------


def test_import_public_csv_of_a_filtered_list_imports_cleanly(client, tmp_path, small_roadmap):
    response = client.get(
        "/sectors/sector-a/milestones/", {"format": "csv", "status": "in_progress"}
    )
    assert response.status_code == 200
    path = _write(tmp_path, response.content)
    before = _dump()

    summary = _import(path)

    assert summary == (
        "Targets: created 0, updated 0, unchanged 1; "
        "milestones: created 0, updated 0, unchanged 1.\n"
    )
    assert _dump() == before


# Imports at the same time ----------------------------------------------------------------------


def _new_target_file(title_prefix: str) -> bytes:
    # The canonical columns only (no language columns): such a file imports as before.
    rows = [",".join(CANONICAL_COLUMNS)]
    for number in range(1, 4):
        rows.append(
            f"sector-a,A-9,New target,circular-economy,2040,A-9.{number},"
            f"{title_prefix} {number},,2030-12-31,not_started,industry,roadmap,Source,"
            "https://example.org/source,false,,,,false"
        )
    return ("\r\n".join(rows) + "\r\n").encode()


@pytest.mark.django_db(transaction=True)
def test_import_two_at_once_run_one_after_the_other(small_roadmap):
    if connections["default"].vendor != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL (SQLite's immediate transactions queue them)")
    import threading

    from roadmaps.imports import import_file

    first_writing, results = threading.Event(), {}

    def run(name, data, progress=None):
        try:
            results[name] = import_file(data, source_name=name, progress=progress).counts()
        except Exception as exc:
            results[name] = exc
        finally:
            connections.close_all()

    def slow_progress(done, total):
        first_writing.set()
        threading.Event().wait(0.3)  # the second import starts while this one writes

    first = threading.Thread(target=run, args=("a.csv", _new_target_file("A"), slow_progress))
    first.start()
    first_writing.wait(10)
    second = threading.Thread(target=run, args=("b.csv", _new_target_file("B")))
    second.start()
    first.join(30)
    second.join(30)

    # The second planned against what the first had written: updates, no duplicate, no error.
    assert results["a.csv"]["target"] == {"create": 1, "update": 0, "unchanged": 0}
    assert results["a.csv"]["milestone"] == {"create": 3, "update": 0, "unchanged": 0}
    assert results["b.csv"]["target"] == {"create": 0, "update": 0, "unchanged": 1}
    assert results["b.csv"]["milestone"] == {"create": 0, "update": 3, "unchanged": 0}
    assert Target.objects.filter(code="A-9").count() == 1
    titles = Milestone.objects.filter(code__startswith="A-9.").values_list("title", flat=True)
    assert sorted(titles) == ["B 1", "B 2", "B 3"]


def test_import_code_created_by_someone_else_meanwhile_is_a_clear_error(
    tmp_path, small_roadmap, monkeypatch
):
    from roadmaps import imports

    validate = imports.validate

    def validate_then_someone_creates_the_target(data):
        plan = validate(data)
        make_target(roadmap=small_roadmap.roadmaps.get(), code="A-9")
        return plan

    monkeypatch.setattr(imports, "validate", validate_then_someone_creates_the_target)
    path = _write(tmp_path, _new_target_file("A"))
    before = _dump()

    with pytest.raises(CommandError) as excinfo:
        _import(path)

    assert str(excinfo.value) == (
        "roadmap.csv: 1 problem(s), nothing was imported:\n"
        "file: a target or milestone of this file was created by someone else during the "
        "import; nothing was written: try again."
    )
    assert _dump() == before


def test_import_signed_numbers_and_inner_formula_characters_round_trip_as_they_are(
    tmp_path, small_roadmap
):
    # Text starting like a formula is refused at input (tests/test_hardening.py); plain signed
    # numbers and = + - @ after the first character are ordinary text and travel unchanged.
    Milestone.objects.filter(code="A-1.1").update(title="-30 %")
    Milestone.objects.filter(code="A-2.1").update(description="Emissions -30 %\n@home +5 GW")
    exported = _export("sector-a")
    path = _write(tmp_path, exported)
    before = _dump()

    summary = _import(path)

    assert ",-30 %," in exported
    assert '"Emissions -30 %\n@home +5 GW"' in exported
    assert "milestones: created 0, updated 0, unchanged 3." in summary
    assert _dump() == before
    assert _export("sector-a") == exported


# Issue 11: re-datings, project events, enablers ----------------------------------------------


def test_import_due_date_change_is_a_deadline_change_with_the_file_as_reason(
    tmp_path, small_roadmap
):
    author = make_user(username="importer", superuser=True)
    edits = [_set(2, "due_date", "2032-12-31"), _set(2, "status", "at_risk")]
    path = _write(
        tmp_path, _edit(_export("sector-a"), lambda rows: [e(rows) for e in edits]), "july.csv"
    )

    summary = _import(path, "--author", "importer")

    milestone = Milestone.objects.get(code="A-1.1")
    assert (milestone.due_date.isoformat(), milestone.status, milestone.version) == (
        "2032-12-31",
        "at_risk",
        3,
    )
    rows = list(MilestoneUpdate.objects.filter(milestone=milestone).order_by("created_at", "pk"))
    assert [
        (r.kind, r.due_date_before, r.due_date_after, r.status_before, r.status_after, r.note)
        for r in rows
    ] == [
        (
            "deadline",
            datetime.date(2030, 12, 31),
            datetime.date(2032, 12, 31),
            "not_started",
            "not_started",
            "Imported from july.csv",
        ),
        ("status", None, None, "not_started", "at_risk", "Imported from july.csv"),
    ]
    assert {r.author for r in rows} == {author}
    assert summary.endswith("milestones: created 0, updated 1, unchanged 2.\n")


def test_import_file_without_project_event_column_keeps_existing_values(tmp_path, small_roadmap):
    Milestone.objects.filter(code="A-1.1").update(is_project_event=True)
    exported = _export("sector-a")

    def drop_project_event_and_add_a_row(rows):
        index = rows[0].index("project_event")
        for row in rows:
            del row[index]
        rows.append([*rows[1][:5], "A-1.9", "New", "", *rows[1][8:]])

    path = _write(tmp_path, _edit(exported, drop_project_event_and_add_a_row))

    summary = _import(path)

    flags = dict(
        Milestone.objects.filter(code__startswith="A-").values_list("code", "is_project_event")
    )
    assert flags == {"A-1.1": True, "A-1.2": False, "A-2.1": False, "A-1.9": False}
    assert summary.endswith("milestones: created 1, updated 0, unchanged 3.\n")


def test_import_project_event_column_sets_the_flag(tmp_path, small_roadmap):
    path = _write(tmp_path, _edit(_export("sector-a"), _set(3, "project_event", "true")))

    summary = _import(path)

    assert Milestone.objects.get(code="A-1.2").is_project_event is True
    # A content change: update_milestone_content bumps the version (issue 9), no history row.
    assert Milestone.objects.get(code="A-1.2").version == 2
    assert not MilestoneUpdate.objects.filter(milestone__code="A-1.2").exists()
    assert summary.endswith("milestones: created 0, updated 1, unchanged 2.\n")


def test_import_bad_project_event_or_target_year_is_refused_with_row_and_column(
    tmp_path, small_roadmap
):
    edits = [_set(2, "project_event", "yes"), _set(4, "target_year", "soon")]
    path = _write(tmp_path, _edit(_export("sector-a"), lambda rows: [e(rows) for e in edits]))
    before = _dump()

    with pytest.raises(CommandError) as excinfo:
        _import(path)

    assert "row 2, project_event: must be true or false." in str(excinfo.value)
    assert "row 4, target_year: " in str(excinfo.value)
    assert _dump() == before


def test_import_empty_target_year_creates_an_enabler_and_exports_it_empty(tmp_path, small_roadmap):
    def new_enabler(rows):
        rows.append(
            [
                "sector-a",
                "A-9",
                "Level playing field",
                "circular-economy",
                "",
                "A-9.1",
                "Same standards",
                "",
                "2030-12-31",
                "not_started",
                "industry",
                "roadmap",
                "Source",
                "https://example.org/source",
                "",
                "",
                "",
                "",
                "false",
                *[""] * len(LANGUAGE_COLUMNS),
            ]
        )

    _import(_write(tmp_path, _edit(_export("sector-a"), new_enabler)))

    assert Target.objects.get(code="A-9").target_year is None
    exported = list(csv.DictReader(io.StringIO(_export("sector-a"))))
    assert [(r["target"], r["target_year"]) for r in exported if r["code"] == "A-9.1"] == [
        ("A-9", "")
    ]


# Bulk writes invalidate once (issue 9, defect 4) -----------------------------------------------


def _new_rows(count: int, first: int = 1) -> bytes:
    rows = [list(COLUMNS)]
    for n in range(first, first + count):
        row = dict.fromkeys(COLUMNS, "")
        row.update(
            sector="sector-a",
            target="A-7",
            target_title="Bulk target",
            theme="circular-economy",
            target_year="2040",
            code=f"A-7.{n}",
            title=f"Bulk milestone {n}",
            due_date="2035-12-31",
            status="in_progress",
            stakeholder_groups="industry;policy-makers",
            provenance="illustrative",
            source_title="Bulk source",
            source_url="https://example.org/bulk",
        )
        rows.append([row[column] for column in COLUMNS])
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def _import_counting(data: bytes):
    from django.test.utils import CaptureQueriesContext

    from roadmaps.imports import import_file

    with CaptureQueriesContext(connections["default"]) as captured:
        import_file(data, source_name="bulk.csv")
    version_updates = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith("UPDATE") and "dataversion" in query["sql"]
    ]
    return len(captured.captured_queries), len(version_updates)


def test_import_of_50_new_milestones_bumps_the_data_version_once(small_roadmap):
    from pagecache.models import DataVersion

    before = DataVersion.objects.get().version

    _queries, version_updates = _import_counting(_new_rows(50))

    assert version_updates == 1
    assert DataVersion.objects.get().version == before + 1
    assert Milestone.objects.filter(code__startswith="A-7.", status="in_progress").count() == 50
    assert MilestoneUpdate.objects.filter(note="Imported from bulk.csv").count() == 50


def test_import_queries_per_new_milestone_with_a_status_change_are_fixed(small_roadmap):
    # Issue 18: none per row. The services' bulk writer (write_milestones) INSERTs the
    # milestones, their stakeholder groups and their history rows a chunk at a time (one
    # INSERT each, batched within SQLite's limit on parameters); the file's fixed part (the
    # lookups, the target, the counters' recount, the one data-version UPDATE) does not grow
    # with rows. Before issue 9: about 14 per row, 4 of them data-version UPDATEs; issue 9: 9.
    _import_counting(_new_rows(1))  # the target exists from here on

    ten, _ = _import_counting(_new_rows(10, first=100))
    fifty, _ = _import_counting(_new_rows(50, first=200))

    # SQLite takes at most 999 parameters a statement, so Django splits a bulk INSERT of the
    # milestones (their columns grew with the translations) into batches: one more INSERT
    # per batch, none per row. PostgreSQL takes the whole chunk in one INSERT.
    assert fifty - ten == _insert_batches(50) - _insert_batches(10)


def _insert_batches(rows: int) -> int:
    from django.db import connection

    fields = [field for field in Milestone._meta.concrete_fields if not field.primary_key]
    batch = connection.ops.bulk_batch_size(fields, [None] * rows)
    return math.ceil(rows / batch)


# Issue 18: the bulk writer -------------------------------------------------------------------


def test_bulk_import_writes_the_rows_and_history_of_the_one_by_one_writers_and_counts_them(
    tmp_path, small_roadmap
):
    from resourcing.lib.dates import today
    from roadmaps import counters
    from roadmaps.models import ProgressCounter
    from roadmaps.progress import progress_by, progress_of
    from tests.factories import make_mineral, make_stage

    author = make_user(username="importer", superuser=True)
    mining = make_stage(slug="mining", order=1, milestones=[Milestone.objects.get(code="A-1.2")])
    recycling = make_stage(slug="recycling", order=2)
    lithium = make_mineral(slug="lithium")

    def edits(rows):
        # re-dated, a new status, placed at a stage and concerning a mineral.
        _set(2, "due_date", "2033-06-30")(rows)
        _set(2, "status", "at_risk")(rows)
        _set(2, "stages", "recycling")(rows)
        _set(2, "minerals", "lithium")(rows)
        # new content and groups, taken off its stage.
        _set(3, "description", "Rewritten")(rows)
        _set(3, "stakeholder_groups", "industry")(rows)
        _set(3, "stages", "")(rows)
        # unchanged; new, achieved, at two stages.
        new = list(rows[1])
        new[COLUMNS.index("code")] = "A-1.9"
        new[COLUMNS.index("title")] = "Ninth"
        new[COLUMNS.index("status")] = "achieved"
        new[COLUMNS.index("due_date")] = "2026-03-31"
        new[COLUMNS.index("stages")] = "mining;recycling"
        new[COLUMNS.index("minerals")] = ""
        rows.append(new)

    path = _write(tmp_path, _edit(_export("sector-a"), edits), "bulk.csv")

    summary = _import(path, "--author", "importer")

    assert summary.endswith("milestones: created 1, updated 2, unchanged 1.\n")
    rows = {
        m.code: m
        for m in Milestone.objects.filter(target__roadmap__sector=small_roadmap).prefetch_related(
            "stakeholder_groups", "stages", "minerals"
        )
    }
    # The versions of update_milestone_content, record_deadline_change and
    # record_status_update one after the other: one each for content, re-dating and status.
    assert {code: (m.version, m.status, m.due_date.isoformat()) for code, m in rows.items()} == {
        "A-1.1": (4, "at_risk", "2033-06-30"),
        "A-1.2": (2, "in_progress", "2030-12-31"),
        "A-2.1": (1, "not_started", "2030-12-31"),
        "A-1.9": (2, "achieved", "2026-03-31"),
    }
    assert rows["A-1.2"].description == "Rewritten"
    assert [g.slug for g in rows["A-1.2"].stakeholder_groups.all()] == ["industry"]
    assert {code: sorted(s.slug for s in m.stages.all()) for code, m in rows.items()} == {
        "A-1.1": ["recycling"],
        "A-1.2": [],
        "A-2.1": [],
        "A-1.9": ["mining", "recycling"],
    }
    assert [m.slug for m in rows["A-1.1"].minerals.all()] == ["lithium"]
    history = [
        (
            u.milestone.code,
            u.kind,
            u.due_date_before and u.due_date_before.isoformat(),
            u.due_date_after and u.due_date_after.isoformat(),
            u.status_before,
            u.status_after,
            u.note,
            u.author,
        )
        for u in MilestoneUpdate.objects.select_related("milestone").order_by(
            "milestone__code", "created_at", "pk"
        )
    ]
    assert history == [
        ("A-1.1", "deadline", "2030-12-31", "2033-06-30", "not_started", "not_started",
         "Imported from bulk.csv", author),
        ("A-1.1", "status", None, None, "not_started", "at_risk", "Imported from bulk.csv",
         author),
        ("A-1.9", "status", None, None, "not_started", "achieved", "Imported from bulk.csv",
         author),
    ]  # fmt: skip
    # The progress counters are what a recount from the milestones gives, stages included,
    # and today's progress read from them is the full computation's.
    stored = ProgressCounter.objects.values_list(*counters.COLUMNS, "milestones")
    assert {tuple(row[:-1]): row[-1] for row in stored} == +counters.tally(Milestone.objects.all())
    milestones = Milestone.objects.in_sector(small_roadmap)
    rows_of_sector = ProgressCounter.objects.in_sector(small_roadmap)
    assert progress_of(milestones, today(), counters=rows_of_sector) == progress_of(
        milestones, today()
    )
    by_stage = progress_by(milestones, "stages", today(), counters=rows_of_sector, totals=True)
    assert by_stage == progress_by(milestones, "stages", today(), totals=True)
    assert {key: progress.total for key, progress in by_stage.items()} == {
        None: 2,
        mining.pk: 1,
        recycling.pk: 2,
    }
    assert lithium.milestones.count() == 1


def test_bulk_import_of_a_milestone_changed_meanwhile_writes_nothing(small_roadmap):
    from roadmaps.imports import ImportFailed, apply_plan, validate

    data = _edit(_export("sector-a"), _set(3, "status", "achieved")).encode()
    data = _edit(data.decode(), _set(2, "title", "Renamed")).encode()
    plan = validate(data)
    # Someone changes after the plan was made (its version moves on).
    Milestone.objects.filter(code="A-1.2").update(version=5)
    before = _dump()

    with pytest.raises(ImportFailed) as excinfo:
        apply_plan(plan, source_name="late.csv")

    assert [(e.row, e.column) for e in excinfo.value.errors] == [(3, "code")]
    assert "A-1.2 was updated by someone else during the import" in excinfo.value.errors[0].message
    assert _dump() == before


def test_a_target_repeated_on_rows_is_refused_on_each_of_them(tmp_path, small_roadmap):
    # Rows 2 and 3 are target A-1's two milestones: its cells are checked once, and the
    # error is still reported under each row that carries them.
    edits = [_set(2, "target_year", "2070"), _set(3, "target_year", "2070")]
    path = _write(tmp_path, _edit(_export("sector-a"), lambda rows: [e(rows) for e in edits]))
    before = _dump()

    with pytest.raises(CommandError) as excinfo:
        _import(path)

    message = str(excinfo.value)
    assert "row 2, target_year: 2070 is after 2050" in message
    assert "row 3, target_year: 2070 is after 2050" in message
    assert "row 4, target_year" not in message
    assert _dump() == before
