"""The participations upload's background task (STYLE.md: a thin wrapper).

The body calls the engine the command uses (`importing.import_programs`), as the user
who started the run and within their scope, and says how it ended (`runs.Outcome`).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django_tasks import task

from harapan import uploads
from harapan.jobs import labels, runs

from .importing import import_programs


def _imported(result) -> runs.Outcome:
    figures = [
        (gettext_noop("Baris dibaca"), result.rows),
        (gettext_noop("Keluarga"), result.families),
        (gettext_noop("Baru"), result.created),
        (gettext_noop("Diubah"), result.updated),
        (gettext_noop("Tetap"), result.unchanged),
    ]
    if result.dry_run:
        message = _("Uji coba tanpa galat; tidak ada yang disimpan.")
    else:
        message = _("Kepesertaan program telah disimpan.")
    return runs.Outcome(figures=figures, message=message)


@task()
@labels.labelled(gettext_lazy("Impor kepesertaan program"))
def import_programs_upload(run_id: int) -> dict:
    return runs.execute(run_id, uploads.scoped_import(import_programs, _imported))
