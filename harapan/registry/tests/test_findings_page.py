"""The page of the latest data-check findings and its line on the coordinators' home page."""

import re
from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from harapan.accounts.roles import Role
from harapan.audit.models import AuditEntry
from harapan.lib.nik import mask_nik
from harapan.registry.batch import store_findings
from harapan.registry.views import findings as findings_view
from harapan.testing import (
    DESA_A,
    DESA_B,
    KEC_B,
    METRO_DESA,
    PersonaTestCase,
    make_family,
    make_nik,
    make_user,
)

WIB = ZoneInfo("Asia/Jakarta")
PAGE = reverse("registry:data_findings")
URL_NAMES = ["registry:data_findings"]
DATE_LABEL = "NIK tidak cocok dengan tanggal lahir"
HEAD_LABEL = "Kepala keluarga tidak ada atau lebih dari satu"
TWO_HEADS = [{"relation": "kepala_keluarga"}, {"relation": "kepala_keluarga"}]


def text_of(response) -> str:
    """What a reader sees: the page without its tags and attributes."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def listed(response) -> list[tuple[str, str]]:
    return [(f.family.registry_id, f.code) for f in response.context["page"].object_list]


class FindingsFixture(PersonaTestCase):
    """Kecamatan A: Budi's NIK says 01-01-80, he was born on 17-05-1985.
    Kecamatan B: a family with two heads. Kota Metro: a family with none."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.korcam_b = make_user("korcam_b", Role.KORCAM, KEC_B)
        cls.nik = make_nik(DESA_A[:6], date(1980, 1, 1), "L")
        cls.wrong_date = make_family(
            [{"relation": "kepala_keluarga", "name": "Budi Santoso", "nik": cls.nik}],
            region_code=DESA_A, pendamping=cls.pendamping_a,
        )  # fmt: skip
        cls.two_heads = make_family(
            [{"relation": "kepala_keluarga", "name": "Ahmad Yani"},
             {"relation": "kepala_keluarga", "name": "Joko Susilo"}],
            region_code=DESA_B,
        )  # fmt: skip
        cls.headless = make_family([{"relation": "anak"}], region_code=METRO_DESA)
        night = datetime(2026, 12, 1, 2, 5, tzinfo=WIB)
        with mock.patch("django.utils.timezone.now", return_value=night):
            store_findings("1806", date(2026, 12, 1))
            store_findings("1872", date(2026, 12, 1))


class AccessTest(FindingsFixture):
    def test_every_page_needs_a_login(self):
        for name in URL_NAMES:
            response = self.client.get(reverse(name))
            assert response.status_code == 302, name
            assert response["Location"].startswith(reverse("login"))

    def test_a_user_with_no_role_is_refused(self):
        self.client.force_login(make_user("tamu"))
        for name in URL_NAMES:
            assert self.client.get(reverse(name)).status_code == 403, name


class FindingsPageTest(FindingsFixture):
    def get(self, user, **params):
        self.client.force_login(user)
        return self.client.get(PAGE, params)

    def test_it_names_the_check_and_the_family_with_the_date_of_the_check(self):
        response = self.get(self.korkab)
        text = text_of(response)
        self.assertEqual(
            sorted(listed(response)),
            sorted([(self.wrong_date.registry_id, "NIK_TGL_LAHIR"),
                    (self.two_heads.registry_id, "KEPALA_KELUARGA")]),
        )  # fmt: skip
        for shown in (DATE_LABEL, HEAD_LABEL, "Budi Santoso", "Kuripan", "Ahmad Yani",
                      "Sinar Semendo", self.wrong_date.registry_id,
                      "NIK menyatakan 01-01-80, tanggal lahir 17-05-1985",
                      "pemeriksaan terakhir 1 Des 2026"):  # fmt: skip
            self.assertIn(shown, text)
        for code in ("NIK_TGL_LAHIR", "KEPALA_KELUARGA", "NIK_DUPLIKAT"):
            self.assertNotIn(code, text)
        self.assertContains(response, reverse("registry:family_detail", args=[self.wrong_date.pk]))

    def test_it_counts_the_findings_per_check(self):
        response = self.get(self.korwil)
        counts = {code: n for code, _label, n in response.context["checks"]}
        self.assertEqual(
            counts,
            {"NIK_DUPLIKAT": 0, "NIK_TGL_LAHIR": 1, "NIK_JENIS_KELAMIN": 0, "NIK_WILAYAH": 0,
             "USIA_KOMPONEN": 0, "KEPALA_KELUARGA": 2, "MENINGGAL_MENERIMA": 0},
        )  # fmt: skip
        self.assertEqual(response.context["total"], 3)

    def test_a_coordinator_sees_the_full_nik_and_it_is_logged(self):
        response = self.get(self.korkab)
        self.assertIn(self.nik, text_of(response))
        entry = AuditEntry.objects.get(action="registry.findings.view_nik")
        self.assertEqual((entry.actor, entry.details["count"]), (self.korkab, 1))

    def test_a_role_without_full_niks_sees_them_masked(self):
        response = self.get(self.korwil)
        text = text_of(response)
        self.assertNotIn(self.nik, text)
        self.assertIn(mask_nik(self.nik), text)
        self.assertFalse(AuditEntry.objects.filter(action="registry.findings.view_nik").exists())

    def test_a_korcam_of_another_kecamatan_does_not_see_them(self):
        response = self.get(self.korcam_b)
        self.assertEqual(listed(response), [(self.two_heads.registry_id, "KEPALA_KELUARGA")])
        text = text_of(response)
        self.assertNotIn("Budi Santoso", text)
        self.assertNotIn(self.wrong_date.registry_id, text)
        self.assertNotIn(mask_nik(self.nik)[:6] + "*", text)
        self.assertEqual(response.context["total"], 1)
        self.assertEqual(
            listed(self.get(self.korcam_a)), [(self.wrong_date.registry_id, "NIK_TGL_LAHIR")]
        )

    def test_a_pendamping_sees_only_the_findings_of_their_caseload(self):
        self.assertEqual(
            listed(self.get(self.pendamping_a)), [(self.wrong_date.registry_id, "NIK_TGL_LAHIR")]
        )
        self.assertEqual(listed(self.get(self.pendamping_b)), [])

    def test_it_filters_by_check(self):
        response = self.get(self.korwil, cek="KEPALA_KELUARGA")
        self.assertEqual(
            sorted(listed(response)),
            sorted([(self.two_heads.registry_id, "KEPALA_KELUARGA"),
                    (self.headless.registry_id, "KEPALA_KELUARGA")]),
        )  # fmt: skip
        # The counts stay those of every check.
        self.assertEqual(response.context["total"], 3)

    def test_it_pages_the_findings(self):
        with mock.patch.object(findings_view, "PAGE_SIZE", 2):
            first = self.get(self.korwil)
            second = self.get(self.korwil, halaman=2)
        # Ordered by desa code: Kuripan (1806012001), Sinar Semendo (1806022001), Metro.
        self.assertEqual(
            listed(first),
            [(self.wrong_date.registry_id, "NIK_TGL_LAHIR"),
             (self.two_heads.registry_id, "KEPALA_KELUARGA")],
        )  # fmt: skip
        self.assertEqual(listed(second), [(self.headless.registry_id, "KEPALA_KELUARGA")])
        self.assertIn("Halaman 1 dari 2", text_of(first))

    def test_its_queries_do_not_grow_with_the_findings(self):
        self.client.force_login(self.korwil)
        with CaptureQueriesContext(connection) as three:
            self.client.get(PAGE)
        for _ in range(4):
            make_family(TWO_HEADS, region_code=DESA_B)
        store_findings("1806", date(2026, 12, 1))
        with CaptureQueriesContext(connection) as seven:
            response = self.client.get(PAGE)
        self.assertEqual(response.context["total"], 7)
        self.assertEqual(len(seven), len(three))


class HomeTodoTest(FindingsFixture):
    def home(self, user):
        self.client.force_login(user)
        return self.client.get(reverse("home"))

    def test_coordinators_see_the_count_of_findings_in_their_region(self):
        for user, line in (
            (self.korkab, "2 temuan pemeriksaan data"),
            (self.korcam_a, "1 temuan pemeriksaan data"),
            (self.korcam_b, "1 temuan pemeriksaan data"),
            (self.operator, "2 temuan pemeriksaan data"),
            (self.admin_pusat, "3 temuan pemeriksaan data"),
        ):
            response = self.home(user)
            self.assertIn(line, text_of(response), user)
            self.assertContains(response, f'href="{PAGE}"')

    def test_a_pendamping_has_no_such_line(self):
        response = self.home(self.pendamping_a)
        self.assertNotIn("temuan pemeriksaan data", text_of(response))
