"""Compliance's background tasks: thin wrappers over batch.py (STYLE.md)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_tasks import task

from harapan.jobs import runs
from harapan.jobs.labels import labelled

from .batch import SanctionResult, compute_sanctions


def sanction_figures(result: SanctionResult) -> list[tuple[str, int]]:
    """The figures a run's page shows for a sanctions computation."""
    return [
        (gettext_noop("Penangguhan baru"), result.suspended),
        (gettext_noop("Pembatalan baru"), result.terminated),
        (gettext_noop("Sanksi dihapus karena data verifikasi berubah"), result.removed),
        (gettext_noop("Sanksi berlaku pada tahap ini"), result.in_force),
    ]


@task()
@labelled(_("Hitung sanksi"))
def compute_stage_sanctions(run_id: int) -> dict:
    """The sanctions of the run's stage (params year, stage) in the run's region."""
    return runs.execute(run_id, _compute)


def _compute(run, progress) -> runs.Outcome:
    year, stage = run.params["year"], run.params["stage"]
    result = compute_sanctions(
        year, stage, region=run.region_code, acting_user=run.started_by, progress=progress
    )
    url = f"{reverse('compliance:sanction_list')}?tahun={year}&tahap={stage}"
    return runs.Outcome(figures=sanction_figures(result), result_url=url)
