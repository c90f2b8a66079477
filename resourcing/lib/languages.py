"""Which language a request is in, and the same page's address in every language.

The language comes from the URL alone: `/es/...`, `/fr/...`, `/pt/...`, `/de/...`, and English
(the default) without a prefix. Never from a cookie or `Accept-Language`: one address is one
page in one language, so every page can be cached (by us, by shared caches) and a shared link
shows what its sender saw. `resourcing.middleware.URLLanguageMiddleware` applies these rules;
the page cache, CORS and the language switcher read them from here.

Data is language-neutral: CSV and JSON (`?format=csv|json` of a page, see
roadmaps.responses.read_params) and the views marked `language_neutral` (Atom feeds, the
open-data files, the API's document) are English whatever the URL's language, so a prefixed
page's data is byte for byte the unprefixed one's.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.encoding import escape_uri_path, iri_to_uri
from django.utils.text import capfirst

from pagecache.keys import page_query

# `?format=` values that answer with data instead of the page.
DATA_FORMATS = frozenset({"csv", "json"})
# The language of the page asked for (its URL's), kept while a data answer is written in
# English (use_data_language): a search reads it, so that a page's list and its CSV and JSON
# hold the same rows.
_page_language: ContextVar[str | None] = ContextVar("page_language", default=None)


def codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def split_path(path: str) -> tuple[str | None, str]:
    """(the language code the path starts with, the path without it): `/es/sectors/` ->
    ("es", "/sectors/"); `/sectors/` -> (None, "/sectors/"). Only an exact code of
    settings.LANGUAGES counts (`/es-mx/` is no prefix), the default one included (`/en/`)."""
    segment, slash, rest = path[1:].partition("/")
    if segment in codes() and (slash or not rest):
        return segment, "/" + rest
    return None, path


def unprefixed(path: str) -> str:
    """The path as it is in the default language: `/es/staff/` -> `/staff/`."""
    return split_path(path)[1]


def prefixed(language: str, path: str) -> str:
    """An unprefixed path in `language`: ("de", "/sectors/") -> "/de/sectors/"."""
    if language == settings.LANGUAGE_CODE:
        return path
    return f"/{language}{path}"


@contextmanager
def page_in(language: str):
    """The request's language, for the whole request (URLLanguageMiddleware)."""
    token = _page_language.set(language)
    try:
        with translation.override(language):
            yield
    finally:
        _page_language.reset(token)


def page_language() -> str:
    """The language the page was asked in, even while its data is written in English: what
    a text search reads besides English (the list's `q`, /search/)."""
    return _page_language.get() or translation.get_language()


def use_data_language() -> None:
    """From here on this request answers with data: English, whatever the page's language.
    URLLanguageMiddleware restores the page's language after the request."""
    translation.activate(settings.LANGUAGE_CODE)


def redirect_unprefixed(request, path_info: str) -> HttpResponsePermanentRedirect:
    """301 to `path_info` (an unprefixed path) with the request's query string."""
    url = escape_uri_path(get_script_prefix().rstrip("/") + path_info)
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{url}?{iri_to_uri(query)}" if query else url)


def language_neutral(view):
    """A data endpoint (a feed, a data file, the API's document): in English, at its one,
    unprefixed address; a prefixed request is redirected there."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        language, path_info = split_path(request.path_info)
        if language is not None:
            return redirect_unprefixed(request, path_info)
        use_data_language()
        return view(request, *args, **kwargs)

    return wrapper


def data_reverse(viewname: str, *args, **kwargs) -> str:
    """reverse() for a language-neutral endpoint: its one, unprefixed address."""
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(viewname, *args, **kwargs)


def home_url(language: str | None = None) -> str:
    """The overview's address in `language` (the active one by default), without reverse():
    the standalone error pages use it when the URLconf itself may be what failed."""
    return get_script_prefix().rstrip("/") + prefixed(language or translation.get_language(), "/")


def language_links(request=None, *, home: bool = False) -> list[dict]:
    """The switcher's links: this page (path and query string) in every language, or, with
    `home`, each language's overview (error pages, which never echo the address asked for;
    the standalone ones have no request).

    The query string is the page's own (pagecache.keys.page_query: its parameters, sorted,
    re-encoded), so a parameter the page ignores changes no page, cached or not, and nothing a
    visitor sent reaches the page unescaped (the template escapes the attribute as well).
    """
    current = translation.get_language()
    query = "" if home else page_query(request)
    links = []
    for code in codes():
        info = translation.get_language_info(code)
        if home:
            url = home_url(code)
        else:
            url = escape_uri_path(
                get_script_prefix().rstrip("/") + prefixed(code, unprefixed(request.path_info))
            )
            if query:
                url += "?" + iri_to_uri(query)
        links.append(
            {
                "code": code,
                # Each language's name in that language ("Español"), as switchers do.
                "name": capfirst(info["name_local"]),
                "url": url,
                "absolute_url": request.build_absolute_uri(url) if request else url,
                "current": code == current,
            }
        )
    return links
