from harapan.testing import DESA_B

from ..access import may_handle, sees_complainant
from ..models import Complaint
from .base import ComplaintTestCase, file_complaint


class ConductComplaintVisibilityTest(ComplaintTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # About pendamping_a, naming a family of their own caseload.
        cls.conduct, _pin = file_complaint(
            kategori="perilaku_pendamping", family=cls.family_a, accused=cls.pendamping_a,
            name="Siti Aminah", phone="081234567890",
        )  # fmt: skip

    def seen_by(self, user) -> bool:
        return Complaint.objects.visible_to(user).filter(pk=self.conduct.pk).exists()

    def test_the_accused_never_sees_it_even_though_it_names_their_own_family(self):
        self.assertFalse(self.seen_by(self.pendamping_a))
        self.assertEqual(Complaint.objects.visible_to(self.pendamping_a).count(), 0)

    def test_the_korcam_of_the_accused_sees_it_and_a_korcam_elsewhere_does_not(self):
        self.assertTrue(self.seen_by(self.korcam_a))
        self.assertFalse(self.seen_by(self.korcam_b))

    def test_the_levels_above_and_the_national_roles_see_it(self):
        for user in (self.korkab, self.korwil, self.operator, self.admin_pusat, self.auditor):
            with self.subTest(user=user.username):
                self.assertTrue(self.seen_by(user))

    def test_another_pendamping_and_a_pendamping_elsewhere_do_not(self):
        self.assertFalse(self.seen_by(self.pendamping_a2))
        self.assertFalse(self.seen_by(self.pendamping_b))

    def test_the_korcam_of_the_accused_sees_it_when_the_desa_is_in_another_kecamatan(self):
        elsewhere, _pin = file_complaint(
            kategori="pungli", region_code=DESA_B, accused=self.pendamping_a
        )
        self.assertTrue(Complaint.objects.visible_to(self.korcam_a).filter(pk=elsewhere.pk))
        self.assertFalse(Complaint.objects.visible_to(self.pendamping_a).filter(pk=elsewhere.pk))

    def test_a_colleague_pendamping_does_not_see_it_though_it_names_a_family_of_theirs(self):
        # About pendamping_a2, naming family_a of pendamping_a's caseload: a complaint about a
        # fellow pendamping stays with the coordinators (DESIGN §8), or it reaches the accused.
        about_a2, _pin = file_complaint(
            kategori="pungli", family=self.family_a, accused=self.pendamping_a2
        )
        seen = {
            user.username: Complaint.objects.visible_to(user).filter(pk=about_a2.pk).exists()
            for user in (self.pendamping_a, self.pendamping_a2, self.pendamping_b,
                         self.korcam_a, self.korcam_b, self.korkab)
        }  # fmt: skip
        self.assertEqual(seen, {
            "pendamping_a": False, "pendamping_a2": False, "pendamping_b": False,
            "korcam_a": True, "korcam_b": False, "korkab": True,
        })  # fmt: skip
        # pendamping_a sees neither complaint: the one about them nor the one about a2.
        self.assertEqual(Complaint.objects.visible_to(self.pendamping_a).count(), 0)

    def test_the_accused_may_not_act_on_it_nor_read_the_complainant(self):
        self.assertFalse(may_handle(self.pendamping_a, self.conduct))
        self.assertFalse(sees_complainant(self.pendamping_a, self.conduct))


class ComplaintVisibilityTest(ComplaintTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.about_a, _pin = file_complaint(family=cls.family_a, name="Budi", nik="")

    def seen_by(self, user) -> bool:
        return Complaint.objects.visible_to(user).filter(pk=self.about_a.pk).exists()

    def test_the_pendamping_of_the_family_sees_it_and_the_one_of_kecamatan_b_does_not(self):
        self.assertTrue(self.seen_by(self.pendamping_a))
        self.assertFalse(self.seen_by(self.pendamping_b))
        self.assertFalse(self.seen_by(self.pendamping_a2))

    def test_the_korcam_of_the_kecamatan_sees_it_and_the_korcam_of_b_does_not(self):
        self.assertTrue(self.seen_by(self.korcam_a))
        self.assertFalse(self.seen_by(self.korcam_b))

    def test_an_anonymous_visitor_sees_nothing(self):
        from django.contrib.auth.models import AnonymousUser

        self.assertEqual(Complaint.objects.visible_to(AnonymousUser()).count(), 0)

    def test_the_complainant_is_shown_to_the_handler_and_the_levels_above_only(self):
        shown = {
            user.username: sees_complainant(user, self.about_a)
            for user in (self.pendamping_a, self.korcam_a, self.korkab, self.korwil,
                         self.admin_pusat, self.operator, self.auditor, self.pendamping_a2,
                         self.korcam_b)
        }  # fmt: skip
        self.assertEqual(shown, {
            "pendamping_a": True, "korcam_a": True, "korkab": True, "korwil": True,
            "admin_pusat": True, "operator": False, "auditor": False, "pendamping_a2": False,
            "korcam_b": False,
        })  # fmt: skip

    def test_a_korcam_does_not_read_the_complainant_of_a_complaint_held_above_it(self):
        self.about_a.tingkat, self.about_a.handler = "korkab", self.korkab
        self.assertFalse(sees_complainant(self.korcam_a, self.about_a))
        self.assertTrue(sees_complainant(self.korkab, self.about_a))
