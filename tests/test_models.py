"""The database itself refuses rows that break the domain's rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from roadmaps.models import Milestone, MilestoneUpdate, Roadmap, Target, Theme
from tests.factories import (
    make_milestone,
    make_roadmap,
    make_sector,
    make_target,
    make_theme,
    make_update,
)

pytestmark = pytest.mark.django_db


def _refused(queryset, **values):
    """Bypass model validation with QuerySet.update(): the database must still refuse."""
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**values)


@pytest.mark.parametrize(
    "values",
    [
        {"status": "finished"},
        {"provenance": "rumour"},
        {"due_date": datetime.date(2070, 12, 31)},
        {"due_date": datetime.date(2019, 12, 31)},
        {"version": 0},
        {"source_url": "javascript:alert(1)"},
        {"source_url": "ftp://example.org/file"},
        {"code": ""},
    ],
    ids=lambda v: next(iter(v)) + "=" + str(next(iter(v.values()))),
)
def test_milestone_constraint_refuses_bad_value(values):
    milestone = make_milestone()

    _refused(Milestone.objects.filter(pk=milestone.pk), **values)

    milestone.refresh_from_db()
    assert milestone.status == "not_started"
    assert milestone.due_date == datetime.date(2030, 12, 31)


def test_milestone_constraint_accepts_range_edges():
    milestone = make_milestone()

    Milestone.objects.filter(pk=milestone.pk).update(due_date=datetime.date(2050, 12, 31))
    Milestone.objects.filter(pk=milestone.pk).update(due_date=datetime.date(2020, 1, 1))

    milestone.refresh_from_db()
    assert milestone.due_date == datetime.date(2020, 1, 1)


def test_milestone_code_unique():
    milestone = make_milestone(code="X-1.1")

    with pytest.raises(IntegrityError), transaction.atomic():
        make_milestone(target=milestone.target, code="X-1.1")

    assert Milestone.objects.filter(code="X-1.1").count() == 1


@pytest.mark.parametrize(
    "values",
    [
        {"target_year": 2051},
        {"target_year": 2019},
        {"provenance": "hearsay"},
        {"source_url": "data:text/html,hi"},
        {"code": ""},
    ],
    ids=lambda v: next(iter(v)),
)
def test_target_constraint_refuses_bad_value(values):
    target = make_target()

    _refused(Target.objects.filter(pk=target.pk), **values)


def test_target_code_unique():
    target = make_target(code="T-9")

    with pytest.raises(IntegrityError), transaction.atomic():
        make_target(roadmap=target.roadmap, code="T-9")


def test_roadmap_one_current_per_sector():
    sector = make_sector()
    make_roadmap(sector=sector, slug="first")

    with pytest.raises(IntegrityError), transaction.atomic():
        make_roadmap(sector=sector, slug="second")

    make_roadmap(sector=sector, slug="older", is_current=False)
    assert Roadmap.objects.filter(sector=sector).count() == 2


def test_roadmap_horizon_year_refused_after_2050():
    roadmap = make_roadmap()

    _refused(Roadmap.objects.filter(pk=roadmap.pk), horizon_year=2060)


@pytest.mark.parametrize(
    "values",
    [
        {"status_before": "done"},
        {"status_after": "done"},
        {"evidence_url": "javascript:alert(1)"},
        {"note": ""},
    ],
    ids=lambda v: next(iter(v)),
)
def test_milestone_update_constraint_refuses_bad_value(values):
    update = make_update(milestone=make_milestone(), status_after="in_progress")

    _refused(MilestoneUpdate.objects.filter(pk=update.pk), **values)


def test_milestone_update_unique_per_milestone_and_time():
    milestone = make_milestone()
    first = make_update(milestone=milestone, status_after="in_progress")

    with pytest.raises(IntegrityError), transaction.atomic():
        make_update(milestone=milestone, status_after="achieved", created_at=first.created_at)


def test_slugs_unique():
    make_sector(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_sector(slug="same")
    make_theme(slug="theme-same")
    with pytest.raises(IntegrityError), transaction.atomic():
        Theme.objects.create(slug="theme-same", name="Again")


def test_model_validation_names_field_for_bad_due_date_and_url():
    milestone = make_milestone()
    milestone.due_date = datetime.date(2070, 12, 31)
    milestone.source_url = "javascript:alert(1)"

    with pytest.raises(ValidationError) as excinfo:
        milestone.full_clean()

    assert set(excinfo.value.message_dict) == {"due_date", "source_url"}


def test_milestone_is_overdue_after_its_due_day():
    milestone = make_milestone(due_date=datetime.date(2025, 12, 31))

    assert milestone.is_overdue(datetime.date(2025, 12, 31)) is False
    assert milestone.is_overdue(datetime.date(2026, 1, 1)) is True
    assert milestone.is_overdue(datetime.date(2026, 1, 1), status="achieved") is False
    assert milestone.is_overdue(datetime.date(2026, 1, 1), status="discontinued") is False


def test_natural_keys_round_trip():
    milestone = make_milestone(code="NK-1.1")
    update = make_update(milestone=milestone, status_after="in_progress")

    assert Milestone.objects.get_by_natural_key(*milestone.natural_key()) == milestone
    assert MilestoneUpdate.objects.get_by_natural_key(*update.natural_key()) == update
    assert Target.objects.get_by_natural_key(*milestone.target.natural_key()) == milestone.target


@pytest.mark.parametrize("code", ["MOB 1.1", "-MOB", "MOB/1", "MOB\x00", "<b>"])
def test_codes_refuse_characters_that_break_urls(code):
    milestone = make_milestone()
    milestone.code = code

    with pytest.raises(ValidationError) as excinfo:
        milestone.full_clean()

    assert list(excinfo.value.message_dict) == ["code"]


@pytest.mark.parametrize(
    "path",
    ["/milestones/%00/", "/milestones/A%20B/", "/staff/milestones/%00/update/"],
)
def test_code_urls_answer_404_for_hostile_codes(client, path):
    response = client.get(path)

    assert response.status_code == 404
