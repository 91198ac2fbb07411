"""The registry upload page: a worker runs the same engine as `harapan import_registry`."""

import itertools

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from harapan.accounts.roles import Role
from harapan.exports import error_csv_response, error_lines
from harapan.jobs import runs
from harapan.jobs.access import runs_visible_to
from harapan.jobs.models import RunKind
from harapan.registry.models import ImportRun
from harapan.registry.tasks import import_registry_upload
from harapan.uploads import ERRORS_ON_PAGE, TableFileField, accepted, record_error_niks_view

IMPORT_ROLES = {Role.OPERATOR, Role.ADMIN_PUSAT}


class UploadForm(forms.Form):
    file = TableFileField(label=_("Berkas registri (.csv UTF-8 atau .xlsx)"))
    dry_run = forms.BooleanField(label=_("Uji coba saja, jangan simpan"), required=False)
    skip_invalid = forms.BooleanField(
        label=_("Impor keluarga yang benar saja, lewati keluarga yang bergalat"), required=False
    )


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
    if request.method == "POST" and accepted(request, form, kind=RunKind.REGISTRY_IMPORT):
        # The request only stores the file; a worker imports it (DESIGN §11).
        upload = form.cleaned_data["file"]
        run = runs.start(
            import_registry_upload, kind=RunKind.REGISTRY_IMPORT, user=request.user,
            title=upload.name, region_code=request.user.region_id or "", upload=upload,
            params={"dry_run": form.cleaned_data["dry_run"],
                    "skip_invalid": form.cleaned_data["skip_invalid"]},
        )  # fmt: skip
        return redirect("jobs:run_detail", pk=run.pk)
    context = {
        "form": form,
        "recent": runs_visible_to(request.user, RunKind.REGISTRY_IMPORT)[:10],
        "runs": _runs_for(request.user)[:20],
    }
    return render(request, "registry/import_upload.html", context)


@login_required
def run_detail(request, pk: int):
    if not may_import(request.user):
        raise PermissionDenied
    run = get_object_or_404(_runs_for(request.user), pk=pk)
    errors = _first_errors(run.errors_csv)
    record_error_niks_view(request.user, run, errors)
    context = {
        "run": run,
        "plan": run.summary.get("plan", {}),
        # Refused as a whole file, or row by row and not imported: nothing was written.
        "rejected": not run.imported and bool(run.summary.get("file_problem") or (
            run.summary.get("errors") and not run.skip_invalid)),
        "errors": errors,
        "error_total": run.summary.get("errors", 0),
    }  # fmt: skip
    return render(request, "registry/import_run.html", context)


def _first_errors(errors_csv: str) -> list[list[str]]:
    """The first ERRORS_ON_PAGE rows of the stored `baris,kolom,nilai,pesan` text."""
    return list(itertools.islice(error_lines(errors_csv), ERRORS_ON_PAGE))


@login_required
def run_errors(request, pk: int):
    if not may_import(request.user):
        raise PermissionDenied
    run = get_object_or_404(_runs_for(request.user), pk=pk)
    record_error_niks_view(request.user, run, error_lines(run.errors_csv))
    return error_csv_response(error_lines(run.errors_csv), f"galat-impor-{run.pk}.csv")


urlpatterns = [
    path("impor/", upload, name="import_upload"),
    path("impor/<int:pk>/", run_detail, name="import_run"),
    path("impor/<int:pk>/galat.csv", run_errors, name="import_errors"),
]
