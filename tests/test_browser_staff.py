"""A steward, in Chromium: log in, update a milestone, see it on the public page and the feed."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from roadmaps.models import Milestone, MilestoneUpdate
from tests.factories import make_milestone, make_roadmap, make_sector, make_steward, make_target

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ATOM = "{http://www.w3.org/2005/Atom}"


def test_browser_steward_updates_a_milestone_end_to_end(live_server, page, screenshot, axe_check):
    sector = make_sector(slug="mobility", name="Mobility")
    target = make_target(roadmap=make_roadmap(sector=sector), code="MOB-1")
    milestone = make_milestone(
        target=target, code="MOB-1.3", title="Battery passport", due_date=datetime.date(2027, 2, 18)
    )
    make_steward(sector=sector, username="ines")

    page.goto(f"{live_server.url}/staff/")
    assert page.url == f"{live_server.url}/accounts/login/?next=/staff/"
    axe_check(page, "staff-login")
    page.get_by_label("Username").fill("ines")
    page.get_by_label("Password").fill("pw-for-tests-only")
    page.get_by_role("button", name="Log in").click()

    page.wait_for_url(f"{live_server.url}/staff/")
    assert page.locator("h1").inner_text() == "Work queue"
    axe_check(page, "staff-queue")
    screenshot(page, "staff-queue")
    page.get_by_role("link", name="Update MOB-1.3").click()

    page.wait_for_url(f"{live_server.url}/staff/milestones/MOB-1.3/update/")
    axe_check(page, "staff-update-form")
    page.get_by_label("New status").select_option("in_progress")
    page.get_by_label("Note").fill("Delegated act <b>adopted</b>; passport pilots running.")
    page.get_by_label("Evidence URL").fill("https://example.org/battery-passport")
    screenshot(page, "staff-update-form")
    page.get_by_role("button", name="Record update").click()

    page.wait_for_url(f"{live_server.url}/milestones/MOB-1.3/")
    assert page.locator(".messages").inner_text() == (
        "MOB-1.3 is now “In progress”. Your note is in its public history."
    )
    history = page.locator("#history-title + .table-wrap tbody tr").first
    assert "Delegated act <b>adopted</b>; passport pilots running." in history.inner_text()
    assert "In progress" in page.locator(".facts").inner_text()
    evidence = history.get_by_role("link", name="Evidence")
    assert evidence.get_attribute("rel") == "nofollow noopener"
    screenshot(page, "staff-updated-public-page")

    feed = page.request.get(f"{live_server.url}/feeds/updates.atom")
    root = ET.fromstring(feed.body())  # noqa: S314 (our own output)
    entry = root.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "MOB-1.3: Not started -> In progress"
    assert "Delegated act &lt;b&gt;adopted&lt;/b&gt;" in entry.find(f"{ATOM}content").text
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "ines"

    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.status, stored.version) == ("in_progress", 2)
    assert MilestoneUpdate.objects.filter(milestone=milestone).count() == 1


def _log_in(browser, live_server, username):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/staff/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests-only")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/staff/")
    return page


def test_browser_two_stewards_at_once_the_second_confirms_against_the_new_version(
    live_server, browser, screenshot, axe_check
):
    sector = make_sector(slug="mobility", name="Mobility")
    target = make_target(roadmap=make_roadmap(sector=sector), code="MOB-1")
    milestone = make_milestone(target=target, code="MOB-1.3", due_date=datetime.date(2027, 2, 18))
    make_steward(sector=sector, username="ines")
    make_steward(sector=sector, username="jonas")
    first, second = _log_in(browser, live_server, "ines"), _log_in(browser, live_server, "jonas")
    url = f"{live_server.url}/staff/milestones/MOB-1.3/update/"
    first.goto(url)
    second.goto(url)
    first.get_by_label("New status").select_option("in_progress")
    first.get_by_label("Note").fill("Pilots started.")
    second.get_by_label("New status").select_option("achieved")
    second.get_by_label("Note").fill("Passport <live> everywhere.")
    second.get_by_label("Evidence URL").fill("https://example.org/passport")

    first.get_by_role("button", name="Record update").click()
    first.wait_for_url(f"{live_server.url}/milestones/MOB-1.3/")
    with second.expect_navigation() as refused:
        second.get_by_role("button", name="Record update").click()

    assert refused.value.status == 409
    conflict = second.locator(".conflict")
    assert "The status is now “In progress”. Nothing of yours was saved." in conflict.inner_text()
    assert "Pilots started." in conflict.inner_text()
    assert second.get_by_label("New status").input_value() == "achieved"
    assert second.get_by_label("Note").input_value() == "Passport <live> everywhere."
    assert second.get_by_label("Evidence URL").input_value() == "https://example.org/passport"
    assert second.locator("input[name=version]").input_value() == "2"
    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.status, stored.version) == ("in_progress", 2)
    axe_check(second, "staff-update-conflict")
    screenshot(second, "staff-update-conflict")

    second.get_by_role("button", name="Confirm my update").click()
    second.wait_for_url(f"{live_server.url}/milestones/MOB-1.3/")

    stored.refresh_from_db()
    assert (stored.status, stored.version) == ("achieved", 3)
    assert list(
        MilestoneUpdate.objects.filter(milestone=milestone)
        .order_by("created_at")
        .values_list("author__username", "status_after", "note")
    ) == [
        ("ines", "in_progress", "Pilots started."),
        ("jonas", "achieved", "Passport <live> everywhere."),
    ]
    first.context.close()
    second.context.close()
