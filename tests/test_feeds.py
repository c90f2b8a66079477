"""Atom feeds of status changes: valid Atom, the latest 50, escaped notes, one query."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from roadmaps.services import record_status_update
from tests.factories import make_milestone, make_roadmap, make_target, make_update, make_user

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FEED = reverse("roadmaps:updates-feed")
# `<code>: <before> -> <after>`, with the statuses' labels.
TITLE = re.compile(r"[A-Za-z0-9._-]+: [A-Z][a-z ]+ -> [A-Z][a-z ]+")


def _parse(response) -> ET.Element:
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}").text
    assert root.find(f"{ATOM}link[@rel='alternate']") is not None
    assert root.find(f"{ATOM}link[@rel='self']").get("href").endswith(".atom")
    assert root.find(f"{ATOM}author/{ATOM}name").text == "RE-SOURCING Roadmap Tracker"
    for entry in root.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{required}").text, required
        assert TITLE.fullmatch(entry.find(f"{ATOM}title").text)
        assert entry.find(f"{ATOM}author/{ATOM}name").text
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http://")
        assert entry.find(f"{ATOM}content").get("type") == "html"
        assert entry.find(f"{ATOM}summary") is None
    return root


def test_feed_is_atom_with_the_latest_update_first(client, milestone_a, sector_a):
    steward = make_user(username="ines", first_name="Inês", last_name="Silva", staff=True)
    make_update(
        milestone=milestone_a,
        status_after="in_progress",
        note="older",
        created_at=timezone.now() - datetime.timedelta(days=3),
    )
    latest = record_status_update(
        milestone=milestone_a,
        status="achieved",
        note="Adopted <em>today</em> & published.",
        evidence_url="https://example.org/oj",
        author=steward,
        expected_version=1,
    )

    response = client.get(FEED)

    root = _parse(response)
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "A-1.1: Not started -> Achieved",
        "A-1.1: Not started -> In progress",
    ]
    first = entries[0]
    assert first.find(f"{ATOM}author/{ATOM}name").text == "Inês Silva"
    assert first.find(f"{ATOM}link").get("href") == (
        f"http://testserver/milestones/A-1.1/#update-{latest.pk}"
    )
    assert first.find(f"{ATOM}id").text == first.find(f"{ATOM}link").get("href")
    content = first.find(f"{ATOM}content")
    # The note is escaped inside the HTML: a feed reader shows the tags as text.
    assert content.text == (
        "<p>Not started -> Achieved</p>"
        "<p>Adopted &lt;em&gt;today&lt;/em&gt; &amp; published.</p>"
        '<p>Evidence: <a href="https://example.org/oj" rel="nofollow noopener">'
        "https://example.org/oj</a></p>"
    )
    assert root.find(f"{ATOM}updated").text == latest.created_at.isoformat()


def test_feed_leaves_out_control_characters_xml_cannot_carry(client, milestone_a):
    # Written past the forms (which refuse them since): the feed must still be valid XML.
    author = make_user(username="ctl", first_name="Ana\x1b", last_name="Lee")
    make_update(milestone=milestone_a, status_after="at_risk", note="soft\x0bbreak", author=author)

    response = client.get(FEED)

    assert response.status_code == 200
    entry = _parse(response).find(f"{ATOM}entry")
    assert "<p>softbreak</p>" in entry.find(f"{ATOM}content").text
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "Ana Lee"


def test_feed_names_the_import_when_there_is_no_author(client, milestone_a):
    make_update(milestone=milestone_a, status_after="in_progress", author=None)

    root = _parse(client.get(FEED))

    assert root.find(f"{ATOM}entry/{ATOM}author/{ATOM}name").text == "RE-SOURCING import"


def test_feed_keeps_the_latest_50(client, milestone_a):
    start = timezone.now() - datetime.timedelta(days=100)
    for day in range(55):
        make_update(
            milestone=milestone_a,
            status_after="in_progress",
            note=f"note {day}",
            created_at=start + datetime.timedelta(days=day),
        )

    root = _parse(client.get(FEED))

    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 50
    ids = {e.find(f"{ATOM}id").text for e in entries}
    assert len(ids) == 50
    assert "note 54" in entries[0].find(f"{ATOM}content").text
    assert "note 5<" in entries[-1].find(f"{ATOM}content").text


def test_sector_feed_lists_only_its_sector(client, milestone_a, sector_b):
    other = make_milestone(target=make_target(roadmap=make_roadmap(sector=sector_b)), code="B-1.1")
    make_update(milestone=milestone_a, status_after="in_progress")
    make_update(milestone=other, status_after="at_risk")
    url = reverse("roadmaps:sector-updates-feed", args=["sector-a"])

    root = _parse(client.get(url))

    assert root.find(f"{ATOM}title").text == "Sector A: status updates"
    assert [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")] == [
        "A-1.1: Not started -> In progress"
    ]
    assert root.find(f"{ATOM}link[@rel='alternate']").get("href") == (
        "http://testserver/sectors/sector-a/"
    )


def test_sector_feed_unknown_sector_is_404(client):
    response = client.get(reverse("roadmaps:sector-updates-feed", args=["nowhere"]))

    assert response.status_code == 404


def test_feed_of_an_empty_history_is_valid(client):
    root = _parse(client.get(FEED))

    assert root.findall(f"{ATOM}entry") == []


@pytest.mark.parametrize("count", [1, 10])
def test_feed_query_count_does_not_grow(client, django_assert_num_queries, sector_a, count):
    roadmap = make_roadmap(sector=sector_a)
    for _ in range(count):
        milestone = make_milestone(target=make_target(roadmap=roadmap))
        make_update(milestone=milestone, status_after="in_progress", author=make_user())
    # Queries: the data version (pagecache), the updates with their milestones
    # and authors.
    with django_assert_num_queries(2):
        client.get(FEED)
    # Queries: the data version, the sector, the updates with their milestones and authors.
    with django_assert_num_queries(3):
        response = client.get(reverse("roadmaps:sector-updates-feed", args=[sector_a.slug]))

    assert len(_parse(response).findall(f"{ATOM}entry")) == count


def test_pages_link_the_feeds(client, sector_a):
    overview = client.get(reverse("roadmaps:overview")).content.decode()
    dashboard = client.get(reverse("roadmaps:sector-dashboard", args=["sector-a"])).content.decode()

    global_link = (
        f'type="application/atom+xml" title="Status updates, all sectors (Atom)" href="{FEED}"'
    )
    assert global_link in overview
    assert global_link in dashboard
    assert 'href="/sectors/sector-a/updates.atom"' in dashboard
    assert "/sectors/sector-a/updates.atom" not in overview


def test_milestone_page_links_its_sectors_feed(client, milestone_a):
    html = client.get(milestone_a.get_absolute_url()).content.decode()

    assert 'type="application/atom+xml"' in html
    assert 'href="/sectors/sector-a/updates.atom"' in html
    assert 'href="/feeds/updates.atom"' in html
