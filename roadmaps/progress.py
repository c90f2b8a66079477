"""Progress semantics: one definition used by every page, export and test (design.md).

- A milestone is due at the end of its due date; overdue after that day unless achieved or
  discontinued. Discontinued milestones count nowhere.
- actual = achieved / counted; expected = due by the as-of date / counted.
- Classification by actual / expected (= achieved / due) from the exact counts, with the
  Eurostat SDG / Open SDG thresholds 0.95 and 0.6.
- Statuses and due dates travel back in time through the append-only history (a deadline
  change is a history row with the old and new due date); the set of milestones is today's.
- Project events (Milestone.is_project_event) count nowhere, like discontinued milestones.
- Every block states its basis: counted, due and achieved by provenance, project events left
  out, from the same aggregate query.
"""

import datetime
import logging
import statistics
from dataclasses import dataclass, field
from fractions import Fraction

from django.db import DatabaseError, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.timezone import now

from pagecache.versions import current_past_version, past_version_row
from resourcing.lib import prepared
from resourcing.lib.dates import end_of_day, months_between, today
from roadmaps.models import (
    Milestone,
    MilestoneUpdate,
    PastProgress,
    Provenance,
    Status,
    UpdateKind,
)

logger = logging.getLogger(__name__)

ON_TRACK_RATIO = Fraction(95, 100)
MODERATE_RATIO = Fraction(60, 100)
SHARE_DECIMALS = 4


class Classification:
    NO_DATA = "no_data"
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    MODERATE = "moderate"
    OFF_TRACK = "off_track"


def _in_force(history, as_of: datetime.date, field: str):
    """An expression for a milestone's `field` at the end of `as_of`, from `history` (its
    MilestoneUpdate rows, OuterRef to the milestone).

    The `<field>_after` of its last row by then; with none, the `<field>_before` of its first
    later row; with no rows at all, its current value. For today or later that is always the
    current value, so no subquery is needed.
    """
    if as_of >= today():
        return F(field)
    cutoff = end_of_day(as_of)
    last_before = (
        history.filter(created_at__lt=cutoff)
        .order_by("-created_at", "-pk")
        .values(f"{field}_after")[:1]
    )
    first_after = (
        history.filter(created_at__gte=cutoff)
        .order_by("created_at", "pk")
        .values(f"{field}_before")[:1]
    )
    return Coalesce(Subquery(last_before), Subquery(first_after), F(field))


def status_as_of(as_of: datetime.date):
    """An expression for a milestone's status at the end of `as_of` (every update counts)."""
    return _in_force(MilestoneUpdate.objects.filter(milestone=OuterRef("pk")), as_of, "status")


def _deadline_history():
    return MilestoneUpdate.objects.filter(milestone=OuterRef("pk"), kind=UpdateKind.DEADLINE)


def due_date_as_of(as_of: datetime.date):
    """An expression for a milestone's due date at the end of `as_of` (deadline changes)."""
    return _in_force(_deadline_history(), as_of, "due_date")


def counted_q(status_field: str = "status_as_of") -> Q:
    """Counted toward progress: neither discontinued nor a project event."""
    return ~Q(**{status_field: Status.DISCONTINUED}) & Q(is_project_event=False)


def overdue_q(
    as_of: datetime.date, status_field: str = "status_as_of", due_field: str = "due_as_of"
) -> Q:
    """Past the due date in force that day, neither achieved nor discontinued, and counted
    (a project event is never overdue)."""
    return (
        Q(**{f"{due_field}__lt": as_of})
        & ~Q(**{f"{status_field}__in": [Status.ACHIEVED, Status.DISCONTINUED]})
        & Q(is_project_event=False)
    )


PROVENANCES = [Provenance.ROADMAP, Provenance.EU_LAW, Provenance.ILLUSTRATIVE]
BASIS_MEASURES = ("counted", "due", "achieved")


def _count_milestones(condition: Q):
    return Count("pk", filter=condition, distinct=True)


def _sum_counters(condition: Q):
    return Sum("milestones", filter=condition)


def progress_aggregates(
    as_of: datetime.date,
    status_field: str = "status_as_of",
    due_field: str = "due_as_of",
    tally=_count_milestones,
) -> dict:
    """Conditional aggregates for a milestone QuerySet annotated by with_status_as_of(), or
    (status_field "status", due_field "due_date", tally _sum_counters) for progress counters:
    the same rules over either.

    The basis (counted, due and achieved by provenance, project events left out) comes from
    the same query. distinct=True keeps the counts right when the query joins through a
    many-to-many relation (stakeholder groups).
    """
    counted = counted_q(status_field)
    measures = {
        "counted": counted,
        "achieved": counted & Q(**{status_field: Status.ACHIEVED}),
        "due": counted & Q(**{f"{due_field}__lte": as_of}),
    }
    aggregates = {name: tally(condition) for name, condition in measures.items()}
    aggregates["overdue"] = tally(overdue_q(as_of, status_field, due_field))
    aggregates["project_events"] = tally(Q(is_project_event=True))
    for name in BASIS_MEASURES:
        for provenance in PROVENANCES:
            aggregates[f"{name}__{provenance}"] = tally(measures[name] & Q(provenance=provenance))
    return aggregates


# Progress "as of today" (or later) from the progress counters (roadmaps.counters): the
# statuses and due dates in force are the current ones, which is what the counters hold. A
# page passes `counters`, the counter rows of the milestones it reads (ProgressCounter
# QuerySet methods in_sector() / current()); past days compute from the history.
COUNTER_FIELDS = {
    "target": "target",
    "target__theme": "target__theme",
    "target__roadmap__sector": "roadmap__sector",
    "stakeholder_groups": "group",
    "stages": "stage",
}


def _counter_scope(counters, field: str | None = None):
    """The counter rows of the targets, or of the groups (progress by group), or of the
    stages (progress by stage): each milestone is in the targets' rows once."""
    if field == "stakeholder_groups":
        return counters.filter(group__isnull=False)
    if field == "stages":
        return counters.filter(target__isnull=True, group__isnull=True)
    return counters.filter(target__isnull=False)


def _counter_rows(counters, as_of: datetime.date, field: str | None = None):
    """The counter rows that add up to progress on `as_of` (of _counter_scope): the day rows
    of `as_of`'s year and the year rows of the others."""
    from roadmaps.models import ProgressCounter

    rows = _counter_scope(counters, field)
    return rows.filter(
        Q(granularity=ProgressCounter.DAY, due_year=as_of.year)
        | (Q(granularity=ProgressCounter.YEAR) & ~Q(due_year=as_of.year))
    ).order_by()


def _from_counters(counters, as_of: datetime.date) -> bool:
    return counters is not None and as_of >= today()


def _counter_aggregates(as_of: datetime.date) -> dict:
    return progress_aggregates(as_of, "status", "due_date", _sum_counters)


@dataclass(frozen=True)
class Progress:
    counted: int = 0
    achieved: int = 0
    due: int = 0
    overdue: int = 0
    # What the verdict rests on: {measure: {provenance: count}} and the project events left
    # out of every count.
    by_provenance: dict = field(default_factory=dict, compare=False)
    project_events: int = 0
    # Every milestone, counted or not (progress_by(..., totals=True); else 0).
    total: int = field(default=0, compare=False)

    @classmethod
    def from_row(cls, row: dict) -> "Progress":
        return cls(
            counted=row.get("counted") or 0,
            achieved=row.get("achieved") or 0,
            due=row.get("due") or 0,
            overdue=row.get("overdue") or 0,
            by_provenance={
                name: {str(p): row.get(f"{name}__{p}") or 0 for p in PROVENANCES}
                for name in BASIS_MEASURES
            },
            project_events=row.get("project_events") or 0,
            total=row.get("total") or 0,
        )

    @classmethod
    def sum_of(cls, parts) -> "Progress":
        """The progress of disjoint sets of milestones together (each milestone in one part:
        a sector's targets, a theme's targets): every count is the sum of the parts'."""
        row = {}
        for part in parts:
            for name, count in (*part.measures().items(), ("total", part.total)):
                row[name] = row.get(name, 0) + count
        return cls.from_row(row)

    def measures(self) -> dict:
        """The row from_row reads (`total` aside): from_row(p.measures()) == p."""
        row = {
            "counted": self.counted,
            "achieved": self.achieved,
            "due": self.due,
            "overdue": self.overdue,
            "project_events": self.project_events,
        }
        for name in BASIS_MEASURES:
            for provenance, count in self.provenance_counts(name).items():
                row[f"{name}__{provenance}"] = count
        return row

    def provenance_counts(self, measure: str) -> dict:
        """{provenance: count} of one measure (counted, due, achieved); zeros when unknown."""
        counts = self.by_provenance.get(measure, {})
        return {str(p): counts.get(str(p), 0) for p in PROVENANCES}

    @property
    def basis(self) -> dict:
        """The JSON basis block: counted, due and achieved, each by provenance."""
        return {
            "counted": self.provenance_counts("counted"),
            "due": self.provenance_counts("due"),
            "achieved": self.provenance_counts("achieved"),
            "project_events_excluded": self.project_events,
        }

    @property
    def actual(self) -> Fraction | None:
        return Fraction(self.achieved, self.counted) if self.counted else None

    @property
    def expected(self) -> Fraction | None:
        return Fraction(self.due, self.counted) if self.counted else None

    @property
    def classification(self) -> str:
        if not self.counted:
            return Classification.NO_DATA
        if self.achieved == self.counted:
            return Classification.ACHIEVED
        if self.due == 0:
            return Classification.ON_TRACK
        ratio = Fraction(self.achieved, self.due)  # actual / expected, exactly
        if ratio >= ON_TRACK_RATIO:
            return Classification.ON_TRACK
        if ratio >= MODERATE_RATIO:
            return Classification.MODERATE
        return Classification.OFF_TRACK

    def as_dict(self) -> dict:
        """The progress block of design.md's data formats."""
        return {
            "counted": self.counted,
            "achieved": self.achieved,
            "due": self.due,
            "overdue": self.overdue,
            "actual": _share(self.actual),
            "expected": _share(self.expected),
            "classification": self.classification,
            "basis": self.basis,
        }


def _share(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), SHARE_DECIMALS)


def with_status_as_of(queryset, as_of: datetime.date):
    """Annotates `status_as_of` and `due_as_of`: what every count as of a day reads."""
    return queryset.annotate(status_as_of=status_as_of(as_of), due_as_of=due_date_as_of(as_of))


def progress_of(queryset, as_of: datetime.date, *, counters=None) -> Progress:
    """Progress of a milestone QuerySet: one query (on the `counters` rows of the same
    milestones, if given, when `as_of` is today or later)."""
    if _from_counters(counters, as_of):
        rows = _counter_rows(counters, as_of)
        row = prepared.aggregate(
            ("progress_of", prepared.base_key(rows), as_of),
            lambda: (rows, _counter_aggregates(as_of)),
        )
    else:
        # Before today the statuses and due dates come from the history (today() in the key).
        row = prepared.aggregate(
            ("progress_of_history", prepared.base_key(queryset), as_of, today()),
            lambda: (
                _once_per_milestone(with_status_as_of(queryset, as_of)),
                progress_aggregates(as_of),
            ),
        )
    return Progress.from_row(row)


def progress_by(
    queryset, field: str, as_of: datetime.date, *, counters=None, totals: bool = False
) -> dict:
    """Progress per value of `field` (e.g. "target", "target__theme__slug"): one query (on
    `counters` as for progress_of, for the fields of COUNTER_FIELDS). Progress by group
    from the counters leaves out the milestones of no group (the key None); by stage, the
    key None holds the milestones of no stage, as from the milestones.

    `totals`: each Progress also says how many milestones it has in all (`total`: counted or
    not, discontinued and project events too), from the same query."""
    if _from_counters(counters, as_of) and field in COUNTER_FIELDS:
        counter_rows = _counter_rows(counters, as_of, field)

        def build():
            aggregates = _counter_aggregates(as_of)
            if totals:
                aggregates["total"] = Sum("milestones")
            return counter_rows.values(key=F(COUNTER_FIELDS[field])).annotate(**aggregates)

        key = ("progress_by", prepared.base_key(counter_rows), field, as_of, totals)
        return {row["key"]: Progress.from_row(row) for row in prepared.rows(key, build)}

    def build():
        aggregates = progress_aggregates(as_of)
        if totals:
            aggregates["total"] = Count("pk", distinct=True)
        return with_status_as_of(queryset, as_of).order_by().values(field).annotate(**aggregates)

    key = ("progress_by_history", prepared.base_key(queryset), field, as_of, today(), totals)
    return {row[field]: Progress.from_row(row) for row in prepared.rows(key, build)}


def status_counts(queryset, as_of: datetime.date, *, counters=None) -> dict:
    """How many milestones had each status at the end of `as_of` (every status, zeros too):
    one query (on `counters` as for progress_of)."""
    if _from_counters(counters, as_of):
        rows = (
            _counter_rows(counters, as_of)
            .values(status_as_of=F("status"))
            .annotate(milestones=Sum("milestones"))
        )
    else:
        rows = (
            with_status_as_of(queryset, as_of)
            .order_by()
            .values("status_as_of")
            .annotate(milestones=Count("pk", distinct=True))
        )
    counts = dict.fromkeys(Status.values, 0)
    counts.update({row["status_as_of"]: row["milestones"] for row in rows})
    return counts


def counts_by_due_year(queryset, as_of: datetime.date, *, counters=None) -> list[dict]:
    """Milestones per due year and status as of `as_of` (dicts of due_year, status_as_of,
    milestones, by year then status), from Milestone.for_timeline_by_year() or, today, from
    the counters' year rows: one query."""
    if not _from_counters(counters, as_of):
        return list(queryset.for_timeline_by_year(as_of))
    from roadmaps.models import ProgressCounter

    return list(
        _counter_scope(counters)
        .filter(granularity=ProgressCounter.YEAR)
        .order_by()
        .values("due_year", status_as_of=F("status"))
        .annotate(milestones=Sum("milestones"))
        .order_by("due_year", "status_as_of")
    )


@dataclass(frozen=True)
class DeadlineHistory:
    """A milestone's deadline as of a day: the original and the current due date, the
    changes (oldest first) and the total slip in months."""

    original: datetime.date
    current: datetime.date
    changes: list

    @property
    def slip_months(self) -> int:
        return months_between(self.original, self.current)

    @property
    def is_postponed(self) -> bool:
        return self.current > self.original

    def as_dict(self) -> dict:
        return {
            "original_due_date": self.original.isoformat(),
            "current_due_date": self.current.isoformat(),
            "postponed": self.is_postponed,
            "slip_months": self.slip_months,
            "changes": [
                {
                    "created_at": change.created_at.isoformat(),
                    "due_date_before": change.due_date_before.isoformat(),
                    "due_date_after": change.due_date_after.isoformat(),
                    "slip_months": change.slip_months,
                    "reason": change.note,
                    "evidence_url": change.evidence_url,
                }
                for change in self.changes
            ],
        }


def deadline_history(due_as_of: datetime.date, updates) -> DeadlineHistory:
    """From a milestone's due date as of a day and its history up to that day (any order):
    no query."""
    changes = sorted(
        (update for update in updates if update.is_deadline_change),
        key=lambda update: (update.created_at, update.pk or 0),
    )
    original = changes[0].due_date_before if changes else due_as_of
    return DeadlineHistory(original=original, current=due_as_of, changes=changes)


@dataclass(frozen=True)
class Slippage:
    """How far a set of milestones' deadlines have moved: milestones re-dated, total and
    median slip in months (of the re-dated ones)."""

    slips: tuple = ()

    @property
    def redated(self) -> int:
        return len(self.slips)

    @property
    def total_months(self) -> int:
        return sum(self.slips)

    @property
    def median_months(self) -> float | None:
        return float(statistics.median(self.slips)) if self.slips else None

    def as_dict(self) -> dict:
        return {
            "milestones_redated": self.redated,
            "total_slip_months": self.total_months,
            "median_slip_months": self.median_months,
        }


def _redated_by(queryset, as_of: datetime.date):
    """The milestones of `queryset` re-dated by the end of `as_of`, found from the deadline
    changes (an index holds them apart from the many status updates): the cost follows the
    re-datings, not the milestones."""
    changes = MilestoneUpdate.objects.filter(
        kind=UpdateKind.DEADLINE, created_at__lt=end_of_day(as_of)
    )
    return queryset.filter(pk__in=changes.values("milestone_id"))


def slippage_of(queryset, as_of: datetime.date) -> Slippage:
    """Slippage of the milestones re-dated by the end of `as_of`: one query (the original
    due date is the first change's due_date_before; the current one is the due date then)."""
    changes = _deadline_history()
    original = changes.order_by("created_at", "pk").values("due_date_before")[:1]
    rows = (
        _redated_by(queryset, as_of)
        .annotate(original_due=Subquery(original), due_as_of=due_date_as_of(as_of))
        .order_by()
        .values_list("original_due", "due_as_of")
    )
    return Slippage(slips=tuple(months_between(original, due) for original, due in rows))


# Progress over time (sector dashboard, overview, report): the year ends since the first due
# dates, then quarter ends for the recent years, then the page's day; all in one query.
HISTORY_START_YEAR = 2020
QUARTERLY_YEARS = 2


def period_ends(as_of: datetime.date) -> list[datetime.date]:
    """The days progress over time is shown for: every year end from HISTORY_START_YEAR,
    every quarter end of the last QUARTERLY_YEARS years, and `as_of` itself; all by `as_of`.
    How many depends on `as_of` only, never on the data."""
    quarterly_from = as_of.year - QUARTERLY_YEARS + 1
    days = [datetime.date(year, 12, 31) for year in range(HISTORY_START_YEAR, quarterly_from)]
    for year in range(max(quarterly_from, HISTORY_START_YEAR), as_of.year + 1):
        for month, day in ((3, 31), (6, 30), (9, 30), (12, 31)):
            days.append(datetime.date(year, month, day))
    return [day for day in days if day < as_of] + [as_of]


def _over_time_annotations(days) -> dict:
    """The status and due date in force on day i of `days`, as status_as_of_<i> and
    due_as_of_<i>: the expressions every count reads."""
    annotations = {}
    for index, day in enumerate(days):
        annotations[f"status_as_of_{index}"] = status_as_of(day)
        annotations[f"due_as_of_{index}"] = due_date_as_of(day)
    return annotations


def _over_time_aggregates(days, prefix: str = "", tally=_count_milestones) -> dict:
    """progress_aggregates over _over_time_annotations(days), named <prefix>p<i>__<measure>."""
    return {
        f"{prefix}p{index}__{name}": aggregate
        for index, day in enumerate(days)
        for name, aggregate in progress_aggregates(
            day, f"status_as_of_{index}", f"due_as_of_{index}", tally
        ).items()
    }


def _progress_by_day(row: dict, days, prefix: str = "") -> list[tuple[datetime.date, Progress]]:
    """What _over_time_aggregates(days, prefix) counted in `row`, day by day."""
    series = []
    for index, day in enumerate(days):
        own = f"{prefix}p{index}__"
        measures = {key.removeprefix(own): n for key, n in row.items() if key.startswith(own)}
        series.append((day, Progress.from_row(measures)))
    return series


def _once_per_milestone(queryset):
    """`queryset` (one row per milestone, annotated with the values in force on some days)
    made DISTINCT, which changes no row: an aggregate over it then reads the annotations
    from an inner query that neither SQLite nor PostgreSQL merges into the aggregate, so
    each correlated subquery runs once per milestone. Merged, it would run again inside
    every aggregate reading it (fourteen a day): at 20,000 milestones and 200,000 history
    rows, twelve days took 45 s instead of a few."""
    return queryset.distinct()


def progress_over_time(queryset, days) -> list[tuple[datetime.date, Progress]]:
    """Progress of a milestone QuerySet at the end of each day, with the same rules as every
    other count (progress_of): one query whatever the number of days (conditional aggregates
    per day over the statuses and due dates in force that day)."""
    days = list(days)
    if not days:
        return []
    annotated = queryset.annotate(**_over_time_annotations(days))
    row = _once_per_milestone(annotated).aggregate(**_over_time_aggregates(days))
    return _progress_by_day(row, days)


def progress_over_time_by(queryset, field: str, days) -> dict:
    """{value of `field`: [(day, Progress), ...]}, each day as progress_by would give it: one
    query whatever the number of days."""
    days = list(days)
    if not days:
        return {}
    rows = (
        queryset.annotate(**_over_time_annotations(days))
        .order_by()
        .values(field)
        .annotate(**_over_time_aggregates(days))
    )
    return {row[field]: _progress_by_day(row, days) for row in rows}


# A past quarter's progress is stored (PastProgress) once a whole day has passed since it
# ended: no write transaction that began on that day can still be under way.
STORE_AFTER = datetime.timedelta(days=1)
QUARTER_ENDS = {(3, 31), (6, 30), (9, 30), (12, 31)}


def _storable(day: datetime.date) -> bool:
    return (day.month, day.day) in QUARTER_ENDS and end_of_day(day) + STORE_AFTER <= now()


def sector_progress_over_time(sector_ids, days, known=None) -> dict:
    """{sector id: [(day, Progress), ...]} of the milestones of each sector's current roadmap
    (Milestone.objects.in_sector) at the end of each of `days`: what progress_over_time_by
    gives, at a cost that does not grow with the history.

    `known`: {sector id: Progress} already read for the last of `days` (the page's own
    progress, from the counters as of today). A past quarter end comes from PastProgress when
    stored at the current past version (one query for all); the days still missing are
    computed from the history in one query, and the quarter ends among them stored with the
    past version read before that query (a write after it makes them stale, never wrong).
    Queries: 1 when every day is stored or known; else the stored ones, the past version,
    the computation and the upsert (in a savepoint of its own: a page never fails for it)."""
    sector_ids, days = list(sector_ids), list(days)
    found = {}
    for sector_id, progress in (known or {}).items():
        found[sector_id, days[-1]] = progress
    storable = [day for day in days if _storable(day)]
    if storable:
        rows = _still_valid(sector_ids, storable).values_list("sector_id", "day", "measures")
        for sector_id, day, measures in rows:
            found[sector_id, day] = Progress.from_row(measures)
    missing = [day for day in days if any((pk, day) not in found for pk in sector_ids)]
    if missing:
        version = current_past_version() if any(_storable(day) for day in missing) else None
        computed = _sectors_over_time(sector_ids, missing)
        stored = []
        for sector_id in sector_ids:
            for day, progress in computed[sector_id]:
                found.setdefault((sector_id, day), progress)
                if version is not None and _storable(day):
                    stored.append((sector_id, day, progress))
        _store(stored, version)
    return {pk: [(day, found[pk, day]) for day in days] for pk in sector_ids}


# Aggregates per query when several sectors' days are computed at once (PostgreSQL allows
# 1,664 result columns, SQLite 2,000).
MAX_AGGREGATES = 1000


def _sectors_over_time(sector_ids, days) -> dict:
    """{sector id: [(day, Progress), ...]} from the history, as progress_over_time gives it
    for each sector: each day's status and due date computed once per milestone in an inner
    query, then per sector conditional aggregates over it. (A GROUP BY would repeat those
    subqueries inside every aggregate: 20 times the work.) One query for as many sectors as
    MAX_AGGREGATES allows (five for today's 14 days)."""
    per_sector = len(days) * len(progress_aggregates(days[0]))
    chunk = max(1, MAX_AGGREGATES // per_sector)
    series = {}
    for start in range(0, len(sector_ids), chunk):
        part = sector_ids[start : start + chunk]
        # Its SQL (100 KB for three sectors and thirteen days) is built once per sectors,
        # days and date: the days before today read the history, today the current values.
        key = ("sectors_over_time", tuple(part), tuple(days), today())
        row = prepared.aggregate(key, lambda part=part: _sectors_over_time_query(part, days))
        for pk in part:
            series[pk] = _progress_by_day(row, days, f"s{pk}_")
    return series


def _sectors_over_time_query(sector_ids, days):
    """The query of _sectors_over_time for these sectors: (QuerySet, aggregates)."""
    milestones = Milestone.objects.current().annotate(
        sector_key=F("target__roadmap__sector"), **_over_time_annotations(days)
    )
    aggregates = {}
    for pk in sector_ids:

        def tally(condition, pk=pk):
            return _count_milestones(condition & Q(sector_key=pk))

        aggregates |= _over_time_aggregates(days, f"s{pk}_", tally)
    return _once_per_milestone(milestones.filter(sector_key__in=sector_ids)), aggregates


def store_past_progress() -> int:
    """Compute and store every sector's past quarter ends of period_ends(today) that are not
    stored at the current past version: what the first dashboard after a load would otherwise
    compute while its visitor waits. Run after bulk loads (load_resourcing,
    generate_demo_data). Returns how many were computed."""
    from roadmaps.models import Sector

    sector_ids = list(Sector.objects.values_list("pk", flat=True))
    days = [day for day in period_ends(today()) if _storable(day)]
    if not sector_ids or not days:
        return 0
    stored = _still_valid(sector_ids, days).count()
    sector_progress_over_time(sector_ids, days)
    return len(sector_ids) * len(days) - stored


def _still_valid(sector_ids, days):
    """The stored past progress of these sectors and days computed at the current past
    version (read in the same query)."""
    return PastProgress.objects.filter(
        sector__in=sector_ids, day__in=days, past_version=Subquery(past_version_row())
    )


def _store(points, version) -> None:
    """Upsert stored past progress; a page never fails for it (a lock held too long, a
    concurrent upsert): the next reader computes it again."""
    if not points:
        return
    rows = [
        PastProgress(sector_id=sector_id, day=day, past_version=version, measures=p.measures())
        for sector_id, day, p in sorted(points, key=lambda point: (point[0], point[1]))
    ]
    try:
        with transaction.atomic():
            PastProgress.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["sector", "day"],
                update_fields=["past_version", "measures"],
            )
    except DatabaseError:
        logger.warning("Past progress not stored; it will be computed again.", exc_info=True)


def redated(queryset, as_of: datetime.date) -> list:
    """The milestones slippage_of counts (re-dated by the end of `as_of`), each with
    `original_due`, `due_as_of`, `status_as_of` and `slip_months`, by due date in force: one
    query (their targets joined)."""
    changes = _deadline_history()
    original = changes.order_by("created_at", "pk").values("due_date_before")[:1]
    milestones = list(
        with_status_as_of(_redated_by(queryset, as_of), as_of)
        .annotate(original_due=Subquery(original))
        .select_related("target")
        .order_by("due_as_of", "code")
    )
    for milestone in milestones:
        milestone.slip_months = months_between(milestone.original_due, milestone.due_as_of)
    return milestones


__all__ = [
    "Classification",
    "DeadlineHistory",
    "Progress",
    "Slippage",
    "counts_by_due_year",
    "deadline_history",
    "due_date_as_of",
    "period_ends",
    "progress_by",
    "progress_of",
    "progress_over_time",
    "progress_over_time_by",
    "redated",
    "sector_progress_over_time",
    "slippage_of",
    "status_as_of",
    "status_counts",
    "store_past_progress",
    "with_status_as_of",
]
