"""Progress counters: how many milestones share each set of the keys progress reads (roadmap,
target, stakeholder group or value-chain stage, status, due date, provenance, project event;
and, in ReviewCounter, roadmap, status and the day of the last review),
kept in the transaction of every write that changes them (roadmaps.services, the only writers
of milestones; links to a stage edited from the stage's side follow through `on_stage_links`)
and rebuilt wholesale after a fixture load, the demo data or
`manage.py rebuild_progress_counters`.

The counters hold raw keys, never verdicts: what counts, what is due, overdue or achieved is
decided only in roadmaps.progress (what is reviewed in time, in roadmaps.freshness), which
reads these rows with the same rules it applies to milestones. A write tallies the keys of
the milestones it changes before and after, and adds the difference (UPDATE ... SET
milestones = milestones + n: concurrent writers add up).

Inside `batched()` (the import), writes only note the roadmaps they touch; their counters
are rebuilt once when the batch ends, in the same transaction.
"""

import contextlib
import contextvars
import datetime
import functools
from collections import Counter

from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import TruncDate

from roadmaps.models import Milestone, ProgressCounter, ReviewCounter

KEY_FIELDS = ("status", "provenance", "is_project_event", "due_date")
# (roadmap, target, group, stage, granularity, due_year, due_date, status, provenance, project
# event)
COLUMNS = (
    "roadmap_id",
    "target_id",
    "group_id",
    "stage_id",
    "granularity",
    "due_year",
    "due_date",
    "status",
    "provenance",
    "is_project_event",
)

# The review counters' keys: (roadmap, day of the last review or None, status).
REVIEW_COLUMNS = ("roadmap_id", "reviewed_on", "status")

_batch = contextvars.ContextVar("progress_counter_batch", default=None)
# Inside maintained(): the write's own tally counts its stage links (on_stage_links stands by).
_maintaining = contextvars.ContextVar("progress_counter_maintaining", default=False)


def _keys(roadmap_id, target_id, group_id, stage_id, row) -> tuple[tuple, tuple]:
    due = row["due_date"]
    rest = (row["status"], row["provenance"], row["is_project_event"])
    year_end = datetime.date(due.year, 12, 31)
    scope = (roadmap_id, target_id, group_id, stage_id)
    return (
        (*scope, ProgressCounter.YEAR, due.year, year_end, *rest),
        (*scope, ProgressCounter.DAY, due.year, due, *rest),
    )


def tally(milestones) -> Counter:
    """{key: milestones} of a Milestone QuerySet: three grouped queries (targets, groups,
    stages; the milestones of no stage under the stage None)."""
    counts = Counter()
    rows = (
        milestones.order_by()
        .values("target_id", "target__roadmap_id", *KEY_FIELDS)
        .annotate(n=Count("pk"))
    )
    for row in rows:
        for key in _keys(row["target__roadmap_id"], row["target_id"], None, None, row):
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
        for key in _keys(row["roadmap_id"], None, row["stakeholdergroup_id"], None, row):
            counts[key] += row["n"]
    # Every milestone once per stage it is placed at, or once under None (a LEFT JOIN).
    stages = (
        milestones.order_by()
        .values("target__roadmap_id", "stages", *KEY_FIELDS)
        .annotate(n=Count("pk"))
    )
    for row in stages:
        for key in _keys(row["target__roadmap_id"], None, None, row["stages"], row):
            counts[key] += row["n"]
    return counts


def tally_reviews(milestones) -> Counter:
    """{(roadmap, day of the last review, status): milestones} of a Milestone QuerySet: one
    grouped query (the last review: the newest history row of any kind)."""
    history = milestones.model._meta.get_field("updates").related_model
    last = (
        history.objects.filter(milestone=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    rows = (
        milestones.order_by()
        .annotate(last_review=Subquery(last))
        .values("target__roadmap_id", "status", reviewed_on=TruncDate("last_review"))
        .annotate(n=Count("pk"))
    )
    counts = Counter()
    for row in rows:
        counts[(row["target__roadmap_id"], row["reviewed_on"], row["status"])] += row["n"]
    return counts


def _tallies(milestones) -> tuple[Counter, Counter]:
    return tally(milestones), tally_reviews(milestones)


def _add(difference: dict, model=ProgressCounter, columns=COLUMNS) -> None:
    """Adds each key's count (negative: removes), one UPDATE per key; new keys are inserted
    and emptied rows deleted."""
    new, emptied = [], set()
    # Always in the same order: two writers updating the same rows cannot deadlock.
    for key, n in sorted(difference.items(), key=lambda item: [str(part) for part in item[0]]):
        if not n:
            continue
        lookup = dict(zip(columns, key, strict=True))
        if _add_to_row(model, lookup, n):
            if n < 0:
                emptied.add(lookup["roadmap_id"])
        else:
            new.append(model(**lookup, milestones=n))
    model.objects.bulk_create(new)
    if emptied:
        model.objects.filter(roadmap_id__in=emptied, milestones=0).delete()


def _add_to_row(model, lookup: dict, n: int) -> bool:
    """UPDATE the row of `lookup` (its key) SET milestones = milestones + n; False when there
    is no such row. Written out: a write adds to several rows, and building each UPDATE
    through the ORM cost more than running it."""
    connection = transaction.get_connection()
    nulls = tuple(value is None for value in lookup.values())
    sql = _add_sql(connection.vendor, model, tuple(lookup), nulls)
    params = [n]
    for name, value in lookup.items():
        if value is not None:
            params.append(model._meta.get_field(name).get_db_prep_value(value, connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount > 0


@functools.lru_cache(maxsize=64)
def _add_sql(vendor: str, model, names: tuple, nulls: tuple) -> str:
    """The UPDATE of _add_to_row on `vendor`'s database, for keys with None where `nulls`
    says (IS NULL)."""
    quote = transaction.get_connection().ops.quote_name
    column = quote(model._meta.get_field("milestones").column)
    where = " AND ".join(
        f"{quote(model._meta.get_field(name).column)} " + ("IS NULL" if null else "= %s")
        for name, null in zip(names, nulls, strict=True)
    )
    return f"UPDATE {quote(model._meta.db_table)} SET {column} = {column} + %s WHERE {where}"  # noqa: S608


def _add_both(before: tuple, after: tuple) -> None:
    for model, columns, old, now in (
        (ProgressCounter, COLUMNS, before[0], after[0]),
        (ReviewCounter, REVIEW_COLUMNS, before[1], after[1]),
    ):
        _add({key: now[key] - old[key] for key in old.keys() | now.keys()}, model, columns)


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
    before = _tallies(milestones)
    token = _maintaining.set(True)
    try:
        yield
    finally:
        _maintaining.reset(token)
    _add_both(before, _tallies(milestones))


def touched(*, targets=(), roadmaps=()) -> None:
    """Inside batched(): a bulk write notes the targets and roadmaps (ids) whose milestones
    it wrote, for the batch's recount."""
    batch = _batch.get()
    if batch is None:
        raise RuntimeError("counters.touched() outside counters.batched()")
    batch["targets"].update(targets)
    batch["roadmaps"].update(roadmaps)


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


def rebuild(
    *, roadmaps=None, milestones=Milestone, model=ProgressCounter, reviews=ReviewCounter
) -> None:
    """Recount from the milestones, wholesale (every roadmap, or those given). `milestones`,
    `model` and `reviews` (the review counters) may be a migration's historical models."""
    with transaction.atomic():
        source = milestones.objects.all()
        if roadmaps is not None:
            source = source.filter(target__roadmap_id__in=roadmaps)
        for counter, columns, counts in (
            (model, COLUMNS, tally(source)),
            (reviews, REVIEW_COLUMNS, tally_reviews(source)),
        ):
            rows = counter.objects.all()
            if roadmaps is not None:
                rows = rows.filter(roadmap_id__in=roadmaps)
            rows.delete()
            counter.objects.bulk_create(
                (
                    counter(**dict(zip(columns, key, strict=True)), milestones=n)
                    for key, n in counts.items()
                ),
                batch_size=2000,
            )


def add(milestones) -> None:
    """Counts milestones that exist now but were never counted (test factories)."""
    _add_both((Counter(), Counter()), _tallies(milestones))


def remove(milestones) -> None:
    """Uncounts milestones about to be deleted."""
    _add_both(_tallies(milestones), (Counter(), Counter()))


def on_delete(sender, instance, **kwargs) -> None:
    """pre_delete of a Milestone: uncounted (the same transaction as the delete)."""
    remove(Milestone.objects.filter(pk=instance.pk))


# The milestones whose stage links are changing, between an m2m_changed pre_ and post_ signal,
# with their tally before: {(through, instance, action): (milestone ids, tally)}.
_links_before = contextvars.ContextVar("progress_counter_links_before", default=None)


def on_stage_links(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """m2m_changed of the milestone-stage links: a change made from the stage's side (the
    admin's stage form) moves its milestones between stage rows, in the same transaction.
    The services' own link changes run inside maintained() or a batch, which count them."""
    if _maintaining.get() or _batch.get() is not None:
        return
    when, _sep, what = action.partition("_")
    if when not in ("pre", "post") or what not in ("add", "remove", "clear"):
        return
    pending = _links_before.get()
    if pending is None:
        pending = {}
        _links_before.set(pending)
    key = (sender, id(instance), what)
    if when == "pre":
        if isinstance(instance, Milestone):
            ids = {instance.pk}
        elif what == "clear":
            ids = set(instance.milestones.values_list("pk", flat=True))
        else:
            ids = set(pk_set or ())
        if ids:
            pending[key] = (ids, tally(Milestone.objects.filter(pk__in=ids)))
        return
    if key not in pending:
        return
    ids, before = pending.pop(key)
    after = tally(Milestone.objects.filter(pk__in=ids))
    _add({name: after[name] - before[name] for name in before.keys() | after.keys()})


def on_stage_delete(sender, instance, **kwargs) -> None:
    """pre_delete of a ValueChainStage: its milestones move to their other stages' rows, or
    to no stage's, before its own rows go (they cascade with it)."""
    instance.milestones.clear()
