from datetime import date

from django.urls import reverse
from django.utils import timezone

from harapan.benefits.batch import compute_entitlements
from harapan.benefits.models import Disbursement, DisbursementImport, Stage
from harapan.benefits.panels import current_stage
from harapan.testing import PersonaTestCase, make_member


class FamilyPanelTest(PersonaTestCase):
    def test_the_family_page_shows_this_stages_components_money_and_payments(self):
        make_member(self.family_a, birth_date=date(2012, 1, 1), school_level="smp", name="Bayu")
        stage = current_stage()
        compute_entitlements(stage)
        batch = DisbursementImport.objects.create(stage=stage, file_name="bri.csv")
        Disbursement.objects.create(batch=batch, stage=stage, family=self.family_a,
                                    region_code=self.family_a.region_code, line=2,
                                    registry_id=self.family_a.registry_id, amount=375_000,
                                    paid_on=timezone.localdate(), status="berhasil")  # fmt: skip
        self.client.force_login(self.pendamping_a)
        response = self.client.get(reverse("registry:family_detail", args=[self.family_a.pk]))
        html = response.content.decode()
        assert str(stage) in html
        assert "SMP/sederajat" in html and "Bayu" in html
        assert "Rp 375,000" in html or "Rp 375.000" in html
        assert "Berhasil" in html

    def test_a_stage_not_yet_computed_says_so(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(reverse("registry:family_detail", args=[self.family_a.pk]))
        self.assertContains(response, "Penetapan tahap ini belum dihitung")

    def test_the_current_stage_is_the_one_whose_period_holds_today(self):
        stage = current_stage(date(2025, 5, 20))
        assert (stage.year_id, stage.number) == (2025, 2)
        assert Stage.objects.filter(year_id=2025).count() == 4
