"""GSM targets and progress, the year's exits by kind, and natural-exit candidates (§7, §12).

Thin over `targets.py` and `candidates.py`; families are scoped with
`visible_to(user)` and pendamping with `targets.pendamping_in_scope(user)`.
Downloads are audited.
"""

from datetime import date
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from harapan import downloads
from harapan.accounts.roles import Role
from harapan.display import formats
from harapan.downloads import Column, Table
from harapan.exports import audit_export, streaming_csv_response, xlsx_response
from harapan.paging import paginate
from harapan.registry.models import Family
from harapan.registry.naming import family_label, name_families
from harapan.reporting import (
    FIRST_YEAR,
    bound_form,
    percent,
    require_role,
    scope_heading,
    this_year,
    year_form,
)

from . import targets
from .candidates import CandidateList

CANDIDATES_HEADER = ["id_keluarga", "jenis", "alasan", "tanggal_perkiraan"]
# Rows on one page; the CSV holds them all.
PAGE_SIZE = 100
LEVEL_LABELS = {targets.KECAMATAN: _("Kecamatan"), targets.KABUPATEN: _("Kabupaten/kota")}


class DateForm(forms.Form):
    tanggal = forms.DateField(
        label=_("Tanggal acuan"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Tanggal tidak valid: tulis sebagai TTTT-BB-HH.")},
    )

    def clean_tanggal(self) -> date:
        day = self.cleaned_data["tanggal"]
        if day.year < FIRST_YEAR or day.year > this_year() + 5:
            raise forms.ValidationError(_("Tanggal di luar rentang yang masuk akal."))
        return day


def _date_form(request: HttpRequest) -> DateForm:
    return bound_form(DateForm, request, {"tanggal": timezone.localdate().isoformat()})


# Targets and progress ------------------------------------------------------------------


def _figures(user, year: int) -> dict:
    coordinator = user.role != Role.PENDAMPING
    scoped = Family.objects.visible_to(user)
    people = targets.progress(year, targets.pendamping_in_scope(user), scoped)
    return {
        "year": year,
        "coordinator": coordinator,
        "people": people,
        "rollups": [
            (LEVEL_LABELS[level], targets.rollup(year, level, user)) for level in targets.LEVELS
        ],
        "totals": targets.annual_totals(year, scoped),
    }


@login_required
def target_progress(request: HttpRequest) -> HttpResponse:
    require_role(request.user)
    form = year_form(request)
    context = {"form": form, "scope": scope_heading(request.user)}
    status = 200
    if form.is_valid():
        year = form.cleaned_data["tahun"]
        context.update(_figures(request.user, year), query=urlencode({"tahun": year}))
    else:
        status = 400
    return render(request, "graduation/target_progress.html", context, status=status)


@login_required
def target_progress_xlsx(request: HttpRequest) -> HttpResponse:
    require_role(request.user)
    form = year_form(request)
    if not form.is_valid():
        context = {"form": form, "scope": scope_heading(request.user)}
        return render(request, "graduation/target_progress.html", context, status=400)
    year = form.cleaned_data["tahun"]
    figures = _figures(request.user, year)
    lines = [["tingkat", "kode", "nama", "jumlah_pendamping", "target_gsm", "gsm", "persen"]]
    lines += [
        ["pendamping", r.code, r.label, 1, r.target, r.achieved, percent(r.share)]
        for r in figures["people"]
    ]
    for _label, roll in figures["rollups"]:
        lines += [
            [roll.level, r.code, r.label, r.pendamping, r.target, r.achieved, percent(r.share)]
            for r in [*roll.rows, roll.total]
        ]
    totals = figures["totals"]
    lines += [[], ["jenis_keluar", "nama", "jumlah", "persen_dari_graduasi"]]
    lines += [
        [k.kind, k.label, k.count, percent(totals.share_of_graduations(k.kind))]
        for k in totals.kinds
        if k.graduation
    ]
    lines += [["graduasi", _t("Jumlah graduasi"), totals.graduations, None]]
    lines += [[k.kind, k.label, k.count, None] for k in totals.kinds if not k.graduation]
    lines += [["jumlah", _t("Jumlah keluar"), totals.total, None]]
    about = [["tahun", year], ["cakupan", scope_heading(request.user)]]
    response = xlsx_response(f"target-gsm-{year}.xlsx", "target", lines, about, request.user)
    audit_export(request.user, "graduation.targets.export", tahun=year,
                 rows=len(figures["people"]))  # fmt: skip
    return response


# Natural-exit candidates -------------------------------------------------------------------


def _candidates(user, day: date) -> CandidateList:
    return CandidateList(day, Family.objects.visible_to(user))


def _candidate_form_page(request: HttpRequest, form: DateForm) -> HttpResponse:
    context = {"form": form, "scope": scope_heading(request.user)}
    return render(request, "graduation/candidates.html", context, status=400)


def _named(rows) -> list[tuple]:
    """(candidate, family) pairs: the rows are not Family rows, so name the families they
    stand for."""
    families = name_families(
        Family(pk=r.family_id, registry_id=r.registry_id, region_code=r.region_code) for r in rows
    )
    return list(zip(rows, families, strict=True))


CANDIDATES = Table(
    "calon-graduasi-alamiah",
    _("Calon graduasi alamiah"),
    (
        Column(_("KPM"), lambda pair: family_label(pair[1])),
        Column(_("Alasan"), lambda pair: pair[0].reason),
        Column(_("Perkiraan tanggal keluar"), lambda pair: pair[0].exit_on),
    ),
    prepare=_named,
)


@login_required
def candidate_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user)
    form = _date_form(request)
    if not form.is_valid():
        return _candidate_form_page(request, form)
    day = form.cleaned_data["tanggal"]
    rows = _candidates(request.user, day)
    notes = [[_("Tanggal acuan"), formats.day(day)]]
    if response := downloads.serve(request, CANDIDATES, rows, None, notes):
        return response
    page, pager = paginate(request, rows, PAGE_SIZE)
    named = _named(page)
    now_count, soon_count = rows.counts()
    context = {
        "form": form, "scope": scope_heading(request.user), "day": day,
        "page": page, "pager": pager,
        "now": [(r, family) for r, family in named if r.exit_on is None],
        "soon": [(r, family) for r, family in named if r.exit_on is not None],
        "now_count": now_count, "soon_count": soon_count,
        "query": urlencode({"tanggal": day.isoformat()}),
        "downloads": downloads.links(request),
    }  # fmt: skip
    return render(request, "graduation/candidates.html", context)


@login_required
def candidate_csv(request: HttpRequest) -> HttpResponse:
    require_role(request.user)
    form = _date_form(request)
    if not form.is_valid():
        return _candidate_form_page(request, form)
    day = form.cleaned_data["tanggal"]
    rows = _candidates(request.user, day)
    lines = (
        [row.registry_id, "alamiah", row.reason, row.exit_on.isoformat() if row.exit_on else ""]
        for row in rows
    )
    response = streaming_csv_response(
        f"calon-graduasi-{day.isoformat()}.csv", [CANDIDATES_HEADER], lines
    )
    audit_export(request.user, "graduation.candidates.export", tanggal=day.isoformat(),
                 rows=rows.count())  # fmt: skip
    return response


urlpatterns = [
    path("target/", target_progress, name="targets"),
    path("target/ekspor.xlsx", target_progress_xlsx, name="targets_xlsx"),
    path("calon/", candidate_list, name="candidates"),
    path("calon/unduh.csv", candidate_csv, name="candidates_csv"),
]
