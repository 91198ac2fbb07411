from datetime import timedelta

from django.utils import timezone

from harapan.accounts.models import ApiToken
from harapan.audit.models import AuditEntry
from harapan.lib.nik import mask_nik
from harapan.registry.models import Family
from harapan.testing import DESA_A, DESA_B, PersonaTestCase, make_family, make_member

FAMILIES = "/api/v1/families"


def family_url(family) -> str:
    return f"/api/v1/families/{family.pk}"


def member_url(nik: str) -> str:
    return f"/api/v1/members/{nik}"


class ApiTestCase(PersonaTestCase):
    def get(self, user, url, **params):
        self.client.force_login(user)
        return self.client.get(url, params)

    def ids(self, user, **params) -> set[str]:
        response = self.get(user, FAMILIES, **params)
        assert response.status_code == 200, response.content
        return {item["id_keluarga"] for item in response.json()["items"]}


class ScopeTest(ApiTestCase):
    def test_anonymous_callers_are_refused(self):
        for url in (FAMILIES, family_url(self.family_a), member_url("1806011705850001")):
            assert self.client.get(url).status_code == 401, url

    def test_a_pendamping_of_another_kecamatan_gets_404_for_family_a(self):
        nik = self.family_a.members.get().nik
        assert self.get(self.pendamping_b, family_url(self.family_a)).status_code == 404
        assert self.get(self.pendamping_b, member_url(nik)).status_code == 404
        assert self.family_a.registry_id not in self.ids(self.pendamping_b)

    def test_a_pendamping_sees_their_own_family(self):
        assert self.ids(self.pendamping_a) == {self.family_a.registry_id}
        response = self.get(self.pendamping_a, family_url(self.family_a))
        assert response.status_code == 200
        assert response.json()["id_keluarga"] == self.family_a.registry_id
        assert self.get(self.pendamping_a, family_url(self.family_a2)).status_code == 404

    def test_a_korcam_sees_both_families_of_their_kecamatan(self):
        assert self.ids(self.korcam_a) == {self.family_a.registry_id, self.family_a2.registry_id}
        assert self.get(self.korcam_a, family_url(self.family_a2)).status_code == 200
        assert self.get(self.korcam_a, family_url(self.family_b)).status_code == 404

    def test_a_token_works_like_a_session(self):
        _, key = ApiToken.issue(self.pendamping_b, "integrasi")
        response = self.client.get(FAMILIES, HTTP_AUTHORIZATION=f"Token {key}")
        assert {i["id_keluarga"] for i in response.json()["items"]} == {self.family_b.registry_id}
        response = self.client.get(family_url(self.family_a), HTTP_AUTHORIZATION=f"Token {key}")
        assert response.status_code == 404

    def test_the_openapi_schema_lists_the_endpoints(self):
        response = self.client.get("/api/v1/openapi.json")
        assert response.status_code == 200
        paths = response.json()["paths"]
        for path in ("/api/v1/families", "/api/v1/families/{family_id}", "/api/v1/members/{nik}"):
            assert path in paths


class FamilyTest(ApiTestCase):
    def test_a_family_comes_with_its_members_and_their_components_today(self):
        today = timezone.localdate()
        make_member(self.family_a, relation="anak", birth_date=today - timedelta(days=400))
        self.family_a.bank, self.family_a.desil = "BRI", 3
        self.family_a.save()
        body = self.get(self.pendamping_a, family_url(self.family_a)).json()
        assert body["kode_desa"] == DESA_A
        assert body["no_kk"] == self.family_a.kk_number
        assert (body["bank"], body["desil"], body["status"]) == ("BRI", 3, "aktif")
        assert body["pendamping"] == "pendamping_a"
        members = {m["hubungan_keluarga"]: m for m in body["anggota"]}
        assert members["anak"]["komponen"] == "anak_usia_dini"
        assert members["kepala_keluarga"]["komponen"] is None
        assert members["kepala_keluarga"]["status_hidup"] == "hidup"
        assert set(members["anak"]) >= {
            "nik", "nama", "jenis_kelamin", "tanggal_lahir", "hubungan_keluarga", "hamil",
            "jenjang_pendidikan", "disabilitas_berat", "status_hidup", "komponen",
        }  # fmt: skip

    def test_full_niks_go_to_a_pendamping_and_the_view_is_audited(self):
        nik = self.family_a.members.get().nik
        body = self.get(self.pendamping_a, family_url(self.family_a)).json()
        assert body["anggota"][0]["nik"] == nik
        entry = AuditEntry.objects.get(action="registry.member.view_nik")
        assert entry.actor == self.pendamping_a
        assert entry.object_id == str(self.family_a.pk)
        assert entry.details == {"count": 1, "via": "api"}

    def test_the_auditor_gets_masked_niks_and_no_view_is_logged(self):
        nik = self.family_a.members.get().nik
        body = self.get(self.auditor, family_url(self.family_a)).json()
        assert body["anggota"][0]["nik"] == mask_nik(nik)
        assert not AuditEntry.objects.filter(action="registry.member.view_nik").exists()


class MemberTest(ApiTestCase):
    def test_a_member_is_found_by_nik_in_scope(self):
        nik = self.family_a.members.get().nik
        response = self.get(self.korcam_a, member_url(nik))
        assert response.status_code == 200
        [member] = response.json()
        assert (member["nik"], member["id_keluarga"]) == (nik, self.family_a.registry_id)
        assert member["keluarga"] == self.family_a.pk

    def test_the_same_nik_in_two_families_lists_both(self):
        nik = self.family_a.members.get().nik
        make_member(self.family_a2, nik=nik)
        response = self.get(self.korcam_a, member_url(nik))
        assert {m["id_keluarga"] for m in response.json()} == {
            self.family_a.registry_id,
            self.family_a2.registry_id,
        }
        # The pendamping sees only the one in their caseload.
        assert len(self.get(self.pendamping_a, member_url(nik)).json()) == 1

    def test_the_auditor_gets_the_nik_masked(self):
        nik = self.family_b.members.get().nik
        [member] = self.get(self.auditor, member_url(nik)).json()
        assert member["nik"] == mask_nik(nik)

    def test_an_unknown_nik_is_404_and_a_malformed_one_422(self):
        assert self.get(self.admin_pusat, member_url("1806011705859999")).status_code == 404
        response = self.get(self.admin_pusat, member_url("12345"))
        assert response.status_code == 422
        assert "16 angka" in response.json()["detail"]


class SearchAndFilterTest(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sari = make_family(
            registry_id="DTKS-777001",
            kk_number="1806010101770001",
            members=[{"relation": "kepala_keluarga", "name": "Sari Wulandari", "sex": "P"}],
        )
        cls.exited = make_family(region_code=DESA_B, status="keluar", exit_reason="pindah")

    def test_it_searches_by_id_kk_nik_and_name(self):
        nik = self.sari.members.get().nik
        for q in ("DTKS-777", "DTKS-777001", "180601010177", nik, "wulandari"):
            assert self.ids(self.korkab, q=q) == {"DTKS-777001"}, q

    def test_it_filters_by_desa_status_and_component(self):
        assert self.ids(self.korkab, desa=DESA_B) == {
            self.family_b.registry_id,
            self.exited.registry_id,
        }
        assert self.ids(self.korkab, status="keluar") == {self.exited.registry_id}
        make_member(self.family_b, relation="orang_tua", birth_date=timezone.localdate().replace(
            year=timezone.localdate().year - 75) - timedelta(days=1))  # fmt: skip
        assert self.ids(self.korkab, komponen="lansia") == {self.family_b.registry_id}

    def test_invalid_filters_are_422_in_indonesian(self):
        assert self.get(self.korkab, FAMILIES, status="hilang").status_code == 422
        response = self.get(self.korkab, FAMILIES, desa="18x")
        assert response.status_code == 422
        assert "Kode wilayah tidak sah" in response.json()["detail"]
        assert self.get(self.korkab, FAMILIES, limit=0).status_code == 422


class PaginationTest(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for _ in range(110):
            make_family(region_code=DESA_A)

    def test_keyset_pages_cover_every_family_once(self):
        expected = list(
            Family.objects.visible_to(self.korkab)
            .order_by("registry_id")
            .values_list("registry_id", flat=True)
        )
        assert len(expected) == 113
        seen, cursor = [], ""
        while True:
            body = self.get(self.korkab, FAMILIES, after=cursor, limit=50).json()
            assert len(body["items"]) <= 50
            seen += [item["id_keluarga"] for item in body["items"]]
            cursor = body["next"]
            if cursor is None:
                break
            assert cursor == seen[-1]
        assert seen == expected  # no duplicates, no gaps, in order

    def test_a_page_costs_a_fixed_number_of_queries(self):
        self.client.force_login(self.korkab)
        # session, user, the page of families with their pendamping
        with self.assertNumQueries(3):
            body = self.client.get(FAMILIES, {"limit": 100}).json()
        assert len(body["items"]) == 100
