"""Explained and findable (issue 14): methodology, search, the stakeholder-group index, the
feeds page, verdict links, print footer, steward "Update" link, login landing, small defects."""

import datetime
import re

import pytest
from django.db import connection

from roadmaps.models import Status
from tests.factories import (
    make_group,
    make_history,
    make_milestone,
    make_roadmap,
    make_sector,
    make_steward,
    make_target,
)


@pytest.fixture
def mobility(db):
    sector = make_sector(slug="mobility", name="Mobility", order=1)
    policy = make_group(slug="policy-makers", name="Policy makers", order=1)
    make_group(slug="industry", name="Industry actors", order=2)
    target = make_target(
        roadmap=make_roadmap(sector=sector),
        code="MOB-1",
        title="Battery recycling",
        description="Close the loop for lithium & <cobalt> batteries.",
    )
    achieved = make_milestone(
        target=target,
        code="MOB-1.1",
        title="Recycling efficiency of lithium batteries",
        description="Efficiency of recycling of waste batteries at least 65 % by 2025.",
        due_date=datetime.date(2025, 12, 31),
        status=Status.ACHIEVED,
        groups=[policy],
    )
    make_history(achieved, (Status.IN_PROGRESS, Status.IN_PROGRESS, "2024-02-01", "Checked"))
    make_milestone(
        target=target,
        code="MOB-1.2",
        title="Battery passport",
        description="A digital passport for every industrial battery.",
        due_date=datetime.date(2040, 12, 31),
        groups=[policy],
    )
    return sector


# Methodology


def test_methodology_explains_every_verdict_with_a_worked_example(client, mobility):
    html = client.get("/methodology/").content.decode()

    for anchor in (
        "status-values",
        "due",
        "overdue",
        "expected",
        "classification",
        "cls-on_track",
        "cls-moderate",
        "cls-off_track",
        "cls-achieved",
        "cls-no_data",
        "progress-over-time",
        "as-of",
        "provenance",
        "deadline-changes",
        "project-events",
        "enablers",
        "indicators",
        "search",
    ):
        assert f'id="{anchor}"' in html, anchor
    # Mobility today: 2 counted, 1 due (MOB-1.1), 1 achieved: ratio 1 / 1.
    assert "1 ÷ 2 = 50.0%" in html
    assert "1 ÷ 1 = 1.000" in html
    assert '<meta name="description" content="How every status, verdict and number' in html


def test_every_verdict_on_the_dashboard_links_to_its_explanation(client, mobility):
    html = client.get("/sectors/mobility/").content.decode()

    assert '<a class="method-link" href="/methodology/#cls-achieved">' not in html
    verdict = re.search(
        r'<section aria-labelledby="progress-title"[^>]*>(.*?)</section>', html, re.S
    )
    # All due milestones achieved, one not yet due: on track, saying why.
    assert "1 achieved, 1 due by" in verdict.group(1)
    assert '<a class="method-link" href="/methodology/#cls-on_track">' in verdict.group(1)
    assert '<a class="badge-link" href="/methodology/#cls-on_track">' in html


def test_the_old_indicators_methodology_url_name_is_gone():
    from django.urls import NoReverseMatch, reverse

    assert reverse("roadmaps:methodology") == "/methodology/"
    with pytest.raises(NoReverseMatch):
        reverse("indicators:methodology")


# Search


def test_search_finds_targets_and_milestones_grouped_and_highlighted(client, mobility):
    response = client.get("/search/", {"q": "passport"})

    html = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'<h2 id="results-(\w+)">', html) == ["milestones"]
    assert (
        '<a href="/milestones/MOB-1.2/"><span class="code">MOB-1.2</span> Battery '
        "<mark>passport</mark></a>" in html
    )
    assert 'value="passport"' in html


def test_search_json_ranks_title_matches_first(client, mobility):
    data = client.get("/search/", {"q": "recycling", "format": "json"}).json()

    assert data["q"] == "recycling"
    assert data["method"] == ("full_text" if connection.vendor == "postgresql" else "words")
    assert [row["code"] for row in data["results"]["targets"]] == ["MOB-1"]
    assert [row["code"] for row in data["results"]["milestones"]] == ["MOB-1.1"]
    assert data["results"]["milestones"][0]["url"] == "/milestones/MOB-1.1/"
    assert data["results"]["targets"][0]["url"] == "/sectors/mobility/milestones/?target=MOB-1"
    assert data["results"]["sectors"] == []


def test_search_escapes_what_was_typed_and_what_is_shown(client, mobility):
    typed = client.get("/search/", {"q": "<script>battery"}).content.decode()
    html = client.get("/search/", {"q": "lithium"}).content.decode()

    assert "<script>" not in typed.split("<main", 1)[1]
    assert 'value="&lt;script&gt;battery"' in typed
    # The target's description holds "& <cobalt>": escaped around the mark.
    assert "Close the loop for <mark>lithium</mark> &amp; &lt;cobalt&gt; batteries." in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"q": "x" * 201}, "q is too long: at most 200 characters."),
        ({"q": "bad\x00word"}, None),
        ({"q": ["a", "b"]}, "q is given more than once: give it once."),
    ],
)
def test_search_refuses_bad_q_naming_it(client, mobility, query, message):
    response = client.get("/search/", {**query, "format": "json"})

    assert response.status_code == 400
    if message:  # (a NUL is refused before any view, by resourcing.middleware)
        assert response.json() == {"errors": {"q": [message]}}


def test_search_without_words_shows_the_form_only(client, mobility, django_assert_num_queries):
    # the data version only
    with django_assert_num_queries(1):
        response = client.get("/search/", {"q": "  "})

    assert response.status_code == 200
    assert "<h2 id=" not in response.content.decode().split("<main", 1)[1].split("</main>")[0]


def _grow(times):
    for _ in range(times):
        target = make_target(roadmap=make_roadmap(sector=make_sector()), title="Battery collection")
        make_milestone(target=target, title="Battery collection rate")


@pytest.mark.parametrize("output", ["html", "json"])
def test_search_runs_a_fixed_number_of_queries(client, mobility, django_assert_num_queries, output):
    _grow(1)
    # the data version; sectors, targets, milestones, indicators
    with django_assert_num_queries(1 + 4):
        small = client.get("/search/", {"q": "battery", "format": output})
    _grow(10)
    with django_assert_num_queries(1 + 4):
        large = client.get("/search/", {"q": "battery", "format": output})

    assert small.status_code == large.status_code == 200


def test_every_page_has_a_search_box_and_a_meta_description(client, mobility):
    html = client.get("/sectors/mobility/").content.decode()

    assert '<form class="search-box" role="search" method="get" action="/search/">' in html
    assert '<meta name="description" content="Mobility roadmap to 2050: verdict' in html


# Findable: stakeholder groups, feeds, overview links


def test_stakeholder_index_links_each_group_and_its_2030_view(
    client, mobility, django_assert_num_queries
):
    # the data version; groups; progress by group
    with django_assert_num_queries(1 + 2):
        response = client.get("/stakeholders/")

    html = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'<h2><a href="/stakeholders/([\w-]+)/">', html) == [
        "policy-makers",
        "industry",
    ]
    assert '<a href="/stakeholders/policy-makers/?due_to=2030-12-31">' in html
    cards = html.split('<li class="card">')[1:]
    assert re.findall(r'data-count="(\w+)">(\d+)<', cards[0]) == [
        ("achieved", "1"),
        ("due", "1"),
        ("overdue", "0"),
        ("counted", "2"),
    ]


def test_group_2030_view_lists_what_is_due_by_2030(client, mobility):
    data = client.get(
        "/stakeholders/policy-makers/", {"due_to": "2030-12-31", "format": "json"}
    ).json()

    # MOB-1.2 is due in 2040.
    assert [row["code"] for row in data["results"]] == ["MOB-1.1"]


def test_overview_links_groups_milestone_lists_and_the_feeds_page(client, mobility):
    html = client.get("/").content.decode()

    assert '<a href="/sectors/mobility/milestones/">All Mobility milestones</a>' in html
    assert '<a href="/stakeholders/industry/">Industry actors</a>' in html
    assert '<a href="/stakeholders/industry/?due_to=2030-12-31">by 2030</a>' in html
    assert '<a href="/feeds/">Follow the updates in a feed reader</a>' in html
    assert 'href="/feeds/updates.atom">' not in html.split("<body>", 1)[1]


def test_overview_shows_a_same_status_update_as_reconfirmed_with_the_title(client, mobility):
    html = client.get("/").content.decode()

    updates = re.search(r'<section aria-labelledby="updates-title">(.*?)</section>', html, re.S)
    line = re.sub(r"\s+", " ", updates.group(1))
    assert (
        '<a href="/milestones/MOB-1.1/">MOB-1.1</a> Recycling efficiency of lithium batteries '
        '<span class="badge st-in_progress"><span aria-hidden="true">■</span> In progress</span> '
        '<span class="change-kind">reconfirmed</span>' in line
    )
    assert "→" not in line


def test_feeds_page_explains_and_links_every_feed(client, mobility):
    html = client.get("/feeds/").content.decode()

    assert "<h1>Follow the updates</h1>" in html
    assert '<a href="/feeds/updates.atom" type="application/atom+xml">All sectors</a>' in html
    assert (
        '<a href="/sectors/mobility/updates.atom" type="application/atom+xml">Mobility</a>' in html
    )
    assert "<code>http://testserver/sectors/mobility/updates.atom</code>" in html


# Print, snapshots, small defects


def test_pages_print_their_date_url_source_and_licence(client, mobility):
    html = client.get("/sectors/mobility/", {"as_of": "2025-06-30"}).content.decode()

    footer = html.split('<div class="print-only print-footer">', 1)[1].split("</div>", 1)[0]
    assert "Data as of 2025-06-30 (UTC)." in footer
    assert "Printed from http://testserver/sectors/mobility/?as_of=2025-06-30" in footer
    assert "Source: RE-SOURCING Roadmaps 2050" in footer
    assert "Licence: the data may be reused under CC BY 4.0" in footer


def test_snapshot_cards_say_expected_by_the_day(client, mobility):
    html = client.get("/", {"as_of": "2025-06-30"}).content.decode()

    assert "expected by 2025-06-30" in html
    assert "expected by now" not in html


@pytest.mark.parametrize(
    ("value", "codes"),
    [
        ("true", ["MOB-1.3"]),
        ("TRUE", ["MOB-1.3"]),
        ("yes", ["MOB-1.3"]),
        ("false", ["MOB-1.1", "MOB-1.2"]),
        ("no", ["MOB-1.1", "MOB-1.2"]),
    ],
)
def test_overdue_filter_accepts_true_false_as_exports_write_them(client, mobility, value, codes):
    target = mobility.roadmaps.get().targets.get()
    make_milestone(target=target, code="MOB-1.3", due_date=datetime.date(2026, 1, 31))

    response = client.get("/sectors/mobility/milestones/", {"overdue": value, "format": "json"})

    assert [row["code"] for row in response.json()["results"]] == codes


def test_overdue_filter_still_refuses_other_values(client, mobility):
    response = client.get("/sectors/mobility/milestones/", {"overdue": "maybe", "format": "json"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["overdue"]


def test_as_of_inputs_are_iso_text_boxes(client, mobility):
    for url in ("/sectors/mobility/", "/sectors/mobility/milestones/", "/stakeholders/industry/"):
        html = client.get(url).content.decode()
        assert 'type="date"' not in html, url
        assert re.search(r'<input type="text" name="as_of"[^>]*inputmode="numeric"', html), url


# Stewards


def test_milestone_page_offers_its_steward_an_update_link(client, mobility):
    steward = make_steward(sector=mobility, username="steward-m")
    client.force_login(steward)

    html = client.get("/milestones/MOB-1.2/").content.decode()

    assert '<a class="update-link" href="/staff/milestones/MOB-1.2/update/">' in html


def test_milestone_page_offers_no_update_link_to_others(client, mobility):
    other = make_steward(sector=make_sector(slug="electronics"), username="steward-e")
    anonymous = client.get("/milestones/MOB-1.2/").content.decode()
    client.force_login(other)
    signed_in_other = client.get("/milestones/MOB-1.2/").content.decode()

    assert "update-link" not in anonymous
    assert "update-link" not in signed_in_other


def test_login_lands_on_the_work_queue(client, mobility):
    make_steward(sector=mobility, username="steward-m")

    response = client.post(
        "/accounts/login/", {"username": "steward-m", "password": "pw-for-tests-only"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/staff/"


def test_login_honours_next(client, mobility):
    make_steward(sector=mobility, username="steward-m")

    response = client.post(
        "/accounts/login/",
        {"username": "steward-m", "password": "pw-for-tests-only", "next": "/milestones/MOB-1.2/"},
    )

    assert response["Location"] == "/milestones/MOB-1.2/"
