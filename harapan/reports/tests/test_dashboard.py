"""The dashboards with drill-down and the region history (issue 18): figures summed from the
summary rows (written here by hand), scoped per role, drill-down links, freshness, downloads."""

import csv
import io
from datetime import date, datetime, timedelta

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from harapan.audit.models import AuditEntry
from harapan.graduation.models import Target
from harapan.lib import months as calendar
from harapan.registry.models import ExitReason, FamilyStatus
from harapan.reports import figures, summary
from harapan.reports.models import DesaMonth, DesaStage, DesaYear, SummaryRun
from harapan.testing import (
    DESA_A,
    DESA_B,
    KEC_A,
    METRO_DESA,
    PersonaTestCase,
    list_total,
    make_family,
    make_region,
    make_user,
)

DESA_A2 = "1806012002"  # a second desa of Kecamatan A (Kota Agung)
THIS_MONTH = calendar.month_start(timezone.localdate())
LAST_MONTH = calendar.add_months(THIS_MONTH, -1)


def sheet_rows(response, name: str) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content))[name]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


class DashboardFixture(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_region(DESA_A2, "Pardasuka")
        # KPM aktif this month: Kuripan 5, Pardasuka 3 (Kota Agung 8), Sinar Semendo 4
        # (Talang Padang; Tanggamus 12), Metro 7 (Lampung 19).
        for code, kpm, owed, verified, compliant, gsm in (
            (DESA_A, 5, 10, 8, 6, 1), (DESA_A2, 3, 4, 4, 4, 0), (DESA_B, 4, 6, 3, 3, 2),
            (METRO_DESA, 7, 9, 9, 9, 0),
        ):  # fmt: skip
            DesaMonth.objects.create(
                region_code=code, month=THIS_MONTH, kpm_aktif=kpm, wajib_verifikasi=owed,
                terverifikasi=verified, patuh=compliant, keluar_sejahtera_mandiri=gsm,
                lansia=1, kks_tidak_di_kpm=1, pengaduan_masuk=2, pengaduan_selesai=2,
                pengaduan_tepat_waktu=1,
            )  # fmt: skip
        DesaMonth.objects.create(region_code=DESA_A, month=LAST_MONTH, kpm_aktif=6)
        year = THIS_MONTH.year
        DesaStage.objects.create(region_code=DESA_A, year=year, stage=1, kpm_ditetapkan=5,
                                 jumlah_ditetapkan=5_000_000, kpm_tersalur=4,
                                 jumlah_tersalur=4_000_000)  # fmt: skip
        DesaStage.objects.create(region_code=DESA_B, year=year, stage=2, kpm_ditetapkan=4,
                                 jumlah_ditetapkan=3_000_000)  # fmt: skip


class FiguresTest(DashboardFixture):
    def test_the_kabupaten_total_is_the_sum_of_its_kecamatan(self):
        board = figures.dashboard("1806", THIS_MONTH)
        kpm = {child.name: child.month["kpm_aktif"] for child in board.children}
        assert kpm == {"Kota Agung": 8, "Talang Padang": 4}
        assert board.total.month["kpm_aktif"] == 12 == sum(kpm.values())
        assert board.total.month["terverifikasi"] == 8 + 4 + 3
        assert board.total.verified_share == 100 * 15 / 20
        assert board.total.money["jumlah_ditetapkan"] == 8_000_000
        assert board.total.money["jumlah_tersalur"] == 4_000_000

    def test_a_kecamatan_has_its_desa_and_a_desa_has_no_children(self):
        board = figures.dashboard(KEC_A, THIS_MONTH)
        assert [(c.name, c.month["kpm_aktif"]) for c in board.children] == [
            ("Kuripan", 5), ("Pardasuka", 3)]  # fmt: skip
        assert figures.dashboard(DESA_A, THIS_MONTH).children == []

    def test_the_whole_country_is_summed_by_province(self):
        board = figures.dashboard("", THIS_MONTH)
        assert [(c.name, c.month["kpm_aktif"]) for c in board.children] == [("LAMPUNG", 19)]
        assert board.total.month["kpm_aktif"] == 19

    def test_the_trend_holds_twelve_months_ending_with_the_month(self):
        trend = figures.trend(DESA_A, THIS_MONTH)
        assert len(trend) == 12 and trend[-1][0] == THIS_MONTH
        assert [row["kpm_aktif"] for _, row in trend[-2:]] == [6, 5]
        assert sum(row["kpm_aktif"] for _, row in trend[:-2]) == 0

    def test_the_gsm_target_counts_the_scopes_pendamping(self):
        # Tanggamus has three pendamping (a, a2, b), Kota Agung two; 10 each without a Target.
        board = figures.dashboard("1806", THIS_MONTH)
        assert board.total.gsm_target == 30 and board.total.gsm == 3
        assert {c.name: c.gsm_target for c in board.children} == {
            "Kota Agung": 20, "Talang Padang": 10}  # fmt: skip
        Target.objects.create(region_code="180602", year=THIS_MONTH.year, per_pendamping=4)
        assert figures.dashboard("1806", THIS_MONTH).total.gsm_target == 24

    def test_freshness_is_the_oldest_refresh_of_the_kabupaten_in_scope(self):
        early = timezone.make_aware(datetime(2026, 11, 30, 2, 0))
        late = early + timedelta(hours=5)
        SummaryRun.objects.create(kabupaten_code="1806", refreshed_at=late,
                                  as_of=date(2026, 11, 30), first_month=date(2020, 1, 1))  # fmt: skip
        SummaryRun.objects.create(kabupaten_code="1872", refreshed_at=early,
                                  as_of=date(2026, 11, 29), first_month=date(2020, 1, 1))  # fmt: skip
        assert figures.freshness("18").refreshed_at == early
        assert figures.freshness("1806").refreshed_at == late
        assert figures.freshness(DESA_A).as_of == date(2026, 11, 30)

    def test_the_figures_are_computed_once_until_the_next_refresh(self):
        assert figures.dashboard("1806", THIS_MONTH).total.month["kpm_aktif"] == 12
        DesaMonth.objects.filter(region_code=DESA_A, month=THIS_MONTH).update(kpm_aktif=6)
        with CaptureQueriesContext(connection) as captured:
            cached = figures.dashboard("1806", THIS_MONTH)
        assert cached.total.month["kpm_aktif"] == 12  # read back, not counted again
        # The latest refresh (which says the cache is still good), and the GSM targets of
        # now: the pendamping and the year's targets.
        assert len(captured) == 3
        SummaryRun.objects.create(kabupaten_code="1806", refreshed_at=timezone.now(),
                                  as_of=THIS_MONTH, first_month=THIS_MONTH)  # fmt: skip
        # Kuripan 6 now, Pardasuka 3, Sinar Semendo 4.
        assert figures.dashboard("1806", THIS_MONTH).total.month["kpm_aktif"] == 13

    def test_the_number_of_queries_does_not_grow_with_the_desa(self):
        def queries() -> int:
            caches["reports"].clear()  # counted, not read from the cache
            with CaptureQueriesContext(connection) as captured:
                figures.dashboard("1806", THIS_MONTH)
            return len(captured)

        before = queries()
        for n in range(3, 30):
            code = f"180601{2000 + n}"
            make_region(code, f"Desa {n}")
            DesaMonth.objects.create(region_code=code, month=THIS_MONTH, kpm_aktif=1)
        assert queries() == before


class DashboardPageTest(DashboardFixture):
    def get(self, user, name="reports:dashboard", **params):
        self.client.force_login(user)
        return self.client.get(reverse(name), params)

    def test_a_korkab_sees_their_kabupaten_by_default_with_named_kecamatan(self):
        response = self.get(self.korkab)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Dasbor: KAB. TANGGAMUS" in html
        assert ">Kota Agung</a>" in html and ">Talang Padang</a>" in html
        assert "Metro" not in html
        assert "lansia" not in html  # a component by its label, never its code

    def test_each_chart_is_an_image_of_its_own_drawn_from_the_same_numbers(self):
        response = self.get(self.korkab, wilayah=KEC_A)
        html = response.content.decode()
        # The page draws nothing itself (small on a phone): its charts are lazy images.
        assert "<svg" not in html
        query = f"wilayah={KEC_A}&amp;tahun={THIS_MONTH.year}&amp;bulan={THIS_MONTH.month}"
        assert f'src="/laporan/dasbor/grafik/0.svg?{query}"' in html
        assert 'loading="lazy"' in html
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        # Chart 0 is the children's KPM aktif: Kuripan 5, Pardasuka 3.
        chart = self.client.get(f"/laporan/dasbor/grafik/0.svg?{query.replace('&amp;', '&')}")
        assert chart["Content-Type"].startswith("image/svg+xml")
        svg = chart.content.decode()
        assert svg.startswith("<svg") and "<script" not in svg
        assert "Kuripan" in svg and "Pardasuka" in svg
        # pygal's inline style is allowed for the image alone.
        assert "style-src 'self' 'unsafe-inline'" in chart["Content-Security-Policy"]
        assert self.client.get(f"/laporan/dasbor/grafik/99.svg?wilayah={KEC_A}").status_code == 404
        # Another kabupaten's chart is refused like its page.
        assert self.client.get("/laporan/dasbor/grafik/0.svg?wilayah=1872").status_code == 404

    def test_each_child_links_to_its_own_dashboard(self):
        html = self.get(self.korkab).content.decode()
        month = f"tahun={THIS_MONTH.year}&amp;bulan={THIS_MONTH.month}"
        assert f'href="/laporan/dasbor/?wilayah={KEC_A}&amp;{month}"' in html
        html = self.get(self.korkab, wilayah=KEC_A).content.decode()
        assert f'href="/laporan/dasbor/?wilayah={DESA_A}&amp;{month}"' in html
        # and back up: the kabupaten in the breadcrumb
        assert f'href="/laporan/dasbor/?wilayah=1806&amp;{month}"' in html

    def test_a_desa_ends_in_its_families_on_the_family_list(self):
        html = self.get(self.korkab, wilayah=DESA_A).content.decode()
        link = "/kpm/?desa=1806012001&amp;status=aktif"
        assert f'href="{link}"' in html
        # Kuripan has two active families (family_a, family_a2) in the persona data.
        assert list_total(self.client.get(link.replace("&amp;", "&"))) == 2

    def test_the_freshness_line_names_the_day_and_the_refresh(self):
        html = self.get(self.korkab).content.decode()
        assert "Ringkasan wilayah ini belum pernah diperbarui" in html
        at = timezone.make_aware(datetime(2026, 11, 30, 2, 5))
        SummaryRun.objects.create(kabupaten_code="1806", refreshed_at=at,
                                  as_of=date(2026, 11, 30), first_month=date(2020, 1, 1))  # fmt: skip
        html = self.get(self.korkab).content.decode()
        assert "Angka per 30 Nov 2026, diperbarui 30 Nov 2026 02.05." in html

    def test_each_role_drills_only_inside_their_region(self):
        assert self.get(self.korkab, wilayah="1872").status_code == 404
        assert self.get(self.korcam_a, wilayah="1806").status_code == 404
        assert self.get(self.korcam_a, wilayah="180602").status_code == 404
        assert self.get(self.korcam_a, wilayah=DESA_A).status_code == 200
        assert self.get(self.operator, wilayah=DESA_B).status_code == 200
        assert self.get(self.korwil, wilayah="1872").status_code == 200
        assert self.get(self.admin_pusat, wilayah="1872").status_code == 200
        assert self.get(self.auditor).status_code == 200
        assert self.get(self.korkab, wilayah="99").status_code == 404  # no such region
        assert self.get(self.korkab, wilayah="bukan").status_code == 404
        assert self.get(self.pendamping_a).status_code == 403
        no_region = make_user("korkab_tanpa_wilayah", "korkab")
        assert self.get(no_region).status_code == 403

    def test_a_korcam_sees_their_kecamatan_by_default(self):
        html = self.get(self.korcam_a).content.decode()
        assert "Dasbor: Kota Agung" in html and ">Kuripan</a>" in html

    def test_the_national_dashboard_names_the_provinces(self):
        html = self.get(self.admin_pusat).content.decode()
        assert "Dasbor: Indonesia" in html and ">LAMPUNG</a>" in html

    def test_a_future_month_is_refused_with_a_message(self):
        later = calendar.add_months(THIS_MONTH, 1)
        response = self.get(self.korkab, tahun=later.year, bulan=later.month)
        assert response.status_code == 400
        assert "Bulan itu belum tiba" in response.content.decode()

    def test_a_past_month_shows_that_months_figures(self):
        response = self.get(self.korkab, wilayah=KEC_A, tahun=LAST_MONTH.year,
                            bulan=LAST_MONTH.month)  # fmt: skip
        board = response.context["board"]
        assert [(c.name, c.month["kpm_aktif"]) for c in board.children] == [
            ("Kuripan", 6), ("Pardasuka", 0)]  # fmt: skip

    def test_the_xlsx_holds_the_children_shown_and_is_audited(self):
        response = self.get(self.korkab, "reports:dashboard_xlsx")
        assert response.status_code == 200
        rows = sheet_rows(response, "wilayah")
        assert rows[0][:3] == ["kode_wilayah", "nama", "kpm_aktif"]
        assert [row[1:3] for row in rows[1:]] == [
            ["Kota Agung", 8], ["Talang Padang", 4], ["Jumlah", 12]]  # fmt: skip
        assert rows[1][0] == "18.06.01"
        trend = sheet_rows(response, "tren")
        assert len(trend) == 13 and trend[-1][1] == 12
        about = dict(row[:2] for row in sheet_rows(response, "keterangan"))
        assert about["wilayah"] == "KAB. TANGGAMUS (18.06)" and about["oleh"] == "korkab"
        entry = AuditEntry.objects.get(action="reports.dashboard.export")
        assert entry.details["wilayah"] == "1806" and entry.details["rows"] == 2

    def test_the_csv_holds_the_same_rows_with_the_filters_applied(self):
        response = self.get(self.korkab, "reports:dashboard_csv", wilayah=KEC_A)
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [row[1:3] for row in rows[1:]] == [
            ["Kuripan", "5"], ["Pardasuka", "3"], ["Jumlah", "8"]]  # fmt: skip

    def test_a_download_outside_the_region_is_refused_and_records_nothing(self):
        assert self.get(self.korkab, "reports:dashboard_xlsx", wilayah="1872").status_code == 404
        assert self.get(self.pendamping_a, "reports:dashboard_csv").status_code == 403
        assert not AuditEntry.objects.filter(action="reports.dashboard.export").exists()


class HistoryTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_region(DESA_A2, "Pardasuka")
        for code, year, entitled in ((DESA_A, 2023, 5), (DESA_A2, 2023, 0), (DESA_B, 2023, 4),
                                     (DESA_A, 2025, 6), (DESA_A2, 2025, 2),
                                     (METRO_DESA, 2025, 9)):  # fmt: skip
            DesaYear.objects.create(region_code=code, year=year, kpm_ditetapkan=entitled,
                                    kpm_dilayani=entitled + 1)  # fmt: skip
        DesaStage.objects.create(region_code=DESA_A, year=2023, stage=1,
                                 jumlah_ditetapkan=7_000_000, jumlah_tersalur=6_000_000)  # fmt: skip
        DesaStage.objects.create(region_code=DESA_B, year=2023, stage=3,
                                 jumlah_ditetapkan=1_000_000, jumlah_tersalur=1_000_000)  # fmt: skip

    def test_each_year_since_the_first_with_what_it_covered(self):
        years = dict(figures.history("1806"))
        assert sorted(years) == [2023, 2024, 2025]
        first = years[2023]
        assert (first.kpm_ditetapkan, first.kpm_dilayani) == (9, 12)
        assert (first.jumlah_ditetapkan, first.jumlah_tersalur) == (8_000_000, 7_000_000)
        # Pardasuka had no entitled family in 2023: two desa, two kecamatan, one kabupaten.
        assert (first.kabupaten, first.kecamatan, first.desa) == (1, 2, 2)
        assert years[2024].kpm_ditetapkan == 0
        assert (years[2025].kabupaten, years[2025].kecamatan, years[2025].desa) == (1, 1, 2)
        province = dict(figures.history("18"))[2025]
        assert (province.kpm_ditetapkan, province.kabupaten, province.desa) == (17, 2, 3)

    def test_the_page_and_its_xlsx_show_the_same_years(self):
        self.client.force_login(self.korwil)
        response = self.client.get(reverse("reports:history"), {"wilayah": "1806"})
        html = response.content.decode()
        assert "Riwayat wilayah: KAB. TANGGAMUS" in html and "Rp 8.000.000" in html
        response = self.client.get(reverse("reports:history_xlsx"), {"wilayah": "1806"})
        rows = sheet_rows(response, "riwayat")
        assert [row[:4] for row in rows[1:]] == [
            [2023, 9, 12, 8_000_000], [2024, 0, 0, 0], [2025, 8, 10, 0]]  # fmt: skip
        assert AuditEntry.objects.filter(action="reports.history.export").count() == 1

    def test_the_history_is_scoped_and_stops_at_the_kabupaten(self):
        self.client.force_login(self.korkab)
        assert self.client.get(reverse("reports:history"), {"wilayah": "18"}).status_code == 404
        assert self.client.get(reverse("reports:history"), {"wilayah": KEC_A}).status_code == 404
        assert self.client.get(reverse("reports:history_csv")).status_code == 200
        self.client.force_login(self.pendamping_a)
        assert self.client.get(reverse("reports:history")).status_code == 403


class RefreshedDashboardTest(PersonaTestCase):
    """The dashboard over summary rows refreshed from real records (reports/summary.py)."""

    def test_kpm_aktif_of_a_desa_is_the_family_lists_total_for_that_desa(self):
        today = timezone.localdate()
        make_family(region_code=DESA_A, status=FamilyStatus.EXITED,
                    exit_reason=ExitReason.SEJAHTERA_MANDIRI,
                    exit_date=today - timedelta(days=1))  # fmt: skip
        make_family(region_code=DESA_A)  # unassigned, active
        summary.refresh("1806")
        self.client.force_login(self.korkab)
        response = self.client.get(reverse("reports:dashboard"), {"wilayah": KEC_A})
        [kuripan] = response.context["board"].children
        # family_a, family_a2 and the unassigned one; the exited family is out.
        assert kuripan.month["kpm_aktif"] == 3
        desa = self.client.get(reverse("reports:dashboard"), {"wilayah": DESA_A})
        families = self.client.get(desa.context["families_url"])
        assert list_total(families) == kuripan.month["kpm_aktif"]
        assert "Angka per " in desa.content.decode()  # the refresh recorded its freshness
