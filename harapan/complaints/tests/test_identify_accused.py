"""A conduct complaint from the public form names the pendamping only in words: the korcam
holding it (or a coordinator above) records which pendamping it is. Each refusal changes
nothing."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from harapan.accounts.roles import Role
from harapan.audit.models import AuditEntry
from harapan.testing import DESA_A, KEC_A, make_user

from ..actions import identify_accused, resolve_complaint
from ..models import Complaint, Level
from .base import ComplaintTestCase, file_complaint
from .test_handling_steps import messages_of


class IdentifyAccusedTest(ComplaintTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # From the public form: Desa A's korcam receives it (routing.py).
        cls.complaint, _pin = file_complaint(
            kategori="perilaku_pendamping", region_code=DESA_A, accused_name="Bu Rina",
            uraian="Pendamping meminta uang Rp 50.000 saat pencairan.",
        )  # fmt: skip

    def identified(self):
        """(accused, handler, level) now, and how many identifications the trail holds."""
        self.complaint.refresh_from_db()
        recorded = AuditEntry.objects.filter(action="complaints.identify_accused").count()
        return (self.complaint.accused, self.complaint.handler, self.complaint.tingkat, recorded)

    def unchanged(self):
        return (None, self.korcam_a, Level.KORCAM, 0)

    def test_the_korcam_holding_it_names_a_pendamping_of_the_kecamatan(self):
        self.assertEqual(self.unchanged(), self.identified())  # as received

        identify_accused(self.complaint, accused=self.pendamping_a, acting_user=self.korcam_a)

        self.assertEqual((self.pendamping_a, self.korcam_a, Level.KORCAM, 1), self.identified())
        entry = AuditEntry.objects.get(action="complaints.identify_accused")
        self.assertEqual(entry.actor, self.korcam_a)
        self.assertEqual(entry.changes, {"accused_id": [None, self.pendamping_a.pk]})

    def test_the_identified_pendamping_no_longer_sees_it_and_the_korcam_still_does(self):
        # The handler at first, for a moment (an old record): then the accused saw it.
        Complaint.objects.filter(pk=self.complaint.pk).update(handler=self.pendamping_a)
        self.assertTrue(Complaint.objects.visible_to(self.pendamping_a).filter(
            pk=self.complaint.pk).exists())  # fmt: skip
        Complaint.objects.filter(pk=self.complaint.pk).update(handler=self.korcam_a)
        self.complaint.refresh_from_db()

        identify_accused(self.complaint, accused=self.pendamping_a, acting_user=self.korcam_a)
        # Even holding it again by mistake, the accused does not see it.
        Complaint.objects.filter(pk=self.complaint.pk).update(handler=self.pendamping_a)

        self.assertEqual(
            list(Complaint.objects.visible_to(self.pendamping_a).values_list("kode", flat=True)),
            [],
        )
        self.assertEqual(
            list(Complaint.objects.visible_to(self.korcam_a).values_list("kode", flat=True)),
            [self.complaint.kode],
        )
        self.client.force_login(self.pendamping_a)
        page = reverse("complaints:detail", args=[self.complaint.kode])
        self.assertEqual(self.client.get(page).status_code, 404)
        self.client.force_login(self.korcam_a)
        self.assertEqual(self.client.get(page).status_code, 200)

    def test_a_pendamping_of_another_kecamatan_named_by_the_korkab_leaves_the_handler(self):
        # korkab steps in above the korcam; Pendamping B works in Kecamatan B.
        identify_accused(self.complaint, accused=self.pendamping_b, acting_user=self.korkab)

        self.assertEqual((self.pendamping_b, self.korcam_a, Level.KORCAM, 1), self.identified())
        # Kecamatan B's korcam now sees it (the accused's region), without holding it.
        self.assertTrue(Complaint.objects.visible_to(self.korcam_b).filter(
            pk=self.complaint.pk).exists())  # fmt: skip

    def test_a_pendamping_holding_it_may_not_name_the_accused(self):
        Complaint.objects.filter(pk=self.complaint.pk).update(
            handler=self.pendamping_a2, tingkat=Level.PENDAMPING
        )
        self.complaint.refresh_from_db()
        with self.assertRaises(PermissionDenied):
            identify_accused(
                self.complaint, accused=self.pendamping_a, acting_user=self.pendamping_a2
            )
        self.assertEqual((None, self.pendamping_a2, Level.PENDAMPING, 0), self.identified())

    def test_a_complaint_not_about_conduct_names_nobody(self):
        payment, _pin = file_complaint(kategori="pembayaran", region_code=DESA_A)
        with self.assertRaises(ValidationError):
            identify_accused(payment, accused=self.pendamping_a, acting_user=self.korcam_a)
        payment.refresh_from_db()
        self.assertIsNone(payment.accused)
        self.assertEqual(self.unchanged(), self.identified())

    def test_a_resolved_complaint_is_left_as_it_was(self):
        resolve_complaint(self.complaint, decision="dicabut", resolution="Pengadu mencabut.",
                          acting_user=self.korcam_a)  # fmt: skip
        with self.assertRaises(ValidationError):
            identify_accused(self.complaint, accused=self.pendamping_a, acting_user=self.korcam_a)
        self.assertEqual((None, 0), (self.identified()[0], self.identified()[3]))

    def test_the_accused_is_an_active_pendamping_of_the_korcams_region(self):
        gone = make_user("pendamping_pensiun", Role.PENDAMPING, KEC_A, is_active=False)
        for outside in (self.pendamping_b, gone, self.korcam_b):
            with self.subTest(outside.username):
                complaint, _pin = file_complaint(kategori="pungli", accused_name="Bu Rina")
                with self.assertRaises(ValidationError):
                    identify_accused(complaint, accused=outside, acting_user=self.korcam_a)
                complaint.refresh_from_db()
                self.assertIsNone(complaint.accused)
        self.assertEqual(self.unchanged(), self.identified())


class IdentifyAccusedPageTest(ComplaintTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.complaint, _pin = file_complaint(kategori="pungli", accused_name="Pak Budi")

    def url(self, name: str) -> str:
        return reverse(f"complaints:{name}", args=[self.complaint.kode])

    def test_the_korcam_reads_the_name_and_picks_among_the_kecamatans_pendamping(self):
        self.client.force_login(self.korcam_a)
        page = self.client.get(self.url("detail"))
        self.assertContains(page, "Nama pendamping menurut pengadu")
        self.assertContains(page, '<dd id="accused-name">Pak Budi</dd>', html=True)
        # Kecamatan A has pendamping_a and pendamping_a2; pendamping_b works in B.
        choices = [label for value, label in page.context["identify_form"].fields["accused"].choices
                   if value]  # fmt: skip
        self.assertEqual(choices, ["Pendamping A", "Pendamping A2"])

        done = self.client.post(self.url("identify_accused"),
                                {"accused": self.pendamping_a2.pk}, follow=True)  # fmt: skip

        self.assertEqual(done.redirect_chain, [(self.url("detail"), 302)])
        self.assertEqual(messages_of(done), ["Pendamping yang diadukan tercatat."])
        self.complaint.refresh_from_db()
        self.assertEqual(self.complaint.accused, self.pendamping_a2)
        self.assertNotContains(done, 'id="identify-accused-button"')  # named once

    def test_a_refusal_is_a_message_and_nothing_changes(self):
        self.client.force_login(self.korcam_a)
        done = self.client.post(self.url("identify_accused"),
                                {"accused": self.pendamping_b.pk}, follow=True)  # fmt: skip
        self.assertEqual(messages_of(done), ["Pilih pendamping aktif di wilayah Anda."])
        self.complaint.refresh_from_db()
        self.assertIsNone(self.complaint.accused)
        self.assertFalse(AuditEntry.objects.filter(action="complaints.identify_accused").exists())


class NoFormWithoutTheNeedTest(ComplaintTestCase):
    def test_a_complaint_already_naming_its_accused_offers_no_form(self):
        complaint, _pin = file_complaint(kategori="pungli", accused=self.pendamping_a)
        self.client.force_login(self.korcam_a)
        page = self.client.get(reverse("complaints:detail", args=[complaint.kode]))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'id="identify-accused-button"')
        self.assertNotContains(page, "Nama pendamping menurut pengadu")
