"""Data calls (issue 17): one digest e-mail per steward, recorded, never twice a day; exit
codes for cron; the admin's "send data call now" for one sector, and every role's access."""

import datetime
import io
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from review.models import DataCall
from roadmaps.models import Sector, Status
from tests.factories import (
    make_milestone,
    make_roadmap,
    make_steward,
    make_target,
    make_update,
    make_user,
)
from tests.indicator_factories import make_indicator, make_measurement

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 30)


class FailingBackend(BaseEmailBackend):
    """An SMTP server that refuses every message."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("550 relay refused")


@pytest.fixture
def world(sector_a, sector_b, monkeypatch, settings):
    """Sector A: two stewards with e-mail, one without; items in each section. Sector B: one
    steward, one overdue milestone."""
    settings.SITE_URL = "https://tracker.example.org"
    monkeypatch.setattr("review.management.commands.send_data_calls.today", lambda: TODAY)
    ines = make_steward(sector=sector_a, username="ines")
    jonas = make_steward(sector=sector_a, username="jonas")
    make_steward(sector=sector_a, username="no-mail")
    bea = make_steward(sector=sector_b, username="bea")
    for user, address in (
        (ines, "ines@example.org"),
        (jonas, "jonas@example.org"),
        (bea, "bea@example.org"),
    ):
        user.email = address
        user.save()
    target = make_target(roadmap=make_roadmap(sector=sector_a), code="A-1")
    make_milestone(
        target=target, code="A-1.1", title="Overdue one", due_date=datetime.date(2026, 6, 30)
    )
    make_milestone(
        target=target, code="A-1.2", title="Due soon", due_date=datetime.date(2027, 1, 31)
    )
    make_milestone(
        target=target, code="A-1.3", title="Never reviewed", due_date=datetime.date(2030, 12, 31)
    )
    fresh = make_milestone(
        target=target, code="A-1.4", title="Fresh", due_date=datetime.date(2030, 12, 31)
    )
    make_update(milestone=fresh, status_after=Status.IN_PROGRESS, created_at=timezone.now())
    # Achieved: final, listed nowhere even though overdue and never reviewed.
    make_milestone(
        target=target, code="A-1.5", due_date=datetime.date(2025, 1, 1), status=Status.ACHIEVED
    )
    # Not due within 90 days (due 2027-03-31 is 121 days away), reviewed 13 months ago.
    old = make_milestone(
        target=target, code="A-1.6", title="Old review", due_date=datetime.date(2027, 3, 31)
    )
    make_update(
        milestone=old,
        status_after=Status.IN_PROGRESS,
        created_at=timezone.now() - datetime.timedelta(days=400),
    )
    indicator = make_indicator(code="IND-A", title="Stale series", sectors=[sector_a])
    make_measurement(indicator=indicator, period=2023, value="12", published_on="2024-06-01")
    other = make_target(roadmap=make_roadmap(sector=sector_b), code="B-1")
    make_milestone(
        target=other, code="B-1.1", title="Late in B", due_date=datetime.date(2026, 1, 31)
    )
    return {"ines": ines, "jonas": jonas, "bea": bea}


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("send_data_calls", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_each_steward_gets_one_digest_with_absolute_links(world):
    out, _err = _run()

    assert sorted(m.to[0] for m in mail.outbox) == [
        "bea@example.org",
        "ines@example.org",
        "jonas@example.org",
    ]
    ines = next(m for m in mail.outbox if m.to == ["ines@example.org"])
    assert ines.subject == "RE-SOURCING tracker: 5 item(s) to update in Sector A"
    body = ines.body
    assert body.index("Overdue\n- A-1.1: Overdue one (due 2026-06-30)") < body.index(
        "Due within 90 days\n- A-1.2: Due soon (due 2027-01-31)"
    )
    assert "  https://tracker.example.org/staff/milestones/A-1.1/update/" in body
    not_reviewed = body[body.index("Not reviewed within the review interval") :]
    assert "- A-1.3: Never reviewed (never reviewed)" in not_reviewed
    old_day = (timezone.now() - datetime.timedelta(days=400)).date().isoformat()
    assert f"- A-1.6: Old review (not reviewed since {old_day})" in not_reviewed
    assert "- IND-A: Stale series (not reviewed since 2024-06-01)" in not_reviewed
    assert "https://tracker.example.org/staff/indicators/IND-A/measurements/new/" in body
    assert "A-1.4" not in body and "A-1.5" not in body and "B-1.1" not in body
    assert "Your work queue: https://tracker.example.org/staff/" in body
    bea = next(m for m in mail.outbox if m.to == ["bea@example.org"])
    assert "- B-1.1: Late in B (due 2026-01-31)" in bea.body and "A-1." not in bea.body
    assert "Skipped no-mail: no e-mail address" in out


def test_each_data_call_is_recorded(world, sector_a):
    _run()

    calls = DataCall.objects.filter(steward=world["ines"])
    assert calls.count() == 1
    call = calls.get()
    assert call.day == TODAY
    assert list(call.sectors.all()) == [sector_a]
    assert [(item["kind"], item["code"], item["reason"]) for item in call.items] == [
        ("milestone", "A-1.1", "overdue"),
        ("milestone", "A-1.2", "due_soon"),
        ("milestone", "A-1.6", "not_reviewed"),
        ("milestone", "A-1.3", "not_reviewed"),
        ("indicator", "IND-A", "not_reviewed"),
    ]
    assert call.items[0]["url"] == "https://tracker.example.org/staff/milestones/A-1.1/update/"
    assert DataCall.objects.count() == 3


def test_a_second_run_on_the_same_day_sends_nothing(world):
    _run()
    sent = len(mail.outbox)

    out, _err = _run()

    assert sent == 3
    assert len(mail.outbox) == 3
    assert DataCall.objects.count() == 3
    assert "Nothing to send today." in out


def test_dry_run_sends_and_records_nothing(world):
    out, _err = _run("--dry-run")

    assert mail.outbox == []
    assert DataCall.objects.count() == 0
    assert "Would send to ines <ines@example.org>: 5 item(s), sector-a" in out


def test_one_sector_only(world):
    _run("--sector", "sector-b")

    assert [m.to for m in mail.outbox] == [["bea@example.org"]]
    _run()  # later the same day: sector A's stewards are called, bea is not called twice
    assert sorted(m.to[0] for m in mail.outbox) == [
        "bea@example.org",
        "ines@example.org",
        "jonas@example.org",
    ]


def test_unknown_sector_is_exit_code_2_and_sends_nothing(world):
    with pytest.raises(CommandError) as refused:
        _run("--sector", "nope")

    assert refused.value.returncode == 2
    assert str(refused.value) == "Unknown sector 'nope'; known sectors: sector-a, sector-b."
    assert mail.outbox == []
    assert DataCall.objects.count() == 0


def test_smtp_failure_is_exit_code_1_and_records_nothing(world, settings):
    settings.EMAIL_BACKEND = "tests.test_data_calls.FailingBackend"

    with pytest.raises(CommandError) as failed:
        _run()

    assert failed.value.returncode == 1
    assert "3 data call(s) could not be sent" in str(failed.value)
    assert DataCall.objects.count() == 0


def test_nothing_to_send_is_exit_code_0(sector_a, monkeypatch):
    quiet = make_steward(sector=sector_a, username="quiet")
    quiet.email = "quiet@example.org"
    quiet.save()

    out, _err = _run()

    assert mail.outbox == []
    assert "Skipped quiet: nothing to call for" in out
    assert "Nothing to send today." in out


# The admin: "send data call now" for one sector (superusers only)

CHANGELIST = "/admin/roadmaps/sector/"


def _send_now(client, *sectors):
    return client.post(
        CHANGELIST,
        {"action": "send_data_call_now", "_selected_action": [s.pk for s in sectors]},
    )


@pytest.mark.parametrize(
    "role", ["anonymous", "non_staff", "sector_steward", "other_steward", "administrator"]
)
def test_send_now_access_by_role(client, world, sector_a, admin_user, role):
    users = {
        "anonymous": None,
        "non_staff": make_user(username="visitor"),
        "sector_steward": world["ines"],
        "other_steward": world["bea"],
        "administrator": admin_user,
    }
    if users[role]:
        client.force_login(users[role])

    response = _send_now(client, sector_a)

    if role == "administrator":
        assert response.status_code == 302
        assert sorted(m.to[0] for m in mail.outbox) == ["ines@example.org", "jonas@example.org"]
        assert DataCall.objects.count() == 2
        return
    assert mail.outbox == []
    assert DataCall.objects.count() == 0
    if role in ("anonymous", "non_staff"):
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    else:
        # Stewards may view sectors, but the action is not theirs: Django refuses it.
        assert response.status_code in (200, 302)
        assert "send_data_call_now" not in client.get(CHANGELIST).content.decode()


def test_send_now_needs_exactly_one_sector(client, world, sector_a, sector_b, admin_user):
    client.force_login(admin_user)

    response = _send_now(client, sector_a, sector_b)

    assert response.status_code == 302
    assert mail.outbox == []
    messages = [str(m) for m in client.get(CHANGELIST).context["messages"]]
    assert messages == ["Select exactly one sector to send its data call."]


def test_data_calls_are_read_only_in_the_admin(client, world, admin_user):
    _run()
    client.force_login(admin_user)
    call = DataCall.objects.get(steward=world["ines"])

    listing = client.get("/admin/review/datacall/")
    page = client.get(f"/admin/review/datacall/{call.pk}/change/")
    add = client.get("/admin/review/datacall/add/")
    delete = client.post(f"/admin/review/datacall/{call.pk}/delete/", {"post": "yes"})

    assert listing.status_code == 200
    assert "ines" in listing.content.decode()
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert (add.status_code, delete.status_code) == (403, 403)
    assert DataCall.objects.count() == 3


# Settings: the sector's review switch and interval are the administrators'


@pytest.mark.parametrize(
    "role", ["anonymous", "non_staff", "sector_steward", "other_steward", "administrator"]
)
def test_sector_review_settings_access_by_role(client, world, sector_a, admin_user, role):
    users = {
        "anonymous": None,
        "non_staff": make_user(username="visitor"),
        "sector_steward": world["ines"],
        "other_steward": world["bea"],
        "administrator": admin_user,
    }
    if users[role]:
        client.force_login(users[role])
    data = {
        "slug": sector_a.slug,
        "name": sector_a.name,
        "description": "",
        "minerals": "",
        "lead_partner": "",
        "order": sector_a.order,
        "stewards": [u.pk for u in sector_a.stewards.all()],
        "review_interval_months": "6",
        "review_required": "on",
    }

    response = client.post(f"/admin/roadmaps/sector/{sector_a.pk}/change/", data)

    stored = Sector.objects.get(pk=sector_a.pk)
    if role == "administrator":
        assert response.status_code == 302
        assert (stored.review_interval_months, stored.review_required) == (6, True)
        return
    assert (stored.review_interval_months, stored.review_required) == (12, False)
    assert response.status_code in (302, 403)
    if role in ("sector_steward", "other_steward"):
        assert response.status_code == 403


def test_sector_review_interval_is_validated(client, sector_a, admin_user):
    client.force_login(admin_user)

    response = client.post(
        f"/admin/roadmaps/sector/{sector_a.pk}/change/",
        {"slug": sector_a.slug, "name": sector_a.name, "order": 1, "review_interval_months": "0"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["review_interval_months"] == [
        "Ensure this value is greater than or equal to 1."
    ]
    assert Sector.objects.get(pk=sector_a.pk).review_interval_months == 12
