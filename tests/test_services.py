"""record_status_update: the one write path for a milestone's status."""

import pytest
from django.core.exceptions import ValidationError

from roadmaps.models import Milestone, MilestoneUpdate
from roadmaps.services import StaleVersionError, record_status_update
from tests.factories import make_milestone, make_user

pytestmark = pytest.mark.django_db


def test_record_status_update_writes_status_version_and_history():
    milestone = make_milestone()
    author = make_user(username="writer", staff=True)

    update = record_status_update(
        milestone=milestone,
        status="in_progress",
        note="Work has started.",
        evidence_url="https://example.org/evidence",
        author=author,
        expected_version=1,
    )

    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.status, stored.version) == ("in_progress", 2)
    assert stored.updated_at == update.created_at
    row = MilestoneUpdate.objects.get(milestone=milestone)
    assert (row.status_before, row.status_after) == ("not_started", "in_progress")
    assert (row.note, row.evidence_url, row.author) == (
        "Work has started.",
        "https://example.org/evidence",
        author,
    )
    assert row.created_at is not None
    assert (milestone.status, milestone.version) == ("in_progress", 2)


def test_record_status_update_chains_history():
    milestone = make_milestone()
    record_status_update(
        milestone=milestone, status="in_progress", note="a", author=None, expected_version=1
    )
    record_status_update(
        milestone=milestone, status="achieved", note="b", author=None, expected_version=2
    )

    rows = list(MilestoneUpdate.objects.filter(milestone=milestone).order_by("created_at"))
    assert [(r.status_before, r.status_after) for r in rows] == [
        ("not_started", "in_progress"),
        ("in_progress", "achieved"),
    ]
    assert Milestone.objects.get(pk=milestone.pk).version == 3


def test_record_status_update_refuses_stale_version_and_writes_nothing():
    milestone = make_milestone()
    record_status_update(
        milestone=milestone, status="at_risk", note="first", author=None, expected_version=1
    )

    with pytest.raises(StaleVersionError) as excinfo:
        record_status_update(
            milestone=milestone, status="achieved", note="stale", author=None, expected_version=1
        )

    assert excinfo.value.milestone.version == 2
    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.status, stored.version) == ("at_risk", 2)
    assert list(MilestoneUpdate.objects.values_list("note", flat=True)) == ["first"]


@pytest.mark.parametrize(
    ("status", "note", "evidence_url", "field"),
    [
        ("finished", "note", "", "status"),
        ("achieved", "   ", "", "note"),
        ("achieved", "note", "javascript:alert(1)", "evidence_url"),
        ("achieved", "x" * 2001, "", "note"),
        ("achieved", "soft\x0bbreak", "", "note"),
        ("achieved", "note", "https://example.org/\x01", "evidence_url"),
    ],
)
def test_record_status_update_refuses_bad_input_and_writes_nothing(
    status, note, evidence_url, field
):
    milestone = make_milestone()

    with pytest.raises(ValidationError) as excinfo:
        record_status_update(
            milestone=milestone,
            status=status,
            note=note,
            evidence_url=evidence_url,
            author=None,
            expected_version=1,
        )

    assert field in excinfo.value.message_dict
    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.status, stored.version) == ("not_started", 1)
    assert MilestoneUpdate.objects.count() == 0
