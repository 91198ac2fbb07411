"""The participations upload page: stores the file on a run; a task imports it (`tasks.py`)."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from harapan.accounts.roles import may_change_family_data
from harapan.jobs.models import RunKind
from harapan.uploads import TableFileField, accepted, recent_runs, start_import

from .catalogue import Programme, is_member_level
from .tasks import import_programs_upload

# The codes the file's `program` column takes, each with its label and level.
PROGRAMMES = [
    {"code": p.value, "label": p.label, "member_level": is_member_level(p)} for p in Programme
]


class UploadForm(forms.Form):
    file = TableFileField(label=_("Berkas kepesertaan program (.csv UTF-8 atau .xlsx)"))
    dry_run = forms.BooleanField(label=_("Uji coba saja, jangan simpan"), required=False)


@login_required
def import_upload(request):
    if not may_change_family_data(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and accepted(request, form, kind=RunKind.PROGRAMS_IMPORT):
        return start_import(
            request, import_programs_upload, kind=RunKind.PROGRAMS_IMPORT,
            upload=form.cleaned_data["file"], region_code=request.user.region_id or "",
            params={"dry_run": form.cleaned_data["dry_run"]},
        )  # fmt: skip
    recent = recent_runs(request.user, RunKind.PROGRAMS_IMPORT)
    context = {"form": form, "limit_mb": settings.HARAPAN_UPLOAD_MAX_MB, "runs": recent,
               "programmes": PROGRAMMES}  # fmt: skip
    return render(request, "programs/import_upload.html", context)
