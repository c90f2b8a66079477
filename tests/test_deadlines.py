"""Deadline changes are history (issue 11): the service, `as_of` with the due date in force,
the milestone page, the sector's slippage, the feed; project events and enablers."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pagecache.versions import current_data_version
from roadmaps.models import Milestone, MilestoneUpdate, Provenance, Status
from roadmaps.progress import progress_of, with_status_as_of
from roadmaps.services import StaleVersionError, record_deadline_change, record_status_update
from tests.factories import (
    at_noon,
    make_deadline_change,
    make_milestone,
    make_roadmap,
    make_sector,
    make_target,
    make_theme,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


# The service ---------------------------------------------------------------------------------


def test_record_deadline_change_writes_due_date_version_and_history():
    milestone = make_milestone(due_date=datetime.date(2025, 8, 18), status=Status.IN_PROGRESS)
    version_before = current_data_version()

    change = record_deadline_change(
        milestone=milestone,
        due_date=datetime.date(2027, 8, 18),
        reason="Postponed by Regulation (EU) 2025/1561.",
        evidence_url="http://data.europa.eu/eli/reg/2025/1561/oj",
        expected_version=1,
        created_at=at_noon("2025-07-31"),
    )

    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.due_date, stored.version, stored.status) == (
        datetime.date(2027, 8, 18),
        2,
        "in_progress",
    )
    assert stored.updated_at == at_noon("2025-07-31")
    row = MilestoneUpdate.objects.get(milestone=milestone)
    assert (row.pk, row.kind, row.due_date_before, row.due_date_after) == (
        change.pk,
        "deadline",
        datetime.date(2025, 8, 18),
        datetime.date(2027, 8, 18),
    )
    # The status at that time, unchanged: "status as of" reads every row alike.
    assert (row.status_before, row.status_after) == ("in_progress", "in_progress")
    assert (row.note, row.evidence_url, row.author) == (
        "Postponed by Regulation (EU) 2025/1561.",
        "http://data.europa.eu/eli/reg/2025/1561/oj",
        None,
    )
    assert row.slip_months == 24
    assert (milestone.due_date, milestone.version) == (datetime.date(2027, 8, 18), 2)
    assert current_data_version()[0] > version_before[0]


def test_record_deadline_change_and_status_update_share_the_version():
    milestone = make_milestone(due_date=datetime.date(2027, 7, 26))
    record_deadline_change(
        milestone=milestone, due_date=datetime.date(2028, 7, 26), reason="a", expected_version=1
    )

    with pytest.raises(StaleVersionError):
        record_status_update(
            milestone=milestone, status="at_risk", note="b", author=None, expected_version=1
        )
    record_status_update(
        milestone=milestone, status="at_risk", note="b", author=None, expected_version=2
    )

    assert Milestone.objects.get(pk=milestone.pk).version == 3


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reason": "  "}, "reason", "Give the reason for the new due date."),
        ({"reason": ""}, "reason", "Give the reason for the new due date."),
        (
            {"due_date": datetime.date(2019, 12, 31)},
            "due_date",
            "2019-12-31 is outside 2020-01-01 to 2050-12-31.",
        ),
        (
            {"due_date": datetime.date(2051, 1, 1)},
            "due_date",
            "2051-01-01 is outside 2020-01-01 to 2050-12-31.",
        ),
        ({"due_date": "2030-12-31"}, "due_date", "Enter a valid date."),
        ({"due_date": datetime.date(2030, 12, 31)}, "due_date", "is already due on 2030-12-31."),
        ({"evidence_url": "ftp://example.org/act"}, "evidence_url", "http"),
    ],
    ids=["blank-reason", "no-reason", "before-2020", "after-2050", "text", "same", "ftp"],
)
def test_record_deadline_change_refuses_bad_input_and_writes_nothing(changes, field, message):
    milestone = make_milestone(due_date=datetime.date(2030, 12, 31))
    version_before = current_data_version()
    arguments = {
        "milestone": milestone,
        "due_date": datetime.date(2031, 12, 31),
        "reason": "Postponed.",
        "evidence_url": "",
        "expected_version": 1,
        **changes,
    }

    with pytest.raises(ValidationError) as excinfo:
        record_deadline_change(**arguments)

    assert list(excinfo.value.message_dict) == [field]
    assert message in " ".join(excinfo.value.message_dict[field])
    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.due_date, stored.version) == (datetime.date(2030, 12, 31), 1)
    assert MilestoneUpdate.objects.count() == 0
    assert current_data_version() == version_before


def test_record_deadline_change_refuses_stale_version_and_writes_nothing():
    milestone = make_milestone(due_date=datetime.date(2030, 12, 31))
    record_status_update(
        milestone=milestone, status="in_progress", note="first", author=None, expected_version=1
    )

    with pytest.raises(StaleVersionError):
        record_deadline_change(
            milestone=milestone,
            due_date=datetime.date(2031, 12, 31),
            reason="late",
            expected_version=1,
        )

    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.due_date, stored.version) == (datetime.date(2030, 12, 31), 2)
    assert list(MilestoneUpdate.objects.values_list("kind", flat=True)) == ["status"]


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "deadline"},  # no dates
        {"kind": "deadline", "due_date_before": "2030-12-31", "due_date_after": "2030-12-31"},
        {"kind": "deadline", "due_date_before": "2030-12-31", "due_date_after": "2051-01-01"},
        {
            "kind": "deadline",
            "due_date_before": "2030-12-31",
            "due_date_after": "2031-12-31",
            "status_after": "achieved",
        },
        {"kind": "status", "due_date_before": "2030-12-31", "due_date_after": "2031-12-31"},
        {"kind": "other"},
    ],
    ids=["no-dates", "same-date", "after-2050", "status-moves", "status-with-dates", "kind"],
)
def test_database_refuses_inconsistent_history_rows(fields):
    milestone = make_milestone()
    row = {
        "milestone": milestone,
        "status_before": "not_started",
        "status_after": "not_started",
        "note": "n",
        **fields,
    }

    with pytest.raises(IntegrityError), transaction.atomic():
        MilestoneUpdate.objects.create(**row)


# as_of uses the due date in force on that day --------------------------------------------------


@pytest.fixture
def redated():
    """P-1.1 due 2025-01-31, re-dated on 2025-06-01 to 2026-12-31 (not started throughout);
    P-1.2 achieved on 2024-12-01, due 2024-12-31."""
    sector = make_sector(slug="mobility", name="Mobility")
    target = make_target(roadmap=make_roadmap(sector=sector), code="P-1")
    moved = make_milestone(target=target, code="P-1.1", due_date=datetime.date(2026, 12, 31))
    make_deadline_change(
        moved,
        "2025-01-31",
        "2026-12-31",
        "2025-06-01",
        note="Postponed by an amending act.",
        evidence_url="https://example.org/act",
    )
    done = make_milestone(
        target=target, code="P-1.2", due_date=datetime.date(2024, 12, 31), status="achieved"
    )
    MilestoneUpdate.objects.create(
        milestone=done,
        status_before="not_started",
        status_after="achieved",
        note="Done",
        created_at=at_noon("2024-12-01"),
    )
    return sector


@pytest.mark.parametrize(
    ("as_of", "due_as_of", "overdue", "progress", "classification"),
    [
        # Before the re-dating: judged against the deadline of that day.
        ("2025-03-01", "2025-01-31", True, (2, 1, 2, 1), "off_track"),
        # The day of the re-dating: the new deadline is in force at the end of it.
        ("2025-05-31", "2025-01-31", True, (2, 1, 2, 1), "off_track"),
        ("2025-06-01", "2026-12-31", False, (2, 1, 1, 0), "on_track"),
        # A year before the first deadline: nothing due but P-1.2's.
        ("2024-01-31", "2025-01-31", False, (2, 0, 0, 0), "on_track"),
    ],
)
def test_as_of_uses_the_due_date_in_force_that_day(
    redated, as_of, due_as_of, overdue, progress, classification
):
    day = datetime.date.fromisoformat(as_of)
    milestones = Milestone.objects.in_sector(redated)

    annotated = with_status_as_of(milestones, day).get(code="P-1.1")
    result = progress_of(milestones, day)

    assert annotated.due_as_of == datetime.date.fromisoformat(due_as_of)
    assert annotated.is_overdue(day, status=annotated.status_as_of) is overdue
    assert (result.counted, result.achieved, result.due, result.overdue) == progress
    assert result.classification == classification


def test_sector_dashboard_json_as_of_before_and_after_re_dating(client, redated):
    before = client.get("/sectors/mobility/", {"as_of": "2025-03-01", "format": "json"}).json()
    after = client.get("/sectors/mobility/", {"as_of": "2025-07-01", "format": "json"}).json()

    assert {k: before["progress"][k] for k in ("due", "overdue", "expected")} == {
        "due": 2,
        "overdue": 1,
        "expected": 1.0,
    }
    assert before["progress"]["classification"] == "off_track"
    assert {k: after["progress"][k] for k in ("due", "overdue", "expected")} == {
        "due": 1,
        "overdue": 0,
        "expected": 0.5,
    }
    assert after["progress"]["classification"] == "on_track"
    # Slippage as of each day: nothing re-dated yet, then one milestone by 23 months
    # (2025-01-31 -> 2026-12-31).
    assert before["slippage"] == {
        "milestones_redated": 0,
        "total_slip_months": 0,
        "median_slip_months": None,
    }
    assert after["slippage"] == {
        "milestones_redated": 1,
        "total_slip_months": 23,
        "median_slip_months": 23,
    }


def test_milestone_list_as_of_shows_the_due_date_and_overdue_of_that_day(client, redated):
    rows = {
        as_of: client.get(
            "/sectors/mobility/milestones/", {"as_of": as_of, "format": "json", "q": "P-1.1"}
        ).json()["results"][0]
        for as_of in ("2025-03-01", "2025-07-01")
    }

    assert (rows["2025-03-01"]["due_date"], rows["2025-03-01"]["overdue"]) == ("2025-01-31", True)
    assert (rows["2025-07-01"]["due_date"], rows["2025-07-01"]["overdue"]) == ("2026-12-31", False)


def test_overdue_filter_follows_the_due_date_of_that_day(client, redated):
    def codes(as_of):
        response = client.get(
            "/sectors/mobility/milestones/", {"as_of": as_of, "format": "json", "overdue": "yes"}
        )
        return [row["code"] for row in response.json()["results"]]

    assert codes("2025-03-01") == ["P-1.1"]
    assert codes("2025-07-01") == []


# Pages -----------------------------------------------------------------------------------------


def test_milestone_page_shows_original_and_current_due_dates_and_each_change(client):
    sector = make_sector(slug="mobility")
    milestone = make_milestone(
        target=make_target(roadmap=make_roadmap(sector=sector), code="MOB-6"),
        code="MOB-6.1",
        due_date=datetime.date(2029, 7, 26),
    )
    make_deadline_change(
        milestone,
        "2027-07-26",
        "2028-07-26",
        "2025-04-17",
        note="Dir. (EU) 2025/794",
        evidence_url="http://data.europa.eu/eli/dir/2025/794/oj",
    )
    make_deadline_change(
        milestone,
        "2028-07-26",
        "2029-07-26",
        "2026-03-18",
        note="Dir. (EU) 2026/470",
        evidence_url="http://data.europa.eu/eli/dir/2026/470/oj",
    )

    data = client.get("/milestones/MOB-6.1/", {"format": "json"}).json()
    html = client.get("/milestones/MOB-6.1/").content.decode()
    past = client.get("/milestones/MOB-6.1/", {"format": "json", "as_of": "2025-12-31"}).json()

    assert data["deadline"] == {
        "original_due_date": "2027-07-26",
        "current_due_date": "2029-07-26",
        "postponed": True,
        "slip_months": 24,
        "changes": [
            {
                "created_at": "2025-04-17T12:00:00+00:00",
                "due_date_before": "2027-07-26",
                "due_date_after": "2028-07-26",
                "slip_months": 12,
                "reason": "Dir. (EU) 2025/794",
                "evidence_url": "http://data.europa.eu/eli/dir/2025/794/oj",
            },
            {
                "created_at": "2026-03-18T12:00:00+00:00",
                "due_date_before": "2028-07-26",
                "due_date_after": "2029-07-26",
                "slip_months": 12,
                "reason": "Dir. (EU) 2026/470",
                "evidence_url": "http://data.europa.eu/eli/dir/2026/470/oj",
            },
        ],
    }
    assert [u["kind"] for u in data["updates"]] == ["deadline", "deadline"]
    assert '<span class="tag postponed">Postponed +24 months</span>' in html
    assert "<dt>Original due date</dt>" in html
    assert "from 2027-07-26 to 2029-07-26 (+24 months)" in html
    assert html.count('<td data-label="Slip">+12 months</td>') == 2
    # As of 2025-12-31 only the first change had happened.
    assert past["milestone"]["due_date"] == "2028-07-26"
    assert (past["deadline"]["original_due_date"], past["deadline"]["slip_months"]) == (
        "2027-07-26",
        12,
    )


def test_sector_dashboard_html_states_slippage_and_basis(client, redated):
    html = client.get("/sectors/mobility/", {"as_of": "2025-07-01"}).content.decode()

    assert (
        "Deadlines moved: 1 milestone re-dated, total slip +23 months, median +23 months." in html
    )
    # Sector block (and the target's and the theme's: the same two milestones).
    assert (
        html.count(
            "1 milestone due, 1 achieved (of 2 counted); due by source: 0 EU law, 1 roadmap, "
            "0 illustrative."
        )
        == 3
    )


def test_feed_carries_re_datings(client, redated):
    response = client.get("/feeds/updates.atom")
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)

    titles = [entry.find(f"{ATOM}title").text for entry in root.findall(f"{ATOM}entry")]
    assert titles == ["P-1.1: due 2025-01-31 -> 2026-12-31", "P-1.2: Not started -> Achieved"]
    content = root.find(f"{ATOM}entry/{ATOM}content").text
    assert content == (
        "<p>Due date 2025-01-31 -> 2026-12-31</p><p>Postponed by an amending act.</p>"
        '<p>Evidence: <a href="https://example.org/act" rel="nofollow noopener">'
        "https://example.org/act</a></p>"
    )


# Project events and enablers -------------------------------------------------------------------


@pytest.fixture
def with_project_event():
    """One EU-law milestone overdue, one illustrative not yet due, one project event whose date
    has passed (in progress)."""
    sector = make_sector(slug="renewable-energy", name="Renewable Energy")
    roadmap = make_roadmap(sector=sector)
    target = make_target(roadmap=roadmap, code="RE-5", target_year=None)
    make_milestone(
        target=target,
        code="RE-5.1",
        due_date=datetime.date(2021, 7, 15),
        status="in_progress",
        is_project_event=True,
        title="Consultation",
    )
    make_milestone(
        target=target,
        code="RE-5.2",
        due_date=datetime.date(2024, 12, 31),
        provenance=Provenance.EU_LAW,
    )
    make_milestone(
        target=target,
        code="RE-5.3",
        due_date=datetime.date(2040, 12, 31),
        provenance=Provenance.ILLUSTRATIVE,
    )
    return sector


def test_project_event_counts_nowhere_and_basis_says_so(client, with_project_event):
    data = client.get("/sectors/renewable-energy/", {"format": "json"}).json()

    assert data["progress"] == {
        "counted": 2,
        "achieved": 0,
        "due": 1,
        "overdue": 1,
        "actual": 0.0,
        "expected": 0.5,
        "classification": "off_track",
        "basis": {
            "counted": {"roadmap": 0, "eu-law": 1, "illustrative": 1},
            "due": {"roadmap": 0, "eu-law": 1, "illustrative": 0},
            "achieved": {"roadmap": 0, "eu-law": 0, "illustrative": 0},
            "project_events_excluded": 1,
        },
    }
    # An enabler: no target year.
    assert [(t["code"], t["target_year"]) for t in data["targets"]] == [("RE-5", None)]


def test_project_event_is_labelled_and_never_overdue(client, with_project_event):
    detail = client.get("/milestones/RE-5.1/").content.decode()
    row = client.get("/milestones/RE-5.1/", {"format": "json"}).json()["milestone"]
    dashboard = client.get("/sectors/renewable-energy/").content.decode()
    overdue = client.get(
        "/sectors/renewable-energy/milestones/", {"format": "json", "overdue": "yes"}
    ).json()["results"]

    assert '<span class="tag project-event">Project event</span>' in detail
    assert "<dt>Overdue</dt><dd>No</dd>" in detail
    assert (row["project_event"], row["overdue"]) == (True, False)
    assert [r["code"] for r in overdue] == ["RE-5.2"]
    assert '<span class="tag enabler">Enabler, no target year</span>' in dashboard
    assert (
        "1 milestone due, 0 achieved (of 2 counted); due by source: 1 EU law, 0 roadmap, "
        "0 illustrative; 1 project event left out." in dashboard
    )


def test_target_year_is_empty_or_in_range():
    roadmap = make_roadmap()

    enabler = make_target(roadmap=roadmap, code="E-1", target_year=None)

    assert enabler.is_enabler is True
    with pytest.raises(IntegrityError), transaction.atomic():
        make_target(roadmap=roadmap, theme=make_theme(), code="E-2", target_year=2051)
    assert re.fullmatch(r"E-1: A target", str(enabler))


def test_timeline_and_next_due_place_milestones_at_the_due_date_of_that_day(redated):
    milestones = Milestone.objects.in_sector(redated)

    def years(as_of):
        rows = milestones.for_timeline_by_year(datetime.date.fromisoformat(as_of))
        return sorted((row["due_year"], row["status_as_of"], row["milestones"]) for row in rows)

    def markers(as_of):
        day = datetime.date.fromisoformat(as_of)
        return [(m.code, m.due_as_of.isoformat()) for m in milestones.for_timeline(day)]

    def next_due(as_of):
        day = datetime.date.fromisoformat(as_of)
        return [m.code for m in Milestone.objects.next_due_per_sector(day)]

    assert years("2025-01-15") == [(2024, "achieved", 1), (2025, "not_started", 1)]
    assert years("2025-07-01") == [(2024, "achieved", 1), (2026, "not_started", 1)]
    assert markers("2025-01-15") == [("P-1.2", "2024-12-31"), ("P-1.1", "2025-01-31")]
    assert markers("2025-07-01") == [("P-1.2", "2024-12-31"), ("P-1.1", "2026-12-31")]
    # Overdue on 2025-03-01 (not next due); due again after the re-dating.
    assert next_due("2025-03-01") == []
    assert next_due("2025-07-01") == ["P-1.1"]
