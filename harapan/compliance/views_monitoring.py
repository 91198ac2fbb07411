"""Monitoring of verification (DESIGN §5): figures, missing records, sanctions, forced exits.

Thin over `monitoring.py` and `batch.forced_exit_candidates`; every list is
scoped with `visible_to(user)`.
"""

from collections import defaultdict
from datetime import date
from itertools import chain
from operator import attrgetter, methodcaller
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from harapan import downloads
from harapan.accounts.roles import Role, sees_full_nik
from harapan.audit import trail
from harapan.display import formats
from harapan.downloads import Column, Table
from harapan.exports import audit_export, csv_response, xlsx_response
from harapan.lib.nik import shown_nik
from harapan.registry import eligibility
from harapan.registry.models import Family, Member
from harapan.registry.naming import family_label, name_families, name_families_of
from harapan.reporting import bound_form, percent, region_names, require_role, scope_heading

from . import batch, calendar, monitoring
from .models import Sanction, SanctionKind

# A kabupaten can owe tens of thousands of records; the page shows the first
# ones and the download carries them all.
MAX_ROWS = 500

GROUPING_LABELS = {
    monitoring.PENDAMPING: _("Pendamping"),
    monitoring.DESA: _("Desa/kelurahan"),
    monitoring.KECAMATAN: _("Kecamatan"),
}
# What each role most often asks: a pendamping about their desa, a korcam about
# their pendamping, anyone above about the kecamatan.
DEFAULT_GROUPING = {Role.PENDAMPING: monitoring.DESA, Role.KORCAM: monitoring.PENDAMPING}
FORCED_EXIT_HEADER = ["id_keluarga", "kode_desa", "pendamping", "komponen_dibatalkan"]
MISSING_HEADER = ["bulan", "id_keluarga", "nik", "nama", "komitmen", "kode_desa", "pendamping"]


def _today() -> date:
    return timezone.localdate()


# Month and stage choice ------------------------------------------------------


class MonthForm(forms.Form):
    bulan = forms.CharField(label=_("Bulan"), widget=forms.TextInput(attrs={"type": "month"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.this_month = calendar.month_start(_today())
        self.fields["bulan"].widget.attrs["max"] = calendar.month_label(self.this_month)

    def clean_bulan(self) -> date:
        try:
            month = calendar.parse_month(self.cleaned_data["bulan"])
        except ValueError:
            raise forms.ValidationError(
                _("Bulan tidak valid: tulis sebagai TTTT-BB, mis. 2026-03.")
            ) from None
        if month > self.this_month:
            raise forms.ValidationError(_("Bulan verifikasi belum berjalan."))
        return month


class MonitoringForm(MonthForm):
    per = forms.ChoiceField(label=_("Kelompokkan per"), choices=list(GROUPING_LABELS.items()))
    belum = forms.BooleanField(label=_("Hanya yang verifikasinya belum lengkap"), required=False)


class StageForm(forms.Form):
    # PKH began in 2007: no stage before it.
    tahun = forms.IntegerField(label=_("Tahun"), min_value=2007, max_value=2100)
    tahap = forms.TypedChoiceField(
        label=_("Tahap"), coerce=int, choices=[(n, str(n)) for n in (1, 2, 3, 4)]
    )


class SanctionForm(StageForm):
    jenis = forms.ChoiceField(
        label=_("Jenis sanksi"), required=False,
        choices=[("", _("Semua")), *SanctionKind.choices],
    )  # fmt: skip


def _previous_month() -> str:
    return calendar.month_label(calendar.month_to_verify(_today()))


def _monitoring_form(request: HttpRequest) -> MonitoringForm:
    grouping = DEFAULT_GROUPING.get(request.user.role, monitoring.KECAMATAN)
    return bound_form(MonitoringForm, request, {"bulan": _previous_month(), "per": grouping})


def _stage_defaults() -> dict:
    year, stage = calendar.stage_of(_today())
    return {"tahun": year, "tahap": stage}


# Figures per group -------------------------------------------------------------


def _labelled_figures(
    user, month: date, grouping: str, only_incomplete: bool = False
) -> list[monitoring.Figures]:
    rows = monitoring.figures_by(month, Member.objects.visible_to(user), grouping)
    if only_incomplete:
        rows = monitoring.incomplete(rows)
    keys = [row.key for row in rows if row.key is not None]
    if grouping == monitoring.PENDAMPING:
        users = get_user_model().objects.in_bulk(keys)
        for row in rows:
            pendamping = users.get(row.key)
            row.code = pendamping.username if pendamping else ""
            row.label = str(pendamping) if pendamping else _t("Belum ada pendamping")
        # Families with no pendamping come last: they are the ones to assign.
        return sorted(rows, key=lambda r: (r.key is None, r.label.lower()))
    names = region_names(keys)
    for row in rows:
        row.code, row.label = row.key, names.get(row.key, "")
    return sorted(rows, key=lambda r: r.key)


@login_required
def monitoring_page(request: HttpRequest) -> HttpResponse:
    require_role(request.user)
    form = _monitoring_form(request)
    context = {"form": form, "scope": scope_heading(request.user)}
    if form.is_valid():
        month, grouping = form.cleaned_data["bulan"], form.cleaned_data["per"]
        rows = _labelled_figures(request.user, month, grouping, form.cleaned_data["belum"])
        query = {"bulan": calendar.month_label(month), "per": grouping}
        if form.cleaned_data["belum"]:
            query["belum"] = "on"
        context.update(
            month_text=calendar.month_label(month), rows=rows, total=monitoring.total(rows),
            grouping_label=GROUPING_LABELS[grouping], by_region=grouping != monitoring.PENDAMPING,
            query=urlencode(query),
            downloads=downloads.links(request, reverse("compliance:monitoring_xlsx")),
        )  # fmt: skip
    return render(request, "compliance/monitoring.html", context)


@login_required
def monitoring_xlsx(request: HttpRequest) -> HttpResponse:
    require_role(request.user)
    form = _monitoring_form(request)
    if not form.is_valid():
        context = {"form": form, "scope": scope_heading(request.user)}
        return render(request, "compliance/monitoring.html", context, status=400)
    month, grouping = form.cleaned_data["bulan"], form.cleaned_data["per"]
    rows = _labelled_figures(request.user, month, grouping, form.cleaned_data["belum"])
    total = monitoring.total(rows)
    total.code, total.label = "", pgettext("total row", "Jumlah")
    lines = [
        [
            "kode",
            "nama",
            "wajib_verifikasi",
            "terverifikasi",
            "persen_terverifikasi",
            "patuh",
            "tidak_patuh",
            "dikecualikan",
            "belum_diverifikasi",
            "persen_kepatuhan",
        ]
    ]
    lines += [[row.code, row.label, row.owed, row.verified, percent(row.share_verified),
               row.compliant, row.non_compliant, row.excused, row.missing,
               percent(row.compliance_rate)] for row in [*rows, total]]  # fmt: skip
    about = [["bulan", formats.month(month)], ["per", str(GROUPING_LABELS[grouping])],
             ["cakupan", scope_heading(request.user)],
             ["jumlah baris", len(lines) - 1]]  # fmt: skip
    if form.cleaned_data["belum"]:
        about.append(["belum", _t("Hanya yang verifikasinya belum lengkap")])
    if downloads.requested(request) == downloads.CSV:
        title = _t("Pemantauan verifikasi")
        return downloads.respond(
            request, downloads.CSV, "pemantauan-verifikasi", title, lines, len(rows), about
        )
    name = f"pemantauan-verifikasi-{calendar.month_label(month)}-{grouping}.xlsx"
    response = xlsx_response(name, "pemantauan", lines, about, request.user)
    audit_export(request.user, "compliance.monitoring.export",
                  bulan=calendar.month_label(month), per=grouping, rows=len(rows))  # fmt: skip
    return response


# Missing verifications ---------------------------------------------------------


def _missing_in_scope(user, month: date):
    return monitoring.missing(month, Member.objects.visible_to(user))


@login_required
def missing_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user)
    form = bound_form(MonthForm, request, {"bulan": _previous_month()})
    context = {"form": form, "scope": scope_heading(request.user), "cap": MAX_ROWS}
    if form.is_valid():
        month = form.cleaned_data["bulan"]
        context.update(_missing_rows(request.user, month))
        context["downloads"] = downloads.links(request, reverse("compliance:missing_csv"))
    return render(request, "compliance/monitoring_missing.html", context)


def _missing_rows(user, month: date) -> dict:
    missing = _missing_in_scope(user, month)
    rows = list(
        missing.select_related("family__pendamping").order_by(
            "region_code", "family__registry_id", "birth_date", "pk"
        )[:MAX_ROWS]
    )
    count = len(rows) if len(rows) < MAX_ROWS else missing.count()
    name_families_of(rows)
    full = sees_full_nik(user)
    month_text = calendar.month_label(month)
    for member in rows:
        member.shown_nik = shown_nik(member.nik, full)
        member.commitment_label = eligibility.LABELS.get(member.commitment, member.commitment)
        member.month_url = reverse(
            "compliance:month_family", kwargs={"family_pk": member.family_id, "month": month_text}
        )
    if full and rows:
        # Full NIKs shown are logged (DESIGN §11), once per page rather than per row.
        trail.record(user, "compliance.missing.view_nik", region_code=user.region_id or "",
                     details={"count": len(rows), "bulan": month_text})  # fmt: skip
    return {"month_text": month_text, "rows": rows, "count": count,
            "truncated": count > len(rows)}  # fmt: skip


@login_required
def missing_csv(request: HttpRequest) -> HttpResponse:
    require_role(request.user)
    form = bound_form(MonthForm, request, {"bulan": _previous_month()})
    if not form.is_valid():
        context = {"form": form, "scope": scope_heading(request.user), "cap": MAX_ROWS}
        return render(request, "compliance/monitoring_missing.html", context, status=400)
    month = form.cleaned_data["bulan"]
    month_text = calendar.month_label(month)
    full = sees_full_nik(request.user)
    rows = (
        _missing_in_scope(request.user, month)
        .select_related("family__pendamping")
        .order_by("region_code", "family__registry_id", "birth_date", "pk")
    )
    if downloads.requested(request) == downloads.XLSX:
        lines = chain([MISSING_HEADER], _missing_lines(rows, month_text, full))
        return downloads.respond(request, downloads.XLSX, "verifikasi-belum",
                                 _t("Verifikasi belum lengkap"), lines, rows.count(),
                                 [["bulan", month_text]], full_nik=full)  # fmt: skip
    response, writer = csv_response(f"verifikasi-belum-{month_text}.csv")
    writer.writerow(MISSING_HEADER)
    count = 0
    for line in _missing_lines(rows, month_text, full):
        writer.writerow(line)
        count += 1
    audit_export(request.user, "compliance.missing.export", bulan=month_text, rows=count,
                  full_nik=full)  # fmt: skip
    return response


def _missing_lines(rows, month_text: str, full: bool):
    for member in rows.iterator(chunk_size=2000):
        pendamping = member.family.pendamping
        yield [month_text, member.family.registry_id, shown_nik(member.nik, full),
               member.name, member.commitment, member.region_code,
               str(pendamping) if pendamping else ""]  # fmt: skip


# Sanctions in force --------------------------------------------------------------


def _name_sanctions(rows: list) -> None:
    name_families(sanction.member.family for sanction in rows)
    for sanction in rows:
        sanction.component_label = eligibility.LABELS.get(sanction.component, "")


SANCTIONS = Table(
    "sanksi",
    _("Sanksi"),
    (
        Column(_("Anggota"), lambda s: s.member.name),
        Column(_("KPM"), lambda s: family_label(s.member.family)),
        Column(_("Komponen"), lambda s: s.component_label or s.component),
        Column(_("Sanksi"), methodcaller("get_kind_display")),
        Column(_("Sejak tahun"), attrgetter("year")),
        Column(_("Sejak tahap"), attrgetter("stage")),
        Column(_("Alasan"), attrgetter("reason")),
    ),
    prepare=_name_sanctions,
)


@login_required
def sanction_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user)
    form = bound_form(SanctionForm, request, _stage_defaults())
    context = {"form": form, "scope": scope_heading(request.user), "cap": MAX_ROWS}
    if form.is_valid():
        year, stage, kind = (form.cleaned_data[k] for k in ("tahun", "tahap", "jenis"))
        sanctions = Sanction.objects.visible_to(request.user).in_force(year, stage)
        if kind:
            sanctions = sanctions.filter(kind=kind)
        sanctions = sanctions.select_related("member__family").order_by(
            "region_code", "member__family__registry_id", "member_id", "component"
        )
        if response := downloads.serve(request, SANCTIONS, sanctions, form):
            return response
        rows = list(sanctions[:MAX_ROWS])
        _name_sanctions(rows)
        context["downloads"] = downloads.links(request)
        count = len(rows) if len(rows) < MAX_ROWS else sanctions.count()
        context.update(year=year, stage=stage, rows=rows, count=count,
                       truncated=count > len(rows))  # fmt: skip
    return render(request, "compliance/sanction_list.html", context)


# Forced exit (graduasi paksa) candidates -----------------------------------------


def _terminated_components(year: int, stage: int, families) -> dict[int, list[str]]:
    """Each family's terminated components in force, in the year's priority order."""
    found = defaultdict(set)
    pairs = (
        Sanction.objects.in_force(year, stage)
        .filter(kind=SanctionKind.TERMINATION, member__family__in=families)
        .values_list("member__family_id", "component")
        .distinct()
    )
    for family_id, component in pairs:
        found[family_id].add(component)
    order = eligibility.rules_for(year).priority()
    return {pk: sorted(found[pk], key=order.index) for pk in found}


def _candidates(user, year: int, stage: int):
    families = batch.forced_exit_candidates(year, stage, Family.objects.visible_to(user))
    return families.select_related("pendamping").order_by("region_code", "registry_id")


@login_required
def forced_exit(request: HttpRequest) -> HttpResponse:
    require_role(request.user)
    form = bound_form(StageForm, request, _stage_defaults())
    context = {"form": form, "scope": scope_heading(request.user), "cap": MAX_ROWS}
    if form.is_valid():
        year, stage = form.cleaned_data["tahun"], form.cleaned_data["tahap"]
        families = _candidates(request.user, year, stage)
        rows = name_families(families[:MAX_ROWS])
        components = _terminated_components(year, stage, [f.pk for f in rows])
        for family in rows:
            family.terminated = [eligibility.LABELS[c] for c in components.get(family.pk, [])]
        count = len(rows) if len(rows) < MAX_ROWS else families.count()
        context.update(year=year, stage=stage, rows=rows, count=count,
                       truncated=count > len(rows),
                       query=urlencode({"tahun": year, "tahap": stage}))  # fmt: skip
    return render(request, "compliance/forced_exit.html", context)


@login_required
def forced_exit_csv(request: HttpRequest) -> HttpResponse:
    require_role(request.user)
    form = bound_form(StageForm, request, _stage_defaults())
    if not form.is_valid():
        context = {"form": form, "scope": scope_heading(request.user), "cap": MAX_ROWS}
        return render(request, "compliance/forced_exit.html", context, status=400)
    year, stage = form.cleaned_data["tahun"], form.cleaned_data["tahap"]
    families = _candidates(request.user, year, stage)
    components = _terminated_components(year, stage, families)
    response, writer = csv_response(f"graduasi-paksa-{year}-tahap-{stage}.csv")
    writer.writerow(FORCED_EXIT_HEADER)
    count = 0
    for family in families.iterator(chunk_size=2000):
        pendamping = str(family.pendamping) if family.pendamping else ""
        writer.writerow([family.registry_id, family.region_code, pendamping,
                         ";".join(components.get(family.pk, []))])  # fmt: skip
        count += 1
    audit_export(request.user, "compliance.forced_exit.export", tahun=year, tahap=stage,
                  rows=count)  # fmt: skip
    return response


urlpatterns = [
    path("pemantauan/", monitoring_page, name="monitoring"),
    path("pemantauan/ekspor.xlsx", monitoring_xlsx, name="monitoring_xlsx"),
    path("pemantauan/belum/", missing_list, name="missing_list"),
    path("pemantauan/belum/unduh.csv", missing_csv, name="missing_csv"),
    path("sanksi/", sanction_list, name="sanction_list"),
    path("graduasi-paksa/", forced_exit, name="forced_exit"),
    path("graduasi-paksa/unduh.csv", forced_exit_csv, name="forced_exit_csv"),
]
