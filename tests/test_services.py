"""The writers of roadmaps.services: a milestone's status, and its content."""

import pytest
from django.core.exceptions import ValidationError

from roadmaps.models import Milestone, MilestoneUpdate
from roadmaps.services import StaleVersionError, record_status_update
from tests.factories import make_group, make_milestone, make_user

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


def _data_version() -> int:
    from pagecache.models import DataVersion

    return DataVersion.objects.get().version


def test_status_change_bumps_the_data_version_exactly_once():
    # Issue 9, defect 6: the history row's post_save and the service's own call were two.
    milestone = make_milestone()
    before = _data_version()

    record_status_update(
        milestone=milestone, status="in_progress", note="Started.", expected_version=1
    )

    assert _data_version() == before + 1


def test_update_milestone_content_bumps_version_and_updated_at():
    from roadmaps.services import update_milestone_content

    group = make_group(slug="industry-w")
    milestone = make_milestone(title="Old")
    updated_before = Milestone.objects.get(pk=milestone.pk).updated_at
    before = _data_version()

    changed = update_milestone_content(
        milestone=milestone,
        changes={"title": "New", "stakeholder_groups": [group]},
        expected_version=1,
    )

    stored = Milestone.objects.get(pk=milestone.pk)
    assert changed is True
    assert (stored.title, stored.version, stored.status) == ("New", 2, "not_started")
    assert list(stored.stakeholder_groups.all()) == [group]
    assert stored.updated_at > updated_before
    assert _data_version() == before + 1
    assert MilestoneUpdate.objects.count() == 0


def test_update_milestone_content_without_a_difference_writes_nothing():
    from roadmaps.services import update_milestone_content

    milestone = make_milestone(title="Same")
    stored_before = Milestone.objects.get(pk=milestone.pk)
    before = _data_version()

    changed = update_milestone_content(
        milestone=milestone, changes={"title": "Same", "stakeholder_groups": []}, expected_version=1
    )

    stored = Milestone.objects.get(pk=milestone.pk)
    assert changed is False
    assert (stored.version, stored.updated_at) == (1, stored_before.updated_at)
    assert _data_version() == before


def test_update_milestone_content_refuses_a_stale_version_and_writes_nothing():
    from roadmaps.services import update_milestone_content

    milestone = make_milestone(title="Old")
    record_status_update(milestone=milestone, status="at_risk", note="Late.", expected_version=1)

    with pytest.raises(StaleVersionError):
        update_milestone_content(milestone=milestone, changes={"title": "New"}, expected_version=1)

    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.title, stored.status, stored.version) == ("Old", "at_risk", 2)


def test_update_milestone_content_refuses_the_status():
    from roadmaps.services import update_milestone_content

    milestone = make_milestone()

    with pytest.raises(TypeError):
        update_milestone_content(
            milestone=milestone, changes={"status": "achieved"}, expected_version=1
        )

    assert Milestone.objects.get(pk=milestone.pk).status == "not_started"
