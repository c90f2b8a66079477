"""Every due-date change goes through record_deadline_change (issue 11): the staff re-dating
form for stewards of the milestone's sector, the admin's change form (with a reason), and never
the content writer."""

import datetime

import pytest
from django.urls import reverse

from roadmaps.models import Milestone, MilestoneUpdate
from roadmaps.services import record_deadline_change, update_milestone_content
from tests.factories import admin_milestone_data, make_user

pytestmark = pytest.mark.django_db


def _redate_url(milestone):
    return reverse("roadmaps:staff-redate", args=[milestone.code])


def _post(client, milestone, **overrides):
    data = {
        "due_date": "2032-12-31",
        "reason": "Postponed by Regulation (EU) 2025/1561.",
        "evidence_url": "https://eur-lex.europa.eu/eli/reg/2025/1561/oj",
        "version": milestone.version,
        **overrides,
    }
    return client.post(_redate_url(milestone), data)


def _state(milestone):
    stored = Milestone.objects.get(pk=milestone.pk)
    return stored.due_date, stored.version, MilestoneUpdate.objects.filter(milestone=stored).count()


UNCHANGED = (datetime.date(2030, 12, 31), 1, 0)


# The content writer refuses the due date -----------------------------------------------------


def test_update_milestone_content_refuses_the_due_date_and_writes_nothing(milestone_a):
    with pytest.raises(TypeError, match="record_deadline_change"):
        update_milestone_content(
            milestone=milestone_a,
            changes={"title": "New title", "due_date": datetime.date(2031, 12, 31)},
            expected_version=1,
        )

    stored = Milestone.objects.get(pk=milestone_a.pk)
    assert (stored.title, *_state(milestone_a)) == ("A milestone", *UNCHANGED)


# The staff form: authorization matrix ----------------------------------------------------------


def test_redate_anonymous_is_sent_to_login_and_nothing_written(client, milestone_a):
    url = _redate_url(milestone_a)

    get = client.get(url)
    post = _post(client, milestone_a)

    assert (get.status_code, post.status_code) == (302, 302)
    assert post["Location"] == f"{reverse('login')}?next={url}"
    assert _state(milestone_a) == UNCHANGED


@pytest.mark.parametrize("staff", [False, True], ids=["non-staff", "staff-without-sector"])
def test_redate_refuses_non_stewards_with_403_and_writes_nothing(client, milestone_a, staff):
    client.force_login(make_user(username="visitor", staff=staff))

    get = client.get(_redate_url(milestone_a))
    post = _post(client, milestone_a)

    assert (get.status_code, post.status_code) == (403, 403)
    assert _state(milestone_a) == UNCHANGED


def test_redate_refuses_a_steward_of_another_sector_and_writes_nothing(
    client, milestone_a, steward_b
):
    client.force_login(steward_b)

    get = client.get(_redate_url(milestone_a))
    post = _post(client, milestone_a)

    assert (get.status_code, post.status_code) == (403, 403)
    assert _state(milestone_a) == UNCHANGED


def test_redate_get_shows_the_form_with_the_current_due_date_and_version(
    client, milestone_a, steward_a
):
    client.force_login(steward_a)

    response = client.get(_redate_url(milestone_a))

    assert response.status_code == 200
    form = response.context["form"]
    assert (form["due_date"].value(), form["version"].value()) == (datetime.date(2030, 12, 31), 1)
    html = response.content.decode()
    assert 'name="reason"' in html and 'name="evidence_url"' in html
    assert 'name="csrfmiddlewaretoken"' in html


@pytest.mark.parametrize("who", ["steward", "superuser"])
def test_redate_by_steward_or_superuser_records_a_deadline_change(
    client, milestone_a, steward_a, admin_user, who
):
    user = steward_a if who == "steward" else admin_user
    client.force_login(user)

    response = _post(client, milestone_a)

    assert response.status_code == 302
    assert response["Location"] == "/milestones/A-1.1/"
    assert _state(milestone_a) == (datetime.date(2032, 12, 31), 2, 1)
    row = MilestoneUpdate.objects.get(milestone=milestone_a)
    assert (
        row.kind,
        row.due_date_before,
        row.due_date_after,
        row.status_before,
        row.status_after,
        row.note,
        row.evidence_url,
        row.author,
    ) == (
        "deadline",
        datetime.date(2030, 12, 31),
        datetime.date(2032, 12, 31),
        "not_started",
        "not_started",
        "Postponed by Regulation (EU) 2025/1561.",
        "https://eur-lex.europa.eu/eli/reg/2025/1561/oj",
        user,
    )
    page = client.get(response["Location"]).content.decode()
    assert (
        "A-1.1 is now due 2032-12-31 (was 2030-12-31). Your reason is in its public history."
        in (page)
    )


# The staff form: bad input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"reason": "   "}, "reason", "This field is required."),
        ({"reason": ""}, "reason", "This field is required."),
        (
            {"due_date": "2019-12-31"},
            "due_date",
            "Ensure this value is greater than or equal to 2020-01-01.",
        ),
        (
            {"due_date": "2051-01-01"},
            "due_date",
            "Ensure this value is less than or equal to 2050-12-31.",
        ),
        ({"due_date": "31/12/2032"}, "due_date", "Enter a valid date."),
        ({"due_date": "2030-12-31"}, "due_date", "A-1.1 is already due on 2030-12-31."),
        (
            {"evidence_url": "javascript:alert(1)"},
            "evidence_url",
            "Enter a complete web address starting with http:// or https://, no spaces.",
        ),
    ],
    ids=["blank-reason", "no-reason", "too-early", "too-late", "not-a-date", "same", "bad-url"],
)
def test_redate_bad_input_is_400_naming_the_field_and_writes_nothing(
    client, milestone_a, steward_a, overrides, field, message
):
    client.force_login(steward_a)

    response = _post(client, milestone_a, **overrides)

    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    assert _state(milestone_a) == UNCHANGED


def test_redate_stale_version_is_409_with_the_newer_due_date_keeping_what_was_typed(
    client, milestone_a, steward_a, admin_user
):
    client.force_login(steward_a)
    form_version = milestone_a.version
    # Someone re-dated it after the steward opened the form.
    record_deadline_change(
        milestone=milestone_a,
        due_date=datetime.date(2031, 6, 30),
        reason="Moved by the administrator.",
        author=admin_user,
        expected_version=1,
    )

    response = _post(
        client, milestone_a, version=form_version, reason="My reason", due_date="2033-12-31"
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "It is now due 2031-06-30." in html
    assert "Moved by the administrator." in html
    form = response.context["form"]
    assert (form["due_date"].value(), form["reason"].value(), form["version"].value()) == (
        "2033-12-31",
        "My reason",
        "2",
    )
    assert _state(milestone_a) == (datetime.date(2031, 6, 30), 2, 1)

    confirmed = client.post(_redate_url(milestone_a), form.data)

    assert confirmed.status_code == 302
    assert _state(milestone_a) == (datetime.date(2033, 12, 31), 3, 2)


def test_redate_form_is_linked_from_the_work_queue_and_the_status_update_page(
    client, milestone_a, steward_a
):
    client.force_login(steward_a)
    link = f'href="{_redate_url(milestone_a)}"'

    queue = client.get(reverse("roadmaps:staff-queue")).content.decode()
    update = client.get(reverse("roadmaps:staff-update", args=["A-1.1"])).content.decode()

    assert link in queue
    assert link in update


# The admin's change form ------------------------------------------------------------------------


def _admin_url(milestone):
    return reverse("admin:roadmaps_milestone_change", args=[milestone.pk])


def test_admin_due_date_change_without_reason_is_refused(client, admin_user, milestone_a):
    client.force_login(admin_user)

    response = client.post(
        _admin_url(milestone_a), admin_milestone_data(milestone_a, due_date="2032-12-31")
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "deadline_reason": ["Say why the due date changes: a reason is required."]
    }
    assert _state(milestone_a) == UNCHANGED


def test_admin_due_date_change_is_a_deadline_change_with_the_reason(
    client, admin_user, milestone_a
):
    client.force_login(admin_user)

    response = client.post(
        _admin_url(milestone_a),
        admin_milestone_data(
            milestone_a,
            due_date="2032-12-31",
            title="Clearer title",
            deadline_reason="Postponed by Directive (EU) 2025/794.",
            deadline_evidence_url="https://eur-lex.europa.eu/eli/dir/2025/794/oj",
        ),
    )

    assert response.status_code == 302
    stored = Milestone.objects.get(pk=milestone_a.pk)
    # Content (one version) and the re-dating (another): each through its writer.
    assert (stored.title, stored.due_date, stored.version) == (
        "Clearer title",
        datetime.date(2032, 12, 31),
        3,
    )
    row = MilestoneUpdate.objects.get(milestone=milestone_a)
    assert (row.kind, row.due_date_before, row.due_date_after, row.note, row.evidence_url) == (
        "deadline",
        datetime.date(2030, 12, 31),
        datetime.date(2032, 12, 31),
        "Postponed by Directive (EU) 2025/794.",
        "https://eur-lex.europa.eu/eli/dir/2025/794/oj",
    )
    assert row.author == admin_user


def test_admin_due_date_and_status_change_write_two_history_rows(client, admin_user, milestone_a):
    client.force_login(admin_user)

    response = client.post(
        _admin_url(milestone_a),
        admin_milestone_data(
            milestone_a,
            due_date="2032-12-31",
            deadline_reason="Postponed.",
            status="in_progress",
            status_note="Work began.",
        ),
    )

    assert response.status_code == 302
    rows = MilestoneUpdate.objects.filter(milestone=milestone_a).order_by("created_at", "pk")
    assert [(r.kind, r.note) for r in rows] == [
        ("deadline", "Postponed."),
        ("status", "Work began."),
    ]
    stored = Milestone.objects.get(pk=milestone_a.pk)
    assert (stored.due_date, stored.status, stored.version) == (
        datetime.date(2032, 12, 31),
        "in_progress",
        3,
    )


def test_admin_due_date_change_from_a_stale_form_is_409_with_the_newer_values(
    client, admin_user, milestone_a
):
    client.force_login(admin_user)
    stale = admin_milestone_data(milestone_a, due_date="2032-12-31", deadline_reason="Mine.")
    record_deadline_change(
        milestone=milestone_a,
        due_date=datetime.date(2031, 6, 30),
        reason="Theirs.",
        expected_version=1,
    )

    response = client.post(_admin_url(milestone_a), stale)

    assert response.status_code == 409
    form = response.context["adminform"].form
    assert (form["due_date"].value(), form["expected_version"].value()) == ("2031-06-30", "2")
    assert _state(milestone_a) == (datetime.date(2031, 6, 30), 2, 1)


def test_admin_deadline_fields_are_not_offered_to_stewards(client, steward_a, milestone_a):
    client.force_login(steward_a)

    response = client.get(_admin_url(milestone_a))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="deadline_reason"' not in html
    assert 'name="due_date"' not in html  # read-only: stewards re-date through the staff form
