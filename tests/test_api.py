"""The read API: the OpenAPI document is valid, every operation's real responses match it
(200, 400 and 404, JSON and CSV), its reference page, JSON 404s and CORS."""

import json

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_spec

from api.openapi import document
from tests.reuse_data import AS_OF, make_reuse_data


@pytest.fixture
def api_data(db):
    make_reuse_data()


# (documented path, request) for every operation, each of its documented statuses and media.
EXAMPLES = [
    ("/", "/?format=json"),
    ("/", f"/?format=json&as_of={AS_OF}"),
    ("/", "/?format=json&as_of=2025-02-30"),
    ("/sectors/{slug}/", f"/sectors/mobility/?format=json&as_of={AS_OF}"),
    ("/sectors/{slug}/", "/sectors/mobility/?format=json&as_of=soon"),
    ("/sectors/{slug}/", "/sectors/atlantis/?format=json"),
    ("/sectors/{slug}/", "/sectors/atlantis/"),
    (
        "/sectors/{slug}/milestones/",
        "/sectors/mobility/milestones/?format=json&status=achieved&status=at_risk",
    ),
    ("/sectors/{slug}/milestones/", f"/sectors/mobility/milestones/?format=json&as_of={AS_OF}"),
    ("/sectors/{slug}/milestones/", "/sectors/mobility/milestones/?format=csv"),
    ("/sectors/{slug}/milestones/", "/sectors/mobility/milestones/?format=json&overdue=maybe"),
    ("/sectors/{slug}/milestones/", "/sectors/mobility/milestones/?format=csv&overdue=maybe"),
    ("/sectors/{slug}/milestones/", "/sectors/atlantis/milestones/?format=json"),
    ("/milestones/{code}/", f"/milestones/MOB-1.1/?format=json&as_of={AS_OF}"),
    ("/milestones/{code}/", "/milestones/MOB-1.1/?format=xml"),
    ("/milestones/{code}/", "/milestones/MOB-1.1/?format=json&as_of=2019"),
    ("/milestones/{code}/", "/milestones/NOPE-1/?format=json"),
    ("/stakeholders/{slug}/", "/stakeholders/industry/?format=json"),
    ("/stakeholders/{slug}/", "/stakeholders/industry/?format=csv"),
    ("/stakeholders/{slug}/", "/stakeholders/industry/?format=json&ordering=random"),
    ("/stakeholders/{slug}/", "/stakeholders/nobody/?format=json"),
    ("/data/resourcing-milestones.json", "/data/resourcing-milestones.json"),
    ("/minerals/", "/minerals/?format=json"),
    ("/minerals/", "/minerals/?format=json&as_of=2030-01-01"),
    ("/minerals/{slug}/", f"/minerals/cobalt-mobility/?format=json&as_of={AS_OF}"),
    ("/minerals/{slug}/", "/minerals/cobalt-mobility/?format=json&stage=null"),
    ("/minerals/{slug}/", "/minerals/cobalt-mobility/?format=csv"),
    ("/minerals/{slug}/", "/minerals/cobalt-mobility/?format=json&stage=nowhere"),
    ("/minerals/{slug}/", "/minerals/unobtainium/?format=json"),
    ("/indicators/", "/indicators/?format=json"),
    ("/indicators/", "/indicators/?format=json&sector=mobility"),
    ("/indicators/", "/indicators/?format=csv"),
    ("/indicators/", "/indicators/?format=json&sector=atlantis"),
    ("/indicators/{code}/", f"/indicators/MOB-RES/?format=json&as_of={AS_OF}"),
    ("/indicators/{code}/", "/indicators/MOB-RES/?format=csv"),
    ("/indicators/{code}/", "/indicators/MOB-RES/?format=json&as_of=2018-01-01"),
    ("/indicators/{code}/", "/indicators/NOPE/?format=json"),
]


def _resolve(doc, item):
    while "$ref" in item:
        section, name = item["$ref"].split("/")[-2:]
        item = doc["components"][section][name]
    return item


def _check(doc, path, response) -> tuple:
    """Validate `response` against the document's operation for `path`; return what it
    exercised: (path, status, media type)."""
    operation = doc["paths"][path]["get"]
    status = str(response.status_code)
    assert status in operation["responses"], (path, status)
    documented = _resolve(doc, operation["responses"][status])
    media = response["Content-Type"].split(";")[0]
    assert media in documented["content"], (path, status, media)
    schema = documented["content"][media]["schema"]
    if media == "application/json":
        body = json.loads(response.content)
        validator = OAS31Validator({**schema, "components": doc["components"]})
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
        assert errors == [], (path, errors)
    return path, status, media


def _documented(doc) -> set:
    combos = set()
    for path, item in doc["paths"].items():
        for status, response in item["get"]["responses"].items():
            for media in _resolve(doc, response)["content"]:
                combos.add((path, status, media))
    return combos


def test_openapi_document_is_valid_openapi_3_1(client, db):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oai.openapi+json; charset=utf-8"
    doc = json.loads(response.content)
    validate_spec(doc)
    assert doc["openapi"] == "3.1.0"
    assert doc["servers"] == [{"url": "http://testserver"}]


def test_every_documented_response_matches_the_real_one(client, api_data):
    doc = document("http://testserver")

    exercised = {_check(doc, path, client.get(url)) for path, url in EXAMPLES}

    # Every operation, status and media type documented is exercised above (HTML error
    # pages aside when a JSON one is), and nothing undocumented came back.
    html_errors = {combo for combo in _documented(doc) if combo[2] == "text/html"}
    assert _documented(doc) - html_errors <= exercised
    assert exercised - _documented(doc) == set()


def test_the_400_body_names_each_parameter(client, api_data):
    response = client.get("/sectors/mobility/milestones/?format=json&overdue=maybe&theme=x")

    assert response.status_code == 400
    assert sorted(json.loads(response.content)["errors"]) == ["overdue", "theme"]


def test_an_unknown_code_asked_as_json_is_a_json_404(client, db):
    response = client.get("/milestones/NOPE-1/?format=json")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "errors": {
            "path": [
                "Nothing at /milestones/NOPE-1/: no such sector, milestone, group or indicator."
            ]
        }
    }


def test_an_unknown_page_asked_as_html_is_the_site_404(client, db):
    response = client.get("/milestones/NOPE-1/")

    assert response.status_code == 404
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "Page not found" in response.content.decode()


def test_every_public_json_endpoint_is_documented(client, api_data):
    """The site's JSON addresses (the URL names that answer format=json) are the document's
    paths: a new JSON endpoint without its description fails here."""
    from django.urls import reverse

    doc = document("http://testserver")
    json_pages = {
        reverse("roadmaps:overview"): "/",
        reverse("roadmaps:sector-dashboard", args=["mobility"]): "/sectors/{slug}/",
        reverse("roadmaps:milestone-list", args=["mobility"]): "/sectors/{slug}/milestones/",
        reverse("roadmaps:milestone-detail", args=["MOB-1.1"]): "/milestones/{code}/",
        reverse("stakeholders:group-detail", args=["industry"]): "/stakeholders/{slug}/",
        reverse("roadmaps:mineral-index"): "/minerals/",
        reverse("roadmaps:mineral-detail", args=["cobalt-mobility"]): "/minerals/{slug}/",
        reverse("indicators:indicator-list"): "/indicators/",
        reverse("indicators:indicator-detail", args=["MOB-RES"]): "/indicators/{code}/",
    }
    for url, path in json_pages.items():
        response = client.get(url, {"format": "json"})
        assert response["Content-Type"] == "application/json", url
        assert path in doc["paths"]
    assert set(doc["paths"]) == {*json_pages.values(), "/data/resourcing-milestones.json"}


def test_reference_page_is_rendered_from_the_document(client, db):
    response = client.get("/api/")

    html = response.content.decode()
    doc = document("http://testserver")
    assert response.status_code == 200
    assert "<h1>RE-SOURCING Roadmap Tracker read API</h1>" in html
    for path, item in doc["paths"].items():
        assert f'<h3 id="op-{item["get"]["operationId"]}"><code>GET {path}</code></h3>' in html
    for name in doc["components"]["schemas"]:
        assert f'<h3 id="schema-{name}"><code>{name}</code></h3>' in html
    assert '<a href="/api/openapi.json">' in html


def test_open_data_page_links_to_the_api_reference(client, db):
    html = client.get("/data/").content.decode()

    assert '<a href="/api/">read API reference</a>' in html


# CORS


def test_public_reads_may_be_read_from_any_origin(client, api_data):
    first = client.get("/sectors/mobility/?format=json", HTTP_ORIGIN="https://partner.example")
    not_modified = client.get(
        "/sectors/mobility/?format=json",
        HTTP_ORIGIN="https://partner.example",
        HTTP_IF_NONE_MATCH=first["ETag"],
    )

    for response in (first, not_modified):
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Access-Control-Expose-Headers"] == "ETag, Content-Disposition"
        assert "Access-Control-Allow-Credentials" not in response
    assert not_modified.status_code == 304


def test_cors_preflight_for_get_is_answered(client, db):
    response = client.options(
        "/indicators/",
        HTTP_ORIGIN="https://partner.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD"
    assert response["Access-Control-Allow-Headers"] == "If-None-Match, If-Modified-Since"
    assert response["Access-Control-Max-Age"] == "86400"


def test_cors_preflight_for_a_write_is_not_allowed(client, db):
    response = client.options(
        "/indicators/",
        HTTP_ORIGIN="https://partner.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )

    assert response.status_code == 204
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Methods" not in response


def test_no_cors_on_writes_nor_on_staff_and_admin(client, admin_user):
    client.force_login(admin_user)

    staff = client.get("/staff/", HTTP_ORIGIN="https://partner.example")
    admin = client.get("/admin/", HTTP_ORIGIN="https://partner.example")
    post = client.post("/sectors/mobility/", HTTP_ORIGIN="https://partner.example")

    assert staff.status_code == 200
    assert "Access-Control-Allow-Origin" not in staff
    assert "Access-Control-Allow-Origin" not in admin
    assert post.status_code == 405
    assert "Access-Control-Allow-Origin" not in post


def test_badges_are_readable_from_any_origin_too(client, api_data):
    response = client.get("/sectors/mobility/badge.svg")

    assert response["Access-Control-Allow-Origin"] == "*"
