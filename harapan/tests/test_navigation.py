import re
from html import unescape

from django.urls import reverse

from harapan.testing import PersonaTestCase, make_user

LINK = re.compile(r'<a href="([^"]+)"[^>]*>([^<]+)</a>')
GROUP = re.compile(r"<summary( aria-current=\"true\")?>([^<]+)</summary>")


def menu(response) -> str:
    html = response.content.decode()
    start = html.index('<nav aria-label="Menu utama">')
    return html[start : html.index("</nav>", start)]


def links(response) -> dict[str, str]:
    """The menu's links, label → URL."""
    return {unescape(label): url for url, label in LINK.findall(menu(response))}


def groups(response) -> list[str]:
    return [label for _, label in GROUP.findall(menu(response))]


class MenuPerRoleTest(PersonaTestCase):
    def home(self, user):
        self.client.force_login(user)
        return self.client.get(reverse("home"))

    def test_a_pendamping_sees_field_work_and_no_office_work(self):
        shown = links(self.home(self.pendamping_a))
        assert sorted(shown) == sorted([
            "Daftar KPM", "Pemutakhiran data",
            "Penetapan", "Kartu KKS", "Celah program komplementer", "Usulan program",
            "Kehadiran sekolah", "Pemantauan verifikasi",
            "Kelompok P2K2", "Pertemuan P2K2", "KPM perlu perhatian", "Laporan P2K2",
            "Usulan graduasi", "Kesiapan graduasi", "Calon graduasi alamiah", "Target GSM",
            "Kelola pengaduan", "Catat pengaduan",
            "Statistik pengaduan",
            "Rencana kerja", "Kegiatan", "Catat kegiatan",
            "Rapat koordinasi", "Tindak lanjut rapat", "Pembinaan",
            "Kinerja pendamping",
            "Profil",
        ])  # fmt: skip

    def test_the_groups_are_the_tasks_then_the_users_own_menu(self):
        assert groups(self.home(self.pendamping_a)) == [
            "Keluarga", "Bantuan", "Verifikasi", "P2K2", "Graduasi", "Pengaduan", "Kinerja",
            "Laporan", "Pendamping A",
        ]  # fmt: skip

    def test_a_korkab_assigns_follows_data_checks_and_reconciles_but_does_not_import(self):
        shown = links(self.home(self.korkab))
        for label in ("Penugasan pendamping", "Temuan data", "Rekonsiliasi", "Impor verifikasi",
                      "Impor kepesertaan program", "Sekolah & faskes", "Pekerjaan",
                      "Tinjau rencana kerja"):  # fmt: skip
            assert label in shown, label
        for label in ("Impor registri", "Impor penyaluran", "Hitung penetapan",
                      "Kehadiran sekolah", "Rencana kerja"):  # fmt: skip
            assert label not in shown, label

    def test_the_coordinators_operator_and_admin_make_annual_reports_not_a_pendamping(self):
        for user in (self.korcam_a, self.korkab, self.korwil, self.operator, self.admin_pusat):
            assert "Laporan tahunan" in links(self.home(user)), user.username
        for user in (self.pendamping_a, self.auditor):
            assert "Laporan tahunan" not in links(self.home(user)), user.username

    def test_an_operator_imports_and_computes_but_assigns_no_pendamping(self):
        shown = links(self.home(self.operator))
        for label in ("Impor registri", "Impor penyaluran", "Hitung penetapan",
                      "Impor verifikasi", "Impor kepesertaan program", "Temuan data",
                      "Pekerjaan"):  # fmt: skip
            assert label in shown, label
        assert "Penugasan pendamping" not in shown
        # The Dinas Sosial does not supervise the pendamping: no activity logs.
        assert "Kegiatan" not in shown and "Catat kegiatan" not in shown
        assert "Rapat koordinasi" not in shown  # the pendamping's line, not the Dinas Sosial's

    def test_a_korcam_reads_the_activity_logs_but_logs_none_of_their_own(self):
        shown = links(self.home(self.korcam_a))
        assert "Kegiatan" in shown and "Catat kegiatan" not in shown

    def test_an_auditor_reads_and_is_offered_nothing_to_upload_or_start(self):
        shown = links(self.home(self.auditor))
        assert "Rekonsiliasi" in shown and "Daftar KPM" in shown
        assert "Celah program komplementer" in shown  # read only: the lists write nothing
        assert "Usulan program" in shown  # reads the proposals of every region
        for label in ("Impor registri", "Impor penyaluran", "Impor verifikasi",
                      "Impor kepesertaan program", "Hitung penetapan", "Penugasan pendamping",
                      "Pekerjaan", "Catat pengaduan", "Laporan tahunan"):  # fmt: skip
            assert label not in shown, label

    def test_the_dashboards_are_for_korcam_and_above_the_operator_and_the_auditor(self):
        # Issue 18: a pendamping follows their caseload on the scorecard, not the dashboards.
        for user in (self.korcam_a, self.korkab, self.korwil, self.operator, self.admin_pusat,
                     self.auditor):  # fmt: skip
            shown = links(self.home(user))
            with self.subTest(user=user.username):
                assert shown["Dasbor"] == reverse("reports:dashboard")
                assert shown["Riwayat wilayah"] == reverse("reports:history")
        shown = links(self.home(self.pendamping_a))
        assert "Dasbor" not in shown and "Riwayat wilayah" not in shown

    def test_the_report_pages_sit_in_laporan(self):
        html = menu(self.home(self.korkab))
        assert "<summary>Laporan</summary>" in html
        response = self.client.get(reverse("reports:history"))
        assert '<summary aria-current="true">Laporan</summary>' in menu(response)

    def test_a_user_without_a_role_sees_only_their_profile(self):
        guest = make_user("tamu")
        response = self.home(guest)
        assert links(response) == {"Profil": reverse("profile")}
        assert groups(response) == ["Tamu"]
        self.assertContains(response, "Keluar")

    def test_every_link_each_role_is_shown_opens(self):
        personas = (self.pendamping_a, self.korcam_a, self.korkab, self.korwil, self.operator,
                    self.admin_pusat, self.auditor)  # fmt: skip
        for user in personas:
            for label, url in links(self.home(user)).items():
                with self.subTest(user=user.username, page=label):
                    assert self.client.get(url).status_code == 200

    def test_the_footer_has_no_language_switcher(self):
        response = self.home(self.pendamping_a)
        self.assertNotContains(response, 'name="language"')


class CurrentGroupTest(PersonaTestCase):
    def setUp(self):
        self.client.force_login(self.pendamping_a)

    def test_the_list_page_marks_its_link_and_its_group(self):
        response = self.client.get(reverse("fds:meeting_list"))
        html = menu(response)
        assert '<summary aria-current="true">P2K2</summary>' in html
        assert f'<a href="{reverse("fds:meeting_list")}" aria-current="page">' in html
        assert html.count('aria-current="true"') == 1
        assert html.count('aria-current="page"') == 1

    def test_the_scorecard_sits_in_laporan(self):
        response = self.client.get(reverse("reports:scorecard"))
        assert '<summary aria-current="true">Laporan</summary>' in menu(response)

    def test_a_proposal_page_sits_in_bantuan(self):
        response = self.client.get(reverse("programs:proposal_list"))
        assert '<summary aria-current="true">Bantuan</summary>' in menu(response)

    def test_a_family_page_sits_in_keluarga(self):
        response = self.client.get(reverse("registry:family_detail", args=[self.family_a.pk]))
        html = menu(response)
        assert '<summary aria-current="true">Keluarga</summary>' in html
        assert html.count('aria-current="true"') == 1
        assert 'aria-current="page"' not in html

    def test_a_page_under_no_link_sits_in_the_group_of_its_namespace(self):
        # The verification month of a family: under Verifikasi, though no menu link is its prefix.
        response = self.client.get(
            reverse("compliance:month_family_current", args=[self.family_a.pk]), follow=True
        )
        assert '<summary aria-current="true">Verifikasi</summary>' in menu(response)

    def test_home_marks_no_group(self):
        assert "aria-current" not in menu(self.client.get(reverse("home")))
