"""Benefits' background tasks: thin wrappers over batch.py (STYLE.md)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_tasks import task

from harapan.compliance.tasks import sanction_figures
from harapan.jobs import runs
from harapan.jobs.labels import labelled

from .batch import compute_entitlements
from .models import Stage


@task()
@labelled(_("Hitung penetapan"))
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
