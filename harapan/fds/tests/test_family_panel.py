"""The P2K2 section of the family page: group, progress by module, recent attendance, flag."""

from datetime import timedelta
from unittest import mock

from django.test import RequestFactory
from django.urls import reverse

from harapan.fds import actions
from harapan.fds.panels import fds_panel
from harapan.registry import panels as registry_panels
from harapan.testing import DESA_A, PersonaTestCase, make_family

from .test_group_pages import START, hold, make_group


class FamilyPanelTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.neighbour = make_family(region_code=DESA_A, pendamping=cls.pendamping_a)
        cls.melati = make_group("Melati", cls.pendamping_a, [cls.family_a, cls.neighbour])

    def panel(self, user, family=None) -> str:
        request = RequestFactory().get("/")
        request.user = user
        return fds_panel(request, family or self.family_a)

    def test_it_shows_the_group_and_sessions_completed_by_module(self):
        hold(self.melati, START + timedelta(days=1), 1)
        hold(self.melati, START + timedelta(days=31), 2, {self.family_a.pk: "izin"})
        hold(self.melati, START + timedelta(days=61), 5)
        html = self.panel(self.pendamping_a)
        assert reverse("fds:group_detail", args=[self.melati.pk]) in html
        assert "Melati" in html and "sejak 10 Jan 2025" in html
        assert "Sesi selesai: 2 dari 14" in html
        assert (
            '1. Pengasuhan dan Pendidikan Anak</td><td class="nowrap">1/4</td><td>S2, S3, S4'
            in html
        )
        assert '2. Pengelolaan Keuangan dan Perencanaan Usaha</td><td class="nowrap">1/3' in html
        assert "Izin" in html and "Ditandai" not in html

    def test_it_flags_repeated_unexcused_absence(self):
        for n in range(3):
            hold(
                self.melati, START + timedelta(days=30 * n + 1), n + 1, {self.family_a.pk: "absen"}
            )
        html = self.panel(self.korcam_a)
        assert (
            "Ditandai: 3 kali berturut-turut tidak hadir tanpa izin, terakhir 12 Mar 2025." in html
        )
        assert html.count('<strong class="error">Tidak hadir</strong>') == 3

    def test_it_shows_the_last_six_meetings_only(self):
        for n in range(8):
            hold(self.melati, START + timedelta(days=10 * n + 1), n + 1)
        html = self.panel(self.pendamping_a)
        assert html.count("<td>Melati</td>") == 6
        assert "<td>S8</td>" in html and "<td>S2</td>" not in html

    def test_it_keeps_the_history_of_a_family_that_moved(self):
        kenanga = make_group("Kenanga", self.pendamping_a)
        moved = START + timedelta(days=40)
        actions.assign_family(kenanga, self.family_a, on=moved, acting_user=self.pendamping_a)
        html = self.panel(self.pendamping_a)
        assert reverse("fds:group_detail", args=[kenanga.pk]) in html
        assert "Melati: 10 Jan 2025 – 19 Feb 2025" in html
        assert "Kenanga: 19 Feb 2025 – sekarang" in html

    def test_a_family_in_no_group_says_so(self):
        html = self.panel(self.pendamping_b, self.family_b)
        assert "Belum masuk kelompok P2K2." in html and "Sesi selesai: 0 dari 14" in html

    def test_it_shows_nothing_of_a_family_out_of_scope(self):
        hold(self.melati, START + timedelta(days=1), 1)
        html = self.panel(self.pendamping_b)
        assert "Melati" not in html and "Belum masuk kelompok P2K2." in html

    def test_it_takes_six_queries_whatever_the_history(self):
        # memberships, curriculum, completed sessions, rules, flag, recent attendance
        with self.assertNumQueries(6):
            self.panel(self.pendamping_a)
        for n in range(8):
            hold(self.melati, START + timedelta(days=10 * n + 1), n + 1)
        with self.assertNumQueries(6):
            self.panel(self.pendamping_a)

    def test_it_appears_on_the_family_page(self):
        others = [p for p in registry_panels._panels if p is not fds_panel]
        with mock.patch.object(registry_panels, "_panels", [*others, fds_panel]):
            self.client.force_login(self.pendamping_a)
            response = self.client.get(reverse("registry:family_detail", args=[self.family_a.pk]))
        self.assertContains(response, "P2K2 (pertemuan kelompok)")
        self.assertContains(response, reverse("fds:group_detail", args=[self.melati.pk]))
