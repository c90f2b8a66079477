"""Synthetic roadmaps at scale, for benchmarks and tests only.

    python manage.py generate_demo_data --milestones 20000 --updates 200000 --seed 1

Creates sectors `synthetic-1` ... (flagged `Sector.is_synthetic`, so the overview and the
open-data downloads leave them out), one current roadmap each, targets, milestones and an
append-only history whose last status is each milestone's current status. Every row says
where it comes from: provenance `illustrative`, source "Synthetic demo data". Running it again
replaces the previous synthetic data and leaves the real data alone. The same seed gives the
same data (times come from a fixed window, not the clock).
"""

import datetime
import random
import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from pagecache.versions import bump_data_version
from roadmaps import counters
from roadmaps.models import (
    Milestone,
    MilestoneUpdate,
    PastProgress,
    ProgressCounter,
    Provenance,
    ReviewCounter,
    Roadmap,
    Sector,
    Status,
    Target,
    Theme,
)
from roadmaps.progress import store_past_progress
from stakeholders.models import StakeholderGroup

SLUG_PREFIX = "synthetic-"
SOURCE_TITLE = "Synthetic demo data (generate_demo_data)"
BATCH = 5000
# History falls in a fixed window so that a seed always gives the same rows.
HISTORY_START = datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC)
HISTORY_END = datetime.datetime(2025, 6, 30, tzinfo=datetime.UTC)
TARGET_YEARS = [2025, 2030, 2035, 2040, 2045, 2050]
# Roughly what a real roadmap looks like: few at risk, so `?status=at_risk` is selective.
STATUS_WEIGHTS = {
    Status.NOT_STARTED: 40,
    Status.IN_PROGRESS: 35,
    Status.ACHIEVED: 15,
    Status.AT_RISK: 5,
    Status.DISCONTINUED: 5,
}


def _delete_synthetic() -> int:
    """Remove earlier synthetic rows, children first.

    Raw deletes: Django's delete() would load each of possibly 200,000 history rows to send
    signals. The history is append-only for real data; these rows are benchmark fixtures.
    """
    sectors = Sector.objects.filter(is_synthetic=True)
    milestones = Milestone.objects.filter(target__roadmap__sector__in=sectors)
    targets = Target.objects.filter(roadmap__sector__in=sectors)
    steps = [
        ProgressCounter.objects.filter(roadmap__sector__in=sectors),
        ReviewCounter.objects.filter(roadmap__sector__in=sectors),
        PastProgress.objects.filter(sector__in=sectors),
        MilestoneUpdate.objects.filter(milestone__in=milestones),
        Milestone.stakeholder_groups.through.objects.filter(milestone__in=milestones),
        milestones,
        Target.stakeholder_groups.through.objects.filter(target__in=targets),
        targets,
        Roadmap.objects.filter(sector__in=sectors),
        Sector.stewards.through.objects.filter(sector__in=sectors),
        sectors,
    ]
    deleted = 0
    for queryset in steps:
        # Ids first, then plain DELETE ... WHERE id IN: a raw delete cannot join.
        ids = list(queryset.values_list("pk", flat=True))
        model = queryset.model
        for start in range(0, len(ids), BATCH):
            model.objects.filter(pk__in=ids[start : start + BATCH])._raw_delete(connection.alias)
        deleted += len(ids)
    return deleted


class Command(BaseCommand):
    help = "Generate synthetic roadmaps, milestones and history at scale (benchmarks, tests)."

    def add_arguments(self, parser):
        parser.add_argument("--milestones", type=int, default=20000)
        parser.add_argument("--updates", type=int, default=0)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--sectors", type=int, default=1)
        parser.add_argument("--targets-per-sector", type=int, default=24)

    def handle(self, *args, **options):
        n_milestones = options["milestones"]
        n_updates = options["updates"]
        n_sectors = options["sectors"]
        per_sector = options["targets_per_sector"]
        if n_milestones < 1:
            raise CommandError("--milestones must be at least 1.")
        if n_updates < 0:
            raise CommandError("--updates must not be negative.")
        if n_sectors < 1 or per_sector < 1:
            raise CommandError("--sectors and --targets-per-sector must be at least 1.")
        # Seeded and reproducible on purpose: demo data, nothing secret.
        rng = random.Random(options["seed"])  # noqa: S311
        started = time.monotonic()

        with transaction.atomic():
            removed = _delete_synthetic()
            if removed:
                self.stdout.write(f"removed {removed} earlier synthetic rows")
            themes = self._themes()
            groups = self._groups()
            targets = self._targets(rng, n_sectors, per_sector, themes, groups)
            self._milestones_and_history(rng, targets, groups, n_milestones, n_updates)
            counters.rebuild()
            bump_data_version()

        # Fresh bulk-loaded tables have no planner statistics; without them PostgreSQL and
        # SQLite guess, and the benchmark would measure the guess.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        # The sectors' past quarters, once (roadmaps.PastProgress): not by the first visitor.
        store_past_progress()
        self.stdout.write(
            self.style.SUCCESS(
                f"generated {n_sectors} synthetic sector(s), {len(targets)} targets, "
                f"{n_milestones} milestones, {n_updates} updates "
                f"in {time.monotonic() - started:.1f} s"
            )
        )

    def _themes(self):
        themes = list(Theme.objects.order_by("order", "slug"))
        if not themes:
            themes = Theme.objects.bulk_create(
                Theme(slug=f"{SLUG_PREFIX}theme-{i}", name=f"Synthetic theme {i}", order=100 + i)
                for i in range(1, 5)
            )
        return themes

    def _groups(self):
        groups = list(StakeholderGroup.objects.order_by("order", "slug"))
        if not groups:
            groups = StakeholderGroup.objects.bulk_create(
                StakeholderGroup(
                    slug=f"{SLUG_PREFIX}group-{i}", name=f"Synthetic group {i}", order=100 + i
                )
                for i in range(1, 4)
            )
        return groups

    def _targets(self, rng, n_sectors, per_sector, themes, groups):
        sectors = Sector.objects.bulk_create(
            Sector(
                slug=f"{SLUG_PREFIX}{k}",
                name=f"Synthetic sector {k}",
                description=SOURCE_TITLE,
                order=1000 + k,
                is_synthetic=True,
            )
            for k in range(1, n_sectors + 1)
        )
        roadmaps = Roadmap.objects.bulk_create(
            Roadmap(
                sector=sector,
                slug=f"{sector.slug}-2050",
                title=f"{sector.name}: roadmap 2050 (synthetic)",
                vision="Synthetic demo data for benchmarks and tests, not a RE-SOURCING roadmap.",
                source_title=SOURCE_TITLE,
            )
            for sector in sectors
        )
        targets = Target.objects.bulk_create(
            Target(
                roadmap=roadmap,
                theme=themes[t % len(themes)],
                code=f"SYN{k}-{t:02d}",
                title=f"Synthetic target {k}.{t}",
                target_year=rng.choice(TARGET_YEARS),
                provenance=Provenance.ILLUSTRATIVE,
                source_title=SOURCE_TITLE,
            )
            for k, roadmap in enumerate(roadmaps, start=1)
            for t in range(1, per_sector + 1)
        )
        through = Target.stakeholder_groups.through
        through.objects.bulk_create(
            through(target_id=target.pk, stakeholdergroup_id=group.pk)
            for target in targets
            for group in rng.sample(groups, k=min(len(groups), rng.randint(1, 2)))
        )
        self.stdout.write(f"sectors {len(sectors)}, targets {len(targets)}")
        return targets

    def _milestones_and_history(self, rng, targets, groups, n_milestones, n_updates):
        # How many updates each milestone gets, decided up front: its last status_after is
        # its current status, and its version counts them.
        per_milestone = Counter(rng.randrange(n_milestones) for _ in range(n_updates))
        window = int((HISTORY_END - HISTORY_START).total_seconds())
        statuses = list(STATUS_WEIGHTS)
        weights = list(STATUS_WEIGHTS.values())
        counters = Counter()
        group_through = Milestone.stakeholder_groups.through
        done_milestones = done_updates = 0

        for start in range(0, n_milestones, BATCH):
            stop = min(start + BATCH, n_milestones)
            milestones, histories = [], []
            for index in range(start, stop):
                target = targets[index % len(targets)]
                counters[target.pk] += 1
                history = self._history(rng, per_milestone[index], window, statuses, weights)
                if history:
                    status, updated_at = history[-1][1], history[-1][2]
                else:
                    status = rng.choices(statuses, weights)[0]
                    updated_at = HISTORY_START
                if rng.random() < 0.7:  # most roadmap milestones are "by <year>"
                    due = datetime.date(rng.randint(2020, 2050), 12, 31)
                else:
                    due = datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randrange(11322))
                code = f"{target.code}.{counters[target.pk]}"
                milestones.append(
                    Milestone(
                        target_id=target.pk,
                        code=code,
                        title=f"Synthetic milestone {code}",
                        description=SOURCE_TITLE,
                        due_date=due,
                        status=status,
                        version=1 + len(history),
                        updated_at=updated_at,
                        provenance=Provenance.ILLUSTRATIVE,
                        source_title=SOURCE_TITLE,
                    )
                )
                histories.append(history)
            Milestone.objects.bulk_create(milestones)
            group_through.objects.bulk_create(
                group_through(milestone_id=milestone.pk, stakeholdergroup_id=group.pk)
                for milestone in milestones
                for group in rng.sample(groups, k=min(len(groups), rng.randint(1, 2)))
            )
            updates = [
                MilestoneUpdate(
                    milestone_id=milestone.pk,
                    status_before=before,
                    status_after=after,
                    note=f"Synthetic update {number} of {milestone.code}.",
                    created_at=created_at,
                )
                for milestone, history in zip(milestones, histories, strict=True)
                for number, (before, after, created_at) in enumerate(history, start=1)
            ]
            for chunk in range(0, len(updates), BATCH):
                MilestoneUpdate.objects.bulk_create(updates[chunk : chunk + BATCH])
            done_milestones += len(milestones)
            done_updates += len(updates)
            self.stdout.write(
                f"milestones {done_milestones}/{n_milestones}, updates {done_updates}/{n_updates}"
            )

    @staticmethod
    def _history(rng, count, window, statuses, weights):
        """`count` status changes at distinct, increasing times: (before, after, when)."""
        if not count:
            return []
        seconds = sorted(rng.sample(range(window), count))
        history, before = [], Status.NOT_STARTED
        for offset in seconds:
            after = rng.choices(statuses, weights)[0]
            while after == before:
                after = rng.choices(statuses, weights)[0]
            history.append((before, after, HISTORY_START + datetime.timedelta(seconds=offset)))
            before = after
        return history
