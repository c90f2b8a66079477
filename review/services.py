"""Review before publication: the only writers of proposals.

With `Sector.review_required` on, a steward's status change, re-dating or measurement is
held as a Proposal (propose_*). A different steward of the sector, or an administrator,
approves it (approve_proposal: applied through the usual writer of roadmaps.services or
indicators.services with expected_version=base_version, so a direct change made in between
makes the approval a conflict and writes nothing) or returns it with a comment
(return_proposal: the proposer is e-mailed). Who may decide is roadmaps.permissions'.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Indicator
from indicators.services import StaleVersionError as IndicatorStaleVersionError
from indicators.services import checked_value, record_measurement
from review.models import Proposal, ProposalKind, ProposalState
from roadmaps.models import Milestone, Status
from roadmaps.permissions import can_edit_content, require_decide_proposal
from roadmaps.services import (
    StaleVersionError,
    check_deadline_change,
    record_deadline_change,
    record_status_update,
)

logger = logging.getLogger(__name__)


class ProposalDecidedError(Exception):
    """The proposal was approved or returned already; nothing was written."""

    def __init__(self, proposal: Proposal):
        self.proposal = proposal
        super().__init__(f"Proposal {proposal.pk} is {proposal.state} already.")


def review_required(subject, user) -> bool:
    """Whether `user`'s change to this milestone or indicator is held for review: a steward's
    is, in a sector with review before publication; an administrator's is not (they approve
    any proposal, and change anything in the admin)."""
    if can_edit_content(user):
        return False
    if isinstance(subject, Milestone):
        return subject.target.roadmap.sector.review_required
    return any(sector.review_required for sector in subject.sectors.all())


def _check_current(subject, expected_version: int) -> None:
    """A proposal made against a version that is no longer there is refused like a direct
    change would be (the steward sees the newer state first)."""
    current = type(subject).objects.get(pk=subject.pk)
    if current.version != expected_version:
        if isinstance(subject, Milestone):
            raise StaleVersionError(current, expected_version)
        raise IndicatorStaleVersionError(current, expected_version)


def _hold(subject, expected_version: int, **fields) -> Proposal:
    """Save the proposal about `subject` (a milestone or an indicator), made against
    `expected_version`, in one transaction with the check that the version is still current."""
    subject_field = "milestone" if isinstance(subject, Milestone) else "indicator"
    proposal = Proposal(**{subject_field: subject}, base_version=expected_version, **fields)
    with transaction.atomic():
        _check_current(subject, expected_version)
        return _save(proposal)


def _save(proposal: Proposal) -> Proposal:
    proposal.note = (proposal.note or "").strip()
    proposal.evidence_url = (proposal.evidence_url or "").strip()
    proposal.full_clean(
        exclude=["milestone", "indicator", "proposer", "decided_by"],
        validate_unique=False,
        validate_constraints=False,
    )
    proposal.save()
    return proposal


def propose_status_change(
    *,
    milestone: Milestone,
    status: str,
    note: str,
    evidence_url: str = "",
    proposer,
    expected_version: int,
) -> Proposal:
    """Hold a status change for review. ValidationError names the field; StaleVersionError
    when the milestone changed since it was read. Nothing public changes."""
    if status not in Status.values:
        raise ValidationError({"status": _("Unknown status: %(status)s.") % {"status": status}})
    if not (note or "").strip():
        raise ValidationError({"note": _("This field is required.")})
    return _hold(
        milestone,
        expected_version,
        kind=ProposalKind.STATUS,
        values={"status": status},
        note=note,
        evidence_url=evidence_url,
        proposer=proposer,
    )


def propose_deadline_change(
    *,
    milestone: Milestone,
    due_date: datetime.date,
    reason: str,
    evidence_url: str = "",
    proposer,
    expected_version: int,
) -> Proposal:
    """Hold a re-dating for review (approval calls record_deadline_change)."""
    check_deadline_change(due_date=due_date, reason=reason)
    if due_date == milestone.due_date:
        raise ValidationError(
            {
                "due_date": _("%(code)s is already due on %(date)s.")
                % {"code": milestone.code, "date": due_date.isoformat()}
            }
        )
    return _hold(
        milestone,
        expected_version,
        kind=ProposalKind.DEADLINE,
        values={"due_date": due_date.isoformat()},
        note=reason,
        evidence_url=evidence_url,
        proposer=proposer,
    )


MEASUREMENT_FLAGS = ("is_provisional", "is_estimated", "is_break_in_series")


def propose_measurement(
    *,
    indicator: Indicator,
    period: int,
    month: int = 0,
    value,
    published_on: datetime.date,
    source_url: str = "",
    note: str = "",
    proposer,
    expected_version: int,
    **flags,
) -> Proposal:
    """Hold a measurement for review: checked now as record_measurement would check it."""
    unknown = set(flags) - set(MEASUREMENT_FLAGS)
    if unknown:
        raise TypeError(f"propose_measurement has no {sorted(unknown)}")
    value = checked_value(
        indicator=indicator, period=period, month=month, value=value, published_on=published_on
    )
    return _hold(
        indicator,
        expected_version,
        kind=ProposalKind.MEASUREMENT,
        values={
            "period": period,
            "month": month,
            "value": str(value),
            "published_on": published_on.isoformat(),
            **{name: bool(flags.get(name)) for name in MEASUREMENT_FLAGS},
        },
        note=note,
        evidence_url=source_url,
        proposer=proposer,
    )


def _lock_pending(proposal: Proposal) -> Proposal:
    current = (
        # Locks the proposal row only (its milestone or indicator may be the nullable side
        # of the join, which PostgreSQL cannot lock): two reviewers deciding at once queue.
        Proposal.objects.select_for_update(of=("self",))
        .select_related("milestone__target__roadmap__sector", "indicator", "proposer")
        .get(pk=proposal.pk)
    )
    if current.state != ProposalState.PENDING:
        raise ProposalDecidedError(current)
    return current


def _apply(proposal: Proposal, approver):
    values = proposal.values
    if proposal.kind == ProposalKind.STATUS:
        return record_status_update(
            milestone=proposal.milestone,
            status=values["status"],
            note=proposal.note,
            evidence_url=proposal.evidence_url,
            author=proposal.proposer,
            approved_by=approver,
            expected_version=proposal.base_version,
        )
    if proposal.kind == ProposalKind.DEADLINE:
        return record_deadline_change(
            milestone=proposal.milestone,
            due_date=datetime.date.fromisoformat(values["due_date"]),
            reason=proposal.note,
            evidence_url=proposal.evidence_url,
            author=proposal.proposer,
            approved_by=approver,
            expected_version=proposal.base_version,
        )
    return record_measurement(
        indicator=proposal.indicator,
        period=values["period"],
        month=values["month"],
        value=values["value"],
        published_on=datetime.date.fromisoformat(values["published_on"]),
        source_url=proposal.evidence_url,
        note=proposal.note,
        author=proposal.proposer,
        approved_by=approver,
        expected_version=proposal.base_version,
        check_author=False,
        **{name: values[name] for name in MEASUREMENT_FLAGS},
    )


def approve_proposal(*, proposal: Proposal, user):
    """Publish a pending proposal through its writer, against the version it was made on.

    Raises PermissionDenied (the proposer, or not a steward of its sector),
    ProposalDecidedError (approved or returned already), StaleVersionError (roadmaps' or
    indicators': the subject changed since), ValidationError (the writer refuses the values
    now); in every case nothing is written. Returns the MilestoneUpdate or Measurement.
    """
    require_decide_proposal(user, proposal)
    with transaction.atomic():
        current = _lock_pending(proposal)
        written = _apply(current, user)
        now = timezone.now()
        Proposal.objects.filter(pk=current.pk).update(
            state=ProposalState.APPROVED, decided_by=user, decided_at=now
        )
    proposal.state, proposal.decided_by, proposal.decided_at = ProposalState.APPROVED, user, now
    return written


def return_proposal(*, proposal: Proposal, user, comment: str) -> bool:
    """Send a pending proposal back with a comment, and e-mail the proposer. Raises
    PermissionDenied, ProposalDecidedError, or ValidationError for a missing comment.
    Returns whether the e-mail went out (a mail failure does not undo the decision)."""
    require_decide_proposal(user, proposal)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what to change: a comment is required.")})
    with transaction.atomic():
        current = _lock_pending(proposal)
        current.state = ProposalState.RETURNED
        current.decided_by = user
        current.decided_at = timezone.now()
        current.comment = comment
        current.full_clean(
            exclude=["milestone", "indicator", "proposer", "decided_by"],
            validate_unique=False,
            validate_constraints=False,
        )
        current.save(update_fields=["state", "decided_by", "decided_at", "comment"])
    proposal.state, proposal.comment = current.state, current.comment
    proposal.decided_by, proposal.decided_at = current.decided_by, current.decided_at
    return _mail_returned(current)


def absolute_url(path: str) -> str:
    """A link for an e-mail: SITE_URL (DJANGO_SITE_URL) and the path."""
    return settings.SITE_URL.rstrip("/") + path


def change_url(proposal: Proposal) -> str:
    """Where the proposer makes the change again."""
    if proposal.kind == ProposalKind.MEASUREMENT:
        path = reverse("indicators:record-measurement", args=[proposal.indicator.code])
        return absolute_url(path)
    if proposal.kind == ProposalKind.DEADLINE:
        return absolute_url(reverse("roadmaps:staff-redate", args=[proposal.milestone.code]))
    return absolute_url(reverse("roadmaps:staff-update", args=[proposal.milestone.code]))


def _mail_returned(proposal: Proposal) -> bool:
    if not proposal.proposer.email:
        return False
    context = {"proposal": proposal, "change_url": change_url(proposal)}
    subject = _("Your proposal for %(code)s was returned") % {"code": proposal.subject.code}
    try:
        send_mail(
            subject,
            render_to_string("review/email/proposal_returned.txt", context),
            None,
            [proposal.proposer.email],
        )
    except OSError:  # smtplib.SMTPException is an OSError
        logger.exception("Could not e-mail the proposer of proposal %s", proposal.pk)
        return False
    return True
