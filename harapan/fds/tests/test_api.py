"""The P2K2 router of the REST API: groups, meetings and attendance, scoped like the pages.

The router is mounted here on an API of its own (session auth, as the browser
uses), so that these tests run whether or not harapan/api.py mounts it yet.
"""

from datetime import timedelta

from django.test import override_settings
from django.urls import path
from ninja import NinjaAPI
from ninja.security import django_auth

from harapan.api_contract import send_errors_as_documented
from harapan.fds import actions
from harapan.fds.api import router
from harapan.testing import DESA_A, DESA_B, PersonaTestCase, make_family

from .test_group_pages import START, hold, make_group

_api = NinjaAPI(auth=[django_auth], urls_namespace="fds-api-test")
send_errors_as_documented(_api)
_api.add_router("/", router)
urlpatterns = [path("api/v1/", _api.urls)]


@override_settings(ROOT_URLCONF=__name__)
class P2K2Api(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.family_a.members.filter(relation="kepala_keluarga").update(name="Siti Aminah")
        cls.neighbour = make_family(region_code=DESA_A, pendamping=cls.pendamping_a)
        cls.melati = make_group("Melati", cls.pendamping_a, [cls.family_a, cls.neighbour])
        cls.mawar = make_group("Mawar", cls.pendamping_b, [cls.family_b], region_code=DESA_B)
        cls.melati.leader = cls.family_a
        actions.save_group(cls.melati, acting_user=cls.pendamping_a)
        cls.held = hold(cls.melati, START + timedelta(days=20), 1, {cls.neighbour.pk: "absen"})
        [cls.planned] = actions.plan_meetings(cls.melati, [START + timedelta(days=50)],
                                              acting_user=cls.pendamping_a)  # fmt: skip
        cls.held_b = hold(cls.mawar, START + timedelta(days=20), 1)

    def get(self, user, url, **query):
        self.client.force_login(user)
        return self.client.get(f"/api/v1{url}", query)

    def test_groups_are_scoped_per_role(self):
        body = self.get(self.pendamping_a, "/p2k2/groups").json()
        assert [g["nama"] for g in body["items"]] == ["Melati"]
        [melati] = body["items"]
        assert melati == {"id": self.melati.pk, "nama": "Melati", "kode_desa": DESA_A,
                          "pendamping": "pendamping_a", "ketua": self.family_a.registry_id,
                          "aktif": True, "jumlah_anggota": 2,
                          "pertemuan_terakhir": "2025-01-30"}  # fmt: skip
        assert [g["nama"] for g in self.get(self.pendamping_b, "/p2k2/groups").json()["items"]] == [
            "Mawar"]  # fmt: skip
        assert len(self.get(self.korkab, "/p2k2/groups").json()["items"]) == 2
        assert self.get(self.korcam_a, "/p2k2/groups").json()["items"][0]["nama"] == "Melati"
        assert self.get(self.korkab, "/p2k2/groups", desa=DESA_B).json()["items"][0]["nama"] == (
            "Mawar")  # fmt: skip

    def test_groups_are_paged(self):
        first = self.get(self.korkab, "/p2k2/groups", limit=1).json()
        assert len(first["items"]) == 1 and first["next"] == first["items"][0]["id"]
        rest = self.get(self.korkab, "/p2k2/groups", limit=1, after=first["next"]).json()
        assert len(rest["items"]) == 1 and rest["next"] is None
        assert rest["items"][0]["id"] != first["items"][0]["id"]

    def test_anonymous_callers_are_refused(self):
        assert self.client.get("/api/v1/p2k2/groups").status_code == 401

    def test_one_group_with_members_and_next_session(self):
        body = self.get(self.pendamping_a, f"/p2k2/groups/{self.melati.pk}").json()
        assert body["anggota"] == [
            {"id_keluarga": f.registry_id, "nama": name, "masuk": "2025-01-10"}
            for f, name in sorted([(self.family_a, "Siti Aminah"), (self.neighbour, self.neighbour.members.get().name)],
                                  key=lambda pair: pair[0].registry_id)
        ]  # fmt: skip
        assert body["sesi_diajarkan"] == [1]
        assert body["sesi_berikutnya"] == {"nomor": 2, "kode": "S2",
                                           "judul": "Memahami perilaku anak", "modul": 1}  # fmt: skip
        assert self.get(self.pendamping_b, f"/p2k2/groups/{self.melati.pk}").status_code == 404

    def test_meetings_by_group_and_month(self):
        body = self.get(self.korkab, "/p2k2/meetings", month="2025-01").json()
        assert {m["id"] for m in body["items"]} == {self.held.pk, self.held_b.pk}
        body = self.get(self.korkab, "/p2k2/meetings", month="2025-03").json()
        assert [(m["id"], m["status"], m["sesi"]) for m in body["items"]] == [
            (self.planned.pk, "rencana", None)]  # fmt: skip
        body = self.get(self.korkab, "/p2k2/meetings", group=self.mawar.pk).json()
        assert [m["id"] for m in body["items"]] == [self.held_b.pk]
        body = self.get(self.pendamping_a, "/p2k2/meetings").json()
        assert {m["id"] for m in body["items"]} == {self.held.pk, self.planned.pk}
        assert self.get(self.pendamping_a, "/p2k2/meetings", group=self.mawar.pk).json()[
            "items"] == []  # fmt: skip

    def test_a_bad_month_is_refused(self):
        for month in ("2025-13", "Januari", "2025-1", "0000-01", "9999-12"):
            response = self.get(self.korkab, "/p2k2/meetings", month=month)
            assert response.status_code == 422, month
            assert isinstance(response.json()["detail"], str), month

    def test_attendance_of_a_meeting(self):
        body = self.get(self.korcam_a, f"/p2k2/meetings/{self.held.pk}/attendance").json()
        assert sorted((a["id_keluarga"], a["kehadiran"]) for a in body) == sorted(
            [(self.family_a.registry_id, "hadir"), (self.neighbour.registry_id, "absen")])  # fmt: skip
        url = f"/p2k2/meetings/{self.held.pk}/attendance"
        assert self.get(self.pendamping_b, url).status_code == 404
        assert self.get(self.pendamping_a2, url).status_code == 404
