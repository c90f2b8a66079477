"""The indicators CSV (one row per measurement) and the indicator JSON: one serializer each.

`export_indicators`, every indicator page's `?format=csv` and `import_indicators` share the
columns below (docs/indicators-format.md).
"""

from django.utils.translation import gettext_lazy as _

from indicators.models import current_values
from resourcing.lib import tables

COLUMNS = [
    "indicator",
    "period",
    "value",
    "provisional",
    "estimated",
    "break_in_series",
    "published_on",
    "source_url",
    "note",
    "current",
    "minerals",
    "stages",
]
READ_ONLY_COLUMNS = ["current"]
# Text a person typed: guarded against spreadsheet formulas when written.
FREE_TEXT_COLUMNS = ["note"]
# The indicator's links, repeated on each of its rows (slugs joined by ";"). A file without
# them imports and leaves the links as they are.
LINK_COLUMNS = {"minerals": "minerals", "stages": "stages"}
OPTIONAL_COLUMNS = list(LINK_COLUMNS)
FLAG_COLUMNS = {
    "provisional": "is_provisional",
    "estimated": "is_estimated",
    "break_in_series": "is_break_in_series",
}
COLUMN_DESCRIPTIONS = {
    "indicator": _("Indicator code, e.g. RES-SHARE (the indicator must exist)."),
    "period": _("The year (YYYY), or the month of a monthly series (YYYY-MM); 1990 to 2050."),
    "value": _("The value, a decimal number with a dot and at most 4 decimals."),
    "provisional": _("true or false: a provisional value, to be revised."),
    "estimated": _("true or false: an estimate (or implied from a stated change), not measured."),
    "break_in_series": _("true or false: the method or coverage changed from this period."),
    "published_on": _("The day the value became public, YYYY-MM-DD."),
    "source_url": _("Where the value is published (http or https)."),
    "note": _("Free text: what the value is and how its date was set."),
    "current": _(
        "true for the value in force for its period: the last published (read-only: ignored "
        "on import)."
    ),
    "minerals": _(
        "The indicator's minerals, slugs joined by ; (e.g. cobalt;lithium); the same on every "
        "row of the indicator. Optional: without the column the links stay as they are."
    ),
    "stages": _(
        "The indicator's value-chain stages, slugs joined by ; (e.g. extraction;end-of-life); "
        "the same on every row of the indicator. Optional, as minerals."
    ),
}


def slugs(related) -> str:
    """Prefetched minerals or stages as the CSV writes them."""
    return ";".join(item.slug for item in related.all())


def text(value) -> str:
    """A Decimal as written in the file: no exponent, no trailing zeros."""
    if value is None:
        return ""
    plain = format(value, "f")
    return plain.rstrip("0").rstrip(".") if "." in plain else plain


def measurement_rows(indicators) -> list[dict]:
    """Rows (JSON values) of every measurement of indicators from with_measurements(),
    by indicator code, period, then publication: no query."""
    rows = []
    for indicator in sorted(indicators, key=lambda item: item.code):
        current = {m.pk for m in current_values(indicator.published)}
        links = {column: slugs(getattr(indicator, name)) for column, name in LINK_COLUMNS.items()}
        for measurement in indicator.published:
            rows.append(
                {
                    "indicator": indicator.code,
                    "period": measurement.period_label,
                    "value": text(measurement.value),
                    "provisional": measurement.is_provisional,
                    "estimated": measurement.is_estimated,
                    "break_in_series": measurement.is_break_in_series,
                    "published_on": measurement.published_on.isoformat(),
                    "source_url": measurement.source_url,
                    "note": measurement.note,
                    "current": measurement.pk in current,
                    **links,
                }
            )
    return rows


def csv_cells(row: dict) -> list[str]:
    return [tables.cell(row[column]) for column in COLUMNS]


def write_csv(rows, stream) -> None:
    tables.write_csv(stream, COLUMNS, rows, cells=csv_cells, free_text=FREE_TEXT_COLUMNS)


def csv_text(rows) -> str:
    return tables.csv_text(COLUMNS, rows, cells=csv_cells, free_text=FREE_TEXT_COLUMNS)


def indicator_dict(indicator, progress) -> dict:
    """One indicator in JSON, with its progress (indicators.progress) and current values."""
    values = current_values(indicator.published)
    latest = values[-1] if values else None
    return {
        "code": indicator.code,
        "title": indicator.title,
        "unit": indicator.unit,
        "is_percent": indicator.is_percent,
        "target_is_share": indicator.target_is_share,
        "direction": indicator.direction,
        "baseline": {"year": indicator.baseline_year, "value": text(indicator.baseline_value)}
        if indicator.baseline_year
        else None,
        "target": {
            "year": indicator.target_year,
            "value": text(indicator.target_value),
            "source_title": indicator.target_source_title,
            "source_url": indicator.target_source_url,
        }
        if indicator.has_target
        else None,
        "source_title": indicator.source_title,
        "source_url": indicator.source_url,
        "dataset_code": indicator.dataset_code,
        "publisher": indicator.publisher,
        "provenance": indicator.provenance,
        "sectors": [sector.slug for sector in indicator.sectors.all()],
        "minerals": [
            {"mineral": mineral.slug, "name": mineral.name, "url": mineral.get_absolute_url()}
            for mineral in indicator.minerals.all()
        ],
        "stages": [stage.slug for stage in indicator.stages.all()],
        "latest": {
            "period": latest.period_label,
            "value": text(latest.value),
            "flags": latest.flags,
            "published_on": latest.published_on.isoformat(),
        }
        if latest
        else None,
        "progress": progress.as_dict(),
        "values": [
            {
                "period": m.period_label,
                "value": text(m.value),
                "flags": m.flags,
                "published_on": m.published_on.isoformat(),
            }
            for m in values
        ],
    }
