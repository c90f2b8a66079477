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

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Max
from django.utils import timezone

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


def _keys(scope: tuple, due: datetime.date, rest: tuple) -> tuple[tuple, tuple]:
    year_end = datetime.date(due.year, 12, 31)
    return (
        (*scope, ProgressCounter.YEAR, due.year, year_end, *rest),
        (*scope, ProgressCounter.DAY, due.year, due, *rest),
    )


# Up to this many milestones, their links and history are read by their ids (a short IN
# list); more (a rebuild), through the milestones' own query as a subquery.
LISTED = 500


def _linked(milestones, ids, through, column: str) -> dict:
    """{milestone id: [the `column` ids of its rows in the many-to-many table `through`]}."""
    links = {}
    rows = through.objects.using(milestones.db).filter(**_among(milestones, ids))
    for milestone_id, linked_id in rows.values_list("milestone_id", column):
        links.setdefault(milestone_id, []).append(linked_id)
    return links


def _among(milestones, ids) -> dict:
    """The rows of a table with a `milestone` foreign key that belong to `milestones`."""
    if len(ids) <= LISTED:
        return {"milestone_id__in": ids}
    return {"milestone__in": milestones.order_by().values("pk")}


def _counts(milestones, *, progress: bool = True, reviews: bool = True) -> tuple[Counter, Counter]:
    """(progress counts, review counts) of a Milestone QuerySet: each milestone read once with
    its links and its last review, in up to four plain queries, and counted here (a grouped
    query per kind of row cost more to build than a write's own statements)."""
    counts, review_counts = Counter(), Counter()
    rows = list(
        milestones.order_by().values_list("pk", "target__roadmap_id", "target_id", *KEY_FIELDS)
    )
    if not rows:
        return counts, review_counts
    ids = [row[0] for row in rows]
    if progress:
        model = milestones.model  # a migration's historical model, too
        groups = _linked(milestones, ids, model.stakeholder_groups.through, "stakeholdergroup_id")
        stages = _linked(milestones, ids, model.stages.through, "valuechainstage_id")
        for pk, roadmap_id, target_id, status, provenance, is_event, due in rows:
            rest = (status, provenance, is_event)
            # The target's rows; each group's; each stage's, or the stage None's when none.
            scopes = [(roadmap_id, target_id, None, None)]
            scopes += [(roadmap_id, None, group, None) for group in groups.get(pk, ())]
            scopes += [(roadmap_id, None, None, stage) for stage in stages.get(pk, [None])]
            for scope in scopes:
                for key in _keys(scope, due, rest):
                    counts[key] += 1
    if reviews:
        history = milestones.model._meta.get_field("updates").related_model
        last = dict(
            history.objects.using(milestones.db)
            .filter(**_among(milestones, ids))
            .order_by()
            .values("milestone_id")
            .annotate(last=Max("created_at"))
            .values_list("milestone_id", "last")
        )
        for pk, roadmap_id, _target, status, *_rest in rows:
            at = last.get(pk)
            # The day of the last review (the newest history row of any kind), in the
            # current time zone, as every reader of these counters takes it.
            day = None if at is None else timezone.localtime(at).date()
            review_counts[(roadmap_id, day, status)] += 1
    return counts, review_counts


def tally(milestones) -> Counter:
    """{key: milestones} of a Milestone QuerySet: every milestone under its target, under each
    of its stakeholder groups, and under each of its stages (under the stage None when it has
    none)."""
    return _counts(milestones, reviews=False)[0]


def tally_reviews(milestones) -> Counter:
    """{(roadmap, day of the last review, status): milestones} of a Milestone QuerySet (the
    last review: the newest history row of any kind)."""
    return _counts(milestones, progress=False)[1]


def _tallies(milestones) -> tuple[Counter, Counter]:
    return _counts(milestones)


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
    *,
    roadmaps=None,
    milestones=Milestone,
    model=ProgressCounter,
    reviews=ReviewCounter,
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """Recount from the milestones, wholesale (every roadmap, or those given). `milestones`,
    `model` and `reviews` (the review counters) may be a migration's historical models, and
    `using` the database it migrates."""
    with transaction.atomic(using=using):
        source = milestones.objects.using(using).all()
        if roadmaps is not None:
            source = source.filter(target__roadmap_id__in=roadmaps)
        progress_counts, review_counts = _counts(source)
        for counter, columns, counts in (
            (model, COLUMNS, progress_counts),
            (reviews, REVIEW_COLUMNS, review_counts),
        ):
            rows = counter.objects.using(using).all()
            if roadmaps is not None:
                rows = rows.filter(roadmap_id__in=roadmaps)
            rows.delete()
            counter.objects.using(using).bulk_create(
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
