"""Disbursement upload and the stage reconciliation page (DESIGN §10): thin over disbursement.py."""

from itertools import chain
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from harapan import downloads
from harapan.accounts.roles import sees_full_nik
from harapan.exports import Counted, audit_export, workbook_response
from harapan.jobs.models import RunKind
from harapan.registry.naming import name_families
from harapan.registry.views.imports import may_import
from harapan.uploads import TableFileField, accepted, recent_runs, start_import

from . import disbursement
from .disbursement import EXPORT_HEADER, Kind, mismatch_note
from .models import DisbursementImport
from .stage_choice import StageForm, chosen_stage, default_stage
from .tasks import import_disbursement_upload

TABLE_CAP = 200  # rows per kind on the page; the export has them all


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
    # `?jenis=` narrows the page to one kind of mismatch (the operator's home links there).
    only = request.GET.get("jenis", "")
    only = only if only in Kind.ORDER else ""
    context = {"form": form, "stage": stage, "cap": TABLE_CAP, "only": only}
    if stage is not None:
        result = disbursement.reconcile(stage, user=request.user)
        tables = []
        for kind, label, count, total in result.tiles():
            if only and kind != only:
                continue
            rows = list(result.rows[kind][:TABLE_CAP])
            if kind != Kind.UNPAID:
                for line in rows:
                    line.reason = mismatch_note(kind, line, stage)
            tables.append({"kind": kind, "label": label, "count": count, "sum": total,
                           "rows": rows, "capped": count > TABLE_CAP})  # fmt: skip
        # Every family on the page named at once: two queries, not two per table.
        name_families(row.family for table in tables for row in table["rows"] if row.family_id)
        context.update(result=result, tables=tables, may_upload=may_import(request.user))
        query = urlencode({"year": stage.year_id, "stage": stage.number})
        export = reverse("benefits:reconciliation_export")
        context["downloads"] = {kind: f"{export}?{query}&unduh={kind}" for kind in ("csv", "xlsx")}
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

    full = sees_full_nik(request.user)
    rows = disbursement.mismatch_rows(result, full_kks=full)
    if downloads.requested(request) == downloads.CSV:
        # The mismatches alone, as on the XLSX's `selisih` sheet.
        count = sum(n for _kind, _label, n, _total in result.tiles())
        notes = [["tahun", stage.year_id], ["tahap", stage.number]]
        lines = chain([EXPORT_HEADER], rows)
        title = _("Rekonsiliasi")
        return downloads.respond(
            request, downloads.CSV, "rekonsiliasi", title, lines, count, notes, full_kks=full
        )
    lines = Counted(EXPORT_HEADER, rows)
    summary = [
        ["jenis", "jumlah_baris", "jumlah_rupiah"],
        *([kind, n, total] for kind, _label, n, total in result.tiles()),
        ["penetapan", result.entitled_families, result.entitled_sum],
        ["dibayar_berhasil", result.paid_lines, result.paid_sum],
        ["tepat", result.correct_lines, None],
    ]
    about = [["tahun", stage.year_id], ["tahap", stage.number]]
    name = f"rekonsiliasi-{stage.year_id}-tahap-{stage.number}.xlsx"
    sheets = [("selisih", lines), ("ringkasan", summary)]
    response = workbook_response(name, sheets, about, request.user)
    audit_export(request.user, "benefits.reconciliation.export", stage, rows=lines.count)
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
    if request.method == "POST" and accepted(request, form, kind=RunKind.DISBURSEMENT_IMPORT):
        return start_import(
            request, import_disbursement_upload, kind=RunKind.DISBURSEMENT_IMPORT,
            upload=form.cleaned_data["file"], region_code=request.user.region_id or "",
            params={"stage": form.get_stage().pk},
        )  # fmt: skip
    context = {
        "form": form,
        "batches": _batches_for(request.user)[:20],
        "runs": recent_runs(request.user, RunKind.DISBURSEMENT_IMPORT),
    }
    return render(request, "benefits/disbursement_upload.html", context)


urlpatterns = [
    path("penyaluran/impor/", disbursement_upload, name="disbursement_upload"),
    path("rekonsiliasi/", reconciliation, name="reconciliation"),
    path("rekonsiliasi/ekspor.xlsx", reconciliation_export, name="reconciliation_export"),
]
