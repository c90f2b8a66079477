"""The read API's description (OpenAPI 3.1 JSON and its reference page), and 404s in the
content type the client asked for."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.defaults import page_not_found

from api.openapi import document
from reuse import badges
from reuse.views import svg_response


def _document(request) -> dict:
    return document(request.build_absolute_uri("/").rstrip("/") or "/")


@require_safe
def openapi_json(request):
    response = JsonResponse(_document(request), json_dumps_params={"indent": 1})
    response["Content-Type"] = "application/vnd.oai.openapi+json; charset=utf-8"
    return response


def _schema_name(schema: dict) -> str:
    return schema.get("$ref", "").rsplit("/", 1)[-1]


def _type_text(schema: dict) -> str:
    """A schema in a few words for the reference table."""
    if "$ref" in schema:
        return _schema_name(schema)
    if "oneOf" in schema:
        return " or ".join(_type_text(option) for option in schema["oneOf"])
    kind = schema.get("type", "")
    if kind == "array":
        return _("array of %(items)s") % {"items": _type_text(schema.get("items", {}))}
    if kind == "object" and "additionalProperties" in schema and schema["additionalProperties"]:
        return _("object of %(values)s") % {"values": _type_text(schema["additionalProperties"])}
    text = str(kind)
    if "format" in schema:
        text += f" ({schema['format']})"
    if "enum" in schema:
        text += ": " + ", ".join(str(value) for value in schema["enum"])
    return text


@require_safe
def reference(request):
    """The same document as /api/openapi.json, as a page: operations, then schemas."""
    doc = _document(request)
    components = doc["components"]
    operations = []
    for path, item in doc["paths"].items():
        operation = item["get"]
        parameters = []
        for parameter in operation.get("parameters", []):
            if "$ref" in parameter:
                parameter = components["parameters"][parameter["$ref"].rsplit("/", 1)[-1]]
            parameters.append({**parameter, "type": _type_text(parameter["schema"])})
        responses = []
        for status, response in operation["responses"].items():
            if "$ref" in response:
                response = components["responses"][response["$ref"].rsplit("/", 1)[-1]]
            responses.append(
                {
                    "status": status,
                    "description": response["description"],
                    "media": [
                        (media, _type_text(content["schema"]), _schema_name(content["schema"]))
                        for media, content in response.get("content", {}).items()
                    ],
                }
            )
        operations.append(
            {"path": path, **operation, "parameters": parameters, "responses": responses}
        )
    schemas = [
        {
            "name": name,
            "description": schema.get("description", ""),
            # (key, type in words, the schema it is when a bare reference, description)
            "properties": [
                (key, _type_text(value), _schema_name(value), value.get("description", ""))
                for key, value in schema.get("properties", {}).items()
            ],
        }
        for name, schema in components["schemas"].items()
    ]
    context = {"doc": doc, "operations": operations, "schemas": schemas}
    return render(request, "api/reference.html", context)


def wants_json(request) -> bool:
    if request.GET.getlist("format") == ["json"]:
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def not_found(request, exception):
    """handler404: an SVG badge for a badge's address, JSON for a JSON request, else the
    site's page."""
    if request.path_info.endswith("/badge.svg"):
        return svg_response(badges.message_badge(_("badge"), _("not found")), status=404)
    if wants_json(request):
        message = _("Nothing at %(path)s: no such sector, milestone, group or indicator.") % {
            "path": request.path_info
        }
        return JsonResponse({"errors": {"path": [message]}}, status=404)
    return page_not_found(request, exception)
