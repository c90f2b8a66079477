"""The milestone list: one FilterSet for HTML, CSV and JSON; ordering; pagination; bad input."""

import csv
import datetime
import io
import re

import pytest

from roadmaps.models import Provenance, Status
from tests.factories import (
    make_group,
    make_history,
    make_milestone,
    make_roadmap,
    make_sector,
    make_target,
    make_theme,
)

pytestmark = pytest.mark.django_db

URL = "/sectors/mobility/milestones/"


@pytest.fixture
def milestones():
    policy = make_group(slug="policy-makers", name="Policy makers", order=1)
    industry = make_group(slug="industry", name="Industry", order=2)
    environment = make_theme(slug="environment", name="Environment", order=1)
    social = make_theme(slug="social", name="Social", order=2)
    sector = make_sector(slug="mobility", name="Mobility")
    roadmap = make_roadmap(sector=sector)
    first = make_target(roadmap=roadmap, theme=environment, code="MOB-1")
    second = make_target(roadmap=roadmap, theme=social, code="MOB-2")
    make_milestone(
        target=first,
        code="MOB-1.1",
        due_date=datetime.date(2024, 12, 31),
        status=Status.ACHIEVED,
        groups=[policy],
        title="Due diligence law",
        description="Mandatory checks",
    )
    late = make_milestone(
        target=first,
        code="MOB-1.2",
        due_date=datetime.date(2025, 3, 31),
        status=Status.ACHIEVED,
        groups=[industry],
        title="Battery passport",
    )
    make_history(late, (Status.IN_PROGRESS, Status.ACHIEVED, "2026-01-10"))
    make_milestone(
        target=second,
        code="MOB-2.1",
        due_date=datetime.date(2030, 12, 31),
        status=Status.NOT_STARTED,
        groups=[industry, policy],
        title="Recycling quota",
        description="Recovered lithium share",
    )
    make_milestone(
        target=second,
        code="MOB-2.2",
        due_date=datetime.date(2030, 12, 31),
        status=Status.AT_RISK,
        provenance=Provenance.ILLUSTRATIVE,
        title="Councils",
    )
    make_milestone(
        target=second,
        code="MOB-2.3",
        due_date=datetime.date(2024, 1, 31),
        status=Status.IN_PROGRESS,
        title="Grievance mechanism",
    )
    # Another sector's milestone never shows in this list.
    other = make_target(roadmap=make_roadmap(sector=make_sector(slug="electronics")), code="EEE-1")
    make_milestone(target=other, code="EEE-1.1", title="Battery passport too")
    return sector


def _codes(client, **params) -> list[str]:
    response = client.get(URL, {**params, "format": "json"})
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def test_milestone_list_default_order_is_due_date_then_code(client, milestones):
    assert _codes(client) == ["MOB-2.3", "MOB-1.1", "MOB-1.2", "MOB-2.1", "MOB-2.2"]


@pytest.mark.parametrize(
    ("ordering", "codes"),
    [
        ("due_date", ["MOB-2.3", "MOB-1.1", "MOB-1.2", "MOB-2.1", "MOB-2.2"]),
        ("-due_date", ["MOB-2.1", "MOB-2.2", "MOB-1.2", "MOB-1.1", "MOB-2.3"]),
        ("code", ["MOB-1.1", "MOB-1.2", "MOB-2.1", "MOB-2.2", "MOB-2.3"]),
        # Workflow order: not started, in progress, achieved, at risk; ties by code.
        ("status", ["MOB-2.1", "MOB-2.3", "MOB-1.1", "MOB-1.2", "MOB-2.2"]),
    ],
)
def test_milestone_list_orders_with_a_stable_tiebreak_on_code(client, milestones, ordering, codes):
    assert _codes(client, ordering=ordering) == codes


def test_milestone_list_orders_by_status_as_of_the_day(client, milestones):
    # On 2025-06-30 MOB-1.2 was still in progress.
    assert _codes(client, ordering="status", as_of="2025-06-30") == [
        "MOB-2.1",
        "MOB-1.2",
        "MOB-2.3",
        "MOB-1.1",
        "MOB-2.2",
    ]


@pytest.mark.parametrize(
    ("params", "codes"),
    [
        ({"status": ["achieved"]}, ["MOB-1.1", "MOB-1.2"]),
        ({"status": ["achieved", "at_risk"]}, ["MOB-1.1", "MOB-1.2", "MOB-2.2"]),
        ({"theme": "social"}, ["MOB-2.3", "MOB-2.1", "MOB-2.2"]),
        ({"target": "MOB-1"}, ["MOB-1.1", "MOB-1.2"]),
        ({"stakeholder_group": "industry"}, ["MOB-1.2", "MOB-2.1"]),
        ({"due_from": "2025"}, ["MOB-1.2", "MOB-2.1", "MOB-2.2"]),
        ({"due_to": "2024"}, ["MOB-2.3", "MOB-1.1"]),
        ({"due_from": "2024-02-01", "due_to": "2025-03-31"}, ["MOB-1.1", "MOB-1.2"]),
        ({"due_to": "2024-12-30"}, ["MOB-2.3"]),
        ({"overdue": "yes"}, ["MOB-2.3"]),
        ({"overdue": "no"}, ["MOB-1.1", "MOB-1.2", "MOB-2.1", "MOB-2.2"]),
        ({"provenance": "illustrative"}, ["MOB-2.2"]),
        ({"q": "mob-1"}, ["MOB-1.1", "MOB-1.2"]),
        ({"q": "PASSPORT"}, ["MOB-1.2"]),
        ({"q": "lithium"}, ["MOB-2.1"]),
        ({"q": "  "}, ["MOB-2.3", "MOB-1.1", "MOB-1.2", "MOB-2.1", "MOB-2.2"]),
        ({"status": ["achieved"], "stakeholder_group": "policy-makers"}, ["MOB-1.1"]),
    ],
)
def test_milestone_list_filters(client, milestones, params, codes):
    assert _codes(client, **params) == codes


def test_milestone_list_status_and_overdue_use_the_status_as_of_the_day(client, milestones):
    assert _codes(client, status="in_progress", as_of="2025-06-30") == ["MOB-2.3", "MOB-1.2"]
    assert _codes(client, overdue="yes", as_of="2025-06-30") == ["MOB-2.3", "MOB-1.2"]
    assert _codes(client, overdue="yes", as_of="2024-12-31") == ["MOB-2.3"]


def test_milestone_list_html_csv_and_json_give_the_same_rows_in_the_same_order(client, milestones):
    params = {"ordering": "-due_date", "theme": "social"}

    html = client.get(URL, params).content.decode()
    rows = list(
        csv.DictReader(io.StringIO(client.get(URL, {**params, "format": "csv"}).content.decode()))
    )
    data = client.get(URL, {**params, "format": "json"}).json()

    table = html.split('<table class="milestones">')[1]
    html_codes = re.findall(r'<td data-label="Code"><a href="/milestones/([\w.-]+)/">', table)
    assert html_codes == [row["code"] for row in rows] == [r["code"] for r in data["results"]]
    assert html_codes == ["MOB-2.1", "MOB-2.2", "MOB-2.3"]
    assert data["count"] == 3
    assert '<h2 id="results-title">3 milestones</h2>' in html


def test_milestone_list_csv_is_a_download_named_after_sector_and_day(client, milestones):
    from resourcing.lib.dates import today

    response = client.get(URL, {"format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="resourcing-mobility-milestones-{today().isoformat()}.csv"'
    )
    header = response.content.decode().splitlines()[0]
    assert header == (
        "sector,target,target_title,theme,target_year,code,title,description,due_date,status,"
        "stakeholder_groups,provenance,source_title,source_url,overdue,updated_at,minerals,"
        "stages,project_event,"
        # The translations, appended (issue 15): target title, title, description per language.
        "target_title_es,title_es,description_es,target_title_fr,title_fr,description_fr,"
        "target_title_pt,title_pt,description_pt,target_title_de,title_de,description_de"
    )


def test_milestone_list_json_row_has_the_csv_columns(client, milestones):
    row = client.get(URL, {"format": "json", "q": "MOB-2.1"}).json()["results"][0]

    assert {
        k: row[k]
        for k in (
            "sector",
            "target",
            "theme",
            "code",
            "due_date",
            "status",
            "stakeholder_groups",
            "overdue",
            "provenance",
        )
    } == {
        "sector": "mobility",
        "target": "MOB-2",
        "theme": "social",
        "code": "MOB-2.1",
        "due_date": "2030-12-31",
        "status": "not_started",
        "stakeholder_groups": ["policy-makers", "industry"],
        "overdue": False,
        "provenance": "roadmap",
    }


def test_milestone_list_html_paginates_fifty_a_page_and_exports_everything(client, milestones):
    target = make_target(roadmap=milestones.roadmaps.get(), code="MOB-9")
    for number in range(50):
        make_milestone(
            target=target, code=f"MOB-9.{number:02d}", due_date=datetime.date(2040, 1, 1)
        )

    first = client.get(URL).content.decode()
    second = client.get(URL, {"page": "2"}).content.decode()
    beyond = client.get(URL, {"page": "99"})

    assert first.count("<tr>") - 1 == 50
    assert second.count("<tr>") - 1 == 5
    assert "Page 2 of 2" in second
    assert 'href="?page=2"' in first
    assert beyond.status_code == 200
    assert len(client.get(URL, {"format": "json"}).json()["results"]) == 55
    assert len(client.get(URL, {"format": "csv"}).content.decode().splitlines()) == 56


def test_milestone_list_pages_keep_filters_and_match_the_csv_order(client, milestones):
    target = make_target(roadmap=milestones.roadmaps.get(), code="MOB-9")
    for number in range(60):
        make_milestone(
            target=target,
            code=f"MOB-9.{number:02d}",
            due_date=datetime.date(2040 - number % 3, 1, 1),
            status=Status.AT_RISK if number % 2 else Status.IN_PROGRESS,
        )
    params = {"status": ["at_risk", "in_progress"], "ordering": "-due_date", "q": "MOB-9"}
    params["as_of"] = "2025-06-30"

    first = client.get(URL, params).content.decode()
    next_link = re.search(r'<a href="(\?[^"]+)" rel="next">', first).group(1)
    second = client.get(URL + next_link.replace("&amp;", "&")).content.decode()
    rows = csv.DictReader(
        io.StringIO(client.get(URL, {**params, "format": "csv"}).content.decode())
    )

    assert next_link == (
        "?status=at_risk&amp;status=in_progress&amp;ordering=-due_date&amp;q=MOB-9"
        "&amp;as_of=2025-06-30&amp;page=2"
    )
    assert "Page 2 of 2" in second
    code = r'<td data-label="Code"><a href="/milestones/([\w.-]+)/\?as_of=2025-06-30">'
    html_codes = re.findall(code, first) + re.findall(code, second)
    assert len(html_codes) == 60
    assert html_codes == [row["code"] for row in rows]


@pytest.mark.parametrize("page", ["abc", "-1", "0", "1e9999", "99", "", "2.5", "٢"])
def test_milestone_list_garbage_or_out_of_range_page_shows_a_page(client, milestones, page):
    response = client.get(URL, {"page": page, "theme": "social"})

    assert response.status_code == 200
    assert '<h2 id="results-title">3 milestones</h2>' in response.content.decode()


def test_milestone_list_links_downloads_with_the_same_filters(client, milestones):
    html = client.get(URL, {"theme": "social", "page": "1"}).content.decode()

    assert 'href="?theme=social&amp;format=csv"' in html
    assert 'href="?theme=social&amp;format=json"' in html


def test_milestone_list_labels_illustrative_rows(client, milestones):
    html = client.get(URL, {"provenance": "illustrative"}).content.decode()

    assert 'Councils <span class="tag illustrative">Illustrative</span>' in html


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "done"}, "status"),
        ({"theme": "nope"}, "theme"),
        ({"target": "EEE-1"}, "target"),
        ({"stakeholder_group": "martians"}, "stakeholder_group"),
        ({"due_from": "20x5"}, "due_from"),
        ({"due_to": "2025-02-30"}, "due_to"),
        ({"due_to": "31/12/2030"}, "due_to"),
        ({"overdue": "maybe"}, "overdue"),
        ({"provenance": "rumour"}, "provenance"),
        ({"ordering": "title"}, "ordering"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_milestone_list_refuses_invalid_filters_with_400(client, milestones, params, field):
    html = client.get(URL, params)
    data = client.get(URL, {**params, "format": "json"})
    csv_response = client.get(URL, {**params, "format": "csv"})

    assert html.status_code == data.status_code == csv_response.status_code == 400
    assert f"<li><code>{field}</code>: " in html.content.decode()
    assert list(data.json()["errors"]) == [field]
    assert '<form class="filters"' in html.content.decode()


def test_milestone_list_shows_what_a_visitor_typed_escaped(client, milestones):
    html = client.get(URL, {"q": '"><script>alert(1)</script>'}).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_milestone_list_filter_form_has_a_label_for_every_input(client, milestones):
    html = client.get(URL).content.decode()

    form = html.split('<form class="filters"')[1].split("</form>")[0]
    ids = re.findall(r'<(?:input|select)[^>]*\bid="([\w-]+)"', form)
    labelled = set(re.findall(r'<label for="([\w-]+)"', form))
    assert ids
    assert [i for i in ids if i not in labelled] == []


def test_milestone_filter_by_status_needs_no_distinct(db):
    from resourcing.lib.dates import today
    from roadmaps.filters import MilestoneFilter
    from roadmaps.models import Milestone

    queryset = Milestone.objects.with_status_as_of(today())
    filterset = MilestoneFilter(
        {"status": ["at_risk", "achieved"], "stakeholder_group": ""}, queryset, as_of=today()
    )

    assert filterset.is_valid(), filterset.errors
    assert "DISTINCT" not in str(filterset.qs.query)
