"""The complaint statistics page and its workbook (issue 15): thin over statistics.py."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _t

from harapan.display import formats
from harapan.exports import audit_export, workbook_response
from harapan.reporting import percent, require_role, scope_heading, year_form

from .sla import Step, step_days
from .statistics import Statistics, complaint_statistics


def sla_rule() -> str:
    """What "within SLA" means, in the words the page and the workbook both give."""
    return _t(
        "Selesai tepat waktu: setiap langkah yang dilalui selesai paling lambat pada "
        "tenggatnya: triase %(triage)s hari kerja setelah diterima, tanggapan pertama "
        "%(response)s hari kerja setelah triase, penyelesaian %(resolution)s hari kerja "
        "setelah tanggapan pertama (setelah dibuka kembali, bila dibuka kembali). "
        "Pengaduan yang dicabut atau dirujuk lebih awal dinilai pada langkah yang dilaluinya."
    ) % {
        "triage": step_days(Step.TRIAGE),
        "response": step_days(Step.RESPONSE),
        "resolution": step_days(Step.RESOLUTION),
    }


def days_rule() -> str:
    return _t(
        "Lama penyelesaian: median hari kerja (Senin–Jumat, di luar hari libur nasional dan "
        "cuti bersama) dari hari diterima sampai hari selesai, hari diterima tidak dihitung."
    )


def _page(request: HttpRequest, form, status: int = 200, **context) -> HttpResponse:
    context.update(form=form, scope=scope_heading(request.user), sla_rule=sla_rule(),
                   days_rule=days_rule())  # fmt: skip
    return render(request, "complaints/statistics.html", context, status=status)


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    require_role(request.user)
    form = year_form(request)
    if not form.is_valid():
        return _page(request, form, status=400)
    year = form.cleaned_data["tahun"]
    figures = complaint_statistics(request.user, year)
    return _page(request, form, figures=figures, query=urlencode({"tahun": year}))


def _sheet(heading: str, rows, total, *, region: bool = False, month: bool = False) -> list:
    header = [heading, "diterima", "selesai", "selesai_tepat_waktu", "persen_tepat_waktu",
              "median_hari_kerja"]  # fmt: skip
    if region:
        header.insert(0, "kode_wilayah")
    lines = [header]
    for row in [*rows, total]:
        label = formats.month(row.key) if month and row.key else str(row.label)
        line = [label, row.received, row.resolved, row.on_time, percent(row.on_time_share),
                row.median_days]  # fmt: skip
        if region:
            line.insert(0, formats.region(row.key) if row.key else "")
        lines.append(line)
    return lines


def _sheets(figures: Statistics) -> list[tuple[str, list]]:
    total = figures.total
    return [
        ("kategori", _sheet("kategori", figures.by_category, total)),
        ("saluran", _sheet("saluran", figures.by_channel, total)),
        ("wilayah", _sheet(str(figures.region_label).lower(), figures.by_region, total,
                           region=True)),
        ("bulan", _sheet("bulan_diterima", figures.by_month, total, month=True)),
    ]  # fmt: skip


@login_required
def statistics_xlsx(request: HttpRequest) -> HttpResponse:
    require_role(request.user)
    form = year_form(request)
    if not form.is_valid():
        return _page(request, form, status=400)
    year = form.cleaned_data["tahun"]
    figures = complaint_statistics(request.user, year)
    about = [
        ["tahun", year],
        ["cakupan", scope_heading(request.user)],
        ["tepat_waktu", sla_rule()],
        ["median_hari_kerja", days_rule()],
    ]
    response = workbook_response(f"statistik-pengaduan-{year}.xlsx", _sheets(figures), about,
                                 request.user)  # fmt: skip
    audit_export(request.user, "complaints.statistics.export", tahun=year,
                 rows=figures.total.received)  # fmt: skip
    return response
