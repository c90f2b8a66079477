"""Recount the progress and review counters from the milestones (roadmaps.counters), wholesale.

The writers keep them in step; this is for a database written past them (raw SQL, a restore).
"""

from django.core.management.base import BaseCommand

from pagecache.versions import bump_data_version
from roadmaps import counters
from roadmaps.models import ProgressCounter


class Command(BaseCommand):
    help = "Recount the progress counters the dashboards read from the milestones."

    def handle(self, *args, **options):
        counters.rebuild()
        bump_data_version()
        self.stdout.write(f"{ProgressCounter.objects.count()} progress counter rows")
