"""/api/v1/activities: the activity log for the offline field app, scoped like the pages."""

from datetime import timedelta

from django.utils import timezone

from harapan.fieldwork.models import Activity
from harapan.registry import worklog
from harapan.testing import PersonaTestCase

URL = "/api/v1/activities"


class ActivitiesApi(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.today = timezone.localdate()
        cls.mine = Activity.objects.create(pendamping=cls.pendamping_a, on=cls.today,
                                           kind="sosialisasi", subject="Balai desa")  # fmt: skip
        worklog.record([worklog.Work("pemeriksaan_kks", cls.pendamping_a.pk, cls.today,
                                     "benefits.kks:1", family_id=cls.family_a.pk)])  # fmt: skip
        cls.colleague = Activity.objects.create(pendamping=cls.pendamping_a2, on=cls.today,
                                                kind="kunjungan_rumah")  # fmt: skip
        cls.kecamatan_b = Activity.objects.create(pendamping=cls.pendamping_b, on=cls.today,
                                                  kind="kunjungan_rumah")  # fmt: skip

    def get(self, user, **params):
        self.client.force_login(user)
        response = self.client.get(URL, params)
        assert response.status_code == 200, response.content
        return response.json()

    def post(self, user, **body):
        self.client.force_login(user)
        body.setdefault("tanggal", self.today.isoformat())
        body.setdefault("jenis", "kunjungan_rumah")
        return self.client.post(URL, body, content_type="application/json")

    def test_a_pendamping_lists_their_own_month_with_codes(self):
        items = self.get(self.pendamping_a)["items"]
        kks = Activity.objects.get(source="benefits.kks:1")
        assert items == [
            {"id": self.mine.pk, "tanggal": self.today.isoformat(), "jenis": "sosialisasi",
             "pendamping": "pendamping_a", "id_keluarga": None, "sasaran": "Balai desa",
             "catatan": "", "lokasi": "", "otomatis": False},
            {"id": kks.pk, "tanggal": self.today.isoformat(), "jenis": "pemeriksaan_kks",
             "pendamping": "pendamping_a", "id_keluarga": self.family_a.registry_id,
             "sasaran": "", "catatan": "", "lokasi": "", "otomatis": True},
        ]  # fmt: skip

    def test_the_korcam_lists_the_kecamatan_and_filters_by_kind(self):
        ids = {item["id"] for item in self.get(self.korcam_a)["items"]}
        assert len(ids) == 3 and self.kecamatan_b.pk not in ids  # two of A, one of A2
        items = self.get(self.korcam_a, jenis="kunjungan_rumah")["items"]
        assert [item["id"] for item in items] == [self.colleague.pk]
        last_month = (self.today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        assert self.get(self.korcam_a, bulan=last_month)["items"] == []

    def test_a_pendamping_logs_a_home_visit(self):
        response = self.post(self.pendamping_a, id_keluarga=self.family_a.registry_id,
                             catatan="Anak sakit", lokasi="-5.4,105.27")  # fmt: skip
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["jenis"], body["id_keluarga"], body["lokasi"], body["otomatis"]) == (
            "kunjungan_rumah",
            self.family_a.registry_id,
            "-5.400000,105.270000",
            False,
        )
        assert Activity.objects.filter(pendamping=self.pendamping_a).count() == 3

    def test_it_refuses_other_roles_a_day_to_come_and_another_caseload(self):
        assert self.post(self.korcam_a).status_code == 403
        tomorrow = self.post(self.pendamping_a,
                             tanggal=(self.today + timedelta(days=1)).isoformat())  # fmt: skip
        assert tomorrow.status_code == 422
        assert tomorrow.json()["detail"] == "tanggal: Tanggal kegiatan belum tiba."
        other = self.post(self.pendamping_a, id_keluarga=self.family_a2.registry_id)
        assert other.status_code == 422 and other.json()["detail"].startswith("id_keluarga:")
        assert Activity.objects.count() == 4
