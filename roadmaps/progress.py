"""Progress semantics: one definition used by every page, export and test (design.md).

- A milestone is due at the end of its due date; overdue after that day unless achieved or
  discontinued. Discontinued milestones count nowhere.
- actual = achieved / counted; expected = due by the as-of date / counted.
- Classification by actual / expected (= achieved / due) from the exact counts, with the
  Eurostat SDG / Open SDG thresholds 0.95 and 0.6.
- Statuses travel back in time through the append-only history; the set of milestones is
  today's.
"""

import datetime
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from resourcing.lib.dates import end_of_day, today
from roadmaps.models import MilestoneUpdate, Status

ON_TRACK_RATIO = Fraction(95, 100)
MODERATE_RATIO = Fraction(60, 100)
SHARE_DECIMALS = 4


class Classification:
    NO_DATA = "no_data"
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    MODERATE = "moderate"
    OFF_TRACK = "off_track"


def status_as_of(as_of: datetime.date):
    """An expression for a milestone's status at the end of `as_of`.

    The status_after of its last update by then; with none, the status_before of its first
    later update; with no updates at all, its current status. For today or later that is
    always the current status, so no subquery is needed.
    """
    if as_of >= today():
        return F("status")
    cutoff = end_of_day(as_of)
    history = MilestoneUpdate.objects.filter(milestone=OuterRef("pk"))
    last_before = (
        history.filter(created_at__lt=cutoff)
        .order_by("-created_at", "-pk")
        .values("status_after")[:1]
    )
    first_after = (
        history.filter(created_at__gte=cutoff)
        .order_by("created_at", "pk")
        .values("status_before")[:1]
    )
    return Coalesce(Subquery(last_before), Subquery(first_after), F("status"))


def counted_q(status_field: str = "status_as_of") -> Q:
    return ~Q(**{status_field: Status.DISCONTINUED})


def overdue_q(as_of: datetime.date, status_field: str = "status_as_of") -> Q:
    return Q(due_date__lt=as_of) & ~Q(
        **{f"{status_field}__in": [Status.ACHIEVED, Status.DISCONTINUED]}
    )


def progress_aggregates(as_of: datetime.date, status_field: str = "status_as_of") -> dict:
    """Conditional aggregates for a milestone QuerySet annotated with `status_field`.

    distinct=True keeps the counts right when the query joins through a many-to-many
    relation (stakeholder groups).
    """
    counted = counted_q(status_field)
    return {
        "counted": Count("pk", filter=counted, distinct=True),
        "achieved": Count("pk", filter=Q(**{status_field: Status.ACHIEVED}), distinct=True),
        "due": Count("pk", filter=counted & Q(due_date__lte=as_of), distinct=True),
        "overdue": Count("pk", filter=overdue_q(as_of, status_field), distinct=True),
    }


@dataclass(frozen=True)
class Progress:
    counted: int = 0
    achieved: int = 0
    due: int = 0
    overdue: int = 0

    @classmethod
    def from_row(cls, row: dict) -> "Progress":
        return cls(
            counted=row.get("counted") or 0,
            achieved=row.get("achieved") or 0,
            due=row.get("due") or 0,
            overdue=row.get("overdue") or 0,
        )

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
        }


def _share(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), SHARE_DECIMALS)


def with_status_as_of(queryset, as_of: datetime.date):
    return queryset.annotate(status_as_of=status_as_of(as_of))


def progress_of(queryset, as_of: datetime.date) -> Progress:
    """Progress of a milestone QuerySet: one query."""
    row = with_status_as_of(queryset, as_of).aggregate(**progress_aggregates(as_of))
    return Progress.from_row(row)


def progress_by(queryset, field: str, as_of: datetime.date) -> dict:
    """Progress per value of `field` (e.g. "target", "target__theme__slug"): one query."""
    rows = (
        with_status_as_of(queryset, as_of)
        .order_by()
        .values(field)
        .annotate(**progress_aggregates(as_of))
    )
    return {row[field]: Progress.from_row(row) for row in rows}


def status_counts(queryset, as_of: datetime.date) -> dict:
    """How many milestones had each status at the end of `as_of` (every status, zeros too):
    one query."""
    rows = (
        with_status_as_of(queryset, as_of)
        .order_by()
        .values("status_as_of")
        .annotate(milestones=Count("pk", distinct=True))
    )
    counts = dict.fromkeys(Status.values, 0)
    counts.update({row["status_as_of"]: row["milestones"] for row in rows})
    return counts


__all__ = [
    "Classification",
    "Progress",
    "progress_by",
    "progress_of",
    "status_as_of",
    "status_counts",
    "with_status_as_of",
]
