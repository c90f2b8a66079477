"""The admin: status changes go through the service; history is read-only for everyone."""

import pytest
from django.urls import reverse

from roadmaps.models import Milestone, MilestoneUpdate
from tests.factories import make_milestone, make_update

pytestmark = pytest.mark.django_db


def _change_data(milestone, **overrides):
    data = {
        "target": milestone.target_id,
        "code": milestone.code,
        "title": milestone.title,
        "description": milestone.description,
        "due_date": milestone.due_date.isoformat(),
        "stakeholder_groups": [],
        "status": milestone.status,
        "status_note": "",
        "evidence_url": "",
        "expected_version": milestone.version,
        "source_title": milestone.source_title,
        "source_url": milestone.source_url,
        "provenance": milestone.provenance,
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
        "updates-MIN_NUM_FORMS": "0",
        "updates-MAX_NUM_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_admin_status_change_creates_exactly_one_history_row(client, admin_user):
    milestone = make_milestone()
    client.force_login(admin_user)
    url = reverse("admin:roadmaps_milestone_change", args=[milestone.pk])

    response = client.post(
        url,
        _change_data(
            milestone,
            status="achieved",
            status_note="Applied since 1 January 2021.",
            evidence_url="https://example.org/evidence",
        ),
    )

    assert response.status_code == 302
    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.status, stored.version) == ("achieved", 2)
    row = MilestoneUpdate.objects.get(milestone=milestone)
    assert (row.status_before, row.status_after, row.note, row.author) == (
        "not_started",
        "achieved",
        "Applied since 1 January 2021.",
        admin_user,
    )
    assert row.evidence_url == "https://example.org/evidence"


def test_admin_status_change_without_note_is_refused(client, admin_user):
    milestone = make_milestone()
    client.force_login(admin_user)
    url = reverse("admin:roadmaps_milestone_change", args=[milestone.pk])

    response = client.post(url, _change_data(milestone, status="achieved"))

    assert response.status_code == 200
    assert "status_note" in response.context["adminform"].form.errors
    assert Milestone.objects.get(pk=milestone.pk).status == "not_started"
    assert MilestoneUpdate.objects.count() == 0


def test_admin_content_edit_writes_no_history(client, admin_user):
    milestone = make_milestone()
    client.force_login(admin_user)
    url = reverse("admin:roadmaps_milestone_change", args=[milestone.pk])

    response = client.post(url, _change_data(milestone, title="Clearer title"))

    assert response.status_code == 302
    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.title, stored.status, stored.version) == ("Clearer title", "not_started", 1)
    assert MilestoneUpdate.objects.count() == 0


def test_admin_stale_version_is_refused(client, admin_user):
    milestone = make_milestone()
    client.force_login(admin_user)
    url = reverse("admin:roadmaps_milestone_change", args=[milestone.pk])
    stale = _change_data(milestone, status="achieved", status_note="stale edit")
    Milestone.objects.filter(pk=milestone.pk).update(status="at_risk", version=2)

    response = client.post(url, stale)

    assert response.status_code == 302
    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.status, stored.version) == ("at_risk", 2)
    assert MilestoneUpdate.objects.count() == 0


def test_admin_history_change_and_delete_refused_for_superuser(client, admin_user):
    milestone = make_milestone()
    update = make_update(milestone=milestone, status_after="in_progress", note="original")
    client.force_login(admin_user)
    change_url = reverse("admin:roadmaps_milestoneupdate_change", args=[update.pk])
    delete_url = reverse("admin:roadmaps_milestoneupdate_delete", args=[update.pk])
    add_url = reverse("admin:roadmaps_milestoneupdate_add")

    change = client.post(change_url, {"note": "rewritten", "status_after": "achieved"})
    delete = client.post(delete_url, {"post": "yes"})
    add = client.get(add_url)

    assert (change.status_code, delete.status_code, add.status_code) == (403, 403, 403)
    update.refresh_from_db()
    assert (update.note, update.status_after) == ("original", "in_progress")
    assert MilestoneUpdate.objects.count() == 1


def test_admin_history_view_is_read_only(client, admin_user):
    update = make_update(milestone=make_milestone(), status_after="in_progress", note="seen")
    client.force_login(admin_user)

    response = client.get(reverse("admin:roadmaps_milestoneupdate_change", args=[update.pk]))

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert response.context["has_delete_permission"] is False


def test_admin_milestone_history_inline_shown_read_only(client, admin_user):
    milestone = make_milestone()
    make_update(milestone=milestone, status_after="in_progress", note="visible history")
    client.force_login(admin_user)

    response = client.get(reverse("admin:roadmaps_milestone_change", args=[milestone.pk]))

    assert response.status_code == 200
    assert "visible history" in response.content.decode()
    inline = response.context["inline_admin_formsets"][0]
    assert inline.has_add_permission is False
    assert inline.has_change_permission is False
    assert inline.has_delete_permission is False


@pytest.mark.parametrize(
    "name",
    [
        "roadmaps_sector",
        "roadmaps_roadmap",
        "roadmaps_theme",
        "roadmaps_target",
        "roadmaps_milestone",
        "roadmaps_milestoneupdate",
        "stakeholders_stakeholdergroup",
        "stakeholders_user",
    ],
)
def test_admin_changelists_render_for_every_model(client, admin_user, name):
    make_milestone()
    client.force_login(admin_user)

    response = client.get(reverse(f"admin:{name}_changelist") + "?q=x")

    assert response.status_code == 200
    assert response.context["cl"].result_count >= 0
