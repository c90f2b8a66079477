"""Every JSON shape of the public pages, each written once.

The progress block is Progress.as_dict() (roadmaps.progress); a milestone row is the roadmap
CSV's (roadmaps.exports.milestone_row), in every list, download and page.
"""

from indicators.exports import indicator_dict
from resourcing.lib.translations import english
from roadmaps.exports import json_document, milestone_row


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def sector_summary(sector, progress) -> dict:
    return {"sector": sector.slug, "name": english(sector, "name"), "progress": progress.as_dict()}


def target_row(target) -> dict:
    """A target with its `.progress` (roadmaps.pages)."""
    return {
        "code": target.code,
        "title": english(target, "title"),
        "theme": target.theme.slug,
        "target_year": target.target_year,
        "progress": target.progress.as_dict(),
    }


def update_row(update) -> dict:
    """One entry of a milestone's history; the author named as on every page and feed."""
    return {
        "created_at": update.created_at.isoformat(),
        "kind": update.kind,
        "status_before": update.status_before,
        "status_after": update.status_after,
        # A deadline change's old and new due date (null for a status change).
        "due_date_before": _iso(update.due_date_before),
        "due_date_after": _iso(update.due_date_after),
        "note": update.note,
        "evidence_url": update.evidence_url,
        "author": update.author_name,
    }


def overview_document(page) -> dict:
    return {
        "as_of": page.as_of.isoformat(),
        "sectors": [sector_summary(sector, progress) for sector, progress in page.sectors],
    }


def sector_document(page) -> dict:
    return {
        "sector": page.sector.slug,
        "as_of": page.as_of.isoformat(),
        "progress": page.progress.as_dict(),
        "targets": [
            target_row(target) for target in sorted(page.targets, key=lambda target: target.code)
        ],
        "slippage": page.slippage.as_dict(),
    }


def milestone_document(page) -> dict:
    return {
        "as_of": page.as_of.isoformat(),
        "milestone": milestone_row(page.milestone, page.as_of),
        "deadline": page.deadlines.as_dict(),
        "updates": [update_row(update) for update in page.updates],
    }


def mineral_row(mineral) -> dict:
    """A mineral with its Critical Raw Materials Act marks and the sectors naming it."""
    return {
        "mineral": mineral.slug,
        "name": english(mineral, "name"),
        "symbol": mineral.symbol,
        "is_critical": mineral.is_critical,
        "is_strategic": mineral.is_strategic,
        "source_title": mineral.source_title,
        "source_url": mineral.source_url,
        "sectors": [sector.slug for sector in mineral.sectors.all()],
    }


def mineral_index_document(page) -> dict:
    return {
        "as_of": page.as_of.isoformat(),
        "minerals": [
            {
                **mineral_row(mineral),
                "progress": mineral.progress.as_dict(),
                "indicator_count": mineral.indicator_count,
            }
            for mineral in page.minerals
        ],
    }


def mineral_document(page) -> dict:
    """The mineral, its progress (overall, by sector, by stage), the indicators concerning
    it (the indicator JSON's shape) and its filtered milestones as the roadmap CSV's rows
    (`count`, `results`, as every list's JSON)."""
    return json_document(
        [milestone_row(milestone, page.as_of) for milestone in page.rows],
        as_of=page.as_of.isoformat(),
        **mineral_row(page.mineral),
        progress=page.progress.as_dict(),
        progress_by_sector={
            row["sector"].slug: row["progress"].as_dict() for row in page.sector_rows
        },
        progress_by_stage=[
            {
                "stage": row["stage"].slug if row["stage"] else None,
                "progress": row["progress"].as_dict(),
                "indicators": [indicator.code for indicator in row["indicators"]],
            }
            for row in page.stage_rows
        ],
        # Each with its progress from indicators.progress (the one indicator method).
        indicators=[indicator_dict(indicator, indicator.progress) for indicator in page.indicators],
    )
