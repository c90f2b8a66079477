"""Where cached pages live: Django's cache, kept out of the way while it fails.

Losing the cache (Redis down, unreachable, timing out) only costs rendering: a failing
cache call is logged once per outage (a warning; an info line when it answers again), and
for `RETRY_SECONDS` after a failure this process does not call the cache at all, so an
outage costs no request more than one short socket timeout.

Pages are stored with their gzip and Brotli encodings, compressed once when stored; every
entry is bounded (`MAX_PAGE_BYTES`), and so is the cache as a whole (local memory:
`MAX_ENTRIES` in settings; Redis: `maxmemory` with an LRU policy, docs/deploy.md).

Each process also keeps the pages it stored or read last (`RECENT_BYTES` of them): a hot
page is answered without the shared cache's round trip (Redis) or unpickling (local memory).
A page's key changes with every write (pagecache.middleware.page_key), so a kept page is
never stale, as in the shared cache. Only what the shared cache stored or gave back is kept.
"""

import gzip
import logging
import threading
import time
from collections import OrderedDict

import brotli
import redis
from django.core.cache import cache

logger = logging.getLogger("pagecache")

RETRY_SECONDS = 5.0
# A bigger page (a whole-dataset CSV at 20,000 milestones) is rendered each time rather than
# stored. Public pages are 4-32 KB at fixture size, and dashboards cap their long lists, so
# this is ample; it bounds the cache's memory: entries x (this + its encodings, ~1.3x).
MAX_PAGE_BYTES = 256 * 1024
# Below this, compressing saves less than the headers it adds.
MIN_COMPRESS_BYTES = 256
COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/atom+xml",
    "application/xml",
    "image/svg+xml",
)
# What a cache backend raises when its server is gone: redis-py's errors, socket errors.
CACHE_ERRORS = (redis.exceptions.RedisError, OSError)


class Outage:
    """This process's view of a service: answering, or failed and (for the cache) not to be
    asked until `retry_at` (monotonic seconds). Logs once per outage, not per request."""

    def __init__(self, lost: str, back: str):
        self.retry_at: float | None = None
        self._lost = lost
        self._back = back
        self._lock = threading.Lock()

    def usable(self) -> bool:
        retry_at = self.retry_at
        return retry_at is None or time.monotonic() >= retry_at

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            first = self.retry_at is None
            self.retry_at = time.monotonic() + RETRY_SECONDS
        if first:
            logger.warning(self._lost, type(exc).__name__, exc)

    def answered(self) -> None:
        # An answer within the back-off of a failure does not end the outage: a request that
        # needed no query (a held version) proves nothing, and the log would flap.
        retry_at = self.retry_at
        if retry_at is None or time.monotonic() < retry_at:
            return
        with self._lock:
            recovered = self.retry_at is not None
            self.retry_at = None
        if recovered:
            logger.info(self._back)


outage = Outage(
    f"Page cache unavailable (%s: %s): pages are rendered without it; retrying every "
    f"{RETRY_SECONDS} s.",
    "Page cache available again.",
)
# Only for the log: requests keep asking the database (pagecache.middleware answers 503).
database_outage = Outage(
    "Database unavailable (%s: %s): answering 503 until it is back.",
    "Database available again.",
)


# The bytes of the pages each process keeps for itself (content and encodings).
RECENT_BYTES = 4 * 1024 * 1024

_recent: OrderedDict = OrderedDict()
_recent_size = 0
_recent_lock = threading.Lock()


def get_page(key: str):
    """The stored entry, or None when absent, or the cache is down or backing off."""
    kept = _recent.get(key)
    if kept is not None:
        return kept
    if not outage.usable():
        return None
    try:
        stored = cache.get(key)
    except CACHE_ERRORS as exc:
        outage.failed(exc)
        return None
    outage.answered()
    if stored is not None:
        _keep(key, stored)
    return stored


def set_page(key: str, entry, timeout: int) -> None:
    if not outage.usable():
        return
    try:
        cache.set(key, entry, timeout)
    except CACHE_ERRORS as exc:
        outage.failed(exc)
        return
    outage.answered()
    _keep(key, entry)


def _size(entry) -> int:
    content, _headers, encodings = entry
    return len(content) + sum(len(encoded) for encoded in encodings.values())


def _keep(key: str, entry) -> None:
    """Keep `entry` in this process, the oldest going first past RECENT_BYTES."""
    global _recent_size
    size = _size(entry)
    with _recent_lock:
        if key in _recent or size > RECENT_BYTES:
            return
        _recent[key] = entry
        _recent_size += size
        while _recent_size > RECENT_BYTES:
            _old_key, old = _recent.popitem(last=False)
            _recent_size -= _size(old)


def forget_recent() -> None:
    """Drop this process's kept pages (tests, which clear the shared cache between them)."""
    global _recent_size
    with _recent_lock:
        _recent.clear()
        _recent_size = 0


def cache_state() -> str:
    """ "ok" or "unavailable", asking the cache now (for /healthz), and noting the answer."""
    try:
        cache.get("pagecache:healthz")
    except CACHE_ERRORS as exc:
        outage.failed(exc)
        return "unavailable"
    outage.answered()
    return "ok"


# -- Encodings --------------------------------------------------------------------------


def encodings_of(content: bytes, content_type: str) -> dict[str, bytes]:
    """{"br": ..., "gzip": ...} for a compressible page worth compressing, else {}."""
    if len(content) < MIN_COMPRESS_BYTES or not content_type.startswith(COMPRESSIBLE_TYPES):
        return {}
    # Once per stored page: the best Brotli quality costs ~50x gzip's time, 11 is too slow
    # for a page rendered while a visitor waits; 5 and gzip's 6 are the usual dynamic levels.
    return {
        "br": brotli.compress(content, quality=5),
        "gzip": gzip.compress(content, compresslevel=6, mtime=0),
    }


def accepted_encoding(accept_encoding: str, offered) -> str | None:
    """The best of `offered` ("br" before "gzip") that the Accept-Encoding header allows."""
    if not accept_encoding or not offered:
        return None
    allowed = {}
    for part in accept_encoding.lower().split(","):
        name, _sep, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        allowed[name.strip()] = quality
    for name in ("br", "gzip"):
        if name in offered and allowed.get(name, allowed.get("*", 0.0)) > 0:
            return name
    return None
