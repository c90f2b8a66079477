"""Write the indicators CSV: one row per measurement (all revisions), by indicator and period."""

from django.core.management.base import CommandError

from indicators.exports import csv_text, measurement_rows
from indicators.models import Indicator
from resourcing.lib.commands import ExportCommand
from resourcing.lib.dates import today


class Command(ExportCommand):
    help = (
        "Export every measurement of the indicators as the indicators CSV "
        "(docs/indicators-format.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--indicator", help="only this indicator code")
        super().add_arguments(parser)

    def handle(self, *args, **options):
        indicators = Indicator.objects.all()
        if options["indicator"]:
            indicators = indicators.filter(code=options["indicator"])
            if not indicators.exists():
                raise CommandError(f"Unknown indicator {options['indicator']!r}.")
        text = csv_text(measurement_rows(indicators.for_list(today()).with_links()))
        self.write_output(text, options["output"])
