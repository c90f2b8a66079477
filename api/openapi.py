"""The read API's OpenAPI 3.1 document, written by hand as a Python dict.

Hand-written rather than generated: the JSON shapes are plain dicts written once each
(roadmaps.serializers, roadmaps.exports, indicators.exports) with no schema framework to
generate from, and a generator would describe Django's views less well than a person can.
It cannot drift: tests/test_api.py validates it with openapi-spec-validator and checks a real
response of every operation (200, 400 and 404) against its schemas, which allow no
undocumented key. Enumerations come from the code (statuses, classifications, ...).

Badges, embeds and the HTML pages are left out: they are not JSON.
"""

from indicators.models import Direction
from indicators.progress import Category, Method
from roadmaps.exports import COLUMNS, LANGUAGE_COLUMNS
from roadmaps.models import Provenance, Status, UpdateKind
from roadmaps.progress import PROVENANCES, Classification

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"

CLASSIFICATIONS = [
    Classification.NO_DATA,
    Classification.ACHIEVED,
    Classification.ON_TRACK,
    Classification.MODERATE,
    Classification.OFF_TRACK,
]
FLAGS = ["provisional", "estimated", "break_in_series"]


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    return {"oneOf": [schema, {"type": "null"}]}


def obj(properties: dict, description: str = "") -> dict:
    """An object with exactly these keys, all present."""
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
DATE = {"type": "string", "format": "date"}
DATE_TIME = {"type": "string", "format": "date-time"}
URL_OR_EMPTY = {"type": "string", "description": "An http(s) address, or empty."}
SLUG = {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}
DECIMAL_TEXT = {
    "type": "string",
    "pattern": r"^-?\d+(\.\d+)?$",
    "description": "A decimal number as text (no exponent, no trailing zeros).",
}
SHARE = nullable({"type": "number", "minimum": 0, "maximum": 1})

INDICATOR_PROPERTIES = {
    "code": STRING,
    "title": STRING,
    "unit": STRING,
    "is_percent": {"type": "boolean"},
    "target_is_share": {"type": "boolean"},
    "direction": {"type": "string", "enum": Direction.values},
    "baseline": nullable(obj({"year": INTEGER, "value": DECIMAL_TEXT})),
    "target": nullable(
        obj(
            {
                "year": INTEGER,
                "value": DECIMAL_TEXT,
                "source_title": STRING,
                "source_url": URL_OR_EMPTY,
            }
        )
    ),
    "source_title": STRING,
    "source_url": URL_OR_EMPTY,
    "dataset_code": STRING,
    "publisher": STRING,
    "provenance": {"type": "string", "enum": Provenance.values},
    "sectors": {"type": "array", "items": SLUG},
    "minerals": {
        "type": "array",
        "items": obj({"mineral": SLUG, "name": STRING, "url": STRING}),
        "description": "The minerals the indicator concerns, with their pages.",
    },
    "stages": {"type": "array", "items": SLUG, "description": "Value-chain stage slugs."},
    "latest": nullable(ref("IndicatorValue")),
    "progress": ref("IndicatorProgress"),
    "values": {
        "type": "array",
        "items": ref("IndicatorValue"),
        "description": "The value in force for each period, oldest first.",
    },
}

MINERAL_PROPERTIES = {
    "mineral": SLUG,
    "name": STRING,
    "symbol": STRING,
    "is_critical": {"type": "boolean"},
    "is_strategic": {"type": "boolean"},
    "source_title": STRING,
    "source_url": URL_OR_EMPTY,
    "sectors": {"type": "array", "items": SLUG},
}

BY_PROVENANCE = obj({str(p): {**INTEGER, "minimum": 0} for p in PROVENANCES})

SCHEMAS = {
    "Basis": obj(
        {
            "counted": {**BY_PROVENANCE, "description": "Milestones counted, by provenance."},
            "due": {**BY_PROVENANCE, "description": "Counted milestones due, by provenance."},
            "achieved": {**BY_PROVENANCE, "description": "Achieved, by provenance."},
            "project_events_excluded": {
                **INTEGER,
                "minimum": 0,
                "description": "Project events shown with the milestones but counted nowhere.",
            },
        },
        "What a verdict rests on: its counts by provenance (roadmap, eu-law, illustrative).",
    ),
    "Slippage": obj(
        {
            "milestones_redated": {**INTEGER, "minimum": 0},
            "total_slip_months": INTEGER,
            "median_slip_months": nullable({"type": "number"}),
        },
        "How far the deadlines of re-dated milestones have moved by as_of.",
    ),
    "DeadlineChange": obj(
        {
            "created_at": DATE_TIME,
            "due_date_before": DATE,
            "due_date_after": DATE,
            "slip_months": INTEGER,
            "reason": STRING,
            "evidence_url": URL_OR_EMPTY,
        }
    ),
    "Deadline": obj(
        {
            "original_due_date": DATE,
            "current_due_date": DATE,
            "postponed": {"type": "boolean"},
            "slip_months": INTEGER,
            "changes": {"type": "array", "items": ref("DeadlineChange")},
        },
        "A milestone's deadline as of the day: original, in force, and every change.",
    ),
    "Progress": obj(
        {
            "counted": {
                **INTEGER,
                "minimum": 0,
                "description": "Milestones counted (not discontinued).",
            },
            "achieved": {**INTEGER, "minimum": 0},
            "due": {**INTEGER, "minimum": 0, "description": "Counted milestones due by as_of."},
            "overdue": {**INTEGER, "minimum": 0},
            "actual": {
                **SHARE,
                "description": "achieved / counted, 4 decimals; null when nothing is counted.",
            },
            "expected": {
                **SHARE,
                "description": "due / counted, 4 decimals; null when nothing is counted.",
            },
            "classification": {"type": "string", "enum": CLASSIFICATIONS},
            "basis": ref("Basis"),
        },
        "A progress block: the same definition on every page (see /methodology/).",
    ),
    "SectorSummary": obj(
        {"sector": SLUG, "name": STRING, "progress": ref("Progress")},
    ),
    "Overview": obj(
        {"as_of": DATE, "sectors": {"type": "array", "items": ref("SectorSummary")}},
    ),
    "TargetRow": obj(
        {
            "code": STRING,
            "title": STRING,
            "theme": SLUG,
            "target_year": nullable(INTEGER),
            "progress": ref("Progress"),
        }
    ),
    "SectorDocument": obj(
        {
            "sector": SLUG,
            "as_of": DATE,
            "progress": ref("Progress"),
            "targets": {"type": "array", "items": ref("TargetRow")},
            "slippage": ref("Slippage"),
        }
    ),
    "MilestoneRow": obj(
        {
            "sector": SLUG,
            "target": STRING,
            "target_title": STRING,
            "theme": SLUG,
            "target_year": nullable(INTEGER),
            "code": STRING,
            "title": STRING,
            "description": STRING,
            "due_date": {**DATE, "description": "The due date in force on as_of."},
            "status": {"type": "string", "enum": Status.values},
            "stakeholder_groups": {"type": "array", "items": SLUG},
            "provenance": {"type": "string", "enum": Provenance.values},
            "source_title": STRING,
            "source_url": URL_OR_EMPTY,
            "overdue": {"type": "boolean"},
            "updated_at": DATE_TIME,
            "minerals": {"type": "array", "items": SLUG, "description": "Mineral slugs."},
            "stages": {
                "type": "array",
                "items": SLUG,
                "description": "Value-chain stage slugs.",
            },
            "project_event": {
                "type": "boolean",
                "description": "A step of the project itself: shown, counted in no progress.",
            },
            **{
                column: {
                    **STRING,
                    "description": "A translation; empty when not translated (the English "
                    "columns above are canonical).",
                }
                for column in LANGUAGE_COLUMNS
            },
        },
        "One milestone: the roadmap CSV's columns (/data/), the status as of the day asked for.",
    ),
    "MilestoneList": obj(
        {
            "count": {**INTEGER, "minimum": 0, "description": "Rows in results (unpaginated)."},
            "results": {"type": "array", "items": ref("MilestoneRow")},
        }
    ),
    "MilestoneUpdate": obj(
        {
            "created_at": DATE_TIME,
            "kind": {"type": "string", "enum": UpdateKind.values},
            "status_before": {"type": "string", "enum": Status.values},
            "status_after": {"type": "string", "enum": Status.values},
            "due_date_before": {**nullable(DATE), "description": "Deadline changes only."},
            "due_date_after": {**nullable(DATE), "description": "Deadline changes only."},
            "note": STRING,
            "evidence_url": URL_OR_EMPTY,
            "author": STRING,
        }
    ),
    "MilestoneDocument": obj(
        {
            "as_of": DATE,
            "milestone": ref("MilestoneRow"),
            "deadline": ref("Deadline"),
            "updates": {
                "type": "array",
                "items": ref("MilestoneUpdate"),
                "description": "The history up to as_of, newest first.",
            },
        }
    ),
    "Mineral": obj(MINERAL_PROPERTIES, "A mineral; critical / strategic as in the CRMA."),
    "MineralSummary": obj(
        {
            **MINERAL_PROPERTIES,
            "progress": ref("Progress"),
            "indicator_count": {**INTEGER, "minimum": 0},
        }
    ),
    "MineralIndex": obj(
        {"as_of": DATE, "minerals": {"type": "array", "items": ref("MineralSummary")}}
    ),
    "MineralDocument": obj(
        {
            "as_of": DATE,
            **MINERAL_PROPERTIES,
            "progress": ref("Progress"),
            "progress_by_sector": {
                "type": "object",
                "additionalProperties": ref("Progress"),
                "description": "Progress of the mineral's milestones in each sector, by slug.",
            },
            "progress_by_stage": {
                "type": "array",
                "items": obj(
                    {
                        "stage": nullable(SLUG),
                        "progress": ref("Progress"),
                        "indicators": {"type": "array", "items": STRING},
                    }
                ),
                "description": "By value-chain stage in order; stage null: no stage given.",
            },
            "indicators": {
                "type": "array",
                "items": ref("Indicator"),
                "description": "The indicators concerning the mineral, with their progress.",
            },
            "count": {**INTEGER, "minimum": 0},
            "results": {"type": "array", "items": ref("MilestoneRow")},
        },
        "A mineral, its progress, and its milestones (filtered) as the roadmap CSV's rows.",
    ),
    "IndicatorProgress": obj(
        {
            "category": {"type": "string", "enum": Category.ALL},
            "method": {"type": "string", "enum": [Method.GROWTH_RATE, Method.SHARE]},
            "baseline_year": nullable(INTEGER),
            "baseline_value": nullable(DECIMAL_TEXT),
            "latest_year": nullable(INTEGER),
            "latest_value": nullable(DECIMAL_TEXT),
            "target_year": nullable(INTEGER),
            "target_value": nullable(DECIMAL_TEXT),
            "actual": nullable({"type": "number"}),
            "required": nullable({"type": "number"}),
            "ratio": nullable({"type": "number"}),
        },
        "Progress of an indicator by the Eurostat SDG method (see /methodology/#indicators).",
    ),
    "IndicatorValue": obj(
        {
            "period": {"type": "string", "pattern": r"^\d{4}(-\d{2})?$"},
            "value": DECIMAL_TEXT,
            "flags": {"type": "array", "items": {"type": "string", "enum": FLAGS}},
            "published_on": DATE,
        }
    ),
    "Indicator": obj(INDICATOR_PROPERTIES),
    "IndicatorDetail": obj(
        {
            **INDICATOR_PROPERTIES,
            "revisions": {"type": "array", "items": ref("MeasurementRow")},
        },
        "An indicator with every published value, revisions included.",
    ),
    "MeasurementRow": obj(
        {
            "indicator": STRING,
            "period": {"type": "string", "pattern": r"^\d{4}(-\d{2})?$"},
            "value": DECIMAL_TEXT,
            "provisional": {"type": "boolean"},
            "estimated": {"type": "boolean"},
            "break_in_series": {"type": "boolean"},
            "published_on": DATE,
            "source_url": URL_OR_EMPTY,
            "note": STRING,
            "current": {"type": "boolean"},
            "minerals": {
                "type": "string",
                "description": "The indicator's mineral slugs, ;-joined.",
            },
            "stages": {"type": "string", "description": "The indicator's stage slugs, ;-joined."},
        },
        "One published value (the indicators CSV's columns); revisions are kept.",
    ),
    "IndicatorList": obj(
        {
            "as_of": DATE,
            "count": {**INTEGER, "minimum": 0},
            "results": {"type": "array", "items": ref("Indicator")},
        }
    ),
    "IndicatorDocument": obj({"as_of": DATE, "indicator": ref("IndicatorDetail")}),
    "Errors": obj(
        {
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": STRING, "minItems": 1},
                "description": "Messages per parameter named (or `path` for an unknown address).",
            }
        },
        "What was wrong with the request.",
    ),
}

PARAMETERS = {
    "format": {
        "name": "format",
        "in": "query",
        "required": True,
        "description": "json for this JSON document (without it, the page is HTML).",
        "schema": {"type": "string", "enum": ["json"]},
    },
    "format_csv": {
        "name": "format",
        "in": "query",
        "required": True,
        "description": "json, or csv for the same rows as the roadmap CSV (without it, HTML).",
        "schema": {"type": "string", "enum": ["json", "csv"]},
    },
    "as_of": {
        "name": "as_of",
        "in": "query",
        "required": False,
        "description": "A past day, YYYY-MM-DD, from 2019-01-01 to today (default today): "
        "statuses and progress as they were at the end of that day (UTC).",
        "schema": DATE,
    },
    "sector_slug": {
        "name": "slug",
        "in": "path",
        "required": True,
        "description": "The sector: renewable-energy, mobility or electronics.",
        "schema": SLUG,
    },
    "group_slug": {
        "name": "slug",
        "in": "path",
        "required": True,
        "description": "The stakeholder group: policy-makers, industry or civil-society.",
        "schema": SLUG,
    },
    "mineral_slug": {
        "name": "slug",
        "in": "path",
        "required": True,
        "description": "The mineral, e.g. cobalt (see /minerals/).",
        "schema": SLUG,
    },
    "milestone_code": {
        "name": "code",
        "in": "path",
        "required": True,
        "description": "The milestone's code, e.g. MOB-1.3.",
        "schema": STRING,
    },
    "indicator_code": {
        "name": "code",
        "in": "path",
        "required": True,
        "description": "The indicator's code, e.g. RES-SHARE.",
        "schema": STRING,
    },
}


def _query(name, description, schema=STRING):
    parameter = {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }
    return parameter


MILESTONE_FILTERS = [
    _query("q", "Text in the code, title or description (at most 200 characters)."),
    {
        **_query(
            "status",
            "Status as of the day; repeat the parameter for several.",
            {"type": "array", "items": {"type": "string", "enum": Status.values}},
        ),
        "style": "form",
        "explode": True,
    },
    _query("theme", "Theme slug.", SLUG),
    _query("target", "Target code."),
    _query("stakeholder_group", "Stakeholder group slug.", SLUG),
    _query("due_from", "Due on or after: YYYY or YYYY-MM-DD.", STRING),
    _query("due_to", "Due on or before: YYYY (end of year) or YYYY-MM-DD.", STRING),
    _query("overdue", "yes or no.", {"type": "string", "enum": ["yes", "no"]}),
    _query(
        "provenance",
        "Where the milestone comes from.",
        {"type": "string", "enum": Provenance.values},
    ),
    _query("mineral", "Mineral slug; null: milestones concerning no mineral given.", SLUG),
    _query("stage", "Value-chain stage slug; null: no stage given.", SLUG),
    _query(
        "ordering",
        "Row order (default due_date).",
        {"type": "string", "enum": ["due_date", "-due_date", "code", "status"]},
    ),
]
INDICATOR_FILTERS = [
    _query("sector", "Sector slug.", SLUG),
    _query("theme", "Theme slug (of a target the indicator measures).", SLUG),
    _query("stakeholder_group", "Stakeholder group slug.", SLUG),
]


def _json(schema_name: str, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": ref(schema_name)}},
    }


def _with_html(response: dict) -> dict:
    html = {"schema": {"type": "string", "description": "An HTML page."}}
    return {**response, "content": {**response["content"], "text/html": html}}


BAD_REQUEST = {"$ref": "#/components/responses/BadRequest"}
NOT_FOUND = {"$ref": "#/components/responses/NotFound"}
CSV = {
    "text/csv": {"schema": {"type": "string", "description": "CSV, columns: " + ", ".join(COLUMNS)}}
}


def _get(operation_id, summary, description, parameters, ok, *, tags, not_found=True, csv=False):
    responses = {"200": ok, "400": BAD_REQUEST}
    if csv:
        responses["200"] = {**ok, "content": {**ok["content"], **CSV}}
    if not_found:
        responses["404"] = NOT_FOUND
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "description": description,
            "tags": tags,
            "parameters": [
                {"$ref": f"#/components/parameters/{p}"} if isinstance(p, str) else p
                for p in parameters
            ],
            "responses": responses,
        }
    }


PATHS = {
    "/": _get(
        "overview",
        "Every sector's progress",
        "The overview page's numbers: each sector's progress block.",
        ["format", "as_of"],
        _json("Overview", "The sectors in display order."),
        tags=["Roadmaps"],
        not_found=False,
    ),
    "/sectors/{slug}/": _get(
        "sector",
        "One sector's progress and its targets",
        "The sector dashboard's numbers: the sector's progress and each target's.",
        ["sector_slug", "format", "as_of"],
        _json("SectorDocument", "The sector, targets by code."),
        tags=["Roadmaps"],
    ),
    "/sectors/{slug}/milestones/": _get(
        "sectorMilestones",
        "A sector's milestones, filtered",
        "The milestone list of a sector: every matching row, unpaginated, in the list's order.",
        ["sector_slug", "format_csv", "as_of", *MILESTONE_FILTERS],
        _json("MilestoneList", "The matching milestones."),
        tags=["Roadmaps"],
        csv=True,
    ),
    "/milestones/{code}/": _get(
        "milestone",
        "One milestone and its history",
        "A milestone as of the day, with its status history up to that day.",
        ["milestone_code", "format", "as_of"],
        _json("MilestoneDocument", "The milestone and its updates."),
        tags=["Roadmaps"],
    ),
    "/stakeholders/{slug}/": _get(
        "stakeholderGroupMilestones",
        "What one stakeholder group is asked to do, across sectors",
        "The milestones a stakeholder group is responsible for, filtered as a sector's list "
        "(without the stakeholder_group filter).",
        [
            "group_slug",
            "format_csv",
            "as_of",
            *[f for f in MILESTONE_FILTERS if f["name"] != "stakeholder_group"],
        ],
        _json("MilestoneList", "The group's matching milestones."),
        tags=["Roadmaps"],
        csv=True,
    ),
    "/minerals/": _get(
        "minerals",
        "Minerals and the progress of the milestones concerning them",
        "Every mineral named by a milestone, across sectors, with its progress.",
        ["format", "as_of"],
        _json("MineralIndex", "The minerals."),
        tags=["Minerals"],
        not_found=False,
    ),
    "/minerals/{slug}/": _get(
        "mineral",
        "One mineral across the roadmaps",
        "A mineral's progress overall, by sector and by value-chain stage, and its milestones "
        "filtered as a sector's list (without the mineral filter).",
        [
            "mineral_slug",
            "format_csv",
            "as_of",
            *[f for f in MILESTONE_FILTERS if f["name"] != "mineral"],
        ],
        _json("MineralDocument", "The mineral and its matching milestones."),
        tags=["Minerals"],
        csv=True,
    ),
    "/data/resourcing-milestones.json": {
        "get": {
            "operationId": "openData",
            "summary": "The open dataset: every milestone of every sector",
            "description": "Every milestone of each sector's current roadmap as of today, in "
            "export order, CC BY 4.0 (see /data/ for the attribution). The CSV twin is "
            "/data/resourcing-milestones.csv.",
            "tags": ["Open data"],
            "responses": {"200": _json("MilestoneList", "Every milestone.")},
        }
    },
    "/indicators/": _get(
        "indicators",
        "Indicators and their progress",
        "Every indicator (filtered), with its values in force and its progress.",
        ["format_csv", "as_of", *INDICATOR_FILTERS],
        _json("IndicatorList", "The matching indicators, by code."),
        tags=["Indicators"],
        not_found=False,
        csv=True,
    ),
    "/indicators/{code}/": _get(
        "indicator",
        "One indicator, its values and revisions",
        "An indicator with its progress, the values in force and every published revision.",
        ["indicator_code", "format_csv", "as_of"],
        _json("IndicatorDocument", "The indicator."),
        tags=["Indicators"],
        csv=True,
    ),
}
# The indicators' CSV has its own columns (docs/indicators-format.md).
for _path in ("/indicators/", "/indicators/{code}/"):
    PATHS[_path]["get"]["responses"]["200"]["content"]["text/csv"] = {
        "schema": {"type": "string", "description": "CSV, one row per published value."}
    }


def document(server_url: str) -> dict:
    """The whole document, for a server at `server_url` (the address the request came to)."""
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "RE-SOURCING Roadmap Tracker read API",
            "version": API_VERSION,
            "summary": "Progress against the RE-SOURCING Roadmaps 2050, as JSON.",
            "description": "Every public page's data as JSON: the page's address with "
            "format=json. No key, no login; any origin may read it (CORS). Responses carry "
            "ETag and Last-Modified: send If-None-Match for a 304. An invalid parameter "
            "answers 400 naming it; an unknown sector, milestone or indicator 404, both with "
            "an `errors` object. Badges and embeddable views are described on /data/.",
            "license": {"name": "CC BY 4.0 (the data)", "identifier": "CC-BY-4.0"},
        },
        "servers": [{"url": server_url}],
        "tags": [
            {
                "name": "Roadmaps",
                "description": "Sectors, targets, milestones, stakeholder groups.",
            },
            {"name": "Minerals", "description": "Milestones concerning a mineral, across sectors."},
            {"name": "Indicators", "description": "Numeric series measured against targets."},
            {"name": "Open data", "description": "The full dataset."},
        ],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "parameters": PARAMETERS,
            "responses": {
                "BadRequest": _with_html(
                    _json(
                        "Errors",
                        "A parameter is invalid: each is named (JSON for format=json, else "
                        "an HTML page with the same messages).",
                    )
                ),
                "NotFound": _with_html(
                    _json(
                        "Errors",
                        "No such sector, milestone, group or indicator (JSON for "
                        "format=json, else an HTML page).",
                    )
                ),
            },
        },
    }
