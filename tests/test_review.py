"""Review before publication (issue 17): proposals instead of public changes, approval by a
different steward of the sector or an administrator, returns with a comment e-mailed to the
proposer, optimistic locking between proposals and direct changes, and every role's access."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from indicators.models import Measurement
from review.models import Proposal
from review.services import (
    ProposalDecidedError,
    approve_proposal,
    propose_measurement,
    propose_status_change,
    return_proposal,
)
from roadmaps.models import Milestone, MilestoneUpdate
from roadmaps.services import StaleVersionError, record_status_update
from tests.factories import dump_content, make_steward, make_user
from tests.indicator_factories import make_indicator

pytestmark = pytest.mark.django_db

UPDATE = "/staff/milestones/A-1.1/update/"


@pytest.fixture
def reviewed_sector(sector_a):
    sector_a.review_required = True
    sector_a.save()
    return sector_a


@pytest.fixture
def second_steward(sector_a):
    """Another steward of sector A: the reviewer of steward-a's proposals."""
    return make_steward(sector=sector_a, username="steward-a2")


def _propose(client, **overrides):
    data = {
        "status": "in_progress",
        "note": "Pilot <started>",
        "evidence_url": "https://example.org/pilot",
        "version": "1",
        **overrides,
    }
    return client.post(UPDATE, data)


def _proposal(milestone, proposer, status="in_progress", evidence_url="") -> Proposal:
    return propose_status_change(
        milestone=milestone,
        status=status,
        note="Pilot started",
        evidence_url=evidence_url,
        proposer=proposer,
        expected_version=milestone.version,
    )


def _state(proposal_pk):
    """What a refused request must leave as it was: the public content and the proposal."""
    proposal = Proposal.objects.get(pk=proposal_pk)
    return (
        dump_content(),
        proposal.state,
        proposal.decided_by_id,
        proposal.comment,
        Measurement.objects.count(),
        len(mail.outbox),
    )


# Proposing


def test_steward_change_becomes_a_proposal_when_review_is_required(
    client, reviewed_sector, steward_a, milestone_a
):
    client.force_login(steward_a)
    before = dump_content()

    response = _propose(client)

    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    assert dump_content() == before  # nothing public changed
    proposal = Proposal.objects.get()
    assert (proposal.kind, proposal.milestone, proposal.values) == (
        "status",
        milestone_a,
        {"status": "in_progress"},
    )
    assert (proposal.note, proposal.evidence_url, proposal.proposer) == (
        "Pilot <started>",
        "https://example.org/pilot",
        steward_a,
    )
    assert (proposal.base_version, proposal.state) == (1, "pending")
    public = client.get("/milestones/A-1.1/").content.decode()
    assert "Pilot" not in public
    assert 'Status</dt><dd><span class="badge st-not_started">' in public


def test_without_review_the_change_is_public_at_once(client, steward_a, milestone_a):
    client.force_login(steward_a)

    response = _propose(client)

    assert response["Location"] == "/milestones/A-1.1/"
    assert Proposal.objects.count() == 0
    assert Milestone.objects.get(pk=milestone_a.pk).status == "in_progress"


def test_proposal_against_a_stale_version_is_refused_like_a_direct_change(
    client, reviewed_sector, steward_a, milestone_a
):
    record_status_update(milestone=milestone_a, status="at_risk", note="x", expected_version=1)
    client.force_login(steward_a)

    response = _propose(client)

    assert response.status_code == 409
    assert Proposal.objects.count() == 0
    assert response.context["form"]["version"].value() == "2"


def test_proposal_bad_input_names_the_field_and_writes_nothing(
    client, reviewed_sector, steward_a, milestone_a
):
    client.force_login(steward_a)

    response = _propose(client, note="  ", evidence_url="javascript:alert(1)")

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"note", "evidence_url"}
    assert Proposal.objects.count() == 0
    with pytest.raises(ValidationError) as refused:
        propose_status_change(
            milestone=milestone_a,
            status="done",
            note="x",
            proposer=steward_a,
            expected_version=1,
        )
    assert refused.value.message_dict == {"status": ["Unknown status: done."]}


def test_proposals_come_first_in_the_work_queue(
    client, reviewed_sector, steward_a, second_steward, milestone_a
):
    proposal = _proposal(milestone_a, steward_a)
    client.force_login(second_steward)

    response = client.get("/staff/")

    html = response.content.decode()
    assert response.context["proposals"] == [proposal]
    assert html.index("Proposals awaiting review") < html.index('<table class="work-queue stack">')
    assert f'<a href="/staff/proposals/{proposal.pk}/">Review proposal for A-1.1</a>' in html
    client.force_login(steward_a)
    own = client.get("/staff/").content.decode()
    assert f'<a href="/staff/proposals/{proposal.pk}/">View your proposal for A-1.1</a>' in own


def test_work_queue_shows_no_proposals_of_other_sectors(
    client, reviewed_sector, steward_a, steward_b, milestone_a
):
    _proposal(milestone_a, steward_a)
    client.force_login(steward_b)

    response = client.get("/staff/")

    assert response.context["proposals"] == []


# Approving


def test_second_steward_approves_and_the_history_shows_both(
    client, reviewed_sector, steward_a, second_steward, milestone_a
):
    proposal = _proposal(milestone_a, steward_a, evidence_url="https://example.org/e")
    client.force_login(second_steward)

    response = client.post(f"/staff/proposals/{proposal.pk}/approve/")

    assert response.status_code == 302
    assert response["Location"] == "/milestones/A-1.1/"
    milestone = Milestone.objects.get(pk=milestone_a.pk)
    assert (milestone.status, milestone.version) == ("in_progress", 2)
    update = MilestoneUpdate.objects.get()
    assert (update.author, update.approved_by, update.note) == (
        steward_a,
        second_steward,
        "Pilot started",
    )
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decided_by) == ("approved", second_steward)
    assert proposal.decided_at is not None
    public = client.get("/milestones/A-1.1/").content.decode()
    assert "steward-a (proposed), approved by steward-a2" in public


def test_administrator_approves_a_proposal(
    client, reviewed_sector, steward_a, admin_user, milestone_a
):
    proposal = _proposal(milestone_a, steward_a)

    update = approve_proposal(proposal=proposal, user=admin_user)

    assert (update.author, update.approved_by, update.status_after) == (
        steward_a,
        admin_user,
        "in_progress",
    )


def test_nobody_approves_their_own_proposal(client, reviewed_sector, steward_a, milestone_a):
    proposal = _proposal(milestone_a, steward_a)
    client.force_login(steward_a)
    before = _state(proposal.pk)

    approve = client.post(f"/staff/proposals/{proposal.pk}/approve/")
    returned = client.post(f"/staff/proposals/{proposal.pk}/return/", {"comment": "No"})

    assert (approve.status_code, returned.status_code) == (403, 403)
    assert _state(proposal.pk) == before
    with pytest.raises(PermissionDenied):
        approve_proposal(proposal=proposal, user=steward_a)


def test_an_administrators_own_proposal_needs_someone_else(
    reviewed_sector, admin_user, second_steward, milestone_a
):
    proposal = _proposal(milestone_a, admin_user)

    with pytest.raises(PermissionDenied):
        approve_proposal(proposal=proposal, user=admin_user)
    approve_proposal(proposal=proposal, user=second_steward)

    assert Milestone.objects.get(pk=milestone_a.pk).status == "in_progress"


def test_approving_after_a_direct_change_is_a_conflict_and_writes_nothing(
    client, reviewed_sector, steward_a, second_steward, admin_user, milestone_a
):
    proposal = _proposal(milestone_a, steward_a)
    # An administrator changes the status directly (the admin is not held for review).
    record_status_update(
        milestone=milestone_a,
        status="at_risk",
        note="Delayed",
        author=admin_user,
        expected_version=1,
    )
    client.force_login(second_steward)
    before = _state(proposal.pk)

    response = client.post(f"/staff/proposals/{proposal.pk}/approve/")

    assert response.status_code == 409
    assert _state(proposal.pk) == before
    assert Proposal.objects.get(pk=proposal.pk).state == "pending"
    html = response.content.decode()
    assert "A-1.1 changed since this proposal was made (it is at version 2" in html
    assert '<span class="badge st-at_risk">' in html
    with pytest.raises(StaleVersionError):
        approve_proposal(proposal=proposal, user=second_steward)


def test_approving_an_already_decided_proposal_is_a_conflict(
    client, reviewed_sector, steward_a, second_steward, admin_user, milestone_a
):
    proposal = _proposal(milestone_a, steward_a)
    approve_proposal(proposal=proposal, user=second_steward)
    client.force_login(admin_user)
    before = _state(proposal.pk)

    again = client.post(f"/staff/proposals/{proposal.pk}/approve/")
    returned = client.post(f"/staff/proposals/{proposal.pk}/return/", {"comment": "Late"})

    assert (again.status_code, returned.status_code) == (409, 409)
    assert _state(proposal.pk) == before
    assert MilestoneUpdate.objects.count() == 1
    assert "This proposal was approved already by steward-a2. Nothing was written." in (
        again.content.decode()
    )
    with pytest.raises(ProposalDecidedError):
        approve_proposal(proposal=Proposal.objects.get(pk=proposal.pk), user=admin_user)


def test_approving_is_post_only(client, reviewed_sector, steward_a, second_steward, milestone_a):
    proposal = _proposal(milestone_a, steward_a)
    client.force_login(second_steward)

    response = client.get(f"/staff/proposals/{proposal.pk}/approve/")

    assert response.status_code == 405
    assert Proposal.objects.get(pk=proposal.pk).state == "pending"


def test_approve_requires_the_csrf_token(reviewed_sector, steward_a, second_steward, milestone_a):
    from django.test import Client

    proposal = _proposal(milestone_a, steward_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(second_steward)

    response = client.post(f"/staff/proposals/{proposal.pk}/approve/")

    assert response.status_code == 403
    assert Proposal.objects.get(pk=proposal.pk).state == "pending"


# Returning


def test_return_emails_the_proposer_with_the_comment(
    client, reviewed_sector, steward_a, second_steward, milestone_a, settings
):
    settings.SITE_URL = "https://tracker.example.org"
    steward_a.email = "ines@example.org"
    steward_a.save()
    proposal = _proposal(milestone_a, steward_a)
    client.force_login(second_steward)

    response = client.post(
        f"/staff/proposals/{proposal.pk}/return/", {"comment": "Link the <decision>, please."}
    )

    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decided_by, proposal.comment) == (
        "returned",
        second_steward,
        "Link the <decision>, please.",
    )
    assert MilestoneUpdate.objects.count() == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ines@example.org"]
    assert message.subject == "Your proposal for A-1.1 was returned"
    assert "steward-a2 returned your proposal (Status change) for A-1.1." in message.body
    assert "Link the <decision>, please." in message.body
    assert "https://tracker.example.org/staff/milestones/A-1.1/update/" in message.body


def test_return_needs_a_comment(client, reviewed_sector, steward_a, second_steward, milestone_a):
    proposal = _proposal(milestone_a, steward_a)
    client.force_login(second_steward)
    before = _state(proposal.pk)

    response = client.post(f"/staff/proposals/{proposal.pk}/return/", {"comment": "  "})

    assert response.status_code == 400
    assert response.context["form"].errors == {"comment": ["This field is required."]}
    assert _state(proposal.pk) == before
    with pytest.raises(ValidationError):
        return_proposal(proposal=proposal, user=second_steward, comment="")


def test_propose_return_propose_again_approve(
    client, reviewed_sector, steward_a, second_steward, milestone_a
):
    first = _proposal(milestone_a, steward_a)
    return_proposal(proposal=first, user=second_steward, comment="Add evidence")
    second = _proposal(milestone_a, steward_a, evidence_url="https://example.org/decision")

    approve_proposal(proposal=second, user=second_steward)

    assert [(p.pk, p.state) for p in Proposal.objects.order_by("pk")] == [
        (first.pk, "returned"),
        (second.pk, "approved"),
    ]
    update = MilestoneUpdate.objects.get()
    assert update.evidence_url == "https://example.org/decision"


# Access: every new write, every role; refused requests change nothing.

ROLES = ["anonymous", "non_staff", "sector_steward", "other_steward", "administrator"]


def _login_as(client, role, *, second_steward, steward_b, admin_user):
    users = {
        "anonymous": None,
        "non_staff": make_user(username="visitor"),
        "sector_steward": second_steward,
        "other_steward": steward_b,
        "administrator": admin_user,
    }
    if users[role] is not None:
        client.force_login(users[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["approve", "return"])
def test_deciding_a_proposal_access_by_role(
    client,
    reviewed_sector,
    steward_a,
    second_steward,
    steward_b,
    admin_user,
    milestone_a,
    role,
    action,
):
    steward_a.email = "ines@example.org"
    steward_a.save()
    proposal = _proposal(milestone_a, steward_a)
    _login_as(
        client, role, second_steward=second_steward, steward_b=steward_b, admin_user=admin_user
    )
    before = _state(proposal.pk)

    response = client.post(f"/staff/proposals/{proposal.pk}/{action}/", {"comment": "Why?"})

    proposal.refresh_from_db()
    if role in ("sector_steward", "administrator"):
        assert response.status_code == 302
        assert proposal.state == {"approve": "approved", "return": "returned"}[action]
        assert (
            proposal.decided_by.username
            == {
                "sector_steward": "steward-a2",
                "administrator": "admin",
            }[role]
        )
        return
    expected = {"anonymous": 302, "non_staff": 403, "other_steward": 403}[role]
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    assert _state(proposal.pk) == before


@pytest.mark.parametrize("role", ROLES)
def test_viewing_a_proposal_access_by_role(
    client, reviewed_sector, steward_a, second_steward, steward_b, admin_user, milestone_a, role
):
    proposal = _proposal(milestone_a, steward_a)
    _login_as(
        client, role, second_steward=second_steward, steward_b=steward_b, admin_user=admin_user
    )

    response = client.get(f"/staff/proposals/{proposal.pk}/")

    expected = {
        "anonymous": 302,
        "non_staff": 403,
        "sector_steward": 200,
        "other_steward": 403,
        "administrator": 200,
    }[role]
    assert response.status_code == expected
    if expected == 200:
        assert response.context["may_decide"] is True
        assert "Approve and publish" in response.content.decode()


# Measurements of an indicator of a sector that requires review


def test_measurement_becomes_a_proposal_and_approval_records_it(
    client, reviewed_sector, steward_a, second_steward
):
    indicator = make_indicator(code="IND-A", sectors=[reviewed_sector])
    client.force_login(steward_a)

    response = client.post(
        "/staff/indicators/IND-A/measurements/new/",
        {
            "period": "2024",
            "value": "25.2",
            "published_on": "2025-12-18",
            "source_url": "https://example.org/release",
            "note": "Eurostat release",
            "is_provisional": "on",
            "version": "1",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    assert Measurement.objects.count() == 0
    proposal = Proposal.objects.get()
    assert proposal.values == {
        "period": 2024,
        "month": 0,
        "value": "25.2",
        "published_on": "2025-12-18",
        "is_provisional": True,
        "is_estimated": False,
        "is_break_in_series": False,
    }
    assert (proposal.kind, proposal.indicator, proposal.base_version) == (
        "measurement",
        indicator,
        1,
    )

    approve_proposal(proposal=proposal, user=second_steward)

    measurement = Measurement.objects.get()
    assert (str(measurement.value), measurement.period, measurement.is_provisional) == (
        "25.2000",
        2024,
        True,
    )
    assert (measurement.author, measurement.approved_by) == (steward_a, second_steward)
    assert (measurement.source_url, measurement.note) == (
        "https://example.org/release",
        "Eurostat release",
    )
    assert measurement.published_on == datetime.date(2025, 12, 18)
    page = client.get("/indicators/IND-A/").content.decode()
    assert "steward-a (proposed), approved by steward-a2" in page


def test_measurement_proposal_is_checked_like_a_measurement(reviewed_sector, steward_a):
    indicator = make_indicator(code="IND-A", sectors=[reviewed_sector])

    with pytest.raises(ValidationError) as refused:
        propose_measurement(
            indicator=indicator,
            period=2024,
            value="120",
            published_on=datetime.date(2025, 1, 1),
            proposer=steward_a,
            expected_version=1,
        )

    assert refused.value.message_dict == {"value": ["120 is not a percentage between 0 and 100."]}
    assert Proposal.objects.count() == 0


def test_an_administrators_change_is_direct_even_with_review(
    client, reviewed_sector, admin_user, milestone_a
):
    client.force_login(admin_user)

    response = _propose(client)

    assert response["Location"] == "/milestones/A-1.1/"
    assert Proposal.objects.count() == 0
    update = MilestoneUpdate.objects.get()
    assert (update.author, update.approved_by, update.status_after) == (
        admin_user,
        None,
        "in_progress",
    )


def test_a_stewards_status_change_in_the_admin_waits_for_review(
    client, reviewed_sector, steward_a, milestone_a
):
    from tests.factories import admin_milestone_data

    client.force_login(steward_a)
    before = dump_content()

    response = client.post(
        f"/admin/roadmaps/milestone/{milestone_a.pk}/change/",
        admin_milestone_data(milestone_a, status="achieved", status_note="Done, per the act"),
    )

    assert response.status_code == 302
    assert dump_content() == before
    proposal = Proposal.objects.get()
    assert (proposal.values, proposal.note, proposal.proposer, proposal.base_version) == (
        {"status": "achieved"},
        "Done, per the act",
        steward_a,
        1,
    )


# Reviewers deciding at the same moment (PostgreSQL: real row locks between connections)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("reviewers", [2, 10])
def test_concurrent_decisions_exactly_one_wins(reviewers):
    import threading

    from django.db import connection

    from tests.factories import make_milestone, make_roadmap, make_sector, make_target

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, there is no race to test")
    sector = make_sector(slug="raced")
    sector.review_required = True
    sector.save()
    milestone = make_milestone(target=make_target(roadmap=make_roadmap(sector=sector)))
    proposer = make_steward(sector=sector, username="proposer")
    deciders = [make_steward(sector=sector, username=f"reviewer-{i}") for i in range(reviewers)]
    proposal = _proposal(milestone, proposer)
    barrier = threading.Barrier(reviewers)
    outcomes = []

    def decide(user, index):
        from django.db import connections
        from django.test import Client

        client = Client()
        client.force_login(user)
        barrier.wait()
        try:
            action = "approve" if index % 2 == 0 else "return"
            response = client.post(f"/staff/proposals/{proposal.pk}/{action}/", {"comment": "No"})
            outcomes.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(user, i)) for i, user in enumerate(deciders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == [302] + [409] * (reviewers - 1)
    stored = Proposal.objects.get(pk=proposal.pk)
    assert stored.state in ("approved", "returned")
    assert MilestoneUpdate.objects.count() == (1 if stored.state == "approved" else 0)


# Re-datings (deadline changes) of a sector that requires review

REDATE = "/staff/milestones/A-1.1/redate/"


def test_redating_becomes_a_proposal_and_approval_records_the_deadline_change(
    client, reviewed_sector, steward_a, second_steward, milestone_a
):
    client.force_login(steward_a)
    before = dump_content()

    response = client.post(
        REDATE,
        {
            "due_date": "2032-12-31",
            "reason": "Postponed by the omnibus",
            "evidence_url": "https://example.org/omnibus",
            "version": "1",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    assert dump_content() == before
    proposal = Proposal.objects.get()
    assert (proposal.kind, proposal.values, proposal.note, proposal.base_version) == (
        "deadline",
        {"due_date": "2032-12-31"},
        "Postponed by the omnibus",
        1,
    )

    update = approve_proposal(proposal=proposal, user=second_steward)

    milestone = Milestone.objects.get(pk=milestone_a.pk)
    assert (milestone.due_date, milestone.version) == (datetime.date(2032, 12, 31), 2)
    assert (update.kind, update.due_date_before, update.due_date_after) == (
        "deadline",
        datetime.date(2030, 12, 31),
        datetime.date(2032, 12, 31),
    )
    assert (update.author, update.approved_by, update.evidence_url) == (
        steward_a,
        second_steward,
        "https://example.org/omnibus",
    )
    page = client.get("/milestones/A-1.1/").content.decode()
    assert "steward-a (proposed), approved by steward-a2" in page


def test_redating_proposal_checks_the_date_and_reason(reviewed_sector, steward_a, milestone_a):
    from review.services import propose_deadline_change

    cases = [
        (datetime.date(2051, 1, 1), "Late", "due_date"),
        (datetime.date(2030, 12, 31), "Same day", "due_date"),
        (datetime.date(2031, 12, 31), "  ", "reason"),
    ]
    for due_date, reason, field in cases:
        with pytest.raises(ValidationError) as refused:
            propose_deadline_change(
                milestone=milestone_a,
                due_date=due_date,
                reason=reason,
                proposer=steward_a,
                expected_version=1,
            )
        assert list(refused.value.message_dict) == [field]
    assert Proposal.objects.count() == 0


def test_approving_a_redating_after_a_status_change_is_a_conflict(
    client, reviewed_sector, steward_a, second_steward, admin_user, milestone_a
):
    from review.services import propose_deadline_change

    proposal = propose_deadline_change(
        milestone=milestone_a,
        due_date=datetime.date(2032, 12, 31),
        reason="Postponed",
        proposer=steward_a,
        expected_version=1,
    )
    record_status_update(
        milestone=milestone_a, status="at_risk", note="x", author=admin_user, expected_version=1
    )
    client.force_login(second_steward)
    before = _state(proposal.pk)

    response = client.post(f"/staff/proposals/{proposal.pk}/approve/")

    assert response.status_code == 409
    assert _state(proposal.pk) == before
    assert Milestone.objects.get(pk=milestone_a.pk).due_date == datetime.date(2030, 12, 31)


def test_returned_redating_links_to_the_redate_form(
    reviewed_sector, steward_a, second_steward, milestone_a, settings
):
    from review.services import propose_deadline_change

    settings.SITE_URL = "https://tracker.example.org"
    steward_a.email = "ines@example.org"
    steward_a.save()
    proposal = propose_deadline_change(
        milestone=milestone_a,
        due_date=datetime.date(2032, 12, 31),
        reason="Postponed",
        proposer=steward_a,
        expected_version=1,
    )

    return_proposal(proposal=proposal, user=second_steward, comment="Which act?")

    assert [m.to for m in mail.outbox] == [["ines@example.org"]]
    assert "(Deadline change) for A-1.1" in mail.outbox[0].body
    assert "https://tracker.example.org/staff/milestones/A-1.1/redate/" in mail.outbox[0].body
