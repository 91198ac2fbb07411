"""Benefits pages show labels, not codes, and write amounts, dates and region codes one way
(DESIGN §11 "Pages")."""

from datetime import date

from django.urls import reverse

from harapan.benefits.batch import compute_entitlements
from harapan.benefits.models import (
    Disbursement,
    DisbursementImport,
    KksCustody,
    KksHolder,
    KksStatus,
    Stage,
)
from harapan.testing import DESA_A, PersonaTestCase, make_family

STAGE = {"year": 2025, "stage": 3}


class SantosoFixture(PersonaTestCase):
    """Stage III 2025 (reference date 1 July 2025) for the Santoso family of Kuripan.

    Budi (1980) earns nothing; Andi (2022) is anak_usia_dini, 3,000,000 a year,
    750,000 a stage; Karto (1951, aged 74) is lansia, 2,400,000 a year, 600,000
    a stage: Rp 1,350,000, Andi first (the higher annual value).
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.santoso = make_family(
            region_code=DESA_A,
            pendamping=cls.pendamping_a,
            members=[
                {"name": "Budi Santoso", "relation": "kepala_keluarga",
                 "birth_date": date(1980, 2, 10)},
                {"name": "Andi", "birth_date": date(2022, 4, 20)},
                {"name": "Karto", "relation": "orang_tua", "birth_date": date(1951, 3, 1)},
            ],
        )  # fmt: skip
        cls.stage = Stage.objects.select_related("year").get(year_id=2025, number=3)
        compute_entitlements(cls.stage)


class BenefitsPagesTest(SantosoFixture):
    def test_the_entitlement_list_names_components_by_their_labels(self):
        self.client.force_login(self.korcam_a)
        response = self.client.get(reverse("benefits:entitlement_list"), STAGE)
        self.assertContains(response, "Anak usia dini, Lanjut usia")
        self.assertContains(response, "Rp 1.350.000")
        self.assertNotContains(response, "anak_usia_dini")
        self.assertNotContains(response, "lansia;")

    def test_the_reconciliation_writes_dates_money_and_region_codes_one_way(self):
        batch = DisbursementImport.objects.create(stage=self.stage, file_name="bri.csv")
        # Nobody's line, filed under the uploader's kabupaten: "not targeted".
        Disbursement.objects.create(
            batch=batch, stage=self.stage, family=None, region_code="1806", line=2,
            registry_id="TIDAKADA01", amount=2_850_000, paid_on=date(2025, 7, 16),
            status="berhasil",
        )  # fmt: skip
        self.client.force_login(self.operator)  # unmatched lines are the operator's to see
        response = self.client.get(reverse("benefits:reconciliation"), STAGE)
        self.assertContains(response, "<td>16 Jul 2025</td>", html=True)
        self.assertContains(response, '<td class="nowrap">Rp 2.850.000</td>', html=True)
        self.assertContains(response, '<td class="nowrap">18.06</td>', html=True)
        self.assertContains(response, "Periode tahap 1 Jul 2025 s.d. 30 Sep 2025.")
        self.assertNotContains(response, "16-07-2025")

    def test_the_card_pages_write_dates_one_way(self):
        KksCustody.objects.create(
            family=self.santoso, region_code=DESA_A, status=KksStatus.HELD_BY_OTHER,
            holder=KksHolder.RELATIVE, since=date(2026, 11, 3), recorded_by=self.pendamping_a,
        )  # fmt: skip
        self.client.force_login(self.pendamping_a)
        family_page = self.client.get(reverse("benefits:kks_family", args=[self.santoso.pk]))
        self.assertContains(family_page, "sejak 3 Nov 2026")
        self.assertContains(family_page, "18.06.01.2001")
        self.assertNotContains(family_page, "03-11-2026")
        listing = self.client.get(reverse("benefits:kks_not_held"))
        self.assertContains(listing, "sejak 3 Nov 2026")
        self.assertNotContains(listing, "03-11-2026")


class BenefitsPagesNameFamiliesTest(SantosoFixture):
    """The same Santoso family, named by its head and desa with its ID beside it."""

    def named(self) -> str:
        return (
            '<span class="family-name">Budi Santoso · Kuripan</span>'
            f' <span class="muted nowrap">{self.santoso.registry_id}</span>'
        )

    def test_the_entitlement_list_and_reconciliation_name_the_family(self):
        self.client.force_login(self.korcam_a)
        for name in ("benefits:entitlement_list", "benefits:reconciliation"):
            response = self.client.get(reverse(name), STAGE)
            self.assertContains(response, self.named(), html=True)

    def test_the_card_pages_name_the_family(self):
        KksCustody.objects.create(
            family=self.santoso, region_code=DESA_A, status=KksStatus.LOST,
            since=date(2026, 11, 3), recorded_by=self.pendamping_a,
        )  # fmt: skip
        self.client.force_login(self.pendamping_a)
        family_page = self.client.get(reverse("benefits:kks_family", args=[self.santoso.pk]))
        self.assertContains(
            family_page, f"<title>Kartu KKS Budi Santoso · Kuripan ({self.santoso.registry_id})"
        )
        self.assertContains(family_page, self.named(), html=True)
        listing = self.client.get(reverse("benefits:kks_not_held"))
        self.assertContains(listing, self.named(), html=True)
