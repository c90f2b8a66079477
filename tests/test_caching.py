"""Conditional GET and the per-page cache (pagecache): fast, and never stale."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone
from django.utils.http import http_date

from pagecache.middleware import _is_storable, takes_part
from pagecache.models import DataVersion
from pagecache.versions import current_data_version
from roadmaps.exports import COLUMNS
from roadmaps.models import Milestone, Sector, Status
from roadmaps.services import record_status_update
from tests.factories import make_group, make_milestone, make_user
from tests.workers import redis_url

DASHBOARD = "/sectors/sector-a/"
CSV = "/sectors/sector-a/milestones/?format=csv"

# Redis database 15 for the first test worker, 0 for the second (tests/workers.py).
REDIS = redis_url(15)


def _age_data_version(hours=2):
    """Pretend the last write was a while ago, so Last-Modified is sent (pagecache.middleware)."""
    DataVersion.objects.filter(pk=1).update(
        changed_at=timezone.now() - datetime.timedelta(hours=hours)
    )


@pytest.mark.django_db
def test_public_page_carries_etag_and_revalidation_headers(client, milestone_a):
    _age_data_version()

    response = client.get(f"/milestones/{milestone_a.code}/")

    _version, changed_at = current_data_version()
    assert response.status_code == 200
    assert response["ETag"].startswith('W/"')
    assert response["Cache-Control"] == "no-cache"
    assert "Cookie" in response["Vary"]
    midnight = datetime.datetime.combine(
        timezone.now().date(), datetime.time.min, tzinfo=datetime.UTC
    )
    assert response["Last-Modified"] == http_date(max(changed_at, midnight).timestamp())


@pytest.mark.django_db
def test_if_none_match_answers_304_without_rendering(
    client, milestone_a, django_assert_num_queries
):
    first = client.get(DASHBOARD)

    with django_assert_num_queries(1):  # the data version; no view, no template
        again = client.get(DASHBOARD, headers={"if-none-match": first["ETag"]})

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == "no-cache"


@pytest.mark.django_db
def test_if_modified_since_answers_304(client, milestone_a):
    _age_data_version()
    first = client.get(DASHBOARD)

    again = client.get(DASHBOARD, headers={"if-modified-since": first["Last-Modified"]})
    older = client.get(DASHBOARD, headers={"if-modified-since": http_date(0)})

    assert again.status_code == 304
    assert older.status_code == 200


@pytest.mark.django_db
def test_last_modified_withheld_in_the_second_of_a_write(client, milestone_a):
    # Another write in the same second would keep the same one-second Last-Modified; only
    # the ETag may validate until that second is over.
    soon = timezone.now() + datetime.timedelta(seconds=5)
    DataVersion.objects.filter(pk=1).update(changed_at=soon)

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    assert not response.has_header("Last-Modified")


@pytest.mark.django_db
def test_cached_page_is_served_with_one_query(client, milestone_a, django_assert_num_queries):
    first = client.get(DASHBOARD)

    with django_assert_num_queries(1):  # the data version
        second = client.get(DASHBOARD)

    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["ETag"] == first["ETag"]


@pytest.mark.django_db
def test_query_string_and_format_are_part_of_the_key(client, milestone_a):
    html = client.get("/sectors/sector-a/milestones/")
    csv = client.get(CSV)
    csv_again = client.get(CSV)

    assert html["Content-Type"].startswith("text/html")
    assert csv["Content-Type"].startswith("text/csv")
    assert csv_again.content == csv.content
    assert len({html["ETag"], csv["ETag"]}) == 2


@pytest.mark.django_db
def test_status_update_makes_cached_pages_stale(client, milestone_a, steward_a):
    url = f"/milestones/{milestone_a.code}/"
    before = client.get(url)
    csv_before = client.get(CSV)

    record_status_update(
        milestone=milestone_a,
        status=Status.AT_RISK,
        note="Funding delayed",
        author=steward_a,
        expected_version=milestone_a.version,
    )
    after = client.get(url)
    revalidated = client.get(url, headers={"if-none-match": before["ETag"]})
    csv_after = client.get(CSV)

    assert after["ETag"] != before["ETag"]
    assert revalidated.status_code == 200
    assert "Funding delayed" in after.content.decode()
    assert "Funding delayed" not in before.content.decode()
    assert ",at_risk," in csv_after.content.decode()
    assert ",at_risk," not in csv_before.content.decode()


@pytest.mark.django_db
def test_admin_edit_makes_cached_pages_stale(client, admin_user, sector_a, milestone_a):
    before = client.get(DASHBOARD)
    admin = type(client)()
    admin.force_login(admin_user)

    response = admin.post(
        f"/admin/roadmaps/sector/{sector_a.pk}/change/",
        # review_interval_months: the sector's review interval (issue 17), a required field.
        {
            "slug": "sector-a",
            "name": "Renamed sector",
            "order": 1,
            "stewards": [],
            "review_interval_months": 12,
        },
    )
    after = client.get(DASHBOARD)

    assert response.status_code == 302
    assert Sector.objects.get(pk=sector_a.pk).name == "Renamed sector"
    assert "Renamed sector" not in before.content.decode()
    assert "Renamed sector" in after.content.decode()


@pytest.mark.django_db
def test_import_makes_cached_pages_stale(client, milestone_a, tmp_path):
    before = client.get(CSV).content.decode()
    exported = before.splitlines()
    # The export, with one more milestone, is a valid import (design.md: round trip).
    row = exported[1].replace(milestone_a.code, "A-1.9").replace("A milestone", "Imported one")
    path = tmp_path / "import.csv"
    path.write_text("\n".join([exported[0], exported[1], row]) + "\n", encoding="utf-8")

    call_command("import_roadmap", str(path), stdout=None)
    after = client.get(CSV).content.decode()

    assert exported[0] == ",".join(COLUMNS)
    assert Milestone.objects.filter(code="A-1.9").exists()
    assert "A-1.9" not in before
    assert "A-1.9,Imported one" in after


@pytest.mark.django_db
def test_orm_changes_make_cached_pages_stale(client, milestone_a):
    first = client.get(CSV).content.decode()

    group = make_group(slug="industry-test")
    milestone_a.stakeholder_groups.add(group)
    linked = client.get(CSV).content.decode()
    make_milestone(target=milestone_a.target, code="A-1.2")
    added = client.get(CSV).content.decode()
    Milestone.objects.get(code="A-1.2").delete()
    removed = client.get(CSV).content.decode()

    assert "industry-test" not in first
    assert "industry-test" in linked
    assert "A-1.2" in added
    assert "A-1.2" not in removed


@pytest.mark.django_db
def test_write_by_another_process_makes_cached_pages_stale(client, milestone_a):
    # Another server process writes: no signal reaches this one, only the database row.
    client.get(CSV)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE roadmaps_milestone SET title_en = %s WHERE code = %s", ["Elsewhere", "A-1.1"]
        )
        cursor.execute("UPDATE roadmaps_dataversion SET version = version + 1 WHERE id = 1")

    after = client.get(CSV).content.decode()

    assert "A-1.1,Elsewhere," in after


@pytest.mark.django_db
def test_signed_in_users_and_flash_messages_bypass_the_cache(client, steward_a, milestone_a):
    client.get(DASHBOARD)  # cached for anonymous visitors
    client.force_login(steward_a)

    signed_in = client.get(DASHBOARD)

    assert signed_in.status_code == 200
    assert not signed_in.has_header("ETag")
    factory = RequestFactory()
    with_messages = factory.get(DASHBOARD)
    with_messages.COOKIES["messages"] = "x"
    assert takes_part(factory.get(DASHBOARD)) is True
    assert takes_part(with_messages) is False


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/", True),
        ("HEAD", "/sectors/mobility/", True),
        ("GET", "/sectors/mobility/milestones/?format=csv", True),
        ("POST", "/sectors/mobility/", False),
        ("GET", "/staff/", False),
        ("GET", "/staff/milestones/MOB-1.1/update/", False),
        ("GET", "/admin/", False),
        ("GET", "/accounts/login/", False),
        ("GET", "/healthz", False),
    ],
)
def test_only_anonymous_reads_of_public_pages_take_part(method, path, expected):
    request = RequestFactory().generic(method, path)

    assert takes_part(request) is expected


def test_only_plain_200_responses_are_stored():
    ok = HttpResponse("page")
    with_cookie = HttpResponse("page")
    with_cookie.set_cookie("csrftoken", "x")
    private = HttpResponse("page", headers={"Cache-Control": "private"})

    assert _is_storable(ok) is True
    assert _is_storable(with_cookie) is False
    assert _is_storable(private) is False
    assert _is_storable(HttpResponse("gone", status=404)) is False


@pytest.mark.django_db
def test_not_found_is_neither_cached_nor_validated(client):
    response = client.get("/milestones/NOPE-1/")

    assert response.status_code == 404
    assert not response.has_header("ETag")


@pytest.mark.django_db
def test_page_cache_off_still_answers_304(client, milestone_a, settings, django_assert_num_queries):
    settings.PAGE_CACHE_ENABLED = False
    first = client.get(DASHBOARD)

    second = client.get(DASHBOARD)
    revalidated = client.get(DASHBOARD, headers={"if-none-match": first["ETag"]})

    assert second.content == first.content
    assert revalidated.status_code == 304
    with django_assert_num_queries(1):
        client.get(DASHBOARD, headers={"if-none-match": first["ETag"]})


@pytest.mark.django_db
def test_bump_recreates_a_missing_version_row():
    from pagecache.versions import bump_data_version

    DataVersion.objects.all().delete()
    assert current_data_version()[0] == 0

    bump_data_version()

    assert current_data_version()[0] == 1


@pytest.mark.django_db
def test_signing_in_does_not_invalidate(client):
    user = make_user(username="someone")
    before = current_data_version()

    client.login(username="someone", password="pw-for-tests-only")

    assert user.pk
    assert current_data_version() == before


@pytest.mark.django_db
def test_redis_backend_shares_cached_pages(client, milestone_a, settings):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": "test-caching",
        }
    }
    from django.core.cache import cache

    cache.clear()
    first = client.get(CSV)
    entries = redis.Redis.from_url(REDIS).keys("test-caching*")
    second = client.get(CSV)
    cache.clear()

    assert len(entries) == 1
    assert second.content == first.content


@pytest.mark.django_db
def test_page_with_a_csrf_token_is_neither_stored_nor_validated(settings):
    from django.middleware.csrf import get_token

    from pagecache.middleware import ConditionalPageCacheMiddleware

    rendered = []

    def view_with_form(request):
        rendered.append(1)
        return HttpResponse(f"<form>{get_token(request)}</form>")

    middleware = ConditionalPageCacheMiddleware(view_with_form)
    # A visitor who has a csrftoken cookie already (no Set-Cookie in the answer) and no session.
    first = middleware(RequestFactory().get("/csrf-form/", HTTP_COOKIE="csrftoken=" + "a" * 32))
    second = middleware(RequestFactory().get("/csrf-form/", HTTP_COOKIE="csrftoken=" + "b" * 32))

    assert len(rendered) == 2
    assert first.content != second.content
    assert not first.has_header("ETag")
    assert not first.cookies


@pytest.mark.django_db
def test_stewards_change_makes_cached_pages_stale(client, admin_user, sector_a, steward_b):
    before = client.get(DASHBOARD)
    admin = type(client)()
    admin.force_login(admin_user)

    response = admin.post(
        f"/admin/roadmaps/sector/{sector_a.pk}/change/",
        {
            "slug": "sector-a",
            "name": sector_a.name,
            "order": 1,
            "stewards": [steward_b.pk],
            "review_interval_months": 12,
        },
    )
    after = client.get(DASHBOARD, headers={"if-none-match": before["ETag"]})

    assert response.status_code == 302
    assert list(Sector.objects.get(pk=sector_a.pk).stewards.all()) == [steward_b]
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]


@pytest.mark.django_db
def test_loaddata_makes_cached_pages_stale(client, milestone_a, tmp_path):
    before = client.get(CSV)
    fixture = tmp_path / "rename.json"
    out = tmp_path / "dump.json"
    call_command(
        "dumpdata",
        "roadmaps.milestone",
        natural_foreign=True,
        natural_primary=True,
        output=str(out),
    )
    fixture.write_text(out.read_text().replace('"A milestone', '"Loaded title'))

    call_command("loaddata", str(fixture), verbosity=0)
    after = client.get(CSV, headers={"if-none-match": before["ETag"]})

    assert after.status_code == 200
    assert "A-1.1,Loaded title" in after.content.decode()


# One bump per write transaction (pagecache.versions) -------------------------------------------


def _stored_version() -> int:
    return DataVersion.objects.get(pk=DataVersion.SINGLETON_PK).version


@pytest.mark.django_db(transaction=True)
def test_one_bump_per_committed_transaction_and_again_after_commit():
    from django.db import transaction

    from pagecache.versions import bump_data_version

    bump_data_version()  # autocommit: its own transaction (creates the row after a flush)
    start = _stored_version()

    with transaction.atomic():
        bump_data_version()
        bump_data_version()
        make_milestone()  # signals bump too
    after_first = _stored_version()
    with transaction.atomic():
        bump_data_version()
    after_second = _stored_version()

    assert (after_first, after_second) == (start + 1, start + 2)


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_no_mark_behind():
    from django.db import transaction

    from pagecache.versions import bump_data_version

    bump_data_version()
    start = _stored_version()

    with pytest.raises(RuntimeError), transaction.atomic():
        bump_data_version()
        raise RuntimeError("the writer fails")
    after_rollback = _stored_version()
    with transaction.atomic():
        bump_data_version()

    assert (after_rollback, _stored_version()) == (start, start + 1)


@pytest.mark.django_db(transaction=True)
def test_a_bump_undone_with_its_savepoint_is_made_again():
    from django.db import transaction

    from pagecache.versions import bump_data_version

    bump_data_version()
    start = _stored_version()

    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            bump_data_version()  # undone with the savepoint below
            raise RuntimeError("a step fails and is caught")
        bump_data_version()  # must bump again: the first one is gone
        with transaction.atomic():
            bump_data_version()  # already bumped in this transaction: nothing more
    assert _stored_version() == start + 1


@pytest.mark.django_db(transaction=True)
def test_a_bump_before_a_rolled_back_savepoint_still_counts():
    from django.db import transaction

    from pagecache.versions import bump_data_version

    bump_data_version()
    start = _stored_version()

    with transaction.atomic():
        bump_data_version()
        with pytest.raises(RuntimeError), transaction.atomic():
            bump_data_version()
            raise RuntimeError("a later step fails and is caught")
    assert _stored_version() == start + 1


def test_public_models_are_declared_on_their_app_configs():
    from pagecache.versions import public_models

    assert sorted(model._meta.label for model in public_models()) == [
        "indicators.Indicator",
        "indicators.Measurement",
        "roadmaps.Milestone",
        "roadmaps.MilestoneUpdate",
        "roadmaps.Mineral",
        "roadmaps.Roadmap",
        "roadmaps.Sector",
        "roadmaps.Target",
        "roadmaps.Theme",
        "roadmaps.ValueChainStage",
        "stakeholders.StakeholderGroup",
        "stakeholders.User",
    ]
