"""Send each steward one digest of their overdue, due-soon and not-reviewed items (cron).

Exit codes: 0 sent, or nothing to send; 1 an e-mail could not be sent (nothing recorded for
it; the others were sent and recorded); 2 bad arguments (an unknown sector slug).
"""

from django.core.management.base import BaseCommand, CommandError

from resourcing.lib.dates import today
from review.data_calls import render_digest, send_data_calls
from roadmaps.models import Sector


class Command(BaseCommand):
    help = (
        "E-mail each steward one digest listing their overdue, due-within-90-days and not "
        "reviewed items with links to update them. A steward already called today for a "
        "sector is not called again for it. Exit 0: sent or nothing to send; 1: a send "
        "failed; 2: bad arguments."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="show, send nothing")
        parser.add_argument("--sector", help="only this sector (its slug)")

    def handle(self, *args, **options):
        sectors = Sector.objects.real()
        if options["sector"] is not None:
            sectors = Sector.objects.filter(slug=options["sector"])
            if not sectors.exists():
                known = ", ".join(Sector.objects.real().values_list("slug", flat=True))
                raise CommandError(
                    f"Unknown sector {options['sector']!r}; known sectors: {known}.", returncode=2
                )
        day = today()
        result = send_data_calls(day=day, sectors=sectors, dry_run=options["dry_run"])
        verb = "Would send" if options["dry_run"] else "Sent"
        for digest in result.sent:
            subject, body = render_digest(digest, day)
            self.stdout.write(
                f"{verb} to {digest.steward.username} <{digest.steward.email}>: "
                f"{len(digest.items)} item(s), {', '.join(s.slug for s in digest.sectors)}"
            )
            if options["dry_run"] and options["verbosity"] > 1:
                self.stdout.write(f"Subject: {subject}\n\n{body}")
        for steward, why in result.skipped:
            self.stdout.write(f"Skipped {steward.username}: {why}")
        for digest, error in result.failed:
            self.stderr.write(f"Failed to send to {digest.steward.username}: {error}")
        if not result.sent and not result.failed:
            self.stdout.write("Nothing to send today.")
        if result.failed:
            raise CommandError(
                f"{len(result.failed)} data call(s) could not be sent; nothing was recorded "
                "for them.",
                returncode=1,
            )
