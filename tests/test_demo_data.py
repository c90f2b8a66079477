"""generate_demo_data: synthetic data at scale, kept apart from the real roadmaps."""

import io
import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from pagecache.models import DataVersion
from roadmaps.models import Milestone, MilestoneUpdate, Provenance, Sector, Target
from tests.factories import make_group, make_theme


def _generate(**options) -> str:
    out = io.StringIO()
    call_command("generate_demo_data", stdout=out, **options)
    return out.getvalue()


def _snapshot():
    return list(
        Milestone.objects.filter(target__roadmap__sector__is_synthetic=True)
        .order_by("code")
        .values_list("code", "due_date", "status", "version", "target__code")
    )


@pytest.mark.django_db
def test_generate_demo_data_builds_consistent_history(milestone_a):
    make_group(slug="industry")
    make_theme(slug="social")

    output = _generate(milestones=60, updates=300, sectors=2, targets_per_sector=3, seed=7)

    synthetic = Milestone.objects.filter(target__roadmap__sector__is_synthetic=True)
    assert Sector.objects.filter(is_synthetic=True).count() == 2
    assert Target.objects.filter(roadmap__sector__is_synthetic=True).count() == 6
    assert synthetic.count() == 60
    assert MilestoneUpdate.objects.filter(milestone__in=synthetic).count() == 300
    assert set(synthetic.values_list("provenance", flat=True)) == {Provenance.ILLUSTRATIVE}
    assert synthetic.filter(stakeholder_groups__isnull=True).count() == 0
    for milestone in synthetic.prefetch_related("updates"):
        history = sorted(milestone.updates.all(), key=lambda u: u.created_at)
        assert milestone.version == 1 + len(history)
        if history:
            assert milestone.status == history[-1].status_after
            assert milestone.updated_at == history[-1].created_at
            assert history[0].status_before == "not_started"
        for before, after in itertools.pairwise(history):
            assert after.status_before == before.status_after
            assert after.status_before != after.status_after
    assert "milestones 60/60, updates 300/300" in output
    assert "generated 2 synthetic sector(s), 6 targets, 60 milestones, 300 updates" in output


@pytest.mark.django_db
def test_generate_demo_data_is_deterministic_and_replaces_itself(milestone_a):
    _generate(milestones=40, updates=100, seed=3)
    first = _snapshot()

    output = _generate(milestones=40, updates=100, seed=3)
    second = _snapshot()
    _generate(milestones=40, updates=100, seed=4)
    other_seed = _snapshot()

    assert "removed" in output
    assert second == first
    assert other_seed != first
    assert Milestone.objects.filter(target__roadmap__sector__is_synthetic=True).count() == 40
    # The real data is untouched.
    assert Milestone.objects.real().get() == milestone_a


@pytest.mark.django_db
def test_generate_demo_data_bumps_the_data_version(milestone_a):
    before = DataVersion.objects.get().version

    _generate(milestones=5, updates=5)

    assert DataVersion.objects.get().version > before


@pytest.mark.django_db
def test_synthetic_sectors_stay_out_of_real_data(milestone_a, sector_a):
    _generate(milestones=10, updates=0)

    assert list(Sector.objects.real()) == [sector_a]
    assert list(Milestone.objects.real()) == [milestone_a]
    assert Sector.objects.count() == 2


@pytest.mark.django_db
def test_synthetic_sectors_stay_out_of_overview_and_open_data(client, milestone_a):
    _generate(milestones=10, updates=0)

    overview = client.get("/").content.decode()
    open_data = client.get("/data/").content.decode()

    assert "Sector A" in overview
    assert "Synthetic sector" not in overview
    assert "Synthetic sector" not in open_data
    assert "synthetic-1" not in open_data


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"milestones": 0}, "--milestones must be at least 1."),
        ({"updates": -1}, "--updates must not be negative."),
        ({"sectors": 0}, "--sectors and --targets-per-sector must be at least 1."),
    ],
)
def test_generate_demo_data_refuses_bad_sizes(options, message):
    with pytest.raises(CommandError) as error:
        _generate(**options)

    assert str(error.value) == message
    assert not Sector.objects.filter(is_synthetic=True).exists()


@pytest.mark.postgres
@pytest.mark.django_db
def test_filtered_list_uses_an_index_at_20000_milestones(milestone_a):
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN plans are checked on PostgreSQL (set DATABASE_URL)")
    from bench.probe import explain_filtered_list

    _generate(milestones=20000, updates=0, seed=1)

    plan = explain_filtered_list("synthetic-1", status="at_risk")

    assert "Index" in plan, plan
    assert "milestone_status" in plan, plan
    assert "Seq Scan on roadmaps_milestone" not in plan, plan
