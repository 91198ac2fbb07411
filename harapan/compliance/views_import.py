"""The verification upload page: stores the file on a run; a task imports it (`tasks.py`)."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from harapan.accounts.roles import may_change_family_data
from harapan.jobs.models import RunKind
from harapan.uploads import TableFileField, accepted, recent_runs, start_import

from .tasks import import_verification_upload


class UploadForm(forms.Form):
    file = TableFileField(label=_("Berkas verifikasi (.csv UTF-8 atau .xlsx)"))
    dry_run = forms.BooleanField(label=_("Uji coba saja, jangan simpan"), required=False)


@login_required
def verification_upload(request):
    if not may_change_family_data(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and accepted(request, form, kind=RunKind.VERIFICATION_IMPORT):
        return start_import(
            request, import_verification_upload, kind=RunKind.VERIFICATION_IMPORT,
            upload=form.cleaned_data["file"], region_code=request.user.region_id or "",
            params={"dry_run": form.cleaned_data["dry_run"]},
        )  # fmt: skip
    recent = recent_runs(request.user, RunKind.VERIFICATION_IMPORT)
    context = {"form": form, "limit_mb": settings.HARAPAN_UPLOAD_MAX_MB, "runs": recent}
    return render(request, "compliance/verification_upload.html", context)


urlpatterns = [
    path("impor/", verification_upload, name="verification_upload"),
]
