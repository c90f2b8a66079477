"""Load the RE-SOURCING fixtures (resourcing.json, then minerals.json and indicators.json)
into a database that has no roadmap data yet, then their content translations
(fixtures/translations/<language>.json, each one present; roadmaps.translation_files).

`make run` calls this on every start, so an existing database is left alone unless --force is
given. Even then, loaddata refuses (naming them) when milestones were changed since they were
loaded: putting the fixture's values back would contradict their history. On an existing
database without --force only the translations missing there are filled in from the files.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from roadmaps import translation_files
from roadmaps.models import Sector
from roadmaps.progress import store_past_progress


class Command(BaseCommand):
    help = _(
        "Load fixtures/resourcing.json and minerals.json unless the database already has sectors."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help=_(
                "Load even when data exists: rows nobody changed since take the file's values; "
                "milestones changed since (status updates, edits, imports) stop the load."
            ),
        )

    def handle(self, *args, force=False, **options):
        try:
            if Sector.objects.exists() and not force:
                self.stdout.write(
                    _(
                        "Roadmap data already present: fixtures not reloaded (use --force to "
                        "reload)."
                    )
                )
                self._translations(overwrite=False)
                return
            with transaction.atomic():
                # The minerals and stages link to the roadmap rows, so they come second.
                call_command(
                    "loaddata",
                    "resourcing",
                    "minerals",
                    "indicators",
                    verbosity=options["verbosity"],
                )
                self._translations(overwrite=True)
        except translation_files.TranslationFileError as exc:
            raise CommandError(str(exc)) from exc
        # The sectors' past quarters, once (roadmaps.PastProgress): not by the first visitor.
        store_past_progress()

    def _translations(self, *, overwrite: bool):
        result = translation_files.load(overwrite=overwrite)
        self.stdout.write(
            _("Content translations: %(files)s file(s), %(changed)s object(s) changed.")
            % {"files": len(result.files), "changed": result.changed}
        )
