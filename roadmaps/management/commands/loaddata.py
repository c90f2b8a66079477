"""loaddata that validates the project's own rows before saving them.

Django's loaddata saves fixture rows as they are. With natural keys and no primary keys, a
code repeated in one file would silently overwrite the first row, and a bad value would only
surface as a database error naming a constraint. This subclass refuses both with a message
naming the model, the row's natural key and the field; loaddata's transaction then leaves
the database unchanged.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.management.commands import loaddata
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError

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
        try:
            return super().handle(*fixture_labels, **options)
        except (DeserializationError, DatabaseError) as exc:
            # Rolled back already; say what is wrong without a traceback.
            raise CommandError(str(exc)) from exc

    def save_obj(self, obj):
        instance = obj.object
        if instance._meta.app_label in VALIDATED_APPS and instance._meta.model_name != "user":
            self._validate(instance, obj.deferred_fields or {})
        return super().save_obj(obj)

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
