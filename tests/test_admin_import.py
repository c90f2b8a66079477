"""The admin's import page: superusers only; upload -> report or preview -> Apply."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from roadmaps.admin_import import SESSION_KEY
from roadmaps.imports import MAX_BYTES
from roadmaps.models import Milestone, MilestoneUpdate
from tests.factories import make_milestone, make_roadmap, make_target, make_user

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/admin/roadmaps/milestone/import/"
APPLY_URL = "/admin/roadmaps/milestone/import/apply/"


def _export(slug) -> str:
    out = io.StringIO()
    call_command("export_roadmap", slug, stdout=out)
    return out.getvalue()


def _upload(client, content: str | bytes, name="roadmap.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(UPLOAD_URL, {"file": SimpleUploadedFile(name, data, "text/csv")})


@pytest.fixture
def roadmap(sector_a):
    target = make_target(roadmap=make_roadmap(sector=sector_a), code="A-1")
    make_milestone(target=target, code="A-1.1", title="Old title")
    make_milestone(target=target, code="A-1.2", title="Unchanged")
    return sector_a


@pytest.fixture
def edited_export(roadmap):
    return (
        _export("sector-a").replace("Old title", "New title").replace("not_started", "achieved", 1)
    )


def test_admin_import_urls_are_stable():
    assert reverse("admin:roadmaps_milestone_import") == UPLOAD_URL
    assert reverse("admin:roadmaps_milestone_import_apply") == APPLY_URL


def test_admin_import_page_shows_the_upload_form(client, admin_user):
    client.force_login(admin_user)

    response = client.get(UPLOAD_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert '<input type="file" name="file"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_admin_import_preview_then_apply(client, admin_user, edited_export):
    client.force_login(admin_user)

    preview = _upload(client, edited_export, name="june.csv")

    assert preview.status_code == 200
    assert preview.context["changes"] == [("milestone", "update", "A-1.1", ["title", "status"])]
    html = preview.content.decode()
    assert "Preview of june.csv" in html
    assert "<td>A-1.1</td>" in html
    assert "<td>title, status</td>" in html
    assert Milestone.objects.get(code="A-1.1").title == "Old title"  # nothing written yet
    assert MilestoneUpdate.objects.count() == 0
    digest = client.session[SESSION_KEY]["digest"]
    assert f'value="{digest}"' in html

    applied = client.post(APPLY_URL, {"digest": digest})

    assert applied.status_code == 302
    assert applied["Location"] == UPLOAD_URL
    milestone = Milestone.objects.get(code="A-1.1")
    # Issue 9: the content change and the status change are each a new version (was 2).
    assert (milestone.title, milestone.status, milestone.version) == ("New title", "achieved", 3)
    update = MilestoneUpdate.objects.get()
    assert (update.note, update.author, update.status_after) == (
        "Imported from june.csv",
        admin_user,
        "achieved",
    )
    assert SESSION_KEY not in client.session
    page = client.get(UPLOAD_URL).content.decode()
    assert (
        "Imported june.csv. Targets: created 0, updated 0, unchanged 1; "
        "milestones: created 0, updated 1, unchanged 1." in page
    )


def test_admin_import_apply_with_another_digest_writes_nothing(client, admin_user, edited_export):
    client.force_login(admin_user)
    _upload(client, edited_export)

    response = client.post(APPLY_URL, {"digest": "0" * 64})

    assert response.status_code == 302
    assert Milestone.objects.get(code="A-1.1").title == "Old title"
    page = client.get(UPLOAD_URL).content.decode()
    assert "That preview is no longer available: upload the file again." in page


def test_admin_import_bad_file_shows_the_report_and_writes_nothing(client, admin_user, roadmap):
    client.force_login(admin_user)
    bad = _export("sector-a").replace("2030-12-31", "2070-12-31")

    response = _upload(client, bad, name="bad.csv")

    assert response.status_code == 400
    assert [str(e) for e in response.context["errors"]] == [
        "row 2, due_date: 2070-12-31 is after 2050-12-31",
        "row 3, due_date: 2070-12-31 is after 2050-12-31",
    ]
    html = response.content.decode()
    assert "bad.csv: 2 problems. Nothing was imported." in html
    assert "<li>row 2, due_date: 2070-12-31 is after 2050-12-31</li>" in html
    assert SESSION_KEY not in client.session
    assert set(Milestone.objects.values_list("due_date__year", flat=True)) == {2030}


def test_admin_import_escapes_what_the_file_says(client, admin_user, roadmap):
    client.force_login(admin_user)
    bad = _export("sector-a").replace("sector-a,", "<script>x</script>,", 1)

    response = _upload(client, bad)

    html = response.content.decode()
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


def test_admin_import_not_utf8_is_reported(client, admin_user, roadmap):
    client.force_login(admin_user)

    response = _upload(client, _export("sector-a").replace("Old", "\xc4ld").encode("latin-1"))

    assert response.status_code == 400
    assert "file: the file is not UTF-8: byte 0xC4 at offset" in response.content.decode()


def test_admin_import_over_5_mb_is_refused(client, admin_user, roadmap):
    client.force_login(admin_user)

    response = _upload(client, b" " * (MAX_BYTES + 1))

    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        f"The file is {MAX_BYTES + 1} bytes; the limit is {MAX_BYTES} bytes (5 MB)."
    ]


def test_admin_import_staff_who_are_not_superusers_get_403(client, steward_a, edited_export):
    client.force_login(steward_a)

    page = client.get(UPLOAD_URL)
    upload = _upload(client, edited_export)
    apply = client.post(APPLY_URL, {"digest": "0" * 64})

    assert (page.status_code, upload.status_code, apply.status_code) == (403, 403, 403)
    assert SESSION_KEY not in client.session
    assert Milestone.objects.get(code="A-1.1").title == "Old title"


@pytest.mark.parametrize("url", [UPLOAD_URL, APPLY_URL])
def test_admin_import_anonymous_is_sent_to_the_admin_login(client, url, roadmap):
    response = client.post(url, {})

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


def test_admin_import_signed_in_non_staff_user_is_sent_to_the_admin_login(client, roadmap):
    client.force_login(make_user(username="visitor"))

    response = client.get(UPLOAD_URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_import_apply_is_post_only(client, admin_user):
    client.force_login(admin_user)

    assert client.get(APPLY_URL).status_code == 405


def test_admin_import_linked_from_index_and_milestone_list_for_superusers(client, admin_user):
    client.force_login(admin_user)
    import_url = reverse("admin:roadmaps_milestone_import")

    index = client.get(reverse("admin:index")).content.decode()
    changelist = client.get(reverse("admin:roadmaps_milestone_changelist")).content.decode()

    assert f'href="{import_url}"' in index
    assert f'href="{import_url}"' in changelist


def test_admin_import_link_hidden_from_stewards(client, steward_a):
    client.force_login(steward_a)

    index = client.get(reverse("admin:index")).content.decode()

    assert reverse("admin:roadmaps_milestone_import") not in index


def test_admin_import_apply_refuses_when_a_milestone_changed_since_the_preview(
    client, admin_user, steward_a, roadmap
):
    # Issue 9, defect 5: the preview lists only A-1.1's description; a steward then sets
    # to "Achieved"; Apply must not put back.
    from roadmaps.services import record_status_update

    edited = _export("sector-a").replace("Old title", "Old title described")
    client.force_login(admin_user)
    preview = _upload(client, edited, name="edit-one.csv")
    assert preview.context["changes"] == [("milestone", "update", "A-1.1", ["title"])]
    digest = client.session[SESSION_KEY]["digest"]
    record_status_update(
        milestone=Milestone.objects.get(code="A-1.2"),
        status="achieved",
        note="Done.",
        author=steward_a,
        expected_version=1,
    )

    applied = client.post(APPLY_URL, {"digest": digest})

    assert applied.status_code == 400
    assert [str(error) for error in applied.context["errors"]] == [
        "row 3, code: A-1.2 changed after the preview (it was version 1, it is now version 2); "
        "nothing was written: upload the file again to see what it would change now."
    ]
    stored = {m.code: (m.title, m.status, m.version) for m in Milestone.objects.all()}
    assert stored == {
        "A-1.1": ("Old title", "not_started", 1),
        "A-1.2": ("Unchanged", "achieved", 2),
    }
    assert list(MilestoneUpdate.objects.values_list("note", flat=True)) == ["Done."]


def test_admin_import_apply_writes_what_was_previewed_when_nothing_changed(
    client, admin_user, roadmap
):
    edited = _export("sector-a").replace("Old title", "Old title described")
    client.force_login(admin_user)
    _upload(client, edited, name="edit-one.csv")
    assert client.session[SESSION_KEY]["versions"] == {"A-1.1": 1, "A-1.2": 1}

    applied = client.post(APPLY_URL, {"digest": client.session[SESSION_KEY]["digest"]})

    assert applied.status_code == 302
    stored = {m.code: (m.title, m.version) for m in Milestone.objects.all()}
    assert stored == {"A-1.1": ("Old title described", 2), "A-1.2": ("Unchanged", 1)}
