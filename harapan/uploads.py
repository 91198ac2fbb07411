"""Import files uploaded through a page: one accepted kind (CSV or XLSX), one size cap.

An upload page checks the file, stores it on a run (`jobs.runs.start`) and
its task hands the same engine as the command a copy on disk that keeps the
upload's suffix (`jobs.runs.stored_file`), which is how the shared reader
(`lib.tabular.read_table`) tells a workbook from a CSV; a file with errors
ends as `rejected`.
"""

from pathlib import Path

from django import forms
from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from harapan.accounts.roles import sees_full_nik
from harapan.audit import trail
from harapan.jobs import runs
from harapan.jobs.access import runs_visible_to
from harapan.jobs.runs import Outcome
from harapan.lib.tabular import SUFFIXES, FileProblem, check_content

# The errors of a rejected file listed on its page (templates/import_errors.html);
# the CSV download has them all.
ERRORS_ON_PAGE = 100
RECENT_RUNS = 10  # the uploads of its kind an upload page lists
NO_UPLOADER = gettext_noop("Akun pengunggah sudah dihapus; tidak ada yang diimpor.")
REJECTED = gettext_noop(
    "Berkas ditolak: tidak ada yang diimpor. Perbaiki baris yang bergalat lalu unggah lagi."
)


def suffix_of(upload) -> str:
    return Path(upload.name).suffix.lower()


def check_table_file(upload):
    """A form's clean_file: an import file is a UTF-8 CSV or an XLSX workbook, not too big.

    The file waits for its worker in the database (`jobs.RunFile`); a file
    larger than the cap is better split, or imported with the command. Its
    content is checked as the reader checks it (`tabular.check_content`): a
    renamed binary or a zip bomb is refused here, before it is stored.
    """
    if suffix_of(upload) not in SUFFIXES:
        raise forms.ValidationError(_("Berkas harus .csv atau .xlsx"))
    limit = settings.HARAPAN_UPLOAD_MAX_MB
    if upload.size > limit * 1024 * 1024:
        raise forms.ValidationError(
            _("Berkas terlalu besar (%(size)s MB); batasnya %(limit)s MB. Bagi berkas per "
              "kecamatan, atau minta admin mengimpornya dengan perintah harapan.")
            % {"size": round(upload.size / 1024 / 1024, 1), "limit": limit}
        )  # fmt: skip
    try:
        check_content(upload, suffix_of(upload))
    except FileProblem as problem:
        raise forms.ValidationError(str(problem)) from problem
    return upload


class TableFileField(forms.FileField):
    """The file field of every import page."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        return check_table_file(upload) if upload else upload


def accepted(request, form, *, kind: str) -> bool:
    """`form.is_valid()` for an upload form; a file it refuses is put on the audit trail.

    A refused file never reaches a run or an import, so this row is the only
    trace of the attempt: who, which file, and why.
    """
    if form.is_valid():
        return True
    upload = request.FILES.get("file")
    if upload is not None and "file" in form.errors:
        record_refused(request.user, kind=kind, file_name=upload.name,
                       reason=" ".join(form.errors["file"]),
                       region_code=request.user.region_id or "")  # fmt: skip
    return False


def record_refused(actor, *, kind: str, file_name: str, reason: str, region_code: str = ""):
    """The audit row of an upload refused before anything was imported."""
    trail.record(actor, REFUSED, None, region_code=region_code,
                 details={"kind": kind, "file": file_name, "reason": reason})  # fmt: skip


REFUSED = "upload.refuse"


def record_error_niks_view(user, obj, lines) -> None:
    """Whole NIKs among an import's error lines (baris, kolom, nilai, pesan) shown to `user`:
    a view on the audit trail, as on a family's page."""
    count = sum(1 for line in lines if line[1] == "nik" and line[2])
    if count and sees_full_nik(user):
        trail.record(user, "upload.view_nik", obj, details={"count": count})


def rejected(*, rows: int, errors: list, error_total: int, error_rows: int) -> Outcome:
    """The outcome of an import file with errors: nothing was written."""
    figures = [
        (gettext_noop("Baris dibaca"), rows),
        (gettext_noop("Galat"), error_total),
        (gettext_noop("Baris bergalat"), error_rows),
    ]
    return Outcome(rejected=True, figures=figures, errors=[list(e) for e in errors],
                   error_total=error_total, message=gettext(REJECTED))  # fmt: skip


def rejected_lines(result) -> Outcome:
    """`rejected` for an engine result that keeps its error lines (`error_lines`)."""
    return rejected(rows=result.rows, errors=result.error_lines, error_total=result.errors,
                    error_rows=result.error_rows)  # fmt: skip


def start_import(request, task, *, kind: str, upload, region_code: str, params=None):
    """Store the checked upload on a run, enqueue `task` and send the user to the run's page."""
    run = runs.start(task, kind=kind, user=request.user, title=upload.name,
                     region_code=region_code, params=params, upload=upload)  # fmt: skip
    return redirect("jobs:run_detail", run.pk)


def recent_runs(user, kind: str):
    """The uploads of `kind` an upload page lists: the user's own (an operator's region's)."""
    return runs_visible_to(user, kind)[:RECENT_RUNS]


class DryRunUploadForm(forms.Form):
    """An upload page's form: the file, and whether to check it only. A page names its file
    by overriding `file` with its own label."""

    file = TableFileField(label=_("Berkas (.csv UTF-8 atau .xlsx)"))
    dry_run = forms.BooleanField(label=_("Uji coba saja, jangan simpan"), required=False)


def upload_page(
    request, *, kind: str, task, form_class: type[DryRunUploadForm], template: str, **context
):
    """The page of an import run as `task` in the uploader's scope: a valid upload starts
    the run; otherwise the form, the size cap and the user's recent runs of `kind`.
    Who may upload is the view's to check first."""
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and accepted(request, form, kind=kind):
        return start_import(
            request,
            task,
            kind=kind,
            upload=form.cleaned_data["file"],
            region_code=request.user.region_id or "",
            params={"dry_run": form.cleaned_data["dry_run"]},
        )
    context.update(
        form=form, limit_mb=settings.HARAPAN_UPLOAD_MAX_MB, runs=recent_runs(request.user, kind)
    )
    return render(request, template, context)


def scoped_import(engine, done):
    """A task's work (`runs.execute`) for an upload page's run: `engine` (the command's
    import function) reads the stored file as the uploader, within their scope; a file
    with errors ends the run rejected, a good one with `done(result)`'s outcome."""

    def work(run, progress) -> Outcome:
        user = run.started_by
        if user is None:  # the account was deleted: without it the rows have no scope
            return Outcome(rejected=True, message=gettext(NO_UPLOADER))
        with runs.stored_file(run) as path:
            result = engine(
                path,
                acting_user=user,
                scope_user=user,
                dry_run=bool(run.params.get("dry_run")),
                file_name=run.title,
                keep_error_lines=runs.STORED_ERRORS,
                progress=progress,
            )
        return done(result) if result.ok else rejected_lines(result)

    return work
