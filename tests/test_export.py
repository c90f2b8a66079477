"""export_roadmap: one sector, stable order, byte-identical on repeat, CSV and JSON."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from roadmaps.exports import COLUMNS
from roadmaps.models import Status
from tests.factories import (
    make_group,
    make_milestone,
    make_roadmap,
    make_sector,
    make_target,
    make_theme,
)

pytestmark = pytest.mark.django_db


def _export(*args) -> str:
    out = io.StringIO()
    call_command("export_roadmap", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def sector(db):
    """Targets and milestones created out of order, plus another sector that must not leak."""
    sector = make_sector(slug="sector-a")
    roadmap = make_roadmap(sector=sector, title="Roadmap A", vision="All responsible by 2050.")
    theme = make_theme(slug="social")
    group = make_group(slug="industry")
    t2 = make_target(roadmap=roadmap, theme=theme, code="A-2", title="Two")
    t1 = make_target(roadmap=roadmap, theme=theme, code="A-1", title="One")
    make_milestone(target=t2, code="A-2.1", due_date=None)
    make_milestone(target=t1, code="A-1.2", status=Status.ACHIEVED, groups=[group])
    make_milestone(target=t1, code="A-1.1", title='Say "hello",\nthen go')
    other = make_target(roadmap=make_roadmap(sector=make_sector(slug="sector-b")), code="B-1")
    make_milestone(target=other, code="B-1.1")
    return sector


def test_export_roadmap_csv_is_ordered_by_target_then_milestone_code(sector):
    text = _export("sector-a")

    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == COLUMNS
    assert [(row[1], row[5]) for row in rows[1:]] == [
        ("A-1", "A-1.1"),
        ("A-1", "A-1.2"),
        ("A-2", "A-2.1"),
    ]
    assert rows[1][6] == 'Say "hello",\nthen go'
    assert rows[2][COLUMNS.index("status")] == "achieved"
    assert rows[2][COLUMNS.index("stakeholder_groups")] == "industry"
    assert text.endswith("\r\n")


def test_export_roadmap_is_byte_identical_on_repeat(sector, tmp_path):
    first, second = tmp_path / "1.csv", tmp_path / "2.csv"

    call_command("export_roadmap", "sector-a", "--output", str(first))
    call_command("export_roadmap", "sector-a", "--output", str(second))

    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() == _export("sector-a").encode("utf-8")


def test_export_roadmap_json_has_the_rows_and_the_roadmap_fields(sector):
    document = json.loads(_export("sector-a", "--format", "json"))

    assert document["sector"] == "sector-a"
    assert document["roadmap"] == {
        "slug": "sector-a-2050",
        "title": "Roadmap A",
        "vision": "All responsible by 2050.",
        "horizon_year": 2050,
        "published": None,
        "source_title": "",
        "source_url": "",
    }
    assert document["count"] == 3
    assert [row["code"] for row in document["results"]] == ["A-1.1", "A-1.2", "A-2.1"]
    assert list(document["results"][0]) == COLUMNS
    assert document["results"][1]["stakeholder_groups"] == ["industry"]
    assert document["results"][1]["overdue"] is False


def test_export_roadmap_unknown_sector_is_an_error(sector):
    with pytest.raises(CommandError) as excinfo:
        _export("mining")

    assert str(excinfo.value) == "Unknown sector 'mining'; known sectors: sector-a, sector-b."
