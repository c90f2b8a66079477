import datetime

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resourcing.lib import natural_keys
from resourcing.lib.dates import add_months, end_of_day, months_between
from resourcing.lib.fields import HttpURLField
from resourcing.lib.translations import (
    STATUS_COLUMNS,
    TranslationReview,
    translation_review_constraints,
)
from resourcing.lib.validators import (
    code_validator,
    http_url_q,
    validate_no_control_characters,
    validate_not_a_formula,
)

# The roadmaps run from their publication to 2050; nothing is due outside that window.
EARLIEST_DUE_DATE = datetime.date(2020, 1, 1)
LATEST_DUE_DATE = datetime.date(2050, 12, 31)
EARLIEST_YEAR = 2020
HORIZON_YEAR = 2050
NOTE_MAX_LENGTH = 2000
# Stewards are staff users in this group (created by stakeholders/migrations/0002), which grants
# them this permission, and listed in Sector.stewards.
CONSORTIUM_STAFF_GROUP = "Consortium staff"
STEWARD_PERMISSION = "roadmaps.change_milestone"
# The work queue's horizon for "due soon".
STAFF_HORIZON_MONTHS = 12
# A sector's items count as reviewed for this long after their last history row, unless the
# sector says otherwise (Sector.review_interval_months; roadmaps/freshness.py applies it).
DEFAULT_REVIEW_INTERVAL_MONTHS = 12
MAX_REVIEW_INTERVAL_MONTHS = 120
# Every text a page, feed or export shows refuses control characters (XML 1.0 cannot carry
# them: one broke a sector's Atom feed); text that reaches the public CSV downloads also
# refuses what a spreadsheet would run as a formula, so the export needs no escaping and the
# export -> import round trip stays exact.
SHOWN_TEXT = [validate_no_control_characters]
CSV_TEXT = [validate_no_control_characters, validate_not_a_formula]


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    AT_RISK = "at_risk", _("At risk")
    DISCONTINUED = "discontinued", _("Discontinued")


class UpdateKind(models.TextChoices):
    STATUS = "status", _("Status change")
    DEADLINE = "deadline", _("Deadline change")


class Provenance(models.TextChoices):
    ROADMAP = "roadmap", _("RE-SOURCING roadmap")
    EU_LAW = "eu-law", _("EU law")
    ILLUSTRATIVE = "illustrative", _("Illustrative placeholder")


def _choices_q(field: str, choices) -> Q:
    return Q(**{f"{field}__in": [value for value, _label in choices.choices]})


class SourceFields(models.Model):
    """Where a row comes from: every target and milestone says so."""

    source_title = models.CharField(
        _("source title"), max_length=300, blank=True, validators=CSV_TEXT
    )
    source_url = HttpURLField(_("source URL"), max_length=500, blank=True)
    provenance = models.CharField(
        _("provenance"), max_length=20, choices=Provenance.choices, default=Provenance.ROADMAP
    )

    class Meta:
        abstract = True


class SectorQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return natural_keys.get(self, slug=slug)

    def for_overview(self):
        """The sectors of the overview and scorecards, in their display order."""
        return self.real().order_by("order", "slug")

    def real(self):
        """Leaves out the synthetic sectors of `generate_demo_data` (benchmarks and tests)."""
        return self.filter(is_synthetic=False)


class Sector(TranslationReview):
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=150, validators=SHOWN_TEXT)
    description = models.TextField(_("description"), blank=True, validators=SHOWN_TEXT)
    lead_partner = models.CharField(
        _("lead partner"), max_length=200, blank=True, validators=SHOWN_TEXT
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Set only by `generate_demo_data`: synthetic data for benchmarks, kept out of the
    # overview and the open-data downloads.
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False, editable=False)
    stewards = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("stewards"),
        related_name="stewarded_sectors",
        blank=True,
        help_text=_("Staff users who may update the status of this sector's milestones."),
    )
    review_interval_months = models.PositiveSmallIntegerField(
        _("review interval (months)"),
        default=DEFAULT_REVIEW_INTERVAL_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REVIEW_INTERVAL_MONTHS)],
        help_text=_(
            "An item not reviewed for this long is marked “not reviewed since” publicly and "
            "listed in the stewards' data calls."
        ),
    )
    review_required = models.BooleanField(
        _("review before publication"),
        default=False,
        help_text=_(
            "A steward's status change, re-dating or measurement becomes a proposal that "
            "another steward of the sector (or an administrator) approves before it is public."
        ),
    )

    objects = SectorQuerySet.as_manager()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        constraints = translation_review_constraints("sector")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("roadmaps:sector-dashboard", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class RoadmapQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return natural_keys.get(self, slug=slug)

    def current(self):
        return self.filter(is_current=True)


class Roadmap(TranslationReview):
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="roadmaps", verbose_name=_("sector")
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300, validators=SHOWN_TEXT)
    vision = models.TextField(_("2050 vision"), validators=SHOWN_TEXT)
    horizon_year = models.PositiveSmallIntegerField(
        _("horizon year"),
        default=HORIZON_YEAR,
        validators=[MinValueValidator(EARLIEST_YEAR), MaxValueValidator(HORIZON_YEAR)],
    )
    published = models.DateField(_("published"), null=True, blank=True)
    source_title = models.CharField(
        _("source title"), max_length=300, blank=True, validators=SHOWN_TEXT
    )
    source_url = HttpURLField(_("source URL"), max_length=500, blank=True)
    is_current = models.BooleanField(_("current roadmap of its sector"), default=True)

    objects = RoadmapQuerySet.as_manager()

    class Meta:
        ordering = ["sector__order", "-is_current", "slug"]
        verbose_name = _("roadmap")
        verbose_name_plural = _("roadmaps")
        constraints = [
            *translation_review_constraints("roadmap"),
            models.UniqueConstraint(
                fields=["sector"],
                condition=Q(is_current=True),
                name="roadmap_one_current_per_sector",
                violation_error_message=_("This sector already has a current roadmap."),
            ),
            models.CheckConstraint(
                condition=Q(horizon_year__gte=EARLIEST_YEAR, horizon_year__lte=HORIZON_YEAR),
                name="roadmap_horizon_year_2020_2050",
            ),
            models.CheckConstraint(
                condition=http_url_q("source_url"), name="roadmap_source_url_http"
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["roadmaps.sector"]


class ThemeQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return natural_keys.get(self, slug=slug)


class Theme(TranslationReview):
    """A cross-sector area (the Final Report's 2050 targets and enablers), for comparison."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=150, validators=SHOWN_TEXT)
    description = models.TextField(_("description"), blank=True, validators=SHOWN_TEXT)
    is_enabler = models.BooleanField(
        _("enabler"), default=False, help_text=_("An enabler rather than a 2050 target.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = translation_review_constraints("theme")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class TargetQuerySet(models.QuerySet):
    def get_by_natural_key(self, code):
        return natural_keys.get(self, code=code)

    def in_sector(self, sector):
        return self.filter(roadmap__sector=sector, roadmap__is_current=True)


class Target(SourceFields, TranslationReview):
    roadmap = models.ForeignKey(
        Roadmap, on_delete=models.CASCADE, related_name="targets", verbose_name=_("roadmap")
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="targets", verbose_name=_("theme")
    )
    code = models.CharField(_("code"), max_length=30, unique=True, validators=[code_validator])
    title = models.CharField(_("title"), max_length=300, validators=CSV_TEXT)
    description = models.TextField(_("description"), blank=True, validators=SHOWN_TEXT)
    # No year: an enabler (international cooperation, a level playing field), which the
    # Final Report names beside the 2050 targets without a date (roadmap-facts.md section 2).
    target_year = models.PositiveSmallIntegerField(
        _("target year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(EARLIEST_YEAR), MaxValueValidator(HORIZON_YEAR)],
        help_text=_("Leave empty for an enabler, which has no target year."),
    )
    stakeholder_groups = models.ManyToManyField(
        "stakeholders.StakeholderGroup",
        verbose_name=_("stakeholder groups addressed"),
        related_name="targets",
        blank=True,
    )

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            *translation_review_constraints("target"),
            # A year in the roadmaps' window, or none at all: the target is an enabler.
            models.CheckConstraint(
                condition=Q(target_year__isnull=True)
                | Q(target_year__gte=EARLIEST_YEAR, target_year__lte=HORIZON_YEAR),
                name="target_year_2020_2050_or_enabler",
            ),
            models.CheckConstraint(
                condition=_choices_q("provenance", Provenance), name="target_provenance_valid"
            ),
            models.CheckConstraint(
                condition=http_url_q("source_url"), name="target_source_url_http"
            ),
            models.CheckConstraint(condition=~Q(code=""), name="target_code_not_empty"),
        ]

    def __str__(self):
        return f"{self.code}: {self.title}"

    def natural_key(self):
        return (self.code,)

    @property
    def is_enabler(self) -> bool:
        """An enabler has no target year; its milestones still count toward progress."""
        return self.target_year is None

    natural_key.dependencies = [
        "roadmaps.roadmap",
        "roadmaps.theme",
        "stakeholders.stakeholdergroup",
    ]


# The columns a milestone shown as a marker (timeline, value chain) needs, with what marks an
# unreviewed translation of its title (content_translation).
MARKER_COLUMNS = (
    "code",
    "title",
    "due_date",
    "provenance",
    "status",
    "is_project_event",
    *STATUS_COLUMNS,
)


class MilestoneQuerySet(models.QuerySet):
    def get_by_natural_key(self, code):
        return natural_keys.get(self, code=code)

    def in_sector(self, sector):
        """The milestones of the sector's current roadmap. Filtered by its targets' ids (IN a
        subquery), not a join: a query ordered by due date with a LIMIT can then walk the
        due-date index and stop (SQLite would otherwise start from the roadmap's targets and
        sort every milestone of a large sector)."""
        return self.filter(target__in=Target.objects.in_sector(sector).values("pk"))

    def with_last_update(self):
        """`last_update_at`: when the latest status update was recorded (None: never)."""
        return self.annotate(last_update_at=models.Max("updates__created_at"))

    def for_staff_queue(self, as_of: datetime.date):
        """The steward's work queue: overdue first, then due within 12 months, then the rest.

        Annotates `queue_rank` (0 overdue, 1 due soon, 2 the rest) and `last_update_at`;
        whether a row is stale is roadmaps.freshness' rule (the sector's review interval),
        applied by the view to the page's rows. One query.
        """
        soon = add_months(as_of, STAFF_HORIZON_MONTHS)
        open_q = ~Q(status__in=[Status.ACHIEVED, Status.DISCONTINUED])
        return (
            self.with_last_update()
            .annotate(
                queue_rank=models.Case(
                    models.When(open_q & Q(due_date__lt=as_of), then=models.Value(0)),
                    models.When(open_q & Q(due_date__lte=soon), then=models.Value(1)),
                    default=models.Value(2),
                    output_field=models.IntegerField(),
                ),
            )
            .select_related("target__roadmap__sector")
            .order_by("queue_rank", "due_date", "code")
        )

    def real(self):
        """Leaves out the milestones of synthetic sectors (`generate_demo_data`)."""
        return self.filter(target__roadmap__sector__is_synthetic=False)

    # Public pages: statuses as of a day come from roadmaps.progress, which imports this
    # module, hence the imports inside the methods.

    def current(self):
        """Milestones of the sectors' current roadmaps: the ones that are counted."""
        return self.filter(target__roadmap__is_current=True)

    def with_status_as_of(self, as_of: datetime.date):
        from roadmaps.progress import with_status_as_of

        return with_status_as_of(self, as_of)

    def with_review(self, as_of: datetime.date):
        """Annotates, from the history made by the end of `as_of` (subqueries of the same
        query): `last_reviewed_at`, the newest history row of any kind (a same-status
        reconfirmation is a review), and `status_evidence_url`, the evidence of the newest
        status change ("" when reported with a note only, None with no history)."""
        history = MilestoneUpdate.objects.filter(
            milestone=models.OuterRef("pk"), created_at__lt=end_of_day(as_of)
        ).order_by("-created_at", "-pk")
        return self.annotate(
            last_reviewed_at=models.Subquery(history.values("created_at")[:1]),
            status_evidence_url=models.Subquery(
                history.filter(STATUS_ROWS_Q).values("evidence_url")[:1]
            ),
        )

    def overdue_as_of(self, as_of: datetime.date):
        """Overdue at the end of `as_of`, most overdue first (one query, target joined)."""
        from roadmaps.progress import overdue_q

        return (
            self.with_status_as_of(as_of)
            .filter(overdue_q(as_of))
            .select_related("target")
            .order_by("due_as_of", "code")
        )

    def for_timeline(self, as_of: datetime.date):
        """The few columns a timeline marker needs, for every milestone (one query)."""
        return (
            self.with_status_as_of(as_of)
            .select_related("target")
            .only(*MARKER_COLUMNS, "target__code")
            .order_by("due_as_of", "code")
        )

    def for_timeline_by_year(self, as_of: datetime.date):
        """Milestones per due year and status as of `as_of` (one grouped query): the
        timeline of a sector too large to place every milestone on one page."""
        from django.db.models import Count
        from django.db.models.functions import ExtractYear

        return (
            self.with_status_as_of(as_of)
            .order_by()
            # The year of the due date in force on `as_of` (deadline changes are history).
            .values("status_as_of", due_year=ExtractYear("due_as_of"))
            .annotate(milestones=Count("pk"))
            .order_by("due_year", "status_as_of")
        )

    def next_due_per_sector(self, as_of: datetime.date, per_sector: int = 3):
        """The next open milestones coming due after `as_of`, at most `per_sector` for each
        sector, in one query (a window function ranks them within their sector)."""
        from django.db.models import F, Window
        from django.db.models.functions import RowNumber

        return (
            self.current()
            .with_status_as_of(as_of)
            .filter(due_as_of__gte=as_of)
            .exclude(status_as_of__in=[Status.ACHIEVED, Status.DISCONTINUED])
            .annotate(
                sector_id=F("target__roadmap__sector_id"),
                rank_in_sector=Window(
                    RowNumber(),
                    partition_by=[F("target__roadmap__sector_id")],
                    order_by=[F("due_as_of").asc(), F("code").asc()],
                ),
            )
            .filter(rank_in_sector__lte=per_sector)
            .order_by("due_as_of", "code")
        )

    def next_due(self, as_of: datetime.date, limit: int):
        """The next `limit` open milestones coming due on or after `as_of`, by due date in
        force (one query; "as of today" it reads the due-date index in order and stops)."""
        return (
            self.with_status_as_of(as_of)
            .filter(due_as_of__gte=as_of)
            .exclude(status_as_of__in=[Status.ACHIEVED, Status.DISCONTINUED])
            .order_by("due_as_of", "code")[:limit]
        )

    def for_value_chain(self, as_of: datetime.date, per_stage: int, stages):
        """The milestones placed by value-chain stage: for each of `stages` (their ids) and
        for "no stage given" (`stage_id` None), the first `per_stage` by due date, each with
        `stage_id`. One query at any size: a UNION of one part per stage, each taking the
        first few of its stage in due-date order (an index); a milestone of two stages comes
        once per stage. How many each stage has in all: the progress counters."""
        from django.db.models import Exists, IntegerField, OuterRef, Value

        placed = self.with_status_as_of(as_of).only(*MARKER_COLUMNS, "target_id")
        links = self.model.stages.through.objects.filter(milestone=OuterRef("pk"))
        parts = []
        for stage in [*stages, None]:
            # (NOT) EXISTS rather than a join: the planner may then walk the due-date index
            # and stop at the first few, which a sort of every milestone would not.
            placed_there = Exists(links.filter(valuechainstage=stage)) if stage else ~Exists(links)
            first = self.filter(placed_there).order_by("due_date", "code").values("pk")[:per_stage]
            parts.append(
                placed.filter(pk__in=first)
                .annotate(stage_id=Value(stage, output_field=IntegerField()))
                .order_by()
            )
        return parts[0].union(*parts[1:], all=True).order_by("due_date", "code")


class Milestone(SourceFields, TranslationReview):
    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("target")
    )
    code = models.CharField(_("code"), max_length=30, unique=True, validators=[code_validator])
    title = models.CharField(_("title"), max_length=300, validators=CSV_TEXT)
    description = models.TextField(_("description"), blank=True, validators=CSV_TEXT)
    due_date = models.DateField(
        _("due date"),
        validators=[MinValueValidator(EARLIEST_DUE_DATE), MaxValueValidator(LATEST_DUE_DATE)],
        help_text=_('"By 2030" is 2030-12-31.'),
    )
    stakeholder_groups = models.ManyToManyField(
        "stakeholders.StakeholderGroup",
        verbose_name=_("stakeholder groups responsible"),
        related_name="milestones",
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    # A step of the RE-SOURCING project itself (a consultation, a publication): shown with its
    # history, counted in no progress (roadmaps.progress.counted_q).
    is_project_event = models.BooleanField(
        _("project event"),
        default=False,
        help_text=_(
            "A step of the project itself (a consultation, a publication), not a roadmap "
            "milestone: shown with its history, counted in no progress."
        ),
    )
    # Optimistic locking: every status or due-date change bumps it; a writer holding an older
    # one is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "code"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            *translation_review_constraints("milestone"),
            models.CheckConstraint(
                condition=_choices_q("status", Status), name="milestone_status_valid"
            ),
            models.CheckConstraint(
                condition=_choices_q("provenance", Provenance), name="milestone_provenance_valid"
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=EARLIEST_DUE_DATE, due_date__lte=LATEST_DUE_DATE),
                name="milestone_due_date_2020_2050",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="milestone_version_positive"),
            models.CheckConstraint(
                condition=http_url_q("source_url"), name="milestone_source_url_http"
            ),
            models.CheckConstraint(condition=~Q(code=""), name="milestone_code_not_empty"),
        ]
        indexes = [
            # Overdue lists, timelines and "due by" counts filter and order by due date.
            models.Index(fields=["due_date", "code"], name="milestone_due_date_idx"),
            # Status filters and the status breakdown on dashboards.
            models.Index(fields=["status"], name="milestone_status_idx"),
            # The filtered milestone list `?status=at_risk` (and overdue lists, which exclude
            # achieved/discontinued): rows of one status already in the list's order.
            models.Index(fields=["status", "due_date", "code"], name="milestone_status_due_idx"),
            # A sector's milestones by target (dashboard target blocks, `?target=`,
            # `?due_from=&due_to=` within a sector), in due-date order.
            models.Index(fields=["target", "due_date"], name="milestone_target_due_idx"),
        ]

    def __str__(self):
        return f"{self.code}: {self.title}"

    def get_absolute_url(self):
        return reverse("roadmaps:milestone-detail", args=[self.code])

    def natural_key(self):
        return (self.code,)

    natural_key.dependencies = ["roadmaps.target", "stakeholders.stakeholdergroup"]

    def is_overdue(
        self, as_of: datetime.date, status: str | None = None, due_date: datetime.date | None = None
    ) -> bool:
        """Due at the end of its due date; overdue after that day unless achieved or dropped.
        A project event is never overdue (it counts in no progress). `status` and `due_date`
        default to the ones annotated by roadmaps.progress.with_status_as_of, if any."""
        status = status or self.status
        due_date = due_date or getattr(self, "due_as_of", None) or self.due_date
        return (
            not self.is_project_event
            and due_date < as_of
            and status not in (Status.ACHIEVED, Status.DISCONTINUED)
        )

    @property
    def is_illustrative(self) -> bool:
        return self.provenance == Provenance.ILLUSTRATIVE


# The history rows that set a status (a re-dating carries the status unchanged: its evidence
# is about the deadline, not the status).
STATUS_ROWS_Q = Q(kind=UpdateKind.STATUS)


class MilestoneUpdateQuerySet(models.QuerySet):
    def get_by_natural_key(self, milestone_code, created_at):
        return natural_keys.get(self, milestone__code=milestone_code, created_at=created_at)

    def latest_first(self):
        return self.order_by("-created_at", "-pk")

    def for_feed(self, limit: int = 50):
        """The newest status changes with what an Atom entry shows: one query."""
        return self.select_related("milestone", "author", "approved_by").latest_first()[:limit]

    def made_by(self, as_of: datetime.date):
        """The updates made by the end of `as_of` (UTC)."""
        return self.filter(created_at__lt=end_of_day(as_of))

    def for_overview(self, as_of: datetime.date):
        """Latest changes across the current roadmaps, with what a line of the list shows."""
        return (
            self.made_by(as_of)
            .filter(milestone__target__roadmap__is_current=True)
            # Synthetic demo history (generate_demo_data) is not news.
            .filter(milestone__target__roadmap__sector__is_synthetic=False)
            .select_related("milestone__target__roadmap__sector", "author")
            .latest_first()
        )

    def for_milestone(self, milestone, as_of: datetime.date):
        """A milestone's history up to `as_of`, newest first, with the authors' names."""
        return (
            self.made_by(as_of)
            .filter(milestone=milestone)
            .select_related("author", "approved_by")
            .latest_first()
        )


class MilestoneUpdate(models.Model):
    """Append-only history of status and deadline changes: never edited or deleted by the
    application.

    One table for both, so a milestone's history reads in one order and the natural key
    (milestone, created_at) stays. A deadline row keeps status_before == status_after (the
    status at that time), so "status as of a day" reads every row alike.
    """

    milestone = models.ForeignKey(
        Milestone, on_delete=models.PROTECT, related_name="updates", verbose_name=_("milestone")
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=UpdateKind.choices, default=UpdateKind.STATUS
    )
    due_date_before = models.DateField(_("due date before"), null=True, blank=True)
    due_date_after = models.DateField(_("due date after"), null=True, blank=True)
    status_before = models.CharField(_("status before"), max_length=20, choices=Status.choices)
    status_after = models.CharField(_("status after"), max_length=20, choices=Status.choices)
    note = models.TextField(
        _("note"),
        max_length=NOTE_MAX_LENGTH,
        validators=[MaxLengthValidator(NOTE_MAX_LENGTH), validate_no_control_characters],
    )
    evidence_url = HttpURLField(_("evidence URL"), max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestone_updates",
        verbose_name=_("author"),
    )
    # Set when the change was a proposal (review before publication): the author proposed
    # it, this steward or administrator approved it.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approved_milestone_updates",
        verbose_name=_("approved by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = MilestoneUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("milestone update")
        verbose_name_plural = _("milestone updates")
        constraints = [
            # Also the natural key, and the index behind "status as of a date" lookups.
            models.UniqueConstraint(
                fields=["milestone", "created_at"], name="milestoneupdate_unique_milestone_time"
            ),
            models.CheckConstraint(
                condition=_choices_q("status_before", Status),
                name="milestoneupdate_status_before_valid",
            ),
            models.CheckConstraint(
                condition=_choices_q("status_after", Status),
                name="milestoneupdate_status_after_valid",
            ),
            models.CheckConstraint(
                condition=http_url_q("evidence_url"), name="milestoneupdate_evidence_url_http"
            ),
            models.CheckConstraint(condition=~Q(note=""), name="milestoneupdate_note_not_empty"),
            # A deadline change carries both dates, inside the roadmaps' window and different,
            # and leaves the status alone; a status change carries no dates.
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=UpdateKind.DEADLINE,
                        # NULL would make the comparisons unknown, which a CHECK lets pass.
                        due_date_before__isnull=False,
                        due_date_after__isnull=False,
                        due_date_before__gte=EARLIEST_DUE_DATE,
                        due_date_before__lte=LATEST_DUE_DATE,
                        due_date_after__gte=EARLIEST_DUE_DATE,
                        due_date_after__lte=LATEST_DUE_DATE,
                        status_before=F("status_after"),
                    )
                    & ~Q(due_date_before=F("due_date_after"))
                )
                | Q(
                    kind=UpdateKind.STATUS,
                    due_date_before__isnull=True,
                    due_date_after__isnull=True,
                ),
                name="milestoneupdate_kind_dates",
            ),
        ]
        indexes = [
            # Feeds and "recent updates" list the newest changes across all milestones.
            models.Index(fields=["-created_at"], name="milestoneupdate_created_idx"),
            # Slippage reads the deadline changes alone (a few rows among many status
            # updates), and a milestone's due date as of a day its own, by time.
            models.Index(
                fields=["kind", "milestone", "created_at"], name="milestoneupdate_kind_idx"
            ),
        ]

    def __str__(self):
        if self.is_deadline_change:
            return f"{self.milestone_id}: due {self.due_date_before} -> {self.due_date_after}"
        return f"{self.milestone_id}: {self.status_before} -> {self.status_after}"

    @property
    def is_deadline_change(self) -> bool:
        return self.kind == UpdateKind.DEADLINE

    @property
    def slip_months(self) -> int | None:
        """How far this change moved the deadline, in whole calendar months (negative:
        brought forward)."""
        if not self.is_deadline_change:
            return None
        return months_between(self.due_date_before, self.due_date_after)

    def natural_key(self):
        return (self.milestone.code, self.created_at)

    @property
    def author_name(self) -> str:
        """Who recorded it: the steward's name, or the import (no author)."""
        return self.author.display_name if self.author else str(_("RE-SOURCING import"))

    @property
    def approver_name(self) -> str:
        """Who approved it (review before publication), or "" for a direct change."""
        return self.approved_by.display_name if self.approved_by else ""

    natural_key.dependencies = ["roadmaps.milestone"]


# Minerals and value-chain stages (issue 13). The links are declared here, on Mineral and
# ValueChainStage, so that they live in their own fixture (fixtures/minerals.json) beside the
# roadmap content: `Milestone.minerals`, `Target.minerals`, `Sector.minerals` and
# `Milestone.stages` are the reverse sides.


class MineralQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return natural_keys.get(self, slug=slug)

    def for_index(self):
        """The minerals page: every mineral with the sectors whose roadmaps name it and
        `indicator_count`, the indicators concerning it (two queries)."""
        return (
            self.prefetch_related(
                models.Prefetch("sectors", queryset=Sector.objects.real().order_by("order", "slug"))
            )
            .annotate(indicator_count=models.Count("indicators", distinct=True))
            .order_by("name_en", "slug")
        )


class Mineral(TranslationReview):
    """A raw material the roadmaps concern, with its status under the Critical Raw Materials
    Act (Reg. (EU) 2024/1252: Annex I strategic, Annex II critical)."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100, validators=SHOWN_TEXT)
    symbol = models.CharField(
        _("chemical symbol"),
        max_length=5,
        blank=True,
        help_text=_("Blank for a group of elements or minerals (rare earths, mica)."),
    )
    is_critical = models.BooleanField(_("critical raw material (CRMA Annex II)"), default=False)
    is_strategic = models.BooleanField(_("strategic raw material (CRMA Annex I)"), default=False)
    description = models.TextField(_("description"), blank=True, validators=SHOWN_TEXT)
    source_title = models.CharField(
        _("source title"), max_length=300, blank=True, validators=SHOWN_TEXT
    )
    source_url = HttpURLField(_("source URL"), max_length=500, blank=True)
    sectors = models.ManyToManyField(
        Sector,
        verbose_name=_("sectors"),
        related_name="minerals",
        blank=True,
        help_text=_("Sectors whose roadmap names this mineral."),
    )
    targets = models.ManyToManyField(
        Target, verbose_name=_("targets"), related_name="minerals", blank=True
    )
    milestones = models.ManyToManyField(
        Milestone, verbose_name=_("milestones"), related_name="minerals", blank=True
    )

    objects = MineralQuerySet.as_manager()

    class Meta:
        # By the English name in every language (as codes and slugs are): one order on both
        # databases, whichever names are translated yet.
        ordering = ["name_en", "slug"]
        verbose_name = _("mineral")
        verbose_name_plural = _("minerals")
        constraints = [
            *translation_review_constraints("mineral"),
            # Annex II lists every strategic raw material as critical too.
            models.CheckConstraint(
                condition=Q(is_strategic=False) | Q(is_critical=True),
                name="mineral_strategic_is_critical",
                violation_error_message=_(
                    "A strategic raw material is also critical (CRMA Annex II lists every "
                    "strategic one)."
                ),
            ),
            models.CheckConstraint(condition=~Q(slug=""), name="mineral_slug_not_empty"),
            models.CheckConstraint(condition=~Q(name=""), name="mineral_name_not_empty"),
            models.CheckConstraint(
                condition=http_url_q("source_url"), name="mineral_source_url_http"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("roadmaps:mineral-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["roadmaps.sector", "roadmaps.target", "roadmaps.milestone"]


class ValueChainStageQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return natural_keys.get(self, slug=slug)


class ValueChainStage(TranslationReview):
    """A stage of the mineral value chain, from extraction to end of life (the roadmaps give
    their recommendations per stage)."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100, validators=SHOWN_TEXT)
    description = models.TextField(_("description"), blank=True, validators=SHOWN_TEXT)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    milestones = models.ManyToManyField(
        Milestone, verbose_name=_("milestones"), related_name="stages", blank=True
    )

    objects = ValueChainStageQuerySet.as_manager()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("value-chain stage")
        verbose_name_plural = _("value-chain stages")
        constraints = [
            *translation_review_constraints("valuechainstage"),
            models.CheckConstraint(condition=~Q(slug=""), name="valuechainstage_slug_not_empty"),
            models.CheckConstraint(condition=~Q(name=""), name="valuechainstage_name_not_empty"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["roadmaps.milestone"]


class ProgressCounterQuerySet(models.QuerySet):
    """Of ProgressCounter and ReviewCounter rows."""

    def current(self):
        """The counters of the sectors' current roadmaps (Milestone.objects.current())."""
        return self.filter(roadmap__is_current=True)

    def in_sector(self, sector):
        """The counters of Milestone.objects.in_sector(sector)."""
        return self.current().filter(roadmap__sector=sector)

    def of_current_roadmap(self, roadmap):
        """in_sector() for the sector's current roadmap, already read (None: it has none):
        by the roadmap's id, which the database's planner can weigh against the index of
        (roadmap, granularity, due_year), unlike a join to the roadmaps (PostgreSQL read
        every counter row of the roadmap instead: 5.5 ms, not 3.2, a breakdown at 20,000
        milestones)."""
        return self.filter(roadmap_id=roadmap.pk if roadmap is not None else None)


class ProgressCounter(models.Model):
    """How many milestones share one set of the keys progress reads, kept by
    roadmaps.counters in the transaction of every write that changes them, so the dashboards
    "as of today" add up a few rows instead of every milestone (roadmaps.progress).

    Rows of a target (only `target` set), of a stakeholder group within a roadmap (only
    `group` set) or of a value-chain stage within a roadmap (neither set; `stage` empty for
    the milestones of no stage). A milestone of two groups or stages is in a row of each.
    Each milestone is in one `year` row (due_date: the 31 December of its due year) and one
    `day` row (its due date): a day as of which progress is read takes the day rows of its own
    year and the year rows of every other year, which are wholly before or after it.
    """

    YEAR = "year"
    DAY = "day"

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, null=True, related_name="+")
    group = models.ForeignKey(
        "stakeholders.StakeholderGroup", on_delete=models.CASCADE, null=True, related_name="+"
    )
    stage = models.ForeignKey(
        "roadmaps.ValueChainStage", on_delete=models.CASCADE, null=True, related_name="+"
    )
    granularity = models.CharField(max_length=4)
    due_year = models.PositiveSmallIntegerField()
    due_date = models.DateField()
    status = models.CharField(max_length=20)
    provenance = models.CharField(max_length=20)
    is_project_event = models.BooleanField()
    milestones = models.IntegerField()

    objects = ProgressCounterQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["roadmap", "granularity", "due_year"])]

    def __str__(self):
        if self.target_id:
            scope = f"target {self.target_id}"
        elif self.group_id:
            scope = f"group {self.group_id}"
        else:
            scope = f"stage {self.stage_id}"
        return f"{scope}, {self.granularity} {self.due_date}, {self.status}: {self.milestones}"


class ReviewCounter(models.Model):
    """How many milestones of a roadmap share a status and the day of their last review (the
    newest history row of any kind; empty: never reviewed), kept by roadmaps.counters with
    the progress counters, so a dashboard's share of milestones reviewed within the sector's
    interval "as of today" (roadmaps.freshness) adds up a few rows instead of reading every
    milestone's history."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="+")
    reviewed_on = models.DateField(null=True)
    status = models.CharField(max_length=20)
    milestones = models.IntegerField()

    objects = ProgressCounterQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["roadmap", "reviewed_on"])]

    def __str__(self):
        return (
            f"roadmap {self.roadmap_id}, reviewed {self.reviewed_on}, {self.status}: "
            f"{self.milestones}"
        )


class PastProgress(models.Model):
    """A sector's progress at the end of a past quarter, as roadmaps.progress computed it from
    the history, kept so progress over time does not read the whole history again on every
    dashboard: the past version it was computed at (pagecache.versions) says whether it
    still holds. Every write that could change a past day bumps that version; a status or
    deadline change recorded now does not, so stored quarters outlive the everyday writes.
    A cache, not data: never exported; any row may be dropped and is computed again."""

    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    past_version = models.PositiveBigIntegerField()
    # Progress.measures(): the counts, by provenance too.
    measures = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sector", "day"], name="past_progress_sector_day")
        ]

    def __str__(self):
        return f"sector {self.sector_id}, {self.day} (past version {self.past_version})"
