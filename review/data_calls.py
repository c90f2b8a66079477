"""Data calls: one digest e-mail per steward listing what needs their attention.

An item is listed once, in the first of three sections it falls in: overdue (open, due
before today), due within 90 days (open), not reviewed (roadmaps.freshness' rule, for open
milestones and for indicators). Each steward gets one e-mail covering their sectors; a
sector already called for that steward today is left out, so a second run on the same day
sends nothing twice. Every e-mail sent is recorded as a DataCall; a failed send records
nothing.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Indicator
from review.models import DataCall
from review.services import absolute_url
from roadmaps.freshness import indicator_freshness, milestone_freshness
from roadmaps.models import Milestone, Sector, Status
from stakeholders.models import User

logger = logging.getLogger(__name__)

DUE_SOON_DAYS = 90
OVERDUE, DUE_SOON, NOT_REVIEWED = "overdue", "due_soon", "not_reviewed"
SECTIONS = (OVERDUE, DUE_SOON, NOT_REVIEWED)
CLOSED = (Status.ACHIEVED, Status.DISCONTINUED)


@dataclass
class Item:
    kind: str  # "milestone" or "indicator"
    code: str
    title: str
    reason: str  # one of SECTIONS
    due_date: datetime.date | None
    reviewed_on: datetime.date | None
    url: str

    def as_record(self) -> dict:
        return {"kind": self.kind, "code": self.code, "reason": self.reason, "url": self.url}


@dataclass
class Digest:
    steward: User
    sectors: list[Sector]
    items: list[Item] = field(default_factory=list)

    def section(self, reason: str) -> list[Item]:
        return [item for item in self.items if item.reason == reason]


@dataclass
class Result:
    sent: list[Digest] = field(default_factory=list)
    # Stewards with nothing new to call for today, or without an e-mail address.
    skipped: list[tuple[User, str]] = field(default_factory=list)
    failed: list[tuple[Digest, str]] = field(default_factory=list)


def _milestone_reason(milestone, day: datetime.date) -> str | None:
    if milestone.status not in CLOSED:
        if milestone.due_date < day:
            return OVERDUE
        if milestone.due_date <= day + datetime.timedelta(days=DUE_SOON_DAYS):
            return DUE_SOON
        if not milestone_freshness(milestone, day).is_current:
            return NOT_REVIEWED
    return None


def _items_by_sector(sectors, day: datetime.date) -> dict[int, list[Item]]:
    """Queries: the sectors' milestones with their last review, the indicators with their
    measurements and sectors."""
    items: dict[int, list[Item]] = {sector.pk: [] for sector in sectors}
    milestones = (
        Milestone.objects.current()
        .filter(target__roadmap__sector__in=sectors)
        .with_review(day)
        .select_related("target__roadmap__sector")
        .order_by("due_date", "code")
    )
    for milestone in milestones:
        reason = _milestone_reason(milestone, day)
        if reason:
            items[milestone.target.roadmap.sector_id].append(
                Item(
                    kind="milestone",
                    code=milestone.code,
                    title=milestone.title,
                    reason=reason,
                    due_date=milestone.due_date,
                    reviewed_on=milestone_freshness(milestone, day).reviewed_on,
                    url=absolute_url(reverse("roadmaps:staff-update", args=[milestone.code])),
                )
            )
    indicators = (
        Indicator.objects.filter(sectors__in=sectors)
        .distinct()
        .with_measurements(day)
        .prefetch_related(Prefetch("sectors", queryset=Sector.objects.filter(pk__in=list(items))))
        .order_by("code")
    )
    for indicator in indicators:
        freshness = indicator_freshness(indicator, day)
        if freshness.is_current:
            continue
        item = Item(
            kind="indicator",
            code=indicator.code,
            title=indicator.title,
            reason=NOT_REVIEWED,
            due_date=None,
            reviewed_on=freshness.reviewed_on,
            url=absolute_url(reverse("indicators:record-measurement", args=[indicator.code])),
        )
        for sector in indicator.sectors.all():
            items[sector.pk].append(item)
    return items


def collect_digests(*, day: datetime.date, sectors) -> tuple[list[Digest], list]:
    """The digests to send on `day` for `sectors`, and the stewards skipped with why.

    Queries: the sectors' stewards, the data calls already sent that day, the items (above).
    """
    sectors = list(
        sectors.prefetch_related(
            Prefetch(
                "stewards",
                queryset=User.objects.filter(is_active=True, is_staff=True).order_by("username"),
            )
        ).order_by("order", "slug")
    )
    already = {
        (call.steward_id, sector.pk)
        for call in DataCall.objects.filter(day=day).prefetch_related("sectors")
        for sector in call.sectors.all()
    }
    items = _items_by_sector(sectors, day)
    digests: dict[int, Digest] = {}
    skipped = []
    for sector in sectors:
        for steward in sector.stewards.all():
            if (steward.pk, sector.pk) in already:
                continue
            digest = digests.setdefault(steward.pk, Digest(steward=steward, sectors=[]))
            digest.sectors.append(sector)
            seen = {(item.kind, item.code) for item in digest.items}
            digest.items.extend(i for i in items[sector.pk] if (i.kind, i.code) not in seen)
    ready = []
    for digest in digests.values():
        if not digest.items:
            skipped.append((digest.steward, _("nothing to call for")))
        elif not digest.steward.email:
            skipped.append((digest.steward, _("no e-mail address")))
        else:
            # Overdue first, then due soon, then not reviewed; in due-date order within.
            digest.items.sort(key=lambda item: SECTIONS.index(item.reason))
            ready.append(digest)
    return ready, skipped


def render_digest(digest: Digest, day: datetime.date) -> tuple[str, str]:
    context = {
        "digest": digest,
        "day": day,
        "overdue": digest.section(OVERDUE),
        "due_soon": digest.section(DUE_SOON),
        "not_reviewed": digest.section(NOT_REVIEWED),
        "due_soon_days": DUE_SOON_DAYS,
        "queue_url": absolute_url(reverse("roadmaps:staff-queue")),
    }
    subject = _("RE-SOURCING tracker: %(count)s item(s) to update in %(sectors)s") % {
        "count": len(digest.items),
        "sectors": ", ".join(sector.name for sector in digest.sectors),
    }
    return subject, render_to_string("review/email/data_call.txt", context)


def send_data_calls(*, day: datetime.date, sectors, dry_run: bool = False) -> Result:
    """Send (or, dry, only collect) the day's digests. One e-mail per steward; each sent one
    recorded with its sectors and items; a failed one recorded nowhere and reported."""
    ready, skipped = collect_digests(day=day, sectors=sectors)
    result = Result(skipped=skipped)
    for digest in ready:
        if dry_run:
            result.sent.append(digest)
            continue
        subject, body = render_digest(digest, day)
        try:
            with transaction.atomic():
                call = DataCall.objects.create(
                    steward=digest.steward,
                    sent_at=timezone.now(),
                    day=day,
                    items=[item.as_record() for item in digest.items],
                )
                call.sectors.set(digest.sectors)
                # Inside the transaction: a send that fails rolls the record back.
                EmailMessage(subject, body, None, [digest.steward.email]).send()
        except OSError as exc:  # smtplib.SMTPException is an OSError
            logger.warning("Data call to %s failed: %s", digest.steward.username, exc)
            result.failed.append((digest, str(exc)))
        else:
            result.sent.append(digest)
    return result
