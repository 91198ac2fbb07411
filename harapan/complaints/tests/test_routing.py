from django.core.exceptions import ValidationError

from harapan.accounts.roles import Role
from harapan.testing import DESA_A, DESA_B, make_family, make_region, make_user

from .base import ComplaintTestCase, file_complaint


class RoutingTest(ComplaintTestCase):
    def test_a_complaint_naming_a_family_goes_to_its_pendamping(self):
        # Desa A: pendamping_a and pendamping_a2 have one family each; the desa's own
        # choice would be pendamping_a (lower id), the family's is pendamping_a2.
        complaint, _pin = file_complaint(family=self.family_a2)
        self.assertEqual((complaint.tingkat, complaint.handler), ("pendamping", self.pendamping_a2))

    def test_a_complaint_naming_no_family_goes_to_the_pendamping_with_most_families_in_the_desa(
        self,
    ):
        # Active families in Desa A: pendamping_a 1, pendamping_a2 1 + 1 = 2. pendamping_a
        # also has 3 families that left PKH, which do not count.
        make_family(region_code=DESA_A, pendamping=self.pendamping_a2)
        for _ in range(3):
            make_family(region_code=DESA_A, pendamping=self.pendamping_a, status="keluar")
        complaint, _pin = file_complaint(region_code=DESA_A)
        self.assertEqual((complaint.tingkat, complaint.handler), ("pendamping", self.pendamping_a2))

    def test_a_tie_in_the_desa_goes_to_the_same_pendamping_every_time(self):
        first, _pin = file_complaint(region_code=DESA_A)
        second, _pin = file_complaint(region_code=DESA_A)
        self.assertEqual(first.handler, self.pendamping_a)  # one family each, lower id
        self.assertEqual(second.handler, self.pendamping_a)

    def test_a_desa_without_a_pendamping_goes_to_the_korcam_of_its_kecamatan(self):
        make_region("1806012002")
        complaint, _pin = file_complaint(region_code="1806012002")
        self.assertEqual((complaint.tingkat, complaint.handler), ("korcam", self.korcam_a))

    def test_a_kecamatan_without_korcam_passes_it_to_the_korkab(self):
        make_region("1806032001")
        complaint, _pin = file_complaint(region_code="1806032001")
        self.assertEqual((complaint.tingkat, complaint.handler), ("korkab", self.korkab))

    def test_a_family_whose_pendamping_left_goes_to_the_desa_pendamping(self):
        gone = make_user("pendamping_gone", Role.PENDAMPING, "180601", is_active=False)
        family = make_family(region_code=DESA_A, pendamping=gone)
        complaint, _pin = file_complaint(family=family)
        self.assertEqual(complaint.handler, self.pendamping_a)

    def test_a_conduct_complaint_goes_to_the_korcam_of_the_accused_not_of_the_desa(self):
        # The desa is in Kecamatan B (korcam_b); the accused works in Kecamatan A.
        complaint, _pin = file_complaint(
            kategori="perilaku_pendamping", region_code=DESA_B, accused=self.pendamping_a
        )
        self.assertEqual((complaint.tingkat, complaint.handler), ("korcam", self.korcam_a))

    def test_a_pungli_complaint_naming_the_accuseds_own_family_goes_to_their_korcam(self):
        complaint, _pin = file_complaint(
            kategori="pungli", family=self.family_a, accused=self.pendamping_a
        )
        self.assertEqual((complaint.tingkat, complaint.handler), ("korcam", self.korcam_a))

    def test_a_conduct_complaint_without_the_accused_is_refused(self):
        with self.assertRaises(ValidationError) as refused:
            file_complaint(kategori="pungli")
        self.assertIn("accused", refused.exception.message_dict)

    def test_an_accused_pendamping_on_another_category_is_refused(self):
        with self.assertRaises(ValidationError) as refused:
            file_complaint(kategori="kks", accused=self.pendamping_a)
        self.assertIn("accused", refused.exception.message_dict)

    def test_a_conduct_complaint_naming_the_accused_in_words_goes_to_the_desas_korcam(self):
        # The public form: Desa B lies in Kecamatan B, so korcam_b finds the pendamping.
        complaint, _pin = file_complaint(
            kategori="perilaku_pendamping", region_code=DESA_B, accused_name="Bu Rina"
        )
        self.assertEqual((complaint.tingkat, complaint.handler), ("korcam", self.korcam_b))
        self.assertEqual((complaint.accused, complaint.accused_name), (None, "Bu Rina"))

    def test_a_named_accused_on_another_category_is_refused(self):
        with self.assertRaises(ValidationError) as refused:
            file_complaint(kategori="kks", accused_name="Bu Rina")
        self.assertIn("accused", refused.exception.message_dict)
