"""The annual report's figures from summary rows made by hand (annual.py)."""

from datetime import date, datetime
from io import BytesIO

from django.test import TestCase
from django.utils import timezone
from pypdf import PdfReader

from harapan.accounts.roles import Role
from harapan.graduation.models import Target
from harapan.reports.annual import annual_figures, refresh_if_stale
from harapan.reports.annual_pdf import report_pdf
from harapan.reports.models import DesaMonth, DesaStage, DesaYear, SummaryRun
from harapan.testing import make_region, make_user

DESA_1, DESA_2, DESA_OTHER = "1872011001", "1872022001", "1806012001"


def month_row(desa: str, month: date, **counts) -> DesaMonth:
    return DesaMonth.objects.create(region_code=desa, month=month, **counts)


class AnnualFiguresTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        for desa in (DESA_1, DESA_2, DESA_OTHER):
            make_region(desa)
        # Two desa of Kota Metro over two months, and a desa of Tanggamus left out.
        month_row(DESA_1, date(2026, 1, 1), kpm_aktif=10, wajib_verifikasi=20, terverifikasi=18,
                  patuh=15, keluar_sejahtera_mandiri=1, pertemuan_p2k2=2, kehadiran_baris=20,
                  kehadiran_hadir=17, sd=4)  # fmt: skip
        month_row(DESA_1, date(2026, 2, 1), kpm_aktif=9, wajib_verifikasi=19, terverifikasi=19,
                  patuh=19, keluar_alamiah=1, sd=3, kks_tidak_di_kpm=2)  # fmt: skip
        month_row(DESA_2, date(2026, 2, 1), kpm_aktif=5, wajib_verifikasi=6, terverifikasi=3,
                  patuh=3, keluar_sejahtera_mandiri=2, pengaduan_masuk=4, pengaduan_selesai=3,
                  pengaduan_tepat_waktu=2, sd=1)  # fmt: skip
        month_row(DESA_2, date(2025, 12, 1), kpm_aktif=99, wajib_verifikasi=99)  # another year
        month_row(DESA_OTHER, date(2026, 2, 1), kpm_aktif=50, wajib_verifikasi=50)
        DesaYear.objects.create(region_code=DESA_1, year=2026, kpm_dilayani=11, kpm_ditetapkan=10)
        DesaYear.objects.create(region_code=DESA_2, year=2026, kpm_dilayani=6, kpm_ditetapkan=5)
        DesaYear.objects.create(region_code=DESA_OTHER, year=2026, kpm_dilayani=70)
        DesaStage.objects.create(region_code=DESA_1, year=2026, stage=1, kpm_ditetapkan=10,
                                 jumlah_ditetapkan=7_500_000, kpm_tersalur=9,
                                 jumlah_tersalur=7_000_000)  # fmt: skip
        DesaStage.objects.create(region_code=DESA_2, year=2026, stage=1, kpm_ditetapkan=5,
                                 jumlah_ditetapkan=2_500_000)  # fmt: skip
        DesaStage.objects.create(region_code=DESA_2, year=2026, stage=2, kpm_ditetapkan=5,
                                 jumlah_ditetapkan=2_400_000)  # fmt: skip
        SummaryRun.objects.create(
            kabupaten_code="1872", as_of=date(2026, 2, 20), first_month=date(2025, 12, 1),
            refreshed_at=timezone.make_aware(datetime(2026, 2, 20, 6, 30)),
        )  # fmt: skip
        # Two pendamping of Metro: one under the kabupaten's own target (4), one under the
        # default (10); a pendamping of Tanggamus is not Metro's.
        Target.objects.create(year=2026, region_code="1872", per_pendamping=4)
        make_user("p1", Role.PENDAMPING, "187201")
        make_user("p2", Role.PENDAMPING, "187202")
        Target.objects.create(year=2026, region_code="187202", per_pendamping=6)
        make_user("p3", Role.PENDAMPING, "180601")

    def test_it_sums_the_desa_of_the_region_over_the_year(self):
        f = annual_figures("18.72", 2026)
        assert (f.region_code, f.region_name) == ("1872", "KOTA METRO")
        assert f.kpm_dilayani == 11 + 6
        assert f.kpm_ditetapkan == 10 + 5
        assert f.last_month == date(2026, 2, 1)
        assert f.kpm_aktif == 9 + 5  # February, not January's 10 added
        assert f.sd == 3 + 1
        assert f.kks_tidak_di_kpm == 2
        assert (f.wajib_verifikasi, f.terverifikasi, f.patuh) == (
            20 + 19 + 6,
            18 + 19 + 3,
            15 + 19 + 3,
        )
        assert round(f.share_verified, 2) == round(100 * 40 / 45, 2)
        assert f.keluar_sejahtera_mandiri == 3 and f.keluar_alamiah == 1
        assert (f.pengaduan_masuk, f.pengaduan_selesai, f.pengaduan_tepat_waktu) == (4, 3, 2)
        assert [(s.number, s.jumlah_ditetapkan, s.jumlah_tersalur) for s in f.stages] == [
            (1, 10_000_000, 7_000_000), (2, 2_400_000, 0), (3, 0, 0), (4, 0, 0),
        ]  # fmt: skip
        assert f.jumlah_ditetapkan == 12_400_000 and f.jumlah_tersalur == 7_000_000
        assert (f.pendamping, f.target_gsm) == (2, 4 + 6)
        assert [(a.code, a.kpm_dilayani, a.kpm_akhir) for a in f.areas] == [
            ("187201", 11, 9), ("187202", 6, 5),
        ]  # fmt: skip
        assert f.freshness.complete and f.freshness.as_of == date(2026, 2, 20)

    def test_a_province_counts_its_kabupaten_without_a_summary_as_not_fresh(self):
        f = annual_figures("18", 2026)
        assert f.kpm_dilayani == 11 + 6 + 70
        assert (f.freshness.expected, f.freshness.kabupaten) == (2, 1)
        assert not f.freshness.complete

    def test_the_pdf_shows_the_figures_in_indonesian_formats(self):
        pdf = report_pdf(annual_figures("1872", 2026), made_by="Yusuf Effendi")
        text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(pdf)).pages)
        assert "Laporan Tahunan Kinerja Program Keluarga Harapan" in text
        assert "KOTA METRO" in text and "18.72" in text
        assert "Rp 12.400.000" in text and "Rp 7.000.000" in text
        assert "88,9%" in text  # 40 of 45 verified
        assert "Yusuf Effendi" in text


class RefreshIfStaleTest(TestCase):
    """The report refreshes a kabupaten's summary only when it is missing or stale."""

    TODAY = date(2026, 12, 2)

    @classmethod
    def setUpTestData(cls):
        make_region(DESA_1)
        make_region(DESA_OTHER)

    def summary_of(self, kabupaten: str, *, as_of: date, first_month: date) -> None:
        SummaryRun.objects.create(
            kabupaten_code=kabupaten, as_of=as_of, first_month=first_month,
            refreshed_at=timezone.make_aware(datetime.combine(as_of, datetime.min.time())),
        )  # fmt: skip

    def test_a_summary_of_today_from_january_is_kept(self):
        self.summary_of("1872", as_of=self.TODAY, first_month=date(2025, 1, 1))
        assert refresh_if_stale("187201", 2026, today=self.TODAY) == []

    def test_a_past_year_summarised_after_its_end_is_kept(self):
        self.summary_of("1872", as_of=date(2026, 1, 5), first_month=date(2025, 1, 1))
        assert refresh_if_stale("1872", 2025, today=self.TODAY) == []

    def test_a_missing_an_old_or_a_short_summary_is_refreshed(self):
        self.summary_of("1872", as_of=date(2026, 12, 1), first_month=date(2025, 1, 1))
        self.summary_of("1806", as_of=self.TODAY, first_month=date(2025, 1, 1))
        heard = []
        assert refresh_if_stale("18", 2026, today=self.TODAY, progress=heard.append) == ["1872"]
        assert heard == ["Memperbarui ringkasan 18.72"]
        assert SummaryRun.objects.get(kabupaten_code="1872").as_of == self.TODAY
        # 2024 is before the summary's first month: the months of 2024 are counted too.
        assert refresh_if_stale("1806", 2024, today=self.TODAY) == ["1806"]
        assert SummaryRun.objects.get(kabupaten_code="1806").first_month == date(2024, 1, 1)
        SummaryRun.objects.filter(kabupaten_code="1806").delete()
        assert refresh_if_stale("180601", 2026, today=self.TODAY) == ["1806"]
