"""Linking a complaint filed without a family (the public form names a desa) to the family it
is about: its handler does it on the complaint's page, and the family's page lists it."""

from django.core.exceptions import PermissionDenied, ValidationError

from harapan.audit.models import AuditEntry
from harapan.testing import DESA_A

from ..actions import link_family
from ..models import Complaint
from .base import ComplaintTestCase, file_complaint


class LinkFamilyTest(ComplaintTestCase):
    def setUp(self):
        # From the public form: a desa, no family; routed to the desa's pendamping.
        self.complaint, _pin = file_complaint(region_code=DESA_A)
        assert self.complaint.family is None

    def url(self) -> str:
        return f"/pengaduan/kelola/{self.complaint.kode}/kpm/"

    def family_of_complaint(self):
        return Complaint.objects.get(pk=self.complaint.pk).family

    def test_the_handler_links_a_family_of_the_desa_and_the_familys_page_lists_it(self):
        handler = self.complaint.handler
        self.client.force_login(handler)
        family_page = f"/kpm/{self.family_a.pk}/"
        self.assertNotContains(self.client.get(family_page), self.complaint.kode)
        page = self.client.get(f"/pengaduan/kelola/{self.complaint.kode}/")
        self.assertContains(page, 'id="link-family-button"')

        response = self.client.post(self.url(), {"id_keluarga": self.family_a.registry_id})

        self.assertRedirects(response, f"/pengaduan/kelola/{self.complaint.kode}/",
                             fetch_redirect_response=False)  # fmt: skip
        self.assertEqual(self.family_of_complaint(), self.family_a)
        self.assertContains(self.client.get(family_page), self.complaint.kode)
        entry = AuditEntry.objects.get(action="complaints.link_family")
        self.assertEqual(entry.actor, handler)
        self.assertEqual(entry.changes, {"family_id": [None, self.family_a.pk]})
        # Linked once: the form is gone from the page.
        page = self.client.get(f"/pengaduan/kelola/{self.complaint.kode}/")
        self.assertNotContains(page, 'id="link-family-button"')

    def test_a_family_the_handler_does_not_see_is_one_they_cannot_find(self):
        self.client.force_login(self.complaint.handler)
        response = self.client.post(self.url(), {"id_keluarga": self.family_b.registry_id},
                                    follow=True)  # fmt: skip
        self.assertContains(response, "KPM dengan ID keluarga ini tidak ditemukan di wilayah Anda.")
        self.assertIsNone(self.family_of_complaint())
        with self.assertRaises(PermissionDenied):
            link_family(self.complaint, family=self.family_b, acting_user=self.complaint.handler)
        self.assertFalse(AuditEntry.objects.filter(action="complaints.link_family").exists())

    def test_a_family_of_another_desa_is_refused_even_to_a_korkab_who_sees_it(self):
        with self.assertRaises(ValidationError) as refused:
            link_family(self.complaint, family=self.family_b, acting_user=self.korkab)
        self.assertEqual(refused.exception.message_dict,
                         {"family": ["KPM ini tidak berada di desa yang dipilih."]})  # fmt: skip
        self.assertIsNone(self.family_of_complaint())

    def test_only_one_who_may_handle_it_links_it(self):
        # pendamping_a2 works in Kecamatan A and sees family_a2 but does not hold it.
        assert self.complaint.handler != self.pendamping_a2
        with self.assertRaises(PermissionDenied):
            link_family(self.complaint, family=self.family_a2, acting_user=self.pendamping_a2)
        self.assertIsNone(self.family_of_complaint())

    def test_a_linked_or_resolved_complaint_is_left_as_it_was(self):
        handler = self.complaint.handler
        link_family(self.complaint, family=self.family_a, acting_user=handler)
        with self.assertRaisesMessage(ValidationError, "sudah terhubung dengan KPM"):
            link_family(self.complaint, family=self.family_a2, acting_user=self.korkab)
        self.assertEqual(self.family_of_complaint(), self.family_a)
        other, _pin = file_complaint(region_code=DESA_A)
        Complaint.objects.filter(pk=other.pk).update(status="selesai")
        other.refresh_from_db()
        with self.assertRaisesMessage(ValidationError, "sudah selesai"):
            link_family(other, family=self.family_a, acting_user=other.handler)
        self.assertEqual(AuditEntry.objects.filter(action="complaints.link_family").count(), 1)
