"""The page cache's short cuts (issue 18) answer exactly what the long way would."""

import itertools

import pytest
from django.http import HttpResponseNotModified
from django.test import RequestFactory
from django.utils.cache import get_conditional_response

from pagecache.middleware import _conditional

ETAG = 'W/"0123456789abcdef0123456789abcdef01234567"'
LAST_MODIFIED = 1_764_460_800  # 2025-11-30 00:00:00 UTC
SAME_DAY = "Sun, 30 Nov 2025 00:00:00 GMT"
DAY_BEFORE = "Sat, 29 Nov 2025 00:00:00 GMT"
HEADERS = {
    "HTTP_IF_NONE_MATCH": [None, ETAG, ETAG.removeprefix("W/"), '"other"', f'"x", {ETAG}', "*"],
    "HTTP_IF_MODIFIED_SINCE": [
        None,
        "Sun, 30 Nov 2025 00:00:00 GMT",
        "Sat, 29 Nov 2025 00:00:00 GMT",
    ],
    "HTTP_IF_MATCH": [None, ETAG, '"other"'],
    "HTTP_IF_UNMODIFIED_SINCE": [None, DAY_BEFORE],
}


def _kind(response):
    return None if response is None else (type(response), response.status_code)


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_conditional_answers_as_django_does_for_every_combination(method):
    factory = RequestFactory()
    names = list(HEADERS)
    for values in itertools.product(*HEADERS.values()):
        meta = {name: value for name, value in zip(names, values, strict=True) if value}
        request = factory.generic(method, "/sectors/mobility/", **meta)

        ours = _conditional(request, ETAG, LAST_MODIFIED)
        django = get_conditional_response(request, etag=ETAG, last_modified=LAST_MODIFIED)

        assert _kind(ours) == _kind(django), meta


def test_a_revalidation_with_the_page_etag_is_a_304():
    request = RequestFactory().get("/", HTTP_IF_NONE_MATCH=ETAG)
    assert isinstance(_conditional(request, ETAG, None), HttpResponseNotModified)


@pytest.mark.django_db
def test_a_host_not_allowed_is_refused_every_time(client):
    for _ in range(2):
        assert client.get("/", HTTP_HOST="evil.example").status_code == 400
    assert client.get("/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["", "gzip", "br, gzip", "identity"])
def test_a_cached_copy_carries_the_headers_of_the_rendered_page(client, accept):
    rendered = client.get("/sectors/", HTTP_ACCEPT_ENCODING=accept)
    cached = client.get("/sectors/", HTTP_ACCEPT_ENCODING=accept)

    def headers(response):
        return {name: value for name, value in response.items() if name.lower() != "date"}

    assert rendered.status_code == cached.status_code
    assert headers(cached) == headers(rendered)
    assert cached.content == rendered.content


def test_the_process_keeps_its_last_pages_within_its_byte_budget(monkeypatch):
    """pagecache.store keeps what the shared cache stored or gave back, the oldest going
    first past RECENT_BYTES; a page larger than the budget is not kept."""
    from django.core.cache import cache

    from pagecache import store

    monkeypatch.setattr(store, "RECENT_BYTES", 1000)

    def entry(size: int):
        return (b"x" * size, {"content-type": ("Content-Type", "text/html")}, {"gzip": b"g" * 10})

    store.set_page("a", entry(390), 60)
    store.set_page("b", entry(390), 60)
    cache.delete_many(["a", "b"])
    assert store.get_page("a") == store.get_page("b") == entry(390)  # kept, not the cache's

    store.set_page("c", entry(390), 60)  # 1,200 bytes: "a" goes
    store.set_page("big", entry(991), 60)  # 1,001 bytes alone: never kept
    cache.delete_many(["b", "c", "big"])

    assert [store.get_page(key) for key in ("a", "b", "c", "big")] == [
        None,
        entry(390),
        entry(390),
        None,
    ]
    store.forget_recent()
    assert store.get_page("b") is None


@pytest.mark.django_db
def test_page_keys_are_remembered_within_a_bound_and_equal_the_hash_of_their_parts(
    monkeypatch,
):
    import datetime
    import hashlib

    from pagecache import middleware

    monkeypatch.setattr(middleware, "_keys", {})
    monkeypatch.setattr(middleware, "MAX_REMEMBERED_KEYS", 3)
    changed_at = datetime.datetime(2026, 11, 30, 9, 30, tzinfo=datetime.UTC)
    factory = RequestFactory()
    today = datetime.datetime.now(datetime.UTC).date().isoformat()

    keys = [middleware.page_key(factory.get(f"/sectors/{n}/"), 7, changed_at, "") for n in range(4)]
    again = middleware.page_key(factory.get("/sectors/3/"), 7, changed_at, "")

    material = f"7|2026-11-30T09:30:00+00:00|{today}|en|testserver|/sectors/3/?"
    assert again == keys[3] == hashlib.sha256(material.encode()).hexdigest()[:40]
    assert len(set(keys)) == 4
    assert len(middleware._keys) == 1  # emptied when the fourth came
    assert middleware.page_key(factory.get("/sectors/3/"), 8, changed_at, "") != keys[3]
