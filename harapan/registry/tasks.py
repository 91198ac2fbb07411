"""The registry's background tasks: thin wrappers over the import engine and batch.py (STYLE.md)."""

import itertools

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django_tasks import task

from harapan import downloads
from harapan.exports import error_lines, write_workbook
from harapan.jobs import runs, scheduling
from harapan.jobs.labels import labelled
from harapan.jobs.models import Run

from . import batch, exports
from .importing.engine import import_registry
from .models import ImportRun

FIGURES = (
    (gettext_noop("Baris dibaca"), "rows"),
    (gettext_noop("Keluarga dalam berkas"), "families"),
    (gettext_noop("Galat"), "errors"),
    (gettext_noop("Keluarga bergalat"), "bad_families"),
)
PLAN_FIGURES = (
    (gettext_noop("Keluarga baru"), "families_new"),
    (gettext_noop("Keluarga berubah"), "families_changed"),
    (gettext_noop("Anggota baru"), "members_new"),
    (gettext_noop("Anggota berubah"), "members_changed"),
)


FAMILIES_FIGURE = gettext_noop("Keluarga")


@task()
@labelled(gettext_lazy("Ekspor daftar KPM"))
def export_families_xlsx(run_id: int) -> dict:
    """The family list's XLSX too long for a request (harapan/downloads.py): written row by
    row (openpyxl write-only, families read a chunk at a time) into the export folder."""
    return runs.execute(run_id, _export_families)


def _export_families(run: Run, progress: runs.Progress) -> runs.Outcome:
    from .forms import FamilySearchForm

    user = run.started_by
    if user is None:  # the account was deleted: without it the families have no scope
        return runs.Outcome(
            rejected=True, message=_("Pengguna yang meminta ekspor ini sudah tidak ada.")
        )
    form = FamilySearchForm(QueryDict(run.params.get("query", "")))
    if not form.is_valid():
        return runs.Outcome(rejected=True, message=_("Saringan daftar KPM tidak valid."))
    count, _filters, about, lines = exports.family_export_parts(form, user, timezone.localdate())
    path = downloads.run_file(run)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_workbook(path, [("kpm", lines)], about, user)
    return runs.Outcome(
        figures=[(FAMILIES_FIGURE, count)],
        message=_("Berkas XLSX siap diunduh."),
        result_url=reverse("registry:family_export_file", args=[run.pk]),
    )


@task()
@labelled(gettext_lazy("Impor registri"))
def import_registry_upload(run_id: int) -> dict:
    return runs.execute(run_id, _import)


def _import(run: Run, progress: runs.Progress) -> runs.Outcome:
    with runs.stored_file(run) as path:
        result = import_registry(
            path,
            dry_run=run.params.get("dry_run", False),
            skip_invalid=run.params.get("skip_invalid", False),
            acting_user=run.started_by,
            file_name=run.file.name,
            scope_prefix=run.region_code,
            progress=progress,
        )
    import_run = ImportRun.objects.get(pk=result.run_id)
    figures = [(label, getattr(result, name)) for label, name in FIGURES]
    figures += [(label, getattr(result.plan, name)) for label, name in PLAN_FIGURES]
    return runs.Outcome(
        # A dry run of a clean file is done; a file with errors and nothing imported is not.
        rejected=not result.imported and not (result.dry_run and result.ok),
        figures=figures,
        errors=_error_lines(import_run.errors_csv),
        error_total=result.errors,
        message=_verdict(result),
        result_url=reverse("registry:import_run", args=[result.run_id]),
    )


def _verdict(result) -> str:
    if result.imported:
        return _("Data telah disimpan.")
    if result.dry_run:
        return _("Uji coba: tidak ada yang disimpan.")
    return _(
        "Berkas ditolak: tidak ada yang diimpor. Perbaiki berkas, atau unggah lagi dengan "
        "pilihan melewati keluarga yang bergalat."
    )


def _error_lines(errors_csv: str) -> list[list[str]]:
    """The stored `baris,kolom,nilai,pesan` text as lines (its header dropped)."""
    return list(itertools.islice(error_lines(errors_csv), runs.STORED_ERRORS))


@task()
@labelled(gettext_lazy("Pemeriksaan data satu kabupaten"))
def check_kabupaten(kabupaten: str) -> dict[str, int]:
    """The data check of one kabupaten, stored for its coordinators' pages (DESIGN §12)."""
    return batch.store_findings(kabupaten, timezone.localdate())


@task()
@labelled(gettext_lazy("Pemeriksaan data (setiap malam, per kabupaten)"))
def check_data_nightly() -> dict[str, int]:
    """One `check_kabupaten` per kabupaten with active families, for the workers to share;
    runs every night."""
    try:
        codes = batch.kabupaten_with_active_families()
        for code in codes:
            check_kabupaten.enqueue(code)
        return {"kabupaten": len(codes)}
    finally:
        scheduling.enqueue_next_run(check_data_nightly)
