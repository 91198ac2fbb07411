"""P2K2 reports (DESIGN §6): meetings per pendamping in a month, module coverage per region.

Thin over `reports.py`; meetings and families are scoped with
`visible_to(user)`, and each page has an audited XLSX download of the same
figures.
"""

from datetime import date
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from harapan.accounts.roles import Role
from harapan.display import formats
from harapan.exports import audit_export, xlsx_response
from harapan.lib import months as calendar
from harapan.registry.models import Family
from harapan.reporting import bound_form, percent, region_names, require_role, scope_heading

from . import reports
from .models import Meeting

LEVEL_LABELS = {
    reports.DESA: _("Desa/kelurahan"),
    reports.KECAMATAN: _("Kecamatan"),
    reports.KABUPATEN: _("Kabupaten/kota"),
}
# The level below the one each role answers for: a korcam looks at the desa
# of their kecamatan, a korkab or operator at the kecamatan of their kabupaten.
DEFAULT_LEVEL = {
    Role.PENDAMPING: reports.DESA,
    Role.KORCAM: reports.DESA,
    Role.KORKAB: reports.KECAMATAN,
    Role.OPERATOR: reports.KECAMATAN,
}
MEETINGS_HEADER = ["kode", "nama", "direncanakan", "terlaksana", "batal", "persen_terlaksana",
                   "hadir", "izin", "tidak_hadir", "persen_kehadiran"]  # fmt: skip


def _this_month() -> date:
    return calendar.month_start(timezone.localdate())


class ReportMonthForm(forms.Form):
    bulan = forms.CharField(label=_("Bulan"), widget=forms.TextInput(attrs={"type": "month"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bulan"].widget.attrs["max"] = calendar.month_label(_this_month())

    def clean_bulan(self) -> date:
        try:
            month = calendar.parse_month(self.cleaned_data["bulan"])
        except ValueError:
            raise forms.ValidationError(
                _("Bulan tidak valid: tulis sebagai TTTT-BB, mis. 2026-03.")
            ) from None
        if month > _this_month():
            raise forms.ValidationError(_("Bulan itu belum tiba: laporan hanya sampai bulan ini."))
        return month


class LevelForm(forms.Form):
    tingkat = forms.ChoiceField(
        label=_("Tingkat wilayah"), choices=list(LEVEL_LABELS.items()),
        error_messages={"invalid_choice": _("Pilih tingkat desa, kecamatan atau kabupaten.")},
    )  # fmt: skip


def _month_form(request: HttpRequest) -> ReportMonthForm:
    return bound_form(ReportMonthForm, request, {"bulan": calendar.month_label(_this_month())})


def _level_form(request: HttpRequest) -> LevelForm:
    level = DEFAULT_LEVEL.get(request.user.role, reports.KABUPATEN)
    return bound_form(LevelForm, request, {"tingkat": level})


def _context(request: HttpRequest, form: forms.Form) -> dict:
    return {"form": form, "scope": scope_heading(request.user)}


# Meetings per pendamping -----------------------------------------------------------


def _meeting_rows(user, month: date) -> list[reports.MeetingFigures]:
    rows = reports.meetings_by_pendamping(month, Meeting.objects.visible_to(user))
    pendamping = get_user_model().objects.in_bulk([row.key for row in rows])
    for row in rows:
        row.code, row.label = pendamping[row.key].username, str(pendamping[row.key])
    return sorted(rows, key=lambda r: r.label.lower())


@login_required
def report_meetings(request: HttpRequest) -> HttpResponse:
    require_role(request.user)
    form = _month_form(request)
    context = _context(request, form)
    if form.is_valid():
        month = form.cleaned_data["bulan"]
        rows = _meeting_rows(request.user, month)
        context.update(
            month_text=calendar.month_label(month), rows=rows, total=reports.meetings_total(rows),
            query=urlencode({"bulan": calendar.month_label(month)}),
        )  # fmt: skip
    return render(request, "fds/report_meetings.html", context)


@login_required
def report_meetings_xlsx(request: HttpRequest) -> HttpResponse:
    require_role(request.user)
    form = _month_form(request)
    if not form.is_valid():
        context = _context(request, form)
        return render(request, "fds/report_meetings.html", context, status=400)
    month_text = calendar.month_label(form.cleaned_data["bulan"])
    rows = _meeting_rows(request.user, form.cleaned_data["bulan"])
    total = reports.meetings_total(rows)
    total.label = pgettext("total row", "Jumlah")
    lines = [MEETINGS_HEADER] + [
        [row.code, row.label, row.planned, row.held, row.cancelled, percent(row.held_share),
         row.present, row.excused, row.absent, percent(row.attendance_rate)]
        for row in [*rows, total]
    ]  # fmt: skip
    about = [["bulan", formats.month(form.cleaned_data["bulan"])],
             ["cakupan", scope_heading(request.user)]]  # fmt: skip
    response = xlsx_response(
        f"p2k2-pertemuan-{month_text}.xlsx", "pertemuan", lines, about, request.user
    )
    audit_export(request.user, "fds.report.meetings.export", bulan=month_text, rows=len(rows))
    return response


# Module coverage per region ----------------------------------------------------------


def _coverage(user, level: str) -> reports.Coverage:
    coverage = reports.module_coverage(level, Family.objects.visible_to(user).active())
    names = region_names([row.code for row in coverage.rows])
    for row in coverage.rows:
        row.label = names.get(row.code, "")
    return coverage


@login_required
def report_coverage(request: HttpRequest) -> HttpResponse:
    require_role(request.user)
    form = _level_form(request)
    context = _context(request, form)
    if form.is_valid():
        level = form.cleaned_data["tingkat"]
        context.update(
            coverage=_coverage(request.user, level), level_label=LEVEL_LABELS[level],
            query=urlencode({"tingkat": level}),
        )  # fmt: skip
    return render(request, "fds/report_coverage.html", context)


def _coverage_header(coverage: reports.Coverage) -> list[str]:
    per_module = [
        f"modul_{module.number}_{suffix}"
        for module in coverage.modules
        for suffix in ("selesai", "persen")
    ]
    return ["kode", "nama", "kpm_aktif", *per_module]


def _coverage_line(row: reports.RegionCoverage) -> list:
    cells = [value for share in row.shares for value in (share.completed, percent(share.percent))]
    return [row.code, row.label, row.families, *cells]


@login_required
def report_coverage_xlsx(request: HttpRequest) -> HttpResponse:
    require_role(request.user)
    form = _level_form(request)
    if not form.is_valid():
        context = _context(request, form)
        return render(request, "fds/report_coverage.html", context, status=400)
    level = form.cleaned_data["tingkat"]
    coverage = _coverage(request.user, level)
    coverage.total.label = pgettext("total row", "Jumlah")
    lines = [_coverage_header(coverage)]
    lines += [_coverage_line(row) for row in [*coverage.rows, coverage.total]]
    modules = [[f"modul_{m.number}", m.title] for m in coverage.modules]
    about = [["tingkat", str(LEVEL_LABELS[level])], ["cakupan", scope_heading(request.user)],
             *modules]  # fmt: skip
    response = xlsx_response(
        f"p2k2-cakupan-modul-{level}.xlsx", "cakupan", lines, about, request.user
    )
    audit_export(request.user, "fds.report.coverage.export", tingkat=level,
                  rows=len(coverage.rows))  # fmt: skip
    return response


urlpatterns = [
    path("laporan/", report_meetings, name="report_meetings"),
    path("laporan/ekspor.xlsx", report_meetings_xlsx, name="report_meetings_xlsx"),
    path("laporan/cakupan/", report_coverage, name="report_coverage"),
    path("laporan/cakupan/ekspor.xlsx", report_coverage_xlsx, name="report_coverage_xlsx"),
]
