"""/data/: full downloads of every sector, licence, last change, column descriptions."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from roadmaps.exports import COLUMN_DESCRIPTIONS, COLUMNS
from roadmaps.open_data_views import ATTRIBUTION
from roadmaps.services import record_status_update
from tests.factories import make_group, make_milestone, make_roadmap, make_sector, make_target

pytestmark = pytest.mark.django_db

LAST_MILESTONE_CHANGE = datetime.datetime(2024, 3, 1, 12, 0, tzinfo=datetime.UTC)


def _make_sectors(per_sector: int) -> None:
    """Two sectors (B listed first by order), `per_sector` milestones each, with groups."""
    groups = [make_group(slug="industry"), make_group(slug="civil-society")]
    for order, slug in [(2, "sector-a"), (1, "sector-b")]:
        target = make_target(
            roadmap=make_roadmap(sector=make_sector(slug=slug, order=order)),
            code=f"{slug[-1].upper()}-1",
        )
        for number in range(per_sector):
            make_milestone(
                target=target,
                code=f"{target.code}.{number + 1:02d}",
                groups=groups,
                updated_at=LAST_MILESTONE_CHANGE,
            )


def test_open_data_page_shows_licence_attribution_last_change_and_columns(client):
    _make_sectors(per_sector=2)

    response = client.get("/data/")

    assert response.status_code == 200
    html = response.content.decode()
    assert ATTRIBUTION in html
    assert ATTRIBUTION == (
        "RE-SOURCING Roadmap Tracker, data from the RE-SOURCING project (EU H2020 grant "
        "869276) and EU legal acts, CC BY 4.0"
    )
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license"' in html
    assert '<time datetime="2024-03-01T12:00:00+00:00">2024-03-01 12:00 UTC</time>' in html
    assert "(4 milestones)" in html
    for column in COLUMNS:
        assert f"<dt><code>{column}</code></dt>" in html
    assert [name for name, _text in response.context["columns"]] == COLUMNS
    assert all(COLUMN_DESCRIPTIONS[column] for column in COLUMNS)
    assert f'href="{reverse("roadmaps:open-data-csv")}"' in html
    assert 'href="/data/resourcing-milestones.json"' in html


def test_open_data_last_change_is_the_latest_status_update(client):
    _make_sectors(per_sector=1)
    milestone = make_milestone(updated_at=LAST_MILESTONE_CHANGE)
    later = datetime.datetime(2025, 5, 6, 7, 8, tzinfo=datetime.UTC)
    record_status_update(
        milestone=milestone, status="achieved", note="Done.", expected_version=1, created_at=later
    )

    response = client.get("/data/")

    assert response.context["last_change"] == later


def test_open_data_last_change_without_data(client):
    response = client.get("/data/")

    assert response.context["last_change"] is None
    assert "no data yet" in response.content.decode()


def test_open_data_is_linked_from_the_footer_of_every_page(client):
    response = client.get("/data/")

    footer = response.content.decode().split('<footer class="site-footer">')[1]
    assert '<a href="/data/">' in footer


def test_open_data_csv_has_every_sector_in_order(client):
    _make_sectors(per_sector=2)

    response = client.get("/data/resourcing-milestones.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="resourcing-milestones.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode(), newline="")))
    assert rows[0] == COLUMNS
    assert [row[5] for row in rows[1:]] == ["B-1.01", "B-1.02", "A-1.01", "A-1.02"]
    assert rows[1][COLUMNS.index("stakeholder_groups")] == "civil-society;industry"


def test_open_data_json_is_count_and_results(client):
    _make_sectors(per_sector=2)

    response = client.get("/data/resourcing-milestones.json")

    document = json.loads(response.content)
    assert list(document) == ["count", "results"]
    assert document["count"] == 4
    assert [row["code"] for row in document["results"]] == ["B-1.01", "B-1.02", "A-1.01", "A-1.02"]
    assert list(document["results"][0]) == COLUMNS
    assert document["results"][0]["stakeholder_groups"] == ["civil-society", "industry"]


def test_open_data_format_parameter_serves_the_same_files(client):
    _make_sectors(per_sector=1)

    as_parameter = client.get("/data/", {"format": "csv"})
    as_file = client.get("/data/resourcing-milestones.csv")

    assert as_parameter.content == as_file.content
    assert json.loads(client.get("/data/", {"format": "json"}).content)["count"] == 2


def test_open_data_unknown_format_is_400_naming_the_parameter(client):
    response = client.get("/data/", {"format": "xml"})

    assert response.status_code == 400
    assert response.content.decode() == "format: use csv or json."


def test_open_data_shows_a_write_at_once(client):
    _make_sectors(per_sector=1)
    client.get("/data/resourcing-milestones.csv")
    milestone = make_milestone(code="Z-1.1")

    response = client.get("/data/resourcing-milestones.csv")

    assert milestone.code in response.content.decode()
    assert timezone.now() >= milestone.updated_at


@pytest.mark.parametrize("per_sector", [1, 10])
def test_open_data_page_query_count_is_fixed(client, django_assert_num_queries, per_sector):
    _make_sectors(per_sector=per_sector)

    # 1. data version (page cache middleware); 2. milestone count and latest updated_at;
    # 3. latest status update.
    with django_assert_num_queries(3):
        client.get("/data/")


@pytest.mark.parametrize("per_sector", [1, 10])
@pytest.mark.parametrize(
    "path", ["/data/resourcing-milestones.csv", "/data/resourcing-milestones.json"]
)
def test_open_data_download_query_count_is_fixed(
    client, django_assert_num_queries, per_sector, path
):
    _make_sectors(per_sector=per_sector)

    # 1. data version (page cache middleware); 2. milestones with target, roadmap, sector,
    # theme; 3. their stakeholder groups; 4. their minerals; 5. their value-chain stages.
    with django_assert_num_queries(5):
        response = client.get(path)

    assert response.content.decode().count("A-1.") == per_sector
