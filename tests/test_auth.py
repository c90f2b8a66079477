"""Authentication: login throttling, POST-only logout, password rules, cookies, the staff role."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from roadmaps.permissions import can_steward, stewarded_milestones, stewarded_sectors
from tests.factories import consortium_staff_group, make_milestone, make_user

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
LOGIN = reverse("login")
LOGOUT = reverse("logout")
ADMIN_LOGIN = reverse("admin:login")


@pytest.fixture
def axes_on(settings):
    """The suite runs with django-axes off (the test client's login has no request)."""
    settings.AXES_ENABLED = True
    return settings


def _login(client, username, password, ip="10.0.0.1", url=LOGIN):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_page_uses_the_site_layout(client):
    response = client.get(LOGIN)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in html
    assert "<h1>Log in</h1>" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_login_with_the_right_password_signs_in(client, axes_on, steward_a):
    response = _login(client, "steward-a", "pw-for-tests-only")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(steward_a.pk)


@pytest.mark.parametrize(("url", "other_url"), [(LOGIN, ADMIN_LOGIN), (ADMIN_LOGIN, LOGIN)])
def test_login_is_locked_after_five_failures_for_that_username_and_address(
    client, axes_on, steward_a, url, other_url
):
    failures = [_login(client, "steward-a", "wrong", url=url).status_code for _ in range(5)]

    locked = _login(client, "steward-a", "pw-for-tests-only", url=url)
    other_form = _login(client, "steward-a", "pw-for-tests-only", url=other_url)

    assert failures == [200, 200, 200, 200, 429]
    assert (locked.status_code, other_form.status_code) == (429, 429)
    html = locked.content.decode()
    # The lockout page is in the site's layout, whichever form was used.
    assert "<title>Too many failed logins · RE-SOURCING Roadmap Tracker</title>" in html
    assert 'class="site-header"' in html
    assert "_auth_user_id" not in client.session
    # Another address is not locked out: a guesser cannot lock a steward out everywhere.
    elsewhere = _login(client, "steward-a", "pw-for-tests-only", ip="10.0.0.2", url=url)
    assert elsewhere.status_code == 302


def test_failed_login_says_so_in_the_form(client, axes_on, steward_a):
    response = _login(client, "steward-a", "wrong")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Please enter a correct username and password. Note that both fields may be case-sensitive."
    ]


def test_logout_refuses_get_and_logs_out_on_post(client, steward_a):
    client.force_login(steward_a)

    by_get = client.get(LOGOUT)
    still_in = "_auth_user_id" in client.session
    by_post = client.post(LOGOUT)

    assert by_get.status_code == 405
    assert still_in is True
    assert by_post.status_code == 302
    assert by_post["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_staff_pages_offer_a_logout_form(client, steward_a):
    client.force_login(steward_a)

    html = client.get(reverse("roadmaps:staff-queue")).content.decode()

    assert f'<form class="logout-form" method="post" action="{LOGOUT}">' in html


def test_password_validators_refuse_weak_passwords():
    names = [v["NAME"].rsplit(".", 1)[1] for v in django_settings.AUTH_PASSWORD_VALIDATORS]

    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
    with pytest.raises(ValidationError):
        password_validation.validate_password("password")
    with pytest.raises(ValidationError):
        password_validation.validate_password("12345678901")


def _cookie_settings(env: dict) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    clean.update({"DJANGO_SECRET_KEY": "x" * 50, **env})
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY, "
        "settings.CSRF_COOKIE_SECURE, settings.CSRF_COOKIE_HTTPONLY)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "resourcing.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_cookies_are_secure_and_http_only_over_https():
    assert _cookie_settings({"DJANGO_HTTPS": "1"}) == "True True True True"
    assert _cookie_settings({}) == "False True False True"


# The role


def test_migration_creates_the_staff_group_with_exactly_the_steward_permissions():
    group = Group.objects.get(name="Consortium staff")

    permissions = sorted(
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()
    )

    assert permissions == [
        "roadmaps.change_milestone",
        "roadmaps.view_milestone",
        "roadmaps.view_milestoneupdate",
        "roadmaps.view_roadmap",
        "roadmaps.view_sector",
        "roadmaps.view_target",
        "roadmaps.view_theme",
        "stakeholders.view_stakeholdergroup",
    ]


@pytest.mark.parametrize(
    ("staff", "in_group", "steward", "active", "expected"),
    [
        (True, True, True, True, True),
        (True, False, True, True, False),  # not in the group
        (True, True, False, True, False),  # not a steward of this sector
        (False, True, True, True, False),  # not staff
        (True, True, True, False, False),  # deactivated
    ],
)
def test_steward_is_staff_in_the_group_and_listed_on_the_sector(
    sector_a, staff, in_group, steward, active, expected
):
    milestone = make_milestone(target=None)
    milestone.target.roadmap.sector = sector_a
    milestone.target.roadmap.save()
    user = make_user(username="candidate", staff=staff, is_active=active)
    if in_group:
        user.groups.add(consortium_staff_group())
    if steward:
        sector_a.stewards.add(user)

    assert can_steward(user, sector_a) is expected
    assert stewarded_milestones(user).filter(pk=milestone.pk).exists() is expected
    assert (sector_a in stewarded_sectors(user)) is expected


def test_superuser_stewards_every_sector(admin_user, sector_a, sector_b):
    assert can_steward(admin_user, sector_a)
    assert list(stewarded_sectors(admin_user).filter(slug__startswith="sector-")) == [
        sector_a,
        sector_b,
    ]
