"""What the import and export management commands share: reading the file, naming the author,
reporting a refused import, writing the output. Each command keeps only what its format means.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from resourcing.lib.tables import MAX_BYTES, ImportFailed


class ExportCommand(BaseCommand):
    """An export: `--output FILE`, or standard output."""

    def add_arguments(self, parser):
        parser.add_argument("--output", help="file to write (default: standard output)")

    def write_output(self, text: str, output: str | None) -> None:
        if not output:
            self.stdout.write(text, ending="")
            return
        try:
            with open(output, "w", encoding="utf-8", newline="") as stream:
                stream.write(text)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}.") from exc


class ImportCommand(BaseCommand):
    """An import of FILE, all or nothing: `--dry-run` writes nothing, `--author USERNAME`."""

    file_help = "the CSV file"
    dry_run_help = "list what would change; write nothing"
    author_help = "username recorded as author (default: none)"

    def add_arguments(self, parser):
        parser.add_argument("file", help=self.file_help)
        parser.add_argument("--dry-run", action="store_true", help=self.dry_run_help)
        parser.add_argument("--author", help=self.author_help)

    def author(self, username: str | None):
        if not username:
            return None
        author = get_user_model().objects.filter(username=username).first()
        if author is None:
            raise CommandError(f"--author: no user named {username!r}.")
        return author

    def read_file(self, path: Path) -> bytes:
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

    def refused(self, path: Path, exc: ImportFailed) -> CommandError:
        return CommandError(
            f"{path.name}: {len(exc.errors)} problem(s), nothing was imported:\n{exc}"
        )

    def report(self, plan, dry_run: bool, would: list[str]) -> None:
        """The summary, after what a dry run would have done, one line each."""
        if dry_run:
            for line in would:
                self.stdout.write(line)
            self.stdout.write(f"Dry run, nothing written. {plan.summary()}")
        else:
            self.stdout.write(plan.summary())
