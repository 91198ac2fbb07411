"""The scorecard pages (DESIGN §9): the table, its downloads, and the per-figure targets.

Thin over `scorecard.rows`: pendamping are scoped with `graduation.targets.pendamping_in_scope`
(a pendamping sees their own row, a korcam their kecamatan, a korkab their kabupaten).
Every figure links to the list of records behind it, with that list's own filters.
"""

from datetime import date
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from harapan.accounts.roles import Role
from harapan.display import formats
from harapan.exports import Counted, audit_export, csv_response, xlsx_response
from harapan.lib import regioncode
from harapan.lib.months import add_months, month_label
from harapan.reporting import FIRST_YEAR, bound_form, require_role, scope_heading, this_year

from . import scorecard
from .actions_targets import may_set_target_for, may_set_targets, set_target
from .models import Figure, FigureTarget

PER_LABELS = {
    scorecard.PENDAMPING: _("Pendamping"),
    scorecard.KECAMATAN: _("Kecamatan"),
    scorecard.KABUPATEN: _("Kabupaten/kota"),
    scorecard.PROVINSI: _("Provinsi"),
}
MONTHS = [(str(m), formats.month(date(2000, m, 1)).split()[0]) for m in range(1, 13)]
# The downloads: the §12 columns, with the row's name beside its code.
EXPORT_HEADER = ["wilayah", "nama", *scorecard.HEADER[1:]]


class ScorecardForm(forms.Form):
    tahun = forms.IntegerField(
        label=_("Tahun"),
        error_messages={"invalid": _("Tahun tidak valid: tulis empat angka, mis. 2026.")},
    )
    bulan = forms.TypedChoiceField(
        label=_("Bulan"), required=False, coerce=int, empty_value=None,
        choices=[("", _("Tahun berjalan (s.d. bulan ini)")), *MONTHS],
    )  # fmt: skip
    per = forms.ChoiceField(label=_("Satu baris per"), choices=list(PER_LABELS.items()))
    wilayah = forms.CharField(label=_("Kode wilayah"), required=False, max_length=14)

    def clean_wilayah(self) -> str:
        code = self.cleaned_data["wilayah"].strip()
        try:
            return regioncode.normalize(code) if code else ""
        except regioncode.InvalidRegionCode:
            raise forms.ValidationError(_("Kode wilayah tidak sah.")) from None

    def clean(self):
        data = super().clean()
        if "tahun" in data and "bulan" in data:
            if data["tahun"] < FIRST_YEAR:
                self.add_error("tahun", _("Tahun tidak boleh sebelum %(first)s.") % {
                    "first": FIRST_YEAR})  # fmt: skip
                return data
            try:
                scorecard.period(data["tahun"], data["bulan"])
            except scorecard.BadPeriod as exc:
                self.add_error("bulan", str(exc))
        return data


def supervises(user) -> bool:
    """Pendamping below target are highlighted for whoever follows them, not for themselves."""
    return user.role != Role.PENDAMPING


def below_target_last_month(user, today: date) -> tuple[int, str]:
    """For the home to-do: the pendamping `user` follows below a target last month, and the
    scorecard page whose highlighted rows they are."""
    month = add_months(today.replace(day=1), -1)
    rows = scorecard.rows(month.year, month.month, per=scorecard.PENDAMPING, user=user,
                          today=today)  # fmt: skip
    count = sum(1 for row in rows if row.is_pendamping and row.below_target)
    query = scorecard_query(month.year, month.month, scorecard.PENDAMPING)
    return count, f"{reverse('reports:scorecard')}?{query}"


def default_per(user) -> str:
    if user.role in (Role.PENDAMPING, Role.KORCAM, Role.KORKAB):
        return scorecard.PENDAMPING
    return scorecard.KABUPATEN


def _form(request: HttpRequest) -> ScorecardForm:
    defaults = {"tahun": str(this_year()), "per": default_per(request.user)}
    return bound_form(ScorecardForm, request, defaults)


def scorecard_query(year: int, month: int | None, per: str, region: str = "") -> str:
    """The query string of the scorecard page (the home to-do links with it)."""
    return urlencode({"tahun": year, "bulan": month or "", "per": per, "wilayah": region})


# Links to the records behind each figure ------------------------------------------------------


def _url(name: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in ("", None)})
    return f"{reverse(name)}?{query}" if query else reverse(name)


def links_of(row: scorecard.Row, last_month: date) -> dict[str, str]:
    """{figure: URL of the list behind it}, with the filters those lists already have."""
    bulan = month_label(last_month)
    families = {"status": "aktif", **({"pendamping": row.pendamping_id} if row.is_pendamping
                                      else {"desa": row.code})}  # fmt: skip
    plan = (
        reverse("fieldwork:plan_detail", args=[row.plan_id])
        if row.plan_id
        else reverse("fieldwork:plan_review_list")
    )
    return {
        "kpm_aktif": _url("registry:family_list", **families),
        "verifikasi": _url("compliance:monitoring", bulan=bulan, per="pendamping"),
        "p2k2": _url("fds:report_meetings", bulan=bulan),
        "gsm": _url("graduation:proposal_list", kind="sejahtera_mandiri"),
        "alamiah": _url("graduation:proposal_list", kind="alamiah"),
        "pengaduan": _url("complaints:list", status="selesai"),
        "pemutakhiran": _url("registry:change_list"),
        "kks": reverse("benefits:kks_not_held"),
        "rencana": plan,
    }


# The page and its downloads -----------------------------------------------------------------


def _rows(request: HttpRequest, data: dict) -> list[scorecard.Row]:
    return scorecard.rows(data["tahun"], data["bulan"], region=data["wilayah"],
                          per=data["per"], user=request.user)  # fmt: skip


def _share(part: int, whole: int, share: float | None) -> str:
    """'1 / 2 (50,0%)'; without the share when there is nothing to divide."""
    text = f"{formats.number(part)} / {formats.number(whole)}"
    return f"{text} ({formats.percent(share)})" if share is not None else text


def _period_text(data: dict) -> str:
    if data["bulan"]:
        return formats.month(date(data["tahun"], data["bulan"], 1))
    return _t("Tahun %(year)s s.d. %(month)s") % {
        "year": data["tahun"],
        "month": formats.month(scorecard.period(data["tahun"]).months[-1]),
    }


@login_required
def scorecard_page(request: HttpRequest) -> HttpResponse:
    require_role(request.user)
    form = _form(request)
    context = {"form": form, "scope": scope_heading(request.user), "rows": None}
    if not form.is_valid():
        return render(request, "reports/scorecard.html", context, status=400)
    data = form.cleaned_data
    rows = _rows(request, data)
    last_month = scorecard.period(data["tahun"], data["bulan"]).months[-1]
    supervisor = supervises(request.user)
    for row in rows:
        row.links = links_of(row, last_month)
        row.highlighted = supervisor and row.is_pendamping and row.below_target
        row.verifikasi_text = _share(row.terverifikasi, row.wajib_verifikasi,
                                     row.verifikasi_persen)  # fmt: skip
        row.gsm_text = f"{formats.number(row.gsm)} / {formats.number(row.target_gsm)}"
        # GSM is judged against the part of the year's target due by the period's end.
        row.gsm_due_text = _t("%(due)s s.d. akhir periode") % {
            "due": formats.number(row.gsm_due, 1)}  # fmt: skip
        row.tepat_waktu_text = _share(row.pengaduan_tepat_waktu, row.pengaduan_selesai,
                                      row.tepat_waktu_persen)  # fmt: skip
        row.realisasi_text = _share(row.realisasi, row.rencana, row.realisasi_persen)
    context.update(
        rows=rows,
        period_text=_period_text(data),
        per_label=PER_LABELS[data["per"]],
        query=request.GET.urlencode(),
        highlighted=sum(1 for row in rows if row.highlighted),
        supervisor=supervisor,
        may_set_targets=may_set_targets(request.user),
        figure_labels=dict(Figure.choices),
    )
    return render(request, "reports/scorecard.html", context)


def _export_lines(rows: list[scorecard.Row]):
    for row in rows:
        code, *rest = row.csv_line()
        yield [code, row.label, *rest]


def _download(request: HttpRequest, fmt: str) -> HttpResponse:
    require_role(request.user)
    form = _form(request)
    if not form.is_valid():
        context = {"form": form, "scope": scope_heading(request.user), "rows": None}
        return render(request, "reports/scorecard.html", context, status=400)
    data = form.cleaned_data
    lines = Counted(EXPORT_HEADER, _export_lines(_rows(request, data)))
    filters = {"tahun": data["tahun"], "bulan": data["bulan"] or "", "per": data["per"],
               "wilayah": data["wilayah"]}  # fmt: skip
    name = f"kinerja-{data['tahun']}" + (f"-{data['bulan']:02d}" if data["bulan"] else "")
    if fmt == "xlsx":
        about = [[key, value] for key, value in filters.items()]
        about.append(["cakupan", scope_heading(request.user)])
        response = xlsx_response(f"{name}.xlsx", "kinerja", lines, about, request.user)
    else:
        response, writer = csv_response(f"{name}.csv")
        writer.writerows(lines)
    audit_export(request.user, "reports.scorecard.export", rows=lines.count, format=fmt,
                 **filters)  # fmt: skip
    return response


@login_required
def scorecard_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, "xlsx")


@login_required
def scorecard_csv(request: HttpRequest) -> HttpResponse:
    return _download(request, "csv")


# The targets ------------------------------------------------------------------------------


class TargetForm(forms.Form):
    figure = forms.ChoiceField(label=_("Angka"), choices=Figure.choices)
    year = forms.IntegerField(label=_("Tahun"), min_value=FIRST_YEAR, max_value=2100)
    region_code = forms.CharField(
        label=_("Kode wilayah"), required=False, max_length=14,
        help_text=_("Kosongkan untuk target nasional (hanya admin pusat)."),
    )  # fmt: skip
    percent = forms.IntegerField(label=_("Target (%)"), min_value=0, max_value=100)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_region_code(self) -> str:
        code = self.cleaned_data["region_code"].strip()
        try:
            code = regioncode.normalize(code) if code else ""
        except regioncode.InvalidRegionCode:
            raise forms.ValidationError(_("Kode wilayah tidak sah.")) from None
        if not may_set_target_for(self.user, code):
            raise forms.ValidationError(_("Anda hanya dapat mengubah target wilayah Anda sendiri."))
        return code


@login_required
def scorecard_targets(request: HttpRequest) -> HttpResponse:
    require_role(request.user)
    user = request.user
    year = this_year()
    if request.method == "POST":
        if not may_set_targets(user):
            raise PermissionDenied(_t("Target diubah oleh korkab atau admin pusat."))
        form = TargetForm(request.POST, user=user)
        if form.is_valid():
            data = form.cleaned_data
            set_target(data["figure"], data["year"], data["region_code"], data["percent"],
                       acting_user=user)  # fmt: skip
            messages.success(request, _t("Target kinerja disimpan."))
            return redirect("reports:scorecard_targets")
    else:
        form = TargetForm(initial={"year": year, "region_code": user.region_id or ""}, user=user)
    rows = FigureTarget.objects.filter(year__gte=year - 1)
    if user.region_id:
        # The targets that apply in the user's region (its prefixes) or were set under it.
        prefixes = [user.region_id[:n] for n in range(len(user.region_id) + 1)]
        rows = rows.filter(Q(region_code__in=prefixes) | Q(region_code__startswith=user.region_id))
    context = {
        "form": form if may_set_targets(user) else None,
        "rows": rows,
        "defaults": [(label, scorecard.DEFAULT_TARGETS[value]) for value, label in Figure.choices],
        "scope": scope_heading(user),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "reports/scorecard_targets.html", context, status=status)
