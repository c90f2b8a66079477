"""Request log line and the security headers Django does not set itself."""

import logging
import time

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

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

    def _plain(self, request, response) -> bool:
        if getattr(request, "_csp_nonce", None) or HEADER in response:
            return False
        if HEADER_REPORT_ONLY in response or any(
            getattr(response, f"_csp_{name}{suffix}", None)
            for name in ("exempt", "config", "update", "replace")
            for suffix in ("", "_ro")
        ):
            return False
        for setting in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES")
            if prefixes and request.path_info.startswith(tuple(prefixes)):
                return False
        return True

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
