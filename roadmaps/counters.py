"""Progress counters: how many milestones share each set of the keys progress reads (roadmap,
target or stakeholder group, status, due date, provenance, project event), kept in the
transaction of every write that changes them (roadmaps.services, the only writers) and rebuilt
wholesale after a fixture load, the demo data or `manage.py rebuild_progress_counters`.

The counters hold raw keys, never verdicts: what counts, what is due, overdue or achieved is
decided only in roadmaps.progress, which reads these rows with the same rules it applies to
milestones. A write tallies the keys of the milestones it changes before and after, and adds
the difference (UPDATE ... SET milestones = milestones + n: concurrent writers add up).

Inside `batched()` (the import), writes only note the roadmaps they touch; their counters
are rebuilt once when the batch ends, in the same transaction.
"""

import contextlib
import contextvars
import datetime
from collections import Counter

from django.db import transaction
from django.db.models import Count, F

from roadmaps.models import Milestone, ProgressCounter

KEY_FIELDS = ("status", "provenance", "is_project_event", "due_date")
# (roadmap, target, group, granularity, due_year, due_date, status, provenance, project event)
COLUMNS = (
    "roadmap_id",
    "target_id",
    "group_id",
    "granularity",
    "due_year",
    "due_date",
    "status",
    "provenance",
    "is_project_event",
)

_batch = contextvars.ContextVar("progress_counter_batch", default=None)


def _keys(roadmap_id, target_id, group_id, row) -> tuple[tuple, tuple]:
    due = row["due_date"]
    rest = (row["status"], row["provenance"], row["is_project_event"])
    year_end = datetime.date(due.year, 12, 31)
    return (
        (roadmap_id, target_id, group_id, ProgressCounter.YEAR, due.year, year_end, *rest),
        (roadmap_id, target_id, group_id, ProgressCounter.DAY, due.year, due, *rest),
    )


def tally(milestones) -> Counter:
    """{key: milestones} of a Milestone QuerySet: two grouped queries (targets, groups)."""
    counts = Counter()
    rows = (
        milestones.order_by()
        .values("target_id", "target__roadmap_id", *KEY_FIELDS)
        .annotate(n=Count("pk"))
    )
    for row in rows:
        for key in _keys(row["target__roadmap_id"], row["target_id"], None, row):
            counts[key] += row["n"]
    through = milestones.model.stakeholder_groups.through
    links = (
        through.objects.filter(milestone__in=milestones.values("pk"))
        .order_by()
        .values(
            "stakeholdergroup_id",
            roadmap_id=F("milestone__target__roadmap_id"),
            **{name: F(f"milestone__{name}") for name in KEY_FIELDS},
        )
        .annotate(n=Count("pk"))
    )
    for row in links:
        for key in _keys(row["roadmap_id"], None, row["stakeholdergroup_id"], row):
            counts[key] += row["n"]
    return counts


def _add(difference: dict) -> None:
    """Adds each key's count (negative: removes), one UPDATE per key; new keys are inserted
    and emptied rows deleted."""
    new, emptied = [], set()
    # Always in the same order: two writers updating the same rows cannot deadlock.
    for key, n in sorted(difference.items(), key=lambda item: [str(part) for part in item[0]]):
        if not n:
            continue
        lookup = dict(zip(COLUMNS, key, strict=True))
        if ProgressCounter.objects.filter(**lookup).update(milestones=F("milestones") + n):
            if n < 0:
                emptied.add(lookup["roadmap_id"])
        else:
            new.append(ProgressCounter(**lookup, milestones=n))
    ProgressCounter.objects.bulk_create(new)
    if emptied:
        ProgressCounter.objects.filter(roadmap_id__in=emptied, milestones=0).delete()


@contextlib.contextmanager
def maintained(milestones, *, targets=(), roadmaps=()):
    """Around a write to a Milestone QuerySet (evaluated before and after): its counters
    follow, in the caller's transaction. Inside a batch, no query: the batch notes the
    `targets` and `roadmaps` the write touches (their ids) for its recount."""
    batch = _batch.get()
    if batch is not None:
        batch["targets"].update(targets)
        batch["roadmaps"].update(roadmaps)
        yield
        return
    before = tally(milestones)
    yield
    after = tally(milestones)
    _add({key: after[key] - before[key] for key in before.keys() | after.keys()})


@contextlib.contextmanager
def batched():
    """Many writes, one recount of the counters of the roadmaps they touched, at the end (in
    the caller's transaction). Nested batches join the outer one."""
    if _batch.get() is not None:
        yield
        return
    batch = {"targets": set(), "roadmaps": set()}
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
    from roadmaps.models import Target

    targets = Target.objects.filter(pk__in=batch["targets"])
    rebuild(roadmaps={*batch["roadmaps"], *targets.values_list("roadmap_id", flat=True)})


def rebuild(*, roadmaps=None, milestones=Milestone, model=ProgressCounter) -> None:
    """Recount from the milestones, wholesale (every roadmap, or those given). `milestones`
    and `model` may be a migration's historical models."""
    with transaction.atomic():
        rows = model.objects.all()
        source = milestones.objects.all()
        if roadmaps is not None:
            rows = rows.filter(roadmap_id__in=roadmaps)
            source = source.filter(target__roadmap_id__in=roadmaps)
        rows.delete()
        model.objects.bulk_create(
            (
                model(**dict(zip(COLUMNS, key, strict=True)), milestones=n)
                for key, n in tally(source).items()
            ),
            batch_size=2000,
        )


def add(milestones) -> None:
    """Counts milestones that exist now but were never counted (test factories)."""
    _add(tally(milestones))


def remove(milestones) -> None:
    """Uncounts milestones about to be deleted."""
    _add({key: -n for key, n in tally(milestones).items()})


def on_delete(sender, instance, **kwargs) -> None:
    """pre_delete of a Milestone: uncounted (the same transaction as the delete)."""
    remove(Milestone.objects.filter(pk=instance.pk))
