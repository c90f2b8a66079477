"""Writes that touch several models. The only write path for a milestone's status."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from pagecache.versions import bump_data_version
from roadmaps.models import Milestone, MilestoneUpdate, Status


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
