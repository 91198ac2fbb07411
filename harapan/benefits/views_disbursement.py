"""Disbursement upload and the stage reconciliation page (DESIGN §10): thin over disbursement.py."""

import tempfile
from datetime import date
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from harapan.audit import trail
from harapan.downloads import error_csv_response
from harapan.lib.tabular import FileProblem
from harapan.registry.views.imports import may_import
from harapan.uploads import ERRORS_ON_PAGE, TableFileField, stored_upload

from . import disbursement
from .disbursement import EXPORT_HEADER, Kind, mismatch_note
from .models import DisbursementImport
from .stage_choice import StageForm, chosen_stage, default_stage

TABLE_CAP = 200  # rows per kind on the page; the export has them all
STORED_ERRORS = 20000  # lines of the rejected file's error CSV kept in the session
ERRORS_KEY = "benefits.disbursement.errors"


def _may_view(user) -> bool:
    """Anyone with a role sees the reconciliation of the families in their scope."""
    return user.is_superuser or bool(user.role)


class UploadForm(StageForm):
    file = TableFileField(label=_("Berkas rekonsiliasi bank/PT Pos (.csv UTF-8 atau .xlsx)"))


@login_required
def reconciliation(request):
    if not _may_view(request.user):
        raise PermissionDenied
    form, stage = chosen_stage(request)
    context = {"form": form, "stage": stage, "cap": TABLE_CAP}
    if stage is not None:
        result = disbursement.reconcile(stage, user=request.user)
        tables = []
        for kind, label, count, total in result.tiles():
            rows = list(result.rows[kind][:TABLE_CAP])
            if kind != Kind.UNPAID:
                for line in rows:
                    line.reason = mismatch_note(kind, line, stage)
            tables.append({"kind": kind, "label": label, "count": count, "sum": total,
                           "rows": rows, "capped": count > TABLE_CAP})  # fmt: skip
        context.update(result=result, tables=tables, may_upload=may_import(request.user))
    return render(request, "benefits/reconciliation.html", context)


@login_required
def reconciliation_export(request):
    if not _may_view(request.user):
        raise PermissionDenied
    form = StageForm(request.GET)
    if not form.is_valid():
        raise Http404
    stage = form.get_stage()
    result = disbursement.reconcile(stage, user=request.user)

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("selisih")
    sheet.append(EXPORT_HEADER)
    count = 0
    for row in disbursement.mismatch_rows(result):
        sheet.append(row)
        count += 1
    summary = workbook.create_sheet("ringkasan")
    summary.append(["jenis", "jumlah_baris", "jumlah_rupiah"])
    for kind, _label, n, total in result.tiles():
        summary.append([kind, n, total])
    summary.append(["penetapan", result.entitled_families, result.entitled_sum])
    summary.append(["dibayar_berhasil", result.paid_lines, result.paid_sum])
    summary.append(["tepat", result.correct_lines, None])
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as stored:
        workbook.save(stored.name)
        content = Path(stored.name).read_bytes()
    trail.record(
        request.user,
        "benefits.reconciliation.export",
        stage,
        region_code=request.user.region_id or "",
        details={"rows": count},
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"rekonsiliasi-{stage.year_id}-tahap-{stage.number}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _batches_for(user):
    batches = DisbursementImport.objects.select_related("stage", "imported_by")
    if user.is_superuser or not user.region_id:
        return batches
    return batches.filter(imported_by__region__code__startswith=user.region_id)


@login_required
def disbursement_upload(request):
    if not may_import(request.user):
        raise PermissionDenied
    initial = {}
    if stage := default_stage():
        initial = {"year": stage.year_id, "stage": stage.number}
    form = UploadForm(request.POST or None, request.FILES or None, initial=initial)
    context = {"form": form, "batches": _batches_for(request.user)[:20]}
    if request.method == "POST" and form.is_valid():
        stage = form.get_stage()
        upload = form.cleaned_data["file"]
        with stored_upload(upload) as stored:
            try:
                result = disbursement.import_disbursement(
                    stored,
                    stage=stage,
                    acting_user=request.user,
                    scope_prefix=request.user.region_id or "",
                    file_name=upload.name,
                    keep_error_lines=STORED_ERRORS,
                )
            except FileProblem as problem:
                result = disbursement.DisbursementResult(file_problem=str(problem))
                result.error_lines = [[1, "", "", str(problem)]]
        if result.imported:
            messages.success(
                request,
                _t("%(rows)s baris diimpor ke %(stage)s; %(unmatched)s tidak cocok dengan KPM.")
                % {"rows": result.rows, "stage": stage, "unmatched": result.unmatched},
            )
            query = f"?year={stage.year_id}&stage={stage.number}"
            return redirect(reverse("benefits:reconciliation") + query)
        request.session[ERRORS_KEY] = result.error_lines
        context.update(result=result, errors=result.error_lines[:ERRORS_ON_PAGE], stage=stage)
    return render(request, "benefits/disbursement_upload.html", context)


@login_required
def disbursement_errors(request):
    """The error CSV of the user's last rejected upload."""
    if not may_import(request.user):
        raise PermissionDenied
    lines = request.session.get(ERRORS_KEY)
    if lines is None:
        raise Http404
    return error_csv_response(lines, f"galat-penyaluran-{date.today().isoformat()}.csv")


urlpatterns = [
    path("penyaluran/impor/", disbursement_upload, name="disbursement_upload"),
    path("penyaluran/impor/galat.csv", disbursement_errors, name="disbursement_errors"),
    path("rekonsiliasi/", reconciliation, name="reconciliation"),
    path("rekonsiliasi/ekspor.xlsx", reconciliation_export, name="reconciliation_export"),
]
