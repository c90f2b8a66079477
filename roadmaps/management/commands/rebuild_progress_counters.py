"""Recount the progress and review counters from the milestones (roadmaps.counters), wholesale,
and compute the sectors' stored past quarters again (roadmaps.PastProgress).

The writers keep them in step; this is for a database written past them (raw SQL, a restore).
"""

from django.core.management.base import BaseCommand

from pagecache.versions import bump_data_version
from roadmaps import counters
from roadmaps.models import ProgressCounter
from roadmaps.progress import store_past_progress


class Command(BaseCommand):
    help = "Recount the progress counters the dashboards read from the milestones."

    def handle(self, *args, **options):
        counters.rebuild()
        bump_data_version()  # also makes every stored past quarter stale
        computed = store_past_progress()
        self.stdout.write(
            f"{ProgressCounter.objects.count()} progress counter rows, "
            f"{computed} past quarters computed"
        )
