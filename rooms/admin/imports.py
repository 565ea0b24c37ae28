"""Importing the real list of sites from the admin: upload a CSV, see line by line what it
would create, change and refuse, then import all of it or nothing.

Superusers only. The import changes the ministry's registry and makes manager accounts, which
then reach the admin: it is the administrators' work, like editing the registry's fields. A
ministry official reads every facility but changes none, and keeps doing so here.

The uploaded text is stored in the database (FacilityImport) between the preview and the
import, so any process may serve either step. Both run `rooms.importer.import_facilities`,
the command's own code: the preview with `dry_run`, the import for real.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rooms.importer import ImportFileError, decode, import_facilities
from rooms.models import FacilityImport
from web.validators import CONTROL_CHARACTERS, CONTROL_CHARACTERS_BUT_TAB_AND_LINE_BREAKS

# The national list is about 1,567 lines (~300 kB); this leaves room for a much longer one.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "UTF-8 (in Excel: “CSV UTF-8”), columns as for the import_facilities command."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB.")
                % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        self.file_name = CONTROL_CHARACTERS.sub("", upload.name)[:255] or "upload.csv"
        try:
            text = decode(upload.read(), self.file_name)
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from error
        if CONTROL_CHARACTERS_BUT_TAB_AND_LINE_BREAKS.search(text.removeprefix("\ufeff")):
            raise forms.ValidationError(
                _("The file holds invisible control characters; a CSV file has none.")
            )
        return text


def _require_superuser(request):
    if not request.user.is_superuser:
        raise PermissionDenied


def _context(model_admin, request, title, **extra):
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        **extra,
    }


def upload(model_admin, request):
    _require_superuser(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        stored = FacilityImport.objects.create(
            file_name=form.file_name, text=form.cleaned_data["file"], uploaded_by=request.user
        )
        return HttpResponseRedirect(
            reverse("admin:rooms_facility_import_preview", args=[stored.pk])
        )
    context = _context(model_admin, request, _("Import facilities from a CSV file"), form=form)
    response = TemplateResponse(request, "admin/rooms/facility/import_form.html", context)
    if request.method == "POST":
        response.status_code = 400
    return response


def preview(model_admin, request, import_id):
    _require_superuser(request)
    # An id beyond the column's range is no import (and would overflow the query).
    stored = FacilityImport.objects.filter(pk=import_id).first() if import_id < 2**31 else None
    if stored is None:
        raise Http404
    if request.method == "POST":
        return _apply(request, stored)
    result = import_facilities(stored.text, dry_run=True)
    context = _context(
        model_admin,
        request,
        _("Preview of the import of %(file)s") % {"file": stored.file_name},
        stored=stored,
        result=result,
        invitations=sorted({a for line in result.lines for a in line.new_managers}),
    )
    return TemplateResponse(request, "admin/rooms/facility/import_preview.html", context)


def _apply(request, stored):
    """Import the stored file, all of it or none, once (a second press imports nothing)."""
    changelist = reverse("admin:rooms_facility_changelist")
    again = reverse("admin:rooms_facility_import_preview", args=[stored.pk])
    with transaction.atomic():
        claimed = FacilityImport.objects.filter(pk=stored.pk, applied_at=None).update(
            applied_at=timezone.now()
        )
        if not claimed:
            messages.info(request, _("This file was imported already."))
            return HttpResponseRedirect(changelist)
        result = import_facilities(stored.text)
        if result.errors:
            transaction.set_rollback(True)
    if result.errors:
        messages.error(request, _("Nothing was imported: the file no longer imports cleanly."))
        return HttpResponseRedirect(again)
    messages.success(
        request,
        _(
            "Imported: %(created)s created, %(changed)s changed, %(unchanged)s unchanged; "
            "%(invited)s new managers invited."
        )
        % {
            "created": len(result.created),
            "changed": len(result.changed),
            "unchanged": result.unchanged,
            "invited": len(result.invited),
        },
    )
    return HttpResponseRedirect(changelist)
