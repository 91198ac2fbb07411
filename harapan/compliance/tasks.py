"""Compliance's background tasks: the verification, schools and facilities uploads, and
computing a stage's sanctions.

Thin wrappers (STYLE.md): each body calls the engine or batch function the
command uses, as the user who started the run and within their scope, and
says how it ended (`runs.Outcome`).
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django_tasks import task

from harapan import uploads
from harapan.jobs import labels, runs
from harapan.jobs.models import Run, RunKind

from . import reference
from .batch import SanctionResult, compute_sanctions
from .importing import import_verification

REFERENCE_KINDS = {
    RunKind.SCHOOLS_IMPORT: reference.SCHOOLS,
    RunKind.FACILITIES_IMPORT: reference.FACILITIES,
}


def _verification_done(result) -> runs.Outcome:
    figures = [
        (gettext_noop("Catatan verifikasi"), result.rows),
        (gettext_noop("Anggota"), result.members),
        (gettext_noop("Patuh"), result.by_result.get("patuh", 0)),
        (gettext_noop("Tidak patuh"), result.by_result.get("tidak_patuh", 0)),
        (gettext_noop("Dikecualikan"), result.by_result.get("dikecualikan", 0)),
        (gettext_noop("Hasil dari persen kehadiran"), result.derived),
        (gettext_noop("Catatan lama diganti"), result.replaced),
    ]
    months = ", ".join(result.months)
    if result.dry_run:
        message = _("Uji coba tanpa galat (bulan %(months)s); tidak ada yang disimpan.")
    else:
        message = _(
            "Data verifikasi bulan %(months)s telah disimpan. Sanksi dihitung ulang oleh "
            "koordinator dari data verifikasi."
        )
    return runs.Outcome(figures=figures, message=message % {"months": months})


_verification = uploads.scoped_import(import_verification, _verification_done)


@task()
@labels.labelled(gettext_lazy("Impor verifikasi"))
def import_verification_upload(run_id: int) -> dict:
    return runs.execute(run_id, _verification)


def _reference(run: Run, progress) -> runs.Outcome:
    kind = REFERENCE_KINDS[run.kind]
    with runs.stored_file(run) as path:
        result = reference.import_reference(
            path, kind, acting_user=run.started_by, scope_prefix=run.region_code,
            file_name=run.title, progress=progress,
        )  # fmt: skip
    if not result.ok:
        return uploads.rejected(
            rows=result.rows, errors=result.errors, error_total=len(result.errors),
            error_rows=result.error_rows,
        )  # fmt: skip
    figures = [
        (gettext_noop("Baris dibaca"), result.rows),
        (gettext_noop("Baru"), result.created),
        (gettext_noop("Diubah"), result.updated),
        (gettext_noop("Tetap"), result.unchanged),
    ]
    message = _(
        "%(rows)s baris diimpor: %(created)s baru, %(updated)s diubah, %(unchanged)s tetap."
    )
    counts = {"rows": result.rows, "created": result.created, "updated": result.updated,
              "unchanged": result.unchanged}  # fmt: skip
    return runs.Outcome(
        figures=figures, message=message % counts,
        result_url=reverse("compliance:reference_list", args=[kind.slug]),
    )  # fmt: skip


@task()
@labels.labelled(gettext_lazy("Impor sekolah atau fasilitas kesehatan"))
def import_reference_upload(run_id: int) -> dict:
    return runs.execute(run_id, _reference)


def sanction_figures(result: SanctionResult) -> list[tuple[str, int]]:
    """The figures a run's page shows for a sanctions computation."""
    return [
        (gettext_noop("Penangguhan baru"), result.suspended),
        (gettext_noop("Pembatalan baru"), result.terminated),
        (gettext_noop("Sanksi dihapus karena data verifikasi berubah"), result.removed),
        (gettext_noop("Sanksi berlaku pada tahap ini"), result.in_force),
    ]


@task()
@labels.labelled(gettext_lazy("Hitung sanksi"))
def compute_stage_sanctions(run_id: int) -> dict:
    """The sanctions of the run's stage (params year, stage) in the run's region."""
    return runs.execute(run_id, _sanctions)


def _sanctions(run, progress) -> runs.Outcome:
    year, stage = run.params["year"], run.params["stage"]
    result = compute_sanctions(
        year, stage, region=run.region_code, acting_user=run.started_by, progress=progress
    )
    url = f"{reverse('compliance:sanction_list')}?tahun={year}&tahap={stage}"
    return runs.Outcome(figures=sanction_figures(result), result_url=url)
