"""loaddata that validates the project's own rows before saving them.

Django's loaddata saves fixture rows as they are. With natural keys and no primary keys, a
code repeated in one file would silently overwrite the first row, and a bad value would only
surface as a database error naming a constraint. This subclass refuses both with a message
naming the model, the row's natural key and the field; loaddata's transaction then leaves
the database unchanged.

Loading never contradicts history (issue 9). A milestone whose stored version differs from
the fixture row's has been written since it was loaded (every writer in roadmaps.services
bumps the version: a steward's status update, an admin edit, an import). Overwriting it would
put back an old status under a newer history row ("Not started" on the page, "Not started ->
At risk" as its latest update), so the whole load is refused, naming those milestones. It is
not recorded as new history instead: a fixture is the starting content, not news, and a
"change" back to it dated today would tell every feed reader that the work was undone. To
change content on a database in use, import a roadmap CSV: its changes are history.

A row equal to what is stored is not saved at all, so loading twice changes nothing: no
`updated_at`, no data version, no cached page goes stale. The fixtures are English: a row's
translations (fixtures/translations, loaded by load_resourcing; the admin) are kept.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.management.commands import loaddata
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError

from resourcing.lib import natural_keys
from resourcing.lib.translations import canonical_language, translation_columns
from roadmaps import counters
from roadmaps.models import Milestone

VALIDATED_APPS = {"roadmaps", "stakeholders", "indicators"}


def _describe(instance) -> str:
    try:
        key = instance.natural_key()
    except Exception:  # the key itself may be unreadable on a broken row
        return f"{instance._meta.label}(pk={instance.pk})"
    return f"{instance._meta.label} {'/'.join(str(part) for part in key)!r}"


class Command(loaddata.Command):
    def handle(self, *fixture_labels, **options):
        self._seen_keys = set()
        self._changed_since = []
        try:
            # The fixtures are English: `title` is the English column (title_en). The rows
            # their natural keys name are looked up once per load (resourcing.lib.natural_keys).
            with canonical_language(), natural_keys.remembered():
                return super().handle(*fixture_labels, **options)
        except (DeserializationError, DatabaseError) as exc:
            # Rolled back already; say what is wrong without a traceback.
            raise CommandError(str(exc)) from exc

    def loaddata(self, fixture_labels):
        super().loaddata(fixture_labels)
        # Fixture rows are saved as they are, past every writer: recount (same transaction).
        counters.rebuild()
        if self._changed_since:
            # Raised inside loaddata's transaction: nothing of the fixtures is kept.
            raise CommandError(
                "Refusing to load the fixtures: these milestones were changed since they were "
                "loaded (status updates, admin edits or imports), and loading would put back "
                "older values than their history shows: "
                f"{', '.join(sorted(self._changed_since))}. Nothing was loaded. Change content "
                "on a database in use with import_roadmap (its changes are recorded)."
            )

    def save_obj(self, obj):
        instance = obj.object
        if instance._meta.app_label in VALIDATED_APPS and instance._meta.model_name != "user":
            self._validate(instance, obj.deferred_fields or {})
            stored = self._stored(instance)
            if stored is not None:
                # The fixtures carry English; the translations (fixtures/translations, the
                # admin) are not theirs to clear.
                for name in translation_columns(type(instance)):
                    setattr(instance, name, getattr(stored, name))
                if isinstance(instance, Milestone) and stored.version != instance.version:
                    self._changed_since.append(instance.code)
                    return False
                if not obj.deferred_fields and _same(instance, stored, obj.m2m_data or {}):
                    return False  # loading twice changes nothing
        return super().save_obj(obj)

    def _stored(self, instance):
        if instance.pk is None:
            return None
        return type(instance)._base_manager.using(self.using).filter(pk=instance.pk).first()

    def _validate(self, instance, deferred):
        label = _describe(instance)
        # An unresolved natural key is deferred as a forward reference; a required foreign
        # key must point at a row that exists already (the fixtures are ordered).
        for field, value in deferred.items():
            if not getattr(field, "many_to_many", False) and not field.null:
                raise CommandError(
                    f"Invalid fixture row: {label}: {field.name}: no "
                    f"{field.related_model._meta.label} with natural key {value!r}."
                )
        if hasattr(instance, "natural_key"):
            key = (instance._meta.label, tuple(str(part) for part in instance.natural_key()))
            if key in self._seen_keys:
                raise CommandError(f"Invalid fixture row: {label} appears twice in the fixtures.")
            self._seen_keys.add(key)
        try:
            instance.full_clean(
                exclude=[field.name for field in deferred],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            problems = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
            )
            raise CommandError(f"Invalid fixture row: {label}: {problems}") from exc


def _same(instance, stored, m2m_data: dict) -> bool:
    """The fixture row holds exactly what is stored (fields and many-to-many links)."""
    for field in instance._meta.concrete_fields:
        if getattr(instance, field.attname) != getattr(stored, field.attname):
            return False
    for name, values in m2m_data.items():
        stored_pks = set(getattr(stored, name).values_list("pk", flat=True))
        if stored_pks != {getattr(value, "pk", value) for value in values}:
            return False
    return True
