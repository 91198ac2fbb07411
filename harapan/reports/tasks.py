"""The summary tables' background tasks (issue 18): the nightly refresh of every kabupaten,
and the refresh of the kabupaten an import or computation just changed."""

from django.utils.translation import gettext_lazy as _
from django_tasks import task

from harapan.jobs import scheduling
from harapan.jobs.labels import labelled

from . import summary


@task()
@labelled(_("Pembaruan ringkasan dasbor (setiap malam)"))
def refresh_summaries_nightly() -> dict[str, int]:
    """Every kabupaten's summary rows, refreshed each night (the months a day turns over:
    a family's age, a gap, the running month)."""
    try:
        done = summary.refresh_all()
        return {"kabupaten": len(done), "baris": sum(row.desa_months for row in done)}
    finally:
        scheduling.enqueue_next_run(refresh_summaries_nightly)


@task()
@labelled(_("Pembaruan ringkasan dasbor wilayah yang datanya berubah"))
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
