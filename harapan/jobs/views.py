"""The run page (progress, then the result) and the task page: thin over runs.py."""

from operator import attrgetter, methodcaller

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from harapan import downloads
from harapan.accounts.roles import sees_full_nik
from harapan.downloads import Column, Table
from harapan.exports import error_csv_response
from harapan.lib.nik import shown_nik
from harapan.paging import paginate
from harapan.uploads import ERRORS_ON_PAGE, record_error_niks_view

from . import runs
from .access import oversees_tasks, runs_visible_to
from .forms import RunFilterForm
from .labels import label_of
from .models import RunOutput

PAGE_SIZE = 30
REFRESH_SECONDS = 2  # a plain meta refresh: works on any phone, no script needed
TASK_ROWS = 50
TASK_STATES = {
    TaskResultStatus.READY: _lazy("Menunggu"),
    TaskResultStatus.RUNNING: _lazy("Berjalan"),
    TaskResultStatus.SUCCESSFUL: _lazy("Berhasil"),
    TaskResultStatus.FAILED: _lazy("Gagal"),
}


def _masked(lines: list[list], user, run) -> list[list]:
    """Error lines with NIK values shown as the viewer's role may see them.

    Whole NIKs shown are a view on the audit trail, as on a family's page.
    """
    full = sees_full_nik(user)
    record_error_niks_view(user, run, lines)
    return [
        [line, column, shown_nik(str(value), full) if column == "nik" else value, message]
        for line, column, value, message in lines
    ]


def _run(request, pk: int):
    runs.reap_orphans()
    return get_object_or_404(runs_visible_to(request.user), pk=pk)


@login_required
def run_detail(request, pk: int):
    run = runs.live(_run(request, pk))
    context = {
        "run": run,
        "figures": [(_(label), number) for label, number in run.figures],
        "errors": _masked(run.errors[:ERRORS_ON_PAGE], request.user, run),
        "error_total": run.error_total,
        "refresh": None if run.finished else REFRESH_SECONDS,
        "output": RunOutput.objects.filter(run=run).values_list("name", flat=True).first(),
        "elapsed": int(
            (
                (run.finished_at or timezone.now()) - (run.started_at or run.created_at)
            ).total_seconds()
        ),
    }
    return render(request, "jobs/run.html", context)


@login_required
def run_errors(request, pk: int):
    run = _run(request, pk)
    return error_csv_response(_masked(run.errors, request.user, run),
                              f"galat-pekerjaan-{run.pk}.csv")  # fmt: skip


RUNS = Table(
    "pekerjaan",
    _lazy("Pekerjaan"),
    (
        Column(_lazy("Waktu"), attrgetter("created_at")),
        Column(_lazy("Pekerjaan"), lambda r: f"{r.get_kind_display()}: {r.title}" if r.title
               else r.get_kind_display()),
        Column(_lazy("Oleh"), lambda r: str(r.started_by or "")),
        Column(_lazy("Keadaan"), methodcaller("get_status_display")),
    ),
)  # fmt: skip


@login_required
def run_output(request, pk: int):
    """The file the run made (an annual report's PDF), for whoever may see the run."""
    output = get_object_or_404(RunOutput, run=_run(request, pk))
    response = HttpResponse(bytes(output.content), content_type=output.content_type)
    response["Content-Disposition"] = f'attachment; filename="{output.name}"'
    return response


@login_required
def run_list(request):
    """My runs; for admin pusat and operators every run of their region, and the task queue."""
    runs.reap_orphans()
    shown = runs_visible_to(request.user)
    filters = RunFilterForm(request.GET)
    if filters.is_valid():
        shown = filters.filter(shown)
    if response := downloads.serve(request, RUNS, shown, filters):
        return response
    page, pager = paginate(request, shown, PAGE_SIZE)
    context = {
        "downloads": downloads.links(request),
        "page": page,
        "pager": pager,
        "filters": filters,
        "oversees": oversees_tasks(request.user),
    }
    if context["oversees"]:
        tasks = list(DBTaskResult.objects.order_by("-enqueued_at")[:TASK_ROWS])
        for task in tasks:
            task.label = label_of(task.task_path)
            task.state = TASK_STATES.get(task.status, task.status)
            task.scheduled = (
                task.status == TaskResultStatus.READY and task.run_after > timezone.now()
            )
        context["tasks"] = tasks
    return render(request, "jobs/run_list.html", context)
