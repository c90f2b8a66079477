"""CORS for the public reads: any origin may read every public page and its JSON."""

from django.http import HttpResponse

from resourcing.lib.languages import unprefixed

# Signed-in and operational areas, in every language: no CORS headers there (nothing to read
# from elsewhere).
PRIVATE_PREFIXES = ("/staff/", "/admin/", "/accounts/")
ALLOWED_METHODS = "GET, HEAD"
# A conditional GET from a script sends these, which are not CORS-safelisted.
ALLOWED_HEADERS = "If-None-Match, If-Modified-Since"
# Readable by a script beyond the safelisted ones: revalidation and download names.
EXPOSED_HEADERS = "ETag, Content-Disposition"
PREFLIGHT_MAX_AGE = "86400"


class PublicReadCORSMiddleware:
    """`Access-Control-Allow-Origin: *` on GET and HEAD of public pages, and the answer to a
    preflight asking for GET or HEAD. Never with credentials: a cross-origin read sends no
    cookie, so it sees what an anonymous visitor sees, and nothing can be written this way.

    Outside the page cache and the early refusals (400, 413), so those carry them too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if unprefixed(request.path_info).startswith(PRIVATE_PREFIXES):
            return self.get_response(request)
        if request.method == "OPTIONS" and "access-control-request-method" in request.headers:
            return self.preflight(request)
        response = self.get_response(request)
        if request.method in ("GET", "HEAD"):
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        return response

    @staticmethod
    def preflight(request):
        response = HttpResponse(status=204)
        if request.headers["access-control-request-method"] in ("GET", "HEAD"):
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
        return response
