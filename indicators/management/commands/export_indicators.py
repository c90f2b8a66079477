"""Write the indicators CSV: one row per measurement (all revisions), by indicator and period."""

from django.core.management.base import BaseCommand, CommandError

from indicators.exports import csv_text, measurement_rows
from indicators.models import Indicator
from resourcing.lib.dates import today


class Command(BaseCommand):
    help = (
        "Export every measurement of the indicators as the indicators CSV "
        "(docs/indicators-format.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--indicator", help="only this indicator code")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, **options):
        indicators = Indicator.objects.all()
        if options["indicator"]:
            indicators = indicators.filter(code=options["indicator"])
            if not indicators.exists():
                raise CommandError(f"Unknown indicator {options['indicator']!r}.")
        text = csv_text(measurement_rows(indicators.for_list(today()).with_links()))
        if options["output"]:
            try:
                with open(options["output"], "w", encoding="utf-8", newline="") as stream:
                    stream.write(text)
            except OSError as exc:
                raise CommandError(f"Cannot write {options['output']}: {exc.strerror}.") from exc
        else:
            self.stdout.write(text, ending="")
