"""Query counts of many pages from one data set: each page as the first request after it.

A test per page rebuilt the same data for every page (the suite's costliest tests). Here the
data is built once per size and every page is counted as a test of its own would count it: in
a savepoint rolled back after the request (what the page stores, such as past progress, goes
with it) and with the page cache emptied before it. A test compares the whole
{url: (status, queries)} mapping, so a failure names every page that changed, not the first.
"""

from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from pagecache import store


def empty_page_cache() -> None:
    """No cached page anywhere: the shared cache and this process's kept pages (pagecache)."""
    cache.clear()
    store.forget_recent()


def dated(counts, as_ofs) -> list[tuple[str, int]]:
    """`counts`' (url, queries) pairs for each of `as_ofs`, with `as_of=` added to the url
    (unchanged for an empty one)."""
    return [
        (f"{url}{'&' if '?' in url else '?'}as_of={as_of}" if as_of else url, queries)
        for as_of in as_ofs
        for url, queries in counts
    ]


def first_request_queries(client, urls) -> dict[str, tuple[int, int]]:
    """{url: (status code, queries)}, each url requested alone after the data."""
    found = {}
    for url in urls:
        empty_page_cache()
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            transaction.set_rollback(True)
        found[url] = (response.status_code, len(queries))
    empty_page_cache()
    return found


def at_1x_and_10x(client, counts, grow) -> tuple[dict, dict]:
    """first_request_queries of `counts`' urls after grow(1), then again after grow(9) more."""
    urls = [url for url, _queries in counts]
    grow(1)
    small = first_request_queries(client, urls)
    grow(9)
    return small, first_request_queries(client, urls)


def expected(counts) -> dict[str, tuple[int, int]]:
    """{url: (200, queries)} of `(url, queries)` pairs."""
    return {url: (200, queries) for url, queries in counts}
