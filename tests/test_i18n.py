"""Languages: routing by URL prefix, the language switcher, hreflang alternates, the page cache
and ETags kept apart by language, data that stays English, dates and numbers in the reader's
locale (resourcing/lib/languages.py, resourcing.middleware.URLLanguageMiddleware).

Pseudo-translations ("[es] Overview", tests/pseudo_locale.py) stand in for the catalogues where
a test must tell languages apart by their text, whatever the real translations say.
"""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import translation

from pagecache.middleware import database_unavailable, page_key
from pagecache.versions import current_data_version
from review.services import propose_status_change
from roadmaps.models import Milestone, Status
from tests.factories import (
    make_group,
    make_history,
    make_milestone,
    make_roadmap,
    make_sector,
    make_steward,
    make_target,
    make_theme,
    make_user,
)
from tests.pseudo_locale import write_pseudo_catalogues
from tests.workers import redis_url

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "es", "fr", "pt", "de"]
PREFIXES = {"en": "", "es": "/es", "fr": "/fr", "pt": "/pt", "de": "/de"}
NAMES = {"en": "English", "es": "Español", "fr": "Français", "pt": "Português", "de": "Deutsch"}
DASHBOARD = "/sectors/mobility/"


@pytest.fixture
def roadmap_data():
    industry = make_group(slug="industry", name="Industry actors", order=1)
    theme = make_theme(slug="environment", name="Environmental", order=1)
    sector = make_sector(slug="mobility", name="Mobility", order=1)
    target = make_target(roadmap=make_roadmap(sector=sector), theme=theme, code="MOB-1")
    achieved = make_milestone(
        target=target,
        code="MOB-1.1",
        due_date=datetime.date(2024, 12, 31),
        status=Status.ACHIEVED,
        groups=[industry],
        title="Due diligence law adopted",
    )
    make_history(
        achieved,
        (Status.IN_PROGRESS, Status.ACHIEVED, "2024-07-01", "Adopted by the Council"),
        author=make_user(username="steward", staff=True),
    )
    make_milestone(
        target=target,
        code="MOB-1.2",
        due_date=datetime.date(2025, 3, 31),
        status=Status.IN_PROGRESS,
        groups=[industry],
        title="Battery passport",
    )
    make_milestone(
        target=target,
        code="MOB-1.3",
        due_date=datetime.date(2030, 12, 31),
        title="Recycled content quota",
    )
    return sector


@pytest.fixture(scope="session")
def pseudo_locale(tmp_path_factory):
    return write_pseudo_catalogues(tmp_path_factory.mktemp("pseudo") / "locale")


@pytest.fixture
def pseudo(settings, pseudo_locale):
    """The interface in pseudo-translation: "[es] Overview" on a Spanish page. (pytest-django
    restores LOCALE_PATHS after the test, and Django drops the catalogues it loaded.)"""
    settings.LOCALE_PATHS = [pseudo_locale]


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)">', response.content.decode()).group(1)


class _Links(HTMLParser):
    """The language switcher's links and the hreflang alternates of a page."""

    def __init__(self):
        super().__init__()
        self.switcher, self.alternates, self.navs = [], [], []
        self._in_switcher = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and "language-switcher" in (attrs.get("class") or ""):
            self._in_switcher = True
            self.navs.append(attrs)
        elif tag == "a" and self._in_switcher:
            self.switcher.append(attrs)
        elif tag == "link" and attrs.get("rel") == "alternate" and "hreflang" in attrs:
            self.alternates.append((attrs["hreflang"], attrs["href"]))

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_switcher = False


def links(response) -> _Links:
    parser = _Links()
    parser.feed(response.content.decode())
    return parser


# Routing ---------------------------------------------------------------------------------


PAGES = [
    "/",
    DASHBOARD,
    "/sectors/mobility/milestones/",
    "/milestones/MOB-1.1/",
    "/stakeholders/",
    "/stakeholders/industry/",
    "/methodology/",
    "/search/?q=battery",
    "/indicators/",
    "/minerals/",
    "/data/",
    "/feeds/",
    "/api/",
    "/sectors/mobility/report/",
    "/accounts/login/",
]


@pytest.mark.parametrize("path", PAGES)
def test_i18n_every_page_answers_in_the_language_of_its_prefix(client, roadmap_data, path):
    responses = {code: client.get(PREFIXES[code] + path) for code in LANGUAGES}

    assert {
        code: (r.status_code, html_lang(r), r["Content-Language"]) for code, r in responses.items()
    } == {code: (200, code, code) for code in LANGUAGES}


def test_i18n_language_comes_from_the_url_never_from_cookie_or_accept_language(
    client, roadmap_data
):
    client.cookies["django_language"] = "fr"

    english = client.get(DASHBOARD, headers={"accept-language": "de-DE,de;q=0.9"})
    german = client.get("/de" + DASHBOARD, headers={"accept-language": "es"})

    assert (english.status_code, html_lang(english), english["Content-Language"]) == (
        200,
        "en",
        "en",
    )
    assert (german.status_code, html_lang(german)) == (200, "de")
    # Nothing but the address chooses the language: shared caches need not vary on it.
    assert english["Vary"] == "Cookie, Accept-Encoding"
    assert german["Vary"] == "Cookie, Accept-Encoding"


@pytest.mark.parametrize(
    "path", ["/xx/", "/xx/sectors/mobility/", "/es-mx/sectors/mobility/", "/ES/sectors/mobility/"]
)
def test_i18n_unknown_prefix_is_not_found(client, roadmap_data, path):
    response = client.get(path)

    assert response.status_code == 404
    assert html_lang(response) == "en"


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/en/", "/"),
        ("/en/sectors/mobility/?as_of=2025-06-30", "/sectors/mobility/?as_of=2025-06-30"),
        ("/en/milestones/MOB-1.1/", "/milestones/MOB-1.1/"),
        ("/en/feeds/updates.atom", "/feeds/updates.atom"),
    ],
)
def test_i18n_english_prefix_redirects_to_the_one_english_address(
    client, roadmap_data, path, location
):
    response = client.get(path)

    assert response.status_code == 301
    assert response["Location"] == location


@pytest.mark.parametrize("path", ["/en/nowhere/", "/en//evil.example/", "/en/\\evil.example/"])
def test_i18n_english_prefix_without_a_page_is_not_found_and_never_leaves_the_site(
    client, roadmap_data, path
):
    response = client.get(path)

    assert response.status_code == 404
    assert not response.has_header("Location")


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/updates.atom",
        "/sectors/mobility/updates.atom",
        "/data/resourcing-milestones.csv",
        "/data/resourcing-milestones.json",
        "/api/openapi.json",
    ],
)
def test_i18n_data_endpoints_live_at_their_unprefixed_address_only(client, roadmap_data, path):
    canonical = client.get(path)
    prefixed = client.get(f"/es{path}?x=1")

    assert canonical.status_code == 200
    assert canonical["Content-Language"] == "en"
    assert (prefixed.status_code, prefixed["Location"]) == (301, f"{path}?x=1")


def test_i18n_admin_and_health_have_one_address(client, roadmap_data, admin_user):
    client.force_login(admin_user)

    assert client.get("/admin/").status_code == 200
    assert client.get("/es/admin/").status_code == 404
    assert client.get("/healthz").status_code == 200
    assert client.get("/es/healthz").status_code == 404


def test_i18n_staff_pages_keep_their_language_through_login_and_are_never_cached(
    client, roadmap_data
):
    anonymous = client.get("/es/staff/")
    client.force_login(make_user(username="steward-es", staff=True))
    first = client.get("/es/staff/")
    second = client.get("/es/staff/")

    assert (anonymous.status_code, anonymous["Location"]) == (
        302,
        "/es/accounts/login/?next=/es/staff/",
    )
    assert (first.status_code, html_lang(first)) == (200, "es")
    assert not first.has_header("ETag") and not second.has_header("ETag")


def test_i18n_logout_lands_on_the_overview_in_its_language(client, roadmap_data):
    client.force_login(make_user(username="steward-fr", staff=True))

    response = client.post("/fr/accounts/logout/")

    assert (response.status_code, response["Location"]) == (302, "/fr/")


# Data stays English --------------------------------------------------------------------


DATA = [
    "/?format=json",
    f"{DASHBOARD}?format=json",
    f"{DASHBOARD}?format=json&as_of=2025-06-30",
    "/sectors/mobility/milestones/?format=csv",
    "/sectors/mobility/milestones/?format=json&status=achieved",
    "/milestones/MOB-1.1/?format=json",
    "/stakeholders/industry/?format=csv",
    "/stakeholders/industry/?format=json",
    "/indicators/?format=csv",
    "/indicators/?format=json",
    "/minerals/?format=json",
    "/search/?q=battery&format=json",
    "/data/?format=csv",
    "/data/?format=json",
    # Errors in data are data too: English, as the unprefixed ones.
    f"{DASHBOARD}?format=json&as_of=2025-02-30",
    "/sectors/mobility/milestones/?format=json&status=lost",
]


@pytest.mark.parametrize("path", DATA)
def test_i18n_data_of_a_prefixed_page_is_byte_for_byte_the_english_one(
    client, roadmap_data, pseudo, path
):
    english = client.get(path)

    for language in ("es", "fr", "pt", "de"):
        translated = client.get(f"/{language}{path}")
        assert translated.status_code == english.status_code
        assert translated.content == english.content
        assert translated["Content-Type"] == english["Content-Type"]
        assert translated["Content-Language"] == "en"
    assert b"[es]" not in english.content


def test_i18n_text_search_of_data_reads_the_page_language_and_answers_in_english(
    client, roadmap_data, pseudo
):
    Milestone.objects.filter(code="MOB-1.2").update(title_es="Pasaporte de baterías")
    list_json = "/sectors/mobility/milestones/?q=pasaporte&format=json"

    spanish = client.get("/es" + list_json).json()
    english = client.get(list_json).json()
    page = client.get("/es/sectors/mobility/milestones/?q=pasaporte").content.decode()
    found = client.get("/es/search/?q=pasaporte&format=json").json()

    # The Spanish list and its JSON hold the same row, written in English.
    assert (spanish["count"], spanish["results"][0]["title"]) == (1, "Battery passport")
    assert english["count"] == 0
    assert "Pasaporte de baterías" in page
    assert [(r["code"], r["title"], r["url"]) for r in found["results"]["milestones"]] == [
        ("MOB-1.2", "Battery passport", "/milestones/MOB-1.2/")
    ]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/es/methodology/?format=json", 200),  # a page without data: format ignored
        ("/es/search/?q=a&format=csv", 400),  # a format this page has not: the page says so
        ("/es/search/?q=a&format=json&format=json", 400),  # twice: ambiguous
    ],
)
def test_i18n_a_page_not_answering_with_data_stays_in_its_language(
    client, roadmap_data, pseudo, path, status
):
    response = client.get(path)

    assert (response.status_code, html_lang(response), response["Content-Language"]) == (
        status,
        "es",
        "es",
    )
    assert "[es] Overview" in response.content.decode()


def test_i18n_data_not_found_is_english_and_names_the_address_asked_for(
    client, roadmap_data, pseudo
):
    english = client.get("/sectors/atlantis/?format=json")
    spanish = client.get("/es/sectors/atlantis/?format=json")

    assert (english.status_code, spanish.status_code) == (404, 404)
    assert spanish.json() == {
        "errors": {
            "path": [
                "Nothing at /es/sectors/atlantis/: no such sector, milestone, group or indicator."
            ]
        }
    }
    assert english.json()["errors"]["path"] == [
        "Nothing at /sectors/atlantis/: no such sector, milestone, group or indicator."
    ]


def test_i18n_returned_proposal_email_is_english_from_any_page(
    client, settings, pseudo, sector_a, steward_a, milestone_a
):
    settings.SITE_URL = "https://tracker.example.org"
    sector_a.review_required = True
    sector_a.save()
    steward_a.email = "ines@example.org"
    steward_a.save()
    proposal = propose_status_change(
        milestone=milestone_a,
        status="in_progress",
        note="Pilots running.",
        proposer=steward_a,
        expected_version=milestone_a.version,
    )
    client.force_login(make_steward(sector=sector_a, username="jonas"))

    response = client.post(f"/es/staff/proposals/{proposal.pk}/return/", {"comment": "Link it."})

    assert (response.status_code, response["Location"]) == (302, "/es/staff/")
    [message] = mail.outbox
    assert message.subject == "Your proposal for A-1.1 was returned"
    assert "https://tracker.example.org/staff/milestones/A-1.1/update/" in message.body
    assert "[es]" not in message.body


def test_i18n_pseudo_translations_reach_the_pages(client, roadmap_data, pseudo):
    """The data test above would prove nothing if nothing were translated."""
    page = client.get("/es" + DASHBOARD).content.decode()

    assert '<a href="/es/">[es] Overview</a>' in page
    assert "[es] How the roadmap is doing" in page


# The switcher and the alternates --------------------------------------------------------


def test_i18n_switcher_links_the_same_page_and_query_in_every_language(client, roadmap_data):
    response = client.get("/fr/sectors/mobility/milestones/?status=achieved&q=battery")

    found = links(response)
    assert found.navs == [{"class": "language-switcher", "aria-label": "Langue"}]
    query = "?q=battery&status=achieved"
    assert found.switcher == [
        {
            "href": f"{PREFIXES[code]}/sectors/mobility/milestones/{query}",
            "hreflang": code,
            "lang": code,
            **({"aria-current": "true"} if code == "fr" else {}),
        }
        for code in LANGUAGES
    ]
    names = re.findall(
        r'lang="(\w\w)"(?: aria-current="true")?>([^<]+)</a>', response.content.decode()
    )
    assert names == list(NAMES.items())


def test_i18n_switcher_leaves_out_parameters_the_page_ignores(client, roadmap_data):
    plain = client.get("/de" + DASHBOARD + "?as_of=2025-06-30")
    tagged = client.get("/de" + DASHBOARD + "?utm_source=newsletter&as_of=2025-06-30&format=")

    assert [link["href"] for link in links(tagged).switcher] == [
        f"{PREFIXES[code]}{DASHBOARD}?as_of=2025-06-30" for code in LANGUAGES
    ]
    assert tagged.content == plain.content


@pytest.mark.parametrize(
    "query",
    ['q="><script>alert(1)</script>', "q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E"],
)
def test_i18n_switcher_escapes_a_hostile_query_string(client, roadmap_data, query):
    response = client.get(f"/es/search/?{query}")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)" not in page
    encoded = "q=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E"
    assert [link["href"] for link in links(response).switcher] == [
        f"{PREFIXES[code]}/search/?{encoded}" for code in LANGUAGES
    ]
    assert f'href="/de/search/?{encoded}"' in page


def test_i18n_switcher_escapes_a_hostile_parameter_name(client, roadmap_data):
    response = client.get('/es/search/?"><img src=x onerror=alert(1)>=1&q=a')

    page = response.content.decode()
    assert "<img src=x" not in page
    assert links(response).switcher[1]["href"] == (
        "/es/search/?%22%3E%3Cimg+src=x+onerror%3Dalert%281%29%3E%3D1&q=a"
    )


@pytest.mark.parametrize("path", ["/es/sectors/atlantis/?q=%3Cb%3E", '/es/nowhere/"><b>x</b>/'])
def test_i18n_error_page_links_each_language_overview_without_echoing_the_address(
    client, roadmap_data, path
):
    response = client.get(path)

    found = links(response)
    assert response.status_code == 404
    assert html_lang(response) == "es"
    assert [link["href"] for link in found.switcher] == ["/", "/es/", "/fr/", "/pt/", "/de/"]
    assert found.alternates == []
    assert "atlantis" not in response.content.decode()
    assert "nowhere" not in response.content.decode()


def test_i18n_standalone_error_page_is_in_the_request_language(roadmap_data):
    with translation.override("pt"):
        response = database_unavailable()

    page = response.content.decode()
    assert response.status_code == 503
    assert '<html lang="pt">' in page
    assert '<a class="brand" href="/pt/">' in page
    assert re.findall(r'<li><a href="([^"]*)" hreflang="(\w\w)"', page) == [
        ("/", "en"),
        ("/es/", "es"),
        ("/fr/", "fr"),
        ("/pt/", "pt"),
        ("/de/", "de"),
    ]


@pytest.mark.parametrize("path", ["/", f"{DASHBOARD}?as_of=2025-06-30", "/search/?q=lithium"])
def test_i18n_every_page_lists_its_alternates_and_x_default(client, roadmap_data, path):
    expected = [
        *((code, f"http://testserver{PREFIXES[code]}{path}") for code in LANGUAGES),
        ("x-default", f"http://testserver{path}"),
    ]

    for language in LANGUAGES:
        assert links(client.get(PREFIXES[language] + path)).alternates == expected


# Page cache and ETags ----------------------------------------------------------------------


@pytest.fixture(params=["local-memory", "redis"])
def page_cache(request, settings):
    """The page cache on, in local memory (the default) and in Redis."""
    settings.PAGE_CACHE_ENABLED = True
    if request.param == "redis":
        redis = pytest.importorskip("redis")
        location = redis_url(14)
        try:
            redis.Redis.from_url(location).ping()
        except redis.exceptions.ConnectionError:
            pytest.skip("Redis is not running on 127.0.0.1:6379")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": location,
                "KEY_PREFIX": "test-i18n",
            }
        }
    cache.clear()
    yield request.param
    cache.clear()


def test_i18n_cached_pages_are_never_served_in_another_language(
    client, roadmap_data, pseudo, page_cache, django_assert_num_queries
):
    rendered = {code: client.get(PREFIXES[code] + DASHBOARD) for code in LANGUAGES}

    for code in LANGUAGES:
        with django_assert_num_queries(1):  # the data version: served from the cache
            again = client.get(PREFIXES[code] + DASHBOARD)
        assert again.content == rendered[code].content
        assert (html_lang(again), again["Content-Language"]) == (code, code)
    assert "[es] How the roadmap is doing" in rendered["es"].content.decode()
    assert "[es]" not in rendered["en"].content.decode()
    assert len({response["ETag"] for response in rendered.values()}) == 5


def test_i18n_an_etag_validates_its_own_language_only(client, roadmap_data, pseudo, page_cache):
    english = client.get(DASHBOARD)
    etag = english["ETag"]

    same = client.get(DASHBOARD, headers={"if-none-match": etag})
    german = client.get("/de" + DASHBOARD, headers={"if-none-match": etag})

    assert same.status_code == 304
    assert german.status_code == 200
    assert html_lang(german) == "de"
    assert german["ETag"] != etag


def test_i18n_cached_data_variant_stays_english(client, roadmap_data, pseudo, page_cache):
    first = client.get(f"/es{DASHBOARD}?format=json")
    again = client.get(f"/es{DASHBOARD}?format=json")
    english = client.get(f"{DASHBOARD}?format=json")

    assert first.content == again.content == english.content
    assert again["Content-Language"] == "en"


def test_i18n_page_key_names_the_language():
    request = RequestFactory().get(DASHBOARD)
    version, changed_at = current_data_version()

    keys = set()
    for code in LANGUAGES:
        with translation.override(code):
            keys.add(page_key(request, version, changed_at, ""))

    assert len(keys) == 5


# Dates and numbers in the reader's locale ---------------------------------------------------


class _SvgNumbers(HTMLParser):
    """Every attribute value inside the page's <svg> elements."""

    def __init__(self):
        super().__init__()
        self.depth, self.values = 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self.depth += 1
        if self.depth:
            self.values.extend((tag, name, value or "") for name, value in attrs)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "svg":
            self.depth -= 1

    def handle_endtag(self, tag):
        if tag == "svg":
            self.depth -= 1


NUMBER = r"-?\d+(?:\.\d+)?"


def _plain_numbers(name: str, value: str) -> bool:
    """SVG numbers as SVG reads them: a dot for decimals; commas only between the x and y of
    a point (`points`, `d`)."""
    if name == "points":
        return all(re.fullmatch(f"{NUMBER},{NUMBER}", pair) for pair in value.split())
    if name == "d":
        return all(
            re.fullmatch(f"{NUMBER}(?:,{NUMBER})?", token)
            for token in re.split(r"[\sA-Za-z]+", value)
            if token
        )
    return "," not in value


def test_i18n_german_dashboard_shows_german_dates_and_numbers_and_plain_svg(client, roadmap_data):
    response = client.get("/de" + DASHBOARD + "?as_of=2025-06-30")

    page = response.content.decode()
    # 1 of 2 milestones due by then is achieved: 50 %, and 1 of 3 counted: 33,3 %.
    assert "30. Juni 2025" in page
    assert '<time datetime="2030-12-31">31.12.2030</time>' in page
    assert "33,3\u00a0%" in page
    assert "33.3%" not in page
    parser = _SvgNumbers()
    parser.feed(page)
    numeric = [(tag, name, value) for tag, name, value in parser.values if re.search(r"\d", value)]
    assert len(numeric) > 50
    assert [item for item in numeric if not _plain_numbers(item[1], item[2])] == []
    assert re.search(r'<rect class="bar-actual" x="0" y="0" width="33\.33" height="12"/>', page)


def test_i18n_english_dashboard_keeps_iso_dates_and_dotted_numbers(client, roadmap_data):
    page = client.get(DASHBOARD + "?as_of=2025-06-30").content.decode()

    assert '<time datetime="2030-12-31">2030-12-31</time>' in page
    assert "33.3%" in page
    assert "as of 2025-06-30" in page
