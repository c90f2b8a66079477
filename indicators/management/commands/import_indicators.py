"""Import the indicators CSV: validate the whole file, then append its new measurements at once.

Exit code 1 and nothing written when anything is wrong; every problem is listed as
"row N, column: message" (the header is row 1).
"""

from pathlib import Path

from indicators.imports import import_file
from resourcing.lib.commands import ImportCommand
from resourcing.lib.tables import ImportFailed


class Command(ImportCommand):
    help = (
        "Import measurements from the indicators CSV: append new values and revisions, all "
        "or nothing; rows already stored are left unchanged. See docs/indicators-format.md."
    )
    dry_run_help = "say what would be added; write nothing"

    def handle(self, *args, **options):
        path = Path(options["file"])
        author = self.author(options["author"])
        data = self.read_file(path)
        try:
            plan = import_file(data, author=author, dry_run=options["dry_run"])
        except ImportFailed as exc:
            raise self.refused(path, exc) from None
        would = [
            f"would add row {row.row}: {row.indicator.code} {row.values['period']}"
            f" = {row.values['value']}"
            for row in plan.rows
            if row.action == "create"
        ]
        self.report(plan, options["dry_run"], would)
