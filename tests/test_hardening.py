"""What a hostile run broke (issue 10): each case answers a clear status, logs what it should
and writes nothing it should not."""

import logging

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from stakeholders.models import User

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
ADMIN_LOGIN = reverse("admin:login")
INVALID_LOGIN = {
    LOGIN: "Please enter a correct username and password. Note that both fields may be "
    "case-sensitive.",
    ADMIN_LOGIN: "Please enter the correct username and password for a staff account. Note that "
    "both fields may be case-sensitive.",
}


def _errors(caplog) -> list[tuple[str, int]]:
    return [(r.name, r.levelno) for r in caplog.records if r.levelno >= logging.ERROR]


# 1. Login with a username longer than any account can have --------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
@pytest.mark.parametrize("length", [256, 5000])
def test_overlong_username_is_refused_as_invalid_credentials_and_still_counted(
    client, settings, caplog, url, length
):
    # PostgreSQL refused django-axes' 255-character column (a 500); on SQLite the test checks
    # the same: refused, counted under the name cut to the user model's 150 characters.
    settings.AXES_ENABLED = True
    username = "u" * length
    caplog.set_level(logging.INFO)

    responses = [
        client.post(url, {"username": username, "password": "x"}, REMOTE_ADDR="10.0.0.9")
        for _ in range(5)
    ]

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert responses[0].context["form"].non_field_errors() == [INVALID_LOGIN[url]]
    attempts = list(AccessAttempt.objects.values_list("username", "failures_since_start"))
    assert attempts == [("u" * 150, 5)]
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session
    assert _errors(caplog) == []
