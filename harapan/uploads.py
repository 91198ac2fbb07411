"""Import files uploaded through a page: one accepted kind (CSV or XLSX), one temporary copy.

Every upload page hands the same engine as its command a file on disk; the
copy keeps the upload's suffix, which is how the shared reader
(`lib.tabular.read_table`) tells a workbook from a CSV.
"""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from harapan.lib.tabular import SUFFIXES

# The errors of a rejected file listed on its page (templates/import_errors.html);
# the CSV download has them all.
ERRORS_ON_PAGE = 100


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
