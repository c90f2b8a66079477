"""Freshness shown publicly (issue 17): last reviewed, "not reviewed since", the sector's
share of items reviewed within its interval, the work queue's "stale" by the same rule, and
whether a status rests on evidence or was reported with a note only."""

import datetime

import pytest
from django.utils import timezone

from roadmaps.freshness import milestone_freshness
from roadmaps.models import Milestone, Status
from roadmaps.services import record_status_update
from tests.factories import at_noon, make_milestone, make_roadmap, make_target, make_update
from tests.indicator_factories import make_indicator, make_measurement

pytestmark = pytest.mark.django_db


@pytest.fixture
def target_a(sector_a):
    return make_target(roadmap=make_roadmap(sector=sector_a), code="A-1")


def _milestone_page(client, code, **params):
    return client.get(f"/milestones/{code}/", params).content.decode()


def test_recently_reviewed_milestone_shows_the_day_without_a_mark(client, target_a):
    milestone = make_milestone(target=target_a, code="A-1.1")
    make_update(milestone=milestone, status_after="in_progress", created_at=at_noon("2025-03-01"))

    html = _milestone_page(client, "A-1.1", as_of="2025-06-30")

    assert '<dd class="last-reviewed"><time datetime="2025-03-01">2025-03-01</time></dd>' in html
    assert "Not reviewed since" not in html


def test_milestone_not_reviewed_within_the_sectors_interval_is_marked(client, sector_a, target_a):
    milestone = make_milestone(target=target_a, code="A-1.1")
    make_update(milestone=milestone, status_after="in_progress", created_at=at_noon("2025-03-01"))
    sector_a.review_interval_months = 3
    sector_a.save()

    html = _milestone_page(client, "A-1.1", as_of="2025-06-30")

    assert (
        '<dd class="last-reviewed"><span class="tag not-reviewed">Not reviewed since '
        '<time datetime="2025-03-01">2025-03-01</time></span></dd>'
    ) in html


def test_interval_boundary_is_the_same_day_months_earlier(sector_a, target_a):
    milestone = make_milestone(target=target_a, code="A-1.1")
    make_update(
        milestone=milestone,
        status_after="in_progress",
        created_at=datetime.datetime(2024, 6, 30, 0, 0, tzinfo=datetime.UTC),
    )
    annotated = (
        Milestone.objects.with_review(datetime.date(2025, 6, 30))
        .select_related("target__roadmap__sector")
        .get()
    )

    on_the_day = milestone_freshness(annotated, datetime.date(2025, 6, 30))
    a_day_later = milestone_freshness(annotated, datetime.date(2025, 7, 1))

    assert (on_the_day.is_current, on_the_day.review_due) == (True, datetime.date(2025, 6, 30))
    assert a_day_later.is_current is False


def test_never_reviewed_open_milestone_is_marked(client, target_a):
    make_milestone(target=target_a, code="A-1.1")

    html = _milestone_page(client, "A-1.1")

    assert (
        '<dd class="last-reviewed"><span class="tag not-reviewed">Never reviewed</span></dd>'
        in html
    )


def test_reconfirmation_with_the_same_status_counts_as_a_review(client, steward_a, target_a):
    milestone = make_milestone(target=target_a, code="A-1.1", status=Status.IN_PROGRESS)
    make_update(
        milestone=milestone,
        status_before="not_started",
        status_after="in_progress",
        created_at=timezone.now() - datetime.timedelta(days=500),
    )
    client.force_login(steward_a)
    assert "badge-stale" in client.get("/staff/").content.decode()

    client.post(
        "/staff/milestones/A-1.1/update/",
        {"status": "in_progress", "note": "Still running, checked today.", "version": "1"},
    )

    today = timezone.now().date().isoformat()
    html = _milestone_page(client, "A-1.1")
    assert f'<dd class="last-reviewed"><time datetime="{today}">{today}</time></dd>' in html
    assert "badge-stale" not in client.get("/staff/").content.decode()


def test_achieved_milestone_needs_no_further_review(client, target_a):
    milestone = make_milestone(target=target_a, code="A-1.1", status=Status.ACHIEVED)
    make_update(
        milestone=milestone,
        status_before="in_progress",
        status_after="achieved",
        created_at=at_noon("2021-01-10"),
    )

    html = _milestone_page(client, "A-1.1")

    assert '<dd class="last-reviewed"><time datetime="2021-01-10">2021-01-10</time></dd>' in html


def test_work_queue_stale_follows_the_sectors_interval(client, steward_a, sector_a, target_a):
    milestone = make_milestone(target=target_a, code="A-1.1")
    make_update(
        milestone=milestone,
        status_after="in_progress",
        created_at=timezone.now() - datetime.timedelta(days=70),
    )
    client.force_login(steward_a)
    assert client.get("/staff/").context["milestones"][0].is_stale is False

    sector_a.review_interval_months = 2
    sector_a.save()

    assert client.get("/staff/").context["milestones"][0].is_stale is True


# Reported or evidenced


def test_status_resting_on_evidence_is_labelled_with_its_link(client, target_a):
    milestone = make_milestone(target=target_a, code="A-1.1")
    record_status_update(
        milestone=milestone,
        status="in_progress",
        note="Act adopted",
        evidence_url="https://example.org/act",
        expected_version=1,
    )

    html = _milestone_page(client, "A-1.1")
    listing = client.get("/sectors/sector-a/milestones/").content.decode()

    assert (
        '<span class="badge st-in_progress"><span aria-hidden="true">■</span> In progress</span> '
        '<span class="tag evidenced">Evidenced</span> '
        '<a href="https://example.org/act" rel="nofollow noopener">evidence</a></dd>'
    ) in html
    assert '<span class="tag evidenced">Evidenced</span>' in listing


def test_status_reported_with_a_note_only_is_labelled(client, target_a):
    milestone = make_milestone(target=target_a, code="A-1.1")
    record_status_update(
        milestone=milestone,
        status="in_progress",
        note="Heard at a meeting",
        evidence_url="https://example.org/old",
        expected_version=1,
    )
    record_status_update(
        milestone=milestone, status="at_risk", note="Delayed, says the partner", expected_version=2
    )

    html = _milestone_page(client, "A-1.1")
    snapshot = _milestone_page(client, "A-1.1", as_of=timezone.now().date().isoformat())
    listing = client.get("/sectors/sector-a/milestones/").content.decode()

    assert '<span class="tag reported">Reported (note only)</span>' in html
    assert "Evidenced" not in html
    assert '<span class="tag reported">Reported (note only)</span>' in snapshot
    assert '<span class="tag reported">Reported (note only)</span>' in listing


def test_status_from_the_roadmap_itself_has_no_basis_label(client, target_a):
    make_milestone(target=target_a, code="A-1.1")

    html = _milestone_page(client, "A-1.1")

    assert "Evidenced" not in html and "Reported (note only)" not in html


def test_basis_as_of_a_past_day_is_that_days(client, target_a):
    milestone = make_milestone(target=target_a, code="A-1.1")
    make_update(
        milestone=milestone,
        status_after="in_progress",
        created_at=at_noon("2024-01-15"),
        evidence_url="https://example.org/e",
    )
    make_update(
        milestone=milestone,
        status_before="in_progress",
        status_after="at_risk",
        created_at=at_noon("2025-01-15"),
    )

    then = _milestone_page(client, "A-1.1", as_of="2024-06-30")
    now = _milestone_page(client, "A-1.1")

    assert '<span class="tag evidenced">Evidenced</span>' in then
    assert '<span class="tag reported">Reported (note only)</span>' in now


# The sector dashboard's share


def test_sector_dashboard_shows_the_share_reviewed_within_the_interval(client, sector_a, target_a):
    recent = timezone.now() - datetime.timedelta(days=10)
    old = timezone.now() - datetime.timedelta(days=400)
    fresh = make_milestone(target=target_a, code="A-1.1")
    make_update(milestone=fresh, status_after="in_progress", created_at=recent)
    stale = make_milestone(target=target_a, code="A-1.2")
    make_update(milestone=stale, status_after="in_progress", created_at=old)
    make_milestone(target=target_a, code="A-1.3")  # never reviewed
    make_milestone(target=target_a, code="A-1.4", status=Status.ACHIEVED)  # final
    current = make_indicator(code="IND-1", sectors=[sector_a], release_interval_months=12)
    make_measurement(
        indicator=current,
        period=2024,
        value="20",
        published_on=timezone.now().date() - datetime.timedelta(days=30),
    )
    late = make_indicator(code="IND-2", sectors=[sector_a], release_interval_months=6)
    make_measurement(indicator=late, period=2023, value="20", published_on="2024-01-10")

    response = client.get("/sectors/sector-a/")

    share = response.context["reviewed"]
    assert (share.items, share.reviewed, share.share) == (6, 3, 0.5)
    html = response.content.decode()
    assert "Reviewed within the last 12 months: 3 of 6 milestones and indicators (50.0%)." in html
    assert "Not reviewed since <time" in html  # IND-2, among the sector's other indicators


def test_indicator_not_reviewed_after_its_expected_release(client, sector_a):
    indicator = make_indicator(code="IND-1", sectors=[sector_a], release_interval_months=12)
    make_measurement(indicator=indicator, period=2023, value="20", published_on="2024-03-01")

    before = client.get("/indicators/IND-1/", {"as_of": "2025-03-01"}).content.decode()
    after = client.get("/indicators/IND-1/", {"as_of": "2025-03-02"}).content.decode()

    assert (
        '<dd class="last-reviewed"><time datetime="2024-03-01">2024-03-01</time> (next release '
        'expected by <time datetime="2025-03-01">2025-03-01</time>)</dd>'
    ) in before
    assert (
        '<dd class="last-reviewed"><span class="tag not-reviewed">Not reviewed since '
        '<time datetime="2024-03-01">2024-03-01</time></span></dd>'
    ) in after


@pytest.mark.parametrize("count", [1, 10])
def test_milestone_list_with_freshness_runs_a_fixed_number_of_queries(
    client, target_a, django_assert_num_queries, count
):
    for _ in range(count):
        milestone = make_milestone(target=target_a)
        make_update(milestone=milestone, status_after="in_progress", evidence_url="https://e.org")
    # Data version, sector, count, page of milestones (last review and evidence are
    # subqueries of it), their groups, theme/target/group/mineral/stage select options.
    with django_assert_num_queries(1 + 9):
        response = client.get("/sectors/sector-a/milestones/")

    assert response.content.decode().count('<span class="tag evidenced">Evidenced</span>') == count


def test_indicator_list_marks_an_indicator_past_its_expected_release(client, sector_a):
    late = make_indicator(code="IND-1", sectors=[sector_a], release_interval_months=12)
    make_measurement(indicator=late, period=2023, value="20", published_on="2024-03-01")
    current = make_indicator(code="IND-2", sectors=[sector_a], release_interval_months=12)
    make_measurement(indicator=current, period=2024, value="20", published_on="2025-02-01")

    html = client.get("/indicators/", {"as_of": "2025-06-30"}).content.decode()

    assert html.count('<span class="tag not-reviewed">') == 1
    row = html[html.index('href="/indicators/IND-1/') : html.index('href="/indicators/IND-2/')]
    assert "Not reviewed since <time" in row


def test_a_redating_is_a_review_but_not_the_status_basis(client, target_a):
    from roadmaps.services import record_deadline_change

    milestone = make_milestone(target=target_a, code="A-1.1")
    record_status_update(
        milestone=milestone,
        status="in_progress",
        note="Act adopted",
        evidence_url="https://example.org/act",
        expected_version=1,
        created_at=timezone.now() - datetime.timedelta(days=500),
    )
    record_deadline_change(
        milestone=milestone,
        due_date=datetime.date(2032, 12, 31),
        reason="Postponed",
        expected_version=2,
    )

    html = _milestone_page(client, "A-1.1")

    today = timezone.now().date().isoformat()
    assert f'<dd class="last-reviewed"><time datetime="{today}">{today}</time></dd>' in html
    assert '<span class="tag evidenced">Evidenced</span>' in html
