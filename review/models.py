"""Proposals (review before publication) and data calls (reminders to stewards).

Neither is public: a proposal becomes public only when approved, as the MilestoneUpdate or
Measurement its approval writes through the usual service; a data call is an e-mail.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resourcing.lib.fields import HttpURLField
from resourcing.lib.validators import http_url_q, validate_no_control_characters
from roadmaps.models import NOTE_MAX_LENGTH


class ProposalKind(models.TextChoices):
    STATUS = "status", _("Status change")
    DEADLINE = "deadline", _("Deadline change")
    MEASUREMENT = "measurement", _("Measurement")


class ProposalState(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class ProposalQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=ProposalState.PENDING)

    def for_queue(self, user):
        """Pending proposals of the sectors this user stewards (their own included, so they
        see what awaits review), oldest first, with what a line of the queue shows."""
        from roadmaps.permissions import stewarded_sectors

        sectors = stewarded_sectors(user)
        return (
            self.pending()
            .filter(
                Q(milestone__target__roadmap__sector__in=sectors)
                | Q(indicator__sectors__in=sectors)
            )
            .distinct()
            .select_related("milestone", "indicator", "proposer")
            .order_by("created_at", "pk")
        )


class Proposal(models.Model):
    """A steward's change held for review: a different steward of the sector, or an
    administrator, approves it (review.services applies it through the usual writer against
    `base_version`) or returns it with a comment."""

    kind = models.CharField(_("kind"), max_length=20, choices=ProposalKind.choices)
    milestone = models.ForeignKey(
        "roadmaps.Milestone",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("milestone"),
    )
    indicator = models.ForeignKey(
        "indicators.Indicator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("indicator"),
    )
    # What the writer will be called with: {"status": ...}, {"due_date": "YYYY-MM-DD"}, or a
    # measurement's period, month, value (as text), flags, source_url, published_on.
    values = models.JSONField(_("proposed values"), default=dict)
    note = models.TextField(
        _("note or reason"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        validators=[validate_no_control_characters],
    )
    evidence_url = HttpURLField(_("evidence URL"), max_length=500, blank=True)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("proposed by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # The milestone's (or indicator's) version the proposer read: approval writes against it.
    base_version = models.PositiveIntegerField(_("base version"))
    state = models.CharField(
        _("state"), max_length=10, choices=ProposalState.choices, default=ProposalState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decided_proposals",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(
        _("reviewer's comment"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        validators=[validate_no_control_characters],
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[ProposalKind.STATUS, ProposalKind.DEADLINE])
                & Q(milestone__isnull=False, indicator__isnull=True)
                | Q(kind=ProposalKind.MEASUREMENT, milestone__isnull=True, indicator__isnull=False),
                name="proposal_subject_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(state__in=ProposalState.values), name="proposal_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(state=ProposalState.PENDING, decided_by__isnull=True)
                | ~Q(state=ProposalState.PENDING) & Q(decided_at__isnull=False),
                name="proposal_decided_when_not_pending",
            ),
            models.CheckConstraint(
                condition=http_url_q("evidence_url"), name="proposal_evidence_url_http"
            ),
        ]
        indexes = [
            # The work queue lists the pending proposals first.
            models.Index(
                fields=["created_at"],
                condition=Q(state="pending"),
                name="proposal_pending_idx",
            ),
        ]

    def __str__(self):
        subject = self.milestone.code if self.milestone_id else self.indicator.code
        return f"{subject}: {self.get_kind_display()} ({self.get_state_display()})"

    def get_absolute_url(self):
        return reverse("review:proposal-detail", args=[self.pk])

    @property
    def subject(self):
        return self.milestone if self.milestone_id else self.indicator

    @property
    def sectors(self) -> list:
        """The sectors whose stewards may decide it."""
        if self.milestone_id:
            return [self.milestone.target.roadmap.sector]
        return list(self.indicator.sectors.all())


class DataCall(models.Model):
    """One digest e-mail sent to one steward (send_data_calls): kept so a second run on the
    same day sends nothing twice, and so administrators see who was asked for what."""

    steward = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="data_calls",
        verbose_name=_("steward"),
    )
    sectors = models.ManyToManyField(
        "roadmaps.Sector", related_name="data_calls", verbose_name=_("sectors")
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    day = models.DateField(_("day"))
    # The items listed: [{"kind": "milestone"|"indicator", "code", "reason", "url"}, ...].
    items = models.JSONField(_("items"), default=list)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("data call")
        verbose_name_plural = _("data calls")
        indexes = [
            # "Already called today?": a day's data calls, per steward.
            models.Index(fields=["day", "steward"], name="datacall_day_steward_idx"),
        ]

    def __str__(self):
        return f"{self.steward} {self.day.isoformat()}"
