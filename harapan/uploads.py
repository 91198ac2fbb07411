"""Import files uploaded through a page: one accepted kind (CSV or XLSX), one temporary copy.

Every upload page hands the same engine as its command a file on disk; the
copy keeps the upload's suffix, which is how the shared reader
(`lib.tabular.read_table`) tells a workbook from a CSV. An upload page stores
the file on a run (`jobs.runs.start`) and its task imports it; a file with
errors ends as `rejected`.
"""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django import forms
from django.shortcuts import redirect
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from harapan.jobs import runs
from harapan.jobs.access import runs_visible_to
from harapan.jobs.runs import Outcome
from harapan.lib.tabular import SUFFIXES

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
    """A form's clean_file: an import file is a UTF-8 CSV or an XLSX workbook."""
    if suffix_of(upload) not in SUFFIXES:
        raise forms.ValidationError(_("Berkas harus .csv atau .xlsx"))
    return upload


class TableFileField(forms.FileField):
    """The file field of every import page."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        return check_table_file(upload) if upload else upload


@contextmanager
def stored_upload(upload) -> Iterator[str]:
    """The upload written to a temporary file with its own suffix; its path."""
    with tempfile.NamedTemporaryFile(suffix=suffix_of(upload)) as stored:
        for chunk in upload.chunks():
            stored.write(chunk)
        stored.flush()
        yield stored.name


def rejected(*, rows: int, errors: list, error_total: int, error_rows: int) -> Outcome:
    """The outcome of an import file with errors: nothing was written."""
    figures = [
        (gettext_noop("Baris dibaca"), rows),
        (gettext_noop("Galat"), error_total),
        (gettext_noop("Baris bergalat"), error_rows),
    ]
    return Outcome(rejected=True, figures=figures, errors=[list(e) for e in errors],
                   error_total=error_total, message=gettext(REJECTED))  # fmt: skip


def start_import(request, task, *, kind: str, upload, region_code: str, params=None):
    """Store the checked upload on a run, enqueue `task` and send the user to the run's page."""
    run = runs.start(task, kind=kind, user=request.user, title=upload.name,
                     region_code=region_code, params=params, upload=upload)  # fmt: skip
    return redirect("jobs:run_detail", run.pk)


def recent_runs(user, kind: str):
    """The uploads of `kind` an upload page lists: the user's own (an operator's region's)."""
    return runs_visible_to(user, kind)[:RECENT_RUNS]
