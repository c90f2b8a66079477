"""Factories for indicators and measurements (kept apart from tests/factories.py so that the
indicators branch merges without touching the shared factories)."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from indicators.models import Direction, Indicator, Measurement
from tests.factories import link

_seq = itertools.count(1)


def make_indicator(
    *,
    code=None,
    sectors=(),
    targets=(),
    milestones=(),
    groups=(),
    minerals=(),
    stages=(),
    baseline=(2020, "10"),
    target=(2030, "30"),
    share=True,
    percent=None,
    direction=Direction.INCREASE,
    **kw,
) -> Indicator:
    kw.setdefault("title", "An indicator")
    kw.setdefault("unit", "%" if (share if percent is None else percent) else "index")
    indicator = Indicator.objects.create(
        code=code or f"IND-{next(_seq)}",
        baseline_year=baseline[0] if baseline else None,
        baseline_value=Decimal(baseline[1]) if baseline else None,
        target_year=target[0] if target else None,
        target_value=Decimal(target[1]) if target else None,
        target_is_share=share,
        is_percent=share if percent is None else percent,
        direction=direction,
        **kw,
    )
    link(indicator.sectors, sectors)
    link(indicator.targets, targets)
    link(indicator.milestones, milestones)
    link(indicator.stakeholder_groups, groups)
    link(indicator.minerals, minerals)
    link(indicator.stages, stages)
    return indicator


def make_measurement(
    *, indicator, period, value, published_on="2025-01-01", created_at=None, month=0, **kw
) -> Measurement:
    """A raw row, for tests of reads; writes in the product go through the service."""
    published = (
        datetime.date.fromisoformat(published_on) if isinstance(published_on, str) else published_on
    )
    return Measurement.objects.create(
        indicator=indicator,
        period=period,
        month=month,
        value=Decimal(str(value)),
        published_on=published,
        created_at=created_at or timezone.now(),
        **kw,
    )


def make_series(indicator, values: dict, published_on="2025-01-01") -> list[Measurement]:
    """One measurement per {period: value}, all published on the same day."""
    return [
        make_measurement(indicator=indicator, period=period, value=value, published_on=published_on)
        for period, value in values.items()
    ]
