"""Import the roadmap CSV (or the JSON export): validate the whole file, then apply it at once.

Exit code 1 and nothing written when anything is wrong; every problem is listed as
"row N, column: message" (the header is row 1).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from roadmaps.imports import MAX_BYTES, ImportFailed, import_file

PROGRESS_EVERY = 50


class Command(BaseCommand):
    help = (
        "Import targets and milestones from the roadmap CSV or its JSON export: create or "
        "update by code, all or nothing. See docs/import-format.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV or JSON file")
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would change; write nothing"
        )
        parser.add_argument(
            "--author", help="username recorded as author of the status changes (default: none)"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        author = self._author(options["author"])
        data = self._read(path)
        try:
            plan = import_file(
                data,
                source_name=path.name,
                author=author,
                dry_run=options["dry_run"],
                progress=self._progress_reporter(),
            )
        except ImportFailed as exc:
            raise CommandError(
                f"{path.name}: {len(exc.errors)} problem(s), nothing was imported:\n{exc}"
            ) from None
        if options["dry_run"]:
            for kind, action, code, columns in plan.changes():
                self.stdout.write(f"would {action} {kind} {code}: {', '.join(columns)}")
            self.stdout.write(f"Dry run, nothing written. {plan.summary()}")
        else:
            self.stdout.write(plan.summary())

    def _author(self, username):
        if not username:
            return None
        author = get_user_model().objects.filter(username=username).first()
        if author is None:
            raise CommandError(f"--author: no user named {username!r}.")
        return author

    def _read(self, path: Path) -> bytes:
        try:
            size = path.stat().st_size
            # Refused before reading, let alone parsing.
            if size > MAX_BYTES:
                raise CommandError(
                    f"{path.name}: file: the file is {size} bytes; the limit is "
                    f"{MAX_BYTES} bytes (5 MB). Nothing was imported."
                )
            return path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None

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
