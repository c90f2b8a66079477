"""Stakeholder-group pages: a scorecard per sector and the group's milestones, filtered and
exported with the milestone list's FilterSet."""

import csv
import datetime
import io
import re

import pytest

from roadmaps.models import Status
from tests.factories import (
    make_group,
    make_history,
    make_milestone,
    make_roadmap,
    make_sector,
    make_target,
)

pytestmark = pytest.mark.django_db

URL = "/stakeholders/industry/"


@pytest.fixture
def groups():
    industry = make_group(slug="industry", name="Industry actors", order=1)
    policy = make_group(slug="policy-makers", name="Policy makers", order=2)
    mobility = make_sector(slug="mobility", name="Mobility", order=1)
    electronics = make_sector(slug="electronics", name="Electronics", order=2)
    make_sector(slug="renewable-energy", name="Renewable energy", order=3)
    mob = make_target(roadmap=make_roadmap(sector=mobility), code="MOB-1")
    eee = make_target(roadmap=make_roadmap(sector=electronics), code="EEE-1")
    make_milestone(
        target=mob,
        code="MOB-1.1",
        due_date=datetime.date(2024, 12, 31),
        status=Status.ACHIEVED,
        groups=[industry],
    )
    late = make_milestone(
        target=mob,
        code="MOB-1.2",
        due_date=datetime.date(2025, 3, 31),
        status=Status.ACHIEVED,
        groups=[industry, policy],
    )
    make_history(late, (Status.IN_PROGRESS, Status.ACHIEVED, "2026-01-10"))
    make_milestone(
        target=mob, code="MOB-1.3", due_date=datetime.date(2030, 12, 31), groups=[policy]
    )
    make_milestone(
        target=eee,
        code="EEE-1.1",
        due_date=datetime.date(2024, 6, 30),
        status=Status.IN_PROGRESS,
        groups=[industry],
    )
    make_milestone(
        target=eee,
        code="EEE-1.2",
        due_date=datetime.date(2024, 6, 30),
        status=Status.DISCONTINUED,
        groups=[industry],
    )
    return industry


def _scorecard(html: str) -> dict:
    section = html.split('aria-labelledby="scorecard-title"')[1].split("</section>")[0]
    link = r'<h3><a href="/sectors/([\w-]+)/(?:\?as_of=[\d-]+)?">.*?</dl>'
    cards = re.findall(link, section, re.S)
    result = {}
    for slug, card in zip(cards, re.findall(r"<h3>.*?</dl>", section, re.S), strict=True):
        counts = dict(re.findall(r'data-count="(\w+)">(\d+)<', card))
        classification = re.search(r'class="badge cls-(\w+)"', card).group(1)
        result[slug] = ({k: int(v) for k, v in counts.items()}, classification)
    return result


def test_stakeholder_page_scorecard_per_sector_as_of_past_day(client, groups):
    html = client.get(URL, {"as_of": "2025-06-30"}).content.decode()

    assert _scorecard(html) == {
        # MOB-1.1 achieved, MOB-1.2 still in progress and overdue on 2025-06-30.
        "mobility": ({"achieved": 1, "due": 2, "overdue": 1, "counted": 2}, "off_track"),
        # EEE-1.1 overdue; EEE-1.2 discontinued counts nowhere.
        "electronics": ({"achieved": 0, "due": 1, "overdue": 1, "counted": 1}, "off_track"),
        "renewable-energy": ({"achieved": 0, "due": 0, "overdue": 0, "counted": 0}, "no_data"),
    }
    assert "<h1>What the roadmaps ask of Industry actors</h1>" in html
    assert "Snapshot:" in html
    assert '<h3><a href="/sectors/mobility/?as_of=2025-06-30">Mobility</a></h3>' in html


def test_stakeholder_page_scorecard_today(client, groups):
    html = client.get(URL).content.decode()

    assert _scorecard(html)["mobility"] == (
        {"achieved": 2, "due": 2, "overdue": 0, "counted": 2},
        "achieved",
    )


def test_stakeholder_page_lists_only_the_groups_milestones_across_sectors(client, groups):
    data = client.get(URL, {"format": "json"}).json()

    assert data["count"] == 4
    assert [row["code"] for row in data["results"]] == ["EEE-1.1", "EEE-1.2", "MOB-1.1", "MOB-1.2"]


def test_stakeholder_page_filters_and_exports_with_the_same_filterset(client, groups):
    params = {"overdue": "yes", "as_of": "2025-06-30"}

    data = client.get(URL, {**params, "format": "json"}).json()
    response = client.get(URL, {**params, "format": "csv"})
    html = client.get(URL, params).content.decode()

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["code"] for r in data["results"]] == ["EEE-1.1", "MOB-1.2"]
    assert [(r["code"], r["status"], r["overdue"]) for r in rows] == [
        ("EEE-1.1", "in_progress", "true"),
        ("MOB-1.2", "in_progress", "true"),
    ]
    assert response["Content-Disposition"] == (
        'attachment; filename="resourcing-industry-milestones-2025-06-30.csv"'
    )
    table = html.split('<table class="milestones">')[1]
    assert re.findall(r'<a href="/milestones/([\w.-]+)/', table) == ["EEE-1.1", "MOB-1.2"]


def test_stakeholder_page_filter_form_has_no_group_choice(client, groups):
    html = client.get(URL).content.decode()

    assert 'name="stakeholder_group"' not in html
    assert 'name="theme"' in html


def test_stakeholder_page_refuses_invalid_filter_with_400(client, groups):
    response = client.get(URL, {"due_from": "soon", "format": "json"})

    assert response.status_code == 400
    assert response.json() == {
        "errors": {"due_from": ["Enter a year as YYYY or a date as YYYY-MM-DD."]}
    }


def test_stakeholder_page_unknown_group_is_404(client, groups):
    assert client.get("/stakeholders/martians/").status_code == 404
