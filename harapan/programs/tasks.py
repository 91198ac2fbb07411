"""The participations upload's background task (STYLE.md: a thin wrapper).

The body calls the engine the command uses (`importing.import_programs`), as the user
who started the run and within their scope, and says how it ended (`runs.Outcome`).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django_tasks import task

from harapan import uploads
from harapan.jobs import labels, runs
from harapan.jobs.models import Run

from .importing import import_programs


def _participations(run: Run, progress) -> runs.Outcome:
    user = run.started_by
    if user is None:  # the account was deleted: without it the rows have no scope
        return runs.Outcome(rejected=True, message=_(uploads.NO_UPLOADER))
    dry_run = bool(run.params.get("dry_run"))
    with runs.stored_file(run) as path:
        result = import_programs(
            path, acting_user=user, scope_user=user, dry_run=dry_run, file_name=run.title,
            keep_error_lines=runs.STORED_ERRORS, progress=progress,
        )  # fmt: skip
    if not result.ok:
        return uploads.rejected_lines(result)
    figures = [
        (gettext_noop("Baris dibaca"), result.rows),
        (gettext_noop("Keluarga"), result.families),
        (gettext_noop("Baru"), result.created),
        (gettext_noop("Diubah"), result.updated),
        (gettext_noop("Tetap"), result.unchanged),
    ]
    if dry_run:
        message = _("Uji coba tanpa galat; tidak ada yang disimpan.")
    else:
        message = _("Kepesertaan program telah disimpan.")
    return runs.Outcome(figures=figures, message=message)


@task()
@labels.labelled(gettext_lazy("Impor kepesertaan program"))
def import_programs_upload(run_id: int) -> dict:
    return runs.execute(run_id, _participations)
