"""Import the indicators CSV: validate the whole file, then append its new measurements at once.

Exit code 1 and nothing written when anything is wrong; every problem is listed as
"row N, column: message" (the header is row 1).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from indicators.imports import import_file
from roadmaps.imports import MAX_BYTES, ImportFailed


class Command(BaseCommand):
    help = (
        "Import measurements from the indicators CSV: append new values and revisions, all "
        "or nothing; rows already stored are left unchanged. See docs/indicators-format.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file")
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would be added; write nothing"
        )
        parser.add_argument("--author", help="username recorded as author (default: none)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        author = None
        if options["author"]:
            author = get_user_model().objects.filter(username=options["author"]).first()
            if author is None:
                raise CommandError(f"--author: no user named {options['author']!r}.")
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"{path.name}: file: larger than 5 MB. Nothing was imported.")
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        try:
            plan = import_file(data, author=author, dry_run=options["dry_run"])
        except ImportFailed as exc:
            raise CommandError(
                f"{path.name}: {len(exc.errors)} problem(s), nothing was imported:\n{exc}"
            ) from None
        if options["dry_run"]:
            for row in plan.rows:
                if row.action == "create":
                    self.stdout.write(
                        f"would add row {row.row}: {row.indicator.code} {row.values['period']}"
                        f" = {row.values['value']}"
                    )
            self.stdout.write(f"Dry run, nothing written. {plan.summary()}")
        else:
            self.stdout.write(plan.summary())
