"""Freshness: when an item was last reviewed, and whether that is recent enough.

The one rule, used by the public pages, the sector dashboard's share, the work queue's
"stale" mark and the data calls:

- A milestone's last review is its newest history row of any kind made by the day shown
  (a status change, a re-dating, or a reconfirmation: the same status with a dated note).
  It is reviewed within its sector's interval when that row was made on or after the same
  day `Sector.review_interval_months` months earlier. With no history it was never reviewed.
  An achieved or discontinued milestone is final: it needs no further review and always
  counts as reviewed (its last review is still shown).
- An indicator's last review is its newest measurement's publication day
  (`Measurement.published_on`, public by the day shown). Its data set's next release is
  expected `Indicator.release_interval_months` after that; once that day has passed without
  a newer value, it is not reviewed. With no measurement it was never reviewed.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from resourcing.lib.dates import add_months, start_of_day, today
from roadmaps.models import Status

FINAL_STATUSES = (Status.ACHIEVED, Status.DISCONTINUED)


@dataclass(frozen=True)
class Freshness:
    # The day of the last review (None: never reviewed).
    reviewed_on: datetime.date | None
    # Reviewed within the interval (or before the next expected release) as of the day shown.
    is_current: bool
    # The day by which the next review is due (None: never reviewed, due now).
    review_due: datetime.date | None = None


def review_cutoff(as_of: datetime.date, interval_months: int) -> datetime.datetime:
    """Reviews made at or after this moment are within the interval as of `as_of`."""
    return start_of_day(add_months(as_of, -interval_months))


def milestone_freshness(milestone, as_of: datetime.date) -> Freshness:
    """`milestone` carries `last_reviewed_at` (MilestoneQuerySet.with_review, or the work
    queue's `last_update_at`) and its target's roadmap's sector."""
    reviewed_at = getattr(milestone, "last_reviewed_at", None)
    if reviewed_at is None:
        reviewed_at = getattr(milestone, "last_update_at", None)
    interval = milestone.target.roadmap.sector.review_interval_months
    final = getattr(milestone, "status_as_of", milestone.status) in FINAL_STATUSES
    if reviewed_at is None:
        return Freshness(reviewed_on=None, is_current=final)
    reviewed_on = reviewed_at.date()
    return Freshness(
        reviewed_on=reviewed_on,
        is_current=final or reviewed_at >= review_cutoff(as_of, interval),
        review_due=None if final else add_months(reviewed_on, interval),
    )


def indicator_freshness(indicator, as_of: datetime.date) -> Freshness:
    """`indicator` carries `published` (IndicatorQuerySet.with_measurements(as_of))."""
    days = [measurement.published_on for measurement in indicator.published]
    if not days:
        return Freshness(reviewed_on=None, is_current=False)
    reviewed_on = max(days)
    next_release = add_months(reviewed_on, indicator.release_interval_months)
    return Freshness(
        reviewed_on=reviewed_on, is_current=as_of <= next_release, review_due=next_release
    )


def reviewed_milestone_counts(milestones, sector, as_of: datetime.date, *, counters=None) -> dict:
    """{"items": N, "reviewed": M} for a QuerySet of one sector's milestones annotated with
    `status_as_of` and `last_reviewed_at` (with_review): one query. As of today, given
    `counters` (the sector's ReviewCounter rows, kept by roadmaps.counters), from those."""
    cutoff = review_cutoff(as_of, sector.review_interval_months)
    if counters is not None and as_of >= today():
        # Days are UTC days and the cutoff is the start of one: reviewed at or after it is
        # reviewed on or after its day.
        current = Q(reviewed_on__gte=cutoff.date()) | Q(status__in=FINAL_STATUSES)
        counts = counters.order_by().aggregate(
            items=Sum("milestones"), reviewed=Sum("milestones", filter=current)
        )
        return {name: value or 0 for name, value in counts.items()}
    current = Q(last_reviewed_at__gte=cutoff) | Q(status_as_of__in=FINAL_STATUSES)
    return milestones.order_by().aggregate(items=Count("pk"), reviewed=Count("pk", filter=current))


@dataclass(frozen=True)
class ReviewedShare:
    items: int
    reviewed: int

    @property
    def share(self) -> float | None:
        return round(self.reviewed / self.items, 4) if self.items else None

    @property
    def not_reviewed(self) -> int:
        return self.items - self.reviewed


def reviewed_share(milestone_counts: dict, indicators, as_of: datetime.date) -> ReviewedShare:
    """The share of a sector's items (milestones and indicators) reviewed within the rule."""
    indicator_current = [indicator_freshness(i, as_of).is_current for i in indicators]
    return ReviewedShare(
        items=milestone_counts["items"] + len(indicator_current),
        reviewed=milestone_counts["reviewed"] + sum(indicator_current),
    )
