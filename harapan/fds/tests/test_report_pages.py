"""The P2K2 report pages: meetings per pendamping, module coverage, their XLSX files."""

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from harapan.accounts.roles import Role
from harapan.audit.models import AuditEntry
from harapan.compliance import calendar
from harapan.testing import DESA_A, DESA_B, KEC_A, KEC_B, make_family, make_user, sign_in

from .test_reports import ReportFixture

MARCH = {"bulan": "2025-03"}
URL_NAMES = ["report_meetings", "report_meetings_xlsx", "report_coverage", "report_coverage_xlsx"]


def url(name: str) -> str:
    return reverse(f"fds:{name}")


def sheet_rows(response, name: str) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content))[name]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


class AccessTest(ReportFixture):
    def test_every_page_needs_a_login(self):
        for name in URL_NAMES:
            response = self.client.get(url(name))
            assert response.status_code == 302, name
            assert response["Location"].startswith(reverse("login"))

    def test_a_user_with_no_role_is_refused(self):
        self.client.force_login(make_user("tamu"))
        for name in URL_NAMES:
            assert self.client.get(url(name)).status_code == 403, name


class MeetingsPageTest(ReportFixture):
    def get(self, user, **params):
        self.client.force_login(user)
        return self.client.get(url("report_meetings"), params)

    def labels(self, response) -> list[str]:
        return [row.label for row in response.context["rows"]]

    def test_it_defaults_to_this_month(self):
        response = self.get(self.korkab)
        assert response.status_code == 200
        this_month = calendar.month_label(calendar.month_start(timezone.localdate()))
        assert response.context["month_text"] == this_month
        self.assertContains(response, "Tidak ada pertemuan yang direncanakan pada bulan ini.")

    def test_a_korkab_sees_every_pendamping_with_totals_and_tiles(self):
        response = self.get(self.korkab, **MARCH)
        assert self.labels(response) == ["Pendamping A", "Pendamping B"]
        # 2 of 4 planned meetings held; 6 present of 7 marked.
        self.assertContains(response, "50,0%")
        self.assertContains(response, "2 dari 4 direncanakan")
        self.assertContains(response, "85,7%")
        self.assertContains(response, "Jumlah")
        self.assertContains(response, '<div class="table-wrap">')

    def test_a_pendamping_sees_only_their_own_groups(self):
        response = self.get(self.pendamping_a, **MARCH)
        assert self.labels(response) == ["Pendamping A"]
        self.assertContains(response, "33,3%")  # 1 of 3 held
        self.assertContains(response, "80,0%")  # 4 of 5 present
        self.assertNotContains(response, "Pendamping B")
        assert self.labels(self.get(self.pendamping_b, **MARCH)) == ["Pendamping B"]

    def test_a_korcam_sees_only_their_kecamatan(self):
        response = self.get(self.korcam_a, **MARCH)
        assert self.labels(response) == ["Pendamping A"]
        self.assertNotContains(response, "Pendamping B")

    def test_it_refuses_a_future_month_and_a_bad_month(self):
        next_month = calendar.add_months(calendar.month_start(timezone.localdate()), 1)
        for month, message in [
            (calendar.month_label(next_month), "Bulan itu belum tiba"),
            ("2025-13", "Bulan tidak valid"),
            ("kemarin", "Bulan tidak valid"),
        ]:
            response = self.get(self.korkab, bulan=month)
            self.assertContains(response, message)
            assert "rows" not in response.context

    def test_the_xlsx_has_the_same_figures_and_is_audited(self):
        self.client.force_login(self.korcam_a)
        response = self.client.get(url("report_meetings_xlsx"), MARCH)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "p2k2-pertemuan-2025-03.xlsx" in response["Content-Disposition"]
        rows = sheet_rows(response, "pertemuan")
        assert rows[0] == ["kode", "nama", "direncanakan", "terlaksana", "batal",
                           "persen_terlaksana", "hadir", "izin", "tidak_hadir", "persen_kehadiran"]  # fmt: skip
        assert rows[1] == ["pendamping_a", "Pendamping A", 3, 1, 1, 33.3, 4, 0, 1, 80.0]
        assert rows[2] == [None, "Jumlah", 3, 1, 1, 33.3, 4, 0, 1, 80.0]
        assert len(rows) == 3
        about = dict((r[0], r[1]) for r in sheet_rows(response, "keterangan"))
        assert about["bulan"] == "Maret 2025"  # the month named, not 2025-03
        entry = AuditEntry.objects.get(action="fds.report.meetings.export")
        assert entry.actor == self.korcam_a and entry.region_code == KEC_A
        assert entry.details == {"bulan": "2025-03", "rows": 1}

    def test_the_xlsx_refuses_bad_input_and_records_nothing(self):
        self.client.force_login(self.korkab)
        response = self.client.get(url("report_meetings_xlsx"), {"bulan": "2025-13"})
        self.assertContains(response, "Bulan tidak valid", status_code=400)
        assert not AuditEntry.objects.filter(action="fds.report.meetings.export").exists()


class CoveragePageTest(ReportFixture):
    def get(self, user, **params):
        self.client.force_login(user)
        return self.client.get(url("report_coverage"), params)

    def codes(self, response) -> list[str]:
        return [row.code for row in response.context["coverage"].rows]

    def test_the_level_defaults_by_role(self):
        expected = {
            self.pendamping_a: "desa", self.korcam_a: "desa", self.korkab: "kecamatan",
            self.operator: "kecamatan", self.korwil: "kabupaten", self.admin_pusat: "kabupaten",
            self.auditor: "kabupaten",
        }  # fmt: skip
        for user, level in expected.items():
            assert self.get(user).context["form"]["tingkat"].value() == level, user.username

    def test_a_pendamping_sees_their_desa_with_its_name_and_shares(self):
        response = self.get(self.pendamping_a)
        assert self.codes(response) == [DESA_A]
        self.assertContains(response, "Kuripan")
        self.assertContains(response, "50,0%")
        self.assertContains(response, "2 dari 4 KPM")
        self.assertContains(response, "Modul 1: Pengasuhan dan Pendidikan Anak")
        self.assertNotContains(response, "Sinar Semendo")
        self.assertContains(response, '<div class="table-wrap">')

    def test_a_korkab_sees_the_kecamatan_of_the_kabupaten(self):
        response = self.get(self.korkab)
        assert self.codes(response) == [KEC_A, KEC_B]
        self.assertContains(response, "Kota Agung")
        self.assertContains(response, "Talang Padang")
        self.assertNotContains(response, "Metro")
        self.assertContains(response, "40,0%")  # 2 of the 5 active families of Kecamatan A

    def test_a_korcam_sees_only_their_kecamatan_at_any_level(self):
        assert self.codes(self.get(self.korcam_a)) == [DESA_A]
        assert self.codes(self.get(self.korcam_a, tingkat="kabupaten")) == ["1806"]
        assert (
            self.get(self.korcam_a, tingkat="kabupaten").context["coverage"].rows[0].families == 5
        )

    def test_desa_level_for_an_admin(self):
        assert self.codes(self.get(self.admin_pusat, tingkat="desa"))[:2] == [DESA_A, DESA_B]

    def test_it_refuses_an_unknown_level(self):
        response = self.get(self.korkab, tingkat="provinsi")
        self.assertContains(response, "Pilih tingkat desa, kecamatan atau kabupaten.")
        assert "coverage" not in response.context

    def test_the_xlsx_has_the_same_figures_and_is_audited(self):
        self.client.force_login(self.korkab)
        response = self.client.get(url("report_coverage_xlsx"), {"tingkat": "kecamatan"})
        assert response.status_code == 200
        assert "p2k2-cakupan-modul-kecamatan.xlsx" in response["Content-Disposition"]
        rows = sheet_rows(response, "cakupan")
        assert rows[0][:7] == ["kode", "nama", "kpm_aktif", "modul_1_selesai", "modul_1_persen",
                               "modul_2_selesai", "modul_2_persen"]  # fmt: skip
        assert len(rows[0]) == 3 + 2 * 5
        assert rows[1][:7] == [KEC_A, "Kota Agung", 5, 2, 40.0, 0, 0.0]
        assert rows[2][:5] == [KEC_B, "Talang Padang", 2, 0, 0.0]
        assert rows[3][:5] == [None, "Jumlah", 7, 2, 28.6]
        about = dict((r[0], r[1]) for r in sheet_rows(response, "keterangan"))
        assert about["tingkat"] == "Kecamatan"
        assert about["modul_1"] == "Pengasuhan dan Pendidikan Anak"
        entry = AuditEntry.objects.get(action="fds.report.coverage.export")
        assert entry.actor == self.korkab and entry.region_code == "1806"
        assert entry.details == {"tingkat": "kecamatan", "rows": 2}

    def test_the_xlsx_refuses_bad_input_and_records_nothing(self):
        self.client.force_login(self.korkab)
        response = self.client.get(url("report_coverage_xlsx"), {"tingkat": "dunia"})
        self.assertContains(response, "Pilih tingkat", status_code=400)
        assert not AuditEntry.objects.filter(action="fds.report.coverage.export").exists()


class QueryCountTest(ReportFixture):
    def queries(self, user) -> dict[str, int]:
        self.client.force_login(user)
        counts = {}
        for name, params in [("report_meetings", MARCH), ("report_meetings_xlsx", MARCH),
                             ("report_coverage", {"tingkat": "desa"}),
                             ("report_coverage_xlsx", {"tingkat": "desa"})]:  # fmt: skip
            with CaptureQueriesContext(connection) as captured:
                response = self.client.get(url(name), params)
            assert response.status_code == 200, name
            counts[name] = len(captured)
        return counts

    def add_a_group(self, name: str) -> None:
        families = [
            make_family(region_code=DESA_A, pendamping=self.pendamping_a2) for _ in range(4)
        ]
        group = self.make_group(name, DESA_A, self.pendamping_a2, families)
        self.hold(group, date(2025, 3, 3), 1)
        self.hold(group, date(2025, 3, 17), 2)

    def test_the_query_count_does_not_grow_with_groups_families_or_meetings(self):
        self.add_a_group("Anggrek")
        few = [self.queries(user) for user in (self.pendamping_a2, self.korkab)]
        self.add_a_group("Kenanga")
        self.add_a_group("Dahlia")
        many = [self.queries(user) for user in (self.pendamping_a2, self.korkab)]
        assert few == many


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_reports_fit_a_360px_phone(live_server, phone_page, screenshot_dir):
    korkab = make_user("rahmat", Role.KORKAB, "1806")
    pendamping = make_user("siti", Role.PENDAMPING, KEC_A, first_name="Siti", last_name="Aminah")
    families = [make_family(region_code=DESA_A, pendamping=pendamping) for _ in range(3)]
    group = ReportFixture.make_group("Melati", DESA_A, pendamping, families)
    for n in range(4):
        ReportFixture.hold(group, date(2025, n + 1, 10), n + 1)
    page = phone_page
    sign_in(page, live_server.url, korkab.username)
    for name, query in [("report_meetings", "bulan=2025-03"), ("report_coverage", "tingkat=desa")]:
        page.goto(f"{live_server.url}{url(name)}?{query}")
        page.screenshot(path=str(screenshot_dir / f"fds-{name}-360px.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
    assert "100,0%" in page.inner_text("tfoot")
