"""Complaint statistics, every expected figure counted by hand from the fixture below.

The 2026 calendar (holidays.Indonesia): Mon 17 Aug Kemerdekaan and Tue 25 Aug Maulid Nabi
are off; September 2026 has no national holiday. Steps: triage 3, first response 5,
resolution 10 working days (DESIGN §8 defaults). Days are counted after the day of receipt
up to the day of resolution.

Kabupaten Tanggamus, all received in 2026 through the korkab:

- C1 pembayaran, datang, Kuripan (Kec A), handled by pendamping_a: received Mon 3 Aug,
  triaged Wed 5 (due Thu 6), responded Mon 10 (due Wed 12), resolved Wed 26 Aug 16:00:
  due the 10th working day after Mon 10 = Tue 11, Wed 12, Thu 13, Fri 14, Tue 18, Wed 19,
  Thu 20, Fri 21, Mon 24, Wed 26 (Tue 25 off) → ON TIME, on its last day.
  Days: Tue 4–Fri 7 (4), Mon 10–Fri 14 (5), Tue 18–Fri 21 (4), Mon 24, Wed 26 = 15.
- C2 pembayaran, telepon, Sinar Semendo (Kec B), pendamping_b: received Tue 4 Aug,
  triaged Thu 6 (due Fri 7), responded Fri 7 (due Fri 14), resolved Mon 31 Aug: due Mon 24
  (Mon 10 … Fri 14 = 5, Tue 18 … Fri 21 = 9, Mon 24 = 10) → LATE.
  Days: Wed 5–Fri 7 (3), Mon 10–Fri 14 (5), Tue 18–Fri 21 (4), Mon 24, Wed 26–Fri 28 (3),
  Mon 31 = 17.
- C3 kks, datang, Kuripan, pendamping_a: received Wed 19 Aug, withdrawn (dicabut) Thu 20
  before triage: its triage was due Mon 24 → ON TIME. Days: Thu 20 = 1.
- C4 kks, telepon, Sinar Semendo, pendamping_b: received Tue 1 Sep, triaged Wed 2: OPEN.
- C5 pembayaran, datang, Kuripan, pendamping_a: received Fri 4 Sep 15:00, triaged Thu 10
  (due Wed 9: Mon 7, Tue 8, Wed 9) → LATE although responded Fri 11 and resolved Mon 14.
  Days: Mon 7–Fri 11 (5), Mon 14 = 6.
- C6 perilaku_pendamping about pendamping_a, lapor, Kuripan, linked to pendamping_a's own
  family: received Mon 10 Aug, OPEN (held by korcam_a).

Resolved days: C1 15, C2 17, C3 1, C5 6; median of all four (1, 6, 15, 17) = 10,5.
"""

from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

from django.urls import reverse
from openpyxl import load_workbook

from harapan.accounts.roles import Role
from harapan.audit.models import AuditEntry
from harapan.testing import DESA_A, DESA_B, make_user
from harapan.workdays.calendar import Calendar

from ..actions import submit_complaint
from ..models import Complaint, Decision, Status
from ..sla import resolved_on_time
from ..statistics import complaint_statistics
from .base import ComplaintTestCase

WIB = ZoneInfo("Asia/Jakarta")
YEAR = 2026


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def figures(row) -> tuple:
    """received, resolved, within-SLA share rounded to one decimal, median days."""
    share = None if row.on_time_share is None else round(row.on_time_share, 1)
    return row.received, row.resolved, share, row.median_days


def by_key(rows) -> dict:
    return {row.key: figures(row) for row in rows}


class StatisticsFixture(ComplaintTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        resolved = {
            "status": Status.RESOLVED,
            "decision": Decision.UPHELD,
            "resolution": "Selesai.",
        }
        cls.c1 = cls.filed("pembayaran", "datang", DESA_A, wib(2026, 8, 3, 9, 0), cls.pendamping_a,
                           triaged_at=wib(2026, 8, 5, 10, 0), responded_at=wib(2026, 8, 10, 10, 0),
                           resolved_at=wib(2026, 8, 26, 16, 0), **resolved)  # fmt: skip
        cls.c2 = cls.filed("pembayaran", "telepon", DESA_B, wib(2026, 8, 4, 10, 0), cls.pendamping_b,
                           triaged_at=wib(2026, 8, 6, 10, 0), responded_at=wib(2026, 8, 7, 10, 0),
                           resolved_at=wib(2026, 8, 31, 9, 0), **resolved)  # fmt: skip
        cls.c3 = cls.filed("kks", "datang", DESA_A, wib(2026, 8, 19, 11, 0), cls.pendamping_a,
                           resolved_at=wib(2026, 8, 20, 9, 0), status=Status.RESOLVED,
                           decision=Decision.WITHDRAWN, resolution="Dicabut pengadu.")  # fmt: skip
        cls.c4 = cls.filed("kks", "telepon", DESA_B, wib(2026, 9, 1, 9, 0), cls.pendamping_b,
                           triaged_at=wib(2026, 9, 2, 9, 0), status=Status.TRIAGED)  # fmt: skip
        cls.c5 = cls.filed("pembayaran", "datang", DESA_A, wib(2026, 9, 4, 15, 0), cls.pendamping_a,
                           triaged_at=wib(2026, 9, 10, 9, 0), responded_at=wib(2026, 9, 11, 9, 0),
                           resolved_at=wib(2026, 9, 14, 9, 0), **resolved)  # fmt: skip
        cls.c6 = cls.filed("perilaku_pendamping", "lapor", DESA_A, wib(2026, 8, 10, 8, 0),
                           cls.korcam_a, family=cls.family_a, accused=cls.pendamping_a)  # fmt: skip
        cls.korkab_metro = make_user("korkab_metro", Role.KORKAB, "1872")

    @classmethod
    def filed(cls, kategori, saluran, desa, received, handler, *, family=None, accused=None,
              **moments) -> Complaint:  # fmt: skip
        """A complaint recorded by the korkab, then moved to the fixture's moments."""
        complaint, _pin = submit_complaint(
            kategori=kategori, saluran=saluran, uraian="Uraian uji.", region_code=desa,
            family=family, accused=accused, received_at=received, acting_user=cls.korkab,
        )  # fmt: skip
        Complaint.objects.filter(pk=complaint.pk).update(handler=handler, **moments)
        return complaint


class StatisticsTest(StatisticsFixture):
    def test_the_korkab_sees_received_resolved_share_and_median_per_category(self):
        stats = complaint_statistics(self.korkab, YEAR)
        rows = by_key(stats.by_category)
        # pembayaran: C1, C2, C5 all resolved, C1 on time; days 15, 17, 6.
        assert rows["pembayaran"] == (3, 3, 33.3, 15)
        # kks: C3 (withdrawn on time, 1 day) and C4 open.
        assert rows["kks"] == (2, 1, 100.0, 1)
        assert rows["perilaku_pendamping"] == (1, 0, None, None)
        assert rows["kepesertaan"] == (0, 0, None, None)
        assert [row.label for row in stats.by_category][:2] == [
            "Kepesertaan (inklusi/eksklusi)", "Pembayaran/penyaluran"]  # fmt: skip

    def test_per_channel(self):
        rows = by_key(complaint_statistics(self.korkab, YEAR).by_channel)
        assert rows["datang"] == (3, 3, 66.7, 6)  # C1, C3 on time, C5 late; 15, 1, 6
        assert rows["telepon"] == (2, 1, 0.0, 17)  # C2 late, C4 open
        assert rows["lapor"] == (1, 0, None, None)  # C6
        assert rows["web"] == (0, 0, None, None)

    def test_per_kecamatan_of_the_korkab_named_by_name(self):
        stats = complaint_statistics(self.korkab, YEAR)
        assert stats.region_label == "Kecamatan"
        assert [(row.key, row.label) for row in stats.by_region] == [
            ("180601", "Kota Agung"), ("180602", "Talang Padang")]  # fmt: skip
        rows = by_key(stats.by_region)
        assert rows["180601"] == (4, 3, 66.7, 6)  # C1, C3, C5, C6
        assert rows["180602"] == (2, 1, 0.0, 17)  # C2, C4

    def test_per_month_of_receipt(self):
        rows = by_key(complaint_statistics(self.korkab, YEAR).by_month)
        assert rows["2026-08"] == (4, 3, 66.7, 15)  # C1, C2, C3, C6; days 15, 17, 1
        assert rows["2026-09"] == (2, 1, 0.0, 6)  # C4, C5
        assert rows["2026-01"] == (0, 0, None, None)

    def test_the_total_has_an_even_median(self):
        assert figures(complaint_statistics(self.korkab, YEAR).total) == (6, 4, 50.0, 10.5)

    def test_another_year_counts_none_of_them(self):
        assert figures(complaint_statistics(self.korkab, 2025).total) == (0, 0, None, None)

    def test_a_korcam_sees_the_desa_of_their_kecamatan(self):
        stats = complaint_statistics(self.korcam_a, YEAR)
        assert stats.region_label == "Desa/kelurahan"
        assert [(row.key, row.label) for row in stats.by_region] == [("1806012001", "Kuripan")]
        assert by_key(stats.by_region)["1806012001"] == (4, 3, 66.7, 6)  # C6 included

    def test_the_korwil_sees_kabupaten_rows(self):
        stats = complaint_statistics(self.korwil, YEAR)
        rows = by_key(stats.by_region)
        assert [row.label for row in stats.by_region] == ["KAB. TANGGAMUS", "KOTA METRO"]
        assert rows["1806"] == (6, 4, 50.0, 10.5)
        assert rows["1872"] == (0, 0, None, None)

    def test_the_accused_pendamping_never_counts_the_conduct_complaint_about_them(self):
        stats = complaint_statistics(self.pendamping_a, YEAR)
        # C1, C3, C5 (handled by them); not C6, although it names their own family.
        assert figures(stats.total) == (3, 3, 66.7, 6)
        assert by_key(stats.by_category)["perilaku_pendamping"] == (0, 0, None, None)
        assert by_key(stats.by_channel)["lapor"] == (0, 0, None, None)
        assert by_key(stats.by_month)["2026-08"] == (2, 2, 100.0, 8)  # C1 15, C3 1

    def test_an_out_of_region_coordinator_sees_none_of_them(self):
        stats = complaint_statistics(self.korkab_metro, YEAR)
        assert figures(stats.total) == (0, 0, None, None)
        assert all(row.received == 0 for table in stats.tables() for row in table[2])

    def test_one_query_for_the_complaints_one_for_the_regions_one_for_the_calendar(self):
        with self.assertNumQueries(3):
            complaint_statistics(self.korkab, YEAR)


class WithinSlaTest(StatisticsFixture):
    def test_a_reopened_complaint_counts_its_last_resolution_from_the_reopening(self):
        # C2 was late; reopened Mon 7 Sep and resolved Fri 18 Sep, within the 10 working
        # days of the reopening (due Mon 21 Sep): its steps before the first resolution
        # (triage, first response) were on time, so it is on time now.
        Complaint.objects.filter(pk=self.c2.pk).update(
            reopened=True, reopened_at=wib(2026, 9, 7, 9, 0), resolved_at=wib(2026, 9, 18, 9, 0)
        )
        self.c2.refresh_from_db()
        assert resolved_on_time(self.c2, Calendar.for_years([YEAR]))
        # Resolved Tue 22 Sep instead: one working day past Mon 21.
        self.c2.resolved_at = wib(2026, 9, 22, 9, 0)
        assert not resolved_on_time(self.c2, Calendar.for_years([YEAR]))

    def test_an_early_closing_must_come_by_the_deadline_of_its_step(self):
        # C3 withdrawn before triage on Tue 25 Aug instead: its triage was due Mon 24.
        self.c3.resolved_at = wib(2026, 8, 25, 9, 0)
        assert not resolved_on_time(self.c3, Calendar.for_years([YEAR]))

    def test_an_open_complaint_is_not_resolved_on_time(self):
        assert not resolved_on_time(self.c4, Calendar.for_years([YEAR]))


class StatisticsPageTest(StatisticsFixture):
    def test_the_page_shows_labels_and_formatted_figures(self):
        self.client.force_login(self.korkab)
        response = self.client.get(reverse("complaints:statistics"), {"tahun": YEAR})
        assert response.status_code == 200
        page = response.content.decode()
        for text in ("Pembayaran/penyaluran", "Datang langsung", "Kota Agung", "Agustus 2026",
                     "33,3%", "10,5", "66,7%", "Selesai tepat waktu: setiap langkah"):  # fmt: skip
            assert text in page, text
        assert page.count('<div class="table-wrap">') == 4  # each table scrolls at 360 px
        assert "perilaku_pendamping" not in page.replace('data-key="perilaku_pendamping"', "")

    def test_the_year_defaults_to_this_year_and_a_bad_year_is_refused(self):
        self.client.force_login(self.korkab)
        response = self.client.get(reverse("complaints:statistics"))
        assert response.context["figures"].year == datetime.now(WIB).year
        response = self.client.get(reverse("complaints:statistics"), {"tahun": "1990"})
        assert response.status_code == 400
        assert "Tahun harus antara 2007" in response.content.decode()

    def test_the_accused_pendamping_page_has_no_trace_of_the_conduct_complaint(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(reverse("complaints:statistics"), {"tahun": YEAR})
        assert figures(response.context["figures"].total) == (3, 3, 66.7, 6)


class StatisticsWorkbookTest(StatisticsFixture):
    def workbook(self, user):
        self.client.force_login(user)
        response = self.client.get(reverse("complaints:statistics_xlsx"), {"tahun": YEAR})
        assert response.status_code == 200
        return load_workbook(BytesIO(response.content))

    def test_one_sheet_per_breakdown_with_indonesian_headers_and_hand_counted_cells(self):
        book = self.workbook(self.korkab)
        assert book.sheetnames == ["kategori", "saluran", "wilayah", "bulan", "keterangan"]
        sheet = book["kategori"]
        assert [c.value for c in sheet[1]] == ["kategori", "diterima", "selesai",
            "selesai_tepat_waktu", "persen_tepat_waktu", "median_hari_kerja"]  # fmt: skip
        assert [c.value for c in sheet[3]] == ["Pembayaran/penyaluran", 3, 3, 1, 33.3, 15]
        assert [c.value for c in sheet[sheet.max_row]] == ["Jumlah", 6, 4, 2, 50, 10.5]
        region = book["wilayah"]
        assert [c.value for c in region[1]][:2] == ["kode_wilayah", "kecamatan"]
        assert [c.value for c in region[2]] == ["18.06.01", "Kota Agung", 4, 3, 2, 66.7, 6]
        months = {row[0]: row[1:] for row in book["bulan"].iter_rows(min_row=2, values_only=True)}
        assert months["Agustus 2026"] == (4, 3, 2, 66.7, 15)
        assert months["September 2026"] == (2, 1, 0, 0, 6)
        channel = {
            row[0]: row[1:] for row in book["saluran"].iter_rows(min_row=2, values_only=True)
        }
        assert channel["Rujukan SP4N-LAPOR!"] == (1, 0, 0, None, None)
        about = dict(book["keterangan"].iter_rows(values_only=True))
        assert about["tahun"] == YEAR
        assert about["oleh"] == "korkab"

    def test_the_export_is_audited(self):
        self.workbook(self.korkab)
        entry = AuditEntry.objects.get(action="complaints.statistics.export")
        assert entry.actor == self.korkab
        assert entry.region_code == "1806"
        assert entry.details == {"tahun": YEAR, "rows": 6}

    def test_the_accused_pendamping_workbook_leaves_the_conduct_complaint_out(self):
        book = self.workbook(self.pendamping_a)
        sheet = book["kategori"]
        assert [c.value for c in sheet[sheet.max_row]] == ["Jumlah", 3, 3, 2, 66.7, 6]
