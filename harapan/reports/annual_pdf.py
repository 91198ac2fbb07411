"""The annual report as a PDF (DESIGN §12): an HTML template with print CSS, made by WeasyPrint.

The figures are `annual.annual_figures`; the charts are drawn by `charts.py`, the code path
of the pages, and shown as their SVG images. Everything is formatted with the shared
Indonesian formats (display/formats.py), the template's filters.
"""

from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from harapan.audit import trail
from harapan.display.formats import number
from harapan.registry.eligibility import LABELS

from . import charts
from .annual import (
    COMPONENTS,
    AnnualFigures,
    annual_figures,
    refresh_if_stale,
    scorecard_table,
)

MILLION = 1_000_000


def _short_month(day) -> str:
    return date_format(day, "M")


def _charts(figures: AnnualFigures) -> dict[str, charts.Chart]:
    months = [_short_month(m.month) for m in figures.months]
    found = {}
    if figures.months:
        found["kpm"] = charts.line(
            _("KPM aktif per bulan"),
            months,
            [(_("KPM aktif"), [m.kpm_aktif for m in figures.months])],
            value_formatter=number,
        )
        found["verification"] = charts.bars(
            _("Verifikasi komitmen per bulan"),
            months,
            [
                (_("Wajib verifikasi"), [m.wajib_verifikasi for m in figures.months]),
                (_("Terverifikasi"), [m.terverifikasi for m in figures.months]),
            ],
            value_formatter=number,
        )
    found["money"] = charts.bars(
        _("Bantuan per tahap (juta rupiah)"),
        [_("Tahap %(n)s") % {"n": s.number} for s in figures.stages],
        [
            (_("Ditetapkan"), [round(s.jumlah_ditetapkan / MILLION, 1) for s in figures.stages]),
            (_("Tersalur"), [round(s.jumlah_tersalur / MILLION, 1) for s in figures.stages]),
        ],
        value_formatter=lambda v: number(v, 1),
    )
    found["components"] = charts.horizontal_bars(
        _("Anggota penerima per komponen, akhir tahun"),
        [str(LABELS[c]) for c in COMPONENTS],
        [(_("Anggota"), [figures.at_year_end[c] for c in COMPONENTS])],
        value_formatter=number,
    )
    found["graduation"] = charts.bars(
        _("Graduasi sepanjang tahun"),
        [_("Sejahtera mandiri"), _("Alamiah"), _("Keluar lainnya")],
        [
            (
                _("Keluar"),
                [figures.keluar_sejahtera_mandiri, figures.keluar_alamiah, figures.keluar_lain],
            ),  # fmt: skip
            (_("Target GSM"), [figures.target_gsm, None, None]),
        ],
        value_formatter=number,
    )
    return found


def report_html(
    figures: AnnualFigures, *, made_by: str, scorecard=None, made_at: datetime | None = None
) -> str:
    """The report's HTML, in Bahasa Indonesia whatever the caller's language."""
    with override("id"):
        context = {
            "f": figures,
            "charts": _charts(figures),
            "components": [(str(LABELS[c]), figures.at_year_end[c]) for c in COMPONENTS],
            "made_by": made_by,
            "made_at": made_at or timezone.now(),
            "scorecard": scorecard,
        }
        return render_to_string("reports/annual/report.html", context)


def report_pdf(figures: AnnualFigures, **kwargs) -> bytes:
    from weasyprint import CSS, HTML  # heavy: loaded only when a report is made

    # The print CSS is a stylesheet of its own, not a <style> in the page: no template of
    # the app carries inline style (the CSP test checks them all).
    style = CSS(string=render_to_string("reports/annual/report.css"))
    return HTML(string=report_html(figures, **kwargs)).write_pdf(stylesheets=[style])


def make_report(
    code: str, year: int, *, actor=None, made_by: str, progress=None, today=None
) -> tuple[AnnualFigures, bytes]:
    """The figures and the PDF of region `code`'s `year`, with the pendamping scorecard, from
    the summary refreshed first when stale; the audit row says who made it. `progress(text)`
    hears each step."""
    say = progress or (lambda text: None)
    refresh_if_stale(code, year, today=today, progress=say)
    say(_("Membaca ringkasan per desa"))
    figures = annual_figures(code, year)
    say(_("Menyusun tabel kinerja pendamping"))
    table = scorecard_table(figures.region_code, year, today=today)
    say(_("Menulis PDF"))
    pdf = report_pdf(figures, made_by=made_by, scorecard=table)
    details = {"tahun": year, "wilayah": figures.region_code, "bytes": len(pdf)}
    trail.record(actor, "reports.annual_report", details=details, region_code=figures.region_code)
    return figures, pdf
