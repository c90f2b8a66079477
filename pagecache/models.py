from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """One row: a counter bumped once by every transaction that writes public data.

    Cache invalidation, not domain data: page caches and ETags are keyed by it, so a write
    makes every cached page stale at once in every server process.
    """

    SINGLETON_PK = 1

    version = models.PositiveBigIntegerField(_("version"), default=1)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    # Bumped with `version` by every write that could change what the history says of a past
    # day; not by a status or deadline change recorded today (versions.past_unchanged), which
    # only appends history dated now. Stored past progress (roadmaps.PastProgress) is keyed by it.
    past_version = models.PositiveBigIntegerField(_("past version"), default=1)

    class Meta:
        # The table roadmaps' migration 0002 created; the model moved here in pagecache 0001
        # (state only), so existing databases keep their row.
        db_table = "roadmaps_dataversion"
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self):
        return f"{self.version} ({self.changed_at.isoformat()})"
