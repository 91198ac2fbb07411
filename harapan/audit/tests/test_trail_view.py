import re
from datetime import datetime, timedelta
from io import BytesIO
from unittest import mock
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from harapan.accounts.roles import Role
from harapan.audit import trail
from harapan.audit.models import AuditEntry
from harapan.audit.todo import recent_sensitive_reads
from harapan.testing import PersonaTestCase, make_family, make_member, make_user

TRAIL = reverse("audit:trail")
EXPORT = reverse("audit:trail_export")
WIB = timezone.get_current_timezone()


def at(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def recorded_at(when: datetime, *args, **kwargs) -> AuditEntry:
    with mock.patch("django.utils.timezone.now", return_value=when):
        return trail.record(*args, **kwargs)


def data_total(response) -> int:
    return int(re.search(r'data-total="(\d+)"', response.content.decode()).group(1))


def shown_ids(response, *, sign_ins: bool = True) -> list[int]:
    """The entries listed; without the sign-ins that logging the test's users in wrote."""
    lines = response.context["lines"]
    return [line.entry.pk for line in lines if sign_ins or line.entry.action != "auth.login"]


class TrailAccessTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # One entry in Tanggamus (Kecamatan A), one in Kota Metro, one national export.
        cls.tanggamus = trail.record(cls.pendamping_a, "registry.family.update", cls.family_a)
        cls.metro = trail.record(cls.admin_pusat, "registry.family.update", cls.metro_family)
        cls.national = trail.record(cls.admin_pusat, "graduation.targets.export")

    def test_roles_without_the_trail_get_403_and_a_visitor_signs_in(self):
        for user in (self.pendamping_a, self.korcam_a, self.korwil, self.operator):
            self.client.force_login(user)
            assert self.client.get(TRAIL).status_code == 403, user
            assert self.client.get(EXPORT).status_code == 403, user
        self.client.logout()
        assert self.client.get(TRAIL).status_code == 302

    def test_korkab_sees_their_kabupaten_only(self):
        self.client.force_login(self.korkab)
        response = self.client.get(TRAIL)
        assert response.status_code == 200
        assert shown_ids(response, sign_ins=False) == [self.tanggamus.pk]
        assert data_total(response) == 2  # and the korkab's own sign-in

    def test_a_national_auditor_and_admin_pusat_see_everything(self):
        for user in (self.auditor, self.admin_pusat):
            self.client.force_login(user)
            response = self.client.get(TRAIL)
            assert shown_ids(response, sign_ins=False) == [
                self.national.pk,
                self.metro.pk,
                self.tanggamus.pk,
            ]

    def test_an_auditor_of_a_region_sees_that_region_only(self):
        auditor = make_user("auditor_metro", Role.AUDITOR, "1872")
        self.client.force_login(auditor)
        assert shown_ids(self.client.get(TRAIL), sign_ins=False) == [self.metro.pk]

    def test_a_korkab_sees_the_sign_ins_of_their_kabupaten(self):
        self.client.force_login(self.pendamping_b)  # records auth.login in 180602
        self.client.force_login(self.korkab)
        response = self.client.get(TRAIL, {"aksi": "auth.login"})
        assert [line.actor for line in response.context["lines"]] == ["Korkab", "Pendamping B"]


class TrailFilterTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # IDs and names no other entry's text can contain.
        cls.alfa = make_family(pk=987654, registry_id="UJI-ALFA", pendamping=cls.pendamping_a)
        cls.beta = make_family(pk=876543, registry_id="UJI-BETA", pendamping=cls.pendamping_a)
        cls.nov = recorded_at(at(2025, 11, 20, 9), cls.pendamping_a, "registry.family.update",
                              cls.alfa, changes={"address": ["", "Dusun I"]})  # fmt: skip
        cls.view = recorded_at(at(2025, 11, 30, 23, 59), cls.korcam_a,
                               "registry.member.view_nik", cls.beta)  # fmt: skip
        cls.export = recorded_at(at(2025, 12, 1, 8), cls.operator, "compliance.missing.export",
                                 region_code="1806")  # fmt: skip
        cls.member = recorded_at(at(2025, 12, 1, 10), cls.korkab, "registry.change.approve",
                                 cls.family_b.members.get())  # fmt: skip

    def setUp(self):
        self.client.force_login(self.auditor)

    def ids(self, **query) -> list[int]:
        response = self.client.get(TRAIL, query)
        assert response.status_code == 200, response.content[:500]
        assert data_total(response) == len(response.context["lines"])
        return shown_ids(response)

    def test_it_filters_by_username(self):
        assert self.ids(pengguna="korcam_a") == [self.view.pk]

    def test_it_filters_by_action_from_a_select_of_labels(self):
        assert self.ids(aksi="registry.family.update") == [self.nov.pk]
        page = self.client.get(TRAIL).content.decode()
        assert '<option value="registry.family.update">Koreksi data keluarga</option>' in page

    def test_it_filters_by_object_type_and_by_id_or_text(self):
        assert self.ids(objek="registry.member") == [self.member.pk]
        assert self.ids(cari="987654") == [self.nov.pk]
        assert self.ids(cari="uji-beta") == [self.view.pk]
        assert self.ids(objek="registry.family", cari="UJI") == [self.view.pk, self.nov.pk]
        assert self.ids(objek="registry.member", cari="UJI") == []

    def test_it_filters_by_local_dates_both_ends_included(self):
        assert self.ids(dari="2025-11-30", sampai="2025-11-30") == [self.view.pk]
        assert self.ids(dari="2025-12-01", sampai="2025-12-31") == [self.member.pk, self.export.pk]
        assert self.ids(sampai="2025-11-29") == [self.nov.pk]

    def test_sensitive_reads_are_full_nik_views_and_exports(self):
        assert self.ids(jenis="sensitif") == [self.export.pk, self.view.pk]

    def test_a_reversed_date_range_is_refused_with_a_message(self):
        response = self.client.get(TRAIL, {"dari": "2025-12-02", "sampai": "2025-12-01"})
        assert response.status_code == 400
        self.assertContains(response, "Tanggal awal harus sebelum tanggal akhir.", status_code=400)

    def test_the_page_shows_labels_sentences_and_formats_not_codes(self):
        trail.record(self.korkab, "reports.frobnicate", self.family_a)
        response = self.client.get(TRAIL)
        self.assertContains(response, "Pemutakhiran data disetujui")
        self.assertContains(response, "Alamat — → &#x27;Dusun I&#x27;")
        self.assertContains(response, "20 Nov 2025 09.00")
        self.assertContains(response, "18.06")
        self.assertContains(response, '<span title="reports.frobnicate">Tindakan lain</span>')
        text = re.sub(r"<[^>]+>", " ", response.content.decode())
        for code in ("registry.family.update", "reports.frobnicate", "compliance.missing.export"):
            assert code not in text, code


class TrailPagingTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        start = at(2026, 11, 1, 8)
        # 120 entries, one a minute; the last two share a moment (the id decides).
        cls.entries = [
            recorded_at(start + timedelta(minutes=min(n, 118)), cls.pendamping_a,
                        "registry.family.update", cls.family_a)
            for n in range(120)
        ]  # fmt: skip

    def test_pages_go_back_and_forth_by_keyset_with_page_numbers(self):
        self.client.force_login(self.auditor)
        newest_first = [e.pk for e in reversed(self.entries)]
        first = self.client.get(TRAIL, {"pengguna": "pendamping_a"})
        assert data_total(first) == 120
        assert shown_ids(first) == newest_first[:50]
        self.assertContains(first, "Halaman 1 dari 3")
        assert first.context["pager"].previous_query is None
        second = self.client.get(f"{TRAIL}?{first.context['pager'].next_query}")
        assert shown_ids(second) == newest_first[50:100]
        self.assertContains(second, "Halaman 2 dari 3")
        third = self.client.get(f"{TRAIL}?{second.context['pager'].next_query}")
        assert shown_ids(third) == newest_first[100:]
        self.assertContains(third, "Halaman 3 dari 3")
        assert third.context["pager"].next_query is None
        back = self.client.get(f"{TRAIL}?{third.context['pager'].previous_query}")
        assert shown_ids(back) == newest_first[50:100]
        self.assertContains(back, "Halaman 2 dari 3")
        assert "pengguna=pendamping_a" in back.context["pager"].previous_query
        front = self.client.get(f"{TRAIL}?{back.context['pager'].previous_query}")
        assert shown_ids(front) == newest_first[:50]
        assert front.context["pager"].previous_query is None
        # Numbered pages too: the third straight from the first, its filter kept.
        numbered = {link.number: link.query for link in first.context["pager"].links}
        assert sorted(numbered) == [1, 2, 3]
        jumped = self.client.get(f"{TRAIL}?{numbered[3]}")
        assert shown_ids(jumped) == newest_first[100:]
        self.assertContains(jumped, "Halaman 3 dari 3")

    def test_a_page_costs_the_same_few_queries_however_deep(self):
        self.client.force_login(self.auditor)
        first = self.client.get(TRAIL)
        # session, user, count, page (with the actors); a deeper page adds its anchor.
        with self.assertNumQueries(4):
            self.client.get(TRAIL)
        with self.assertNumQueries(5):
            self.client.get(f"{TRAIL}?{first.context['pager'].next_query}")


class TrailExportTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.family_a.address = '=HYPERLINK("http://x")'
        cls.update = recorded_at(at(2026, 12, 1, 14, 5), cls.pendamping_a,
                                 "registry.family.update", cls.family_a,
                                 changes={"address": ["", cls.family_a.address]})  # fmt: skip
        recorded_at(at(2026, 12, 1, 15), cls.admin_pusat, "registry.family.update",
                    cls.metro_family)  # fmt: skip
        recorded_at(at(2026, 12, 1, 16), cls.pendamping_a, "registry.member.view_nik",
                    cls.family_a)  # fmt: skip

    def sheet(self, response):
        assert response.status_code == 200
        book = load_workbook(BytesIO(response.content))
        return book["jejak audit"], dict(book["keterangan"].iter_rows(values_only=True))

    def test_it_exports_the_filtered_rows_in_scope_with_labels(self):
        self.client.force_login(self.korkab)
        sheet, about = self.sheet(self.client.get(EXPORT, {"aksi": "registry.family.update"}))
        rows = list(sheet.iter_rows(values_only=True))
        assert rows == [
            ("waktu", "nama_pengguna", "pengguna", "tindakan", "jenis_objek", "id_objek",
             "objek", "wilayah", "perubahan", "rincian"),
            ("1 Des 2026 14.05", "Pendamping A", "pendamping_a", "Koreksi data keluarga",
             "Keluarga (KPM)", str(self.family_a.pk), self.family_a.registry_id,
             "18.06.01.2001", "Alamat — → '=HYPERLINK(\"http://x\")'", None),
        ]  # fmt: skip
        assert about["Tindakan"] == "Koreksi data keluarga"
        assert about["baris"] == "1"

    def test_a_value_that_looks_like_a_formula_stays_text(self):
        member = make_member(self.family_a, name="=1+2")
        trail.record(self.pendamping_a, "registry.member.update", member)
        self.client.force_login(self.auditor)
        sheet, _about = self.sheet(self.client.get(EXPORT, {"objek": "registry.member"}))
        cell = sheet.cell(row=2, column=7)
        assert (cell.value, cell.data_type) == (f"=1+2 ({self.family_a.pk})", "s")

    def test_the_export_is_recorded_in_the_trail(self):
        self.client.force_login(self.korkab)
        self.client.get(EXPORT, {"jenis": "sensitif"})
        entry = AuditEntry.objects.get(action="audit.trail.export")
        assert entry.actor == self.korkab
        assert entry.region_code == "1806"
        assert entry.details == {"rows": 1, "filter": "jenis=sensitif"}


class RecentSensitiveReadsTest(PersonaTestCase):
    def test_the_count_is_the_total_of_the_linked_list(self):
        now = timezone.localtime()
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        # In the last 7 days (today and the 6 before), in Tanggamus: 3 reads.
        recorded_at(today, self.korcam_a, "registry.member.view_nik", self.family_a)
        recorded_at(today - timedelta(days=6), self.operator, "compliance.missing.export",
                    region_code="1806")  # fmt: skip
        recorded_at(now, self.korkab, "registry.findings.view_nik", region_code="1806")
        # Not counted: 7 days ago, not a read, another kabupaten for a Tanggamus auditor.
        recorded_at(today - timedelta(seconds=1, days=6), self.korcam_a,
                    "registry.member.view_nik", self.family_a)  # fmt: skip
        recorded_at(now, self.pendamping_a, "registry.family.update", self.family_a)
        recorded_at(now, self.admin_pusat, "registry.member.view_nik", self.metro_family)
        auditor = make_user("auditor_tanggamus", Role.AUDITOR, "1806")
        count, url = recent_sensitive_reads(auditor)
        assert count == 3
        assert url == f"{TRAIL}?" + urlencode(
            {"jenis": "sensitif", "dari": (today - timedelta(days=6)).date().isoformat()}
        )
        self.client.force_login(auditor)
        assert data_total(self.client.get(url)) == 3
        # A national auditor also sees Kota Metro's.
        count, url = recent_sensitive_reads(self.auditor)
        assert count == 4
        self.client.force_login(self.auditor)
        assert data_total(self.client.get(url)) == 4

    def test_a_role_without_the_trail_has_no_line(self):
        assert recent_sensitive_reads(self.pendamping_a) == (0, "")
