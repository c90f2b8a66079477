"""Compressed cached pages (issue 18): gzip and Brotli made once when a page is stored."""

import gzip

import brotli
import pytest

from pagecache import store

DASHBOARD = "/sectors/sector-a/"


@pytest.mark.django_db
def test_encodings_follow_accept_encoding_and_share_one_etag(client, milestone_a):
    plain = client.get(DASHBOARD)
    zipped = client.get(DASHBOARD, headers={"accept-encoding": "gzip, deflate"})
    brotlied = client.get(DASHBOARD, headers={"accept-encoding": "gzip, deflate, br"})
    refused = client.get(DASHBOARD, headers={"accept-encoding": "br;q=0, gzip;q=0"})

    assert "Content-Encoding" not in plain
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert brotlied["Content-Encoding"] == "br"
    assert brotli.decompress(brotlied.content) == plain.content
    assert "Content-Encoding" not in refused
    assert refused.content == plain.content
    for response in (plain, zipped, brotlied, refused):
        # No Accept-Language: the language comes from the URL alone (URLLanguageMiddleware).
        assert response["Vary"] == "Cookie, Accept-Encoding"
        assert response["Content-Length"] == str(len(response.content))
        assert response["ETag"] == plain["ETag"]
    assert len(brotlied.content) < len(zipped.content) < len(plain.content) / 3


@pytest.mark.django_db
def test_the_first_visitor_gets_the_encoding_made_when_storing(client, milestone_a):
    first = client.get(DASHBOARD, headers={"accept-encoding": "gzip"})
    second = client.get(DASHBOARD, headers={"accept-encoding": "gzip"})

    assert first["Content-Encoding"] == second["Content-Encoding"] == "gzip"
    assert first.content == second.content


@pytest.mark.django_db
def test_compressed_once_when_stored(client, milestone_a, monkeypatch):
    calls = []
    real = store.encodings_of
    monkeypatch.setattr(store, "encodings_of", lambda *a: calls.append(1) or real(*a))

    for _ in range(3):
        client.get(DASHBOARD, headers={"accept-encoding": "br"})

    assert calls == [1]


@pytest.mark.django_db
def test_304_is_unchanged_by_encodings(client, milestone_a, django_assert_num_queries):
    first = client.get(DASHBOARD, headers={"accept-encoding": "br"})

    with django_assert_num_queries(1):  # the data version
        again = client.get(
            DASHBOARD, headers={"accept-encoding": "gzip", "if-none-match": first["ETag"]}
        )

    assert again.status_code == 304
    assert again.content == b""
    assert "Content-Encoding" not in again
    assert again["ETag"] == first["ETag"]


@pytest.mark.django_db
def test_signed_in_pages_are_not_compressed_here(client, steward_a, milestone_a):
    client.force_login(steward_a)

    response = client.get(DASHBOARD, headers={"accept-encoding": "gzip, br"})

    assert response.status_code == 200
    assert "Content-Encoding" not in response


@pytest.mark.django_db
def test_csv_is_compressed_and_small_bodies_are_not(client, milestone_a):
    csv = client.get("/sectors/sector-a/milestones/?format=csv", headers={"accept-encoding": "br"})

    assert csv["Content-Encoding"] == "br"
    assert store.encodings_of(b"x" * 100, "text/html") == {}
    assert store.encodings_of(b"x" * 1000, "image/png") == {}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", None),
        ("gzip", "gzip"),
        ("br", "br"),
        ("gzip, br", "br"),
        ("br;q=0, gzip", "gzip"),
        ("BR;q=0.5", "br"),
        ("*", "br"),
        ("*, br;q=0", "gzip"),
        ("identity", None),
        ("gzip;q=x", None),
    ],
)
def test_accepted_encoding(header, expected):
    assert store.accepted_encoding(header, {"br": b"", "gzip": b""}) == expected
