"""Benefits' background tasks: the disbursement upload, computing a stage, and its fan-out.

Thin wrappers (STYLE.md): each body calls the engine or batch function the
command uses, as the user who started the run and within their region, and
says how it ended (`runs.Outcome`).

A national `compute_entitlements` fans out as one task per kabupaten (DESIGN
§11), so that several `harapan db_worker` processes take it in parallel on
PostgreSQL. Each task is `batch.compute_entitlements` for its kabupaten, the
same call as `--region`; the kabupaten never overlap, so the runs touch
disjoint families and their sum is the national run.
"""

import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import asdict

from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django_tasks import TaskResult, TaskResultStatus, task
from django_tasks_db.utils import exclusive_transaction

from harapan import uploads
from harapan.compliance.tasks import sanction_figures
from harapan.jobs import labels, runs
from harapan.jobs.models import Run
from harapan.lib import regioncode
from harapan.registry.models import Family

from .batch import compute_entitlements
from .disbursement import import_disbursement
from .models import Entitlement, Stage
from .stages import stage_for

KABUPATEN_LENGTH = 4
TOTALS = ("families", "paid_families", "total", "replaced", "changed_count")


def _disbursement(run: Run, progress) -> runs.Outcome:
    stage = Stage.objects.select_related("year").get(pk=run.params["stage"])
    with runs.stored_file(run) as path:
        result = import_disbursement(
            path, stage=stage, acting_user=run.started_by, scope_prefix=run.region_code,
            file_name=run.title, keep_error_lines=runs.STORED_ERRORS, progress=progress,
        )  # fmt: skip
    if not result.ok:
        return uploads.rejected_lines(result)
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


@task()
@labels.labelled(gettext_lazy("Hitung penetapan satu kabupaten (dibagi ke worker)"))
def compute_region_entitlements(year: int, stage: int, region: str, recompute: bool = False):
    """One region's entitlements for a stage: what `compute_entitlements --region` does."""
    # SQLite has one writer. Taking its write lock at BEGIN makes a second
    # worker wait for its turn, where a lock taken at the first write would
    # fail midway ("database is locked"): on SQLite the kabupaten run one
    # after another, on PostgreSQL (a plain transaction here) in parallel.
    # On PostgreSQL no outer transaction: the claim `compute_entitlements` takes
    # must be committed, for a run of the same kabupaten from a page to see it.
    sqlite = connection.vendor == "sqlite"
    with exclusive_transaction() if sqlite else nullcontext():
        result = compute_entitlements(stage_for(year, stage), region=region, recompute=recompute)
    return {"region": region, **asdict(result)}


def fan_out_regions(stage: Stage, *, region: str = "", recompute: bool = False) -> list[str]:
    """The kabupaten (within `region`) of a stage's fan-out, the largest first.

    Every kabupaten with active families; on a recompute also those holding
    entitlements of the stage but no active family any more, whose old
    entitlements a national recompute would remove. Largest first, so that
    the workers finish close together. A region below kabupaten is one task.
    """
    if len(region) > KABUPATEN_LENGTH:
        return [region]
    kabupaten = Substr("region_code", 1, KABUPATEN_LENGTH)
    sizes = dict(
        Family.objects.active()
        .filter(region_code__startswith=region)
        .values_list(kabupaten)
        .annotate(families=Count("id"))
        .order_by()
    )
    if recompute:
        held = Entitlement.objects.filter(stage=stage, region_code__startswith=region)
        for code in held.values_list(kabupaten, flat=True).distinct().order_by():
            sizes.setdefault(code, 0)
    return sorted(sizes, key=lambda code: (-sizes[code], code))


def fan_out(stage: Stage, *, region: str = "", recompute: bool = False) -> list[TaskResult]:
    """Enqueue one `compute_region_entitlements` per kabupaten of `region` (default: all)."""
    return [
        compute_region_entitlements.enqueue(stage.year_id, stage.number, code, recompute)
        for code in fan_out_regions(stage, region=region, recompute=recompute)
    ]


def wait_for(
    results: list[TaskResult],
    *,
    on_finish: Callable[[TaskResult, int], None] | None = None,
    poll_seconds: float = 0.5,
) -> dict:
    """Wait until every task of a fan-out has finished; their totals summed.

    `on_finish(result, finished_so_far)` is called as each one finishes.
    Raises CommandError naming each kabupaten whose task failed, once all
    have finished (the others' entitlements are written: each kabupaten is
    a transaction of its own).
    """
    pending, finished = list(results), []
    while pending:
        for result in list(pending):
            result.refresh()
            if result.is_finished:
                pending.remove(result)
                finished.append(result)
                if on_finish:
                    on_finish(result, len(finished))
        if pending:
            time.sleep(poll_seconds)
    failed = [r for r in finished if r.status == TaskResultStatus.FAILED]
    if failed:
        lines = [
            f"  {regioncode.dotted(r.args[2])}: {_last_error(r)}"
            for r in sorted(failed, key=lambda r: r.args[2])
        ]
        raise CommandError(
            f"{len(failed)} dari {len(results)} kabupaten gagal dihitung "
            "(penetapan kabupaten lain sudah tersimpan):\n" + "\n".join(lines)
        )
    values = [r.return_value for r in results]
    totals = {name: sum(v[name] for v in values) for name in TOTALS}
    totals["changed"] = sorted(change for v in values for change in v["changed"])
    return totals


def _last_error(result: TaskResult) -> str:
    """The exception's own line from the task's traceback."""
    lines = result.errors[-1].traceback.strip().splitlines() if result.errors else []
    return lines[-1] if lines else "gagal tanpa keterangan"
