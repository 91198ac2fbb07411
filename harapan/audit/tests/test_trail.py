import pytest
from django.urls import reverse

from harapan.audit import trail
from harapan.audit.models import AppendOnlyError, AuditEntry
from harapan.testing import PersonaTestCase


class AuditTrailTest(PersonaTestCase):
    def test_an_admin_change_is_recorded_with_the_fields_it_changed(self):
        self.client.force_login(self.admin_pusat)
        url = reverse("admin:registry_family_change", args=[self.family_a.pk])
        page = self.client.get(url)
        assert page.status_code == 200
        form = page.context["adminform"].form
        data = {k: ("" if v is None else v) for k, v in form.initial.items()}
        data.update({
            "address": "Jl. Baru No. 5",
            "pendamping": self.pendamping_a.pk,
            "members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0",
            "members-MIN_NUM_FORMS": "0", "members-MAX_NUM_FORMS": "1000",
        })  # fmt: skip
        data.pop("exit_date", None)
        response = self.client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        entry = AuditEntry.objects.get(action="registry.family.change")
        assert entry.actor == self.admin_pusat
        assert entry.object_id == str(self.family_a.pk)
        assert entry.region_code == self.family_a.region_code
        assert entry.changes["address"] == ["", "Jl. Baru No. 5"]

    def test_record_keeps_who_what_and_the_diff(self):
        before = trail.snapshot(self.family_b)
        self.family_b.address = "Dusun II"
        self.family_b.desil = 2
        self.family_b.save()
        entry = trail.record(
            self.korkab, "family.update", self.family_b, changes=trail.diff(before, self.family_b)
        )
        assert entry.actor_name == "korkab"
        assert entry.object_type == "registry.family"
        assert entry.changes == {
            "address": ["", "Dusun II"],
            "desil": [None, 2],
            "updated_at": entry.changes["updated_at"],
        }

    def test_the_trail_is_append_only(self):
        entry = trail.record(self.operator, "export.families", details={"rows": 3})
        entry.action = "ditutupi"
        with pytest.raises(AppendOnlyError):
            entry.save()
        with pytest.raises(AppendOnlyError):
            entry.delete()
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.all().delete()
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.update(action="x")

    def test_the_admin_cannot_edit_the_trail(self):
        entry = trail.record(self.operator, "export.families")
        self.client.force_login(self.admin_pusat)
        response = self.client.post(
            reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}
        )
        assert response.status_code == 403
        assert AuditEntry.objects.filter(pk=entry.pk).exists()
