"""Translated content (issue 15): storage, fallbacks and markers, the writers, the admin,
canonical data formats, the roadmap CSV's language columns, the fixture loader, search."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve, reverse
from django.utils import translation

from pagecache.models import DataVersion
from resourcing.lib.translations import NOT_YET_TRANSLATED, render, shown
from roadmaps import translation_files
from roadmaps.exports import COLUMNS, LANGUAGE_COLUMNS
from roadmaps.models import Milestone, MilestoneUpdate, Sector, Status, Target
from roadmaps.search import search_page
from roadmaps.services import (
    update_milestone_content,
    update_target_content,
    update_translations,
)
from stakeholders.models import StakeholderGroup
from tests.factories import (
    admin_milestone_data,
    make_group,
    make_history,
    make_milestone,
    make_roadmap,
    make_sector,
    make_target,
    make_theme,
)

pytestmark = pytest.mark.django_db

TEST_FILES = Path(__file__).resolve().parent / "translation_files"
FIXTURE_FILES = Path(__file__).resolve().parent.parent / "fixtures" / "translations"


def _version() -> int:
    return DataVersion.objects.get().version


def _get(client, path: str, language: str, **params):
    """`path` read in `language`: under its /<language>/ prefix where the site has them
    (issue 15's URLs), else asked for with Accept-Language."""
    if language != "en":
        try:
            # The prefix resolves only with its language active (i18n_patterns).
            with translation.override(language):
                resolve(f"/{language}{path}")
            # A data endpoint (the feeds) redirects to its one, English address.
            return client.get(f"/{language}{path}", params, follow=True)
        except Resolver404:
            pass
    return client.get(path, params, HTTP_ACCEPT_LANGUAGE=language)


@pytest.fixture
def no_page_cache(settings):
    # Which language a cached page is served in is the URL's (issue 15, routing): these tests
    # are about the content of each language's page.
    settings.PAGE_CACHE_ENABLED = False


@pytest.fixture
def translated(db):
    """Sector "Mobility" translated into Spanish (unreviewed) and French (reviewed); its
    milestone's title in Spanish only (official), its target in none."""
    group = make_group(slug="industry", name="Industry actors")
    sector = make_sector(slug="mobility", name="Mobility", order=1)
    target = make_target(
        roadmap=make_roadmap(sector=sector),
        theme=make_theme(slug="circular-economy", name="Circular economy"),
        code="MOB-1",
        title="Batteries collected",
    )
    milestone = make_milestone(
        target=target,
        code="MOB-1.1",
        title="Portable battery collection 63 %",
        description="Collection target for portable batteries.",
        groups=[group],
    )
    # History, so that the feeds' dates are the data's.
    make_history(milestone, (Status.NOT_STARTED, Status.IN_PROGRESS, "2024-03-01"))
    update_translations(
        obj=sector,
        changes={
            "name_es": "Movilidad",
            "name_fr": "Mobilité",
            "translation_status_fr": "reviewed",
        },
    )
    update_translations(
        obj=milestone,
        changes={
            "title_es": "Recogida de pilas portátiles: 63 %",
            "translation_status_es": "official",
            "translation_source_es": "Reglamento (UE) 2023/1542, artículo 59",
        },
    )
    return sector


# Storage and migration -------------------------------------------------------------------------


@pytest.fixture
def scratch_connection(tmp_path, django_db_blocker):
    """A connection to an empty database of its own (a file on SQLite; a database created on
    the same server on PostgreSQL), under its own alias: a migration test takes it from
    nothing to a past state and on, instead of taking the shared test database back
    (unapplying builds every intermediate state: it took longer than applying everything)."""
    from django.db import DEFAULT_DB_ALIAS, connections

    alias = "migration_scratch"
    default = connections[DEFAULT_DB_ALIAS]
    settings = {**default.settings_dict}
    # PostgreSQL creates and drops databases outside any transaction: a connection of its own
    # (autocommit), not the test's.
    server = None if default.vendor == "sqlite" else type(default)({**settings}, "scratch_server")
    name = f"{settings['NAME']}_scratch"[:63]

    def on_server(sql):
        with server.cursor() as cursor:
            cursor.execute(sql)

    with django_db_blocker.unblock():
        if server is None:
            settings["NAME"] = str(tmp_path / "scratch.sqlite3")
        else:
            on_server(f'DROP DATABASE IF EXISTS "{name}"')
            on_server(f'CREATE DATABASE "{name}"')
            settings["NAME"] = name
        scratch = type(default)(settings, alias)
        connections[alias] = scratch
        try:
            yield scratch
        finally:
            scratch.close()
            del connections[alias]
            if server is not None:
                on_server(f'DROP DATABASE IF EXISTS "{name}"')
                server.close()


def test_migration_moves_the_english_text_into_the_english_columns(scratch_connection):
    import importlib

    from django.db.migrations.executor import MigrationExecutor

    staff_group = importlib.import_module("stakeholders.migrations.0002_consortium_staff_group")

    alias = scratch_connection.alias
    before = [
        ("stakeholders", "0003_text_field_validators"),
        ("roadmaps", "0011_progress_counters"),
        ("indicators", "0003_release_interval_approved_by"),
    ]
    executor = MigrationExecutor(scratch_connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldSector = old.get_model("roadmaps", "Sector")
    OldGroup = old.get_model("stakeholders", "StakeholderGroup")
    OldSector.objects.using(alias).create(
        slug="mobility", name="Mobility", description="Electric cars."
    )
    OldGroup.objects.using(alias).create(
        slug="industry", name="Industry actors", description="Firms."
    )

    executor = MigrationExecutor(scratch_connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    sector = Sector.objects.using(alias).get(slug="mobility")
    group = StakeholderGroup.objects.using(alias).get(slug="industry")
    assert (sector.name_en, sector.description_en, sector.name_es) == (
        "Mobility",
        "Electric cars.",
        None,
    )
    assert (group.name_en, group.description_en) == ("Industry actors", "Firms.")
    assert (sector.translation_status_es, sector.translation_source_es) == ("unreviewed", "")
    # Every migration applied, its data migrations on the database it migrates: the consortium
    # staff group, the data version row, the counters (of the one milestone-less sector).
    assert not MigrationExecutor(scratch_connection).migration_plan(
        executor.loader.graph.leaf_nodes()
    )
    assert Group.objects.using(alias).filter(name=staff_group.GROUP).count() == 1
    assert DataVersion.objects.using(alias).count() == 1


def test_official_wording_without_source_is_refused_by_the_database(translated):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Sector.objects.filter(pk=translated.pk).update(translation_status_de="official")


# Fallbacks and markers -------------------------------------------------------------------------


def test_shown_falls_back_to_english_and_says_so(translated):
    assert shown(translated, "name", "es").text == "Movilidad"
    assert shown(translated, "name", "de").fallback is True
    assert str(render(shown(translated, "name", "de"))) == (
        '<span lang="en">Mobility</span> <span class="tr-note">(not yet translated)</span>'
    )
    assert str(render(shown(translated, "name", "fr"))) == "Mobilité"
    assert str(render(shown(translated, "name", "es"))) == (
        'Movilidad<span class="tr-mark" title="unreviewed translation" aria-hidden="true">†'
        '</span><span class="visually-hidden"> (unreviewed translation)</span>'
    )
    assert str(render(shown(translated, "name", "en"))) == "Mobility"


def test_milestone_page_in_spanish_marks_fallbacks_and_keeps_official_wording(
    client, translated, no_page_cache
):
    response = _get(client, "/milestones/MOB-1.1/", "es")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>MOB-1.1: Recogida de pilas portátiles: 63 %</h1>" in html
    # The target has no Spanish title: English, in lang="en", marked (in Spanish, once the
    # catalogue translates the marker).
    with translation.override("es"):
        marker = str(NOT_YET_TRANSLATED)
    assert (
        f'MOB-1: <span lang="en">Batteries collected</span> <span class="tr-note">({marker})'
        "</span>" in html
    )
    assert '<div lang="en"><p>Collection target for portable batteries.</p></div>' in html
    # The sector's Spanish name is unreviewed: the dagger, and the footer says what it means.
    assert 'Movilidad<span class="tr-mark"' in html
    assert 'class="tr-legend"' in html


def test_english_page_has_no_marker_and_no_legend(client, translated, no_page_cache):
    html = _get(client, "/milestones/MOB-1.1/", "en").content.decode()

    assert "<h1>MOB-1.1: Portable battery collection 63 %</h1>" in html
    assert "tr-note" not in html
    assert "tr-mark" not in html
    assert "tr-legend" not in html


def test_reviewed_translation_carries_no_marker(client, translated, no_page_cache):
    html = _get(client, "/sectors/mobility/", "fr").content.decode()

    assert "<h1>Mobilité</h1>" in html


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/sectors/mobility/",
        "/sectors/mobility/milestones/",
        "/milestones/MOB-1.1/",
        "/stakeholders/",
        "/stakeholders/industry/",
        "/minerals/",
        "/indicators/",
        "/search/?q=battery",
    ],
)
def test_pages_make_as_many_queries_in_spanish_as_in_english(
    client, translated, no_page_cache, path
):
    counts = {}
    for language in ("en", "es", "en"):
        path_only, _sep, query = path.partition("?")
        params = dict([query.split("=")]) if query else {}
        with CaptureQueriesContext(connection) as queries:
            response = _get(client, path_only, language, **params)
        assert response.status_code == 200
        counts[language] = len(queries)

    assert counts["es"] == counts["en"]


# Data formats stay English ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/sectors/mobility/milestones/?format=csv",
        "/sectors/mobility/milestones/?format=json",
        "/sectors/mobility/?format=json",
        "/milestones/MOB-1.1/?format=json",
        "/?format=json",
        "/search/?q=battery&format=json",
        "/feeds/updates.atom",
    ],
)
def test_data_formats_are_the_same_in_every_language(client, translated, no_page_cache, path):
    path_only, _sep, query = path.partition("?")
    params = dict(pair.split("=") for pair in query.split("&")) if query else {}

    english = _get(client, path_only, "en", **params).content
    spanish = _get(client, path_only, "es", **params).content
    german = _get(client, path_only, "de", **params).content

    assert spanish == english
    assert german == english
    # The English name, never the Spanish one (which the CSV and JSON rows carry in their
    # own title_es column, not as a name).
    assert b"Movilidad" not in english


def test_json_row_carries_english_columns_and_the_translations(client, translated):
    rows = _get(client, "/sectors/mobility/milestones/", "es", format="json").json()["results"]

    assert (rows[0]["title"], rows[0]["title_es"], rows[0]["title_fr"]) == (
        "Portable battery collection 63 %",
        "Recogida de pilas portátiles: 63 %",
        "",
    )


# Writers ----------------------------------------------------------------------------------------


def test_translation_writer_marks_changed_text_unreviewed_and_bumps_once(translated):
    milestone = Milestone.objects.get(code="MOB-1.1")
    version, data_version = milestone.version, _version()

    changed = update_translations(obj=milestone, changes={"title_es": "Recogida: 63 %"})

    milestone.refresh_from_db()
    assert changed is True
    assert (milestone.title_es, milestone.translation_status_es) == ("Recogida: 63 %", "unreviewed")
    assert milestone.translation_source_es == ""
    # A translation is not a change of the milestone: same version, same "updated" date.
    assert milestone.version == version
    assert _version() == data_version + 1


def test_translation_writer_unchanged_writes_nothing(translated):
    data_version = _version()

    assert update_translations(obj=translated, changes={"name_es": "Movilidad"}) is False
    assert _version() == data_version


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"translation_status_de": "official"}, "translation_source_de"),
        ({"translation_status_de": "checked"}, "translation_status_de"),
        ({"name_de": "Mobilit\x0bät"}, "name_de"),
        ({"name_de": "M" * 151}, "name_de"),
    ],
)
def test_translation_writer_refuses_bad_values_naming_the_column(translated, changes, column):
    data_version = _version()

    with pytest.raises(ValidationError) as excinfo:
        update_translations(obj=translated, changes=changes)

    assert list(excinfo.value.message_dict) == [column]
    translated.refresh_from_db()
    assert (translated.name_de, translated.translation_status_de) == (None, "unreviewed")
    assert _version() == data_version


def test_content_writers_take_translations_in_any_active_language(translated):
    milestone = Milestone.objects.get(code="MOB-1.1")
    target = Target.objects.get(code="MOB-1")
    version = milestone.version

    with translation.override("de"):
        update_milestone_content(
            milestone=milestone,
            changes={"title": "Portable batteries: 63 %", "title_de": "Gerätebatterien: 63 %"},
            expected_version=version,
        )
        update_target_content(target=target, changes={"title_pt": "Baterias recolhidas"})

    milestone.refresh_from_db()
    target.refresh_from_db()
    # `title` is English whatever language the request speaks.
    assert (milestone.title_en, milestone.title_de, milestone.title_es) == (
        "Portable batteries: 63 %",
        "Gerätebatterien: 63 %",
        "Recogida de pilas portátiles: 63 %",
    )
    assert milestone.version == version + 1
    assert (target.title_en, target.title_pt, target.translation_status_pt) == (
        "Batteries collected",
        "Baterias recolhidas",
        "unreviewed",
    )


# Admin ------------------------------------------------------------------------------------------


def test_admin_edits_every_language_of_a_sector(client, admin_user, translated):
    client.force_login(admin_user)
    url = reverse("admin:roadmaps_sector_change", args=[translated.pk])
    form = client.get(url)
    data = {
        "slug": "mobility",
        "name": "Mobility",
        "description": "",
        "lead_partner": "",
        "order": 1,
        "review_interval_months": 12,
        "name_es": "Movilidad",
        "translation_status_es": "reviewed",
        "translation_source_es": "",
        "name_fr": "Mobilité",
        "translation_status_fr": "reviewed",
        "name_pt": "Mobilidade",
        "translation_status_pt": "unreviewed",
        "name_de": "Mobilität",
        "description_de": "Elektroautos.",
        "translation_status_de": "official",
        "translation_source_de": "Verordnung (EU) 2023/1542",
    }

    with translation.override("en"):
        response = client.post(url, data)

    translated.refresh_from_db()
    assert form.status_code == 200
    assert b"ajax.googleapis" not in form.content
    assert response.status_code == 302
    assert (translated.name_en, translated.name_es, translated.name_pt, translated.name_de) == (
        "Mobility",
        "Movilidad",
        "Mobilidade",
        "Mobilität",
    )
    assert [
        getattr(translated, f"translation_status_{code}") for code in ("es", "fr", "pt", "de")
    ] == ["reviewed", "reviewed", "unreviewed", "official"]
    assert translated.description_de == "Elektroautos."
    assert translated.translation_source_de == "Verordnung (EU) 2023/1542"


def test_admin_english_field_is_english_in_a_german_admin(client, admin_user, translated):
    client.force_login(admin_user)
    url = reverse("admin:roadmaps_milestone_change", args=[Milestone.objects.get().pk])
    milestone = Milestone.objects.get()

    form = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
    response = client.post(
        url,
        admin_milestone_data(milestone, title_de="Gerätebatterien"),
        HTTP_ACCEPT_LANGUAGE="de",
    )

    milestone.refresh_from_db()
    assert form.context["adminform"].form["title"].value() == "Portable battery collection 63 %"
    assert response.status_code == 302
    assert (milestone.title_en, milestone.title_de, milestone.title_es) == (
        "Portable battery collection 63 %",
        "Gerätebatterien",
        "Recogida de pilas portátiles: 63 %",
    )
    # The Spanish official wording was not in the form's changes: untouched.
    assert milestone.translation_status_es == "official"


def test_admin_filter_lists_unreviewed_translations_in_a_language(client, admin_user, translated):
    other = make_sector(slug="electronics", name="Electronics", order=2)
    client.force_login(admin_user)
    url = reverse("admin:roadmaps_sector_changelist")

    unreviewed = client.get(url, {"translation": "es-unreviewed"})
    missing = client.get(url, {"translation": "de-missing"})
    reviewed = client.get(url, {"translation": "fr-reviewed"})

    def names(response):
        return [sector.slug for sector in response.context["cl"].result_list]

    assert names(unreviewed) == ["mobility"]
    assert sorted(names(missing)) == sorted(["mobility", other.slug])
    assert names(reviewed) == ["mobility"]


def test_admin_action_marks_translations_reviewed_in_one_write(client, admin_user, translated):
    client.force_login(admin_user)
    data_version = _version()

    response = client.post(
        reverse("admin:roadmaps_sector_changelist"),
        {"action": "mark_reviewed_es", "_selected_action": [translated.pk]},
    )

    translated.refresh_from_db()
    assert response.status_code == 302
    assert translated.translation_status_es == "reviewed"
    assert _version() == data_version + 1


def test_steward_cannot_edit_translations_in_the_admin(client, translated):
    from tests.factories import make_steward

    steward = make_steward(sector=translated)
    client.force_login(steward)
    milestone = Milestone.objects.get()
    url = reverse("admin:roadmaps_milestone_change", args=[milestone.pk])

    client.post(url, admin_milestone_data(milestone, title_es="Otra cosa"))

    milestone.refresh_from_db()
    assert milestone.title_es == "Recogida de pilas portátiles: 63 %"


# The roadmap CSV's language columns -------------------------------------------------------------


def _export(slug="mobility") -> str:
    out = io.StringIO()
    call_command("export_roadmap", slug, stdout=out)
    return out.getvalue()


def _import(tmp_path, text: str) -> str:
    path = tmp_path / "roadmap.csv"
    path.write_text(text, encoding="utf-8", newline="")
    out = io.StringIO()
    call_command("import_roadmap", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _text(rows) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _without_updated_at(text: str) -> list[list[str]]:
    rows = _rows(text)
    index = rows[0].index("updated_at")
    return [[*row[:index], *row[index + 1 :]] for row in rows]


def test_export_appends_the_language_columns_after_the_canonical_ones(translated):
    rows = _rows(_export())

    assert rows[0][-12:] == list(LANGUAGE_COLUMNS)
    assert rows[0][:19] == COLUMNS[:19]
    assert dict(zip(rows[0], rows[1], strict=True))["title_es"] == (
        "Recogida de pilas portátiles: 63 %"
    )


def test_round_trip_with_translations_is_exact(tmp_path, translated):
    Target.objects.update(title_fr="Batteries collectées — «ça» ✓", title_de="Ä ö ü ß 电池")
    Milestone.objects.update(description_pt="Meta de recolha\nde pilhas portáteis; ção")
    Milestone.objects.update(translation_status_pt="reviewed")
    exported = _export()
    # Test-only clean-up: the sector emptied of its targets, as the design's round trip says
    # (the application never deletes history).
    MilestoneUpdate.objects.all().delete()
    Target.objects.all().delete()

    _import(tmp_path, exported)

    assert _without_updated_at(_export()) == _without_updated_at(exported)
    milestone = Milestone.objects.get()
    # Re-created rows: their translations are new, hence unreviewed (statuses are not in the
    # CSV; they are reviewed in the admin).
    assert (milestone.description_pt, milestone.translation_status_pt) == (
        "Meta de recolha\nde pilhas portáteis; ção",
        "unreviewed",
    )


def test_import_without_language_columns_leaves_translations(tmp_path, translated):
    rows = _rows(_export())
    canonical = [row[:19] for row in rows]
    canonical[1][rows[0].index("title")] = "Portable batteries, 63 %"

    _import(tmp_path, _text(canonical))

    milestone = Milestone.objects.get()
    assert (milestone.title_en, milestone.title_es, milestone.translation_status_es) == (
        "Portable batteries, 63 %",
        "Recogida de pilas portátiles: 63 %",
        "official",
    )


def test_import_empty_language_cell_clears_that_translation(tmp_path, translated):
    rows = _rows(_export())
    rows[1][rows[0].index("title_es")] = ""
    rows[1][rows[0].index("title_fr")] = "Collecte des piles portables : 63 %"
    version = Milestone.objects.get().version

    summary = _import(tmp_path, _text(rows))

    milestone = Milestone.objects.get()
    assert (milestone.title_es or "", milestone.title_fr) == (
        "",
        "Collecte des piles portables : 63 %",
    )
    assert milestone.translation_status_fr == "unreviewed"
    # Translations alone: the milestone's version and "updated" date stay.
    assert milestone.version == version
    assert summary == (
        "Targets: created 0, updated 0, unchanged 1; "
        "milestones: created 0, updated 1, unchanged 0.\n"
    )


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("title_es", "Reco\x0bgida", "row 2, title_es: "),
        ("description_fr", '=HYPERLINK("http://evil.example")', "row 2, description_fr: "),
        ("target_title_de", "B" * 301, "row 2, target_title_de: "),
    ],
)
def test_import_refuses_bad_translations_by_row_and_column(
    tmp_path, translated, column, value, message
):
    rows = _rows(_export())
    rows[1][rows[0].index(column)] = value
    before = _export()

    with pytest.raises(CommandError) as excinfo:
        _import(tmp_path, _text(rows))

    assert message in str(excinfo.value)
    assert _export() == before


def test_import_refuses_an_unknown_language_column(tmp_path, translated):
    rows = _rows(_export())
    rows[0].append("title_it")
    for row in rows[1:]:
        row.append("Raccolta")
    before = _export()

    with pytest.raises(CommandError) as excinfo:
        _import(tmp_path, _text(rows))

    assert "row 1, title_it: unknown column." in str(excinfo.value)
    assert _export() == before


def test_import_refuses_a_target_translated_two_ways(tmp_path, translated):
    target = Target.objects.get()
    make_milestone(target=target, code="MOB-1.2", title="Second")
    rows = _rows(_export())
    index = rows[0].index("target_title_es")
    rows[1][index], rows[2][index] = "Baterías recogidas", "Pilas recogidas"

    with pytest.raises(CommandError) as excinfo:
        _import(tmp_path, _text(rows))

    assert "row 3, target_title_es: \u201cPilas recogidas\u201d differs from row 2" in str(
        excinfo.value
    )


# The fixture loader -----------------------------------------------------------------------------


@pytest.fixture
def loadable(db):
    make_group(slug="industry", name="Industry actors")
    sector = make_sector(slug="sector-a", name="Sector A")
    target = make_target(roadmap=make_roadmap(sector=sector), code="A-1", title="Target one")
    make_milestone(target=target, code="A-1.1", title="Portable battery collection")
    return sector


def test_loader_loads_a_language_file_with_its_statuses(loadable):
    result = translation_files.load([TEST_FILES / "es.json"])

    sector = Sector.objects.get(slug="sector-a")
    milestone = Milestone.objects.get(code="A-1.1")
    assert result.changed == 4
    assert (sector.name_es, sector.description_es, sector.translation_status_es) == (
        "Sector A en español",
        "Descripción del sector",
        "unreviewed",
    )
    assert (milestone.title_es, milestone.description_es or "") == (
        "Tasa de recogida de baterías portátiles: 63 %",
        "",
    )
    assert (milestone.translation_status_es, milestone.translation_source_es) == (
        "official",
        "Reglamento (UE) 2023/1542, artículo 59, versión ES",
    )
    assert StakeholderGroup.objects.get(slug="industry").name_es == "Industria"


def test_loader_twice_changes_nothing(loadable):
    translation_files.load([TEST_FILES / "es.json"])
    data_version = _version()

    result = translation_files.load([TEST_FILES / "es.json"])

    assert result.changed == 0
    assert _version() == data_version


def test_loader_keeps_a_review_of_the_same_text_and_fills_only_missing_without_force(loadable):
    translation_files.load([TEST_FILES / "es.json"])
    sector = Sector.objects.get(slug="sector-a")
    update_translations(obj=sector, changes={"translation_status_es": "reviewed"})
    group = StakeholderGroup.objects.get(slug="industry")
    update_translations(obj=group, changes={"name_es": "Actores industriales"})

    translation_files.load([TEST_FILES / "es.json"], overwrite=True)
    sector.refresh_from_db()
    group.refresh_from_db()
    kept_review = sector.translation_status_es
    overwritten = group.name_es
    update_translations(obj=group, changes={"name_es": "Actores industriales"})
    translation_files.load([TEST_FILES / "es.json"], overwrite=False)
    group.refresh_from_db()

    assert (kept_review, overwritten, group.name_es) == (
        "reviewed",
        "Industria",
        "Actores industriales",
    )


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "es.json: not a readable JSON file"),
        ('{"language": "fr", "objects": []}', "es.json: language 'fr' is not this file's"),
        (
            {"model": "roadmaps.sector", "key": "nowhere", "fields": {}, "status": "unreviewed"},
            "es.json: object 1 (roadmaps.sector 'nowhere'): no roadmaps.sector with slug "
            "'nowhere'.",
        ),
        (
            {
                "model": "roadmaps.sector",
                "key": "sector-a",
                "fields": {"vision": "x"},
                "status": "unreviewed",
            },
            "es.json: object 1 (roadmaps.sector 'sector-a'): field 'vision' is not translated",
        ),
        (
            {
                "model": "roadmaps.sector",
                "key": "sector-a",
                "fields": {},
                "status": "unreviewed",
                "note": "x",
            },
            "es.json: object 1 (roadmaps.sector 'sector-a'): unknown key(s) note.",
        ),
        (
            {"model": "roadmaps.sector", "key": "sector-a", "fields": {}, "status": "reviewed"},
            "es.json: object 1 (roadmaps.sector 'sector-a'): status must be unreviewed or official",
        ),
        (
            {
                "model": "roadmaps.milestone",
                "key": "A-1.1",
                "fields": {"title": "x"},
                "status": "official",
            },
            "es.json: object 1 (roadmaps.milestone 'A-1.1'): an official wording names its source",
        ),
        (
            {
                "model": "roadmaps.milestone",
                "key": "A-1.1",
                "fields": {"title": "=1+1"},
                "status": "unreviewed",
            },
            "es.json: object 1 (roadmaps.milestone 'A-1.1'): title_es:",
        ),
        (
            {"model": "auth.user", "key": "admin", "fields": {}, "status": "unreviewed"},
            "es.json: object 1 (auth.user 'admin'): model 'auth.user' is not translated",
        ),
    ],
)
def test_loader_refuses_a_bad_file_naming_file_and_object(tmp_path, loadable, document, message):
    good = TEST_FILES / "es.json"
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    if isinstance(document, dict):
        document = json.dumps({"language": "es", "objects": [document]})
    (bad_dir / "es.json").write_text(document, encoding="utf-8")
    data_version = _version()

    with pytest.raises(translation_files.TranslationFileError) as excinfo:
        translation_files.load([good.parent / "es.json", bad_dir / "es.json"])

    assert message in str(excinfo.value)
    assert Sector.objects.get(slug="sector-a").name_es is None  # the good file neither
    assert _version() == data_version


def test_load_resourcing_loads_the_files_present_and_tolerates_missing_ones(
    loadable, monkeypatch, tmp_path
):
    directory = tmp_path / "translations"
    directory.mkdir()
    (directory / "es.json").write_bytes((TEST_FILES / "es.json").read_bytes())
    monkeypatch.setattr(translation_files, "DIRECTORY", directory)
    monkeypatch.setattr(
        translation_files,
        "language_files",
        lambda directory=directory: [
            directory / f"{code}.json"
            for code in ("es", "fr", "pt", "de")
            if (directory / f"{code}.json").exists()
        ],
    )
    out = io.StringIO()

    call_command("load_resourcing", stdout=out)

    assert Sector.objects.get(slug="sector-a").name_es == "Sector A en español"
    assert out.getvalue().splitlines()[-1] == (
        "Content translations: 1 file(s), 4 object(s) changed."
    )


def test_load_resourcing_names_a_malformed_file(loadable, monkeypatch, tmp_path):
    (tmp_path / "de.json").write_text('{"language": "de", "objects": [1]}', encoding="utf-8")
    monkeypatch.setattr(translation_files, "language_files", lambda: [tmp_path / "de.json"])

    with pytest.raises(CommandError) as excinfo:
        call_command("load_resourcing", stdout=io.StringIO())

    assert str(excinfo.value) == f"{tmp_path / 'de.json'}: object 1: not an object."


@pytest.mark.parametrize(
    "path",
    sorted(FIXTURE_FILES.glob("*.json")) or [None],
    ids=lambda path: getattr(path, "name", "none"),
)
def test_fixture_translation_file_matches_existing_objects_and_allowed_fields(path):
    if path is None:
        pytest.skip("no fixtures/translations/<language>.json yet")
    call_command("loaddata", "resourcing", "minerals", "indicators", verbosity=0)

    result = translation_files.load([path])

    assert result.files == [str(path)]


# Search -----------------------------------------------------------------------------------------


@pytest.fixture
def searchable(translated):
    update_translations(
        obj=Target.objects.get(code="MOB-1"), changes={"title_es": "Baterías recogidas"}
    )
    return translated


def _codes(page, kind):
    return [result.code for result in page.groups.get(kind, [])]


def test_search_in_spanish_finds_the_spanish_title(searchable):
    with translation.override("es"):
        page = search_page("recogidas")

    assert _codes(page, "targets") == ["MOB-1"]
    assert str(page.groups["targets"][0].shown_title.text) == "Baterías recogidas"


def test_search_in_german_finds_a_word_only_in_english(searchable):
    with translation.override("de"):
        page = search_page("battery")

    assert _codes(page, "milestones") == ["MOB-1.1"]
    assert page.groups["milestones"][0].shown_title.fallback is True


def test_search_in_english_reads_english_only(searchable):
    with translation.override("en"):
        page = search_page("recogidas")

    assert page.count == 0


def test_search_json_is_english_and_the_page_marks_the_language(client, searchable, no_page_cache):
    english = _get(client, "/search/", "en", q="battery", format="json").json()
    spanish_html = _get(client, "/search/", "es", q="pilas").content.decode()

    assert english["results"]["milestones"][0]["title"] == "Portable battery collection 63 %"
    assert "<mark>pilas</mark>" in spanish_html


def test_milestone_list_q_reads_english_and_the_reader_language(client, translated, no_page_cache):
    spanish = _get(client, "/sectors/mobility/milestones/", "es", q="pilas", format="json")
    english = _get(client, "/sectors/mobility/milestones/", "en", q="pilas", format="json")

    assert spanish.json()["count"] == 1
    assert english.json()["count"] == 0
