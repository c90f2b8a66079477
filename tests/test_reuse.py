"""Badges, embeds and the printable report (reuse/): content, content types, caching, framing
headers per path, bad input."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resourcing.lib.dates import today
from tests.query_counts import expected, first_request_queries
from tests.reuse_data import AS_OF, make_reuse_data
from tests.test_dashboards import PAST_PROGRESS_QUERIES

NEW_YEAR = int(today().timetuple().tm_yday == 1)

SVG_NS = "{http://www.w3.org/2000/svg}"
SVG = "image/svg+xml; charset=utf-8"


@pytest.fixture
def mobility(db):
    return make_reuse_data()


def _svg(response):
    root = ET.fromstring(response.content)  # noqa: S314 (the app's own response)
    return {
        "root": root,
        "title": root.find(f"{SVG_NS}title").text,
        "texts": [text.text for text in root.iter(f"{SVG_NS}text")],
    }


def _csp(response) -> dict:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


# Badges


def test_sector_badge_says_the_classification_in_words_and_numbers(client, mobility):
    response = client.get(f"/sectors/mobility/badge.svg?as_of={AS_OF}")

    assert response.status_code == 200
    assert response["Content-Type"] == SVG
    svg = _svg(response)
    assert svg["root"].get("role") == "img"
    assert svg["root"].get("aria-labelledby") == "badge-title"
    assert svg["texts"] == ["Mobility roadmap", "✕ Off track · 25.0% achieved"]
    assert svg["title"] == (
        "Mobility roadmap: Off track. 1 of 4 milestones achieved (25.0%), 50.0% expected by "
        "2025-06-30; 1 overdue."
    )
    # Text, not paths: readable and sharp at any zoom; sized in px of its own viewBox.
    assert svg["root"].findall(f".//{SVG_NS}path") == []
    assert svg["root"].get("height") == "24"
    assert svg["root"].get("viewBox") == f"0 0 {svg['root'].get('width')} 24"


def test_sector_badge_of_today(client, mobility):
    svg = _svg(client.get("/sectors/mobility/badge.svg"))

    # Today (2026 or later): MOB-1.1 achieved, MOB-1.2 overdue; 2 of 4 due.
    assert svg["texts"][1] == "✕ Off track · 25.0% achieved"


@pytest.mark.parametrize(
    ("code", "value", "title"),
    [
        (
            "MOB-1.2",
            "▲ At risk · overdue since 2025-03-31",
            "Milestone MOB-1.2, Battery passport: At risk · overdue since 2025-03-31 "
            "(as of 2025-06-30).",
        ),
        (
            "MOB-2.1",
            "■ In progress · due 2030-12-31",
            "Milestone MOB-2.1, Recycled content quota: In progress · due 2030-12-31 "
            "(as of 2025-06-30).",
        ),
    ],
)
def test_milestone_badge_says_the_status_and_the_due_date(client, mobility, code, value, title):
    response = client.get(f"/milestones/{code}/badge.svg?as_of={AS_OF}")

    assert response["Content-Type"] == SVG
    svg = _svg(response)
    assert svg["texts"] == [code, value]
    assert svg["title"] == title


def test_milestone_badge_travels_back_in_time(client, mobility):
    svg = _svg(client.get("/milestones/MOB-1.1/badge.svg?as_of=2024-06-30"))

    assert svg["texts"] == ["MOB-1.1", "■ In progress · due 2024-12-31"]


def test_indicator_badge_says_the_category_and_the_latest_value(client, mobility):
    response = client.get(f"/indicators/MOB-RES/badge.svg?as_of={AS_OF}")

    svg = _svg(response)
    assert svg["texts"] == ["MOB-RES", "● On track · 16 % (2023)"]
    assert svg["title"] == (
        "Indicator MOB-RES, Renewable share: On track · 16 % (2023) (as of 2025-06-30)."
    )


def test_badge_text_is_escaped(client, mobility):
    from roadmaps.models import Milestone

    Milestone.objects.filter(code="MOB-2.1").update(title='<script>"x" & y</script>')

    response = client.get("/milestones/MOB-2.1/badge.svg")

    assert b"<script>" not in response.content
    assert _svg(response)["title"].startswith('Milestone MOB-2.1, <script>"x" & y</script>:')


@pytest.mark.parametrize(
    "path",
    ["/sectors/atlantis/badge.svg", "/milestones/NOPE-1/badge.svg", "/indicators/NOPE/badge.svg"],
)
def test_badge_of_an_unknown_sector_or_code_is_a_404_badge(client, db, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == SVG
    assert _svg(response)["texts"][1] == "not found"


def test_badge_at_an_address_no_code_can_have_is_a_404_badge(client, db):
    response = client.get("/milestones/a%20b/badge.svg")

    assert response.status_code == 404
    assert response["Content-Type"] == SVG
    assert _svg(response)["texts"] == ["badge", "not found"]


def test_badge_refuses_parameters_it_does_not_take(client, mobility):
    response = client.get("/sectors/mobility/badge.svg?style=flat&format=json")

    assert response.status_code == 400
    assert response["Content-Type"] == SVG
    assert _svg(response)["texts"] == [
        "roadmap",
        "format: This address takes no parameter format, style (only as_of).; "
        "style: This address takes no parameter format, style (only as_of).",
    ]


def test_badge_refuses_a_bad_as_of(client, mobility):
    response = client.get("/milestones/MOB-1.1/badge.svg?as_of=2025-13-01")

    assert response.status_code == 400
    assert _svg(response)["texts"] == ["milestone", "as_of: as_of is not a real date."]


def test_badge_answers_304_and_is_cached_like_every_public_page(client, mobility):
    first = client.get("/sectors/mobility/badge.svg")
    etag = first["ETag"]

    with CaptureQueriesContext(connection) as cached_queries:
        cached = client.get("/sectors/mobility/badge.svg")
    not_modified = client.get("/sectors/mobility/badge.svg", HTTP_IF_NONE_MATCH=etag)

    assert first["Cache-Control"] == "no-cache"
    assert cached.content == first.content
    assert cached["Content-Type"] == SVG
    assert cached["ETag"] == etag
    # Served from the page cache: no page read ran (at most the data version is read).
    assert [q["sql"] for q in cached_queries if "roadmaps_" in q["sql"]] == []
    assert not_modified.status_code == 304
    assert not_modified.content == b""


def test_badge_reads_the_dashboard_page_read_and_nothing_more(client, mobility):
    """Queries: data version, then sector_dashboard_page(details=False)'s: sector, roadmap,
    sector progress, targets, progress by target, slippage. The same with ten times the
    data."""
    from django.core.cache import cache

    counts = []
    for more in (False, True):
        if more:
            for n in range(9):
                make_reuse_data(prefix=f"X{n}", slug=f"x-{n}", name=f"X{n}", order=n + 2)
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/sectors/mobility/badge.svg?as_of={AS_OF}")
        counts.append(len(queries))
    assert counts == [6, 6]


# Embeds


def test_sector_embed_is_a_compact_view_linking_back(client, mobility):
    response = client.get(f"/embed/sectors/mobility/?as_of={AS_OF}")

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "<h1>Mobility roadmap progress</h1>" in html
    assert 'class="site-header"' not in html
    assert 'class="site-footer"' not in html
    assert "<script" not in html
    assert "<form" not in html
    assert re.findall(r'<a href="([^"]+)" target="_top">', html) == [
        "http://testserver/sectors/mobility/?as_of=2025-06-30"
    ]
    assert re.findall(r"<tr><th scope=\"row\">([^<]+)</th>", html) == [
        "MOB-1: Sourcing",
        "MOB-2: Fair work",
    ]
    assert '<dd data-count="achieved">1</dd>' in html
    assert '<dd data-count="counted">4</dd>' in html


def test_indicator_embed_shows_the_category_and_values(client, mobility):
    response = client.get(f"/embed/indicators/MOB-RES/?as_of={AS_OF}")

    html = response.content.decode()
    assert "<h1>MOB-RES: Renewable share</h1>" in html
    assert "On track" in html
    assert "<dd>16 % (2023)</dd>" in html
    assert "<dd>30 % (2030)</dd>" in html
    assert re.findall(r'<a href="([^"]+)" target="_top">', html) == [
        "http://testserver/indicators/MOB-RES/?as_of=2025-06-30"
    ]


@pytest.mark.parametrize("path", ["/embed/sectors/mobility/", "/embed/indicators/MOB-RES/"])
def test_embed_sets_no_cookie_and_may_be_framed_by_any_site(client, mobility, path):
    first = client.get(path)
    cached = client.get(path)
    not_modified = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])

    for response in (first, cached, not_modified):
        assert response.cookies == {}
        assert "X-Frame-Options" not in response
        assert _csp(response)["frame-ancestors"] == "*"
        # Only framing is relaxed: the rest of the policy stays strict.
        assert _csp(response)["script-src"] == "'self'"
    assert cached.content == first.content
    assert not_modified.status_code == 304


def test_embed_keeps_cookies_untouched_for_a_signed_in_visitor(client, mobility, admin_user):
    client.force_login(admin_user)

    response = client.get("/embed/sectors/mobility/")

    assert response.cookies == {}
    assert "ETag" not in response  # personal: never the page cache's


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/sectors/mobility/",
        "/sectors/mobility/report/",
        "/milestones/MOB-1.1/",
        "/indicators/MOB-RES/",
        "/sectors/mobility/badge.svg",
        "/api/",
        "/api/openapi.json",
        "/data/",
    ],
)
def test_every_other_page_refuses_framing(client, mobility, path):
    first = client.get(path)
    not_modified = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200
    assert first["X-Frame-Options"] == "DENY"
    assert _csp(first)["frame-ancestors"] == "'none'"
    assert not_modified.status_code == 304
    assert _csp(not_modified)["frame-ancestors"] == "'none'"


def test_embed_refuses_parameters_it_does_not_take(client, mobility):
    response = client.get("/embed/sectors/mobility/?theme=social")

    assert response.status_code == 400
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "<li><code>theme</code>: This address takes no parameter theme (only as_of).</li>" in (
        response.content.decode()
    )
    assert _csp(response)["frame-ancestors"] == "*"


@pytest.mark.parametrize("path", ["/embed/sectors/atlantis/", "/embed/indicators/NOPE/"])
def test_embed_of_an_unknown_sector_or_indicator_is_a_404(client, db, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_embed_csp_goes_through_django_csp(rf, settings):
    """The embed's csp_replace is django-csp's own: SiteWideCSPMiddleware hands the response
    to CSPMiddleware, which writes the same header as it would alone."""
    from csp.middleware import CSPMiddleware

    from resourcing.middleware import SiteWideCSPMiddleware
    from reuse.views import framable_by_any_site

    def view(request):
        from django.http import HttpResponse

        return HttpResponse("embed")

    framed = framable_by_any_site(view)
    headers = []
    for middleware_class in (SiteWideCSPMiddleware, CSPMiddleware):
        middleware = middleware_class(framed)
        request = rf.get("/embed/x/", HTTP_COOKIE="sessionid=x")  # no page cache
        headers.append(middleware(request)["Content-Security-Policy"])
    assert headers[0] == headers[1]
    assert "frame-ancestors *" in headers[0]


# The "Use this" panels


def test_sector_dashboard_offers_badge_and_embed_snippets(client, mobility):
    html = client.get("/sectors/mobility/").content.decode()

    alt = "Mobility: status badge from the RE-SOURCING Roadmap Tracker"
    assert (
        f"[![{alt}](http://testserver/sectors/mobility/badge.svg)]"
        "(http://testserver/sectors/mobility/)"
    ) in html
    assert (
        "&lt;a href=&quot;http://testserver/sectors/mobility/&quot;&gt;&lt;img "
        "src=&quot;http://testserver/sectors/mobility/badge.svg&quot; "
        f"alt=&quot;{alt}&quot;&gt;&lt;/a&gt;"
    ) in html
    assert (
        "&lt;iframe src=&quot;http://testserver/embed/sectors/mobility/&quot; "
        "title=&quot;Mobility on the RE-SOURCING Roadmap Tracker&quot;"
    ) in html
    assert '<a href="/sectors/mobility/report/">Printable report (A4)</a>' in html


def test_milestone_page_offers_badge_snippets_only(client, mobility):
    html = client.get("/milestones/MOB-1.1/").content.decode()

    assert "(http://testserver/milestones/MOB-1.1/badge.svg)" in html
    assert "iframe" not in html


def test_indicator_page_offers_badge_and_embed_snippets(client, mobility):
    html = client.get("/indicators/MOB-RES/").content.decode()

    assert "(http://testserver/indicators/MOB-RES/badge.svg)" in html
    assert "&lt;iframe src=&quot;http://testserver/embed/indicators/MOB-RES/&quot;" in html


def test_snippets_use_the_host_the_request_came_to(client, mobility, settings):
    settings.ALLOWED_HOSTS = ["tracker.example.org"]

    html = client.get("/sectors/mobility/", HTTP_HOST="tracker.example.org").content.decode()

    assert "(http://tracker.example.org/sectors/mobility/badge.svg)" in html


# The printable report


def test_sector_report_has_every_part(client, mobility):
    response = client.get(f"/sectors/mobility/report/?as_of={AS_OF}")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Mobility roadmap: progress report</h1>" in html
    assert '<time datetime="2025-06-30">2025-06-30</time> (UTC), from the update history.' in html
    assert re.findall(r"<h2 id=\"[a-z-]+\">([^<]+)</h2>", html) == [
        "Verdict",
        "Progress over time",
        "Targets",
        "Re-dated milestones",
        "Overdue milestones",
        "Indicators",
        "Sources and licence",
    ]
    assert "Off track" in html
    over_time = html.split('class="stack report-over-time"')[1].split("</table>")[0]
    rows = [
        re.sub(r"<[^>]+>", "", row).split()
        for row in re.findall(r"<tr>(.*?)</tr>", over_time, re.S)[1:]
    ]
    # As of each day: counted, due, achieved, overdue, shares, verdict (MOB-1.1 achieved on
    # 2024-07-01, due 2024-12-31; MOB-1.2 due 2025-03-31).
    assert [row[:7] for row in rows] == [
        ["2020-12-31", "4", "0", "0", "0", "0.0%", "0.0%"],
        ["2021-12-31", "4", "0", "0", "0", "0.0%", "0.0%"],
        ["2022-12-31", "4", "0", "0", "0", "0.0%", "0.0%"],
        ["2023-12-31", "4", "0", "0", "0", "0.0%", "0.0%"],
        ["2024-12-31", "4", "1", "1", "0", "25.0%", "25.0%"],
        ["2025-06-30", "4", "2", "1", "1", "25.0%", "50.0%"],
    ]
    assert [" ".join(row[8:]) for row in rows] == ["On track"] * 4 + ["On track", "Off track"]
    assert (
        '<p class="basis">2 milestones due, 1 achieved (of 4 counted); due by source: 0 EU law, '
        "2 roadmap, 0 illustrative.</p>"
    ) in html
    basis = html.split('class="stack report-basis"')[1].split("</table>")[0]
    assert [
        re.sub(r"<[^>]+>", " ", row).split() for row in re.findall(r"<tr>(.*?)</tr>", basis, re.S)
    ][1:] == [
        ["RE-SOURCING", "roadmap", "4", "2", "1"],
        ["EU", "law", "0", "0", "0"],
        ["Illustrative", "placeholder", "0", "0", "0"],
    ]
    redated = html.split('id="redated-title"')[1].split("</section>")[0]
    assert (
        "Deadlines moved: 1 milestone re-dated, total slip +24 months, median +24 months."
    ) in redated
    assert [
        re.sub(r"<[^>]+>", " ", row).split() for row in re.findall(r"<tr>(.*?)</tr>", redated, re.S)
    ][1:] == [
        [
            "MOB-2.1",
            "Recycled",
            "content",
            "quota",
            "2028-12-31",
            "2030-12-31",
            "+24",
            "months",
            "■",
            "In",
            "progress",
        ]
    ]
    overdue = html.split('id="overdue-title"')[1].split("</section>")[0]
    assert re.findall(r">(MOB-\d\.\d)</a>", overdue) == ["MOB-1.2"]
    targets = html.split('id="targets-title"')[1].split("</section>")[0]
    assert re.findall(r"<th scope=\"row\"[^>]*>([^<]+)</th>", targets) == [
        "MOB-1: Sourcing",
        "MOB-2: Fair work",
    ]
    assert ">Renewable share</a>" in html
    assert '<a href="https://example.org/roadmap">Roadmap 2050</a>' in html
    assert 'rel="license">Creative Commons Attribution 4.0 International (CC BY 4.0)</a>' in html
    from roadmaps.open_data_views import ATTRIBUTION

    assert f'<blockquote class="attribution"><p>{ATTRIBUTION}</p></blockquote>' in html


def test_sector_report_lists_every_overdue_milestone(client, mobility):
    from roadmaps.pages import OVERDUE_LIMIT
    from tests.factories import make_milestone

    target = mobility.roadmaps.get().targets.get(code="MOB-1")
    for n in range(OVERDUE_LIMIT + 1):
        make_milestone(target=target, code=f"MOB-1.{n + 10}", due_date="2024-01-31")

    html = client.get(f"/sectors/mobility/report/?as_of={AS_OF}").content.decode()

    overdue = html.split('id="overdue-title"')[1].split("</section>")[0]
    assert len(re.findall(r">(MOB-\d\.\d+)</a>", overdue)) == OVERDUE_LIMIT + 2


def test_report_is_laid_out_for_a4(client, db):
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/site.css")).read_text(encoding="utf-8")

    assert "@page { size: A4;" in css


def test_sector_report_refuses_a_bad_as_of_and_an_unknown_sector(client, mobility):
    assert client.get("/sectors/mobility/report/?as_of=tomorrow").status_code == 400
    assert client.get("/sectors/atlantis/report/").status_code == 404


# The reuse pages' queries, the same at 1x and 10x the data.
REUSE_QUERY_COUNTS = [
    # data version; sector, roadmap, progress by target (the sector's is their sum),
    # targets, slippage
    ("/embed/sectors/mobility/", 6),
    # data version; indicator, its measurements, its sectors
    ("/embed/indicators/MOB-RES/", 4),
    # data version; milestone with target and sector, its groups, its history
    ("/milestones/MOB-1.1/badge.svg", 4),
    ("/indicators/MOB-RES/badge.svg", 4),
    # data version; the dashboard's 17 (sector, roadmap, targets, progress by target (the
    # sector's and each theme's are its sums), slippage, status counts, timeline, overdue,
    # groups, progress by group, indicators, measurements, the sector's targets they
    # measure, minerals, stages, progress by stage, milestones placed by stage), its first
    # screen's at-risk and next due, the reviewed count (21 so far) and its progress over
    # time (PAST_PROGRESS_QUERIES for every period_ends); every overdue milestone; the
    # re-dated ones; progress at every one of report_days (the year ends since 2020, just
    # stored with the dashboard's quarters, and the day, known: one query; one more on 1
    # January, when last year's end is still too recent to be stored)
    ("/sectors/mobility/report/", 21 + PAST_PROGRESS_QUERIES + 1 + 1 + 1 + NEW_YEAR),
]


def test_reuse_pages_make_a_fixed_number_of_queries(client, mobility):
    """Each page of REUSE_QUERY_COUNTS counted as the first request after the data
    (tests.query_counts), before and after 9 more sectors' data and 10 overdue milestones."""
    from tests.factories import make_history, make_milestone

    paths = [path for path, _n in REUSE_QUERY_COUNTS]
    small = first_request_queries(client, paths)
    for n in range(9):
        make_reuse_data(prefix=f"X{n}", slug=f"x-{n}", name=f"X{n}", order=n + 2)
    target = mobility.roadmaps.get().targets.get(code="MOB-1")
    for n in range(10):
        overdue = make_milestone(target=target, code=f"MOB-1.{n + 10}", due_date="2024-01-31")
        make_history(overdue, ("not_started", "in_progress", "2024-01-01"))
    large = first_request_queries(client, paths)

    assert small == expected(REUSE_QUERY_COUNTS)
    assert large == expected(REUSE_QUERY_COUNTS)
