"""Indicators: public yearly series with a baseline and a target, beside the milestones.

Measurements are append-only: a revised value for a period is a new row; the value of a
period as of a day is the newest row published by then (latest `published_on`, then
`created_at`). Progress is computed in indicators/progress.py, never stored.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resourcing.lib import natural_keys
from resourcing.lib.fields import HttpURLField
from resourcing.lib.translations import TranslationReview, translation_review_constraints
from resourcing.lib.validators import code_validator, http_url_q
from roadmaps.models import CSV_TEXT, NOTE_MAX_LENGTH, SHOWN_TEXT, Provenance

# Public series of the EU's 2030/2050 goals start with the Climate Law's 1990 reference year.
EARLIEST_PERIOD = 1990
LATEST_PERIOD = 2050
MAX_DIGITS = 14
DECIMAL_PLACES = 4
HUNDRED = Decimal(100)


class Direction(models.TextChoices):
    INCREASE = "increase", _("Increase is progress")
    DECREASE = "decrease", _("Decrease is progress")


def _choices_q(field: str, choices) -> Q:
    return Q(**{f"{field}__in": [value for value, _label in choices.choices]})


def _percent_q(field: str) -> Q:
    return (
        Q(is_percent=False)
        | Q(**{f"{field}__isnull": True})
        | Q(**{f"{field}__gte": 0, f"{field}__lte": 100})
    )


class IndicatorQuerySet(models.QuerySet):
    def get_by_natural_key(self, code):
        return natural_keys.get(self, code=code)

    def with_measurements(self, as_of: datetime.date):
        """Prefetches `published`: the measurements public by the end of `as_of`, oldest
        first (one query, whatever the number of indicators)."""
        return self.prefetch_related(
            Prefetch(
                "measurements",
                queryset=Measurement.objects.published_by(as_of)
                .chronological()
                .select_related("author", "approved_by"),
                to_attr="published",
            )
        )

    def for_list(self, as_of: datetime.date):
        """The indicator list: indicators, measurements, sectors."""
        from roadmaps.models import Sector

        return (
            self.with_measurements(as_of)
            .prefetch_related(
                Prefetch("sectors", queryset=Sector.objects.order_by("order", "slug"))
            )
            .order_by("code")
        )

    def with_links(self):
        """+ the minerals and value-chain stages the indicators concern (two queries): what
        the indicators CSV and JSON give."""
        from roadmaps.models import Mineral, ValueChainStage

        return self.prefetch_related(
            Prefetch("minerals", queryset=Mineral.objects.order_by("name_en", "slug")),
            Prefetch("stages", queryset=ValueChainStage.objects.order_by("order", "slug")),
        )

    def for_detail(self, as_of: datetime.date):
        """One indicator's page: + its minerals, stages, targets, milestones and stakeholder
        groups."""
        return (
            self.for_list(as_of)
            .with_links()
            .prefetch_related("targets", "milestones", "stakeholder_groups")
        )

    # The summary under a sector, target or milestone (templates/indicators/_summary.html):
    # two queries, the indicators and their measurements.

    def for_sector(self, sector, as_of: datetime.date):
        return self.filter(sectors=sector).with_measurements(as_of).order_by("code")

    def for_sector_dashboard(self, sector, as_of: datetime.date):
        """The sector's indicators (for_sector), each with `sector_targets`: the targets of the
        sector's current roadmap it measures (one more query), to place it under them."""
        from roadmaps.models import Target

        return self.for_sector(sector, as_of).prefetch_related(
            Prefetch(
                "targets",
                queryset=Target.objects.in_sector(sector).only("pk").order_by("pk"),
                to_attr="sector_targets",
            )
        )

    def for_target(self, target, as_of: datetime.date):
        return self.filter(targets=target).with_measurements(as_of).order_by("code")

    def for_milestone(self, milestone, as_of: datetime.date):
        return self.filter(milestones=milestone).with_measurements(as_of).order_by("code")


class Indicator(TranslationReview):
    code = models.CharField(_("code"), max_length=30, unique=True, validators=[code_validator])
    # The indicator's own text is shown on pages and in JSON, never in a CSV cell (the
    # indicators CSV carries its code): control characters are refused, as for every shown
    # text (roadmaps.models.SHOWN_TEXT). A measurement's note reaches the CSV: CSV_TEXT.
    title = models.CharField(_("title"), max_length=300, validators=SHOWN_TEXT)
    description = models.TextField(_("description"), blank=True, validators=SHOWN_TEXT)
    unit = models.CharField(
        _("unit"), max_length=100, help_text=_('For example "%".'), validators=SHOWN_TEXT
    )
    is_percent = models.BooleanField(
        _("values are percentages"),
        default=False,
        help_text=_("Every value, the baseline and the target lie between 0 and 100."),
    )
    target_is_share = models.BooleanField(
        _("the target is a share to reach"),
        default=False,
        help_text=_(
            "A percentage to reach (e.g. 42.5 % renewables): progress is measured in "
            "percentage points per year rather than as a compound growth rate."
        ),
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_value = models.DecimalField(
        _("baseline value"),
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    target_value = models.DecimalField(
        _("target value"),
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    target_source_title = models.CharField(
        _("act or document setting the target"), max_length=300, blank=True, validators=SHOWN_TEXT
    )
    target_source_url = HttpURLField(_("its URL"), max_length=500, blank=True)
    source_title = models.CharField(
        _("source title"), max_length=300, blank=True, validators=SHOWN_TEXT
    )
    source_url = HttpURLField(_("source URL"), max_length=500, blank=True)
    dataset_code = models.CharField(
        _("dataset code"), max_length=60, blank=True, validators=SHOWN_TEXT
    )
    # Freshness (roadmaps/freshness.py): the data set's next release is expected this long
    # after the latest value's publication; past it without a newer value, the indicator is
    # marked "not reviewed since". Most Eurostat series are yearly.
    release_interval_months = models.PositiveSmallIntegerField(
        _("release interval (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("How often the data set publishes a new value (12: yearly)."),
    )
    publisher = models.CharField(_("publisher"), max_length=150, blank=True, validators=SHOWN_TEXT)
    provenance = models.CharField(
        _("provenance"), max_length=20, choices=Provenance.choices, default=Provenance.EU_LAW
    )
    sectors = models.ManyToManyField(
        "roadmaps.Sector", verbose_name=_("sectors"), related_name="indicators", blank=True
    )
    targets = models.ManyToManyField(
        "roadmaps.Target", verbose_name=_("targets"), related_name="indicators", blank=True
    )
    milestones = models.ManyToManyField(
        "roadmaps.Milestone",
        verbose_name=_("milestones measured"),
        related_name="indicators",
        blank=True,
    )
    stakeholder_groups = models.ManyToManyField(
        "stakeholders.StakeholderGroup",
        verbose_name=_("stakeholder groups concerned"),
        related_name="indicators",
        blank=True,
    )
    # The minerals and value-chain stages the series concerns (issue 13): where the source
    # makes it clear, none otherwise.
    minerals = models.ManyToManyField(
        "roadmaps.Mineral",
        verbose_name=_("minerals concerned"),
        related_name="indicators",
        blank=True,
    )
    stages = models.ManyToManyField(
        "roadmaps.ValueChainStage",
        verbose_name=_("value-chain stages concerned"),
        related_name="indicators",
        blank=True,
    )
    # Optimistic locking: every measurement recorded bumps it (indicators.services).
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            *translation_review_constraints("indicator"),
            models.CheckConstraint(condition=~Q(code=""), name="indicator_code_not_empty"),
            models.CheckConstraint(
                condition=_choices_q("direction", Direction), name="indicator_direction_valid"
            ),
            models.CheckConstraint(
                condition=_choices_q("provenance", Provenance), name="indicator_provenance_valid"
            ),
            models.CheckConstraint(
                condition=Q(baseline_year__isnull=True, baseline_value__isnull=True)
                | Q(
                    baseline_year__gte=EARLIEST_PERIOD,
                    baseline_year__lte=LATEST_PERIOD,
                    baseline_value__isnull=False,
                ),
                name="indicator_baseline_complete_1990_2050",
            ),
            models.CheckConstraint(
                condition=Q(target_year__isnull=True, target_value__isnull=True)
                | Q(
                    target_year__gte=EARLIEST_PERIOD,
                    target_year__lte=LATEST_PERIOD,
                    target_value__isnull=False,
                ),
                name="indicator_target_complete_1990_2050",
            ),
            # A target needs a baseline to measure progress from, and lies after it.
            models.CheckConstraint(
                condition=Q(target_year__isnull=True)
                | Q(baseline_year__isnull=False, target_year__gt=models.F("baseline_year")),
                name="indicator_target_after_baseline",
            ),
            models.CheckConstraint(
                condition=_percent_q("baseline_value"), name="indicator_baseline_percent"
            ),
            models.CheckConstraint(
                condition=_percent_q("target_value"), name="indicator_target_percent"
            ),
            models.CheckConstraint(
                condition=Q(target_is_share=False) | Q(is_percent=True),
                name="indicator_share_is_percent",
            ),
            # The growth-rate method divides by the baseline and takes roots of ratios: it
            # needs a positive baseline, and a positive target (to a target of 0 the required
            # rate is -100 % a year whatever the time left, which says nothing).
            models.CheckConstraint(
                condition=Q(target_is_share=True)
                | Q(baseline_value__isnull=True)
                | Q(baseline_value__gt=0),
                name="indicator_growth_baseline_positive",
            ),
            models.CheckConstraint(
                condition=Q(target_is_share=True)
                | Q(target_value__isnull=True)
                | Q(target_value__gt=0),
                name="indicator_growth_target_positive",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="indicator_version_positive"),
            models.CheckConstraint(
                condition=http_url_q("source_url"), name="indicator_source_url_http"
            ),
            models.CheckConstraint(
                condition=http_url_q("target_source_url"), name="indicator_target_url_http"
            ),
        ]

    def __str__(self):
        return f"{self.code}: {self.title}"

    def get_absolute_url(self):
        return reverse("indicators:indicator-detail", args=[self.code])

    def natural_key(self):
        return (self.code,)

    natural_key.dependencies = [
        "roadmaps.sector",
        "roadmaps.target",
        "roadmaps.milestone",
        "stakeholders.stakeholdergroup",
        "roadmaps.mineral",
        "roadmaps.valuechainstage",
    ]

    @property
    def has_target(self) -> bool:
        return self.target_year is not None

    def clean(self):
        """The constraints' rules with messages naming the field (admin, fixtures, imports)."""
        from django.core.exceptions import ValidationError

        errors = {}
        for prefix in ("baseline", "target"):
            year, value = getattr(self, f"{prefix}_year"), getattr(self, f"{prefix}_value")
            if (year is None) != (value is None):
                missing = f"{prefix}_value" if value is None else f"{prefix}_year"
                errors[missing] = _("Give both the year and the value, or neither.")
            elif year is not None and not EARLIEST_PERIOD <= year <= LATEST_PERIOD:
                errors[f"{prefix}_year"] = _("%(year)s is outside 1990-2050.") % {"year": year}
            if value is not None and self.is_percent and not 0 <= value <= HUNDRED:
                errors[f"{prefix}_value"] = self.check_value(value)
        if self.target_year is not None and self.baseline_year is None:
            errors.setdefault("baseline_year", _("A target needs a baseline to measure from."))
        if (
            self.target_year is not None
            and self.baseline_year is not None
            and self.target_year <= self.baseline_year
        ):
            errors.setdefault(
                "target_year",
                _("The target year (%(target)s) must come after the baseline year (%(base)s).")
                % {"target": self.target_year, "base": self.baseline_year},
            )
        if self.target_is_share and not self.is_percent:
            errors["target_is_share"] = _("A share to reach is a percentage: tick both.")
        if not self.target_is_share:
            if self.baseline_value is not None and self.baseline_value <= 0:
                errors.setdefault(
                    "baseline_value",
                    _(
                        "The growth-rate method needs a positive baseline (got %(value)s): "
                        "compound growth from zero or a negative value is undefined. Express "
                        "the series as an index or level, or mark the target as a share to "
                        "reach."
                    )
                    % {"value": self.baseline_value},
                )
            if self.target_value is not None and self.target_value <= 0:
                errors.setdefault(
                    "target_value",
                    _(
                        "The growth-rate method needs a positive target (got %(value)s): to 0 "
                        "the required rate is -100 %% a year whatever the time left. Mark the "
                        "target as a share to reach, or use a level above 0."
                    )
                    % {"value": self.target_value},
                )
        if errors:
            raise ValidationError(errors)

    def check_value(self, value: Decimal) -> str | None:
        """Why `value` cannot be a measurement of this indicator, or None."""
        if self.is_percent and not 0 <= value <= HUNDRED:
            return _("%(value)s is not a percentage between 0 and 100.") % {"value": value}
        if not self.target_is_share and value < 0:
            return _("%(value)s is negative: the growth-rate method needs values of 0 or more.") % {
                "value": value
            }
        return None


class MeasurementQuerySet(models.QuerySet):
    def get_by_natural_key(self, indicator_code, period, month, created_at):
        return natural_keys.get(
            self, indicator__code=indicator_code, period=period, month=month, created_at=created_at
        )

    def published_by(self, as_of: datetime.date):
        """What was public at the end of `as_of`: published that day or earlier."""
        return self.filter(published_on__lte=as_of)

    def chronological(self):
        """By period, then in the order the values were published (revisions last)."""
        return self.order_by("period", "month", "published_on", "created_at", "pk")


class Measurement(models.Model):
    """One published value of an indicator for one period. Never edited nor deleted by the
    application: a revision is a new row for the same period, published later."""

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="measurements",
        verbose_name=_("indicator"),
    )
    period = models.PositiveSmallIntegerField(_("period (year)"))
    # 0 for a yearly value; 1-12 for a month of a monthly series.
    month = models.PositiveSmallIntegerField(_("month"), default=0)
    value = models.DecimalField(_("value"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    is_provisional = models.BooleanField(_("provisional"), default=False)
    is_estimated = models.BooleanField(_("estimated"), default=False)
    is_break_in_series = models.BooleanField(_("break in series"), default=False)
    source_url = HttpURLField(_("source URL"), max_length=500, blank=True)
    # In the indicators CSV's `note` column: nothing a spreadsheet would run as a formula.
    note = models.TextField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True, validators=CSV_TEXT)
    published_on = models.DateField(_("published on"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measurements",
        verbose_name=_("author"),
    )
    # Set when the value was a proposal (review before publication), approved by this user.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approved_measurements",
        verbose_name=_("approved by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "period", "month", "published_on", "created_at"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            # Also the natural key, and the index behind an indicator's chronological series.
            models.UniqueConstraint(
                fields=["indicator", "period", "month", "created_at"],
                name="measurement_unique_period_time",
            ),
            models.CheckConstraint(
                condition=Q(period__gte=EARLIEST_PERIOD, period__lte=LATEST_PERIOD),
                name="measurement_period_1990_2050",
            ),
            models.CheckConstraint(
                condition=Q(month__gte=0, month__lte=12), name="measurement_month_0_12"
            ),
            models.CheckConstraint(
                condition=http_url_q("source_url"), name="measurement_source_url_http"
            ),
        ]
        indexes = [
            # as_of: the measurements published by a day, for every indicator of a page.
            models.Index(fields=["indicator", "published_on"], name="measurement_published_idx"),
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.period_label}: {self.value}"

    def natural_key(self):
        return (self.indicator.code, self.period, self.month, self.created_at)

    natural_key.dependencies = ["indicators.indicator"]

    @property
    def period_label(self) -> str:
        return f"{self.period}-{self.month:02d}" if self.month else str(self.period)

    @property
    def flags(self) -> list[str]:
        """The flags as their codes: provisional, estimated, break_in_series."""
        return [
            name
            for name, on in (
                ("provisional", self.is_provisional),
                ("estimated", self.is_estimated),
                ("break_in_series", self.is_break_in_series),
            )
            if on
        ]

    @property
    def author_name(self) -> str:
        return self.author.display_name if self.author else str(_("RE-SOURCING import"))

    @property
    def approver_name(self) -> str:
        return self.approved_by.display_name if self.approved_by else ""


def current_values(measurements) -> list[Measurement]:
    """The current value of each period from chronological measurements: the last
    published (then last recorded) row of each period wins; periods in order."""
    current = {}
    for measurement in measurements:
        current[(measurement.period, measurement.month)] = measurement
    return [current[key] for key in sorted(current)]
