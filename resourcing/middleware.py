"""Request log line, the request's language, and the security headers Django does not set
itself."""

import logging
import time

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from whitenoise.middleware import WhiteNoiseMiddleware

from resourcing.lib import languages

logger = logging.getLogger("resourcing.requests")

# Features the site never uses; a page (or something injected into one) cannot ask for them.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)


class RequestLogMiddleware:
    """One line per request on stdout: method, path, status, duration in milliseconds.

    Outermost in MIDDLEWARE, so the duration covers the whole stack, and the same in
    development (runserver) and production (gunicorn runs without its own access log).
    The query string is left out: it may carry what a visitor typed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = (time.perf_counter() - started) * 1000
        logger.info(
            "%s %s %s %.1fms",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
        )
        return response


class SecurityHeadersMiddleware:
    """Beyond SecurityMiddleware's nosniff, Referrer-Policy, COOP and HSTS, and django-csp's
    Content-Security-Policy: a Permissions-Policy turning off browser features."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class URLLanguageMiddleware:
    """The request's language from its URL alone (resourcing/lib/languages.py).

    In place of Django's LocaleMiddleware, which falls back on a cookie and `Accept-Language`
    (and so sends `Vary: Accept-Language`): here one address is one page in one language, so
    every page is cacheable and shareable as it is. The language is active for the whole
    request (the page cache's key, 400/413/503 answers, the view) and restored after it; a
    view answering with data switches to English (languages.use_data_language).

    `/en/...` (the default language's prefix) answers a permanent redirect to the unprefixed
    address when a page is there, 404 otherwise: English keeps one address per page, and a
    visitor who guesses `/en/` from a `/es/` link still lands on it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language, path_info = languages.split_path(request.path_info)
        if language == settings.LANGUAGE_CODE and self._is_page(path_info):
            return languages.redirect_unprefixed(request, path_info)
        language = language or settings.LANGUAGE_CODE
        with languages.page_in(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
            # The language the response was made in (English for data); a cached copy keeps
            # the one it was stored with (pagecache.middleware).
            response.headers.setdefault("Content-Language", translation.get_language())
        return response

    @staticmethod
    def _is_page(path_info: str) -> bool:
        # Never `//host` or `/\host`: browsers read those as another site's address.
        if path_info[1:2] in ("/", "\\"):
            return False
        with translation.override(settings.LANGUAGE_CODE):
            try:
                resolve(path_info)
            except Resolver404:
                return False
        return True


class SiteWideCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the site-wide policies built once per process.

    django-csp builds the header strings for every response: in process, about 75 us of a
    request that costs about 20 us without it (timeit, this repository), a third of a 304's
    cost in make bench. Only the plain case is short-cut: the site-wide policy and, when
    configured, the site-wide report-only policy, on a response nothing customised. Anything
    else (a view's decorator, a nonce, a header already set, a path in EXCLUDE_URL_PREFIXES)
    goes through django-csp unchanged. tests/test_production.py holds both to the same headers.
    """

    _policies: tuple[str, str] | None = None
    # The marks django-csp's decorators leave on a response.
    _MARKS = tuple(
        f"_csp_{name}{suffix}"
        for name in ("exempt", "config", "update", "replace")
        for suffix in ("", "_ro")
    )

    def __init__(self, get_response):
        super().__init__(get_response)
        # The paths either policy leaves out, once per process.
        self._excluded = tuple(
            prefix
            for setting in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
            for prefix in (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", ())
        )

    def _plain(self, request, response) -> bool:
        if getattr(request, "_csp_nonce", None) or HEADER in response:
            return False
        if HEADER_REPORT_ONLY in response:
            return False
        marks = response.__dict__
        if any(marks.get(mark) for mark in self._MARKS):
            return False
        return not (self._excluded and request.path_info.startswith(self._excluded))

    def process_response(self, request, response):
        if not self._plain(request, response):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (404, 500):
            return response  # Django's debug pages, as django-csp does
        if self._policies is None:
            self._policies = (build_policy(), build_policy(report_only=True))
        policy, report_only = self._policies
        if policy:
            response[HEADER] = policy
        if report_only:
            response[HEADER_REPORT_ONLY] = report_only
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


class RejectNulBytesMiddleware:
    """Answer 400 to a query parameter carrying a NUL byte, naming the parameter.

    No input of this site may contain one, and PostgreSQL refuses them outright: any filter
    (the admin's list filters included) would otherwise turn one into a database error.
    Form fields refuse them already (Django's ProhibitNullCharactersValidator).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                message = _("%(name)s: a NUL byte (0x00) is not allowed.") % {
                    "name": name.replace("\x00", "\\x00")
                }
                return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """whitenoise, minus the static files manifest.

    `collectstatic` writes staticfiles.json (every file's hashed name) into STATIC_ROOT, and
    whitenoise serves everything there; the site has no use for it in public, and it lists
    every file of the admin and the site. A request for it goes on to Django: 404.
    """

    # ManifestStaticFilesStorage.manifest_name
    PRIVATE_FILES = ("staticfiles.json",)

    def __init__(self, get_response=None, settings=settings):
        super().__init__(get_response, settings=settings)
        self.private_urls = {self.static_prefix + name for name in self.PRIVATE_FILES}

    def __call__(self, request):
        if request.path_info in self.private_urls:
            return self.get_response(request)
        return super().__call__(request)


class RequestBodyLimitMiddleware:
    """Refuse a request body larger than its path can take (413) before anything reads it.

    Django reads a whole multipart body, spooling its files to disk, the first time anything
    asks for request.POST, CSRF's check included: an anonymous 200 MB POST with a made-up
    csrftoken cookie was written to disk before the 403. So the declared Content-Length is
    checked first: every path takes at most a form's worth (DATA_UPLOAD_MAX_MEMORY_SIZE, Django's
    own limit for form fields); only the admin's import upload takes a roadmap file (its limit
    plus the form around it), and only from a signed-in superuser. A body without a length
    (Transfer-Encoding: chunked) cannot be measured before it is read: 411.
    """

    # Multipart boundaries, part headers, the CSRF token and the file name around the file.
    UPLOAD_FORM_OVERHEAD = 64 * 1024

    def __init__(self, get_response):
        self.get_response = get_response
        self.form_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        self._upload_path = None

    @property
    def upload_path(self) -> str:
        if self._upload_path is None:  # the URLconf is loaded after the middleware
            self._upload_path = reverse("admin:roadmaps_milestone_import")
        return self._upload_path

    @property
    def upload_limit(self) -> int:
        from roadmaps.imports import MAX_BYTES

        return MAX_BYTES + self.UPLOAD_FORM_OVERHEAD

    def __call__(self, request):
        if request.META.get("HTTP_TRANSFER_ENCODING"):
            return HttpResponse(
                _("Send the request with a Content-Length header (no chunked body)."),
                status=411,
                content_type="text/plain; charset=utf-8",
            )
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            return HttpResponseBadRequest(
                _("Content-Length is not a number of bytes."),
                content_type="text/plain; charset=utf-8",
            )
        request.declared_body_length = length
        limit = self.upload_limit if request.path_info == self.upload_path else self.form_limit
        if length > limit:
            return self.refuse(request, limit)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # After AuthenticationMiddleware, before CSRF's process_view reads the body: more than a
        # form's worth only from who may import (the import upload is the one path allowing it).
        from roadmaps.permissions import can_edit_content

        if getattr(request, "declared_body_length", 0) > self.form_limit and not (
            can_edit_content(request.user)
        ):
            return self.refuse(request, self.form_limit)
        return None

    @staticmethod
    def refuse(request, limit: int) -> HttpResponse:
        body = render_to_string("413.html", {"limit": filesizeformat(limit)}, request=request)
        return HttpResponse(body, status=413)
