"""Benefits' background tasks: the disbursement upload and computing a stage.

Thin wrappers (STYLE.md): each body calls the engine or batch function the
command uses, as the user who started the run and within their region, and
says how it ended (`runs.Outcome`).
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django_tasks import task

from harapan import uploads
from harapan.compliance.tasks import sanction_figures
from harapan.jobs import labels, runs
from harapan.jobs.models import Run

from .batch import compute_entitlements
from .disbursement import import_disbursement
from .models import Stage


def _disbursement(run: Run, progress) -> runs.Outcome:
    stage = Stage.objects.select_related("year").get(pk=run.params["stage"])
    with runs.stored_file(run) as path:
        result = import_disbursement(
            path, stage=stage, acting_user=run.started_by, scope_prefix=run.region_code,
            file_name=run.title, keep_error_lines=runs.STORED_ERRORS, progress=progress,
        )  # fmt: skip
    if not result.ok:
        return uploads.rejected(
            rows=result.rows, errors=result.error_lines, error_total=result.errors,
            error_rows=result.error_rows,
        )  # fmt: skip
    figures = [
        (gettext_noop("Baris diimpor"), result.rows),
        (gettext_noop("Cocok dengan KPM"), result.matched),
        (gettext_noop("Tidak cocok dengan KPM"), result.unmatched),
        (gettext_noop("Baris lama diganti"), result.replaced),
    ]
    message = _("%(rows)s baris diimpor ke %(stage)s; %(unmatched)s tidak cocok dengan KPM.") % {
        "rows": result.rows, "stage": stage, "unmatched": result.unmatched,
    }  # fmt: skip
    query = f"?year={stage.year_id}&stage={stage.number}"
    return runs.Outcome(
        figures=figures, message=message, result_url=reverse("benefits:reconciliation") + query
    )


@task()
@labels.labelled(gettext_lazy("Impor penyaluran"))
def import_disbursement_upload(run_id: int) -> dict:
    return runs.execute(run_id, _disbursement)


@task()
@labels.labelled(gettext_lazy("Hitung penetapan"))
def compute_stage_entitlements(run_id: int) -> dict:
    """The entitlements of the run's stage (params stage, recompute) in the run's region."""
    return runs.execute(run_id, _compute)


def _compute(run, progress) -> runs.Outcome:
    stage = Stage.objects.select_related("year").get(pk=run.params["stage"])
    recompute = run.params.get("recompute", False)
    result = compute_entitlements(
        stage, region=run.region_code, recompute=recompute, acting_user=run.started_by,
        progress=progress,
    )  # fmt: skip
    figures = [
        (gettext_noop("Keluarga ditetapkan"), result.families),
        (gettext_noop("Keluarga menerima bantuan"), result.paid_families),
        (gettext_noop("Total bantuan (Rp)"), result.total),
    ]
    if recompute:
        figures += [
            (gettext_noop("Penetapan lama diganti"), result.replaced),
            (gettext_noop("Keluarga yang penetapannya berubah"), result.changed_count),
        ]
    url = f"{reverse('benefits:entitlement_list')}?year={stage.year_id}&stage={stage.number}"
    return runs.Outcome(figures=figures + sanction_figures(result.sanctions), result_url=url)
