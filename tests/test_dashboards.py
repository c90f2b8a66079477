"""Overview, sector dashboard and milestone page: exact numbers now and as of a past day,
bad input, 404s, sessions and query counts."""

import csv
import datetime
import io
import re

import pytest
from django.core.management import call_command

from resourcing.lib.dates import today
from roadmaps.models import Provenance, Status
from tests.factories import (
    counted_once,
    make_group,
    make_history,
    make_milestone,
    make_roadmap,
    make_sector,
    make_target,
    make_theme,
)
from tests.query_counts import at_1x_and_10x, dated, expected

pytestmark = pytest.mark.django_db

PAST = datetime.date(2025, 6, 30)


@pytest.fixture
def dataset():
    """A hand-built sector, as of PAST:

    MOB-1.1 due 2024-12-31, achieved on 2024-06-01           -> achieved
    MOB-1.2 due 2025-03-31, achieved only on 2026-01-10      -> in progress, overdue
    MOB-1.3 due 2024-06-30, discontinued on 2025-01-01       -> counts nowhere
    MOB-2.1 due 2030-12-31, not started                      -> not yet due
    MOB-2.2 due 2028-12-31, in progress, illustrative        -> not yet due
    So: counted 4, achieved 1, due 2, overdue 1, actual 0.25, expected 0.5 -> off track.
    Today (2026 or later): achieved 2 of 4, due 2 -> on track.
    """
    policy = make_group(slug="policy-makers", name="Policy makers", order=1)
    industry = make_group(slug="industry", name="Industry", order=2)
    make_group(slug="civil-society", name="Civil society", order=3)
    environment = make_theme(slug="environment", name="Environment", order=1)
    social = make_theme(slug="social", name="Social", order=2)
    sector = make_sector(slug="mobility", name="Mobility", order=1)
    roadmap = make_roadmap(sector=sector, vision="Clean <mobility> by 2050.")
    first = make_target(roadmap=roadmap, theme=environment, code="MOB-1", title="Cleaner supply")
    second = make_target(roadmap=roadmap, theme=social, code="MOB-2", title="Fair work")
    m11 = make_milestone(
        target=first,
        code="MOB-1.1",
        due_date=datetime.date(2024, 12, 31),
        status=Status.ACHIEVED,
        groups=[policy],
        title="Due diligence law",
    )
    make_history(m11, (Status.NOT_STARTED, Status.ACHIEVED, "2024-06-01", "Adopted"))
    m12 = make_milestone(
        target=first,
        code="MOB-1.2",
        due_date=datetime.date(2025, 3, 31),
        status=Status.ACHIEVED,
        groups=[policy, industry],
        title="Battery passport",
    )
    make_history(
        m12,
        (Status.NOT_STARTED, Status.IN_PROGRESS, "2024-01-15", "Started"),
        (Status.IN_PROGRESS, Status.ACHIEVED, "2026-01-10", "Done late"),
    )
    m13 = make_milestone(
        target=first,
        code="MOB-1.3",
        due_date=datetime.date(2024, 6, 30),
        status=Status.DISCONTINUED,
        title="Dropped idea",
    )
    make_history(m13, (Status.AT_RISK, Status.DISCONTINUED, "2025-01-01", "Dropped"))
    make_milestone(
        target=second,
        code="MOB-2.1",
        due_date=datetime.date(2030, 12, 31),
        status=Status.NOT_STARTED,
        groups=[industry],
        title="Recycling quota",
    )
    make_milestone(
        target=second,
        code="MOB-2.2",
        due_date=datetime.date(2028, 12, 31),
        status=Status.IN_PROGRESS,
        provenance=Provenance.ILLUSTRATIVE,
        title="Worker councils",
    )
    return sector


def _basis(counted=(0, 0, 0), due=(0, 0, 0), achieved=(0, 0, 0), project_events=0) -> dict:
    """The progress block's basis: each measure as (roadmap, eu-law, illustrative)."""

    def by_provenance(counts):
        return dict(zip(("roadmap", "eu-law", "illustrative"), counts, strict=True))

    return {
        "counted": by_provenance(counted),
        "due": by_provenance(due),
        "achieved": by_provenance(achieved),
        "project_events_excluded": project_events,
    }


PAST_PROGRESS = {
    "counted": 4,
    "achieved": 1,
    "due": 2,
    "overdue": 1,
    "actual": 0.25,
    "expected": 0.5,
    "classification": "off_track",
    # MOB-2.2 is the one illustrative row; the rest are roadmap rows (the factory's default).
    "basis": _basis(counted=(3, 0, 1), due=(2, 0, 0), achieved=(1, 0, 0)),
}
TODAY_PROGRESS = {
    "counted": 4,
    "achieved": 2,
    "due": 2,
    "overdue": 0,
    "actual": 0.5,
    "expected": 0.5,
    "classification": "on_track",
    "basis": _basis(counted=(3, 0, 1), due=(2, 0, 0), achieved=(2, 0, 0)),
}


def _section(html: str, heading_id: str) -> str:
    match = re.search(rf'<section aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', html, re.S)
    assert match, heading_id
    return match.group(1)


def _counts(html: str) -> dict:
    return {key: int(value) for key, value in re.findall(r'data-count="(\w+)">(\d+)<', html)}


# Hand-built dataset: HTML, JSON and CSV agree on the exact numbers.


def test_sector_dashboard_json_as_of_past_day_gives_exact_progress(client, dataset):
    response = client.get("/sectors/mobility/", {"as_of": "2025-06-30", "format": "json"})

    assert response.status_code == 200
    assert response.json() == {
        "sector": "mobility",
        "as_of": "2025-06-30",
        "progress": PAST_PROGRESS,
        "targets": [
            {
                "code": "MOB-1",
                "title": "Cleaner supply",
                "theme": "environment",
                "target_year": 2050,
                "progress": {
                    "counted": 2,
                    "achieved": 1,
                    "due": 2,
                    "overdue": 1,
                    "actual": 0.5,
                    "expected": 1.0,
                    "classification": "off_track",
                    "basis": _basis(counted=(2, 0, 0), due=(2, 0, 0), achieved=(1, 0, 0)),
                },
            },
            {
                "code": "MOB-2",
                "title": "Fair work",
                "theme": "social",
                "target_year": 2050,
                "progress": {
                    "counted": 2,
                    "achieved": 0,
                    "due": 0,
                    "overdue": 0,
                    "actual": 0.0,
                    "expected": 0.0,
                    "classification": "on_track",
                    "basis": _basis(counted=(1, 0, 1)),
                },
            },
        ],
        "slippage": {
            "milestones_redated": 0,
            "total_slip_months": 0,
            "median_slip_months": None,
        },
    }


def test_sector_dashboard_json_today_uses_current_statuses(client, dataset):
    response = client.get("/sectors/mobility/", {"format": "json"})

    assert response.json()["as_of"] == today().isoformat()
    assert response.json()["progress"] == TODAY_PROGRESS


def test_sector_dashboard_html_as_of_past_day_shows_exact_numbers(client, dataset):
    response = client.get("/sectors/mobility/", {"as_of": "2025-06-30"})

    html = response.content.decode()
    progress = _section(html, "progress-title")
    assert response.status_code == 200
    assert _counts(progress) == {"achieved": 1, "due": 2, "overdue": 1, "counted": 4}
    # A snapshot names its day: "expected by now" would be wrong for a past day.
    assert "Achieved 25.0% · expected by 2025-06-30 50.0%" in progress
    assert "1 achieved, 2 due by 2025-06-30: ratio achieved ÷ due = 0.50, below 0.60." in progress
    assert '<a class="method-link" href="/methodology/#cls-off_track">' in progress
    assert (
        '<span class="badge cls-off_track"><span aria-hidden="true">✕</span> Off track</span>'
        in progress
    )
    assert "Snapshot:" in html
    assert "statuses and progress as they were at the end of 2025-06-30" in html
    overdue = _section(html, "overdue-title")
    assert re.findall(r'<a href="/milestones/([\w.-]+)/', overdue) == ["MOB-1.2"]
    assert "Clean &lt;mobility&gt; by 2050." in html


def test_sector_dashboard_html_shows_breakdown_timeline_and_groups(client, dataset):
    response = client.get("/sectors/mobility/", {"as_of": "2025-06-30"})

    html = response.content.decode()
    breakdown = _section(html, "breakdown-section-title")
    rows = re.findall(
        r'<tr><th scope="row">.*?</span> ([\w ]+)</span></th><td>(\d+)</td></tr>', breakdown
    )
    assert rows == [
        ("Achieved", "1"),
        ("In progress", "2"),
        ("Not started", "1"),
        ("At risk", "0"),
        ("Discontinued", "1"),
    ]
    assert 'role="img" aria-labelledby="breakdown-title breakdown-desc"' in breakdown
    assert "Achieved: 1; In progress: 2; Not started: 1; At risk: 0; Discontinued: 1." in breakdown
    timeline = _section(html, "timeline-section-title")
    assert 'role="img" aria-labelledby="timeline-title timeline-desc"' in timeline
    assert "5 milestones placed at their due dates" in timeline
    assert timeline.count("<g><title>") == 5
    assert "As of 2025-06-30" in timeline
    assert "<title>MOB-1.2: Battery passport (2025-03-31, In progress)</title>" in timeline
    assert '<span class="tag illustrative">Illustrative</span>' in timeline
    groups = _section(html, "groups-title")
    cells = re.findall(
        r'<td data-label="Overdue">(\d+)</td>\s*<td data-label="Basis" class="basis">'
        r"(\d+) milestones? due, (\d+) achieved \(of (\d+) counted\)",
        groups,
    )
    # (overdue, due, achieved, counted). policy makers: MOB-1.1, MOB-1.2; industry: MOB-1.2,
    # MOB-2.1; civil society: none.
    assert cells == [("1", "2", "1", "2"), ("1", "1", "0", "2"), ("0", "0", "0", "0")]


def test_sector_dashboard_html_groups_targets_by_theme(client, dataset):
    response = client.get("/sectors/mobility/")

    html = response.content.decode()
    # One theme header row for a theme of several targets; a theme of one target is named on
    # its target's row.
    assert re.findall(r' id="theme-([\w-]+)"', html) == ["environment", "social"]
    assert "Today" in response.content.decode()
    assert "Snapshot:" not in response.content.decode()


def test_milestone_list_csv_as_of_past_day_gives_statuses_and_overdue(client, dataset):
    response = client.get("/sectors/mobility/milestones/", {"as_of": "2025-06-30", "format": "csv"})

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Disposition"] == (
        'attachment; filename="resourcing-mobility-milestones-2025-06-30.csv"'
    )
    assert [(r["code"], r["status"], r["overdue"]) for r in rows] == [
        ("MOB-1.3", "discontinued", "false"),
        ("MOB-1.1", "achieved", "false"),
        ("MOB-1.2", "in_progress", "true"),
        ("MOB-2.2", "in_progress", "false"),
        ("MOB-2.1", "not_started", "false"),
    ]
    assert rows[2]["stakeholder_groups"] == "policy-makers;industry"
    assert rows[3]["provenance"] == "illustrative"


def test_milestone_list_json_as_of_past_day_matches_csv(client, dataset):
    response = client.get(
        "/sectors/mobility/milestones/", {"as_of": "2025-06-30", "format": "json"}
    )

    data = response.json()
    assert data["count"] == 5
    assert [(r["code"], r["status"], r["overdue"]) for r in data["results"]] == [
        ("MOB-1.3", "discontinued", False),
        ("MOB-1.1", "achieved", False),
        ("MOB-1.2", "in_progress", True),
        ("MOB-2.2", "in_progress", False),
        ("MOB-2.1", "not_started", False),
    ]


def test_overview_as_of_past_day_gives_progress_per_sector(client, dataset):
    make_sector(slug="electronics", name="Electronics", order=2)

    json_response = client.get("/", {"as_of": "2025-06-30", "format": "json"})
    html_response = client.get("/", {"as_of": "2025-06-30"})

    assert json_response.json() == {
        "as_of": "2025-06-30",
        "sectors": [
            {"sector": "mobility", "name": "Mobility", "progress": PAST_PROGRESS},
            {
                "sector": "electronics",
                "name": "Electronics",
                "progress": {
                    "counted": 0,
                    "achieved": 0,
                    "due": 0,
                    "overdue": 0,
                    "actual": None,
                    "expected": None,
                    "classification": "no_data",
                    "basis": _basis(),
                },
            },
        ],
    }
    html = html_response.content.decode()
    cards = re.findall(r'<li class="card">(.*?)</li>\s*(?=<li class="card">|</ul>)', html, re.S)
    assert _counts(cards[0]) == {"achieved": 1, "due": 2, "overdue": 1, "counted": 4}
    assert "Off track" in cards[0]
    assert "No data" in cards[1]
    assert "Achieved \u2013 · expected by 2025-06-30 \u2013" in cards[1]
    # Next due after 2025-06-30 and open as of then: MOB-2.2 (2028), MOB-2.1 (2030); the links
    # stay on the snapshot's day.
    snapshot_link = r'<a href="/milestones/([\w.-]+)/\?as_of=2025-06-30">'
    assert re.findall(snapshot_link, cards[0]) == ["MOB-2.2", "MOB-2.1"]
    assert '<a href="/sectors/mobility/?as_of=2025-06-30">Mobility</a>' in cards[0]
    updates = _section(html, "updates-title")
    # Updates made by 2025-06-30 only, newest first.
    assert re.findall(snapshot_link, updates) == [
        "MOB-1.3",
        "MOB-1.1",
        "MOB-1.2",
    ]


def test_overview_today_lists_latest_update_first(client, dataset):
    response = client.get("/")

    updates = _section(response.content.decode(), "updates-title")
    assert re.findall(r'<a href="/milestones/([\w.-]+)/">', updates)[0] == "MOB-1.2"


def test_milestone_detail_as_of_past_day_shows_status_and_history_then(client, dataset):
    response = client.get("/milestones/MOB-1.2/", {"as_of": "2025-06-30"})

    html = response.content.decode()
    assert 'Status</dt><dd><span class="badge st-in_progress">' in html
    assert '<span class="tag overdue">Yes, overdue</span>' in html
    # Its history row, and "Not reviewed since" (issue 17: 12 months before 2025-06-30).
    assert html.count('<time datetime="2024-01-15') == 2
    assert (
        '<dd class="last-reviewed"><span class="tag not-reviewed">Not reviewed since '
        '<time datetime="2024-01-15">2024-01-15</time></span></dd>'
    ) in html
    assert "Done late" not in html
    # Links stay on the snapshot's day; "Show today" is for the screen only (not printed).
    assert '<a href="/sectors/mobility/?as_of=2025-06-30">Mobility</a>' in html
    assert (
        '<a href="/sectors/mobility/milestones/?target=MOB-1&amp;as_of=2025-06-30">'
        "MOB-1: Cleaner supply</a>"
    ) in html
    assert '<a href="/stakeholders/policy-makers/?as_of=2025-06-30">Policy makers</a>' in html
    assert '<a class="screen-only" href="/milestones/MOB-1.2/">Show today</a>' in html


def test_milestone_detail_today_links_without_as_of(client, dataset):
    html = client.get("/milestones/MOB-1.2/").content.decode()

    assert '<a href="/sectors/mobility/">Mobility</a>' in html
    assert '<a href="/sectors/mobility/milestones/?target=MOB-1">' in html
    assert "as_of=" not in html.split("<main")[1].split('<form class="as-of-form"')[0]


def test_milestone_detail_shows_full_history_newest_first_with_authors(client, dataset):
    from tests.factories import make_user

    author = make_user(username="ana", first_name="Ana", last_name="Lima", staff=True)
    from roadmaps.models import Milestone

    milestone = Milestone.objects.get(code="MOB-2.1")
    make_history(
        milestone,
        (Status.NOT_STARTED, Status.AT_RISK, "2026-02-01", "<b>Slow</b> progress"),
        author=author,
        evidence_url="https://example.org/evidence",
    )

    response = client.get("/milestones/MOB-2.1/", {"format": "json"})
    html = client.get("/milestones/MOB-2.1/").content.decode()

    assert response.json()["updates"] == [
        {
            "created_at": "2026-02-01T12:00:00+00:00",
            "kind": "status",
            "status_before": "not_started",
            "status_after": "at_risk",
            "due_date_before": None,
            "due_date_after": None,
            "note": "<b>Slow</b> progress",
            "evidence_url": "https://example.org/evidence",
            "author": "Ana Lima",
        }
    ]
    assert "&lt;b&gt;Slow&lt;/b&gt; progress" in html
    assert '<a href="https://example.org/evidence" rel="nofollow noopener">Evidence</a>' in html
    assert '<td data-label="By">Ana Lima</td>' in html


def test_import_updates_are_named_the_same_on_every_page_and_in_json(client, dataset):
    """An update without an author (an import) is "RE-SOURCING import" wherever it shows."""
    from roadmaps.models import Milestone

    milestone = Milestone.objects.get(code="MOB-2.1")
    make_history(milestone, (Status.NOT_STARTED, Status.AT_RISK, "2026-02-01", "Imported"))

    detail = client.get("/milestones/MOB-2.1/").content.decode()
    data = client.get("/milestones/MOB-2.1/", {"format": "json"}).json()
    overview = _section(client.get("/").content.decode(), "updates-title")

    assert '<td data-label="By">RE-SOURCING import</td>' in detail
    assert [update["author"] for update in data["updates"]] == ["RE-SOURCING import"]
    assert '<span class="by">by RE-SOURCING import</span>' in overview


def test_milestone_detail_labels_illustrative_rows(client, dataset):
    html = client.get("/milestones/MOB-2.2/").content.decode()

    assert '<span class="tag illustrative">Illustrative</span>' in html
    assert "Illustrative placeholder" in html


# Bad input: 400 naming the parameter, 404 in the site's layout.


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025-13-01", "as_of is not a real date."),
        ("2023-02-30", "as_of is not a real date."),
        ("30/06/2025", "as_of must be a date written YYYY-MM-DD."),
        ("2025-6-3", "as_of must be a date written YYYY-MM-DD."),
        ("2018-12-31", "as_of cannot be before 2019-01-01."),
    ],
)
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/sectors/mobility/",
        "/sectors/mobility/milestones/",
        "/milestones/MOB-1.1/",
        "/stakeholders/industry/",
    ],
)
def test_pages_refuse_bad_as_of_with_400(client, dataset, url, value, message):
    html = client.get(url, {"as_of": value})
    data = client.get(url, {"as_of": value, "format": "json"})

    assert html.status_code == 400
    assert f"<li><code>as_of</code>: {message}</li>" in html.content.decode()
    assert data.status_code == 400
    assert data.json() == {"errors": {"as_of": [message]}}


def test_pages_refuse_future_as_of_with_400(client, dataset):
    tomorrow = (today() + datetime.timedelta(days=1)).isoformat()

    response = client.get("/sectors/mobility/", {"as_of": tomorrow, "format": "json"})

    assert response.status_code == 400
    assert response.json() == {
        "errors": {"as_of": [f"as_of cannot be in the future (today is {today().isoformat()})."]}
    }


def test_pages_accept_as_of_earliest_day_and_today(client, dataset):
    assert client.get("/", {"as_of": "2019-01-01"}).status_code == 200
    assert client.get("/", {"as_of": today().isoformat()}).status_code == 200


@pytest.mark.parametrize(
    ("url", "value"),
    [
        ("/", "csv"),
        ("/", "xml"),
        ("/sectors/mobility/", "pdf"),
        ("/milestones/MOB-1.1/", "csv"),
        ("/sectors/mobility/milestones/", "xlsx"),
        ("/stakeholders/industry/", "<b>x</b>"),
    ],
)
def test_pages_refuse_unknown_format_with_400(client, dataset, url, value):
    response = client.get(url, {"format": value})

    html = response.content.decode()
    assert response.status_code == 400
    assert "<li><code>format</code>: Unknown format: use one of" in html
    assert "<b>x</b>" not in html


@pytest.mark.parametrize(
    ("url", "query", "name"),
    [
        ("/", "as_of=2025-06-30&as_of=2025-01-01", "as_of"),
        ("/sectors/mobility/", "as_of=2025-06-30&as_of=2025-06-30", "as_of"),
        ("/milestones/MOB-1.1/", "format=html&format=json", "format"),
        ("/sectors/mobility/milestones/", "format=csv&format=json", "format"),
        ("/sectors/mobility/milestones/", "q=law&q=passport", "q"),
        ("/sectors/mobility/milestones/", "ordering=code&ordering=-due_date", "ordering"),
        ("/stakeholders/industry/", "overdue=yes&overdue=no", "overdue"),
    ],
)
def test_pages_refuse_a_single_valued_parameter_given_twice_with_400(
    client, dataset, url, query, name
):
    response = client.get(f"{url}?{query}")

    assert response.status_code == 400
    assert (
        f"<li><code>{name}</code>: {name} is given more than once: give it once.</li>"
        in response.content.decode()
    )


def test_milestone_list_accepts_status_given_several_times(client, dataset):
    response = client.get(
        "/sectors/mobility/milestones/?status=achieved&status=in_progress&format=json"
    )

    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == ["MOB-1.1", "MOB-1.2", "MOB-2.2"]


@pytest.mark.parametrize(
    "url",
    [
        "/sectors/nope/",
        "/milestones/NOPE-1/",
        "/sectors/nope/milestones/",
        "/stakeholders/nope/",
        # format=json answers a JSON 404 (tests/test_api.py); csv has no error shape of its own.
        "/sectors/nope/milestones/?format=csv",
    ],
)
def test_pages_answer_unknown_slug_or_code_with_404_in_site_layout(client, dataset, settings, url):
    settings.DEBUG = False

    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 404
    assert '<a class="skip-link" href="#main">Skip to content</a>' in html
    assert "<h1>Page not found</h1>" in html
    assert 'href="/data/"' in html


# Public pages are read-only and never touch the session (so they can be cached).


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/sectors/mobility/",
        "/sectors/mobility/milestones/",
        "/milestones/MOB-1.1/",
        "/stakeholders/industry/",
        "/sectors/mobility/milestones/?format=csv",
        "/?as_of=bad",
    ],
)
def test_public_pages_do_not_touch_the_session(client, dataset, url):
    response = client.get(url)

    assert response.wsgi_request.session.accessed is False
    assert response.cookies == {}


def test_public_pages_refuse_post(client, dataset):
    response = client.post("/sectors/mobility/")

    assert response.status_code == 405


def test_base_layout_links_to_open_data_in_footer(client, dataset):
    html = client.get("/").content.decode()

    footer = html.split('<footer class="site-footer">')[1]
    assert '<a href="/data/">' in footer


def test_product_fixtures_render_the_three_dashboards(client):
    call_command("loaddata", "resourcing", verbosity=0)

    overview = client.get("/")
    dashboards = {
        slug: client.get(f"/sectors/{slug}/", {"format": "json"}).json()
        for slug in ("renewable-energy", "mobility", "electronics")
    }

    assert overview.status_code == 200
    for slug, data in dashboards.items():
        assert data["sector"] == slug
        assert data["progress"]["counted"] > 0
        assert client.get(f"/sectors/{slug}/").status_code == 200
        assert client.get(f"/sectors/{slug}/milestones/").status_code == 200


def _oracle(rows: list[dict], as_of: str) -> dict:
    """design.md's progress semantics, written out plainly over export rows (whose status and
    due date are those in force on `as_of`). Project events count nowhere."""
    counted = [row for row in rows if row["status"] != "discontinued" and not row["project_event"]]
    due = [row for row in counted if row["due_date"] <= as_of]
    return {
        "counted": len(counted),
        "achieved": sum(row["status"] == "achieved" for row in counted),
        "due": len(due),
        "overdue": sum(
            row["due_date"] < as_of and row["status"] not in ("achieved", "discontinued")
            for row in counted
        ),
    }


@pytest.mark.parametrize("as_of", ["", "2026-07-31", "2026-08-01", "2021-06-16", "2019-01-01"])
def test_product_fixtures_numbers_agree_with_the_semantics_everywhere(client, as_of):
    """The RE-SOURCING data: overview, dashboard (JSON and HTML), CSV and JSON lists agree
    with the progress semantics computed by hand from the exported rows."""
    call_command("loaddata", "resourcing", verbosity=0)
    day = as_of or today().isoformat()
    query = {"as_of": as_of} if as_of else {}
    overview = {
        entry["sector"]: entry["progress"]
        for entry in client.get("/", {**query, "format": "json"}).json()["sectors"]
    }

    for slug in ("renewable-energy", "mobility", "electronics"):
        url = f"/sectors/{slug}/milestones/"
        rows = client.get(url, {**query, "format": "json"}).json()["results"]
        csv_rows = list(
            csv.DictReader(
                io.StringIO(client.get(url, {**query, "format": "csv"}).content.decode())
            )
        )
        dashboard = client.get(f"/sectors/{slug}/", {**query, "format": "json"}).json()
        html = client.get(f"/sectors/{slug}/", query).content.decode()

        expected = _oracle(rows, day)
        assert {k: dashboard["progress"][k] for k in expected} == expected, slug
        assert overview[slug] == dashboard["progress"]
        assert _counts(_section(html, "progress-title")) == expected
        assert [row["status"] for row in csv_rows] == [row["status"] for row in rows]
        assert [row["overdue"] == "true" for row in csv_rows] == [
            row["due_date"] < day
            and row["status"] not in ("achieved", "discontinued")
            and not row["project_event"]
            for row in rows
        ]
        for target in dashboard["targets"]:
            mine = [row for row in rows if row["target"] == target["code"]]
            assert {k: target["progress"][k] for k in expected} == _oracle(mine, day)


# Query counts: the same at 1x and 10x the data.


def _grow(scale: int):
    """`scale` targets of 3 milestones with two updates each, in each of two sectors."""
    from stakeholders.models import StakeholderGroup

    groups = list(StakeholderGroup.objects.all())
    with counted_once():
        for sector_slug in ("mobility", "electronics"):
            from roadmaps.models import Roadmap, Sector

            sector = Sector.objects.get_or_create(
                slug=sector_slug, defaults={"name": sector_slug.title()}
            )[0]
            roadmap = Roadmap.objects.filter(sector=sector).first() or make_roadmap(sector=sector)
            for _ in range(scale):
                target = make_target(roadmap=roadmap, theme=make_theme(), groups=groups[:1])
                for month in (1, 2, 3):
                    milestone = make_milestone(
                        target=target,
                        due_date=datetime.date(2024 + month, month, 28),
                        status=Status.IN_PROGRESS,
                        groups=groups[:2],
                    )
                    make_history(
                        milestone,
                        (Status.NOT_STARTED, Status.AT_RISK, "2024-01-10"),
                        (Status.AT_RISK, Status.IN_PROGRESS, "2025-11-10"),
                    )


# Progress over time (roadmaps.progress.sector_progress_over_time) after a write that changed
# the past: the stored quarter ends (stale), the past version, the computation of every day
# from the history, and storing the quarter ends (savepoint, upsert, release). Once stored: 1.
PAST_PROGRESS_QUERIES = 6

# Queries per page (HTML unless said). Every public request first reads the data version
# (pagecache, one query), counted in the first figure's "1 +".
QUERY_COUNTS = [
    # sectors, progress by sector, next due per sector, latest updates, stakeholder groups,
    # then progress by sector at every one of period_ends(as_of) however many periods
    # (PAST_PROGRESS_QUERIES: a write just made the stored quarter ends stale)
    ("/", 1 + 5 + PAST_PROGRESS_QUERIES),
    # sectors, progress by sector
    ("/?format=json", 1 + 2),
    # sector, roadmap, progress by target (the sector's and each theme's are its sums),
    # targets, slippage, timeline milestones, status counts, overdue milestones, stakeholder
    # groups, progress by group, the sector's indicators (none here: their measurements are
    # then not queried; with indicators see tests/test_indicator_pages.py), the sector's
    # minerals, value-chain stages, progress by stage, milestones by stage, at-risk milestones,
    # next due, milestones reviewed within the interval, sector progress at every one of
    # period_ends(as_of) (PAST_PROGRESS_QUERIES, however many periods)
    ("/sectors/mobility/", 1 + 18 + PAST_PROGRESS_QUERIES),
    # sector, roadmap, progress by target (the sector's is their sum), targets, slippage
    ("/sectors/mobility/?format=json", 1 + 5),
    # sector, count, page of milestones, their groups, theme/target/group/mineral/stage select
    # options
    ("/sectors/mobility/milestones/", 1 + 9),
    # sector, milestones, their groups, minerals, stages
    ("/sectors/mobility/milestones/?format=csv", 1 + 5),
    ("/sectors/mobility/milestones/?format=json", 1 + 5),
    # + validating theme, target and group choices (one each)
    (
        "/sectors/mobility/milestones/?theme=environment&target=MOB-1&stakeholder_group=industry"
        "&status=in_progress&status=achieved&q=battery&due_from=2024&ordering=status",
        1 + 12,
    ),
    ("/sectors/mobility/milestones/?overdue=yes&due_to=2030-12-31&provenance=roadmap", 1 + 9),
    # milestone with target and sector, its groups, its history with authors, the indicators
    # measuring it (none here)
    ("/milestones/MOB-1.1/", 1 + 4),
    # + its minerals and stages (the row's columns)
    ("/milestones/MOB-1.1/?format=json", 1 + 5),
    # group, sectors, progress by sector, count, page, groups, theme/target/mineral/stage
    # selects
    ("/stakeholders/industry/", 1 + 10),
    # group, milestones, their groups, minerals, stages
    ("/stakeholders/industry/?format=csv", 1 + 5),
    ("/stakeholders/industry/?format=json", 1 + 5),
]


def test_pages_run_a_fixed_number_of_queries(client, dataset):
    """Every page of QUERY_COUNTS, today and as of a past day, at 1x and 10x the data: the
    same queries (each page counted as the first request after the data, tests.query_counts)."""
    counts = dated(QUERY_COUNTS, ("", "2025-06-30"))
    small, large = at_1x_and_10x(client, counts, _grow)

    assert small == expected(counts)
    assert large == expected(counts)


def test_sector_dashboard_stays_bounded_for_large_sectors(
    client, dataset, monkeypatch, django_assert_num_queries
):
    """Past the marker limit the timeline counts milestones per due year and status, and the
    overdue table shows the most overdue few with a link to all: same queries, small page."""
    from roadmaps import pages

    monkeypatch.setattr(pages, "TIMELINE_MARKER_LIMIT", 4)
    monkeypatch.setattr(pages, "OVERDUE_LIMIT", 1)
    _grow(1)  # 3 more milestones in mobility, two of them overdue today

    # QUERY_COUNTS' dashboard (slippage, minerals, the value-chain view, the first screen and
    # progress over time and the reviewed count included): the timeline by year instead of
    # markers.
    with django_assert_num_queries(1 + 18 + PAST_PROGRESS_QUERIES):
        html = client.get("/sectors/mobility/").content.decode()

    timeline = _section(html, "timeline-section-title")
    assert "Milestones per due year and status" in timeline
    rows = re.findall(r'<tr><th scope="row">(\d+)</th>((?:<td>\d+</td>)+)</tr>', timeline)
    table = {int(year): [int(n) for n in re.findall(r"\d+", cells)] for year, cells in rows}
    # Columns: achieved, in progress, not started, at risk, discontinued. The dataset's
    # MOB-1.x (2024, 2025) and MOB-2.x (2028, 2030) plus _grow's in-progress milestones
    # due 2025, 2026 and 2027.
    assert table == {
        2024: [1, 0, 0, 0, 1],
        2025: [1, 1, 0, 0, 0],
        2026: [0, 1, 0, 0, 0],
        2027: [0, 1, 0, 0, 0],
        2028: [0, 1, 0, 0, 0],
        2030: [0, 0, 1, 0, 0],
    }
    assert "MOB-1.2" not in timeline
    overdue = _section(html, "overdue-title")
    assert overdue.count('<a href="/milestones/') == 1
    assert "/sectors/mobility/milestones/?overdue=yes" in overdue
    assert "See all 2 overdue milestones" in overdue


def test_sector_dashboard_first_screen_shows_the_top_items_and_links_the_full_lists(
    client, dataset
):
    """As of PAST: MOB-1.2 overdue; three at-risk milestones coming due, and one overdue
    at-risk one (listed as overdue). The first screen shows three items: the overdue ones
    first (most overdue first), then the at-risk ones coming due first."""
    target = dataset.roadmaps.get().targets.get(code="MOB-2")
    for code, due in (("MOB-2.7", "2026-06-30"), ("MOB-2.5", "2027-12-31")):
        make_milestone(
            target=target, code=code, due_date=datetime.date.fromisoformat(due), status="at_risk"
        )
    make_milestone(
        target=target, code="MOB-2.6", due_date=datetime.date(2025, 5, 31), status="at_risk"
    )
    make_milestone(
        target=target, code="MOB-2.8", due_date=datetime.date(2029, 1, 31), status="at_risk"
    )

    html = client.get("/sectors/mobility/", {"as_of": "2025-06-30"}).content.decode()

    risks = _section(html, "overdue-title")
    assert re.findall(r'<li><a href="/milestones/([\w.-]+)/\?as_of=2025-06-30">', risks) == [
        "MOB-1.2",  # due 2025-03-31
        "MOB-2.6",  # due 2025-05-31, at risk and overdue
        "MOB-2.7",  # at risk, due 2026-06-30
    ]
    assert risks.count('<span class="tag overdue">') == 2
    assert (
        '<a href="/sectors/mobility/milestones/?overdue=yes&amp;as_of=2025-06-30">'
        "See all 2 overdue milestones</a>" in risks
    )
    assert (
        '<a href="/sectors/mobility/milestones/?status=at_risk&amp;as_of=2025-06-30">'
        "All at risk</a>" in risks
    )
    upcoming = _section(html, "next-title")
    assert re.findall(r'<a href="/milestones/([\w.-]+)/\?as_of=2025-06-30">', upcoming) == [
        "MOB-2.7",
        "MOB-2.5",
        "MOB-2.2",  # in progress, due 2028-12-31
    ]
    full_list = (
        "/sectors/mobility/milestones/?due_from=2025-06-30&amp;status=not_started&amp;"
        "status=in_progress&amp;status=at_risk&amp;as_of=2025-06-30"
    )
    assert f'<a href="{full_list}">All open milestones due from 2025-06-30</a>' in upcoming
    # The link's list: every open milestone due from that day, the shown three first.
    rows = client.get(full_list.replace("&amp;", "&") + "&format=json").json()["results"]
    assert [row["code"] for row in rows] == ["MOB-2.7", "MOB-2.5", "MOB-2.2", "MOB-2.8", "MOB-2.1"]
