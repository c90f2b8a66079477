"""Review before publication in Chromium: a steward proposes, a second steward returns it with
a comment (e-mailed), the first proposes again, the second approves, the public page shows it."""

import datetime

import pytest
from django.core import mail

from review.models import Proposal
from roadmaps.models import Milestone, MilestoneUpdate
from tests.factories import make_milestone, make_roadmap, make_sector, make_steward, make_target

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(browser, live_server, username):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/staff/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests-only")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/staff/")
    return page


def _propose(page, live_server, note, evidence=""):
    page.goto(f"{live_server.url}/staff/milestones/MOB-1.3/update/")
    page.get_by_label("New status").select_option("in_progress")
    page.get_by_label("Note").fill(note)
    page.get_by_label("Evidence URL").fill(evidence)
    page.get_by_role("button", name="Record update").click()
    page.wait_for_url(f"{live_server.url}/staff/")


def test_browser_propose_return_propose_again_approve(
    live_server, browser, settings, screenshot, axe_check
):
    settings.SITE_URL = live_server.url
    sector = make_sector(slug="mobility", name="Mobility")
    sector.review_required = True
    sector.save()
    target = make_target(roadmap=make_roadmap(sector=sector), code="MOB-1")
    milestone = make_milestone(
        target=target, code="MOB-1.3", title="Battery passport", due_date=datetime.date(2027, 2, 18)
    )
    ines = make_steward(sector=sector, username="ines")
    ines.email = "ines@example.org"
    ines.save()
    make_steward(sector=sector, username="jonas")
    proposer = _log_in(browser, live_server, "ines")
    reviewer = _log_in(browser, live_server, "jonas")

    _propose(proposer, live_server, "Pilots running.")
    assert proposer.locator(".messages").inner_text() == (
        "Your change of MOB-1.3 awaits review: another steward of the sector approves it "
        "before it is public."
    )
    public = proposer.request.get(f"{live_server.url}/milestones/MOB-1.3/").text()
    assert "Pilots running." not in public

    reviewer.goto(f"{live_server.url}/staff/")
    axe_check(reviewer, "review-queue-with-proposal")
    screenshot(reviewer, "review-queue-with-proposal")
    reviewer.get_by_role("link", name="Review proposal for MOB-1.3").click()
    axe_check(reviewer, "review-proposal")
    reviewer.get_by_label("Comment to the proposer").fill("Please link the pilot report.")
    reviewer.get_by_role("button", name="Return with comment").click()
    reviewer.wait_for_url(f"{live_server.url}/staff/")
    assert [m.to for m in mail.outbox] == [["ines@example.org"]]
    assert "Please link the pilot report." in mail.outbox[0].body
    assert f"{live_server.url}/staff/milestones/MOB-1.3/update/" in mail.outbox[0].body

    _propose(proposer, live_server, "Pilots running in 3 countries.", "https://example.org/pilot")

    reviewer.goto(f"{live_server.url}/staff/")
    reviewer.get_by_role("link", name="Review proposal for MOB-1.3").click()
    assert "Pilots running in 3 countries." in reviewer.locator(".proposal-note").inner_text()
    reviewer.get_by_role("button", name="Approve and publish").click()
    reviewer.wait_for_url(f"{live_server.url}/milestones/MOB-1.3/")
    assert reviewer.locator(".messages").inner_text() == (
        "The proposal for MOB-1.3 is approved and public."
    )
    history = reviewer.locator("#history-title + .table-wrap tbody tr").first
    assert "Pilots running in 3 countries." in history.inner_text()
    assert "ines (proposed), approved by jonas" in history.inner_text()
    assert "In progress" in reviewer.locator(".facts").inner_text()
    assert "Evidenced" in reviewer.locator(".facts").inner_text()
    axe_check(reviewer, "review-approved-public-page")
    screenshot(reviewer, "review-approved-public-page")

    anonymous = browser.new_context().new_page()
    anonymous.goto(f"{live_server.url}/milestones/MOB-1.3/")
    assert (
        "ines (proposed), approved by jonas"
        in anonymous.locator("#history-title + .table-wrap").inner_text()
    )

    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.status, stored.version) == ("in_progress", 2)
    assert MilestoneUpdate.objects.filter(milestone=milestone).count() == 1
    assert list(Proposal.objects.order_by("pk").values_list("state", flat=True)) == [
        "returned",
        "approved",
    ]
