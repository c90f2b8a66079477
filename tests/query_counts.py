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


def with_as_of(url: str, as_of: str) -> str:
    """`url` with `as_of=` added (unchanged when `as_of` is empty)."""
    if not as_of:
        return url
    return f"{url}{'&' if '?' in url else '?'}as_of={as_of}"


def first_request_queries(client, urls) -> dict[str, tuple[int, int]]:
    """{url: (status code, queries)}, each url requested alone after the data."""
    found = {}
    for url in urls:
        cache.clear()
        store.forget_recent()
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            transaction.set_rollback(True)
        found[url] = (response.status_code, len(queries))
    cache.clear()
    store.forget_recent()
    return found


def expected(counts) -> dict[str, tuple[int, int]]:
    """{url: (200, queries)} of `(url, queries)` pairs."""
    return {url: (200, queries) for url, queries in counts}
