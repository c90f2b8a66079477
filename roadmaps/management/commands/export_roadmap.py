"""Write one sector's targets and milestones as the roadmap CSV, or as JSON with its roadmap."""

import json

from django.core.management.base import CommandError

from resourcing.lib.commands import ExportCommand
from resourcing.lib.dates import today
from roadmaps.exports import csv_text, export_rows, json_document, roadmap_fields
from roadmaps.models import Milestone, Roadmap, Sector


class Command(ExportCommand):
    help = (
        "Export one sector's targets and milestones as the roadmap CSV (or JSON with the "
        "roadmap's title, vision and source), ordered by target code, then milestone code."
    )

    def add_arguments(self, parser):
        parser.add_argument("sector", help="sector slug, e.g. mobility")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        super().add_arguments(parser)

    def handle(self, *args, **options):
        sector = Sector.objects.filter(slug=options["sector"]).first()
        if sector is None:
            known = ", ".join(Sector.objects.values_list("slug", flat=True))
            raise CommandError(f"Unknown sector {options['sector']!r}; known sectors: {known}.")
        rows = export_rows(Milestone.objects.in_sector(sector), today())
        if options["format"] == "json":
            roadmap = Roadmap.objects.current().filter(sector=sector).first()
            document = json_document(rows, sector=sector.slug, roadmap=roadmap_fields(roadmap))
            text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        else:
            text = csv_text(rows)
        self.write_output(text, options["output"])
