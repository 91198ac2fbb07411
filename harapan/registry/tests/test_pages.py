from datetime import date, datetime, timedelta
from unittest import mock

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from harapan.audit import trail
from harapan.audit.models import AuditEntry
from harapan.lib.nik import mask_nik
from harapan.registry.eligibility import component_for
from harapan.registry.models import ChangeRequest, Family, Member
from harapan.registry.views import families as families_view
from harapan.testing import DESA_A, DESA_B, PersonaTestCase, make_family, make_member, make_region

LIST = reverse("registry:family_list")


def detail(family):
    return reverse("registry:family_detail", args=[family.pk])


def edit(family):
    return reverse("registry:family_edit", args=[family.pk])


def member_edit(member):
    return reverse("registry:member_edit", args=[member.pk])


def listed(response) -> set[str]:
    return {f.registry_id for f in response.context["families"]}


class ScopeTest(PersonaTestCase):
    def test_every_page_needs_a_login(self):
        head = self.family_a.members.first()
        for url in (LIST, detail(self.family_a), edit(self.family_a), member_edit(head)):
            response = self.client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login"))

    def test_a_pendamping_of_another_kecamatan_gets_404_on_every_family_page(self):
        self.client.force_login(self.pendamping_b)
        head = self.family_a.members.first()
        for url in (detail(self.family_a), edit(self.family_a), member_edit(head)):
            assert self.client.get(url).status_code == 404, url
            assert self.client.post(url, {"address": "x", "name": "x"}).status_code == 404, url
        assert self.family_a.registry_id not in listed(self.client.get(LIST))

    def test_a_pendamping_lands_on_their_own_caseload(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(LIST)
        assert listed(response) == {self.family_a.registry_id}
        self.assertContains(response, "KPM dampingan saya")
        assert self.client.get(detail(self.family_a)).status_code == 200
        # Another pendamping of the same kecamatan has their own caseload.
        assert self.client.get(detail(self.family_a2)).status_code == 404
        # Every family on it is theirs: no "without a pendamping" filter to puzzle over.
        self.assertNotContains(response, 'name="unassigned"')
        self.client.force_login(self.korcam_a)
        self.assertContains(self.client.get(LIST), 'name="unassigned"')

    def test_a_korcam_sees_both_families_of_their_kecamatan(self):
        self.client.force_login(self.korcam_a)
        response = self.client.get(LIST)
        assert listed(response) == {self.family_a.registry_id, self.family_a2.registry_id}
        self.assertContains(response, "Semua KPM di kecamatan Kota Agung")
        assert self.client.get(detail(self.family_a2)).status_code == 200
        assert self.client.get(detail(self.family_b)).status_code == 404

    def test_the_auditor_reads_but_may_not_edit(self):
        self.client.force_login(self.auditor)
        head = self.family_a.members.first()
        assert self.client.get(detail(self.family_a)).status_code == 200
        assert self.client.get(edit(self.family_a)).status_code == 403
        assert self.client.post(edit(self.family_a), {"address": "Jl. Baru"}).status_code == 403
        assert self.client.get(member_edit(head)).status_code == 403
        self.family_a.refresh_from_db()
        assert self.family_a.address == ""
        self.assertNotContains(self.client.get(detail(self.family_a)), edit(self.family_a))

    def test_the_korwil_reads_only_too(self):
        self.client.force_login(self.korwil)
        assert self.client.get(edit(self.family_b)).status_code == 403


class NikTest(PersonaTestCase):
    def test_the_detail_page_shows_full_niks_to_a_pendamping_and_logs_it_once(self):
        make_member(self.family_a, relation="istri", sex="P")
        niks = list(self.family_a.members.values_list("nik", flat=True))
        self.client.force_login(self.pendamping_a)
        response = self.client.get(detail(self.family_a))
        for nik in niks:
            self.assertContains(response, nik)
        entry = AuditEntry.objects.get(action="registry.member.view_nik")
        assert entry.actor == self.pendamping_a
        assert entry.object_type == "registry.family"
        assert entry.object_id == str(self.family_a.pk)
        assert entry.details["count"] == 2
        assert entry.region_code == DESA_A

    def test_the_auditor_sees_masked_niks_and_nothing_is_logged(self):
        nik = self.family_a.members.get().nik
        self.client.force_login(self.auditor)
        response = self.client.get(detail(self.family_a))
        self.assertNotContains(response, nik)
        self.assertContains(response, mask_nik(nik))
        assert not AuditEntry.objects.filter(action="registry.member.view_nik").exists()

    def test_the_list_masks_niks_even_for_a_pendamping(self):
        nik = self.family_a.members.get().nik
        self.client.force_login(self.pendamping_a)
        response = self.client.get(LIST)
        self.assertNotContains(response, nik)
        self.assertContains(response, mask_nik(nik))


class SearchTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sari = make_family(
            registry_id="DTKS-777001",
            kk_number="1806010101770001",
            members=[{"relation": "kepala_keluarga", "name": "Sari Wulandari", "sex": "P"}],
        )
        cls.budi = make_family(
            registry_id="DTKS-778002",
            kk_number="1806010101780002",
            members=[{"relation": "kepala_keluarga", "name": "Budi Santoso"}],
        )

    def search(self, **params):
        self.client.force_login(self.korcam_a)
        response = self.client.get(LIST, params)
        assert response.status_code == 200
        return listed(response)

    def test_it_finds_a_registry_id_exactly_or_by_prefix(self):
        assert self.search(q="DTKS-777001") == {"DTKS-777001"}
        assert self.search(q="DTKS-77") == {"DTKS-777001", "DTKS-778002"}

    def test_it_finds_a_kk_number_exactly_or_by_prefix(self):
        assert self.search(q="1806010101780002") == {"DTKS-778002"}
        assert self.search(q="18060101017") == {"DTKS-777001", "DTKS-778002"}

    def test_it_finds_a_nik_exactly_only(self):
        nik = self.sari.members.get().nik
        assert self.search(q=nik) == {"DTKS-777001"}
        assert self.search(q=f"{nik[:6]}.{nik[6:12]}.{nik[12:]}") == {"DTKS-777001"}
        assert self.search(q=nik[:10]) == set()

    def test_it_finds_a_name_by_any_part_in_any_case(self):
        assert self.search(q="wulan") == {"DTKS-777001"}
        assert self.search(q="SANTOSO") == {"DTKS-778002"}
        assert self.search(q="Nobody") == set()

    def test_a_search_never_reaches_outside_the_scope(self):
        make_family(
            region_code=DESA_B, members=[{"relation": "kepala_keluarga", "name": "Sari Lain"}]
        )
        assert self.search(q="Sari") == {"DTKS-777001"}


class FilterTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.other_desa = "1806012002"
        make_region(cls.other_desa, "Pekon Baru")
        today = timezone.localdate()
        cls.in_other_desa = make_family(region_code=cls.other_desa)
        cls.exited = make_family(status="keluar", exit_reason="pindah")
        cls.with_toddler = make_family(
            members=[
                {"relation": "kepala_keluarga"},
                {"relation": "anak", "birth_date": today - timedelta(days=400)},
            ]
        )
        cls.with_sma_pupil = make_family(
            members=[
                {"relation": "kepala_keluarga"},
                {"relation": "anak", "birth_date": date(today.year - 16, 1, 1),
                 "school_level": "sma"},
            ]
        )  # fmt: skip

    def filtered(self, **params):
        self.client.force_login(self.korkab)
        response = self.client.get(LIST, params)
        assert response.status_code == 200
        return listed(response)

    def test_the_desa_select_offers_the_desa_in_scope_with_their_names(self):
        self.client.force_login(self.korcam_a)
        response = self.client.get(LIST)
        self.assertContains(response, "Pekon Baru (18.06.01.2002)")
        self.assertContains(response, "Kuripan (18.06.01.2001)")
        self.assertNotContains(response, "Sinar Semendo")  # Kecamatan B

    def test_a_scope_with_too_many_desa_gets_a_code_box_instead_of_a_select(self):
        self.client.force_login(self.admin_pusat)
        with mock.patch.object(families_view, "MAX_DESA_CHOICES", 2):
            response = self.client.get(LIST, {"desa": "18.06.01"})
        self.assertContains(response, '<input type="text" name="desa"')
        assert listed(response) == {
            self.family_a.registry_id,
            self.family_a2.registry_id,
            self.in_other_desa.registry_id,
            self.exited.registry_id,
            self.with_toddler.registry_id,
            self.with_sma_pupil.registry_id,
        }

    def test_it_filters_by_desa(self):
        assert self.filtered(desa=self.other_desa) == {self.in_other_desa.registry_id}
        assert self.family_b.registry_id in self.filtered(desa=DESA_B)
        assert self.family_a.registry_id not in self.filtered(desa=DESA_B)

    def test_it_filters_by_status(self):
        assert self.filtered(status="keluar") == {self.exited.registry_id}
        assert self.exited.registry_id not in self.filtered(status="aktif")

    def test_it_filters_by_the_component_earned_today(self):
        assert self.filtered(component="anak_usia_dini") == {self.with_toddler.registry_id}
        assert self.filtered(component="sma") == {self.with_sma_pupil.registry_id}
        assert self.filtered(component="lansia") == set()

    def test_an_unknown_filter_value_says_so_in_indonesian(self):
        self.client.force_login(self.korkab)
        response = self.client.get(LIST, {"status": "hilang"})
        assert response.context["families"] == []
        self.assertContains(response, "Masukkan pilihan yang valid")
        response = self.client.get(LIST, {"desa": "18x"})
        self.assertContains(response, "Kode wilayah tidak sah")


class PaginationTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for _ in range(120):
            make_family(region_code=DESA_A)

    def test_keyset_pages_cover_every_family_once(self):
        self.client.force_login(self.korcam_a)
        expected = list(
            Family.objects.visible_to(self.korcam_a)
            .order_by("registry_id")
            .values_list("registry_id", flat=True)
        )
        seen, params, pages = [], {}, 0
        while True:
            response = self.client.get(LIST, params)
            page = [f.registry_id for f in response.context["families"]]
            assert len(page) <= 50
            seen += page
            pages += 1
            next_query = response.context["pager"].next_query
            if not next_query:
                break
            assert f"after={page[-1]}" in next_query
            self.assertContains(response, f"after={page[-1]}")
            params = QueryDict(next_query)
        assert pages == 3
        assert seen == expected  # no duplicates, no gaps, in order
        assert response.context["total"] == 122

    def test_the_next_page_keeps_the_filters(self):
        self.client.force_login(self.korcam_a)
        response = self.client.get(LIST, {"status": "aktif"})
        assert "status=aktif" in response.context["pager"].next_query

    def test_the_list_costs_the_same_queries_for_one_page_of_any_size(self):
        self.client.force_login(self.korcam_a)
        for family in Family.objects.filter(region_code=DESA_A)[:20]:
            make_member(family, relation="istri", sex="P")
        # session, user, desa options, count, page, heads, user's region (heading)
        with self.assertNumQueries(7):
            response = self.client.get(LIST)
        assert len(response.context["families"]) == 50
        with self.assertNumQueries(7):
            response = self.client.get(LIST, {"q": "Warga", "desa": DESA_A, "status": "aktif"})
        assert len(response.context["families"]) == 50

    def page_ids(self, response) -> list[str]:
        return [f.registry_id for f in response.context["families"]]

    def follow(self, response, link: str):
        return self.client.get(LIST, QueryDict(getattr(response.context["pager"], link)))

    def expected(self) -> list[str]:
        return list(
            Family.objects.visible_to(self.korcam_a)
            .order_by("registry_id")
            .values_list("registry_id", flat=True)
        )

    def test_next_then_previous_returns_the_first_page(self):
        self.client.force_login(self.korcam_a)
        first = self.client.get(LIST, {"status": "aktif"})
        second = self.follow(first, "next_query")
        back = self.follow(second, "previous_query")
        assert self.page_ids(second) == self.expected()[50:100]
        assert self.page_ids(back) == self.page_ids(first) == self.expected()[:50]
        assert back.context["pager"].number == 1
        assert back.context["pager"].previous_query is None
        assert QueryDict(back.context["pager"].next_query)["status"] == "aktif"

    def test_previous_from_the_third_page_is_read_by_a_cursor(self):
        self.client.force_login(self.korcam_a)
        third = self.follow(self.follow(self.client.get(LIST), "next_query"), "next_query")
        assert self.page_ids(third) == self.expected()[100:]  # 122 families: 22 on page 3
        previous = third.context["pager"].previous_query
        assert f"before={self.expected()[100]}" in previous
        second = self.client.get(LIST, QueryDict(previous))
        assert self.page_ids(second) == self.expected()[50:100]
        pager = second.context["pager"]
        assert (pager.number, pager.num_pages) == (2, 3)
        assert pager.previous_query == ""  # the first page: the list without a cursor
        assert f"after={self.expected()[99]}" in pager.next_query

    def test_a_numbered_page_far_away_is_offered_and_read_by_its_number(self):
        self.client.force_login(self.korcam_a)
        response = self.client.get(LIST)
        self.assertContains(response, 'href="?halaman=3">3</a>')
        self.assertContains(response, '<p class="total muted" data-total="122">Jumlah: 122</p>')
        third = self.client.get(LIST, {"halaman": 3})
        assert self.page_ids(third) == self.expected()[100:]
        assert third.context["pager"].next_query is None

    def test_its_queries_do_not_grow_with_the_page_number(self):
        self.client.force_login(self.korcam_a)
        with mock.patch.object(families_view, "PAGE_SIZE", 10):
            # session, user, desa options, count, page, heads, user's region (heading)
            with self.assertNumQueries(7):
                first = self.client.get(LIST)
            assert first.context["pager"].num_pages == 13
            with self.assertNumQueries(7):
                last = self.client.get(LIST, {"halaman": 13})
            with self.assertNumQueries(7):
                before_last = self.follow(last, "previous_query")
            with self.assertNumQueries(7):
                self.follow(before_last, "next_query")
        assert self.page_ids(last) == self.expected()[120:]
        assert self.page_ids(before_last) == self.expected()[110:120]

    def test_the_list_is_a_scrollable_table_on_a_phone(self):
        self.client.force_login(self.korcam_a)
        self.assertContains(self.client.get(LIST), 'class="table-wrap"')


class DetailTest(PersonaTestCase):
    def test_it_shows_the_family_its_members_and_their_components_today(self):
        today = timezone.localdate()
        family = make_family(
            pendamping=self.pendamping_a,
            address="Dusun II RT 03",
            bank="BRI",
            kks_number="6013011234567890",
            desil=2,
            members=[
                {"relation": "kepala_keluarga", "name": "Ahmad Yani"},
                {"relation": "istri", "sex": "P", "name": "Siti Aminah", "pregnant": True},
                {"relation": "anak", "name": "Rudi", "birth_date": date(today.year - 9, 1, 1),
                 "school_level": "sd"},
            ],
        )  # fmt: skip
        self.client.force_login(self.pendamping_a)
        response = self.client.get(detail(family))
        for text in (
            family.registry_id,
            family.kk_number,
            "Kuripan",
            "18.06.01.2001",
            "Dusun II RT 03",
            "6013011234567890",
            "Pendamping A",
            "Ahmad Yani",
            "Ibu hamil/nifas",
            "SD/sederajat",
        ):
            self.assertContains(response, text)
        assert response.context["components"] == [("Ibu hamil/nifas", 1), ("SD/sederajat", 1)]
        self.assertContains(response, edit(family))

    def test_the_history_reads_as_a_sentence_of_who_did_what_when(self):
        self.client.force_login(self.pendamping_a)
        at = datetime(2026, 12, 1, 14, 5, tzinfo=timezone.get_current_timezone())
        with mock.patch("django.utils.timezone.now", return_value=at):
            self.client.post(edit(self.family_a), {"address": "Dusun I", "version": 1})
            self.client.post(edit(self.family_a), {"address": "Dusun II", "version": 2})
        response = self.client.get(detail(self.family_a))
        history = response.context["history"]
        assert [str(line) for line in history] == [
            "Pendamping A mengoreksi data keluarga: Alamat 'Dusun I' → 'Dusun II' · 1 Des 2026 14.05",
            "Pendamping A mengoreksi data keluarga: Alamat — → 'Dusun I' · 1 Des 2026 14.05",
        ]
        self.assertContains(
            response,
            "<strong>Pendamping A</strong> mengoreksi data keluarga: "
            "Alamat &#x27;Dusun I&#x27; → &#x27;Dusun II&#x27;",
        )
        self.assertContains(
            response,
            '<time class="muted" datetime="2026-12-01T14:05:00+07:00">1 Des 2026 14.05</time>',
        )
        self.assertNotContains(response, "registry.family.update")
        self.assertNotContains(response, "address")

    def test_the_history_names_a_member_and_writes_labels_not_codes(self):
        head = self.family_a.members.get()
        trail.record(
            self.korcam_a, "registry.change.approve", head,
            changes={"pregnant": [False, True], "relation": ["anak", "istri"],
                     "school_level": ["", "sd"], "birth_date": ["1990-02-03", "1991-02-03"]},
        )  # fmt: skip
        self.client.force_login(self.pendamping_a)
        history = self.client.get(detail(self.family_a)).context["history"]
        assert str(history[0]).split(" · ")[0] == (
            f"Korcam A menyetujui pemutakhiran data {head.name}: "
            "Tanggal lahir 3 Feb 1990 → 3 Feb 1991; Hubungan keluarga Anak → Istri; "
            "Hamil/nifas Tidak → Ya; Jenjang pendidikan — → SD/sederajat"
        )

    def test_the_history_includes_change_requests_but_not_nik_views(self):
        request = ChangeRequest.objects.create(
            family=self.family_a,
            region_code=DESA_A,
            kind="pindah",
            payload={"address": "Jl. Lain"},
            requested_by=self.pendamping_a,
        )
        trail.record(self.pendamping_a, "registry.change.request", request)
        self.client.force_login(self.korcam_a)
        self.client.get(detail(self.family_a))  # a full-NIK view, logged but not listed
        history = self.client.get(detail(self.family_a)).context["history"]
        assert [line.label for line in history] == ["Pengajuan pemutakhiran data"]

    def test_the_detail_page_costs_a_fixed_number_of_queries(self):
        for _ in range(5):
            make_member(self.family_a)
        self.client.force_login(self.auditor)
        # session, user, family, members, its name (head, desa), history; the benefits panel:
        # stage, entitlements, payments; the KKS panel: latest card entry; the
        # compliance panel: members, year rules ×2, verifications, sanctions; the
        # P2K2 panel: memberships, curriculum, completed sessions, rules, flag,
        # recent attendance; the graduation panel: open proposal; the complaints panel: the
        # family's complaints the user sees; the programmes panel: participations, proposals,
        # year rules ×2, the members' gaps, the BPNT gap
        with self.assertNumQueries(30):
            self.client.get(detail(self.family_a))


class FamilyEditTest(PersonaTestCase):
    def test_a_pendamping_corrects_the_address_and_the_diff_is_audited(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.post(edit(self.family_a), {"address": "Jl. Merdeka 1", "version": 1})
        self.assertRedirects(response, detail(self.family_a))
        self.family_a.refresh_from_db()
        assert self.family_a.address == "Jl. Merdeka 1"
        entry = AuditEntry.objects.get(action="registry.family.update")
        assert entry.actor == self.pendamping_a
        assert entry.object_id == str(self.family_a.pk)
        assert entry.changes == {"address": ["", "Jl. Merdeka 1"]}

    def test_bank_kks_desil_and_desa_smuggled_into_the_post_change_nothing(self):
        self.client.force_login(self.pendamping_a)
        self.client.post(
            edit(self.family_a),
            {"address": "Jl. Merdeka 1", "bank": "BNI", "kks_number": "5264220100001234",
             "desil": "2", "region_code": DESA_B, "version": 1},
        )  # fmt: skip
        family = Family.objects.get(pk=self.family_a.pk)
        assert (family.bank, family.kks_number, family.desil, family.region_code) == (
            "", "", None, DESA_A)  # fmt: skip
        assert family.address == "Jl. Merdeka 1"
        entry = AuditEntry.objects.get(action="registry.family.update")
        assert entry.changes == {"address": ["", "Jl. Merdeka 1"]}

    def test_the_form_offers_only_the_address(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(edit(self.family_a))
        assert [f.name for f in response.context["form"].visible_fields()] == ["address"]
        self.assertNotContains(response, 'name="kks_number"')

    def test_saving_without_a_change_writes_nothing(self):
        self.client.force_login(self.pendamping_a)
        self.client.post(edit(self.family_a), {"address": "", "version": 1})
        assert not AuditEntry.objects.filter(action="registry.family.update").exists()

    def test_the_form_sends_what_pays_to_pemutakhiran(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(edit(self.family_a))
        self.assertContains(response, "pemutakhiran data")
        self.assertContains(response, reverse("registry:change_new", args=[self.family_a.pk]))


class MemberEditTest(PersonaTestCase):
    def setUp(self):
        self.head = self.family_a.members.get()

    def test_a_spelling_correction_is_saved_and_audited(self):
        self.client.force_login(self.pendamping_a)
        old = self.head.name
        response = self.client.post(
            member_edit(self.head), {"name": "Muhammad Rizki", "version": 1}
        )
        self.assertRedirects(response, detail(self.family_a))
        self.head.refresh_from_db()
        assert self.head.name == "Muhammad Rizki"
        entry = AuditEntry.objects.get(action="registry.member.update")
        assert entry.object_type == "registry.member"
        assert entry.region_code == DESA_A
        assert entry.changes == {"name": [old, "Muhammad Rizki"]}
        # The family's history lists its members' changes too.
        history = self.client.get(detail(self.family_a)).context["history"]
        assert history[0].entry == entry

    def test_ticking_disabilitas_berat_on_the_direct_form_changes_nothing(self):
        # The head, born 17-05-1985, is 41: he earns no component of his own.
        self.client.force_login(self.pendamping_a)
        self.client.post(
            member_edit(self.head),
            {"name": self.head.name, "severe_disability": "on", "sex": "P",
             "birth_date": "1950-01-01", "relation": "orang_tua", "version": 1},
        )  # fmt: skip
        member = Member.objects.get(pk=self.head.pk)
        assert not member.severe_disability
        assert (member.sex, member.birth_date, member.relation) == (
            "L", date(1985, 5, 17), "kepala_keluarga")  # fmt: skip
        assert component_for(member, timezone.localdate()) is None
        assert not AuditEntry.objects.filter(action="registry.member.update").exists()
        response = self.client.get(detail(self.family_a))
        assert response.context["component_count"] == 0

    def test_the_form_offers_only_the_name(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(member_edit(self.head))
        assert [f.name for f in response.context["form"].visible_fields()] == ["name"]
        self.assertNotContains(response, 'name="severe_disability"')

    def test_an_empty_name_is_refused_in_indonesian(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.post(member_edit(self.head), {"name": "   ", "version": 1})
        assert response.status_code == 200
        self.assertContains(response, "Nama tidak boleh kosong.")
        assert Member.objects.get(pk=self.head.pk).name == self.head.name
        assert not AuditEntry.objects.filter(action="registry.member.update").exists()

    def test_pregnancy_and_school_level_are_not_on_this_form(self):
        self.client.force_login(self.pendamping_a)
        self.client.post(
            member_edit(self.head),
            {"name": self.head.name, "pregnant": "on", "school_level": "sma", "version": 1},
        )
        self.head.refresh_from_db()
        assert (self.head.pregnant, self.head.school_level) == (False, "")
        self.assertContains(self.client.get(member_edit(self.head)), "pemutakhiran data")

    def test_the_form_masks_the_nik(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(member_edit(self.head))
        self.assertNotContains(response, self.head.nik)
