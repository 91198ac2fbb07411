"""The dashboards with drill-down (`/laporan/dasbor/`) and the region history
(`/laporan/riwayat/`), thin over `figures.py`: they read only the summary tables.

Every section is a chart and a table of the same numbers; the children table links each
child region to its own dashboard, and a desa's dashboard to its families on the family
list. The children table (and the trend) and the history download as XLSX and CSV.
"""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from harapan.display import formats
from harapan.exports import audit_export, csv_response, workbook_response
from harapan.lib import months as calendar
from harapan.lib import regioncode
from harapan.registry import eligibility
from harapan.registry.models import FamilyStatus
from harapan.reporting import YearForm, bound_form, percent, this_year

from . import charts, figures
from .scope import root_of, scope_code, trail

MONTH_NAMES = [formats.month(date(2000, n, 1)).split()[0] for n in range(1, 13)]


class DashboardForm(YearForm):
    bulan = forms.TypedChoiceField(
        label=_("Bulan"),
        coerce=int,
        choices=[(n, MONTH_NAMES[n - 1]) for n in range(1, 13)],
        error_messages={"invalid_choice": _("Pilih bulan 1 sampai 12.")},
    )

    def clean(self):
        data = super().clean()
        if "tahun" in data and "bulan" in data:
            data["month"] = date(data["tahun"], data["bulan"], 1)
            if data["month"] > calendar.month_start(timezone.localdate()):
                raise forms.ValidationError(
                    _("Bulan itu belum tiba: dasbor hanya sampai bulan ini.")
                )
        return data


def _form(request: HttpRequest) -> DashboardForm:
    today = timezone.localdate()
    return bound_form(DashboardForm, request, {"tahun": str(today.year), "bulan": str(today.month)})


def _name(code: str, names: dict) -> str:
    return names.get(code) or _t("Indonesia")


def _level_label(length: int | None) -> str:
    if not length:
        return ""
    return regioncode.LEVEL_NAMES[regioncode.LEVEL_BY_LENGTH[length]].capitalize()


@dataclass
class Section:
    title: str
    chart: charts.Chart
    header: list[str]
    rows: list[list[str]]


def _pct(value) -> str:
    return formats.percent(value) if value is not None else "–"


def _sections(board: figures.Dashboard) -> list[Section]:
    total, month = board.total, board.total.month
    n = formats.number
    sections = []
    trend_labels = [formats.month(m) for m, _ in board.trend]
    sections.append(
        Section(
            _t("KPM aktif, 12 bulan terakhir"),
            charts.line(
                _t("KPM aktif"),
                trend_labels,
                [(_t("KPM aktif"), [r["kpm_aktif"] for _, r in board.trend])],
            ),
            [_t("Bulan"), _t("KPM aktif"), _t("Terverifikasi"), _t("Pengaduan masuk")],
            [
                [label, n(r["kpm_aktif"]), n(r["terverifikasi"]), n(r["pengaduan_masuk"])]
                for label, (_, r) in zip(trend_labels, board.trend, strict=True)
            ],
        )
    )
    labels = [str(eligibility.LABELS[c]) for c in figures.COMPONENTS]
    values = [month[c] for c in figures.COMPONENTS]
    sections.append(
        Section(
            _t("Komponen"),
            charts.horizontal_bars(_t("Anggota per komponen"), labels, [(_t("Anggota"), values)]),
            [_t("Komponen"), _t("Anggota")],
            [[label, n(v)] for label, v in zip(labels, values, strict=True)],
        )
    )
    stage_labels = [_t("Tahap %(n)s") % {"n": s} for s, _ in board.stages]
    sections.append(
        Section(
            _t("Dana per tahap %(year)s") % {"year": board.year},
            charts.bars(
                _t("Dana ditetapkan dan tersalur"),
                stage_labels,
                [
                    (_t("Ditetapkan"), [r["jumlah_ditetapkan"] for _, r in board.stages]),
                    (_t("Tersalur"), [r["jumlah_tersalur"] for _, r in board.stages]),
                ],
            ),
            [
                _t("Tahap"),
                _t("KPM ditetapkan"),
                _t("Ditetapkan"),
                _t("KPM tersalur"),
                _t("Tersalur"),
            ],
            [
                [
                    label,
                    n(r["kpm_ditetapkan"]),
                    formats.money(r["jumlah_ditetapkan"]),
                    n(r["kpm_tersalur"]),
                    formats.money(r["jumlah_tersalur"]),
                ]
                for label, (_, r) in zip(stage_labels, board.stages, strict=True)
            ],
        )
    )
    sections.append(
        _counted(
            _t("Verifikasi komitmen"),
            [
                (_t("Wajib verifikasi"), month["wajib_verifikasi"], None),
                (_t("Terverifikasi"), month["terverifikasi"], total.verified_share),
                (_t("Patuh"), month["patuh"], total.compliance_rate),
            ],
        )
    )
    sections.append(
        _counted(
            _t("P2K2"),
            [
                (_t("Pertemuan"), month["pertemuan_p2k2"], None),
                (_t("Daftar hadir"), month["kehadiran_baris"], None),
                (_t("Hadir"), month["kehadiran_hadir"], total.attendance_rate),
            ],
        )
    )
    exits = [(str(figures.EXIT_LABELS[f]), total.year_exits[f], None) for f in figures.EXIT_FIELDS]
    sections.append(
        _counted(
            _t("Graduasi %(year)s sampai %(month)s")
            % {"year": board.year, "month": formats.month(board.month)},
            [
                (_t("Target GSM"), total.gsm_target, None),
                *exits[:1],
                (exits[1][0], exits[1][1], total.gsm_share),
                *exits[2:],
            ],
        )
    )
    sections.append(
        _counted(
            _t("Pengaduan"),
            [
                (_t("Masuk"), month["pengaduan_masuk"], None),
                (_t("Selesai"), month["pengaduan_selesai"], None),
                (_t("Selesai tepat waktu"), month["pengaduan_tepat_waktu"], total.on_time_rate),
            ],
        )
    )
    sections.append(
        _counted(
            _t("Kartu KKS"),
            [
                (_t("KPM aktif"), month["kpm_aktif"], None),
                (
                    _t("KKS tidak di tangan KPM"),
                    month["kks_tidak_di_kpm"],
                    figures.percent(month["kks_tidak_di_kpm"], month["kpm_aktif"]),
                ),
            ],
        )
    )
    sections.append(
        _counted(
            _t("Celah program komplementer"),
            [(str(gap.label), month[name], None) for gap, name in figures.GAPS.items()],
            horizontal=True,
        )
    )
    return sections


def _counted(title: str, lines: list[tuple[str, int, float | None]], horizontal=False) -> Section:
    """A section of a few counts, each with its share where it has one."""
    labels = [label for label, _, _ in lines]
    values = [value for _, value, _ in lines]
    draw = charts.horizontal_bars if horizontal else charts.bars
    rows = [
        [label, formats.number(value), _pct(share) if share is not None else ""]
        for label, value, share in lines
    ]
    return Section(
        title,
        draw(title, labels, [(title, values)]),
        [_t("Angka"), _t("Jumlah"), _t("Persen")],
        rows,
    )


# The children table, on the page and in the downloads ----------------------------------------

CHILD_HEADER = [
    "kode_wilayah",
    "nama",
    "kpm_aktif",
    "wajib_verifikasi",
    "terverifikasi",
    "persen_terverifikasi",
    "persen_patuh",
    "pertemuan_p2k2",
    "persen_hadir",
    "graduasi_sejahtera_mandiri",
    "target_gsm",
    "pengaduan_masuk",
    "persen_tepat_waktu",
    "kks_tidak_di_kpm",
    "dana_ditetapkan",
    "dana_tersalur",
]
TREND_HEADER = ["bulan", "kpm_aktif", "terverifikasi", "wajib_verifikasi", "pengaduan_masuk"]


def _child_line(row: figures.Counts) -> list:
    m = row.month
    return [
        regioncode.dotted(row.code) if row.code else "",
        row.name,
        m["kpm_aktif"],
        m["wajib_verifikasi"],
        m["terverifikasi"],
        percent(row.verified_share),
        percent(row.compliance_rate),
        m["pertemuan_p2k2"],
        percent(row.attendance_rate),
        row.gsm,
        row.gsm_target,
        m["pengaduan_masuk"],
        percent(row.on_time_rate),
        m["kks_tidak_di_kpm"],
        row.money["jumlah_ditetapkan"],
        row.money["jumlah_tersalur"],
    ]


def _board(request: HttpRequest):
    """The scope code, the valid form and the dashboard; the form alone when it is invalid."""
    code = scope_code(request.user, request.GET.get("wilayah", ""))
    form = _form(request)
    if not form.is_valid():
        return code, form, None
    return code, form, figures.dashboard(code, form.cleaned_data["month"])


def _query(code: str, month: date, **extra) -> str:
    return urlencode({"wilayah": code, "tahun": month.year, "bulan": month.month, **extra})


def _freshness_text(fresh: figures.Freshness) -> str:
    if fresh.refreshed_at is None:
        return _t("Ringkasan wilayah ini belum pernah diperbarui: angkanya masih kosong.")
    return _t("Angka per %(day)s, diperbarui %(at)s.") % {
        "day": formats.day(fresh.as_of),
        "at": formats.moment(fresh.refreshed_at),
    }


def _children_chart(board: figures.Dashboard) -> charts.Chart | None:
    if not board.children:
        return None
    return charts.horizontal_bars(
        _t("KPM aktif per wilayah"),
        [c.name for c in board.children],
        [(_t("KPM aktif"), [c.month["kpm_aktif"] for c in board.children])],
    )


def _pictures(children_chart, sections: list[Section]) -> list[charts.Chart]:
    """The page's charts in the order of its `grafik/<n>.svg` URLs."""
    return [chart for chart in [children_chart, *(s.chart for s in sections)] if chart]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    root = root_of(request.user)
    code, form, board = _board(request)
    crumbs = trail(root, code)
    names = dict(crumbs)
    context = {
        "form": form,
        "code": code,
        "name": _name(code, names),
        "crumbs": crumbs,
        "at_root": code == root,
        "root": root,
    }
    if board is None:
        return render(request, "reports/dashboard.html", context, status=400)
    month = board.month
    length = figures.child_length(code)
    for child in board.children:
        child.url = f"{reverse('reports:dashboard')}?{_query(child.code, month)}"
    sections = _sections(board)
    children_chart = _children_chart(board)
    # Each chart is an image of its own URL (charts.py): none is drawn for the page itself.
    query = _query(code, month)
    for number, chart in enumerate(_pictures(children_chart, sections)):
        chart.url = f"{reverse('reports:dashboard_chart', args=[number])}?{query}"
    context.update(
        board=board,
        month=month,
        sections=sections,
        level_label=_level_label(length),
        freshness=_freshness_text(board.freshness),
        query=query,
        crumb_query=urlencode({"tahun": month.year, "bulan": month.month}),
        children_chart=children_chart,
        history_query=urlencode({"wilayah": code})
        if not code or regioncode.level(code) <= regioncode.KABUPATEN
        else "",
        families_url=None
        if length
        else (
            f"{reverse('registry:family_list')}?"
            + urlencode({"desa": code, "status": FamilyStatus.ACTIVE})
        ),
    )
    return render(request, "reports/dashboard.html", context)


@login_required
@charts.serves_svg
def dashboard_chart(request: HttpRequest, number: int) -> HttpResponse:
    """Chart `number` of the dashboard of the same query, as an SVG image."""
    code, form, board = _board(request)
    if board is None:
        raise Http404
    pictures = _pictures(_children_chart(board), _sections(board))
    if number >= len(pictures):
        raise Http404
    return charts.svg_response(pictures[number])


def _download(request: HttpRequest):
    code, form, board = _board(request)
    if board is None:
        return (
            None,
            None,
            render(
                request,
                "reports/dashboard.html",
                {"form": form, "crumbs": [], "name": ""},
                status=400,
            ),
        )
    total = figures.Counts(
        code="",
        name=pgettext("total row", "Jumlah"),
        month=board.total.month,
        year_exits=board.total.year_exits,
        money=board.total.money,
        pendamping=board.total.pendamping,
        gsm_target=board.total.gsm_target,
    )
    lines = [CHILD_HEADER, *[_child_line(row) for row in [*board.children, total]]]
    return code, board, lines


def _about(request, code: str, board: figures.Dashboard) -> list[list]:
    name = _name(code, dict(trail("", code)))
    return [
        ["wilayah", f"{name} ({regioncode.dotted(code)})" if code else name],
        ["bulan", formats.month(board.month)],
        ["diperbarui", _freshness_text(board.freshness)],
    ]


def _audit_export(request: HttpRequest, code: str, board: figures.Dashboard, kind: str) -> None:
    audit_export(request.user, "reports.dashboard.export", wilayah=code,
                 bulan=calendar.month_label(board.month), rows=len(board.children),
                 format=kind)  # fmt: skip


def _file_stem(code: str, month: date) -> str:
    return f"dasbor-{code or 'nasional'}-{calendar.month_label(month)}"


@login_required
def dashboard_xlsx(request: HttpRequest) -> HttpResponse:
    code, board, lines = _download(request)
    if board is None:
        return lines
    trend = [TREND_HEADER] + [
        [
            calendar.month_label(m),
            r["kpm_aktif"],
            r["terverifikasi"],
            r["wajib_verifikasi"],
            r["pengaduan_masuk"],
        ]
        for m, r in board.trend
    ]
    response = workbook_response(
        f"{_file_stem(code, board.month)}.xlsx",
        [("wilayah", lines), ("tren", trend)],
        _about(request, code, board),
        request.user,
    )
    _audit_export(request, code, board, "xlsx")
    return response


@login_required
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    code, board, lines = _download(request)
    if board is None:
        return lines
    response, writer = csv_response(f"{_file_stem(code, board.month)}.csv")
    writer.writerows(lines)
    _audit_export(request, code, board, "csv")
    return response


# The history of a province or kabupaten --------------------------------------------------------

HISTORY_HEADER = [
    "tahun",
    "kpm_ditetapkan",
    "kpm_dilayani",
    "dana_ditetapkan",
    "dana_tersalur",
    "persen_tersalur",
    "kabupaten_kota",
    "kecamatan",
    "desa_kelurahan",
]


def _history(request: HttpRequest):
    code = scope_code(request.user, request.GET.get("wilayah", ""), deepest=regioncode.KABUPATEN)
    return code, figures.history(code)


def _history_line(year: int, row: figures.HistoryYear) -> list:
    return [
        year,
        row.kpm_ditetapkan,
        row.kpm_dilayani,
        row.jumlah_ditetapkan,
        row.jumlah_tersalur,
        percent(row.disbursed_share),
        row.kabupaten,
        row.kecamatan,
        row.desa,
    ]


@login_required
@charts.allows_charts
def history(request: HttpRequest) -> HttpResponse:
    root = root_of(request.user)
    code, years = _history(request)
    crumbs = trail(root, code)
    labels = [str(year) for year, _ in years]
    context = {
        "code": code,
        "name": _name(code, dict(crumbs)),
        "years": years,
        "query": urlencode({"wilayah": code}),
        "this_year": this_year(),
    }
    if years:
        context["kpm_chart"] = charts.line(
            _t("KPM ditetapkan per tahun"),
            labels,
            [(_t("KPM ditetapkan"), [r.kpm_ditetapkan for _, r in years])],
        )
        context["money_chart"] = charts.bars(
            _t("Dana ditetapkan dan tersalur per tahun"),
            labels,
            [
                (_t("Ditetapkan"), [r.jumlah_ditetapkan for _, r in years]),
                (_t("Tersalur"), [r.jumlah_tersalur for _, r in years]),
            ],
        )
    return render(request, "reports/history.html", context)


def _history_about(code: str) -> list[list]:
    name = _name(code, dict(trail("", code)))
    return [["wilayah", f"{name} ({regioncode.dotted(code)})" if code else name]]


@login_required
def history_xlsx(request: HttpRequest) -> HttpResponse:
    code, years = _history(request)
    lines = [HISTORY_HEADER, *[_history_line(year, row) for year, row in years]]
    response = workbook_response(
        f"riwayat-{code or 'nasional'}.xlsx",
        [("riwayat", lines)],
        _history_about(code),
        request.user,
    )
    audit_export(
        request.user, "reports.history.export", wilayah=code, rows=len(years), format="xlsx"
    )
    return response


@login_required
def history_csv(request: HttpRequest) -> HttpResponse:
    code, years = _history(request)
    response, writer = csv_response(f"riwayat-{code or 'nasional'}.csv")
    writer.writerows([HISTORY_HEADER, *[_history_line(year, row) for year, row in years]])
    audit_export(
        request.user, "reports.history.export", wilayah=code, rows=len(years), format="csv"
    )
    return response
