"""The roadmap CSV and its JSON twin (design.md, "Data formats").

One row per milestone, the same columns in CSV and JSON. Every `?format=csv` and
`export_roadmap` write it; `import_roadmap` reads it back.
"""

import csv
import datetime
import io

from django.db.models import Prefetch

from roadmaps.progress import with_status_as_of
from stakeholders.models import StakeholderGroup

COLUMNS = [
    "sector",
    "target",
    "target_title",
    "theme",
    "target_year",
    "code",
    "title",
    "description",
    "due_date",
    "status",
    "stakeholder_groups",
    "provenance",
    "source_title",
    "source_url",
    "overdue",
    "updated_at",
]
READ_ONLY_COLUMNS = ["overdue", "updated_at"]
GROUP_SEPARATOR = ";"


def for_export(queryset, as_of: datetime.date):
    """Everything a row needs, in two queries (milestones, then their stakeholder groups)."""
    groups = StakeholderGroup.objects.only("slug", "order").order_by("order", "slug")
    return (
        with_status_as_of(queryset, as_of)
        .select_related("target__roadmap__sector", "target__theme")
        .prefetch_related(Prefetch("stakeholder_groups", queryset=groups))
    )


def milestone_row(milestone, as_of: datetime.date) -> dict:
    """A row as JSON values; `milestone` comes from for_export()."""
    status = getattr(milestone, "status_as_of", milestone.status)
    target = milestone.target
    return {
        "sector": target.roadmap.sector.slug,
        "target": target.code,
        "target_title": target.title,
        "theme": target.theme.slug,
        "target_year": target.target_year,
        "code": milestone.code,
        "title": milestone.title,
        "description": milestone.description,
        "due_date": milestone.due_date.isoformat(),
        "status": status,
        "stakeholder_groups": [group.slug for group in milestone.stakeholder_groups.all()],
        "provenance": milestone.provenance,
        "source_title": milestone.source_title,
        "source_url": milestone.source_url,
        "overdue": milestone.is_overdue(as_of, status=status),
        "updated_at": milestone.updated_at.astimezone(datetime.UTC).isoformat(),
    }


def csv_cells(row: dict) -> list[str]:
    cells = []
    for column in COLUMNS:
        value = row[column]
        if column == "stakeholder_groups":
            value = GROUP_SEPARATOR.join(value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        cells.append("" if value is None else str(value))
    return cells


def write_csv(rows, stream) -> None:
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(csv_cells(row))


def csv_text(rows) -> str:
    stream = io.StringIO()
    write_csv(rows, stream)
    return stream.getvalue()
