"""Load the RE-SOURCING fixtures (resourcing.json, then minerals.json and indicators.json)
into a database that has no roadmap data yet.

`make run` calls this on every start, so an existing database is left alone unless --force is
given. Even then, loaddata refuses (naming them) when milestones were changed since they were
loaded: putting the fixture's values back would contradict their history.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from roadmaps.models import Sector


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
        if Sector.objects.exists() and not force:
            self.stdout.write(
                _("Roadmap data already present: fixtures not reloaded (use --force to reload).")
            )
            return
        # The minerals and stages link to the roadmap rows, so they come second.
        call_command(
            "loaddata", "resourcing", "minerals", "indicators", verbosity=options["verbosity"]
        )
