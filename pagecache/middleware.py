"""Conditional GET and a per-page cache for the public pages, keyed by the data version.

Every public request reads the data version (pagecache.versions.current_data_version, one
primary-key query) before anything else:

- `ETag` = hash of (version, its timestamp, today's date, host, path and full query string);
  `Last-Modified` = the version's timestamp (or midnight UTC, when later: "as of today" pages
  change at midnight). A matching `If-None-Match` / `If-Modified-Since` answers 304 without
  running the view.
- The rendered page is kept in Django's cache (local memory per process; Redis, shared, when
  `REDIS_URL` is set) under the same key. A write changes the key, so every cached page is
  stale at once; old entries simply expire.

Pages are keyed by their language too (the URL's: resourcing/lib/languages.py), so a page is
never served, nor answered 304, in another language than its address's.

Only anonymous GET/HEAD requests for public pages take part: never /staff/, /admin/,
/accounts/ (in any language), never a request carrying a session or messages cookie (a
signed-in user, a flash message), and only 200 responses that set no cookie, embed no CSRF
token and do not forbid caching. Pages are keyed and stored under their canonical query only
(pagecache.keys), with their gzip and Brotli encodings made once when stored; a client gets
the best one it accepts (`Vary: Accept-Encoding`, the same ETag: a weak one, equal for every
encoding).

Outages: a cache that fails is skipped (pagecache.store: one warning per outage, pages are
rendered); a database that does not answer gives 503 with `Retry-After` and the site's error
page, for every page (not the 500 of an unexpected error).
"""

import datetime
import functools
import hashlib
import logging
from functools import wraps

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseNotModified
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

from pagecache import store
from pagecache.keys import canonical_query
from pagecache.versions import current_data_version
from resourcing.lib.languages import unprefixed

logger = logging.getLogger("pagecache")

# Never cached nor answered 304 by this middleware: personal, staff or operational pages.
EXCLUDED_PREFIXES = ("/staff/", "/admin/", "/accounts/", "/healthz", "/static/")
# Cached and answered 304 by their views' own `cached_page` decorator instead: pages whose views
# mark their responses for middleware outside this one (framable embeds: xframe_options_exempt,
# django-csp's csp_replace). A 304 or a cached copy from here would skip those marks.
VIEW_CACHED_PREFIXES = ("/embed/",)
# An entry is (content, {lower-case header name: (name, value)}, {encoding: bytes}); the
# prefix names that shape, so a process of another release sharing the cache never reads one.
CACHE_KEY_PREFIX = "page:2:"
# Headers that describe one response and must not be replayed from the cache.
_NOT_STORED = {"set-cookie", "date", "content-length", "last-modified"}
# What a database that is down, restarting or unreachable raises (not a bad query).
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_unavailable() -> HttpResponse:
    """503 in the site's layout. Rendered without a request: context processors would ask
    the database (the signed-in user) that just failed."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Logged once per outage (store.database_outage), not as an ERROR for every request.
    response._has_been_logged = True
    return response


def takes_part(request, *, in_view: bool = False) -> bool:
    """An anonymous read of a public page, the same for every such visitor."""
    if request.method not in ("GET", "HEAD"):
        return False
    excluded = EXCLUDED_PREFIXES if in_view else EXCLUDED_PREFIXES + VIEW_CACHED_PREFIXES
    if unprefixed(request.path_info).startswith(excluded):
        return False
    cookies = request.COOKIES
    # Signed-in users and pending flash messages see personal pages: never cached, and the
    # session is not even loaded here (that would cost a query for every visitor).
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _last_modified(changed_at: datetime.datetime) -> datetime.datetime:
    midnight = datetime.datetime.combine(
        timezone.now().astimezone(datetime.UTC).date(), datetime.time.min, tzinfo=datetime.UTC
    )
    return max(changed_at, midnight)


# get_host() validates the Host header against ALLOWED_HOSTS (400 otherwise) on every call;
# the answer depends on those headers and settings only, so valid ones are remembered.
_HOST_HEADERS = ("HTTP_X_FORWARDED_HOST", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT")
_valid_hosts: dict = {}
MAX_REMEMBERED_HOSTS = 64


def _host(request) -> str:
    """request.get_host(), remembered per set of host headers (a bad one raises each time)."""
    meta = request.META
    headers = tuple(meta.get(name) for name in _HOST_HEADERS)
    host = _valid_hosts.get(headers)
    if host is None:
        host = request.get_host()  # DisallowedHost for a host the settings do not allow
        if len(_valid_hosts) >= MAX_REMEMBERED_HOSTS:
            _valid_hosts.clear()
        _valid_hosts[headers] = host
    return host


# Keys already made, by what they are made of: a warm page is asked for again and again, and
# hashing its key cost more than looking it up. Emptied when full; a write changes every key.
_keys: dict = {}
MAX_REMEMBERED_KEYS = 1024


def page_key(request, version: int, changed_at: datetime.datetime, query: str | None) -> str:
    """`query`: the canonical query string, or None to key by the full path as sent."""
    from resourcing.lib.dates import today

    # The timestamp keeps keys unique even if the counter restarts (a rebuilt database
    # sharing a Redis cache); today's date because "as of today" pages change at midnight.
    # The language is the URL's (resourcing.middleware.URLLanguageMiddleware, outside this
    # one), so the path alone keeps languages apart; it is named too, so that no page can be
    # stored or validated under another language's key even if a path ever served two.
    # Accept-Language and cookies never choose it, so they are not part of the key.
    parts = (
        version,
        changed_at,
        today(),
        get_language(),
        _host(request),
        request.get_full_path() if query is None else f"{request.path}?{query}",
    )
    key = _keys.get(parts)
    if key is None:
        material = "|".join(
            [str(version), changed_at.isoformat(), parts[2].isoformat(), *parts[3:]]
        )
        key = hashlib.sha256(material.encode()).hexdigest()[:40]
        if len(_keys) >= MAX_REMEMBERED_KEYS:
            _keys.clear()
        _keys[parts] = key
    return key


def _is_storable(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "")
    return not any(word in cache_control for word in ("private", "no-store"))


VARY = ("Cookie", "Accept-Encoding")


@functools.lru_cache(maxsize=4)
def _http_date(timestamp: int) -> str:
    return http_date(timestamp)


def _validators(response, etag: str, last_modified: int | None):
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = _http_date(last_modified)
    # Shared caches may keep the page but must ask again each time: a write shows at once.
    response["Cache-Control"] = "no-cache"
    # Signed-in visitors (session cookie) get different pages: never the anonymous copy.
    if response.has_header("Vary"):
        patch_vary_headers(response, VARY)
    else:
        response["Vary"] = ", ".join(VARY)
    return response


def _conditional(request, etag: str, last_modified: int | None):
    """get_conditional_response's answer, without parsing anything in the common cases: no
    validator sent (a first visit), or exactly this page's ETag in If-None-Match alone (a
    revalidation). A 304 then is what Django would answer: If-None-Match takes precedence
    over If-Modified-Since, and compares weakly."""
    meta = request.META
    if_none_match = meta.get("HTTP_IF_NONE_MATCH")
    if if_none_match is None and "HTTP_IF_MODIFIED_SINCE" not in meta:
        if "HTTP_IF_MATCH" not in meta and "HTTP_IF_UNMODIFIED_SINCE" not in meta:
            return None
    elif (
        if_none_match == etag
        and "HTTP_IF_MATCH" not in meta
        and "HTTP_IF_UNMODIFIED_SINCE" not in meta
    ):
        return HttpResponseNotModified()
    return get_conditional_response(request, etag=etag, last_modified=last_modified)


def _encode(request, response, encodings):
    """The best encoding the client accepts, in place (the response keeps its attributes)."""
    encoding = store.accepted_encoding(request.META.get("HTTP_ACCEPT_ENCODING", ""), encodings)
    if encoding is not None:
        response.content = encodings[encoding]
        response["Content-Encoding"] = encoding
    response["Content-Length"] = str(len(response.content))
    return response


def _stored_response(request, stored, last_modified: int | None) -> HttpResponse:
    content, headers, encodings = stored
    encoding = store.accepted_encoding(request.META.get("HTTP_ACCEPT_ENCODING", ""), encodings)
    body = content if encoding is None else encodings[encoding]
    response = HttpResponse(body)
    # The stored headers came out of a response, which checked them when they were set, its
    # validators included (`_validators`): put back as they were (ResponseHeaders keeps
    # {lower-case name: (name, value)}; Django is pinned to 5.2), without checking each
    # again on every request. Only what is this response's own is set here.
    fields = response.headers._store
    fields.update(headers)
    if encoding is not None:
        fields["content-encoding"] = ("Content-Encoding", encoding)
    fields["content-length"] = ("Content-Length", str(len(body)))
    if last_modified is not None:
        fields["last-modified"] = ("Last-Modified", _http_date(last_modified))
    return response


class ConditionalPageCacheMiddleware:
    """Answers 304 or a cached copy for anonymous reads of public pages, 503 while the
    database is down; see module docs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not takes_part(request):
            return self.get_response(request)
        return self.serve(request)

    def serve(self, request):
        try:
            version, changed_at = current_data_version()
        except DATABASE_DOWN as exc:
            store.database_outage.failed(exc)
            return database_unavailable()
        store.database_outage.answered()
        query = canonical_query(request)
        key = page_key(request, version, changed_at, query)
        etag = f'W/"{key}"'
        modified = _last_modified(changed_at)
        # Within the second of the last write another write could follow with the same
        # one-second Last-Modified; then only the ETag validates (as Apache does).
        now = timezone.now()
        last_modified = (
            int(modified.timestamp()) if int(now.timestamp()) > int(modified.timestamp()) else None
        )

        not_modified = _conditional(request, etag, last_modified)
        if isinstance(not_modified, HttpResponseNotModified):
            return _validators(not_modified, etag, last_modified)

        # Only canonical URLs are looked up and stored: junk query strings add no entries.
        cache_on = settings.PAGE_CACHE_ENABLED and query is not None
        if cache_on:
            stored = store.get_page(CACHE_KEY_PREFIX + key)
            if stored is not None:
                return _stored_response(request, stored, last_modified)

        response = self.get_response(request)
        # A page with a CSRF token in it (a form) belongs to this visitor's csrftoken cookie.
        # CsrfViewMiddleware (inside this one) then sets the cookie again, which alone keeps
        # the page out; this check does not depend on that.
        if (
            not _is_storable(response)
            or response.has_header("ETag")
            or response.has_header("Content-Encoding")
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        ):
            return response
        _validators(response, etag, last_modified)
        if cache_on and len(response.content) <= store.MAX_PAGE_BYTES:
            # Stored with the language it was made in (English for data on a /es/ page):
            # the copy must say so without the view.
            response.headers.setdefault("Content-Language", get_language())
            # With the validators this key always has; not Last-Modified (_NOT_STORED): none
            # is sent within the second of the write (see above), so each hit sets its own.
            headers = {
                lower: (name, value)
                for lower, (name, value) in response.headers._store.items()
                if lower not in _NOT_STORED
            }
            stored = (
                response.content,
                headers,
                store.encodings_of(response.content, response.get("Content-Type", "")),
            )
            store.set_page(CACHE_KEY_PREFIX + key, stored, settings.PAGE_CACHE_SECONDS)
            # This visitor gets the encoding just made, like the next ones.
            response = _encode(request, response, stored[2])
        return response

    def process_exception(self, request, exception):
        """A view whose database went away: 503, whatever the page (see module docs)."""
        if isinstance(exception, DATABASE_DOWN):
            store.database_outage.failed(exception)
            return database_unavailable()
        return None


def cached_page(view):
    """This middleware's conditional GET and page cache inside a view, for VIEW_CACHED_PREFIXES:
    its 304s and cached copies come out of the view, so the decorators applied outside this
    one mark them as they mark the rendered page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        def render(request):
            return view(request, *args, **kwargs)

        if not takes_part(request, in_view=True):
            return render(request)
        return ConditionalPageCacheMiddleware(render).serve(request)

    return wrapper
