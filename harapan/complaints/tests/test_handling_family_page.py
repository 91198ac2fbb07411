"""The family page lists the family's complaints the user sees: never a complaint about the
conduct of the pendamping reading it (DESIGN §8)."""

from django.urls import reverse

from .base import ComplaintTestCase, file_complaint


class FamilyPageComplaintsTest(ComplaintTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.payment, _pin = file_complaint(family=cls.family_a)
        cls.conduct, _pin = file_complaint(
            family=cls.family_a, kategori="perilaku_pendamping", accused=cls.pendamping_a
        )

    def family_page(self, user) -> str:
        self.client.force_login(user)
        page = self.client.get(reverse("registry:family_detail", args=[self.family_a.pk]))
        self.assertEqual(page.status_code, 200)
        return page.content.decode()

    def test_the_handler_sees_the_complaint_linked_to_its_page(self):
        page = self.family_page(self.pendamping_a)
        link = reverse("complaints:detail", args=[self.payment.kode])
        self.assertIn(f'<a href="{link}">{self.payment.kode}</a>', page)
        self.assertIn("Pembayaran/penyaluran", page)

    def test_the_accused_pendamping_never_sees_the_conduct_complaint(self):
        page = self.family_page(self.pendamping_a)
        self.assertNotIn(self.conduct.kode, page)
        self.assertNotIn("Perilaku pendamping", page)

    def test_the_korcam_of_the_accused_sees_both(self):
        page = self.family_page(self.korcam_a)
        self.assertIn(self.payment.kode, page)
        self.assertIn(self.conduct.kode, page)
        self.assertIn("Perilaku pendamping", page)

    def test_a_family_without_complaints_has_no_section(self):
        self.client.force_login(self.pendamping_b)
        page = self.client.get(reverse("registry:family_detail", args=[self.family_b.pk]))
        self.assertNotContains(page, 'id="pengaduan"')
