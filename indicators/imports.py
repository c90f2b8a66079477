"""Reading the indicators CSV back: validate every row, then append the new measurements at once.

The roadmap CSV's discipline (roadmaps/imports.py): every problem as "row N, column: message"
(the header is row 1), a dry run that writes nothing, all or nothing, idempotent (a row equal
to a stored measurement is unchanged), and export -> import -> identical export.

A row is a measurement; one whose indicator, period and publication day are those of a stored
measurement but whose value, flags, source or note differ is a revision published the same
day (appended, and in force from then). The same indicator, period and publication day twice
in one file is refused: which of the two is meant cannot be told.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from indicators.exports import (
    COLUMNS,
    FLAG_COLUMNS,
    LINK_COLUMNS,
    OPTIONAL_COLUMNS,
    READ_ONLY_COLUMNS,
)
from indicators.forms import parse_period
from indicators.models import Indicator, Measurement
from indicators.services import check_measurement, parse_value, record_measurement, set_links
from resourcing.lib import tables
from resourcing.lib.tables import Row, RowError
from resourcing.lib.validators import http_url_validator, validate_no_control_characters
from roadmaps.models import NOTE_MAX_LENGTH, Mineral, ValueChainStage

REQUIRED_COLUMNS = [
    column for column in COLUMNS if column not in READ_ONLY_COLUMNS + OPTIONAL_COLUMNS
]
LINK_MODELS = {"minerals": Mineral, "stages": ValueChainStage}
UNKNOWN_LINK = {
    "minerals": _lazy("unknown mineral “%(value)s”."),
    "stages": _lazy("unknown value-chain stage “%(value)s”."),
}
BOOLEANS = {"true": True, "false": False, "": False}


@dataclass
class MeasurementPlan:
    row: int
    indicator: Indicator
    action: str  # "create" or "unchanged"
    values: dict


@dataclass
class Plan:
    errors: list[RowError] = field(default_factory=list)
    rows: list[MeasurementPlan] = field(default_factory=list)
    # Indicator -> {"minerals": [...], "stages": [...]} for the links the file changes (only
    # the columns it has).
    links: dict = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "unchanged": 0}
        for plan in self.rows:
            counts[plan.action] += 1
        return counts

    def summary(self) -> str:
        counts = self.counts()
        summary = _("Measurements: created %(created)d, unchanged %(unchanged)d.") % {
            "created": counts["create"],
            "unchanged": counts["unchanged"],
        }
        if self.links:
            summary += " " + _("Indicators with new minerals or stages: %(codes)s.") % {
                "codes": ", ".join(sorted(indicator.code for indicator in self.links))
            }
        return summary


def _read(data: bytes) -> tuple[list[Row], list[RowError]]:
    text, errors = tables.decode(data)
    if errors:
        return [], errors
    if "\x00" in text:
        return [], [RowError(None, None, _("the file contains a NUL byte (0x00)."))]
    return tables.read_csv(
        text,
        check_header=lambda header: tables.header_errors(
            header, columns=COLUMNS, required=REQUIRED_COLUMNS
        ),
        no_rows=_("the file has a header but no measurement rows."),
    )


def _existing_key(measurement) -> tuple:
    return (
        measurement.indicator_id,
        measurement.period,
        measurement.month,
        measurement.published_on,
        measurement.value,
        measurement.is_provisional,
        measurement.is_estimated,
        measurement.is_break_in_series,
        measurement.source_url,
        measurement.note,
    )


def validate(data: bytes, *, now: datetime.date | None = None) -> Plan:
    """Every problem of the file, or the plan. Reads the database (three queries, and two more per
    link column: the stored links, the known slugs), writes nothing."""
    rows, errors = _read(data)
    plan = Plan(errors=errors)
    if errors:
        return plan
    codes = {cells["indicator"] for _number, cells in rows}
    # The link columns the file has (optional: without one, those links stay as they are).
    present = [column for column in LINK_COLUMNS if column in rows[0][1]]
    indicators = {
        i.code: i
        for i in Indicator.objects.filter(code__in=sorted(codes)).prefetch_related(*present)
    }
    known = {
        column: {item.slug: item for item in LINK_MODELS[column].objects.all()}
        for column in present
    }
    # (indicator code, column) -> (first row, the slugs it gives)
    first_links = {}
    stored = {
        _existing_key(m) for m in Measurement.objects.filter(indicator__in=indicators.values())
    }
    first_row = {}
    for number, cells in rows:
        problems = []

        def error(column, message, problems=problems, number=number):
            problems.append(RowError(number, column, message))

        indicator = indicators.get(cells["indicator"])
        if indicator is None:
            error(
                "indicator",
                _("unknown indicator “%(value)s”.") % {"value": cells["indicator"]},
            )
        try:
            period, month = parse_period(cells["period"])
        except ValueError as exc:
            error("period", str(exc))
            period = month = None
        try:
            value = parse_value(cells["value"])
        except ValueError as exc:
            error("value", str(exc))
            value = None
        flags = {}
        for column, name in FLAG_COLUMNS.items():
            raw = cells[column].lower()
            if raw not in BOOLEANS:
                error(column, _("write true or false (got “%(value)s”).") % {"value": raw})
            flags[name] = BOOLEANS.get(raw, False)
        try:
            published_on = datetime.date.fromisoformat(cells["published_on"])
        except ValueError:
            error(
                "published_on",
                _("“%(value)s” is not a date written YYYY-MM-DD.")
                % {"value": cells["published_on"]},
            )
            published_on = None
        source_url = cells["source_url"]
        if source_url:
            try:
                http_url_validator(source_url)
                validate_no_control_characters(source_url)
            except ValidationError as exc:
                error("source_url", " ".join(exc.messages))
        note = cells["note"]
        try:
            # The model field's own validators (control characters, spreadsheet formulas).
            Measurement._meta.get_field("note").run_validators(note)
        except ValidationError as exc:
            error("note", " ".join(exc.messages))
        if len(note) > NOTE_MAX_LENGTH:
            error("note", _("longer than %(limit)d characters.") % {"limit": NOTE_MAX_LENGTH})
        for column in present:
            given = sorted({part.strip() for part in cells[column].split(";") if part.strip()})
            for slug in given:
                if slug not in known[column]:
                    error(column, UNKNOWN_LINK[column] % {"value": slug})
            first = first_links.setdefault((cells["indicator"], column), (number, given))
            if first[1] != given:
                error(
                    column,
                    _(
                        "“%(value)s” differs from row %(row)d: give an indicator's "
                        "%(column)s the same on each of its rows."
                    )
                    % {"value": cells[column], "row": first[0], "column": column},
                )
        if indicator and period is not None and value is not None and published_on:
            for column, message in check_measurement(
                indicator=indicator,
                period=period,
                month=month,
                value=value,
                published_on=published_on,
                now=now,
            ).items():
                error(column, message)
            key = (indicator.code, period, month, published_on)
            if key in first_row:
                error(
                    "period",
                    _(
                        "%(code)s %(period)s published on %(day)s is also in row %(row)d: give a "
                        "period once per publication day."
                    )
                    % {
                        "code": indicator.code,
                        "period": cells["period"],
                        "day": published_on.isoformat(),
                        "row": first_row[key],
                    },
                )
            else:
                first_row[key] = number
        plan.errors += problems
        if problems:
            continue
        values = {
            "period": period,
            "month": month,
            "value": value,
            "published_on": published_on,
            "source_url": source_url,
            "note": note,
            **flags,
        }
        existing = (
            indicator.pk,
            period,
            month,
            published_on,
            value,
            flags["is_provisional"],
            flags["is_estimated"],
            flags["is_break_in_series"],
            source_url,
            note,
        )
        action = "unchanged" if existing in stored else "create"
        plan.rows.append(MeasurementPlan(number, indicator, action, values))
    if plan.errors:
        plan.rows = []
        return plan
    for (code, column), (_row, given) in first_links.items():
        indicator = indicators[code]
        stored = sorted(item.slug for item in getattr(indicator, column).all())
        if stored != given:
            wanted = [known[column][slug] for slug in given]
            plan.links.setdefault(indicator, {})[column] = wanted
    return plan


def import_file(data: bytes, *, author=None, dry_run: bool = False) -> Plan:
    """Validate and (unless dry_run) append, in one transaction. Raises ImportFailed."""
    with transaction.atomic():
        plan = tables.plan_or_refuse(validate, data, dry_run=dry_run)
        if dry_run:
            return plan
        for indicator, links in plan.links.items():
            set_links(indicator=indicator, **links)
        now = timezone.now()
        for offset, row in enumerate(plan.rows):
            if row.action != "create":
                continue
            indicator = row.indicator
            record_measurement(
                indicator=indicator,
                author=author,
                expected_version=indicator.version,
                # The file's order is the order of publication within a day.
                created_at=now + datetime.timedelta(microseconds=offset),
                check_author=False,
                **row.values,
            )
    return plan
