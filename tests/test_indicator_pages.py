"""Public indicator pages: list (filters, CSV, JSON, as_of, 400s), detail, methodology, and a
fixed number of queries at 1x and 10x data."""

import csv
import io
import re

import pytest

from tests.factories import (
    make_group,
    make_milestone,
    make_roadmap,
    make_sector,
    make_target,
    make_theme,
)
from tests.indicator_factories import make_indicator, make_measurement, make_series
from tests.query_counts import at_1x_and_10x, dated, expected
from tests.test_dashboards import PAST_PROGRESS_QUERIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    mobility = make_sector(slug="mobility", name="Mobility", order=1)
    electronics = make_sector(slug="electronics", name="Electronics", order=2)
    circular = make_theme(slug="circular", name="Circular")
    climate = make_theme(slug="climate", name="Climate")
    industry = make_group(slug="industry", name="Industry")
    policy = make_group(slug="policy-makers", name="Policy makers")
    target = make_target(roadmap=make_roadmap(sector=mobility), theme=circular, code="MOB-1")
    milestone = make_milestone(target=target, code="MOB-1.1")
    share = make_indicator(
        code="RES",
        title="Renewables share",
        sectors=[mobility],
        targets=[target],
        milestones=[milestone],
        groups=[industry],
        baseline=(2022, "23"),
        target=(2030, "42.5"),
        source_url="https://example.org/res",
        dataset_code="nrg_ind_ren",
        publisher="Eurostat",
    )
    make_measurement(indicator=share, period=2022, value="23", published_on="2023-12-15")
    make_measurement(
        indicator=share,
        period=2023,
        value="24.5",
        published_on="2024-12-19",
        source_url="https://example.org/2023",
    )
    make_measurement(
        indicator=share,
        period=2024,
        value="25.2",
        published_on="2025-12-18",
        is_provisional=True,
        note="First release <b>bold</b>",
    )
    make_measurement(
        indicator=share,
        period=2023,
        value="24.6",
        published_on="2025-12-18",
        is_estimated=True,
        note="Revised",
    )
    other = make_indicator(
        code="WEEE",
        title="WEEE collection",
        sectors=[electronics],
        targets=[
            make_target(roadmap=make_roadmap(sector=electronics), theme=climate, code="EEE-1")
        ],
        groups=[policy],
        baseline=(2021, "46.2"),
        target=None,
    )
    make_series(other, {2021: "46.2", 2022: "40.1"}, published_on="2025-10-30")
    return {"share": share, "other": other, "mobility": mobility}


def test_list_shows_every_indicator_with_latest_value_and_category(client, data):
    html = client.get("/indicators/").content.decode()
    assert "2 indicators" in html
    assert '25.2 % (2024, published <time datetime="2025-12-18">2025-12-18</time>)' in html
    assert '<span class="tag">provisional</span>' in html
    assert "Insufficient progress" in html  # (25.2-23)/2 = 1.1 vs 19.5/8 = 2.4375 a year
    assert "Not assessed: no quantitative target" in html


def test_list_json_and_csv_share_the_filter(client, data):
    document = client.get("/indicators/?sector=mobility&format=json").json()
    assert document["count"] == 1
    result = document["results"][0]
    assert (result["code"], result["latest"], result["progress"]["category"]) == (
        "RES",
        {"period": "2024", "value": "25.2", "flags": ["provisional"], "published_on": "2025-12-18"},
        "insufficient",
    )
    assert result["progress"]["ratio"] == 0.4513
    assert [v["value"] for v in result["values"]] == ["23", "24.6", "25.2"]

    response = client.get("/indicators/?sector=mobility&format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        [
            "indicator",
            "period",
            "value",
            "provisional",
            "estimated",
            "break_in_series",
            "published_on",
            "source_url",
            "note",
            "current",
            "minerals",
            "stages",
        ],
        ["RES", "2022", "23", "false", "false", "false", "2023-12-15", "", "", "true", "", ""],
        [
            "RES",
            "2023",
            "24.5",
            "false",
            "false",
            "false",
            "2024-12-19",
            "https://example.org/2023",
            "",
            "false",
            "",
            "",
        ],
        [
            "RES",
            "2023",
            "24.6",
            "false",
            "true",
            "false",
            "2025-12-18",
            "",
            "Revised",
            "true",
            "",
            "",
        ],
        [
            "RES",
            "2024",
            "25.2",
            "true",
            "false",
            "false",
            "2025-12-18",
            "",
            "First release <b>bold</b>",
            "true",
            "",
            "",
        ],
    ]


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("", ["RES", "WEEE"]),
        ("?sector=electronics", ["WEEE"]),
        ("?theme=circular", ["RES"]),
        ("?stakeholder_group=policy-makers", ["WEEE"]),
        ("?sector=mobility&theme=climate", []),
    ],
)
def test_list_filters(client, data, query, codes):
    sep = "&" if query else "?"
    document = client.get(f"/indicators/{query}{sep}format=json").json()
    assert [result["code"] for result in document["results"]] == codes


@pytest.mark.parametrize(
    ("query", "name", "message"),
    [
        (
            "?sector=nowhere",
            "sector",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        (
            "?theme=x",
            "theme",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        ("?format=xml", "format", "Unknown format: use one of html, csv, json."),
        ("?as_of=2020-13-01", "as_of", "as_of is not a real date."),
        ("?as_of=2999-01-01", "as_of", None),
    ],
)
def test_list_bad_parameter_is_400_naming_it(client, data, query, name, message):
    response = client.get(
        f"/indicators/{query}&format=json" if "format" not in query else f"/indicators/{query}"
    )
    assert response.status_code == 400
    if response["Content-Type"].startswith("application/json"):
        errors = response.json()["errors"]
        assert list(errors) == [name]
        if message:
            assert errors[name] == [message]
    else:
        assert f"<code>{name}</code>" in response.content.decode()


def test_as_of_hides_later_publications_and_revisions(client, data):
    document = client.get("/indicators/?format=json&as_of=2025-01-01").json()
    res = document["results"][0]
    assert document["as_of"] == "2025-01-01"
    assert res["latest"]["value"] == "24.5"
    assert [v["value"] for v in res["values"]] == ["23", "24.5"]
    # (24.5 - 23) / 1 = 1.5 against 2.4375 a year: 0.6154, moderate progress.
    assert (res["progress"]["ratio"], res["progress"]["category"]) == (0.6154, "moderate")
    weee = document["results"][1]
    assert (weee["latest"], weee["values"]) == (None, [])
    html = client.get("/indicators/RES/?as_of=2025-01-01").content.decode()
    assert "25.2" not in html
    assert "Snapshot:" in html


def test_detail_page_chart_table_source_and_history(client, data):
    html = client.get("/indicators/RES/").content.decode()
    assert '<svg class="trajectory-chart"' in html and 'role="img"' in html
    assert (
        '<title id="trajectory-title">Renewables share: observed values and the path to the '
        "target</title>" in html
    )
    assert (
        "Baseline 23 % in 2022. Target 42.5 % in 2030. Latest value 25.2 % in 2024. "
        "Assessment: Insufficient progress." in html
    )
    assert 'class="required-path"' in html
    # Flags by shape and letter, not colour: the estimated revision is a diamond labelled "e".
    assert 'class="point estimated"' in html
    assert ">e</text>" in html and ">p</text>" in html
    assert "<code>nrg_ind_ren</code>" in html and "Eurostat" in html
    # The table: the values in force, with flags and the path's value for the year.
    assert '<th scope="row" data-label="Period">2023</th>' in html
    assert "24.6 %" in html
    # The history keeps the superseded value, and escapes what was typed.
    assert "No, superseded" in html
    assert "First release &lt;b&gt;bold&lt;/b&gt;" in html
    assert '<a href="/milestones/MOB-1.1/">MOB-1.1</a>' in html
    assert "Record a value" not in html  # anonymous


def test_detail_json_and_404(client, data):
    document = client.get("/indicators/RES/?format=json").json()
    assert document["indicator"]["code"] == "RES"
    assert len(document["indicator"]["revisions"]) == 4
    assert document["indicator"]["target"]["year"] == 2030
    assert client.get("/indicators/NOPE/").status_code == 404


def _indicator_rows(html: str) -> dict:
    """{the target row's code (or "other"): its indicator row's text, whitespace collapsed}."""
    rows = re.findall(
        r'<tr(?: class="measured")?>\s*<th scope="row"[^>]*><a href="[^"]+">([\w.-]+)</a>'
        r'.*?</tr>\s*<tr class="indicator-row">\s*<td colspan="4">(.*?)</td>',
        html,
        re.S,
    )
    found = {code: " ".join(text.split()) for code, text in rows}
    other = re.search(
        r'<span class="indicator-label">Other indicators of this sector:</span>(.*?)</td>',
        html,
        re.S,
    )
    if other:
        found["other"] = " ".join(other.group(1).split())
    return found


def test_sector_dashboard_shows_indicators_under_the_targets_they_measure(client, data):
    dashboard = client.get("/sectors/mobility/").content.decode()

    assert _indicator_rows(dashboard) == {
        "MOB-1": '<span class="indicator-label">Indicators of MOB-1:</span> '
        '<ul class="indicator-lines"> <li><a href="/indicators/RES/">Renewables share</a>: '
        '25.2 % in 2024 <span class="tag">provisional</span> <a class="badge-link" '
        'href="/methodology/#ind-insufficient"><span class="badge ind-insufficient"><span '
        'aria-hidden="true">\u25d4</span> Insufficient progress</span></a></li> </ul>'
    }
    assert "WEEE collection" not in dashboard  # electronics only
    # The category's explanation is where the link points.
    methodology = client.get("/methodology/").content.decode()
    assert '<tr id="ind-insufficient">' in methodology


def test_sector_dashboard_indicators_as_of_a_past_day(client, data):
    dashboard = client.get("/sectors/mobility/", {"as_of": "2025-01-01"}).content.decode()

    # Published by then: 2022 (23) and 2023 (24.5); the revision and 2024 came on 2025-12-18.
    assert _indicator_rows(dashboard)["MOB-1"] == (
        '<span class="indicator-label">Indicators of MOB-1:</span> '
        '<ul class="indicator-lines"> <li><a href="/indicators/RES/?as_of=2025-01-01">'
        'Renewables share</a>: 24.5 % in 2023 <a class="badge-link" '
        'href="/methodology/#ind-moderate"><span class="badge ind-moderate"><span '
        'aria-hidden="true">\u25d0</span> Moderate progress</span></a></li> </ul>'
    )


def test_sector_dashboard_shows_the_sectors_other_indicators_apart(client, data):
    make_indicator(code="LONE", title="Sector-wide series", sectors=[data["mobility"]])

    rows = _indicator_rows(client.get("/sectors/mobility/").content.decode())

    assert list(rows) == ["MOB-1", "other"]
    assert rows["other"].startswith(
        '<ul class="indicator-lines"> <li><a href="/indicators/LONE/">Sector-wide series</a>: '
        'no value yet <a class="badge-link" href="/methodology/#ind-no_data">'
    )
    assert rows["other"].endswith('<span class="tag not-reviewed">Never reviewed</span></li> </ul>')


def test_milestone_page_shows_the_indicators_measuring_it(client, data):
    milestone = client.get("/milestones/MOB-1.1/?as_of=2025-01-01").content.decode()

    assert '<a href="/indicators/RES/?as_of=2025-01-01">Renewables share</a>' in milestone
    assert "24.5 % (2023)" in milestone
    assert (
        '<a class="badge-link" href="/methodology/#ind-moderate"><span class="badge '
        'ind-moderate"><span aria-hidden="true">\u25d0</span> Moderate progress</span></a>'
    ) in milestone


def test_methodology_page_works_the_real_example(client, django_assert_num_queries):
    from django.core.management import call_command

    call_command("loaddata", "resourcing", "minerals", "indicators", verbosity=0)
    # the data version; sectors and progress by sector (the milestones' worked example); the
    # two example indicators, their measurements, their sectors
    with django_assert_num_queries(1 + 2 + 3):
        html = client.get("/methodology/").content.decode()
    assert 'id="indicators"' in html
    assert "Baseline 23 % in 2022; latest 25.2 % in 2024; target 42.5 % in 2030" in html
    assert "= 1.1000 points a year" in html and "= 2.4375 points a year" in html
    assert "= 0.4513: Insufficient progress." in html
    assert "ratio = \u22121 \u00d7 -0.013497 / |-0.019765| = 0.6829: Moderate progress." in html


def _grow(times):
    for _ in range(times):
        sector = make_sector()
        target = make_target(roadmap=make_roadmap(sector=sector))
        indicator = make_indicator(
            sectors=[sector],
            targets=[target],
            milestones=[make_milestone(target=target)],
            groups=[make_group()],
        )
        make_series(indicator, {2021: "11", 2022: "12", 2023: "13"})
        make_measurement(indicator=indicator, period=2023, value="13.5", published_on="2025-06-01")


# Every public request first reads the data version (resourcing/caching.py): the "1 +".
QUERY_COUNTS = [
    # indicators, measurements, sectors, minerals, stages; the form's sector, theme and group
    # selects
    ("/indicators/", 1 + 8),
    # + validating the sector, theme and group choices
    ("/indicators/?sector=mobility&theme=circular&stakeholder_group=industry", 1 + 11),
    ("/indicators/?format=json", 1 + 5),
    ("/indicators/?format=csv", 1 + 5),
    # indicator, measurements, sectors, minerals, stages, targets, milestones, groups
    ("/indicators/RES/", 1 + 8),
    ("/indicators/RES/?format=json", 1 + 8),
]

# The indicators on the sector dashboard and the milestone page: the indicators, their
# measurements (and on the dashboard the sector's targets each measures, to place it under
# them) on top of the page's own (tests/test_dashboards.py; the dashboard's 18 include the
# indicators' query, slippage, the minerals and value-chain view's 4, its first screen's 2
# and the reviewed count), and the dashboard's progress over time (PAST_PROGRESS_QUERIES
# for every period, after the write that made the stored ones stale). With no indicator at
# all, Django skips the measurements' and targets' queries.
DASHBOARD_QUERIES = 1 + 18 + 2 + PAST_PROGRESS_QUERIES
SUMMARY_QUERY_COUNTS = [
    ("/sectors/mobility/", DASHBOARD_QUERIES),
    ("/milestones/MOB-1.1/", 1 + 4 + 1),
]


def test_pages_run_a_fixed_number_of_queries(client, data):
    """Every page of QUERY_COUNTS and SUMMARY_QUERY_COUNTS, today and as of a past day, at 1x
    and 10x the data: the same queries (each page counted as the first request after the
    data, tests.query_counts)."""
    counts = dated(QUERY_COUNTS + SUMMARY_QUERY_COUNTS, ("", "2025-06-30"))
    small, large = at_1x_and_10x(client, counts, _grow)

    assert small == expected(counts)
    assert large == expected(counts)


def test_sector_dashboard_query_count_does_not_change_as_indicators_are_added(
    client, data, django_assert_num_queries
):
    mobility = data["mobility"]
    roadmap = mobility.roadmaps.get()
    with django_assert_num_queries(DASHBOARD_QUERIES):
        client.get("/sectors/mobility/")

    # Ten more indicators with series: under new targets, under MOB-1 beside RES, on several
    # targets at once, or of the sector only.
    targets = [make_target(roadmap=roadmap, code=f"MOB-{n}") for n in (2, 3, 4)]
    mob1 = data["share"].targets.get()
    for n in range(10):
        indicator = make_indicator(
            code=f"GROW-{n}",
            sectors=[mobility],
            targets=[[mob1], targets[:1], targets, []][n % 4],
        )
        make_series(indicator, {2021: "11", 2022: "12", 2023: "13"})
    with django_assert_num_queries(DASHBOARD_QUERIES):
        html = client.get("/sectors/mobility/").content.decode()

    rows = _indicator_rows(html)
    assert list(rows) == ["MOB-1", "MOB-2", "MOB-3", "MOB-4", "other"]
    assert [row.count("<li>") for row in rows.values()] == [4, 5, 2, 2, 2]


def test_sector_dashboard_without_indicators_skips_their_queries(client, django_assert_num_queries):
    sector = make_sector(slug="mobility", name="Mobility")
    make_milestone(target=make_target(roadmap=make_roadmap(sector=sector), code="MOB-1"))

    with django_assert_num_queries(DASHBOARD_QUERIES - 2):
        html = client.get("/sectors/mobility/").content.decode()

    assert _indicator_rows(html) == {}
