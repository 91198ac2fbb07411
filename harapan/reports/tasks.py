"""The reports' background tasks (issue 18): the nightly refresh of every kabupaten's
summary rows, the refresh of the kabupaten an import or computation just changed, and the
annual report (STYLE.md: a thin wrapper over `annual_pdf.make_report`, the function the
command calls), made as the user who asked for it."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django_tasks import task

from harapan.jobs import labels, runs, scheduling

from . import summary
from .annual_pdf import make_report


@task()
@labels.labelled(gettext_lazy("Pembaruan ringkasan dasbor (setiap malam)"))
def refresh_summaries_nightly() -> dict[str, int]:
    """Every kabupaten's summary rows, refreshed each night (the months a day turns over:
    a family's age, a gap, the running month)."""
    try:
        done = summary.refresh_all()
        return {"kabupaten": len(done), "baris": sum(row.desa_months for row in done)}
    finally:
        scheduling.enqueue_next_run(refresh_summaries_nightly)


@task()
@labels.labelled(gettext_lazy("Pembaruan ringkasan dasbor wilayah yang datanya berubah"))
def refresh_regions(codes: list[str]) -> dict[str, int]:
    """The summary rows of the kabupaten holding or inside the regions `codes` ('': all)."""
    if "" in codes:
        done = summary.refresh_all()
    else:
        done = summary.refresh_many(summary.kabupaten_of(codes))
    return {"kabupaten": len(done), "baris": sum(row.desa_months for row in done)}


def refresh_soon(codes: list[str]) -> None:
    """Queue `refresh_regions(codes)`: the listener of harapan.jobs.changed_regions."""
    refresh_regions.enqueue(list(codes))


PDF = "application/pdf"


def file_name(code: str, year: int) -> str:
    return f"laporan-tahunan-{code}-{year}.pdf"


def _annual_report(run, progress) -> runs.Outcome:
    code, year = run.params["region"], run.params["year"]
    user = run.started_by
    figures, pdf = make_report(
        code, year, actor=user, made_by=str(user) if user else _("Harapan"),
        progress=lambda text: progress(phase=text, force=True),
    )  # fmt: skip
    shown = [
        (gettext_noop("KPM dilayani"), figures.kpm_dilayani),
        (gettext_noop("KPM aktif akhir tahun"), figures.kpm_aktif),
        (gettext_noop("Ukuran PDF (bita)"), len(pdf)),
    ]
    message = _("Laporan tahunan %(year)s %(name)s siap diunduh.") % {
        "year": year, "name": figures.region_name,
    }  # fmt: skip
    return runs.Outcome(figures=shown, message=message, output=(file_name(code, year), PDF, pdf))


@task()
@labels.labelled(gettext_lazy("Laporan tahunan"))
def make_annual_report(run_id: int) -> dict:
    return runs.execute(run_id, _annual_report)
