"""The registry upload page: the same engine as `harapan import_registry`."""

import tempfile
from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from harapan.accounts.roles import Role
from harapan.registry.importing.engine import import_registry
from harapan.registry.importing.reader import FileProblem
from harapan.registry.models import ImportRun

IMPORT_ROLES = {Role.OPERATOR, Role.ADMIN_PUSAT}
SUFFIXES = (".csv", ".xlsx")


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Berkas registri (.csv UTF-8 atau .xlsx)"))
    dry_run = forms.BooleanField(label=_("Uji coba saja, jangan simpan"), required=False)
    skip_invalid = forms.BooleanField(
        label=_("Impor keluarga yang benar saja, lewati keluarga yang bergalat"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(_("Berkas harus .csv atau .xlsx"))
        return upload


def may_import(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in IMPORT_ROLES)


def _runs_for(user):
    runs = ImportRun.objects.select_related("started_by")
    if user.is_superuser or user.role == Role.ADMIN_PUSAT:
        return runs
    return runs.filter(region_code__startswith=user.region_id or "-")


@login_required
def upload(request):
    if not may_import(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix.lower()) as stored:
            for chunk in upload.chunks():
                stored.write(chunk)
            stored.flush()
            try:
                result = import_registry(
                    stored.name,
                    dry_run=form.cleaned_data["dry_run"],
                    skip_invalid=form.cleaned_data["skip_invalid"],
                    acting_user=request.user,
                    file_name=upload.name,
                    scope_prefix=request.user.region_id or "",
                )
            except FileProblem:
                run = ImportRun.objects.filter(started_by=request.user).first()
                return redirect("registry:import_run", pk=run.pk)
        return redirect("registry:import_run", pk=result.run_id)
    runs = _runs_for(request.user)[:20]
    return render(request, "registry/import_upload.html", {"form": form, "runs": runs})


@login_required
def run_detail(request, pk: int):
    if not may_import(request.user):
        raise PermissionDenied
    run = get_object_or_404(_runs_for(request.user), pk=pk)
    plan = run.summary.get("plan", {})
    return render(request, "registry/import_run.html", {"run": run, "plan": plan})


@login_required
def run_errors(request, pk: int):
    if not may_import(request.user):
        raise PermissionDenied
    run = get_object_or_404(_runs_for(request.user), pk=pk)
    # A BOM so that Excel opens the UTF-8 file with its accents intact.
    response = HttpResponse("\ufeff" + run.errors_csv, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="galat-impor-{run.pk}.csv"'
    return response


urlpatterns = [
    path("impor/", upload, name="import_upload"),
    path("impor/<int:pk>/", run_detail, name="import_run"),
    path("impor/<int:pk>/galat.csv", run_errors, name="import_errors"),
]
