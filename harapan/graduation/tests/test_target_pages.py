"""The GSM target page, its XLSX, and the natural-exit candidates page and CSV."""

import csv
import io
from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from harapan.audit.models import AuditEntry
from harapan.graduation.models import Target
from harapan.registry.models import FamilyStatus
from harapan.testing import (
    DESA_A,
    DESA_B,
    KEC_A,
    PersonaTestCase,
    make_family,
    make_member,
    make_user,
)

Y = 2025
DAY = "2025-06-01"


def gsm(on: date, **kwargs):
    return make_family(status=FamilyStatus.EXITED, exit_reason="sejahtera_mandiri",
                       exit_date=on, **kwargs)  # fmt: skip


class TargetPageTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Target.objects.create(region_code="180602", year=Y, per_pendamping=5)
        gsm(date(Y, 3, 1), region_code=DESA_A, pendamping=cls.pendamping_a)
        gsm(date(Y, 4, 1), region_code=DESA_B, pendamping=cls.pendamping_b)

    def get(self, user, name="graduation:targets", **params):
        self.client.force_login(user)
        return self.client.get(reverse(name), params)

    def test_a_coordinator_sees_each_pendamping_and_the_rollups(self):
        response = self.get(self.korkab, tahun=Y)
        self.assertEqual(response.status_code, 200)
        people = [r.code for r in response.context["people"]]
        self.assertEqual(people, ["pendamping_a", "pendamping_a2", "pendamping_b"])
        self.assertContains(response, "Talang Padang")
        self.assertContains(response, "Graduasi sejahtera mandiri")

    def test_a_korcam_does_not_see_another_kecamatan(self):
        response = self.get(self.korcam_a, tahun=Y)
        self.assertEqual([r.code for r in response.context["people"]],
                         ["pendamping_a", "pendamping_a2"])  # fmt: skip
        self.assertNotContains(response, "pendamping_b")
        self.assertNotContains(response, "Talang Padang")

    def test_pendamping_b_sees_only_their_own_progress(self):
        response = self.get(self.pendamping_b, tahun=Y)
        self.assertEqual(response.status_code, 200)
        self.assertEqual([(r.code, r.achieved, r.target) for r in response.context["people"]],
                         [("pendamping_b", 1, 5)])  # fmt: skip
        self.assertNotContains(response, "Pendamping A")
        self.assertNotContains(response, "Kota Agung")
        self.assertEqual(response.context["totals"].mandiri, 1)

    def test_the_year_defaults_to_this_year(self):
        response = self.get(self.korkab)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["year"], date.today().year)

    def test_a_bad_year_is_refused_in_indonesian(self):
        response = self.get(self.korkab, tahun="dua ribu")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Tahun tidak valid", status_code=400)
        response = self.get(self.korkab, tahun=1990)
        self.assertContains(response, "Tahun harus antara", status_code=400)
        response = self.get(self.korkab, "graduation:targets_xlsx", tahun="x")
        self.assertEqual(response.status_code, 400)

    def test_anonymous_and_roleless_users_are_kept_out(self):
        response = self.client.get(reverse("graduation:targets"))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.get(make_user("tamu")).status_code, 403)

    def test_the_xlsx_holds_the_figures_and_is_audited(self):
        response = self.get(self.korkab, "graduation:targets_xlsx", tahun=Y)
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(response.content))["target"]
        lines = [list(r) for r in sheet.iter_rows(values_only=True)]
        self.assertEqual(lines[0][:6], ["tingkat", "kode", "nama", "jumlah_pendamping",
                                        "target_gsm", "gsm"])  # fmt: skip
        self.assertIn(["pendamping", "pendamping_b", "Pendamping B", 1, 5, 1, 20.0], lines)
        self.assertIn(["kabupaten", "1806", "KAB. TANGGAMUS", 3, 25, 2, 8.0], lines)
        self.assertTrue(any(line[:3] == ["sejahtera_mandiri", "Graduasi sejahtera mandiri", 2]
                            for line in lines))  # fmt: skip
        entry = AuditEntry.objects.get(action="graduation.targets.export")
        self.assertEqual(entry.actor, self.korkab)

    def test_the_home_tile_shows_own_or_regional_progress(self):
        from django.template.loader import render_to_string

        from harapan.graduation.targets import home_progress

        html = render_to_string("graduation/home_tile.html",
                                {"gsm": home_progress(self.pendamping_b, Y)})  # fmt: skip
        self.assertIn("GSM saya 2025", html)
        self.assertIn("dari target 5", html)
        html = render_to_string("graduation/home_tile.html", {"gsm": home_progress(self.korkab, Y)})
        self.assertIn("GSM wilayah 2025", html)
        self.assertIn("dari target 25", html)
        self.assertIn("3 pendamping", html)
        self.assertEqual(render_to_string("graduation/home_tile.html", {"gsm": {}}).strip(), "")

    def test_the_page_costs_the_same_queries_with_more_data(self):
        self.client.force_login(self.korkab)
        url = reverse("graduation:targets")
        with CaptureQueriesContext(connection) as before:
            self.client.get(url, {"tahun": Y})
        for n in range(4):
            someone = make_user(f"pendamping_extra{n}", "pendamping", KEC_A)
            gsm(date(Y, 5, 1), region_code=DESA_A, pendamping=someone)
            gsm(date(Y, 5, 2), region_code=DESA_B)
        Target.objects.create(region_code="1806", year=Y, per_pendamping=8)
        with CaptureQueriesContext(connection) as after:
            response = self.client.get(url, {"tahun": Y})
        self.assertEqual(len(response.context["people"]), 7)
        self.assertEqual(len(after), len(before))


class CandidatePageTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # The persona families hold only a head born 1985: nothing earned, due now.
        cls.toddler = make_family(region_code=DESA_A, pendamping=cls.pendamping_a,
                                  registry_id="KPM-BALITA")  # fmt: skip
        make_member(cls.toddler, birth_date=date(2019, 9, 10), school_level="belum_sekolah")
        cls.pupil = make_family(region_code=DESA_A, pendamping=cls.pendamping_a,
                                registry_id="KPM-SD")  # fmt: skip
        make_member(cls.pupil, birth_date=date(2015, 1, 1), school_level="sd")

    def get(self, user, name="graduation:candidates", **params):
        self.client.force_login(user)
        return self.client.get(reverse(name), params)

    def test_a_pendamping_sees_now_then_the_forecast(self):
        response = self.get(self.pendamping_a, tanggal=DAY)
        self.assertEqual(response.status_code, 200)
        now = [row.registry_id for row, _desa in response.context["now"]]
        soon = [(row.registry_id, row.exit_on) for row, _desa in response.context["soon"]]
        self.assertEqual(now, [self.family_a.registry_id])
        self.assertEqual(soon, [("KPM-BALITA", date(2025, 9, 10))])
        self.assertContains(response, '<td class="nowrap">10 Sep 2025</td>', html=True)
        self.assertContains(response, "berakhir 10 Sep 2025")
        self.assertContains(response, "Kuripan")

    def test_the_page_forecasts_twelve_months_to_the_day(self):
        for registry_id, born in (("KPM-0720", date(2021, 7, 20)), ("KPM-0801", date(2021, 8, 1))):
            family = make_family(region_code=DESA_A, pendamping=self.pendamping_a,
                                 registry_id=registry_id)  # fmt: skip
            make_member(family, birth_date=born, school_level="belum_sekolah")
        response = self.get(self.pendamping_a, tanggal="2026-07-31")
        soon = [(row.registry_id, row.exit_on) for row, _desa in response.context["soon"]]
        self.assertEqual(soon, [("KPM-0720", date(2027, 7, 20))])

    def test_pendamping_b_does_not_see_pendamping_a_families(self):
        response = self.get(self.pendamping_b, tanggal=DAY)
        ids = [row.registry_id for row, _ in [*response.context["now"], *response.context["soon"]]]
        self.assertEqual(ids, [self.family_b.registry_id])
        self.assertNotContains(response, "KPM-BALITA")

    def test_the_csv_is_the_section_12_format_and_audited(self):
        response = self.get(self.korcam_a, "graduation:candidates_csv", tanggal=DAY)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.streaming)  # written as it is read, however long
        content = b"".join(response.streaming_content).decode("utf-8-sig")
        lines = list(csv.reader(io.StringIO(content)))
        self.assertEqual(lines[0], ["id_keluarga", "jenis", "alasan", "tanggal_perkiraan"])
        got = [(line[0], line[1], line[3]) for line in lines[1:]]
        self.assertEqual(got, [
            (self.family_a.registry_id, "alamiah", ""),
            (self.family_a2.registry_id, "alamiah", ""),
            ("KPM-BALITA", "alamiah", "2025-09-10"),
        ])  # fmt: skip
        self.assertTrue(AuditEntry.objects.filter(action="graduation.candidates.export").exists())

    def test_the_date_defaults_to_today_and_bad_dates_are_refused(self):
        response = self.get(self.pendamping_a)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["day"], date.today())
        response = self.get(self.pendamping_a, tanggal="31-02-2025")
        self.assertContains(response, "Tanggal tidak valid", status_code=400)
        response = self.get(self.pendamping_a, "graduation:candidates_csv", tanggal="kemarin")
        self.assertContains(response, "Tanggal tidak valid", status_code=400)

    def test_the_page_costs_the_same_queries_with_more_families(self):
        self.client.force_login(self.korkab)
        url = reverse("graduation:candidates")
        with CaptureQueriesContext(connection) as before:
            self.client.get(url, {"tanggal": DAY})
        for n in range(5):
            family = make_family(region_code=DESA_B if n % 2 else DESA_A)
            make_member(family, birth_date=date(2019, 10, n + 1), school_level="paud")
        with CaptureQueriesContext(connection) as after:
            response = self.client.get(url, {"tanggal": DAY})
        self.assertEqual(response.context["soon_count"], 6)
        self.assertEqual(len(after), len(before))


class CandidatePagingTests(PersonaTestCase):
    """The page is paged by the database and costs the same queries however many families."""

    def toddlers(self, count: int, first: int = 0):
        # Born 2019-06-02 + k days, so each turns six (and leaves) 2025-06-02 + k days.
        for k in range(first, first + count):
            family = make_family(region_code=DESA_A, registry_id=f"KPM-T{k:03d}")
            make_member(family, birth_date=date(2019, 6, 2) + timedelta(days=k),
                        school_level="belum_sekolah")  # fmt: skip

    def test_the_page_costs_the_same_queries_for_5_and_25_families(self):
        self.client.force_login(self.korcam_a)
        url = reverse("graduation:candidates")
        self.toddlers(5)
        with CaptureQueriesContext(connection) as five:
            response = self.client.get(url, {"tanggal": DAY})
        self.assertEqual(response.context["soon_count"], 5)
        self.toddlers(20, first=5)
        with self.assertNumQueries(len(five)):
            response = self.client.get(url, {"tanggal": DAY})
        self.assertEqual(response.context["soon_count"], 25)

    def test_the_rows_come_a_hundred_to_a_page_and_the_csv_holds_them_all(self):
        self.toddlers(120)
        self.client.force_login(self.korcam_a)
        url = reverse("graduation:candidates")
        first = self.client.get(url, {"tanggal": DAY})
        # Kecamatan A: the two persona families without a component, then 120 toddlers.
        self.assertEqual((first.context["now_count"], first.context["soon_count"]), (2, 120))
        self.assertEqual(len(first.context["now"]), 2)
        self.assertEqual(len(first.context["soon"]), 98)
        self.assertContains(first, "Halaman 1 dari 2")
        second = self.client.get(url, {"tanggal": DAY, "halaman": 2})
        self.assertEqual(second.context["now"], [])
        soon = [(row.registry_id, row.exit_on) for row, _desa in second.context["soon"]]
        self.assertEqual(len(soon), 22)
        self.assertEqual(soon[0], ("KPM-T098", date(2025, 9, 8)))
        self.assertEqual(soon[-1], ("KPM-T119", date(2025, 9, 29)))
        self.assertNotContains(second, "Tanpa komponen pada tanggal acuan</h2>")
        response = self.client.get(reverse("graduation:candidates_csv"), {"tanggal": DAY})
        lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
        self.assertEqual(len(lines), 1 + 2 + 120)
