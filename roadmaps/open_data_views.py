"""The open-data page and the full dataset (all sectors) as the roadmap CSV and JSON."""

from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from resourcing.lib.dates import today
from resourcing.lib.languages import use_data_language
from roadmaps.exports import COLUMN_DESCRIPTIONS, COLUMNS, export_rows, json_document
from roadmaps.pages import open_data_page, published_milestones
from roadmaps.responses import csv_response

LICENCE_NAME = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
ATTRIBUTION = (
    "RE-SOURCING Roadmap Tracker, data from the RE-SOURCING project (EU H2020 grant 869276) "
    "and EU legal acts, CC BY 4.0"
)
DOWNLOAD_NAME = "resourcing-milestones"
FORMATS = ("csv", "json")


def open_data(request):
    """The page; `?format=csv|json` answers with the download itself."""
    data_format = request.GET.get("format")
    if data_format is not None:
        if data_format not in FORMATS:
            return HttpResponseBadRequest(
                _("format: use csv or json."), content_type="text/plain; charset=utf-8"
            )
        return dataset(request, data_format)
    context = {
        **vars(open_data_page()),
        "columns": [(column, COLUMN_DESCRIPTIONS[column]) for column in COLUMNS],
        "licence_name": LICENCE_NAME,
        "licence_url": LICENCE_URL,
        "attribution": ATTRIBUTION,
    }
    return render(request, "roadmaps/open_data.html", context)


def dataset(request, data_format):
    """Every milestone of every sector's current roadmap, in export order: two queries."""
    use_data_language()
    rows = export_rows(published_milestones(), today())
    filename = f"{DOWNLOAD_NAME}.{data_format}"
    if data_format == "csv":
        return csv_response(rows, filename)
    response = JsonResponse(json_document(rows), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
