"""Import the roadmap CSV (or the JSON export): validate the whole file, then apply it at once.

Exit code 1 and nothing written when anything is wrong; every problem is listed as
"row N, column: message" (the header is row 1).
"""

from pathlib import Path

from resourcing.lib.commands import ImportCommand
from resourcing.lib.tables import ImportFailed
from roadmaps.imports import import_file

PROGRESS_EVERY = 50


class Command(ImportCommand):
    help = (
        "Import targets and milestones from the roadmap CSV or its JSON export: create or "
        "update by code, all or nothing. See docs/import-format.md."
    )
    file_help = "the CSV or JSON file"
    author_help = "username recorded as author of the status changes (default: none)"

    def handle(self, *args, **options):
        path = Path(options["file"])
        author = self.author(options["author"])
        data = self.read_file(path)
        try:
            plan = import_file(
                data,
                source_name=path.name,
                author=author,
                dry_run=options["dry_run"],
                progress=self._progress_reporter(),
            )
        except ImportFailed as exc:
            raise self.refused(path, exc) from None
        would = [
            f"would {action} {kind} {code}: {', '.join(columns)}"
            for kind, action, code, columns in plan.changes()
        ]
        self.report(plan, options["dry_run"], would)

    def _progress_reporter(self):
        """A counter on stderr, only when a person is watching it."""
        if not self.stderr.isatty():
            return None

        def report(done: int, total: int) -> None:
            if done % PROGRESS_EVERY == 0 or done == total:
                self.stderr.write(
                    f"\r{done}/{total} milestones", ending="\n" if done == total else ""
                )
                self.stderr.flush()

        return report
