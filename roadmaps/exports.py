"""The roadmap CSV and its JSON twin (design.md, "Data formats").

One row per milestone, the same columns in CSV and JSON. Every `?format=csv` and
`export_roadmap` write it; `import_roadmap` reads it back.
"""

import datetime

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from resourcing.lib import tables
from roadmaps.models import Mineral, ValueChainStage
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
    # Appended after the first published column list: files without them still import.
    "minerals",
    "stages",
    "project_event",
]
READ_ONLY_COLUMNS = ["overdue", "updated_at"]
# Columns a file may leave out: absent, an existing milestone keeps its value and a new one
# takes the default (roadmaps.imports).
OPTIONAL_COLUMNS = ["project_event"]
# What each column holds: the open-data page and docs/import-format.md describe the same.
COLUMN_DESCRIPTIONS = {
    "sector": _("Sector slug: renewable-energy, mobility or electronics."),
    "target": _("Code of the roadmap target the milestone belongs to, e.g. MOB-1."),
    "target_title": _("Title of the target."),
    "theme": _("Slug of the cross-sector theme of the target."),
    "target_year": _(
        "Year the target is to be met (2020 to 2050); empty for an enabler, which has no year."
    ),
    "code": _("Milestone code, unique across all sectors, e.g. MOB-1.3."),
    "title": _("Milestone title."),
    "description": _("Milestone description (may contain line breaks)."),
    "due_date": _('Due date, YYYY-MM-DD, 2020-01-01 to 2050-12-31; "by 2030" is 2030-12-31.'),
    "status": _("Status: not_started, in_progress, achieved, at_risk or discontinued."),
    "stakeholder_groups": _(
        "Slugs of the stakeholder groups responsible, separated by ';' "
        "(policy-makers, industry, civil-society)."
    ),
    "provenance": _(
        "Where the milestone comes from: roadmap (RE-SOURCING roadmap), eu-law (EU legal act) "
        "or illustrative (a placeholder, not RE-SOURCING wording)."
    ),
    "source_title": _("Title of the source document."),
    "source_url": _("Web address of the source document (http or https)."),
    "overdue": _(
        "true when the due date has passed and the milestone is neither achieved nor "
        "discontinued (read-only: ignored on import)."
    ),
    "updated_at": _(
        "When the milestone last changed, ISO 8601 in UTC (read-only: ignored on import)."
    ),
    "minerals": _(
        "Slugs of the minerals the milestone concerns, separated by ';' (e.g. cobalt;lithium; "
        "see /minerals/). Optional on import: a file without this column leaves the links "
        "as they are."
    ),
    "stages": _(
        "Slugs of the value-chain stages the milestone concerns, separated by ';' "
        "(extraction, processing, manufacturing, use, end-of-life). Optional on import: a file "
        "without this column leaves the links as they are."
    ),
    "project_event": _(
        "true for a step of the project itself (a consultation, a publication), shown but "
        "counted in no progress; false for a milestone. Optional on import: without the "
        "column an existing milestone keeps its value and a new one is false."
    ),
}
GROUP_SEPARATOR = ";"
# Columns holding lists of slugs (joined by GROUP_SEPARATOR in the CSV).
LIST_COLUMNS = ("stakeholder_groups", "minerals", "stages")

# The free-text columns: the models refuse text in them that a spreadsheet would run as a
# formula (resourcing.lib.validators.validate_not_a_formula); the others are codes, slugs,
# dates and numbers.
FREE_TEXT_COLUMNS = ["target_title", "title", "description", "source_title"]


def for_export(queryset, as_of: datetime.date):
    """Everything a row needs, in four queries (milestones, then their stakeholder groups,
    minerals and value-chain stages)."""
    groups = StakeholderGroup.objects.only("slug", "order").order_by("order", "slug")
    return (
        with_status_as_of(queryset, as_of)
        .select_related("target__roadmap__sector", "target__theme")
        .prefetch_related(
            Prefetch("stakeholder_groups", queryset=groups),
            Prefetch("minerals", queryset=Mineral.objects.only("slug").order_by("slug")),
            Prefetch("stages", queryset=ValueChainStage.objects.only("slug", "order")),
        )
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
        # The due date in force on `as_of`, like the status (deadline changes are history).
        "due_date": getattr(milestone, "due_as_of", milestone.due_date).isoformat(),
        "status": status,
        "stakeholder_groups": [group.slug for group in milestone.stakeholder_groups.all()],
        "provenance": milestone.provenance,
        "source_title": milestone.source_title,
        "source_url": milestone.source_url,
        "overdue": milestone.is_overdue(as_of, status=status),
        "updated_at": milestone.updated_at.astimezone(datetime.UTC).isoformat(),
        "minerals": [mineral.slug for mineral in milestone.minerals.all()],
        "stages": [stage.slug for stage in milestone.stages.all()],
        "project_event": milestone.is_project_event,
    }


def csv_cells(row: dict) -> list[str]:
    return [tables.cell(row[column], GROUP_SEPARATOR) for column in COLUMNS]


def write_csv(rows, stream) -> None:
    tables.write_csv(stream, COLUMNS, rows, cells=csv_cells, free_text=FREE_TEXT_COLUMNS)


def csv_text(rows) -> str:
    return tables.csv_text(COLUMNS, rows, cells=csv_cells, free_text=FREE_TEXT_COLUMNS)


# The order of every whole-roadmap export: `export_roadmap` and the open-data downloads.
EXPORT_ORDER = [
    "target__roadmap__sector__order",
    "target__roadmap__sector__slug",
    "target__code",
    "code",
]


def export_rows(queryset, as_of: datetime.date) -> list[dict]:
    """The rows of a milestone QuerySet in export order: two queries."""
    return [milestone_row(m, as_of) for m in for_export(queryset.order_by(*EXPORT_ORDER), as_of)]


def json_document(rows: list[dict], **extra) -> dict:
    """The JSON twin of the roadmap CSV: `{"count": N, "results": [...]}` (extra keys first)."""
    return {**extra, "count": len(rows), "results": rows}


def roadmap_fields(roadmap) -> dict | None:
    """The roadmap's own fields, for the JSON export of one sector."""
    if roadmap is None:
        return None
    return {
        "slug": roadmap.slug,
        "title": roadmap.title,
        "vision": roadmap.vision,
        "horizon_year": roadmap.horizon_year,
        "published": roadmap.published.isoformat() if roadmap.published else None,
        "source_title": roadmap.source_title,
        "source_url": roadmap.source_url,
    }
