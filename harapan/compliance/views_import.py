"""The verification upload page: `harapan import_verification`'s engine, scoped to the uploader."""

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from harapan.accounts.roles import may_change_family_data, sees_full_nik
from harapan.downloads import error_csv_response
from harapan.lib.nik import shown_nik
from harapan.lib.tabular import FileProblem
from harapan.uploads import ERRORS_ON_PAGE, TableFileField, stored_upload

from .importing import VerificationImportResult, import_verification
from .models import Result

# A kabupaten's month of school and health checks is a few MB; a bigger file
# is better split per kecamatan or month than held up in one request.
MAX_UPLOAD_MB = 20
STORED_ERRORS = 20000  # error lines of a rejected file kept in the session for the CSV
ERRORS_KEY = "compliance.verification_import.errors"
SUMMARY_KEY = "compliance.verification_import.summary"


class UploadForm(forms.Form):
    file = TableFileField(label=_("Berkas verifikasi (.csv UTF-8 atau .xlsx)"))
    dry_run = forms.BooleanField(label=_("Uji coba saja, jangan simpan"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("Berkas terlalu besar (%(size)s MB); batasnya %(limit)s MB. "
                  "Bagi berkas per kecamatan atau per bulan.")
                % {"size": round(upload.size / 1024 / 1024, 1), "limit": MAX_UPLOAD_MB}
            )  # fmt: skip
        return upload


def _may_upload(user) -> bool:
    return may_change_family_data(user)


def _import(upload, user, dry_run: bool) -> VerificationImportResult:
    with stored_upload(upload) as stored:
        try:
            return import_verification(
                stored, acting_user=user, scope_user=user, dry_run=dry_run,
                file_name=upload.name, keep_error_lines=STORED_ERRORS,
            )  # fmt: skip
        except FileProblem as problem:
            return VerificationImportResult(
                file_problem=str(problem), error_lines=[[1, "", "", str(problem)]]
            )


def _masked(lines: list[list], full: bool) -> list[list]:
    """Error lines with NIK values shown as the user's role may see them."""
    return [
        [line, column, shown_nik(value, full) if column == "nik" else value, message]
        for line, column, value, message in lines
    ]


@login_required
def verification_upload(request):
    if not _may_upload(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "limit_mb": MAX_UPLOAD_MB}
    if request.method == "POST" and form.is_valid():
        result = _import(form.cleaned_data["file"], request.user, form.cleaned_data["dry_run"])
        if result.ok:
            summary = result.summary()
            summary["file_name"] = form.cleaned_data["file"].name
            request.session[SUMMARY_KEY] = summary
            return redirect("compliance:verification_upload")
        lines = _masked(result.error_lines, sees_full_nik(request.user))
        request.session[ERRORS_KEY] = lines
        context.update(result=result, errors=lines[:ERRORS_ON_PAGE],
                       stored_all=result.errors <= STORED_ERRORS)  # fmt: skip
    elif summary := request.session.pop(SUMMARY_KEY, None):
        by_result = summary["by_result"]
        results = [(label, by_result.get(value, 0)) for value, label in Result.choices]
        context.update(summary=summary, results=results)
    return render(request, "compliance/verification_upload.html", context)


@login_required
def verification_upload_errors(request):
    """The error CSV of the user's last rejected upload."""
    if not _may_upload(request.user):
        raise PermissionDenied
    lines = request.session.get(ERRORS_KEY)
    if lines is None:
        raise Http404
    return error_csv_response(lines, f"galat-verifikasi-{date.today().isoformat()}.csv")


urlpatterns = [
    path("impor/", verification_upload, name="verification_upload"),
    path("impor/galat.csv", verification_upload_errors, name="verification_upload_errors"),
]
