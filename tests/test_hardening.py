"""What a hostile run broke (issue 10): each case answers a clear status, logs what it should
and writes nothing it should not."""

import csv
import io
import json
import logging
import time
import xml.etree.ElementTree as ET

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from roadmaps.models import (
    Milestone,
    MilestoneUpdate,
    Mineral,
    Roadmap,
    Sector,
    Target,
    Theme,
    ValueChainStage,
)
from stakeholders.models import StakeholderGroup, User
from tests.factories import (
    admin_milestone_data,
    dump_content,
    make_roadmap,
    make_target,
    make_update,
    make_user,
)

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
ADMIN_LOGIN = reverse("admin:login")
INVALID_LOGIN = {
    LOGIN: "Please enter a correct username and password. Note that both fields may be "
    "case-sensitive.",
    ADMIN_LOGIN: "Please enter the correct username and password for a staff account. Note that "
    "both fields may be case-sensitive.",
}


def _errors(caplog) -> list[tuple[str, int]]:
    return [(r.name, r.levelno) for r in caplog.records if r.levelno >= logging.ERROR]


# 1. Login with a username longer than any account can have --------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
@pytest.mark.parametrize("length", [256, 5000])
def test_overlong_username_is_refused_as_invalid_credentials_and_still_counted(
    client, settings, caplog, url, length
):
    # PostgreSQL refused django-axes' 255-character column (a 500); on SQLite the test checks
    # the same: refused, counted under the name cut to the user model's 150 characters.
    settings.AXES_ENABLED = True
    username = "u" * length
    caplog.set_level(logging.INFO)

    responses = [
        client.post(url, {"username": username, "password": "x"}, REMOTE_ADDR="10.0.0.9")
        for _ in range(5)
    ]

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert responses[0].context["form"].non_field_errors() == [INVALID_LOGIN[url]]
    attempts = list(AccessAttempt.objects.values_list("username", "failures_since_start"))
    assert attempts == [("u" * 150, 5)]
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session
    assert _errors(caplog) == []


# 3. Import files the limits accept must finish within the worker's timeout ------------------

# gunicorn's worker timeout (docs/deploy.md): each request must finish well within it.
WORKER_TIMEOUT = 30


def _roadmap_rows(sector_slug: str, theme_slug: str, count: int) -> list[dict]:
    """`count` valid rows of new milestones, each of a new target, each with a status change
    (the most an import writes per row)."""
    statuses = ["in_progress", "achieved", "at_risk", "discontinued"]
    return [
        {
            "sector": sector_slug,
            "target": f"L-{index}",
            "target_title": f"Target {index}",
            "theme": theme_slug,
            "target_year": 2040,
            "code": f"L-{index}.1",
            "title": f"Milestone {index}",
            "description": "A description long enough to make the file realistic. " * 2,
            "due_date": "2035-12-31",
            "status": statuses[index % 4],
            "stakeholder_groups": "",
            "provenance": "illustrative",
            "source_title": "Source",
            "source_url": "https://example.org/source",
        }
        for index in range(count)
    ]


def _csv_file(rows: list[dict]) -> bytes:
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return stream.getvalue().encode()


def _upload(client, data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(UPLOAD_URL, {"file": SimpleUploadedFile(name, data, "text/csv")})


@pytest.fixture
def import_sector(sector_a):
    from tests.factories import make_theme

    make_roadmap(sector=sector_a)
    make_theme(slug="theme-l")
    return sector_a


def test_upload_of_1_7_million_empty_json_rows_is_refused_at_once(
    client, admin_user, import_sector, caplog
):
    from roadmaps.imports import MAX_BYTES

    data = b"[" + b",".join([b"{}"] * 1_700_000) + b"]"
    client.force_login(admin_user)
    caplog.set_level(logging.INFO)
    before = dump_content()

    response = _upload(client, data, "empty-rows.json")

    assert len(data) < MAX_BYTES  # accepted by the byte limit
    assert response.status_code == 400
    assert [str(error) for error in response.context["errors"]] == [
        "file: the file has more than 500 milestone rows, the most this page takes. Split it, "
        "or import it from the command line: python manage.py import_roadmap FILE (up to "
        "50,000 rows)."
    ]
    assert _errors(caplog) == []
    assert dump_content() == before


def test_upload_of_a_valid_20000_row_file_is_refused_up_front(
    client, admin_user, import_sector, caplog
):
    data = _csv_file(_roadmap_rows("sector-a", "theme-l", 20_000))
    client.force_login(admin_user)
    caplog.set_level(logging.INFO)
    before = dump_content()

    response = _upload(client, data, "large.csv")

    assert 3_000_000 < len(data) < 5 * 1024 * 1024
    assert response.status_code == 400
    assert str(response.context["errors"][0]).startswith(
        "file: the file has more than 500 milestone rows, the most this page takes."
    )
    assert _errors(caplog) == []
    assert dump_content() == before
    assert client.session.get("roadmaps_import") is None


def test_upload_of_the_largest_accepted_file_previews_and_applies(
    client, admin_user, import_sector, caplog
):
    from roadmaps.imports import MAX_UPLOAD_ROWS

    data = _csv_file(_roadmap_rows("sector-a", "theme-l", MAX_UPLOAD_ROWS))
    client.force_login(admin_user)
    caplog.set_level(logging.INFO)

    started = time.perf_counter()
    preview = _upload(client, data, "largest.csv")
    previewed = time.perf_counter() - started
    digest = preview.context["apply_form"].initial["digest"]
    started = time.perf_counter()
    applied = client.post(f"{UPLOAD_URL}apply/", {"digest": digest})
    applying = time.perf_counter() - started
    print(f"largest file: preview {previewed:.2f} s, apply {applying:.2f} s")

    assert preview.status_code == 200
    assert applied.status_code == 302
    assert Milestone.objects.count() == MAX_UPLOAD_ROWS
    assert Target.objects.count() == MAX_UPLOAD_ROWS
    assert MilestoneUpdate.objects.count() == MAX_UPLOAD_ROWS
    assert _errors(caplog) == []


def test_command_line_takes_more_rows_than_the_page_but_refuses_1_7_million(
    tmp_path, import_sector
):
    path = tmp_path / "empty-rows.json"
    path.write_bytes(b"[" + b",".join([b"{}"] * 1_700_000) + b"]")
    before = dump_content()

    with pytest.raises(CommandError) as error:
        call_command("import_roadmap", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    assert str(error.value) == (
        "empty-rows.json: 1 problem(s), nothing was imported:\n"
        "file: the file has more than 50,000 milestone rows: split it."
    )
    assert dump_content() == before


def test_command_line_dry_run_reads_a_file_over_the_page_limit(tmp_path, import_sector):
    path = tmp_path / "large.csv"
    path.write_bytes(_csv_file(_roadmap_rows("sector-a", "theme-l", 2_500)))
    out = io.StringIO()

    call_command("import_roadmap", str(path), "--dry-run", stdout=out, stderr=io.StringIO())

    assert out.getvalue().splitlines()[-1] == (
        "Dry run, nothing written. Targets: created 2500, updated 0, unchanged 0; milestones: "
        "created 2500, updated 0, unchanged 0."
    )
    assert not Milestone.objects.exists()


def test_json_integer_too_long_to_convert_is_a_clear_error(tmp_path, import_sector):
    path = tmp_path / "long.json"
    path.write_text('{"results": [{"target_year": ' + "1" * 5000 + "}]}")

    with pytest.raises(CommandError) as error:
        call_command("import_roadmap", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    assert (
        str(error.value)
        .splitlines()[1]
        .startswith("file: the file is not valid JSON: Exceeds the limit (4300 digits)")
    )


def test_import_due_date_in_other_digits_is_refused(tmp_path, import_sector):
    rows = _roadmap_rows("sector-a", "theme-l", 1)
    rows[0]["due_date"] = "2035-12-31".translate(ARABIC_INDIC)
    path = tmp_path / "digits.csv"
    path.write_bytes(_csv_file(rows))

    with pytest.raises(CommandError) as error:
        call_command("import_roadmap", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    assert str(error.value).splitlines()[1:] == [
        "row 2, due_date: write the date as YYYY-MM-DD with the digits 0-9."
    ]
    assert not Milestone.objects.exists()


# 4. Control characters in text that feeds, pages and exports show ---------------------------

ATOM = "{http://www.w3.org/2005/Atom}"

# Every text field a page, feed or export shows: (model, field).
SHOWN_TEXT_FIELDS = [
    (Sector, "name"),
    (Sector, "description"),
    (Sector, "lead_partner"),
    (Roadmap, "title"),
    (Roadmap, "vision"),
    (Roadmap, "source_title"),
    (Theme, "name"),
    (Theme, "description"),
    (Target, "title"),
    (Target, "description"),
    (Target, "source_title"),
    (Milestone, "title"),
    (Milestone, "description"),
    (Milestone, "source_title"),
    (MilestoneUpdate, "note"),
    (StakeholderGroup, "name"),
    (StakeholderGroup, "description"),
    (User, "first_name"),
    (User, "last_name"),
    # Sector.minerals, free text until issue 13, is now links to Mineral rows.
    (Mineral, "name"),
    (Mineral, "description"),
    (Mineral, "source_title"),
    (ValueChainStage, "name"),
    (ValueChainStage, "description"),
]


@pytest.mark.parametrize(
    ("model", "name"), SHOWN_TEXT_FIELDS, ids=[f"{m.__name__}.{n}" for m, n in SHOWN_TEXT_FIELDS]
)
def test_every_shown_text_field_refuses_control_characters(model, name):
    field = model._meta.get_field(name)

    with pytest.raises(ValidationError) as error:
        field.clean("Electronics\x0b", None)
    field.clean("Line one\r\nline two\tend", None)  # tab and line breaks are text

    assert [e.code for e in error.value.error_list] == ["control_characters"]


def test_admin_refuses_a_control_character_in_a_sector_name(client, admin_user, sector_a):
    client.force_login(admin_user)
    before = dump_content()

    response = client.post(
        reverse("admin:roadmaps_sector_change", args=[sector_a.pk]),
        {"slug": "sector-a", "name": "Elec\x0btronics", "order": 1, "stewards": []},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"] == [
        "Remove the control characters (invisible characters such as U+000B)."
    ]
    assert dump_content() == before


def test_feeds_clean_every_string_of_rows_stored_before_the_rule(client, milestone_a, caplog):
    # Written around the models (as rows stored before the validators were): the feeds
    # still answer, without the control characters.
    sector = milestone_a.target.roadmap.sector
    Sector.objects.filter(pk=sector.pk).update(name="Electronics\x0b")
    author = make_user(username="steward", first_name="Ann\x07", last_name="Lee")
    make_update(milestone=milestone_a, status_after="in_progress", note="Done\x1b.", author=author)
    caplog.set_level(logging.INFO)

    sector_feed = client.get(reverse("roadmaps:sector-updates-feed", args=[sector.slug]))
    all_feed = client.get(reverse("roadmaps:updates-feed"))

    assert (sector_feed.status_code, all_feed.status_code) == (200, 200)
    root = ET.fromstring(sector_feed.content)  # noqa: S314 (our own output)
    assert root.find(f"{ATOM}title").text == "Electronics: status updates"
    assert root.find(f"{ATOM}entry/{ATOM}author/{ATOM}name").text == "Ann Lee"
    assert "Done." in root.find(f"{ATOM}entry/{ATOM}content").text
    all_root = ET.fromstring(all_feed.content)  # noqa: S314 (our own output)
    assert all_root.find(f"{ATOM}entry/{ATOM}author/{ATOM}name").text == "Ann Lee"
    assert _errors(caplog) == []


# 5. Formulas in public spreadsheets ---------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://evil.example","Click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "-SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "\n+1+1",
    "  @SUM(A1)",
    "\uff1d1+1",  # full-width equals sign
    "-30 % emissions",  # a formula to a spreadsheet (a space is its intersection operator)
]
NOT_FORMULAS = ["-30 %", "+5 %", "-2.5", "+1,000", "-30%", "42 GW", "Emissions -30 %", "'=1+1"]
CSV_TEXT_FIELDS = [
    (Target, "title"),
    (Target, "source_title"),
    (Milestone, "title"),
    (Milestone, "description"),
    (Milestone, "source_title"),
]


@pytest.mark.parametrize(
    ("model", "name"), CSV_TEXT_FIELDS, ids=[f"{m.__name__}.{n}" for m, n in CSV_TEXT_FIELDS]
)
def test_text_reaching_a_csv_refuses_what_a_spreadsheet_would_run(model, name):
    field = model._meta.get_field(name)
    codes = {}
    for value in FORMULAS:
        try:
            field.clean(value, None)
        except ValidationError as error:
            codes[value] = [e.code for e in error.error_list]

    accepted = [field.clean(value, None) for value in NOT_FORMULAS]

    assert codes == {value: ["formula"] for value in FORMULAS}
    assert accepted == NOT_FORMULAS


@pytest.mark.parametrize("formula", FORMULAS[:5])
def test_import_refuses_a_formula_with_row_and_column(tmp_path, milestone_a, formula):
    out = io.StringIO()
    call_command("export_roadmap", "sector-a", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    rows[1][rows[0].index("title")] = formula
    path = tmp_path / "roadmap.csv"
    with path.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerows(rows)
    before = dump_content()

    with pytest.raises(CommandError) as error:
        call_command("import_roadmap", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    assert (
        str(error.value)
        .splitlines()[1]
        .startswith("row 2, title: \u201c" + formula + "\u201d: Do not start with =, +, - or @")
    )
    assert dump_content() == before


def test_admin_refuses_a_formula_in_a_milestone_title(client, admin_user, milestone_a):
    client.force_login(admin_user)
    before = dump_content()

    response = client.post(
        reverse("admin:roadmaps_milestone_change", args=[milestone_a.pk]),
        admin_milestone_data(milestone_a, title='=HYPERLINK("http://evil.example","Click")'),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title"] == [
        "Do not start with =, +, - or @ (a spreadsheet opening the CSV download would run it as "
        "a formula): start with a word or a digit. A plain signed number such as -30 % is fine."
    ]
    assert dump_content() == before


def test_fixture_with_a_formula_is_refused(tmp_path, sector_a):
    roadmap = make_roadmap(sector=sector_a)
    fixture = tmp_path / "bad.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "roadmaps.target",
                    "fields": {
                        "roadmap": [roadmap.slug],
                        "theme": None,
                        "code": "A-9",
                        "title": "@SUM(1+1)",
                        "target_year": 2030,
                    },
                }
            ]
        )
    )
    make_target(roadmap=roadmap, code="A-1")  # its theme, for the fixture's row
    rows = json.loads(fixture.read_text())
    rows[0]["fields"]["theme"] = [Target.objects.get(code="A-1").theme.slug]
    fixture.write_text(json.dumps(rows))
    before = dump_content()

    with pytest.raises(CommandError) as error:
        call_command("loaddata", str(fixture), verbosity=0)

    assert "Invalid fixture row: roadmaps.Target 'A-9': title: Do not start with" in str(
        error.value
    )
    assert dump_content() == before


def test_public_csv_neutralises_a_formula_stored_before_the_rule(client, milestone_a):
    Milestone.objects.filter(pk=milestone_a.pk).update(
        title='=HYPERLINK("http://evil.example","Click")', description="-30 %"
    )
    url = f"/sectors/{milestone_a.target.roadmap.sector.slug}/milestones/"

    rows = list(csv.DictReader(io.StringIO(client.get(url, {"format": "csv"}).content.decode())))
    data = client.get(url, {"format": "json"}).json()

    assert [(r["title"], r["description"]) for r in rows] == [
        ('\'=HYPERLINK("http://evil.example","Click")', "-30 %")
    ]
    # JSON is not opened by spreadsheets: the stored text as it is.
    assert data["results"][0]["title"] == '=HYPERLINK("http://evil.example","Click")'


# 6. Request bodies larger than their path takes ----------------------------------------------

HUGE = str(200 * 1024 * 1024)  # 200 MB declared; the test client's body is a few bytes
UPLOAD_URL = "/admin/roadmaps/milestone/import/"
MULTIPART = "multipart/form-data; boundary=BoUnDaRy"
SMALL_MULTIPART = (
    b'--BoUnDaRy\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
    b"made-up\r\n--BoUnDaRy--\r\n"
)


def _post(client, url, length, content_type=MULTIPART, **extra):
    # The test client's payload raises if anything reads beyond the bytes it was given: a
    # refusal with a large declared length shows the body was never read.
    return client.post(
        url, SMALL_MULTIPART, content_type=content_type, CONTENT_LENGTH=str(length), **extra
    )


@pytest.mark.parametrize("url", ["/", LOGIN, ADMIN_LOGIN, "/staff/", UPLOAD_URL, "/nowhere/"])
def test_anonymous_large_body_is_refused_with_413_before_it_is_read(client, caplog, url):
    client.cookies["csrftoken"] = "x" * 32
    caplog.set_level(logging.INFO)
    before = dump_content()

    response = _post(client, url, HUGE)

    html = response.content.decode()
    assert response.status_code == 413
    assert "<title>Request too large · RE-SOURCING Roadmap Tracker</title>" in html
    assert "This address accepts at most " in html
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records if r.levelno >= 30] == [
        ("django.request", "WARNING", f"Request Entity Too Large: {url}")
    ]
    assert dump_content() == before
    assert not AccessAttempt.objects.exists()


def test_form_sized_body_limit_is_djangos_form_limit(client, settings):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    at_limit = client.post(LOGIN, b"x" * limit, content_type="application/octet-stream")
    over = _post(client, LOGIN, limit + 1)

    assert at_limit.status_code == 200  # the login form, with its errors
    assert over.status_code == 413
    assert "This address accepts at most 2.5\xa0MB of data" in over.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "steward", "superuser"])
def test_import_upload_takes_a_file_only_from_a_superuser(client, sector_a, who):
    from roadmaps.imports import MAX_BYTES

    if who == "steward":
        from tests.factories import make_steward

        client.force_login(make_steward(sector=sector_a, username="steward-a"))
    elif who == "superuser":
        client.force_login(make_user(username="admin", superuser=True))
    form_sized = 1024 * 1024
    file_sized = MAX_BYTES  # over a form's worth, under the upload's limit
    body = b"x" * file_sized

    small = client.post(UPLOAD_URL, body[:form_sized], content_type="text/plain")
    large = client.post(UPLOAD_URL, body, content_type="text/plain")
    too_large = _post(client, UPLOAD_URL, MAX_BYTES + 1024 * 1024)

    assert too_large.status_code == 413
    if who == "superuser":
        # Read, then answered by the page (not multipart: no file, the empty form).
        assert (small.status_code, large.status_code) == (200, 200)
    else:
        assert small.status_code in (302, 403)  # the admin's own answer
        assert large.status_code == 413


def test_superuser_uploads_a_file_larger_than_a_form(client, admin_user, sector_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(admin_user)
    data = b" " * (3 * 1024 * 1024)  # over 2.5 MB: more than a form's worth

    response = client.post(UPLOAD_URL, {"file": SimpleUploadedFile("big.csv", data, "text/csv")})

    assert response.status_code == 400
    assert [str(e) for e in response.context["errors"]] == ["file: the file is empty."]


def test_chunked_body_is_refused_with_411(client):
    response = _post(client, LOGIN, 0, HTTP_TRANSFER_ENCODING="chunked")

    assert response.status_code == 411
    assert response.content.decode() == (
        "Send the request with a Content-Length header (no chunked body)."
    )


def test_malformed_content_length_is_refused_with_400(client):
    response = _post(client, LOGIN, "-5")

    assert response.status_code == 400
    assert response.content.decode() == "Content-Length is not a number of bytes."


# 8. A filter lookup the admin refuses, the static manifest, digits in dates -----------------


def test_refused_admin_lookup_answers_400_and_logs_a_warning_without_traceback(
    client, admin_user, caplog
):
    client.force_login(admin_user)
    caplog.set_level(logging.INFO)

    response = client.get(
        "/admin/roadmaps/milestone/?target__roadmap__sector__stewards__password__startswith=p"
    )

    assert response.status_code == 400
    refused = [r for r in caplog.records if r.name.startswith("django.security")]
    assert [(r.name, r.levelname, r.exc_info, r.exc_text) for r in refused] == [
        ("django.security.DisallowedModelAdminLookup", "WARNING", None, None)
    ]
    assert _errors(caplog) == []


@pytest.mark.parametrize("autorefresh", [False, True])
def test_static_files_manifest_is_not_served(client, settings, tmp_path, autorefresh):
    # STATIC_ROOT as collectstatic leaves it in production (the manifest beside the files).
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_text("body { margin: 0; }\n")
    manifest = '{"paths": {"css/site.css": "css/site.0123456789ab.css"}, "version": "1.1"}'
    (tmp_path / "staticfiles.json").write_text(manifest)
    (tmp_path / "staticfiles.json.gz").write_bytes(b"\x1f\x8b")
    settings.STATIC_ROOT = tmp_path
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = autorefresh

    manifest_response = client.get("/static/staticfiles.json")
    compressed = client.get("/static/staticfiles.json", headers={"accept-encoding": "gzip"})
    stylesheet = client.get("/static/css/site.css")

    assert (manifest_response.status_code, compressed.status_code) == (404, 404)
    assert "css/site.0123456789ab.css" not in manifest_response.content.decode()
    assert "<h1>" in manifest_response.content.decode()  # the site's 404 page
    assert stylesheet.status_code == 200
    assert b"".join(stylesheet.streaming_content) == b"body { margin: 0; }\n"


ARABIC_INDIC = str.maketrans(
    "0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669"
)
FULL_WIDTH = str.maketrans(
    "0123456789", "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19"
)


@pytest.mark.parametrize("digits", [ARABIC_INDIC, FULL_WIDTH], ids=["arabic-indic", "full-width"])
@pytest.mark.parametrize(
    ("name", "value"),
    [("as_of", "2024-01-02"), ("due_from", "2024"), ("due_from", "2024-01-02"), ("due_to", "2030")],
)
def test_date_parameters_take_ascii_digits_only(client, milestone_a, digits, name, value):
    url = f"/sectors/{milestone_a.target.roadmap.sector.slug}/milestones/"

    ascii_digits = client.get(url, {name: value, "format": "json"})
    other_digits = client.get(url, {name: value.translate(digits), "format": "json"})

    assert ascii_digits.status_code == 200
    assert other_digits.status_code == 400
    assert list(other_digits.json()["errors"]) == [name]


@pytest.mark.parametrize("digits", [ARABIC_INDIC, FULL_WIDTH], ids=["arabic-indic", "full-width"])
def test_admin_date_fields_take_ascii_digits_only(client, admin_user, milestone_a, digits):
    client.force_login(admin_user)
    url = reverse("admin:roadmaps_milestone_change", args=[milestone_a.pk])
    before = dump_content()

    response = client.post(
        url, admin_milestone_data(milestone_a, due_date="2035-12-31".translate(digits))
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["due_date"] == ["Enter a valid date."]
    assert dump_content() == before
