"""Writes that touch several models. The only write path for a milestone's status."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from resourcing.caching import bump_data_version
from roadmaps.models import (
    EARLIEST_DUE_DATE,
    LATEST_DUE_DATE,
    Milestone,
    MilestoneUpdate,
    Status,
    UpdateKind,
)


class StaleVersionError(Exception):
    """Someone changed the milestone since the writer read it; nothing was written."""

    def __init__(self, milestone: Milestone, expected_version: int):
        self.milestone = milestone
        self.expected_version = expected_version
        super().__init__(
            f"Milestone {milestone.code} is at version {milestone.version}, "
            f"not {expected_version}: it was updated in the meantime."
        )


def record_status_update(
    *,
    milestone: Milestone,
    status: str,
    note: str,
    evidence_url: str = "",
    author=None,
    expected_version: int,
    created_at: datetime.datetime | None = None,
) -> MilestoneUpdate:
    """Set a milestone's status and append the history row, in one transaction.

    The version check and the write are a single conditional UPDATE, so of two writers
    holding the same version exactly one wins, on SQLite and PostgreSQL alike (on
    PostgreSQL the UPDATE takes the row lock; the loser re-reads the new version).
    Raises StaleVersionError when `expected_version` is not the stored version, and
    ValidationError for a bad status, note or evidence URL; in both cases nothing is written.
    """
    now = created_at or timezone.now()
    note = (note or "").strip()
    evidence_url = (evidence_url or "").strip()
    if status not in Status.values:
        raise ValidationError({"status": _("Unknown status: %(status)s.") % {"status": status}})

    with transaction.atomic():
        current = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if current.version != expected_version:
            raise StaleVersionError(current, expected_version)
        update = MilestoneUpdate(
            milestone=current,
            status_before=current.status,
            status_after=status,
            note=note,
            evidence_url=evidence_url,
            author=author,
            created_at=now,
        )
        update.full_clean(validate_unique=False, validate_constraints=False)
        changed = Milestone.objects.filter(pk=current.pk, version=expected_version).update(
            status=status, version=F("version") + 1, updated_at=now
        )
        if changed != 1:
            current.refresh_from_db()
            raise StaleVersionError(current, expected_version)
        update.save()
        # Cache invalidation (resourcing/caching.py), committed with the write: every cached
        # public page and ETag is stale the moment the new status is visible.
        bump_data_version()

    milestone.status = status
    milestone.version = expected_version + 1
    milestone.updated_at = now
    update.milestone = milestone
    return update


def record_deadline_change(
    *,
    milestone: Milestone,
    due_date: datetime.date,
    reason: str,
    evidence_url: str = "",
    author=None,
    expected_version: int,
    created_at: datetime.datetime | None = None,
) -> MilestoneUpdate:
    """Re-date a milestone and append the history row (old and new due date), in one
    transaction; the only write path for a due date once a milestone exists.

    The same locking as record_status_update: the version check and the write are one
    conditional UPDATE. Raises StaleVersionError for a stale `expected_version`, and
    ValidationError naming the field (`due_date`, `reason`, `evidence_url`) for a date
    outside 2020-01-01..2050-12-31 or equal to the current one, a missing reason or a bad
    URL; in every case nothing is written.
    """
    now = created_at or timezone.now()
    reason = (reason or "").strip()
    evidence_url = (evidence_url or "").strip()
    if not isinstance(due_date, datetime.date) or isinstance(due_date, datetime.datetime):
        raise ValidationError({"due_date": _("Enter a valid date.")})
    if not EARLIEST_DUE_DATE <= due_date <= LATEST_DUE_DATE:
        raise ValidationError(
            {
                "due_date": _("%(date)s is outside %(earliest)s to %(latest)s.")
                % {
                    "date": due_date.isoformat(),
                    "earliest": EARLIEST_DUE_DATE.isoformat(),
                    "latest": LATEST_DUE_DATE.isoformat(),
                }
            }
        )
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the new due date.")})

    with transaction.atomic():
        current = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if current.version != expected_version:
            raise StaleVersionError(current, expected_version)
        if current.due_date == due_date:
            raise ValidationError(
                {
                    "due_date": _("%(code)s is already due on %(date)s.")
                    % {"code": current.code, "date": due_date.isoformat()}
                }
            )
        update = MilestoneUpdate(
            milestone=current,
            kind=UpdateKind.DEADLINE,
            status_before=current.status,
            status_after=current.status,
            due_date_before=current.due_date,
            due_date_after=due_date,
            note=reason,
            evidence_url=evidence_url,
            author=author,
            created_at=now,
        )
        try:
            update.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            # The history row calls the reason its note; the caller knows it as `reason`.
            errors = exc.message_dict
            if "note" in errors:
                errors["reason"] = errors.pop("note")
            raise ValidationError(errors) from exc
        changed = Milestone.objects.filter(pk=current.pk, version=expected_version).update(
            due_date=due_date, version=F("version") + 1, updated_at=now
        )
        if changed != 1:
            current.refresh_from_db()
            raise StaleVersionError(current, expected_version)
        update.save()
        bump_data_version()

    milestone.due_date = due_date
    milestone.version = expected_version + 1
    milestone.updated_at = now
    update.milestone = milestone
    return update
