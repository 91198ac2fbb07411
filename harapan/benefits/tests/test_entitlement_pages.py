from datetime import date
from io import BytesIO

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from harapan.audit.models import AuditEntry
from harapan.benefits.batch import compute_entitlements
from harapan.benefits.models import Disbursement, DisbursementImport, Stage
from harapan.testing import PersonaTestCase, make_member

STAGE = {"year": 2025, "stage": 3}


class EntitlementPagesTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_member(cls.family_a, birth_date=date(2012, 1, 1), school_level="smp")
        make_member(cls.family_b, birth_date=date(2009, 1, 1), school_level="sma")
        cls.stage = Stage.objects.select_related("year").get(year_id=2025, number=3)
        compute_entitlements(cls.stage)

    def test_a_pendamping_sees_only_their_caseloads_entitlements(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(reverse("benefits:entitlement_list"), STAGE)
        assert response.context["summary"] == {"families": 1, "paid": 1, "total": 375_000}
        assert [r[0] for r in response.context["rows"]] == [self.family_a]

    def test_the_korkab_sees_the_kabupaten(self):
        self.client.force_login(self.korkab)
        response = self.client.get(reverse("benefits:entitlement_list"), STAGE)
        assert response.context["summary"]["total"] == 875_000

    def test_the_xlsx_export_has_the_contract_columns_and_is_audited(self):
        self.client.force_login(self.korcam_a)
        response = self.client.get(reverse("benefits:entitlement_export"), STAGE)
        sheet = load_workbook(BytesIO(response.content)).active
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert rows == [
            ["id_keluarga", "tahun", "tahap", "komponen", "jumlah"],
            [self.family_a.registry_id, 2025, 3, "smp", 375000],
        ]
        assert AuditEntry.objects.filter(action="benefits.entitlements.export").exists()


class BenefitsApiTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_member(cls.family_a, birth_date=date(2012, 1, 1), school_level="smp")
        make_member(cls.family_b, birth_date=date(2009, 1, 1), school_level="sma")
        stage = Stage.objects.select_related("year").get(year_id=2025, number=3)
        compute_entitlements(stage)
        batch = DisbursementImport.objects.create(stage=stage, file_name="bri.csv")
        for n, family in enumerate([cls.family_a, cls.family_b], start=2):
            Disbursement.objects.create(batch=batch, stage=stage, family=family,
                                        region_code=family.region_code, line=n,
                                        registry_id=family.registry_id, amount=1,
                                        paid_on=timezone.localdate(), status="berhasil")  # fmt: skip

    def test_entitlements_are_scoped_and_paged(self):
        self.client.force_login(self.pendamping_b)
        body = self.client.get("/api/v1/entitlements", {**STAGE, "limit": 1}).json()
        assert [e["id_keluarga"] for e in body["items"]] == [self.family_b.registry_id]
        assert body["items"][0]["komponen"][0]["komponen"] == "sma"
        assert body["next"] is None
        self.client.force_login(self.korkab)
        first = self.client.get("/api/v1/entitlements", {**STAGE, "limit": 1}).json()
        second = self.client.get(
            "/api/v1/entitlements", {**STAGE, "limit": 1, "after": first["next"]}
        ).json()
        assert len(first["items"]) == len(second["items"]) == 1
        assert first["items"][0]["id_keluarga"] != second["items"][0]["id_keluarga"]

    def test_another_kecamatans_family_is_not_found(self):
        self.client.force_login(self.pendamping_b)
        url = f"/api/v1/families/{self.family_a.pk}/entitlements"
        assert self.client.get(url).status_code == 404
        self.client.force_login(self.pendamping_a)
        assert self.client.get(url).json()[0]["jumlah"] == 375_000

    def test_disbursements_are_scoped(self):
        self.client.force_login(self.pendamping_a)
        body = self.client.get("/api/v1/disbursements", STAGE).json()
        assert [d["id_keluarga"] for d in body["items"]] == [self.family_a.registry_id]


class EntitlementListPagesTest(PersonaTestCase):
    """Five paid families of Kecamatan A, two to a page: pages 1-2-3, and back by cursor."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        from harapan.testing import DESA_A, make_family

        cls.paid = []
        for n in range(5):
            family = make_family(region_code=DESA_A, registry_id=f"PAGE{n}")
            make_member(family, birth_date=date(2012, 1, 1), school_level="smp")
            cls.paid.append(family)
        make_family(region_code=DESA_A, registry_id="PAGE9")  # nothing to pay: not listed
        stage = Stage.objects.select_related("year").get(year_id=2025, number=3)
        compute_entitlements(stage)

    def ids(self, response) -> list[str]:
        return [family.registry_id for family, _components, _total in response.context["rows"]]

    def test_numbered_pages_and_previous_and_next(self):
        from unittest import mock

        from harapan.benefits import views_entitlements

        self.client.force_login(self.korcam_a)
        url = reverse("benefits:entitlement_list")
        with mock.patch.object(views_entitlements, "PAGE", 2):
            first = self.client.get(url, STAGE)
            assert self.ids(first) == ["PAGE0", "PAGE1"]
            self.assertContains(first, 'data-total="5"')
            self.assertContains(first, "Halaman 1 dari 3")
            second = self.client.get(url + "?" + first.context["pager"].next_query)
            assert self.ids(second) == ["PAGE2", "PAGE3"]
            third = self.client.get(url, {**STAGE, "halaman": 3})
            assert self.ids(third) == ["PAGE4"]
            back = self.client.get(url + "?" + third.context["pager"].previous_query)
            assert self.ids(back) == ["PAGE2", "PAGE3"]
