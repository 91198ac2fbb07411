"""What each role can and cannot see (DESIGN §1, §11)."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from harapan.accounts.roles import Role, may_change_family_data, sees_full_nik
from harapan.registry.models import Family, Member
from harapan.testing import KEC_A, PersonaTestCase, make_user


class FamilyScopeTest(PersonaTestCase):
    def visible(self, user):
        return set(Family.objects.visible_to(user).values_list("registry_id", flat=True))

    def ids(self, *families):
        return {f.registry_id for f in families}

    def test_a_pendamping_sees_only_their_own_caseload(self):
        assert self.visible(self.pendamping_a) == self.ids(self.family_a)
        # Same kecamatan, another pendamping's caseload: not theirs.
        assert self.family_a2.registry_id not in self.visible(self.pendamping_a)

    def test_pendamping_b_cannot_see_pendamping_a_families(self):
        assert self.visible(self.pendamping_b) == self.ids(self.family_b)

    def test_a_korcam_sees_their_whole_kecamatan_only(self):
        assert self.visible(self.korcam_a) == self.ids(self.family_a, self.family_a2)

    def test_a_korkab_and_the_operator_see_their_kabupaten_only(self):
        kabupaten = self.ids(self.family_a, self.family_a2, self.family_b)
        assert self.visible(self.korkab) == kabupaten
        assert self.visible(self.operator) == kabupaten

    def test_a_korwil_sees_the_province(self):
        everything = self.ids(self.family_a, self.family_a2, self.family_b, self.metro_family)
        assert self.visible(self.korwil) == everything

    def test_admin_pusat_and_a_national_auditor_see_everything(self):
        everything = self.ids(self.family_a, self.family_a2, self.family_b, self.metro_family)
        assert self.visible(self.admin_pusat) == everything
        assert self.visible(self.auditor) == everything

    def test_an_auditor_given_a_region_sees_only_that_region(self):
        auditor_metro = make_user("auditor_metro", Role.AUDITOR, "1872")
        assert self.visible(auditor_metro) == self.ids(self.metro_family)

    def test_anonymous_inactive_and_roleless_users_see_nothing(self):
        nobody = make_user("tanpa_peran")
        self.pendamping_a.is_active = False
        assert self.visible(AnonymousUser()) == set()
        assert self.visible(nobody) == set()
        assert self.visible(self.pendamping_a) == set()

    def test_members_are_scoped_through_their_family(self):
        members = Member.objects.visible_to(self.pendamping_a)
        assert set(members.values_list("family_id", flat=True)) == {self.family_a.pk}
        members = Member.objects.visible_to(self.korcam_a)
        assert set(members.values_list("family_id", flat=True)) == {
            self.family_a.pk,
            self.family_a2.pk,
        }

    def test_read_only_roles_may_not_change_family_data(self):
        assert may_change_family_data(self.pendamping_a)
        assert may_change_family_data(self.operator)
        assert not may_change_family_data(self.auditor)
        assert not may_change_family_data(self.korwil)
        assert not may_change_family_data(AnonymousUser())

    def test_niks_are_shown_in_full_only_to_roles_that_need_them(self):
        assert sees_full_nik(self.pendamping_a)
        assert sees_full_nik(self.korkab)
        assert not sees_full_nik(self.auditor)
        assert not sees_full_nik(self.korwil)
        assert not sees_full_nik(AnonymousUser())


class RoleRegionTest(PersonaTestCase):
    def test_a_role_must_sit_at_its_level_of_region(self):
        self.pendamping_a.region_id = "1806"
        with self.assertRaises(ValidationError):
            self.pendamping_a.full_clean()
        self.korkab.region_id = KEC_A
        with self.assertRaises(ValidationError):
            self.korkab.full_clean()
        self.korkab.region_id = "1806"
        self.korkab.full_clean()
