"""Reading the roadmap CSV (or its JSON twin) back: validate everything, then apply at once.

Two steps, so that the command's --dry-run and the admin's preview show exactly what the
import would do:

- `validate(data)` reads the file and the database, writes nothing, and returns a `Plan`:
  every problem as a `RowError` ("row 14, due_date: 2070-12-31 is after 2050-12-31"), or
  the changes to make, target by target and milestone by milestone.
- `apply_plan(plan, ...)` makes those changes in one transaction, through the writers of
  roadmaps.services (targets: `create_target` / `update_target_content`; milestones: the bulk
  writer `write_milestones`, which writes what `create_milestone`, `update_milestone_content`,
  `record_deadline_change` and `record_status_update` would), each milestone against the
  version the plan was made from.

`import_file()` does both inside one transaction, so the plan is made from the rows it
writes over; given the versions a preview was made from (`Plan.versions()`), it refuses,
writing nothing, when any of the file's milestones changed since.

The language columns (target_title_es, title_es, description_es, ...) are optional: a file
without one leaves those translations as they are; with it, its cell is the translation (an
empty cell clears it), checked as the English text is (no control characters, no formula,
not too long), and a target's the same on each of its rows. A translation whose text
changes becomes an unreviewed one (roadmaps.services); alone, it changes neither a
milestone's version nor its "updated" date. Everything runs in English (`title` is
title_en) whatever language the admin is read in.

Rows are numbered as a spreadsheet numbers them: the header is row 1, the
first milestone row 2 (a cell with line breaks does not make a row longer); in a JSON file
the first result is row 1.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resourcing.lib import tables
from resourcing.lib.tables import MAX_BYTES, ImportFailed, Row, RowError
from resourcing.lib.translations import in_canonical_language
from resourcing.lib.validators import CONTROL_CHARACTERS
from roadmaps import counters
from roadmaps.exports import (
    COLUMNS,
    GROUP_SEPARATOR,
    LANGUAGE_COLUMNS,
    LIST_COLUMNS,
    OPTIONAL_COLUMNS,
    READ_ONLY_COLUMNS,
    csv_cells,
)
from roadmaps.models import Milestone, Mineral, Roadmap, Sector, Target, Theme, ValueChainStage
from roadmaps.services import (
    MilestoneWrite,
    StaleVersionError,
    create_target,
    update_target_content,
    write_milestones,
)
from stakeholders.models import StakeholderGroup

# Rows below the header (blank ones included), counted while reading, before any row is
# checked: a 5 MB JSON file of 1.7 million empty rows took a worker past gunicorn's 30-second
# timeout. The admin's import page validates and applies within one request, so it takes a
# file it can finish well within that timeout (MAX_UPLOAD_ROWS: a few seconds, see
# docs/deploy.md); the command line has no request timeout and takes more.
MAX_UPLOAD_ROWS = 500
MAX_ROWS = 50_000
# A hostile or broken file (a header of 200,000 columns) could list a problem per cell: the
# report names the first ones and counts the rest.
MAX_REPORTED_ERRORS = 100
# The links to minerals and value-chain stages came later: files without these columns still
# import, and leave the links of the milestones they update as they are.
LINK_COLUMNS = {"minerals": Mineral, "stages": ValueChainStage}
REQUIRED_COLUMNS = [
    column
    for column in COLUMNS
    if column not in READ_ONLY_COLUMNS + OPTIONAL_COLUMNS and column not in LINK_COLUMNS
]
BOOLEAN_CELLS = {"true": True, "false": False}
# Lookups by code go in batches: SQLite limits the parameters of one query.
LOOKUP_BATCH = 500

# Model field -> file column, for the fields each row sets.
TARGET_COLUMNS = {"code": "target", "title": "target_title", "target_year": "target_year"}
MILESTONE_COLUMNS = {
    "code": "code",
    "title": "title",
    "description": "description",
    "due_date": "due_date",
    "status": "status",
    "provenance": "provenance",
    "source_title": "source_title",
    "source_url": "source_url",
}
# What a new milestone takes from its row (the dry run lists them).
MILESTONE_FIELDS_ON_CREATE = {"target", "stakeholder_groups", *MILESTONE_COLUMNS.values()}
# Milestone content compared with the database, in column order (status is handled apart).
CONTENT_FIELDS = [
    "title",
    "description",
    "due_date",
    "provenance",
    "source_title",
    "source_url",
]


@dataclass
class TargetPlan:
    code: str
    action: str  # "create", "update" or "unchanged"
    fields: list[str]
    existing: Target | None
    roadmap: Roadmap | None
    theme: Theme
    title: str
    target_year: int | None  # None: an enabler
    # A target created by an import takes its source from its first milestone row.
    source: dict
    groups: list = field(default_factory=list)
    # Its translations in the file (model column -> text): title_es. None of a language
    # whose column the file lacks.
    translations: dict = field(default_factory=dict)


@dataclass
class MilestonePlan:
    row: int
    code: str
    action: str
    fields: list[str]
    existing: Milestone | None
    target_code: str
    values: dict  # the content fields, cleaned
    groups: list
    status: str
    # Column -> the linked rows; a column absent from the file is absent here (links kept).
    links: dict = field(default_factory=dict)
    # None: the file has no project_event column (or an empty cell): keep what is stored.
    is_project_event: bool | None = None


@dataclass
class Plan:
    errors: list[RowError] = field(default_factory=list)
    targets: dict[str, TargetPlan] = field(default_factory=dict)
    milestones: list[MilestonePlan] = field(default_factory=list)

    def changes(self) -> list[tuple[str, str, str, list[str]]]:
        """(kind, action, code, columns) of every target and milestone that would change."""
        found = [
            ("target", plan.action, plan.code, plan.fields)
            for plan in self.targets.values()
            if plan.action != "unchanged"
        ]
        found += [
            ("milestone", plan.action, plan.code, plan.fields)
            for plan in self.milestones
            if plan.action != "unchanged"
        ]
        return found

    def versions(self) -> dict[str, int | None]:
        """The version of each of the file's milestones the plan was made from (None: new)."""
        return {
            plan.code: plan.existing.version if plan.existing else None for plan in self.milestones
        }

    def counts(self) -> dict[str, dict[str, int]]:
        counts = {
            kind: {"create": 0, "update": 0, "unchanged": 0} for kind in ("target", "milestone")
        }
        for plan in self.targets.values():
            counts["target"][plan.action] += 1
        for plan in self.milestones:
            counts["milestone"][plan.action] += 1
        return counts

    def summary(self) -> str:
        counts = self.counts()
        return _(
            "Targets: created %(tc)d, updated %(tu)d, unchanged %(tn)d; "
            "milestones: created %(mc)d, updated %(mu)d, unchanged %(mn)d."
        ) % {
            "tc": counts["target"]["create"],
            "tu": counts["target"]["update"],
            "tn": counts["target"]["unchanged"],
            "mc": counts["milestone"]["create"],
            "mu": counts["milestone"]["update"],
            "mn": counts["milestone"]["unchanged"],
        }


# Reading the file ---------------------------------------------------------------------------


def read_rows(data: bytes, *, max_rows: int = MAX_ROWS) -> tuple[list[Row], list[RowError]]:
    """The file's milestone rows as text cells, or the problems that stop reading it.

    A file of more than `max_rows` rows is refused as soon as reading passes that many.
    """
    text, errors = tables.decode(data)
    if errors:
        return [], errors
    if text.lstrip()[0] in "{[":
        return _read_json(text, max_rows)
    return _read_csv(text, max_rows)


def _too_many_rows(max_rows: int) -> list[RowError]:
    if max_rows == MAX_UPLOAD_ROWS:
        message = _(
            "the file has more than %(limit)s milestone rows, the most this page takes. Split "
            "it, or import it from the command line: python manage.py import_roadmap FILE "
            "(up to %(command_limit)s rows)."
        ) % {"limit": f"{max_rows:,}", "command_limit": f"{MAX_ROWS:,}"}
    else:
        message = _("the file has more than %(limit)s milestone rows: split it.") % {
            "limit": f"{max_rows:,}"
        }
    return [RowError(None, None, message)]


def _read_csv(text: str, max_rows: int) -> tuple[list[Row], list[RowError]]:
    return tables.read_csv(
        text,
        check_header=lambda header: _check_header(header, row=1),
        no_rows=_("the file has a header but no milestone rows."),
        max_rows=max_rows,
        too_many_rows=lambda: _too_many_rows(max_rows),
    )


def _read_json(text: str, max_rows: int) -> tuple[list[Row], list[RowError]]:
    try:
        document = json.loads(text)
    except RecursionError:
        return [], [RowError(None, None, _("the file is not valid JSON: it is nested too deeply."))]
    except json.JSONDecodeError as exc:
        return [], [
            RowError(
                None,
                None,
                _("the file is not valid JSON: %(error)s (line %(line)d, column %(col)d).")
                % {"error": exc.msg, "line": exc.lineno, "col": exc.colno},
            )
        ]
    except ValueError as exc:
        # An integer of more than 4,300 digits (Python's limit on converting them).
        return [], [
            RowError(None, None, _("the file is not valid JSON: %(error)s") % {"error": exc})
        ]
    results = document.get("results") if isinstance(document, dict) else document
    if not isinstance(results, list):
        return [], [
            RowError(None, None, _('a JSON file needs a "results" list of milestone rows.'))
        ]
    if not results:
        return [], [RowError(None, None, _('the "results" list is empty.'))]
    if len(results) > max_rows:
        return [], _too_many_rows(max_rows)
    rows, errors = [], []
    for number, item in enumerate(results, start=1):
        if not isinstance(item, dict):
            errors.append(RowError(number, None, _("a row must be an object.")))
            continue
        missing = [column for column in REQUIRED_COLUMNS if column not in item]
        errors += [RowError(number, column, _("required column is missing.")) for column in missing]
        if missing:
            continue
        unknown = sorted(set(item) - set(COLUMNS))
        errors += [RowError(number, column, _("unknown column.")) for column in unknown]
        row = {column: item.get(column, []) for column in LIST_COLUMNS}
        row |= {column: item.get(column, "") for column in COLUMNS if column not in row}
        not_lists = [
            column
            for column in LIST_COLUMNS
            if column in item or column == "stakeholder_groups"
            if not isinstance(row[column], list)
        ]
        errors += [RowError(number, c, _("must be a list of slugs in JSON.")) for c in not_lists]
        if not_lists:
            continue
        for column in LIST_COLUMNS:
            row[column] = [str(slug) for slug in row[column]]
        cells = dict(zip(COLUMNS, csv_cells(row), strict=True))
        rows.append(
            Row(
                number,
                {
                    name: cell.strip()
                    for name, cell in cells.items()
                    if name in item or (name not in LINK_COLUMNS and name not in LANGUAGE_COLUMNS)
                },
            )
        )
    return rows, errors


def _check_header(header: list[str], row: int) -> list[RowError]:
    if not set(header) & set(COLUMNS):
        # Not a roadmap file at all (another CSV, a JSON scalar, binary): one message, not one
        # per missing column.
        return [
            RowError(
                row,
                None,
                _(
                    "this is not the roadmap CSV header; the first row must name the columns "
                    "%(columns)s."
                )
                % {"columns": ", ".join(REQUIRED_COLUMNS)},
            )
        ]
    return tables.header_errors(header, columns=COLUMNS, required=REQUIRED_COLUMNS, row=row)


# Validating against the database ------------------------------------------------------------


@in_canonical_language
def validate(data: bytes, *, max_rows: int = MAX_ROWS) -> Plan:
    """Every problem in the file, or the plan of changes. Reads the database, writes nothing."""
    rows, errors = read_rows(data, max_rows=max_rows)
    plan = Plan(errors=errors) if errors else plan_rows(rows)
    if len(plan.errors) > MAX_REPORTED_ERRORS:
        more = len(plan.errors) - MAX_REPORTED_ERRORS
        plan.errors = [
            *plan.errors[:MAX_REPORTED_ERRORS],
            RowError(None, None, _("%(count)d more problems are not listed.") % {"count": more}),
        ]
    return plan


def _by_code(queryset, codes: set[str]) -> dict:
    found = {}
    codes = sorted(codes)
    for start in range(0, len(codes), LOOKUP_BATCH):
        for obj in queryset.filter(code__in=codes[start : start + LOOKUP_BATCH]):
            found[obj.code] = obj
    return found


def _clean(instance, columns: dict[str, str], row: Row) -> list[RowError]:
    """The model's own field validation (clean_fields), reported by file column."""
    exclude = [f.name for f in instance._meta.fields if f.name not in columns]
    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as exc:
        return [
            RowError(row.number, columns[name], _describe(error, row.cells[columns[name]]))
            for name, field_errors in exc.error_dict.items()
            for error in field_errors
        ]
    return []


def _describe(error: ValidationError, value: str) -> str:
    params = error.params or {}
    if error.code == "max_value":
        return _("%(value)s is after %(limit)s") % {"value": value, "limit": params["limit_value"]}
    if error.code == "min_value":
        return _("%(value)s is before %(limit)s") % {
            "value": value,
            "limit": params["limit_value"],
        }
    if error.code == "invalid_choice":
        return _("unknown value “%(value)s”.") % {"value": value}
    if error.code == "blank":
        return _("is required.")
    message = " ".join(error.messages)
    return f"“{value}”: {message}" if value else message


@dataclass
class _Known:
    """What the database holds for the file's rows, read once (a fixed number of queries)."""

    sectors: dict
    roadmaps: dict
    themes: dict
    groups: dict
    targets: dict
    milestones: dict
    links: dict  # column -> {slug: row}, for the minerals and stages columns
    # Where each code was first seen in the file.
    first_target_row: dict = field(default_factory=dict)
    first_code_row: dict = field(default_factory=dict)
    # A target's cells -> (the Target they make, its validation errors as (column, message)):
    # rows repeating a target's cells are checked once.
    checked_targets: dict = field(default_factory=dict)

    @classmethod
    def for_rows(cls, rows: list[Row]) -> "_Known":
        return cls(
            sectors={sector.slug: sector for sector in Sector.objects.all()},
            roadmaps={roadmap.sector_id: roadmap for roadmap in Roadmap.objects.current()},
            themes={theme.slug: theme for theme in Theme.objects.all()},
            groups={group.slug: group for group in StakeholderGroup.objects.all()},
            targets=_by_code(
                Target.objects.select_related("roadmap__sector", "theme"),
                {row.cells["target"] for row in rows},
            ),
            milestones=_by_code(
                Milestone.objects.select_related("target__roadmap__sector").prefetch_related(
                    "stakeholder_groups", "minerals", "stages"
                ),
                {row.cells["code"] for row in rows},
            ),
            links={
                column: {obj.slug: obj for obj in model.objects.all()}
                for column, model in LINK_COLUMNS.items()
            },
        )


def plan_rows(rows: list[Row]) -> Plan:
    plan = Plan()
    # PostgreSQL cannot store (nor even look up) text with NUL bytes: refuse them before any
    # query, naming each cell.
    plan.errors = [
        RowError(row.number, column, _("contains a NUL byte (0x00), which cannot be stored."))
        for row in rows
        for column, value in row.cells.items()
        if "\x00" in value
    ]
    if plan.errors:
        return plan
    known = _Known.for_rows(rows)
    for row in rows:
        plan.errors += _plan_row(plan, row, known)
    if plan.errors:
        plan.targets, plan.milestones = {}, []
    return plan


def _plan_row(plan: Plan, row: Row, known: _Known) -> list[RowError]:
    cells = row.cells
    errors = []

    def error(column, message):
        errors.append(RowError(row.number, column, message))

    sector = known.sectors.get(cells["sector"])
    if sector is None:
        error("sector", _("unknown sector “%(value)s”.") % {"value": cells["sector"]})
    theme = known.themes.get(cells["theme"])
    if theme is None:
        error("theme", _("unknown theme “%(value)s”.") % {"value": cells["theme"]})
    groups = []
    slugs = [slug.strip() for slug in cells["stakeholder_groups"].split(GROUP_SEPARATOR)]
    for slug in dict.fromkeys(slug for slug in slugs if slug):
        if slug in known.groups:
            groups.append(known.groups[slug])
        else:
            error(
                "stakeholder_groups",
                _("unknown stakeholder group “%(value)s”.") % {"value": slug},
            )
    links = {}
    for column in LINK_COLUMNS:
        if column not in cells:
            continue  # an older file: the links stay as they are
        links[column] = []
        slugs = [slug.strip() for slug in cells[column].split(GROUP_SEPARATOR)]
        for slug in dict.fromkeys(slug for slug in slugs if slug):
            if slug in known.links[column]:
                links[column].append(known.links[column][slug])
            elif column == "minerals":
                error(column, _("unknown mineral “%(value)s”.") % {"value": slug})
            else:
                error(
                    column,
                    _("unknown value-chain stage “%(value)s”.") % {"value": slug},
                )

    # The target: the model's rules, one definition per file, in the row's sector.
    # An empty target_year is an enabler, which has no year.
    translations = _translations(cells)
    target_cells = (cells["target"], cells["target_title"], cells["target_year"])
    target_cells += tuple(translations["target"].items())
    if target_cells not in known.checked_targets:
        target = Target(
            code=cells["target"],
            title=cells["target_title"],
            target_year=cells["target_year"] or None,
            **translations["target"],
        )
        target_columns = {**TARGET_COLUMNS, **_columns_of(translations["target"], "target")}
        found = [(e.column, e.message) for e in _clean(target, target_columns, row)]
        known.checked_targets[target_cells] = (target, found)
    target, found = known.checked_targets[target_cells]
    errors += [RowError(row.number, column, message) for column, message in found]
    first = known.first_target_row.setdefault(cells["target"], row)
    if first is not row:
        target_columns = [
            column for column, spec in LANGUAGE_COLUMNS.items() if spec[0] == "target"
        ]
        for column in ("sector", "target_title", "theme", "target_year", *target_columns):
            if column not in cells:
                continue
            if cells[column] != first.cells[column]:
                error(
                    column,
                    _("“%(value)s” differs from row %(row)d (“%(first)s”) for target %(target)s.")
                    % {
                        "value": cells[column],
                        "row": first.number,
                        "first": first.cells[column],
                        "target": cells["target"],
                    },
                )
    existing_target = known.targets.get(cells["target"])
    if existing_target and sector and existing_target.roadmap.sector_id != sector.pk:
        error(
            "target",
            _("%(code)s belongs to sector %(sector)s.")
            % {"code": existing_target.code, "sector": existing_target.roadmap.sector.slug},
        )
    if not existing_target and sector and sector.pk not in known.roadmaps:
        error(
            "sector",
            _("%(sector)s has no current roadmap to add target %(code)s to.")
            % {"sector": sector.slug, "code": cells["target"]},
        )

    # Dates in ASCII digits only, like every date input (Django's parse_date would also read
    # Arabic-Indic or full-width digits, and the export would then differ from the file).
    if not cells["due_date"].isascii():
        error("due_date", _("write the date as YYYY-MM-DD with the digits 0-9."))
    # The milestone: the model's rules, once per file, in the row's sector.
    milestone = Milestone(
        **{name: cells[column] for name, column in MILESTONE_COLUMNS.items()},
        **translations["milestone"],
    )
    errors += _clean(
        milestone, {**MILESTONE_COLUMNS, **_columns_of(translations["milestone"], "milestone")}, row
    )
    project_event = cells.get("project_event", "").lower()
    if project_event and project_event not in BOOLEAN_CELLS:
        error("project_event", _("must be true or false."))
    code = cells["code"]
    if code in known.first_code_row:
        error(
            "code",
            _("%(code)s also appears in row %(row)d.")
            % {"code": code, "row": known.first_code_row[code]},
        )
    elif code:
        known.first_code_row[code] = row.number
    existing = known.milestones.get(code)
    if existing and sector and existing.target.roadmap.sector_id != sector.pk:
        error(
            "code",
            _("%(code)s belongs to sector %(sector)s.")
            % {"code": code, "sector": existing.target.roadmap.sector.slug},
        )
    if errors:
        return errors

    if first is row:
        plan.targets[target.code] = _plan_target(
            target,
            existing_target,
            known.roadmaps.get(sector.pk),
            theme,
            milestone,
            translations["target"],
        )
    target_plan = plan.targets.get(target.code)
    if target_plan is None:
        return errors  # the target's first row failed: the plan is discarded anyway
    if target_plan.action == "create":
        target_plan.groups += [group for group in groups if group not in target_plan.groups]
    milestone_plan = _plan_milestone(
        row, milestone, existing, target.code, groups, links, translations["milestone"]
    )
    milestone_plan.is_project_event = BOOLEAN_CELLS.get(project_event)
    if existing and milestone_plan.is_project_event not in (None, existing.is_project_event):
        milestone_plan.fields.append("project_event")
        milestone_plan.action = "update"
    plan.milestones.append(milestone_plan)
    return errors


def _translations(cells: dict) -> dict:
    """The row's translations by model ("target", "milestone"): model column -> text, for
    the language columns the file has."""
    found = {"target": {}, "milestone": {}}
    for column, (model, name, _language) in LANGUAGE_COLUMNS.items():
        if column in cells:
            found[model][name] = cells[column]
    return found


def _columns_of(translations: dict, model: str) -> dict:
    """Model column -> file column of `model`'s translations, for _clean's messages (the
    milestone's title_es -> title_es, the target's title_es -> target_title_es)."""
    return {
        name: column
        for column, (of, name, _language) in LANGUAGE_COLUMNS.items()
        if of == model and name in translations
    }


def _changed_translations(existing, translations: dict, model: str) -> list[str]:
    """The file columns whose translation differs from the stored one ("" and none alike);
    `existing` None: a new row, which has none."""
    columns = {name: column for column, (m, name, _l) in LANGUAGE_COLUMNS.items() if m == model}
    return [
        columns[name]
        for name, value in translations.items()
        if (getattr(existing, name, None) or "") != value
    ]


def _plan_target(target, existing, roadmap, theme, milestone, translations) -> TargetPlan:
    plan = TargetPlan(
        code=target.code,
        action="create",
        fields=["target_title", "theme", "target_year"],
        existing=existing,
        roadmap=roadmap,
        theme=theme,
        title=target.title,
        target_year=target.target_year,
        source={
            "source_title": milestone.source_title,
            "source_url": milestone.source_url,
            "provenance": milestone.provenance,
        },
        translations=translations,
    )
    if existing is None:
        plan.fields += _changed_translations(None, translations, "target")
    else:
        plan.fields = [
            column
            for column, changed in (
                ("target_title", existing.title != target.title),
                ("theme", existing.theme_id != theme.pk),
                ("target_year", existing.target_year != target.target_year),
            )
            if changed
        ]
        plan.fields += _changed_translations(existing, translations, "target")
        plan.action = "update" if plan.fields else "unchanged"
    return plan


def _plan_milestone(
    row, milestone, existing, target_code, groups, links, translations
) -> MilestonePlan:
    values = {name: getattr(milestone, name) for name in CONTENT_FIELDS}
    if existing is None:
        fields = [
            column
            for column in COLUMNS
            if column in MILESTONE_FIELDS_ON_CREATE or links.get(column)
        ]
        fields += _changed_translations(None, translations, "milestone")
        action = "create"
    else:
        fields = _changed_fields(existing, milestone, target_code, values, groups, links)
        fields += _changed_translations(existing, translations, "milestone")
        fields.sort(key=COLUMNS.index)
        action = "update" if fields else "unchanged"
    values.update(translations)
    return MilestonePlan(
        row=row.number,
        code=milestone.code,
        action=action,
        fields=fields,
        existing=existing,
        target_code=target_code,
        values=values,
        groups=groups,
        status=milestone.status,
        links=links,
    )


def _changed_fields(existing, milestone, target_code, values, groups, links) -> list[str]:
    changed = []
    if existing.target.code != target_code:
        changed.append("target")
    changed += [name for name in CONTENT_FIELDS if getattr(existing, name) != values[name]]
    if {group.pk for group in existing.stakeholder_groups.all()} != {g.pk for g in groups}:
        changed.append("stakeholder_groups")
    changed += [
        column
        for column, linked in links.items()
        if {obj.pk for obj in getattr(existing, column).all()} != {obj.pk for obj in linked}
    ]
    if existing.status != milestone.status:
        changed.append("status")
    return sorted(changed, key=COLUMNS.index)


# Applying ---------------------------------------------------------------------------------


def _safe_file_name(name: str, limit: int = 200) -> str:
    """A file name fit for the public history note: no control characters, bounded length
    (an uploaded file's name is whatever the browser sent)."""
    name = CONTROL_CHARACTERS.sub("", name).strip() or "file"
    return name if len(name) <= limit else name[: limit - 1] + "\u2026"


@in_canonical_language
def apply_plan(
    plan: Plan,
    *,
    source_name: str,
    author=None,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Make the plan's changes, all or nothing: the targets one by one, then every new or
    changed milestone through the services' bulk writer (the rows, versions and history the
    one-by-one writers would make, the counters and the data version kept once)."""
    if plan.errors:
        raise ImportFailed(plan.errors)
    note = _("Imported from %(name)s") % {"name": _safe_file_name(source_name)}
    # One recount of the touched roadmaps' progress counters at the end, not one per write.
    with transaction.atomic(), counters.batched():
        targets = {}
        for target_plan in plan.targets.values():
            targets[target_plan.code] = _apply_target(target_plan)
        # The file's rows to write, and where each is in the file.
        rows = [
            (number, milestone_plan)
            for number, milestone_plan in enumerate(plan.milestones, start=1)
            if milestone_plan.action != "unchanged"
        ]
        reported = 0

        def report(written: int, _count: int) -> None:
            # Every row of the file up to the last one written, unchanged ones included.
            nonlocal reported
            upto = rows[written - 1][0] if written < len(rows) else len(plan.milestones)
            for done in range(reported + 1, upto + 1):
                progress(done, len(plan.milestones))
            reported = upto

        try:
            write_milestones(
                [_milestone_write(milestone_plan, targets) for _number, milestone_plan in rows],
                note=note,
                author=author,
                now=timezone.now(),
                progress=report if progress else None,
            )
        except StaleVersionError as exc:
            stale = next(p for p in plan.milestones if p.code == exc.milestone.code)
            raise _stale(stale) from exc
        if progress and not rows:
            report(0, 0)


def _apply_target(plan: TargetPlan) -> Target:
    if plan.action == "create":
        return create_target(
            values={
                "roadmap": plan.roadmap,
                "theme": plan.theme,
                "code": plan.code,
                "title": plan.title,
                "target_year": plan.target_year,
                **plan.source,
                **plan.translations,
            },
            stakeholder_groups=plan.groups,
        )
    if plan.action == "update":
        update_target_content(
            target=plan.existing,
            changes={
                "title": plan.title,
                "theme": plan.theme,
                "target_year": plan.target_year,
                **plan.translations,
            },
        )
    return plan.existing


def _stale(plan: MilestonePlan) -> ImportFailed:
    return ImportFailed(
        [
            RowError(
                plan.row,
                "code",
                _("%(code)s was updated by someone else during the import; try again.")
                % {"code": plan.code},
            )
        ]
    )


def _milestone_write(plan: MilestonePlan, targets) -> MilestoneWrite:
    """What the row asks of its milestone: created with the row's content, or changed to it
    against the version the plan was made from (a change since is a conflict)."""
    content = {name: value for name, value in plan.values.items() if name != "due_date"}
    if plan.existing is None:
        content["is_project_event"] = bool(plan.is_project_event)
    elif plan.is_project_event is not None:
        content["is_project_event"] = plan.is_project_event
    return MilestoneWrite(
        code=plan.code,
        changes={
            **content,
            "target": targets[plan.target_code],
            "stakeholder_groups": plan.groups,
            # Only the link columns the file has: an older file keeps the links.
            **plan.links,
        },
        due_date=plan.values["due_date"],
        status=plan.status,
        existing=plan.existing,
        expected_version=plan.existing.version if plan.existing else None,
    )


def _changed_since_preview(plan: Plan, previewed: dict[str, int | None]) -> list[RowError]:
    """The file's milestones whose version is not the one the preview was made from."""
    current = plan.versions()
    errors = []
    for milestone_plan in plan.milestones:
        code = milestone_plan.code
        if current[code] != previewed.get(code):
            errors.append(
                RowError(
                    milestone_plan.row,
                    "code",
                    _(
                        "%(code)s changed after the preview (it was version %(previewed)s, it "
                        "is now version %(current)s); nothing was written: upload the file "
                        "again to see what it would change now."
                    )
                    % {
                        "code": code,
                        "previewed": previewed.get(code) or _("not yet created"),
                        "current": current[code] or _("not yet created"),
                    },
                )
            )
    return errors


@in_canonical_language
def import_file(
    data: bytes,
    *,
    source_name: str,
    author=None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    previewed_versions: dict[str, int | None] | None = None,
) -> Plan:
    """Validate and (unless dry_run) apply, in one transaction. Raises ImportFailed.

    `previewed_versions` (from the preview's `Plan.versions()`): what is applied must be what
    was previewed, so a milestone of the file changed since (by a steward, an administrator,
    another import) is a conflict: reported by row, and nothing is written.

    Imports run one at a time: the first takes the data version's row lock (which every
    write takes anyway, to bump it) before reading anything, so a second import waits, then
    plans against what the first wrote, as if it had been started afterwards. On SQLite the
    immediate transaction holds the database's write lock from the start.
    """
    with transaction.atomic():
        plan = tables.plan_or_refuse(validate, data, dry_run=dry_run)
        if previewed_versions is not None:
            conflicts = _changed_since_preview(plan, previewed_versions)
            if conflicts:
                raise ImportFailed(conflicts)
        if not dry_run:
            try:
                apply_plan(plan, source_name=source_name, author=author, progress=progress)
            except IntegrityError as exc:
                # Someone else (the admin, by hand) created the same code meanwhile.
                raise ImportFailed(
                    [
                        RowError(
                            None,
                            None,
                            _(
                                "a target or milestone of this file was created by someone "
                                "else during the import; nothing was written: try again."
                            ),
                        )
                    ]
                ) from exc
    return plan


__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "MAX_UPLOAD_ROWS",
    "ImportFailed",
    "Plan",
    "RowError",
    "apply_plan",
    "import_file",
    "read_rows",
    "validate",
]
