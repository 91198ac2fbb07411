from django.urls import reverse

from harapan.audit.models import AuditEntry
from harapan.benefits.models import BenefitIndex, Stage
from harapan.testing import PersonaTestCase


class IndexAdminTest(PersonaTestCase):
    def test_an_admin_edits_a_years_index_and_the_change_is_audited(self):
        self.client.force_login(self.admin_pusat)
        url = reverse("admin:benefits_benefityear_change", args=[2026])
        form = self.client.get(url).context["adminform"].form
        data = {k: v for k, v in form.initial.items() if v is not None}
        index = list(BenefitIndex.objects.filter(year_id=2026).order_by("id"))
        stages = list(Stage.objects.filter(year_id=2026).order_by("id"))
        data.update({"index-TOTAL_FORMS": len(index), "index-INITIAL_FORMS": len(index),
                     "index-MIN_NUM_FORMS": 0, "index-MAX_NUM_FORMS": 1000,
                     "stages-TOTAL_FORMS": len(stages), "stages-INITIAL_FORMS": len(stages),
                     "stages-MIN_NUM_FORMS": 0, "stages-MAX_NUM_FORMS": 1000})  # fmt: skip
        for n, row in enumerate(index):
            amount = 1_000_000 if row.component == "sd" else row.annual_amount
            data.update({f"index-{n}-id": row.pk, f"index-{n}-year": 2026,
                         f"index-{n}-component": row.component,
                         f"index-{n}-annual_amount": amount,
                         f"index-{n}-family_cap": row.family_cap or ""})  # fmt: skip
        for n, row in enumerate(stages):
            data.update({f"stages-{n}-id": row.pk, f"stages-{n}-year": 2026,
                         f"stages-{n}-number": row.number,
                         f"stages-{n}-period_start": row.period_start.isoformat(),
                         f"stages-{n}-period_end": row.period_end.isoformat(),
                         f"stages-{n}-payment_date": "2026-12-10" if row.number == 4 else ""})  # fmt: skip
        response = self.client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:3000]
        assert BenefitIndex.objects.get(year_id=2026, component="sd").annual_amount == 1_000_000
        assert str(Stage.objects.get(year_id=2026, number=4).payment_date) == "2026-12-10"
        changes = AuditEntry.objects.filter(action__in=["benefits.benefitindex.change",
                                                       "benefits.stage.change"])  # fmt: skip
        assert {e.action for e in changes} == {
            "benefits.benefitindex.change",
            "benefits.stage.change",
        }
        sd = changes.get(action="benefits.benefitindex.change")
        assert sd.changes["annual_amount"] == [900000, 1000000]
