"""The admin: status changes go through the service; history is read-only for everyone."""

import pytest
from django.urls import reverse

from roadmaps.models import Milestone, MilestoneUpdate
from tests.factories import (
    admin_milestone_data,
    make_milestone,
    make_roadmap,
    make_target,
    make_update,
)

pytestmark = pytest.mark.django_db


def test_admin_status_change_creates_exactly_one_history_row(client, admin_user):
    milestone = make_milestone()
    client.force_login(admin_user)
    url = reverse("admin:roadmaps_milestone_change", args=[milestone.pk])

    response = client.post(
        url,
        admin_milestone_data(
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

    response = client.post(url, admin_milestone_data(milestone, status="achieved"))

    assert response.status_code == 200
    assert "status_note" in response.context["adminform"].form.errors
    assert Milestone.objects.get(pk=milestone.pk).status == "not_started"
    assert MilestoneUpdate.objects.count() == 0


def test_admin_content_edit_writes_no_history(client, admin_user):
    milestone = make_milestone()
    client.force_login(admin_user)
    url = reverse("admin:roadmaps_milestone_change", args=[milestone.pk])

    response = client.post(url, admin_milestone_data(milestone, title="Clearer title"))

    assert response.status_code == 302
    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.title, stored.status, stored.version) == ("Clearer title", "not_started", 2)
    assert MilestoneUpdate.objects.count() == 0


def test_admin_content_edit_from_a_stale_form_does_not_overwrite(client, admin_user):
    milestone = make_milestone(title="Original")
    client.force_login(admin_user)
    url = reverse("admin:roadmaps_milestone_change", args=[milestone.pk])
    first = admin_milestone_data(milestone, title="First editor's title")
    second = admin_milestone_data(milestone, title="Second editor's title")

    client.post(url, first)
    response = client.post(url, second)

    # Issue 9: the form comes back with the newer values (409), not a redirect.
    assert response.status_code == 409
    assert response.context["adminform"].form["title"].value() == "First editor's title"
    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.title, stored.version) == ("First editor's title", 2)


def test_admin_stale_version_is_refused(client, admin_user):
    milestone = make_milestone()
    client.force_login(admin_user)
    url = reverse("admin:roadmaps_milestone_change", args=[milestone.pk])
    stale = admin_milestone_data(milestone, status="achieved", status_note="stale edit")
    Milestone.objects.filter(pk=milestone.pk).update(status="at_risk", version=2)

    response = client.post(url, stale)

    # Issue 9: the form comes back with the newer values (409), not a redirect.
    assert response.status_code == 409
    assert response.context["adminform"].form["status"].value() == "at_risk"
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


def test_admin_superuser_cannot_delete_a_milestone_with_history(client, admin_user):
    target = make_target()
    milestone = make_milestone(target=target)
    make_update(milestone=milestone, status_after="in_progress", note="kept")
    client.force_login(admin_user)
    changelist = reverse("admin:roadmaps_milestone_changelist")
    selected = {"action": "delete_selected", "_selected_action": [milestone.pk], "post": "yes"}

    delete = client.post(
        reverse("admin:roadmaps_milestone_delete", args=[milestone.pk]), {"post": "yes"}
    )
    bulk = client.post(changelist, selected)
    target_delete = client.post(
        reverse("admin:roadmaps_target_delete", args=[target.pk]), {"post": "yes"}
    )

    # Deleting would delete history, which nobody may: the admin says so and deletes nothing.
    for response in (delete, bulk, target_delete):
        assert response.status_code == 200
        assert response.context["perms_lacking"] == {"milestone update"}
    assert Milestone.objects.filter(pk=milestone.pk).exists()
    assert MilestoneUpdate.objects.get().note == "kept"


def _groups(milestone) -> list[int]:
    return list(milestone.stakeholder_groups.values_list("pk", flat=True))


def test_admin_form_read_before_an_import_conflicts_instead_of_reverting_it(
    client, admin_user, sector_a
):
    # Issue 9, defect 1: the form is read at version 1, an import changes the title.
    from roadmaps.imports import import_file

    target = make_target(roadmap=make_roadmap(sector=sector_a), code="A-1")
    milestone = make_milestone(target=target, code="A-1.1", title="Original")
    client.force_login(admin_user)
    url = reverse("admin:roadmaps_milestone_change", args=[milestone.pk])
    form_read = admin_milestone_data(milestone, description="Typed in the admin")
    exported = client.get("/sectors/sector-a/milestones/?format=csv").content.decode()
    import_file(exported.replace("Original", "Imported title").encode(), source_name="x.csv")

    response = client.post(url, form_read)

    assert response.status_code == 409
    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.title, stored.description, stored.version) == ("Imported title", "", 2)
    form = response.context["adminform"].form
    assert (form["title"].value(), form["expected_version"].value()) == ("Imported title", "2")
    assert form.non_field_errors() == [
        "A-1.1 was changed by someone else while you edited it (now version 2, Not started). "
        "Nothing was saved; the form shows the current values: review them and save again."
    ]


def test_admin_save_that_changes_nothing_keeps_version_and_updated_at(client, admin_user):
    # Issue 10 point 8: a no-op save must not move the public "updated" date.
    from pagecache.models import DataVersion

    milestone = make_milestone(title="As it is")
    client.force_login(admin_user)
    url = reverse("admin:roadmaps_milestone_change", args=[milestone.pk])
    before = Milestone.objects.get(pk=milestone.pk)
    data_version = DataVersion.objects.get().version

    response = client.post(url, admin_milestone_data(milestone, stakeholder_groups=_groups(before)))

    assert response.status_code == 302
    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.version, stored.updated_at) == (before.version, before.updated_at)
    assert DataVersion.objects.get().version == data_version
    assert MilestoneUpdate.objects.count() == 0


def test_admin_content_and_status_change_is_one_data_version(client, admin_user):
    from pagecache.models import DataVersion

    milestone = make_milestone(title="Before")
    client.force_login(admin_user)
    url = reverse("admin:roadmaps_milestone_change", args=[milestone.pk])
    data_version = DataVersion.objects.get().version

    response = client.post(
        url,
        admin_milestone_data(
            milestone, title="After", status="in_progress", status_note="Started."
        ),
    )

    assert response.status_code == 302
    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.title, stored.status, stored.version) == ("After", "in_progress", 3)
    assert DataVersion.objects.get().version == data_version + 1


def test_admin_add_milestone_goes_through_the_writers(client, admin_user):
    target = make_target(code="N-1")
    client.force_login(admin_user)
    data = {
        **admin_milestone_data(make_milestone(target=target, code="N-1.1")),
        "code": "N-1.2",
        "title": "Added in the admin",
        "status": "at_risk",
        "status_note": "Late from the start.",
        "expected_version": "",
    }

    response = client.post(reverse("admin:roadmaps_milestone_add"), data)

    assert response.status_code == 302
    added = Milestone.objects.get(code="N-1.2")
    assert (added.title, added.status, added.version) == ("Added in the admin", "at_risk", 2)
    update = MilestoneUpdate.objects.get(milestone=added)
    assert (update.status_before, update.status_after, update.note, update.author) == (
        "not_started",
        "at_risk",
        "Late from the start.",
        admin_user,
    )


def _target_data(target, **overrides) -> dict:
    return {
        "roadmap": target.roadmap_id,
        "theme": target.theme_id or "",
        "code": target.code,
        "title": target.title,
        "description": target.description,
        "target_year": target.target_year or "",
        "stakeholder_groups": [],
        "source_title": target.source_title,
        "source_url": target.source_url,
        "provenance": target.provenance,
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "0",
        **overrides,
    }


def test_admin_target_save_goes_through_the_target_writer(client, admin_user):
    from pagecache.models import DataVersion
    from roadmaps.models import Target

    target = make_target(code="T-1", title="Before")
    client.force_login(admin_user)
    url = reverse("admin:roadmaps_target_change", args=[target.pk])
    data_version = DataVersion.objects.get().version

    unchanged = client.post(url, _target_data(target))
    after_noop = DataVersion.objects.get().version
    changed = client.post(url, _target_data(target, title="After"))

    assert (unchanged.status_code, changed.status_code) == (302, 302)
    assert after_noop == data_version
    assert Target.objects.get(pk=target.pk).title == "After"
    assert DataVersion.objects.get().version == data_version + 1
