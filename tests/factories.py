"""Small factories for test data built in code (the product's fixtures are not test data)."""

import contextlib
import datetime
import importlib
import itertools

from django.utils import timezone

from roadmaps import counters
from roadmaps.models import Milestone, MilestoneUpdate, Roadmap, Sector, Status, Target, Theme
from stakeholders.models import StakeholderGroup, User

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def link(relation, objects) -> None:
    """A new row's many-to-many links: `relation.add(*objects)`, skipped when there are none.
    A new row has no links to clear or keep, so set()'s read of the current ones is skipped;
    add() still sends m2m_changed (the page cache and the stage counters listen)."""
    if objects:
        relation.add(*objects)


def make_user(*, username=None, staff=False, superuser=False, password="pw-for-tests-only", **kw):
    username = username or f"user{_n()}"
    if superuser:
        return User.objects.create_superuser(username=username, password=password, **kw)
    return User.objects.create_user(username=username, password=password, is_staff=staff, **kw)


def consortium_staff_group():
    """The group the data migration creates; re-created after a transactional test's flush."""
    from django.contrib.auth.models import Group, Permission

    migration = importlib.import_module("stakeholders.migrations.0002_consortium_staff_group")
    group, created = Group.objects.get_or_create(name=migration.GROUP)
    if created:
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in migration.PERMISSIONS
            ]
        )
    return group


def make_steward(*, sector, username=None) -> User:
    """A consortium staff member (staff, in the group) who stewards `sector`."""
    user = make_user(username=username, staff=True)
    user.groups.add(consortium_staff_group())
    sector.stewards.add(user)
    return user


def make_group(*, slug=None, name=None, order=0) -> StakeholderGroup:
    slug = slug or f"group-{_n()}"
    return StakeholderGroup.objects.get_or_create(
        slug=slug, defaults={"name": name or slug.replace("-", " ").title(), "order": order}
    )[0]


def make_sector(*, slug=None, name=None, order=0, stewards=()) -> Sector:
    slug = slug or f"sector-{_n()}"
    sector = Sector.objects.create(
        slug=slug, name=name or slug.replace("-", " ").title(), order=order
    )
    link(sector.stewards, stewards)
    return sector


def make_roadmap(*, sector=None, slug=None, **kw) -> Roadmap:
    sector = sector or make_sector()
    kw.setdefault("title", f"{sector.name} roadmap 2050")
    kw.setdefault("vision", "Responsibly sourced minerals by 2050.")
    return Roadmap.objects.create(sector=sector, slug=slug or f"{sector.slug}-2050", **kw)


def make_theme(*, slug=None, name=None, order=0) -> Theme:
    slug = slug or f"theme-{_n()}"
    return Theme.objects.get_or_create(
        slug=slug, defaults={"name": name or slug.replace("-", " ").title(), "order": order}
    )[0]


def make_target(*, roadmap=None, theme=None, code=None, groups=(), **kw) -> Target:
    roadmap = roadmap or make_roadmap()
    kw.setdefault("title", "A target")
    kw.setdefault("target_year", 2050)
    kw.setdefault("source_title", "Source")
    kw.setdefault("source_url", "https://example.org/source")
    target = Target.objects.create(
        roadmap=roadmap, theme=theme or make_theme(), code=code or f"T-{_n()}", **kw
    )
    link(target.stakeholder_groups, groups)
    return target


def make_milestone(
    *, target=None, code=None, due_date=None, status=Status.NOT_STARTED, groups=(), **kw
) -> Milestone:
    target = target or make_target()
    kw.setdefault("title", "A milestone")
    kw.setdefault("source_title", "Source")
    kw.setdefault("source_url", "https://example.org/source")
    milestone = Milestone.objects.create(
        target=target,
        code=code or f"{target.code}.{_n()}",
        due_date=due_date or datetime.date(2030, 12, 31),
        status=status,
        **kw,
    )
    link(milestone.stakeholder_groups, groups)
    # Written past roadmaps.services: counted as the writers would have (inside
    # counted_once(), by its one recount at the end).
    if _in_batch():
        counters.touched(targets=[target.pk])
    else:
        counters.add(Milestone.objects.filter(pk=milestone.pk))
    return milestone


def _in_batch() -> bool:
    return counters._batch.get() is not None


@contextlib.contextmanager
def counted_once():
    """Many factory writes (a test's bulk data), their progress counters recounted once at the
    end, as the import does (counters.batched): the same counters as row by row, in a few
    queries instead of a dozen per milestone and history row. Stage links set from the
    stage's side (make_stage, ValueChainStage.milestones) are not noted: make them outside."""
    with counters.batched():
        yield


def _raw_update(
    *, milestone, status_after, status_before, created_at, note, author, evidence_url
) -> MilestoneUpdate:
    return MilestoneUpdate.objects.create(
        milestone=milestone,
        status_before=status_before or milestone.status,
        status_after=status_after,
        note=note,
        evidence_url=evidence_url,
        author=author,
        created_at=created_at or timezone.now(),
    )


def make_update(
    *,
    milestone,
    status_after,
    status_before=None,
    created_at=None,
    note="A note",
    author=None,
    evidence_url="",
) -> MilestoneUpdate:
    """A raw history row, for tests of reads; writes in the product go through the service."""
    # Written past roadmaps.services: the review counters follow, as the writers would keep them.
    with counters.maintained(
        Milestone.objects.filter(pk=milestone.pk), targets=[milestone.target_id]
    ):
        return _raw_update(
            milestone=milestone,
            status_before=status_before,
            status_after=status_after,
            note=note,
            evidence_url=evidence_url,
            author=author,
            created_at=created_at,
        )


# The public content, as dumpdata writes it: tests compare it before and after a refused write.
CONTENT_MODELS = [
    "stakeholders.stakeholdergroup",
    "roadmaps.sector",
    "roadmaps.theme",
    "roadmaps.roadmap",
    "roadmaps.target",
    "roadmaps.milestone",
    "roadmaps.milestoneupdate",
]


def dump_content(*, natural_primary=False) -> str:
    """dumpdata of CONTENT_MODELS (primary keys included unless natural_primary)."""
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "dumpdata",
        *CONTENT_MODELS,
        natural_foreign=True,
        natural_primary=natural_primary,
        indent=1,
        stdout=out,
    )
    return out.getvalue()


def at_noon(day: str) -> datetime.datetime:
    """Noon UTC of an ISO day ("2025-06-30"): a history timestamp in the middle of that day."""
    return datetime.datetime.fromisoformat(f"{day}T12:00:00+00:00")


def make_history(milestone, *changes, author=None, evidence_url="") -> list[MilestoneUpdate]:
    """Raw history rows for `milestone`, each change `(before, after, "YYYY-MM-DD"[, note])`
    at noon UTC of that day."""
    # One count of the milestone before and after all of them (not one per row).
    with counters.maintained(
        Milestone.objects.filter(pk=milestone.pk), targets=[milestone.target_id]
    ):
        return [
            _raw_update(
                milestone=milestone,
                status_before=before,
                status_after=after,
                created_at=at_noon(day),
                note=rest[0] if rest else "A note",
                author=author,
                evidence_url=evidence_url,
            )
            for before, after, day, *rest in changes
        ]


def admin_milestone_data(milestone, **overrides) -> dict:
    """What the admin's milestone change form posts for `milestone` as it is, with overrides."""
    return {
        "target": milestone.target_id,
        "code": milestone.code,
        "title": milestone.title,
        "description": milestone.description,
        "due_date": milestone.due_date.isoformat(),
        "stakeholder_groups": [],
        "status": milestone.status,
        "status_note": "",
        "evidence_url": "",
        "expected_version": milestone.version,
        "source_title": milestone.source_title,
        "source_url": milestone.source_url,
        "provenance": milestone.provenance,
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
        "updates-MIN_NUM_FORMS": "0",
        "updates-MAX_NUM_FORMS": "0",
        **overrides,
    }


def make_mineral(
    *, slug=None, name=None, critical=False, strategic=False, sectors=(), milestones=(), **kw
):
    from roadmaps.models import Mineral

    slug = slug or f"mineral-{_n()}"
    mineral = Mineral.objects.create(
        slug=slug,
        name=name or slug.replace("-", " ").title(),
        is_critical=critical,
        is_strategic=strategic,
        **kw,
    )
    link(mineral.sectors, sectors)
    link(mineral.milestones, milestones)
    return mineral


def make_stage(*, slug=None, name=None, order=0, milestones=()):
    from roadmaps.models import ValueChainStage

    slug = slug or f"stage-{_n()}"
    stage = ValueChainStage.objects.create(
        slug=slug, name=name or slug.replace("-", " ").title(), order=order
    )
    link(stage.milestones, milestones)
    return stage


def make_deadline_change(milestone, before: str, after: str, day: str, note="Re-dated", **kw):
    """A raw deadline-change history row at noon UTC of `day` (reads only; writes in the
    product go through record_deadline_change). Does not touch the milestone's due date."""
    with counters.maintained(
        Milestone.objects.filter(pk=milestone.pk), targets=[milestone.target_id]
    ):
        return MilestoneUpdate.objects.create(
            milestone=milestone,
            kind="deadline",
            status_before=milestone.status,
            status_after=milestone.status,
            due_date_before=datetime.date.fromisoformat(before),
            due_date_after=datetime.date.fromisoformat(after),
            note=note,
            created_at=at_noon(day),
            **kw,
        )
