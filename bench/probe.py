"""The bench's measurements inside Django: queries per page and an EXPLAIN.

python -m bench.probe      (run by `python -m bench` against each bench database; prints
                            one line of JSON)
"""

import json
import time
import urllib.parse

from bench import HOST


def explain_filtered_list(sector_slug: str, status: str = "at_risk") -> str:
    """EXPLAIN of the sector's milestone list filtered by one status: the list page's own
    query (roadmaps.pages), not a copy of it."""
    from resourcing.lib.dates import today
    from roadmaps.pages import sector_milestones_page

    filterset = sector_milestones_page(sector_slug, {"status": [status]}, today()).filterset
    if not filterset.is_valid():
        raise ValueError(filterset.errors)
    return filterset.qs.explain()


def _pages() -> dict[str, str]:
    """The public page types, on the largest sector of this database."""
    from django.db.models import Count

    from roadmaps.models import Milestone, Sector
    from stakeholders.models import StakeholderGroup

    sector = (
        Sector.objects.annotate(n=Count("roadmaps__targets__milestones"))
        .order_by("-n", "slug")
        .first()
    )
    milestone = (
        Milestone.objects.in_sector(sector)
        .annotate(n=Count("updates"))
        .order_by("-n", "code")
        .first()
    )
    group = StakeholderGroup.objects.order_by("order", "slug").first()
    return {
        "overview": "/",
        "sector dashboard": f"/sectors/{sector.slug}/",
        "milestone list": f"/sectors/{sector.slug}/milestones/",
        "milestone CSV": f"/sectors/{sector.slug}/milestones/?format=csv",
        "milestone detail": f"/milestones/{urllib.parse.quote(milestone.code)}/",
        "stakeholder group": f"/stakeholders/{group.slug}/",
        "open data": "/data/",
    }


def probe() -> dict:
    """Queries per page (page cache off), sizes, and the EXPLAIN of a filtered list."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from roadmaps.models import Milestone, Sector

    settings.PAGE_CACHE_ENABLED = False
    client = Client(SERVER_NAME=HOST, raise_request_exception=False)
    pages = _pages()
    result = {"pages": {}, "milestones": Milestone.objects.count()}
    for name, url in pages.items():
        client.get(url)  # warm Python-level caches (templates, URL resolver)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        result["pages"][name] = {
            "url": url,
            "status": response.status_code,
            "queries": len(queries.captured_queries),
            "bytes": len(response.content),
            "render_ms": round(elapsed * 1000, 1),
        }
    synthetic = Sector.objects.filter(is_synthetic=True).order_by("slug").first()
    sector = synthetic or Sector.objects.order_by("order", "slug").first()
    try:
        result["explain"] = explain_filtered_list(sector.slug)
    except Exception as exc:  # the figures matter more than the plan
        result["explain"] = f"(EXPLAIN failed: {exc})"
    result["vendor"] = connection.vendor
    result["sector_milestones"] = Milestone.objects.in_sector(sector).count()
    return result


if __name__ == "__main__":
    print(json.dumps(probe()))
