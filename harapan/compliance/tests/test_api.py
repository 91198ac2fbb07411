from datetime import date

from harapan.compliance import actions
from harapan.compliance.actions import Entry
from harapan.compliance.batch import compute_sanctions
from harapan.testing import PersonaTestCase, make_member


class VerificationApi(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.pupil_a = make_member(cls.family_a, birth_date=date(2015, 3, 1), school_level="sd")
        cls.pupil_b = make_member(cls.family_b, birth_date=date(2015, 3, 1), school_level="sd")
        for pupil, user in ((cls.pupil_a, cls.pendamping_a), (cls.pupil_b, cls.pendamping_b)):
            actions.record_month([Entry(member=pupil, commitment="sd", attendance=40)],
                                 date(2025, 4, 1), acting_user=user)  # fmt: skip
        compute_sanctions(2025, 3)

    def test_verifications_are_scoped_and_nik_masked(self):
        self.client.force_login(self.pendamping_a)
        body = self.client.get("/api/v1/verifications", {"month": "2025-04"}).json()
        assert [(i["anggota_id"], i["hasil"], i["persen_kehadiran"]) for i in body["items"]] == [
            (self.pupil_a.pk, "tidak_patuh", 40)]  # fmt: skip
        assert body["items"][0]["nik"] != self.pupil_a.nik and "*" in body["items"][0]["nik"]
        self.client.force_login(self.korkab)
        body = self.client.get("/api/v1/verifications", {"month": "2025-04"}).json()
        assert len(body["items"]) == 2

    def test_a_bad_month_is_refused(self):
        self.client.force_login(self.korkab)
        for month in ("April", "2025-13", "0000-01", "2101-01"):
            response = self.client.get("/api/v1/verifications", {"month": month})
            assert response.status_code == 422, month
            assert "tidak" in response.json()["detail"], month

    def test_sanctions_in_force_and_lifted(self):
        self.client.force_login(self.korcam_a)
        body = self.client.get("/api/v1/sanctions", {"year": 2025, "stage": 3}).json()
        assert [(s["anggota_id"], s["jenis"]) for s in body] == [(self.pupil_a.pk, "penangguhan")]
        sanction = self.pupil_a.sanctions.get()
        actions.lift_sanction(sanction, "Surat sakit menyusul", acting_user=self.korcam_a)
        assert self.client.get("/api/v1/sanctions", {"year": 2025, "stage": 3}).json() == []
        lifted = self.client.get(
            "/api/v1/sanctions", {"year": 2025, "stage": 3, "in_force": False}
        ).json()
        assert lifted[0]["alasan_pencabutan"] == "Surat sakit menyusul"
