"""Coordinators assign families to pendamping; the home page counts the unassigned."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from harapan.accounts.roles import Role
from harapan.audit.models import AuditEntry
from harapan.registry.models import Family
from harapan.testing import (
    DESA_A,
    DESA_B,
    PersonaTestCase,
    list_total,
    make_family,
    make_region,
    make_user,
    todo_of,
)

PAGE = reverse("registry:assignments")
OTHER_DESA_A = "1806012002"  # a second desa of Kecamatan A


class AssignmentTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_region(OTHER_DESA_A, "Pekon Lain")
        # Kecamatan A: three unassigned families in DESA_A, one in another desa.
        cls.loose = [make_family(region_code=DESA_A) for _ in range(3)]
        cls.loose_elsewhere = make_family(region_code=OTHER_DESA_A)
        cls.loose_b = make_family(region_code=DESA_B)
        cls.exited = make_family(region_code=DESA_A, status="keluar")

    def post(self, user, data, query=""):
        self.client.force_login(user)
        return self.client.post(PAGE + query, data, follow=True)

    def pendamping_of(self, *families):
        return [Family.objects.get(pk=f.pk).pendamping_id for f in families]

    def test_a_korcam_assigns_every_unassigned_family_of_a_desa_with_one_audit_row_each(self):
        self.post(self.korcam_a, {"pendamping": self.pendamping_a2.pk, "desa": DESA_A,
                                  "scope": "desa"})  # fmt: skip
        a2 = self.pendamping_a2.pk
        assert self.pendamping_of(*self.loose) == [a2, a2, a2]
        # Not the other desa, not a family that already had a pendamping, not an exited one.
        assert self.pendamping_of(self.loose_elsewhere, self.family_a, self.exited) == [
            None, self.pendamping_a.pk, None]  # fmt: skip
        rows = AuditEntry.objects.filter(action="registry.family.assign")
        assert sorted(int(r.object_id) for r in rows) == sorted(f.pk for f in self.loose)
        assert {(r.actor_id, r.region_code) for r in rows} == {(self.korcam_a.pk, DESA_A)}
        assert rows[0].changes == {"pendamping_id": [None, a2]}

    def test_a_korkab_reassigns_ticked_families_and_the_audit_names_the_previous_pendamping(self):
        self.post(self.korkab, {"pendamping": self.pendamping_a2.pk, "scope": "terpilih",
                                "families": [self.family_a.pk, self.loose[0].pk]})  # fmt: skip
        a2 = self.pendamping_a2.pk
        assert self.pendamping_of(self.family_a, self.loose[0], self.loose[1]) == [a2, a2, None]
        changes = {
            int(r.object_id): r.changes["pendamping_id"]
            for r in AuditEntry.objects.filter(action="registry.family.assign")
        }
        assert changes == {self.family_a.pk: [self.pendamping_a.pk, a2],
                           self.loose[0].pk: [None, a2]}  # fmt: skip

    def test_a_pendamping_of_another_kecamatan_is_refused_and_nothing_changes(self):
        response = self.post(self.korkab, {"pendamping": self.pendamping_b.pk,
                                           "scope": "terpilih",
                                           "families": [self.loose[0].pk, self.loose_b.pk]})  # fmt: skip
        self.assertContains(response, "di luar kecamatan itu")
        assert self.pendamping_of(self.loose[0], self.loose_b) == [None, None]
        assert not AuditEntry.objects.filter(action="registry.family.assign").exists()

    def test_a_korcam_cannot_assign_a_family_of_another_kecamatan(self):
        korcam_b = make_user("korcam_b", Role.KORCAM, "180602")
        response = self.post(korcam_b, {"pendamping": self.pendamping_b.pk, "scope": "terpilih",
                                        "families": [self.loose[0].pk]})  # fmt: skip
        self.assertContains(response, "tidak ada dalam cakupan Anda")
        # Nor give a family of their own to a pendamping outside their region.
        self.post(korcam_b, {"pendamping": self.pendamping_a.pk, "scope": "terpilih",
                             "families": [self.loose_b.pk]})  # fmt: skip
        assert self.pendamping_of(self.loose[0], self.loose_b) == [None, None]
        assert not AuditEntry.objects.filter(action="registry.family.assign").exists()

    def test_a_pendamping_cannot_use_the_page(self):
        for user in (self.pendamping_a, self.pendamping_b, self.operator, self.korwil):
            self.client.force_login(user)
            assert self.client.get(PAGE).status_code == 403, user
            response = self.client.post(PAGE, {"pendamping": user.pk, "scope": "terpilih",
                                               "families": [self.loose[0].pk]})  # fmt: skip
            assert response.status_code == 403, user
        assert self.pendamping_of(self.loose[0]) == [None]

    def test_the_page_needs_a_login(self):
        assert self.client.get(PAGE)["Location"].startswith(reverse("login"))

    def test_the_home_count_of_unassigned_families_equals_the_list_it_links_to(self):
        self.client.force_login(self.korcam_a)
        home = self.client.get(reverse("home"))
        # Kecamatan A: the three loose families of DESA_A and the one of the other desa.
        count, link = todo_of(home)["KPM aktif belum punya pendamping"]
        assert count == 4
        assert link == f"{PAGE}?unassigned=on"
        listed = self.client.get(link)
        assert listed.context["total"] == list_total(listed) == 4
        assert {f.pk for f in listed.context["families"]} == {
            *(f.pk for f in self.loose), self.loose_elsewhere.pk}  # fmt: skip

    def test_a_pendamping_home_shows_no_unassigned_count(self):
        self.client.force_login(self.pendamping_a)
        assert "KPM aktif belum punya pendamping" not in todo_of(self.client.get(reverse("home")))

    def test_the_pendamping_offered_are_those_of_the_chosen_desa_kecamatan(self):
        self.client.force_login(self.korkab)
        response = self.client.get(PAGE, {"desa": DESA_B})
        offered = set(response.context["assign"].fields["pendamping"].queryset)
        assert offered == {self.pendamping_b}


class AssignmentCostTest(PersonaTestCase):
    """The page and a bulk assignment cost the same queries for 2 families as for 40."""

    def queries(self, method, *args) -> int:
        with CaptureQueriesContext(connection) as captured:
            method(*args)
        return len(captured)

    def test_the_list_and_the_bulk_assignment_do_not_grow_with_the_families(self):
        make_region(OTHER_DESA_A)
        for _ in range(2):
            make_family(region_code=OTHER_DESA_A)
        self.client.force_login(self.korcam_a)
        small_page = self.queries(self.client.get, PAGE, {"desa": OTHER_DESA_A})
        small_bulk = self.queries(self.client.post, PAGE, {
            "pendamping": self.pendamping_a.pk, "desa": OTHER_DESA_A, "scope": "desa"})  # fmt: skip
        for _ in range(40):
            make_family(region_code=OTHER_DESA_A)
        large_page = self.queries(self.client.get, PAGE, {"desa": OTHER_DESA_A})
        large_bulk = self.queries(self.client.post, PAGE, {
            "pendamping": self.pendamping_a2.pk, "desa": OTHER_DESA_A, "scope": "desa"})  # fmt: skip
        assert (large_page, large_bulk) == (small_page, small_bulk)
        assert (
            Family.objects.filter(region_code=OTHER_DESA_A, pendamping=self.pendamping_a2).count()
            == 40
        )
