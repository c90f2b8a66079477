"""Canonical URLs only (issue 10, point 7): junk query strings cannot grow the page cache."""

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse

from pagecache import store
from pagecache.keys import page_parameters
from tests.workers import redis_url

LIST = "/sectors/sector-a/milestones/"


def _entries() -> int:
    return len(cache._cache)  # LocMemCache's own dict: the test settings' cache


@pytest.mark.django_db
def test_two_hundred_junk_query_strings_store_nothing(client, milestone_a):
    client.get(LIST)
    assert _entries() == 1

    responses = [client.get(f"{LIST}?junk{n}={n}") for n in range(100)]
    responses += [client.get(f"{LIST}?utm_source=x&n={n}") for n in range(100)]

    assert {response.status_code for response in responses} == {200}
    assert _entries() == 1


@pytest.mark.django_db
def test_invalid_values_of_known_parameters_answer_400_and_store_nothing(client, milestone_a):
    responses = [client.get(f"{LIST}?as_of=junk{n}") for n in range(50)]
    responses += [client.get(f"{LIST}?status=junk{n}") for n in range(50)]

    assert {response.status_code for response in responses} == {400}
    assert _entries() == 0


@pytest.mark.django_db
def test_equivalent_queries_share_one_entry(client, milestone_a, django_assert_num_queries):
    first = client.get(f"{LIST}?format=json&status=in_progress&q=")

    # The data version only: sorted parameters, the empty one dropped, found in the cache.
    with django_assert_num_queries(1):
        second = client.get(f"{LIST}?status=in_progress&format=json")
    with django_assert_num_queries(1):
        third = client.get(f"{LIST}?q=&as_of=&status=in_progress&format=json&theme=")

    assert _entries() == 1
    assert second.content == first.content == third.content
    assert second["ETag"] == first["ETag"] == third["ETag"]


@pytest.mark.django_db
def test_a_page_with_an_unknown_parameter_is_answered_and_rendered_each_time(
    client, milestone_a, django_assert_max_num_queries
):
    plain = client.get("/sectors/sector-a/")

    with django_assert_max_num_queries(50) as rendered:
        tagged = client.get("/sectors/sector-a/?utm_source=newsletter")

    assert tagged.status_code == 200
    assert len(rendered.captured_queries) > 1  # the view ran: not served from an entry
    assert tagged.content == plain.content
    assert tagged["ETag"] != plain["ETag"]  # still validates, by its own full URL
    assert _entries() == 1


@pytest.mark.django_db
def test_multi_valued_filters_are_keyed_by_every_value(client, milestone_a):
    both = client.get(f"{LIST}?format=json&status=in_progress&status=achieved")
    one = client.get(f"{LIST}?format=json&status=in_progress")
    reordered = client.get(f"{LIST}?status=achieved&format=json&status=in_progress")

    assert both["ETag"] == reordered["ETag"]
    assert both["ETag"] != one["ETag"]
    assert _entries() == 2


@pytest.mark.django_db
def test_a_page_bigger_than_the_entry_cap_is_not_stored(client, milestone_a, monkeypatch):
    monkeypatch.setattr(store, "MAX_PAGE_BYTES", 100)

    response = client.get(LIST)

    assert response.status_code == 200
    assert len(response.content) > 100
    assert _entries() == 0


def test_local_memory_cache_is_bounded():
    assert django_settings.CACHES["default"]["OPTIONS"]["MAX_ENTRIES"] == 500
    assert store.MAX_PAGE_BYTES == 256 * 1024


@pytest.mark.django_db
def test_every_listed_page_exists():
    names = sorted(page_parameters())
    kwargs = {
        "roadmaps:sector-dashboard": {"slug": "x"},
        "roadmaps:milestone-list": {"slug": "x"},
        "roadmaps:milestone-detail": {"code": "X-1.1"},
        "stakeholders:group-detail": {"slug": "x"},
        "roadmaps:mineral-detail": {"slug": "x"},
        "indicators:indicator-detail": {"code": "X-1"},
        "reuse:sector-badge": {"slug": "x"},
        "reuse:milestone-badge": {"code": "X-1.1"},
        "reuse:indicator-badge": {"code": "X-1"},
        "reuse:embed-sector": {"slug": "x"},
        "reuse:embed-indicator": {"code": "X-1"},
        "reuse:sector-report": {"slug": "x"},
    }

    paths = [reverse(name, kwargs=kwargs.get(name)) for name in names]

    assert len(paths) == 17
    assert page_parameters()["roadmaps:milestone-list"] == {
        "as_of",
        "format",
        "page",
        "q",
        "status",
        "theme",
        "target",
        "stakeholder_group",
        "due_from",
        "due_to",
        "overdue",
        "provenance",
        "ordering",
        "mineral",
        "stage",
    }


@pytest.mark.django_db
def test_junk_query_strings_add_no_redis_keys(client, milestone_a, settings):
    redis = pytest.importorskip("redis")
    url = redis_url(9)
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "test-pagecache-keys",
        }
    }
    server = redis.Redis.from_url(url)
    server.delete(*server.keys("test-pagecache-keys*") or ["none"])

    # The list's JSON: the same page key rules as its HTML (tested above), a fifth of the
    # rendering.
    for n in range(200):
        client.get(f"{LIST}?format=json&junk{n}={n}")
    client.get(f"{LIST}?format=json")
    keys = server.keys("test-pagecache-keys*")
    server.delete(*keys or ["none"])

    assert len(keys) == 1
