"""The admin's import page: upload -> validation report or preview -> Apply.

Mounted by MilestoneAdmin.get_urls (roadmaps/admin.py) at /admin/roadmaps/milestone/import/.
Superusers only. The uploaded bytes are never written to disk by this page (Django
spools uploads over 2.5 MB to a private temporary file outside STATIC_ROOT and MEDIA_ROOT,
deleted at the end of the request). A file that validates is kept in the administrator's
session (server side: the database session store; the cookie holds only the session key)
until it is applied, together with its SHA-256, which the Apply form carries, and the
version of each of its milestones the preview was made from: what is applied is exactly what
was previewed, and a milestone changed since (by a steward, say) is a conflict, reported by
row, with nothing written.
"""

import hashlib
from pathlib import PurePath

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from roadmaps.imports import MAX_BYTES, MAX_UPLOAD_ROWS, ImportFailed, import_file, validate
from roadmaps.permissions import can_edit_content

SESSION_KEY = "roadmaps_import"
TEMPLATE = "admin/roadmaps/import.html"
NAME_MAX_LENGTH = 200


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Roadmap file"),
        help_text=format_lazy(
            gettext_lazy(
                "The roadmap CSV (as downloaded from any milestone list or export_roadmap) or "
                "its JSON export; at most 5 MB and {rows} milestone rows (larger files: "
                "python manage.py import_roadmap FILE)."
            ),
            rows=f"{MAX_UPLOAD_ROWS:,}",
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s bytes; the limit is %(limit)s bytes (5 MB).")
                % {"size": upload.size, "limit": MAX_BYTES}
            )
        return upload


class ApplyForm(forms.Form):
    digest = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=64)


def _require_superuser(request):
    # admin_view has already sent anonymous visitors to the login page and checked is_staff.
    if not can_edit_content(request.user):
        raise PermissionDenied


def _context(request, **extra):
    return {**admin.site.each_context(request), "title": _("Import roadmap"), **extra}


@require_http_methods(["GET", "POST"])
def upload(request):
    _require_superuser(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if not form.is_valid():
        status = 400 if form.is_bound else 200
        return render(request, TEMPLATE, _context(request, form=form), status=status)
    uploaded = form.cleaned_data["file"]
    name = PurePath(uploaded.name).name[:NAME_MAX_LENGTH]
    data = uploaded.read()
    # Within one request: a file the page can validate and apply well within the worker's
    # timeout (docs/deploy.md), refused while reading beyond that.
    plan = validate(data, max_rows=MAX_UPLOAD_ROWS)
    if plan.errors:
        context = _context(request, form=ImportUploadForm(), file_name=name, errors=plan.errors)
        return render(request, TEMPLATE, context, status=400)
    digest = hashlib.sha256(data).hexdigest()
    # Valid UTF-8 (validate() checked): stored as text, since sessions are JSON.
    request.session[SESSION_KEY] = {
        "name": name,
        "digest": digest,
        "content": data.decode("utf-8"),
        # Apply applies what was previewed: against these versions, or not at all.
        "versions": plan.versions(),
    }
    context = _context(
        request,
        form=ImportUploadForm(),
        file_name=name,
        plan=plan,
        changes=plan.changes(),
        counts=plan.counts(),
        apply_form=ApplyForm(initial={"digest": digest}),
    )
    return render(request, TEMPLATE, context)


@require_POST
def apply(request):
    _require_superuser(request)
    form = ApplyForm(request.POST)
    stored = request.session.get(SESSION_KEY)
    if (
        not form.is_valid()
        or not stored
        or stored["digest"] != form.cleaned_data["digest"]
        or "versions" not in stored  # a preview stored before versions were carried
    ):
        messages.error(request, _("That preview is no longer available: upload the file again."))
        return redirect("admin:roadmaps_milestone_import")
    try:
        plan = import_file(
            stored["content"].encode("utf-8"),
            source_name=stored["name"],
            author=request.user,
            previewed_versions=stored["versions"],
        )
    except ImportFailed as exc:
        # The database changed since the preview; nothing was written.
        context = _context(
            request, form=ImportUploadForm(), file_name=stored["name"], errors=exc.errors
        )
        return render(request, TEMPLATE, context, status=400)
    del request.session[SESSION_KEY]
    messages.success(
        request,
        _("Imported %(name)s. %(summary)s") % {"name": stored["name"], "summary": plan.summary()},
    )
    return redirect("admin:roadmaps_milestone_import")
