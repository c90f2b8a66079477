"""The only write path for measurements: record one, checked, authorised and versioned."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import (
    DECIMAL_PLACES,
    EARLIEST_PERIOD,
    LATEST_PERIOD,
    MAX_DIGITS,
    Indicator,
    Measurement,
)
from pagecache.versions import bump_data_version
from resourcing.lib.dates import today
from roadmaps.permissions import can_steward


class StaleVersionError(Exception):
    """Someone recorded a measurement since the writer read the indicator; nothing written."""

    def __init__(self, indicator: Indicator, expected_version: int):
        self.indicator = indicator
        self.expected_version = expected_version
        super().__init__(
            f"Indicator {indicator.code} is at version {indicator.version}, "
            f"not {expected_version}: a measurement was recorded in the meantime."
        )


def may_record(user, indicator: Indicator) -> bool:
    """Stewards of a sector the indicator is linked to (and superusers) record its values.

    The stewardship rule itself is roadmaps.permissions'; this is the one place in this app
    that calls it.
    """
    return any(can_steward(user, sector) for sector in indicator.sectors.all())


def parse_value(raw) -> Decimal:
    """A measured value: a finite decimal number with at most 4 decimals. Raises ValueError
    with the message to show ("N/A", "yes", NaN, infinity are refused)."""
    text = str(raw).strip().replace("\u2212", "-")
    if not text:
        raise ValueError(_("is required."))
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from None
    if not value.is_finite():
        raise ValueError(
            _("“%(value)s” is not a finite number (NaN and infinity are refused).")
            % {"value": text}
        )
    if value != value.quantize(Decimal(1).scaleb(-DECIMAL_PLACES), rounding="ROUND_DOWN"):
        raise ValueError(_("%(value)s has more than 4 decimals.") % {"value": text})
    if value.adjusted() >= MAX_DIGITS - DECIMAL_PLACES:
        raise ValueError(_("%(value)s is too large.") % {"value": text})
    return value


def check_measurement(
    *, indicator: Indicator, period: int, month: int, value: Decimal, published_on, now=None
) -> dict[str, str]:
    """The rules a new measurement must meet, as {field: message}; empty when it is fine."""
    errors = {}
    current_day = now or today()
    if not EARLIEST_PERIOD <= period <= LATEST_PERIOD:
        errors["period"] = _("%(period)s is outside 1990-2050.") % {"period": period}
    elif period > current_day.year or (period == current_day.year and month > current_day.month):
        errors["period"] = _("%(period)s is in the future (today is %(today)s).") % {
            "period": period,
            "today": current_day.isoformat(),
        }
    if not 0 <= month <= 12:
        errors["month"] = _("%(month)s is not a month (1-12, or 0 for a year).") % {"month": month}
    problem = indicator.check_value(value)
    if problem:
        errors["value"] = problem
    if published_on > current_day:
        errors["published_on"] = _("%(day)s is in the future (today is %(today)s).") % {
            "day": published_on.isoformat(),
            "today": current_day.isoformat(),
        }
    elif "period" not in errors and published_on.year < period:
        errors["published_on"] = _("%(day)s is before the period %(period)s.") % {
            "day": published_on.isoformat(),
            "period": period,
        }
    return errors


def checked_value(*, indicator: Indicator, period: int, month: int, value, published_on):
    """The value as a Decimal, when it and its period meet check_measurement; otherwise a
    ValidationError naming each field."""
    try:
        value = parse_value(value)
    except ValueError as exc:
        raise ValidationError({"value": str(exc)}) from None
    errors = check_measurement(
        indicator=indicator, period=period, month=month, value=value, published_on=published_on
    )
    if errors:
        raise ValidationError(errors)
    return value


def record_measurement(
    *,
    indicator: Indicator,
    period: int,
    value,
    month: int = 0,
    is_provisional: bool = False,
    is_estimated: bool = False,
    is_break_in_series: bool = False,
    source_url: str = "",
    note: str = "",
    published_on: datetime.date,
    author=None,
    approved_by=None,
    expected_version: int,
    created_at: datetime.datetime | None = None,
    check_author: bool = True,
) -> Measurement:
    """Append a measurement (a new value or a revision) and bump the indicator's version.

    Refuses with PermissionDenied when `author` does not steward a linked sector (imports
    pass check_author=False), ValidationError naming the field for bad input, and
    StaleVersionError when `expected_version` is not the stored one; nothing is written then.
    """
    if check_author and (author is None or not may_record(author, indicator)):
        raise PermissionDenied(_("You do not steward a sector this indicator is linked to."))
    value = checked_value(
        indicator=indicator, period=period, month=month, value=value, published_on=published_on
    )
    now = created_at or timezone.now()
    with transaction.atomic():
        changed = Indicator.objects.filter(pk=indicator.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if changed != 1:
            current = Indicator.objects.get(pk=indicator.pk)
            raise StaleVersionError(current, expected_version)
        measurement = Measurement(
            indicator=indicator,
            period=period,
            month=month,
            value=value,
            is_provisional=is_provisional,
            is_estimated=is_estimated,
            is_break_in_series=is_break_in_series,
            source_url=(source_url or "").strip(),
            note=(note or "").strip(),
            published_on=published_on,
            author=author,
            approved_by=approved_by,
            created_at=now,
        )
        measurement.full_clean(validate_unique=False, validate_constraints=False)
        measurement.save()
        bump_data_version()
    indicator.version = expected_version + 1
    return measurement


def set_links(*, indicator: Indicator, minerals=None, stages=None) -> bool:
    """Set the minerals and/or value-chain stages an indicator concerns (None: leave as they
    are). The import's only writer of these links; the admin edits them as content. Returns
    whether anything changed; a change bumps the data version (through the m2m signal)."""
    changed = False
    with transaction.atomic():
        for name, wanted in (("minerals", minerals), ("stages", stages)):
            if wanted is None:
                continue
            related = getattr(indicator, name)
            if {item.pk for item in related.all()} != {item.pk for item in wanted}:
                related.set(wanted)
                changed = True
    return changed
