"""The staff workflow: the work queue and the status update form."""

import datetime
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from resourcing.lib.dates import today
from roadmaps.models import Milestone, MilestoneUpdate
from roadmaps.services import record_status_update
from tests.factories import (
    make_milestone,
    make_roadmap,
    make_sector,
    make_steward,
    make_target,
    make_update,
    make_user,
)

pytestmark = pytest.mark.django_db

QUEUE = reverse("roadmaps:staff-queue")


def _update_url(milestone):
    return reverse("roadmaps:staff-update", args=[milestone.code])


def _days(n):
    return today() + datetime.timedelta(days=n)


# The work queue


def test_work_queue_orders_overdue_then_due_soon_then_rest(client, steward_a, sector_a):
    target = make_target(roadmap=make_roadmap(sector=sector_a), code="A-1")
    later = make_milestone(target=target, code="A-1.1", due_date=datetime.date(2040, 12, 31))
    soon = make_milestone(target=target, code="A-1.2", due_date=_days(30))
    overdue = make_milestone(target=target, code="A-1.3", due_date=datetime.date(2021, 1, 1))
    achieved_past = make_milestone(
        target=target, code="A-1.4", due_date=datetime.date(2020, 6, 1), status="achieved"
    )
    client.force_login(steward_a)

    response = client.get(QUEUE)

    assert response.status_code == 200
    rows = list(response.context["milestones"])
    assert [m.code for m in rows] == [overdue.code, soon.code, achieved_past.code, later.code]
    assert [m.queue_rank for m in rows] == [0, 1, 2, 2]
    html = response.content.decode()
    assert html.count("badge-overdue") == 1
    assert html.count("badge-due-soon") == 1


def test_work_queue_marks_stale_and_shows_last_update(client, steward_a, sector_a):
    target = make_target(roadmap=make_roadmap(sector=sector_a), code="A-1")
    fresh = make_milestone(target=target, code="A-1.1")
    old = make_milestone(target=target, code="A-1.2")
    never = make_milestone(target=target, code="A-1.3")
    make_update(milestone=fresh, status_after="in_progress", created_at=timezone.now())
    old_time = timezone.now() - datetime.timedelta(days=400)
    make_update(milestone=old, status_after="in_progress", created_at=old_time)
    client.force_login(steward_a)

    response = client.get(QUEUE)

    stale = {m.code: m.is_stale for m in response.context["milestones"]}
    assert stale == {fresh.code: False, old.code: True, never.code: True}
    last = {m.code: m.last_update_at for m in response.context["milestones"]}
    assert last[old.code] == old_time
    assert last[never.code] is None
    assert response.content.decode().count("badge-stale") == 2


def test_work_queue_lists_only_stewarded_sectors(client, steward_a, sector_a, sector_b):
    mine = make_milestone(target=make_target(roadmap=make_roadmap(sector=sector_a)))
    make_milestone(target=make_target(roadmap=make_roadmap(sector=sector_b)))
    client.force_login(steward_a)

    response = client.get(QUEUE)

    assert [m.code for m in response.context["milestones"]] == [mine.code]
    assert list(response.context["sectors"]) == [sector_a]


def test_work_queue_superuser_sees_every_sector(client, admin_user, sector_a, sector_b):
    a = make_milestone(target=make_target(roadmap=make_roadmap(sector=sector_a)), code="A-9")
    b = make_milestone(target=make_target(roadmap=make_roadmap(sector=sector_b)), code="B-9")
    client.force_login(admin_user)

    response = client.get(QUEUE)

    assert sorted(m.code for m in response.context["milestones"]) == [a.code, b.code]


def test_work_queue_filters_like_the_public_list(client, steward_a, sector_a):
    target = make_target(roadmap=make_roadmap(sector=sector_a), code="A-1")
    make_milestone(target=target, code="A-1.1", status="at_risk", title="Batteries")
    make_milestone(
        target=target,
        code="A-1.2",
        status="in_progress",
        title="Recycling",
        due_date=datetime.date(2029, 12, 31),
    )
    client.force_login(steward_a)

    by_status = client.get(QUEUE, {"status": "at_risk"})
    by_text = client.get(QUEUE, {"q": "recycl"})
    # The queue keeps its own order: a public-list `ordering` parameter is ignored.
    ordered = client.get(QUEUE, {"ordering": "-due_date"})

    assert [m.code for m in by_status.context["milestones"]] == ["A-1.1"]
    assert [m.code for m in by_text.context["milestones"]] == ["A-1.2"]
    assert [m.code for m in ordered.context["milestones"]] == ["A-1.2", "A-1.1"]


def test_work_queue_invalid_filter_is_400_naming_it(client, steward_a):
    client.force_login(steward_a)

    response = client.get(QUEUE, {"due_from": "soon", "status": "nonsense"})

    assert response.status_code == 400
    assert set(response.context["filter"].errors) == {"due_from", "status"}
    assert "due_from" in response.content.decode()


def test_work_queue_is_never_cached(client, steward_a):
    client.force_login(steward_a)

    response = client.get(QUEUE)

    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_work_queue_anonymous_is_sent_to_login(client):
    response = client.get(QUEUE)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={QUEUE}"


def test_work_queue_refuses_non_staff(client):
    client.force_login(make_user(username="visitor"))

    response = client.get(QUEUE)

    assert response.status_code == 403


def test_work_queue_without_sectors_is_empty(client):
    client.force_login(make_user(username="staff-only", staff=True))

    response = client.get(QUEUE)

    assert response.status_code == 200
    assert list(response.context["milestones"]) == []
    assert "You do not steward any sector yet" in response.content.decode()


@pytest.mark.parametrize("count", [1, 10])
def test_work_queue_query_count_does_not_grow(client, django_assert_num_queries, count):
    sector = make_sector()
    steward = make_steward(sector=sector)
    roadmap = make_roadmap(sector=sector)
    for _ in range(count):
        milestone = make_milestone(target=make_target(roadmap=roadmap))
        make_update(milestone=milestone, status_after="in_progress", author=steward)
    client.force_login(steward)
    # Queries: session, user, the user's own and group permissions (has_perm, cached for both
    # stewarded_sectors and stewarded_milestones), the sectors, the filter form's choices
    # (themes, targets, stakeholder groups, minerals, stages), the count for the pagination,
    # the page of milestones (with sector, last update, rank).
    with django_assert_num_queries(12):
        response = client.get(QUEUE)

    assert len(response.context["milestones"]) == count


def test_work_queue_is_paginated_keeping_filters(client):
    sector = make_sector()
    steward = make_steward(sector=sector)
    roadmap = make_roadmap(sector=sector)
    target = make_target(roadmap=roadmap)
    for _ in range(55):
        make_milestone(target=target, status="in_progress")
    client.force_login(steward)

    first = client.get(QUEUE, {"status": "in_progress"})
    second = client.get(QUEUE, {"status": "in_progress", "page": "2"})

    assert len(first.context["milestones"]) == 50
    assert len(second.context["milestones"]) == 5
    assert "55 milestones" in first.content.decode()
    assert '?status=in_progress&amp;page=2" rel="next"' in first.content.decode()


# The update form


def test_update_form_shows_current_status_and_version(client, steward_a, milestone_a):
    Milestone.objects.filter(pk=milestone_a.pk).update(status="in_progress", version=3)
    client.force_login(steward_a)

    response = client.get(_update_url(milestone_a))

    assert response.status_code == 200
    form = response.context["form"]
    assert (form.initial["status"], form.initial["version"]) == ("in_progress", 3)
    assert 'name="version" value="3"' in response.content.decode()
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_update_valid_post_records_and_redirects_with_message(client, steward_a, milestone_a):
    client.force_login(steward_a)

    response = client.post(
        _update_url(milestone_a),
        {
            "status": "in_progress",
            "note": "Tender published.",
            "evidence_url": "https://example.org/tender",
            "version": "1",
        },
        follow=True,
    )

    assert response.redirect_chain == [(milestone_a.get_absolute_url(), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "A-1.1 is now “In progress”. Your note is in its public history."
    ]
    stored = Milestone.objects.get(pk=milestone_a.pk)
    assert (stored.status, stored.version) == ("in_progress", 2)
    row = MilestoneUpdate.objects.get()
    assert (row.status_before, row.status_after, row.note, row.evidence_url, row.author) == (
        "not_started",
        "in_progress",
        "Tender published.",
        "https://example.org/tender",
        steward_a,
    )


VALID = {"status": "achieved", "note": "ok", "evidence_url": "", "version": "1"}
MISSING = None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"note": ""}, "note"),
        ({"note": "   "}, "note"),
        ({"note": "x" * 2001}, "note"),
        ({"note": "ok\x00"}, "note"),
        ({"note": "pasted\x0bfrom Word"}, "note"),
        ({"evidence_url": "javascript:alert(1)"}, "evidence_url"),
        ({"evidence_url": "ftp://x.org/a"}, "evidence_url"),
        ({"evidence_url": "data:text/html,<b>x"}, "evidence_url"),
        ({"evidence_url": "https://a.org/a b"}, "evidence_url"),
        ({"evidence_url": "https://a.org/\x00"}, "evidence_url"),
        ({"evidence_url": "https://a.org/\x01"}, "evidence_url"),
        ({"status": "finished"}, "status"),
        ({"status": "\x00"}, "status"),
        ({"version": "abc"}, "version"),
        ({"version": "9" * 20}, "version"),
        ({"version": MISSING}, "version"),
    ],
)
def test_update_invalid_input_is_400_and_writes_nothing(
    client, steward_a, milestone_a, overrides, field
):
    data = {key: value for key, value in {**VALID, **overrides}.items() if value is not MISSING}
    client.force_login(steward_a)

    response = client.post(_update_url(milestone_a), data)

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    stored = Milestone.objects.get(pk=milestone_a.pk)
    assert (stored.status, stored.version) == ("not_started", 1)
    assert MilestoneUpdate.objects.count() == 0


@pytest.mark.parametrize(
    "evidence_url", ["javascript:alert(1)", "data:text/html,x", "ftp://a.org/x", "https://a b.org"]
)
def test_update_bad_evidence_url_gets_one_message_saying_what_is_wanted(
    client, steward_a, milestone_a, evidence_url
):
    client.force_login(steward_a)
    response = client.post(_update_url(milestone_a), {**VALID, "evidence_url": evidence_url})

    assert response.context["form"].errors["evidence_url"] == [
        "Enter a complete web address starting with http:// or https://, no spaces."
    ]
    assert MilestoneUpdate.objects.count() == 0


def test_update_unicode_note_is_stored_as_typed(client, steward_a, milestone_a):
    client.force_login(steward_a)
    note = "Überprüft ✓ — 电池护照 \u202eRTL 🚗"

    response = client.post(_update_url(milestone_a), {**VALID, "note": note})

    assert response.status_code == 302
    assert MilestoneUpdate.objects.get().note == note


def test_update_note_of_exactly_2000_characters_is_accepted(client, steward_a, milestone_a):
    client.force_login(steward_a)

    response = client.post(
        _update_url(milestone_a), {"status": "at_risk", "note": "x" * 2000, "version": "1"}
    )

    assert response.status_code == 302
    assert len(MilestoneUpdate.objects.get().note) == 2000


def test_update_stale_version_keeps_newer_update_and_asks_to_confirm(
    client, steward_a, milestone_a, sector_a
):
    colleague = make_steward(sector=sector_a, username="colleague")
    record_status_update(
        milestone=milestone_a,
        status="at_risk",
        note="Supplier <b>withdrew</b>.",
        author=colleague,
        expected_version=1,
    )
    client.force_login(steward_a)
    typed = {"status": "achieved", "note": "Done, see report.", "version": "1"}

    response = client.post(_update_url(milestone_a), typed)

    assert response.status_code == 409
    stored = Milestone.objects.get(pk=milestone_a.pk)
    assert (stored.status, stored.version) == ("at_risk", 2)
    assert list(MilestoneUpdate.objects.values_list("note", flat=True)) == [
        "Supplier <b>withdrew</b>."
    ]
    form = response.context["form"]
    assert (form["status"].value(), form["note"].value(), form["version"].value()) == (
        "achieved",
        "Done, see report.",
        "2",
    )
    assert response.context["conflict"].author == colleague
    html = response.content.decode()
    assert "Supplier &lt;b&gt;withdrew&lt;/b&gt;." in html
    assert '<strong class="current-status">At risk</strong>' in html

    confirmed = client.post(_update_url(milestone_a), {**typed, "version": "2"})

    assert confirmed.status_code == 302
    stored.refresh_from_db()
    assert (stored.status, stored.version) == ("achieved", 3)
    assert MilestoneUpdate.objects.count() == 2


def test_update_notes_and_evidence_are_escaped(client, steward_a, milestone_a):
    make_update(
        milestone=milestone_a,
        status_after="in_progress",
        note='<script>alert("x")</script>',
        evidence_url='https://example.org/"><script>',
    )
    client.force_login(steward_a)

    response = client.get(_update_url(milestone_a))

    html = response.content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert '<a href="https://example.org/&quot;&gt;&lt;script&gt;" rel="nofollow noopener">' in html


def test_update_unknown_milestone_is_404(client, steward_a):
    client.force_login(steward_a)

    response = client.get(reverse("roadmaps:staff-update", args=["NOPE-1"]))

    assert response.status_code == 404


def test_update_get_query_count_is_fixed(client, steward_a, milestone_a, django_assert_num_queries):
    for _ in range(8):
        make_update(milestone=milestone_a, status_after="in_progress", author=steward_a)
    client.force_login(steward_a)
    # Queries: session, user, the milestone with its sector, the user's own and group
    # permissions, the stewardship check, the recent updates with their authors.
    with django_assert_num_queries(7):
        response = client.get(_update_url(milestone_a))

    assert len(response.context["recent"]) == 5


# Two stewards at the same moment (PostgreSQL: real row locks between connections)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("writers", [2, 20])
def test_concurrent_updates_with_same_version_exactly_one_wins(writers):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, there is no race to test")
    sector = make_sector()
    milestone = make_milestone(target=make_target(roadmap=make_roadmap(sector=sector)))
    stewards = [make_steward(sector=sector, username=f"racer-{i}") for i in range(writers)]
    barrier = threading.Barrier(writers)
    outcomes = []

    def post(user):
        from django.db import connections
        from django.test import Client

        client = Client()
        client.force_login(user)
        barrier.wait()
        try:
            response = client.post(
                _update_url(milestone),
                {"status": "achieved", "note": f"by {user.username}", "version": "1"},
            )
            outcomes.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(user,)) for user in stewards]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == [302] + [409] * (writers - 1)
    assert MilestoneUpdate.objects.filter(milestone=milestone).count() == 1
    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.status, stored.version) == ("achieved", 2)


def test_update_refused_for_another_sector_explains_in_the_site_layout(client, steward_a, sector_b):
    theirs = make_milestone(target=make_target(roadmap=make_roadmap(sector=sector_b)))
    client.force_login(steward_a)

    response = client.get(_update_url(theirs))

    assert response.status_code == 403
    html = response.content.decode()
    assert "<title>Not allowed · RE-SOURCING Roadmap Tracker</title>" in html
    assert "You do not steward this milestone&#x27;s sector." in html
    assert 'href="/staff/">Go to your work queue</a>' in html
