"""Every write URL x every role: the status code, and the database unchanged wherever refused."""

import pytest
from django.urls import reverse

from roadmaps.models import Milestone, MilestoneUpdate
from tests.factories import (
    admin_milestone_data,
    make_milestone,
    make_roadmap,
    make_target,
    make_update,
    make_user,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "visitor", "steward_a", "steward_b", "superuser"]


def _staff_form(milestone):
    url = reverse("roadmaps:staff-update", args=[milestone.code])
    data = {"status": "in_progress", "note": "Tender out.", "version": milestone.version}
    return url, data


def _admin_change(milestone):
    url = reverse("admin:roadmaps_milestone_change", args=[milestone.pk])
    data = admin_milestone_data(
        milestone, status="achieved", status_note="Adopted.", title="Edited"
    )
    return url, data


def _admin_add(milestone):
    url = reverse("admin:roadmaps_milestone_add")
    data = admin_milestone_data(milestone, code="A-1.99", expected_version="")
    return url, data


def _admin_delete(milestone):
    return reverse("admin:roadmaps_milestone_delete", args=[milestone.pk]), {"post": "yes"}


def _admin_delete_selected(milestone):
    url = reverse("admin:roadmaps_milestone_changelist")
    data = {"action": "delete_selected", "_selected_action": [milestone.pk], "post": "yes"}
    return url, data


def _history_delete(milestone):
    update = milestone.updates.get()
    return reverse("admin:roadmaps_milestoneupdate_delete", args=[update.pk]), {"post": "yes"}


def _history_change(milestone):
    update = milestone.updates.get()
    url = reverse("admin:roadmaps_milestoneupdate_change", args=[update.pk])
    return url, {"note": "rewritten", "status_after": "achieved"}


LOGIN = "login"
UNTOUCHED = ("A-1.2", "Untouched", "not_started", 1)
ADMIN_LOGIN = "admin-login"
# (action, role) -> expected status code, and what the database looks like afterwards:
# "unchanged", or the name of the change that was made.
MATRIX = {
    "staff_form": {
        "anonymous": (302, LOGIN),
        "visitor": (403, "unchanged"),
        "steward_a": (302, "status_in_progress"),
        "steward_b": (403, "unchanged"),
        "superuser": (302, "status_in_progress"),
    },
    "admin_change": {
        "anonymous": (302, ADMIN_LOGIN),
        "visitor": (302, ADMIN_LOGIN),
        # Stewards may change the status only: the title stays as the administrators wrote it.
        "steward_a": (302, "status_achieved"),
        "steward_b": (403, "unchanged"),
        "superuser": (302, "status_achieved_and_title"),
    },
    "admin_add": {
        "anonymous": (302, ADMIN_LOGIN),
        "visitor": (302, ADMIN_LOGIN),
        "steward_a": (403, "unchanged"),
        "steward_b": (403, "unchanged"),
        "superuser": (302, "added"),
    },
    "admin_delete": {
        "anonymous": (302, ADMIN_LOGIN),
        "visitor": (302, ADMIN_LOGIN),
        "steward_a": (403, "unchanged"),
        "steward_b": (403, "unchanged"),
        "superuser": (302, "deleted"),
    },
    # Without the delete permission a steward has no action at all: the POST just shows the
    # changelist again and deletes nothing.
    "admin_delete_selected": {
        "anonymous": (302, ADMIN_LOGIN),
        "visitor": (302, ADMIN_LOGIN),
        "steward_a": (200, "unchanged"),
        "steward_b": (200, "unchanged"),
        "superuser": (302, "deleted"),
    },
    "history_change": {
        "anonymous": (302, ADMIN_LOGIN),
        "visitor": (302, ADMIN_LOGIN),
        "steward_a": (403, "unchanged"),
        "steward_b": (403, "unchanged"),
        "superuser": (403, "unchanged"),
    },
    "history_delete": {
        "anonymous": (302, ADMIN_LOGIN),
        "visitor": (302, ADMIN_LOGIN),
        "steward_a": (403, "unchanged"),
        "steward_b": (403, "unchanged"),
        "superuser": (403, "unchanged"),
    },
}
ACTIONS = {
    "staff_form": _staff_form,
    "admin_change": _admin_change,
    "admin_add": _admin_add,
    "admin_delete": _admin_delete,
    "admin_delete_selected": _admin_delete_selected,
    "history_change": _history_change,
    "history_delete": _history_delete,
}


def _state():
    milestones = Milestone.objects.order_by("code").values_list(
        "code", "title", "status", "version"
    )
    updates = MilestoneUpdate.objects.order_by("pk").values_list(
        "milestone__code", "status_before", "status_after", "note"
    )
    return list(milestones), list(updates)


@pytest.fixture
def users(admin_user, steward_a, steward_b):
    return {
        "anonymous": None,
        "visitor": make_user(username="visitor"),
        "steward_a": steward_a,
        "steward_b": steward_b,
        "superuser": admin_user,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_write_urls_answer_each_role_as_expected(client, users, sector_a, action, role):
    target = make_target(roadmap=make_roadmap(sector=sector_a), code="A-1")
    milestone = make_milestone(target=target, code="A-1.1", title="Original")
    if action.startswith("history"):
        make_update(milestone=milestone, status_after="not_started", note="kept")
    other = make_milestone(target=target, code="A-1.2", title="Untouched")
    url, data = ACTIONS[action](milestone)
    if users[role] is not None:
        client.force_login(users[role])
    before = _state()

    response = client.post(url, data)

    expected_status, outcome = MATRIX[action][role]
    assert response.status_code == expected_status
    after = _state()
    if outcome in (LOGIN, ADMIN_LOGIN):
        login = reverse("login") if outcome == LOGIN else reverse("admin:login")
        assert response["Location"].startswith(f"{login}?next=")
        assert after == before
    elif outcome == "unchanged":
        assert after == before
    elif outcome == "status_in_progress":
        assert after[0] == [("A-1.1", "Original", "in_progress", 2), UNTOUCHED]
        assert after[1] == [("A-1.1", "not_started", "in_progress", "Tender out.")]
    elif outcome in ("status_achieved", "status_achieved_and_title"):
        edited = outcome == "status_achieved_and_title"
        title = "Edited" if edited else "Original"
        # A content edit is a version of its own, then the status change another.
        version = 3 if edited else 2
        assert after[0] == [("A-1.1", title, "achieved", version), UNTOUCHED]
        assert after[1] == [("A-1.1", "not_started", "achieved", "Adopted.")]
    elif outcome == "added":
        assert [code for code, *_rest in after[0]] == ["A-1.1", "A-1.2", "A-1.99"]
        assert after[1] == before[1]
    elif outcome == "deleted":
        assert after[0] == [UNTOUCHED]
        assert after[1] == before[1]
    else:  # pragma: no cover
        raise AssertionError(outcome)
    assert Milestone.objects.get(pk=other.pk).title == "Untouched"


def test_steward_cannot_move_a_milestone_to_another_sector_in_the_admin(
    client, steward_a, sector_a, sector_b
):
    milestone = make_milestone(target=make_target(roadmap=make_roadmap(sector=sector_a)))
    elsewhere = make_target(roadmap=make_roadmap(sector=sector_b))
    client.force_login(steward_a)
    url = reverse("admin:roadmaps_milestone_change", args=[milestone.pk])

    response = client.post(url, admin_milestone_data(milestone, target=elsewhere.pk, title="Moved"))

    assert response.status_code == 302
    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.target_id, stored.title) == (milestone.target_id, milestone.title)


def test_steward_admin_changelist_lists_own_sector_only(client, steward_a, sector_a, sector_b):
    mine = make_milestone(target=make_target(roadmap=make_roadmap(sector=sector_a)))
    make_milestone(target=make_target(roadmap=make_roadmap(sector=sector_b)))
    client.force_login(steward_a)

    response = client.get(reverse("admin:roadmaps_milestone_changelist"))

    assert response.status_code == 200
    assert [m.code for m in response.context["cl"].result_list] == [mine.code]
    # No delete permission, so no actions (delete_selected is the only one).
    assert response.context["action_form"] is None


def test_steward_other_sector_admin_pages_are_refused(client, steward_a, sector_b):
    theirs = make_milestone(target=make_target(roadmap=make_roadmap(sector=sector_b)))
    client.force_login(steward_a)

    change = client.get(reverse("admin:roadmaps_milestone_change", args=[theirs.pk]))
    history = client.get(reverse("admin:roadmaps_milestone_history", args=[theirs.pk]))

    assert (change.status_code, history.status_code) == (403, 403)


@pytest.mark.parametrize("name", ["sector", "roadmap", "theme", "target"])
def test_steward_sees_content_read_only(client, steward_a, sector_a, name):
    target = make_target(roadmap=make_roadmap(sector=sector_a))
    obj = {
        "sector": sector_a,
        "roadmap": target.roadmap,
        "theme": target.theme,
        "target": target,
    }[name]
    client.force_login(steward_a)
    url = reverse(f"admin:roadmaps_{name}_change", args=[obj.pk])

    view = client.get(url)
    change = client.post(url, {"title": "Changed", "name": "Changed"})

    assert view.status_code == 200
    assert view.context["has_change_permission"] is False
    assert change.status_code == 403


def test_steward_target_page_lists_only_own_sector_milestones(
    client, steward_a, sector_a, sector_b
):
    theirs = make_target(roadmap=make_roadmap(sector=sector_b), code="B-1")
    make_milestone(target=theirs, code="B-1.1")
    mine = make_target(roadmap=make_roadmap(sector=sector_a), code="A-1")
    make_milestone(target=mine, code="A-1.1")
    client.force_login(steward_a)

    other = client.get(reverse("admin:roadmaps_target_change", args=[theirs.pk]))
    own = client.get(reverse("admin:roadmaps_target_change", args=[mine.pk]))

    [other_inline] = other.context["inline_admin_formsets"]
    [own_inline] = own.context["inline_admin_formsets"]
    assert [form.original.code for form in other_inline] == []
    assert [form.original.code for form in own_inline] == ["A-1.1"]
    assert "B-1.1" not in other.content.decode()


def test_steward_other_sector_delete_and_history_rows_are_out_of_reach(client, steward_a, sector_b):
    theirs = make_milestone(target=make_target(roadmap=make_roadmap(sector=sector_b)))
    update = make_update(milestone=theirs, status_after="at_risk", note="theirs")
    client.force_login(steward_a)

    delete_url = reverse("admin:roadmaps_milestone_delete", args=[theirs.pk])
    delete = client.post(delete_url, {"post": "yes"})
    view = client.get(reverse("admin:roadmaps_milestoneupdate_change", args=[update.pk]))
    listed = client.get(reverse("admin:roadmaps_milestoneupdate_changelist"))

    assert delete.status_code == 403
    # Not in the steward's queryset: the admin answers as for a missing object.
    assert (view.status_code, view["Location"]) == (302, reverse("admin:index"))
    assert list(listed.context["cl"].result_list) == []
    assert Milestone.objects.filter(pk=theirs.pk).exists()
    assert MilestoneUpdate.objects.get().note == "theirs"
