"""The only writers of milestones (and targets), one per kind of change.

- `record_status_update`: a status change and its history row.
- `record_deadline_change`: a due-date change and its history row (old and new date, reason).
- `create_milestone` / `update_milestone_content`: everything else a milestone holds (title,
  description, source, target, stakeholder groups, project event; the due date only when
  created). The admin, the import and any later form call these; a status or a due date never
  changes here.
- `update_translations`: the translations of any translated object (a sector's, a
  milestone's, an indicator's...) and their review status; the content writers take the same
  columns (`title_es`, `translation_status_es`, `translation_source_es`) beside the content.
- `write_milestones`: many milestones created and changed at once (an import): what the four
  writers above would write one by one (the same rows, versions and history), in bulk.

Writers work in English (resourcing.lib.translations.canonical_language): `title` is the
English title whatever language the request speaks; a translation is named by its column.
A translation is not a change of the milestone: alone, it bumps neither `version` nor
`updated_at` (the public "updated" date, the feeds).

Every writer owns `Milestone.version`: each change bumps it, a write made against a stale
version raises StaleVersionError and writes nothing, and a write that changes nothing changes
neither the version nor `updated_at`. Each bumps the data version (pagecache), once per
transaction however many rows it writes, and keeps the progress counters (roadmaps.counters)
in the same transaction.
"""

import datetime
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from pagecache.versions import bump_data_version, past_unchanged
from resourcing.lib.dates import start_of_day, today
from resourcing.lib.translations import (
    TRANSLATED,
    TranslationStatus,
    in_canonical_language,
    source_column,
    status_column,
    translated_fields,
    translation_columns,
)
from roadmaps import counters
from roadmaps.models import (
    EARLIEST_DUE_DATE,
    LATEST_DUE_DATE,
    Milestone,
    MilestoneUpdate,
    Status,
    Target,
    UpdateKind,
)


class StaleVersionError(Exception):
    """Someone changed the milestone since the writer read it; nothing was written."""

    def __init__(self, milestone: Milestone, expected_version: int):
        self.milestone = milestone
        self.expected_version = expected_version
        super().__init__(
            f"Milestone {milestone.code} is at version {milestone.version}, "
            f"not {expected_version}: it was updated in the meantime."
        )


def _versioned_update(
    current: Milestone, expected_version: int, now, targets=(), links=None, history=None, **columns
):
    """The one conditional UPDATE every milestone writer makes: the columns, the next version
    and `updated_at`, only if the row is still at `expected_version` (so of two writers holding
    the same version exactly one wins, on SQLite and PostgreSQL alike), then its many-to-many
    `links` and its `history` row (unsaved), with the progress and review counters kept in the
    same transaction (they count links and the last review too). Raises StaleVersionError,
    writing nothing."""
    with counters.maintained(
        Milestone.objects.filter(pk=current.pk), targets=[current.target_id, *targets]
    ):
        changed = Milestone.objects.filter(pk=current.pk, version=expected_version).update(
            **columns, version=F("version") + 1, updated_at=now
        )
        if changed != 1:
            current.refresh_from_db()
            raise StaleVersionError(current, expected_version)
        for name, value in (links or {}).items():
            getattr(current, name).set(value)
        if history is not None:  # its history row: the last review, which counters keep
            history.save()


def _write_with_history(update, current, milestone, expected_version: int, now, **columns):
    """A status or deadline change: the versioned UPDATE, its history row, one data-version
    bump (the conditional UPDATE sends no signal; pagecache counts one bump per transaction,
    so a change is one new version); the caller's instance then shows the new state.

    A history row dated today or later changes no past day (the row before it carries the
    old value: roadmaps.progress._in_force), so the past version stays; one dated earlier
    (`created_at` given) bumps it."""
    with past_unchanged(update.created_at >= start_of_day(today())):
        _versioned_update(current, expected_version, now, history=update, **columns)
        bump_data_version()
    for name, value in columns.items():
        setattr(milestone, name, value)
    milestone.version = expected_version + 1
    milestone.updated_at = now
    update.milestone = milestone
    return update


def record_status_update(
    *,
    milestone: Milestone,
    status: str,
    note: str,
    evidence_url: str = "",
    author=None,
    approved_by=None,
    expected_version: int,
    created_at: datetime.datetime | None = None,
) -> MilestoneUpdate:
    """Set a milestone's status and append the history row, in one transaction.

    The version check and the write are a single conditional UPDATE, so of two writers
    holding the same version exactly one wins, on SQLite and PostgreSQL alike (on
    PostgreSQL the UPDATE takes the row lock; the loser re-reads the new version).
    Raises StaleVersionError when `expected_version` is not the stored version, and
    ValidationError for a bad status, note or evidence URL; in both cases nothing is written.
    `approved_by`: the reviewer of an approved proposal (review.services), `author` then
    being its proposer.
    """
    now = created_at or timezone.now()
    note = (note or "").strip()
    evidence_url = (evidence_url or "").strip()
    if status not in Status.values:
        raise ValidationError({"status": _("Unknown status: %(status)s.") % {"status": status}})

    with transaction.atomic():
        current = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if current.version != expected_version:
            raise StaleVersionError(current, expected_version)
        update = _history(
            current,
            status_before=current.status,
            status_after=status,
            note=note,
            evidence_url=evidence_url,
            author=author,
            approved_by=approved_by,
            created_at=now,
        )
        return _write_with_history(update, current, milestone, expected_version, now, status=status)


def check_deadline_change(*, due_date, reason: str) -> None:
    """The rules of a new due date and its reason (also checked when a re-dating is proposed
    for review, review.services): ValidationError naming the field."""
    if not isinstance(due_date, datetime.date) or isinstance(due_date, datetime.datetime):
        raise ValidationError({"due_date": _("Enter a valid date.")})
    if not EARLIEST_DUE_DATE <= due_date <= LATEST_DUE_DATE:
        raise ValidationError(
            {
                "due_date": _("%(date)s is outside %(earliest)s to %(latest)s.")
                % {
                    "date": due_date.isoformat(),
                    "earliest": EARLIEST_DUE_DATE.isoformat(),
                    "latest": LATEST_DUE_DATE.isoformat(),
                }
            }
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the new due date.")})


def record_deadline_change(
    *,
    milestone: Milestone,
    due_date: datetime.date,
    reason: str,
    evidence_url: str = "",
    author=None,
    approved_by=None,
    expected_version: int,
    created_at: datetime.datetime | None = None,
) -> MilestoneUpdate:
    """Re-date a milestone and append the history row (old and new due date), in one
    transaction; the only write path for a due date once a milestone exists.

    The same locking as record_status_update: the version check and the write are one
    conditional UPDATE. Raises StaleVersionError for a stale `expected_version`, and
    ValidationError naming the field (`due_date`, `reason`, `evidence_url`) for a date
    outside 2020-01-01..2050-12-31 or equal to the current one, a missing reason or a bad
    URL; in every case nothing is written.
    """
    now = created_at or timezone.now()
    reason = (reason or "").strip()
    evidence_url = (evidence_url or "").strip()
    check_deadline_change(due_date=due_date, reason=reason)

    with transaction.atomic():
        current = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if current.version != expected_version:
            raise StaleVersionError(current, expected_version)
        if current.due_date == due_date:
            raise ValidationError(
                {
                    "due_date": _("%(code)s is already due on %(date)s.")
                    % {"code": current.code, "date": due_date.isoformat()}
                }
            )
        try:
            update = _redating(
                current,
                due_date,
                note=reason,
                evidence_url=evidence_url,
                author=author,
                approved_by=approved_by,
                created_at=now,
            )
        except ValidationError as exc:
            # The history row calls the reason its note; the caller knows it as `reason`.
            errors = exc.message_dict
            if "note" in errors:
                errors["reason"] = errors.pop("note")
            raise ValidationError(errors) from exc
        return _write_with_history(
            update, current, milestone, expected_version, now, due_date=due_date
        )


# Milestone content: every field but the status (record_status_update), the due date
# (record_deadline_change: a re-dating is history) and the bookkeeping.
MILESTONE_CONTENT_FIELDS = (
    "target",
    "code",
    "title",
    "description",
    "source_title",
    "source_url",
    "provenance",
    "is_project_event",
)
# Many-to-many links a milestone's content includes (minerals and stages are declared on
# Mineral and ValueChainStage; these are their reverse sides).
MILESTONE_LINKS = ("stakeholder_groups", "minerals", "stages")
MILESTONE_CHANGEABLE = {*MILESTONE_CONTENT_FIELDS, *MILESTONE_LINKS}
# A new milestone also takes its first due date (later ones are deadline changes).
MILESTONE_ON_CREATE = {*MILESTONE_CHANGEABLE, "due_date"}


MILESTONE_TRANSLATIONS = set(translation_columns(Milestone))


def _check_fields(changes: dict, allowed=MILESTONE_CHANGEABLE) -> None:
    unknown = set(changes) - allowed - MILESTONE_TRANSLATIONS
    if unknown:
        # A programming error, not bad input: status and due date have their own writers
        # (with a history row each), version is ours.
        raise TypeError(
            f"cannot write {sorted(unknown)} as content: a status changes through "
            "record_status_update, a due date through record_deadline_change"
        )


def translation_differences(current, changes: dict) -> dict:
    """The translation columns among `changes` that differ from `current` (a missing
    translation is "" or NULL alike), with the review rule: a language whose text changes
    without its status being given becomes an unreviewed translation (what was reviewed or
    official was another text). Raises ValidationError naming the column: a bad status, an
    official wording without its source."""
    model = type(current)
    found = {}
    for language in TRANSLATED:
        status, source = status_column(language), source_column(language)
        texts = [f"{field}_{language}" for field in translated_fields(model)]
        for name in texts:
            if name in changes and (getattr(current, name) or "") != (changes[name] or ""):
                found[name] = changes[name] or ""
        old_status = getattr(current, status)
        new_status = changes.get(status) or old_status
        if any(name in found for name in texts) and status not in changes:
            new_status = TranslationStatus.UNREVIEWED
        if new_status not in TranslationStatus.values:
            raise ValidationError(
                {status: _("Unknown translation status: %(status)s.") % {"status": new_status}}
            )
        new_source = changes.get(source, getattr(current, source)) or ""
        if new_status not in (TranslationStatus.OFFICIAL, old_status) and source not in changes:
            new_source = ""  # the source names an official wording, and only that
        if new_status == TranslationStatus.OFFICIAL and not new_source:
            raise ValidationError(
                {source: _("An official wording names its source (the act and its version).")}
            )
        if new_status != old_status:
            found[status] = new_status
        if new_source != getattr(current, source):
            found[source] = new_source
    return found


def _differences(current, changes: dict) -> dict:
    """The changes that differ from the stored row (many-to-many links compared as sets,
    foreign keys by primary key; translations by translation_differences)."""
    found = translation_differences(current, changes)
    columns = set(translation_columns(type(current)))
    for name, value in changes.items():
        if name in columns:
            continue
        field = current._meta.get_field(name)
        if field.many_to_many:
            # .all(): the links prefetched by a bulk writer, else one query.
            stored = {item.pk for item in getattr(current, name).all()}
            if stored != {item.pk for item in value}:
                found[name] = list(value)
        elif field.is_relation:
            if getattr(current, field.attname) != (value.pk if value is not None else None):
                found[name] = value
        elif getattr(current, name) != value:
            found[name] = value
    return found


@in_canonical_language
def create_milestone(
    *,
    target: Target,
    code: str,
    values: dict,
    stakeholder_groups=(),
    links: dict | None = None,
    created_at: datetime.datetime | None = None,
) -> Milestone:
    """A new milestone, not started, at version 1. Its status changes through
    record_status_update (expected_version=1) afterwards, so the history says so.
    `links`: its minerals and stages ({"minerals": [...], "stages": [...]}), if any."""
    links = links or {}
    _check_fields(
        {**values, "stakeholder_groups": stakeholder_groups, **links}, MILESTONE_ON_CREATE
    )
    with (
        transaction.atomic(),
        counters.maintained(Milestone.objects.filter(code=code), targets=[target.pk]),
    ):
        milestone = Milestone(
            target=target,
            code=code,
            status=Status.NOT_STARTED,
            version=1,
            updated_at=created_at or timezone.now(),
            **values,
        )
        for name, value in translation_differences(Milestone(), values).items():
            setattr(milestone, name, value)
        # The target is an instance the caller holds; the database enforces unique codes
        # (the caller reports a clash: the admin form checked, the import plans under a lock).
        milestone.full_clean(exclude=["target"], validate_unique=False, validate_constraints=False)
        milestone.save()
        # A new row has no links yet: one INSERT (the import creates rows by the thousand;
        # the save above has bumped the data version already).
        through = Milestone.stakeholder_groups.through
        through.objects.bulk_create(
            through(milestone=milestone, stakeholdergroup=group)
            for group in dict.fromkeys(stakeholder_groups)
        )
        for name, linked in links.items():
            if linked:  # none: no query
                getattr(milestone, name).add(*linked)
    return milestone


@in_canonical_language
def update_milestone_content(
    *,
    milestone: Milestone,
    changes: dict,
    expected_version: int,
    updated_at: datetime.datetime | None = None,
) -> bool:
    """Change a milestone's content (any of MILESTONE_CHANGEABLE), in one transaction.

    Returns whether anything changed. Nothing differing from the stored row: nothing is
    written (neither `version` nor `updated_at`, so the public "updated" date stays). Raises
    StaleVersionError when `expected_version` is not the stored version (also for a change
    that would be a no-op: the writer read something that is no longer there), and
    ValidationError for a value the model refuses; in both cases nothing is written.
    """
    _check_fields(changes)
    now = updated_at or timezone.now()
    with transaction.atomic():
        current = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if current.version != expected_version:
            raise StaleVersionError(current, expected_version)
        differences = _differences(current, changes)
        if not differences:
            return False
        # Translations alone are not a change of the milestone (module docstring).
        translations_only = set(differences) <= MILESTONE_TRANSLATIONS
        linked = {name: differences.pop(name) for name in MILESTONE_LINKS if name in differences}
        fields = dict(differences)
        for name, value in fields.items():
            setattr(current, name, value)
        current.full_clean(
            exclude=[f.name for f in Milestone._meta.concrete_fields if f.name not in fields],
            validate_unique="code" in fields,
            validate_constraints=False,
        )
        column_values = {
            ("target_id" if name == "target" else name): (value.pk if name == "target" else value)
            for name, value in fields.items()
        }
        moved_to = [fields["target"].pk] if "target" in fields else []
        if translations_only:
            Milestone.objects.filter(pk=current.pk).update(**column_values)
        else:
            _versioned_update(
                current, expected_version, now, targets=moved_to, links=linked, **column_values
            )
        # The UPDATE sends no signal (pagecache counts one bump per transaction).
        bump_data_version()

    for name, value in fields.items():
        setattr(milestone, name, value)
    if not translations_only:
        milestone.version = expected_version + 1
        milestone.updated_at = now
    return True


# Many milestones at once (an import) -------------------------------------------------------

# Rows written per round of a bulk write: the locks, lookups and INSERTs of one round stay
# within SQLite's limit on a query's parameters once batched.
WRITE_CHUNK = 500


@dataclass
class MilestoneWrite:
    """One milestone of `write_milestones`: a new one (`existing` None; `changes` then takes
    what create_milestone's `values`, `stakeholder_groups` and `links` take, and `target`),
    or a change to `existing`, read at `expected_version` (`changes`: as for
    update_milestone_content). `due_date` and `status`: what it should have afterwards (a
    difference is a deadline change or a status update, with its history row)."""

    code: str
    changes: dict
    due_date: datetime.date
    status: str
    existing: Milestone | None = None
    expected_version: int | None = None
    # Filled in while writing.
    row: Milestone | None = field(default=None, repr=False)


def _link_table(name: str):
    """(through model, the milestone's column, the other side's column) of the link `name`."""
    relation = Milestone._meta.get_field(name)
    forward = relation.field if relation.auto_created else relation
    if forward.model is Milestone:  # stakeholder_groups: declared on Milestone
        own, other = forward.m2m_field_name(), forward.m2m_reverse_field_name()
    else:  # minerals, stages: declared on Mineral and ValueChainStage
        own, other = forward.m2m_reverse_field_name(), forward.m2m_field_name()
    return forward.remote_field.through, f"{own}_id", f"{other}_id"


def _link_rows(name: str, milestone_id: int, linked) -> list:
    """Through-table rows linking a milestone to `linked` by the link `name`."""
    through, own, other = _link_table(name)
    return [through(**{own: milestone_id, other: item.pk}) for item in dict.fromkeys(linked)]


def _history(milestone, *, note, evidence_url="", author, created_at, **fields):
    """A history row, checked: the milestone is a row the writer locked and the author the
    signed-in user, so their keys need no existence check (one query less per row)."""
    update = MilestoneUpdate(
        milestone=milestone,
        note=note,
        evidence_url=evidence_url,
        author=author,
        created_at=created_at,
        **fields,
    )
    update.full_clean(
        exclude=["milestone", "author", "approved_by"],
        validate_unique=False,
        validate_constraints=False,
    )
    return update


def _redating(current, due_date, **fields):
    """The history row of re-dating `current` (the locked row) to `due_date`: the old and new
    due date, its status unchanged; checked as _history checks."""
    return _history(
        current,
        kind=UpdateKind.DEADLINE,
        status_before=current.status,
        status_after=current.status,
        due_date_before=current.due_date,
        due_date_after=due_date,
        **fields,
    )


def _locked(writes: list[MilestoneWrite]) -> dict[int, Milestone]:
    """The stored rows of the changed milestones, locked, with their links; StaleVersionError
    for the first (in the writes' order) no longer at the version it was read at."""
    ids = [write.existing.pk for write in writes]
    current = {
        milestone.pk: milestone
        for milestone in Milestone.objects.select_for_update()
        .filter(pk__in=ids)
        .prefetch_related(*MILESTONE_LINKS)
    }
    for write in writes:
        stored = current[write.existing.pk]
        if stored.version != write.expected_version:
            raise StaleVersionError(stored, write.expected_version)
    return current


def _prepare_new(write: MilestoneWrite, *, now, note, author, history: list) -> Milestone:
    """create_milestone's row, then record_status_update's when the status is not the first."""
    _check_fields(write.changes, MILESTONE_ON_CREATE)
    if write.status not in Status.values:
        raise ValidationError(
            {"status": _("Unknown status: %(status)s.") % {"status": write.status}}
        )
    values = {
        name: value
        for name, value in write.changes.items()
        if name not in MILESTONE_LINKS and name != "target"
    }
    milestone = Milestone(
        target=write.changes["target"],
        code=write.code,
        status=write.status,
        version=1 if write.status == Status.NOT_STARTED else 2,
        updated_at=now,
        **{**values, "due_date": write.due_date},
    )
    milestone.full_clean(exclude=["target"], validate_unique=False, validate_constraints=False)
    if write.status != Status.NOT_STARTED:
        history.append(
            _history(
                milestone,
                status_before=Status.NOT_STARTED,
                status_after=write.status,
                note=note,
                author=author,
                created_at=now,
            )
        )
    return milestone


def _prepare_change(
    write: MilestoneWrite, current: Milestone, *, now, note, author, history: list, links: dict
) -> list[str]:
    """update_milestone_content's, record_deadline_change's and record_status_update's
    changes to `current` (in place); the columns written ([] for none). The changed links go
    into `links` ({name: {milestone id: linked}})."""
    _check_fields(write.changes)
    differences = _differences(current, write.changes)
    for name in MILESTONE_LINKS:
        if name in differences:
            links.setdefault(name, {})[current.pk] = differences.pop(name)
    changed_links = any(current.pk in by_id for by_id in links.values())
    columns = []
    for name, value in differences.items():
        setattr(current, name, value)
        columns.append(name)
    if differences:
        current.full_clean(
            exclude=[f.name for f in Milestone._meta.concrete_fields if f.name not in differences],
            validate_unique="code" in differences,
            validate_constraints=False,
        )
    # Translations alone are not a change of the milestone (module docstring).
    content_changed = bool(set(differences) - MILESTONE_TRANSLATIONS)
    version = current.version + (1 if content_changed or changed_links else 0)
    status_at = now
    if current.due_date != write.due_date:
        check_deadline_change(due_date=write.due_date, reason=note)
        history.append(_redating(current, write.due_date, note=note, author=author, created_at=now))
        current.due_date = write.due_date
        columns.append("due_date")
        version += 1
        # A milestone's history rows have distinct times (its natural key): the status
        # update comes after the re-dating, as it would one call later.
        status_at = now + datetime.timedelta(microseconds=1)
    if current.status != write.status:
        if write.status not in Status.values:
            raise ValidationError(
                {"status": _("Unknown status: %(status)s.") % {"status": write.status}}
            )
        history.append(
            _history(
                current,
                status_before=current.status,
                status_after=write.status,
                note=note,
                author=author,
                created_at=status_at,
            )
        )
        current.status = write.status
        columns.append("status")
        version += 1
    if version != current.version:
        current.version = version
        current.updated_at = now
        columns += ["version", "updated_at"]
    return columns


@in_canonical_language
def write_milestones(
    writes: list[MilestoneWrite],
    *,
    note: str,
    author=None,
    now: datetime.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Create and change many milestones in one transaction, as create_milestone,
    update_milestone_content, record_deadline_change and record_status_update would one by
    one: the same rows, links, versions and history rows (`note` and `author` on each), the
    same validation (ValidationError naming the field; StaleVersionError for a changed
    milestone no longer at its `expected_version`), writing nothing on any error. In bulk:
    a few INSERTs and UPDATEs per WRITE_CHUNK rows, the progress counters of the touched
    roadmaps recounted once, the data version bumped once. `progress(done, total)` after each
    round."""
    now = now or timezone.now()
    note = (note or "").strip()
    touched = {write.changes["target"].pk for write in writes if "target" in write.changes}
    touched |= {write.existing.target_id for write in writes if write.existing is not None}
    # One recount of the touched roadmaps' counters at the end, not one per row.
    with transaction.atomic(), counters.batched():
        counters.touched(targets=touched)
        for start in range(0, len(writes), WRITE_CHUNK):
            chunk = writes[start : start + WRITE_CHUNK]
            _write_chunk(chunk, now=now, note=note, author=author)
            if progress:
                progress(start + len(chunk), len(writes))
        if writes:
            # Bulk INSERTs and UPDATEs send no signal (pagecache counts one bump per
            # transaction).
            bump_data_version()


def _write_chunk(chunk: list[MilestoneWrite], *, now, note, author) -> None:
    changed = [write for write in chunk if write.existing is not None]
    current = _locked(changed) if changed else {}
    history, links, columns, updated = [], {}, set(), []
    new = [write for write in chunk if write.existing is None]
    for write in chunk:
        if write.existing is None:
            write.row = _prepare_new(write, now=now, note=note, author=author, history=history)
            continue
        write.row = current[write.existing.pk]
        written = _prepare_change(
            write, write.row, now=now, note=note, author=author, history=history, links=links
        )
        if written:
            columns.update(written)
            updated.append(write.row)
    Milestone.objects.bulk_create([write.row for write in new])
    new_links = [
        row
        for write in new
        for name in MILESTONE_LINKS
        for row in _link_rows(name, write.row.pk, write.changes.get(name, ()))
    ]
    if updated:
        Milestone.objects.bulk_update(updated, sorted(columns))
    for name, by_id in links.items():
        through, own, _other = _link_table(name)
        through.objects.filter(**{f"{own}__in": list(by_id)}).delete()
        new_links += [
            row
            for milestone_id, linked in by_id.items()
            for row in _link_rows(name, milestone_id, linked)
        ]
    by_table = {}
    for row in new_links:
        by_table.setdefault(type(row), []).append(row)
    for through, rows in by_table.items():
        through.objects.bulk_create(rows)
    MilestoneUpdate.objects.bulk_create(history)


TARGET_CHANGEABLE = {
    "roadmap",
    "theme",
    "code",
    "title",
    "description",
    "target_year",
    "source_title",
    "source_url",
    "provenance",
}
TARGET_TRANSLATIONS = set(translation_columns(Target))


@in_canonical_language
def create_target(*, values: dict, stakeholder_groups=()) -> Target:
    """A new target (content only: targets have no status or history)."""
    unknown = set(values) - TARGET_CHANGEABLE - TARGET_TRANSLATIONS
    if unknown:
        raise TypeError(f"create_target cannot set {sorted(unknown)}")
    with transaction.atomic():
        target = Target(**values)
        for name, value in translation_differences(Target(), values).items():
            setattr(target, name, value)
        target.full_clean(
            exclude=["roadmap", "theme"], validate_unique=False, validate_constraints=False
        )
        target.save()
        if stakeholder_groups:
            target.stakeholder_groups.set(stakeholder_groups)
    return target


@in_canonical_language
def update_target_content(*, target: Target, changes: dict) -> bool:
    """Change a target's content; nothing differing from the stored row writes nothing."""
    unknown = set(changes) - TARGET_CHANGEABLE - TARGET_TRANSLATIONS - {"stakeholder_groups"}
    if unknown:
        raise TypeError(f"update_target_content cannot change {sorted(unknown)}")
    with transaction.atomic():
        current = Target.objects.select_for_update().get(pk=target.pk)
        fields = _differences(current, changes)
        if not fields:
            return False
        groups = fields.pop("stakeholder_groups", None)
        roadmap_before = current.roadmap_id
        for name, value in fields.items():
            setattr(current, name, value)
            setattr(target, name, value)
        if fields:
            current.full_clean(
                exclude=[f.name for f in Target._meta.concrete_fields if f.name not in fields],
                validate_unique="code" in fields,
                validate_constraints=False,
            )
            # Moved to another roadmap: its milestones' counters move with it.
            moving = (
                counters.maintained(
                    Milestone.objects.filter(target=current),
                    roadmaps=[roadmap_before, current.roadmap_id],
                )
                if "roadmap" in fields
                else nullcontext()
            )
            with moving:
                current.save(update_fields=list(fields))
        if groups is not None:
            current.stakeholder_groups.set(groups)
    return True


@in_canonical_language
def update_translations(*, obj, changes: dict) -> bool:
    """Change the translations of any translated object (sector, roadmap, theme, target,
    milestone, stakeholder group, mineral, value-chain stage, indicator) and their review
    status, in one UPDATE and one data-version bump; `changes` by column (title_es,
    translation_status_es, translation_source_es). Returns whether anything changed. A
    language whose text changes without its status becomes unreviewed; a milestone's version
    and "updated" date stay (module docstring). Raises ValidationError naming the column (a
    control character, a text too long, an official wording without its source): nothing is
    written."""
    model = type(obj)
    allowed = set(translation_columns(model))
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"update_translations cannot change {sorted(unknown)} of {model}")
    with transaction.atomic():
        current = model._default_manager.select_for_update().get(pk=obj.pk)
        fields = translation_differences(current, changes)
        if not fields:
            return False
        for name, value in fields.items():
            setattr(current, name, value)
        current.full_clean(
            exclude=[f.name for f in model._meta.concrete_fields if f.name not in fields],
            validate_unique=False,
            validate_constraints=False,
        )
        model._default_manager.filter(pk=current.pk).update(**fields)
        # The UPDATE sends no signal (pagecache counts one bump per transaction).
        bump_data_version()
    for name, value in fields.items():
        setattr(obj, name, value)
    return True
