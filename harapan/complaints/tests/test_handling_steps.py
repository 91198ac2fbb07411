"""Handling one complaint through the staff pages: each step, and each refusal as a message
with nothing changed."""

from django.contrib.messages import get_messages
from django.urls import Resolver404, resolve, reverse

from harapan.audit.models import AuditEntry
from harapan.testing import make_nik

from ..models import ComplaintNote, Decision, Level, Status
from .base import ComplaintTestCase, file_complaint


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


class HandlingStepsTest(ComplaintTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.nik = make_nik()
        # About family_a: pendamping_a holds it.
        cls.complaint, _pin = file_complaint(
            family=cls.family_a, name="Siti Aminah", phone="081234567890", nik=cls.nik
        )

    def url(self, name: str) -> str:
        return reverse(f"complaints:{name}", args=[self.complaint.kode])

    def post(self, user, name: str, data=None):
        self.client.force_login(user)
        return self.client.post(self.url(name), data or {}, follow=True)

    def status(self) -> str:
        self.complaint.refresh_from_db()
        return self.complaint.status

    def steps_recorded(self) -> list[str]:
        entries = AuditEntry.objects.filter(object_id=str(self.complaint.pk)).order_by("id")
        return [a for a in entries.values_list("action", flat=True) if a != "complaints.view_nik"]

    def test_the_handler_triages_responds_and_resolves_through_the_pages(self):
        self.client.force_login(self.pendamping_a)
        page = self.client.get(self.url("detail"))
        self.assertContains(page, 'id="triage-button"')
        self.assertNotContains(page, 'id="respond-button"')

        done = self.post(self.pendamping_a, "triage")
        self.assertEqual(done.redirect_chain, [(self.url("detail"), 302)])
        self.assertEqual(messages_of(done), ["Pengaduan ditriase."])
        self.assertEqual(self.status(), Status.TRIAGED)
        self.assertContains(done, 'id="respond-button"')

        done = self.post(self.pendamping_a, "respond", {"response": "Kami cek ke bank."})
        self.assertEqual(messages_of(done), ["Tanggapan pertama tersimpan."])
        self.assertEqual(self.status(), Status.RESPONDED)
        self.assertEqual(self.complaint.response, "Kami cek ke bank.")

        done = self.post(self.pendamping_a, "resolve",
                         {"decision": "diterima", "resolution": "Dana sudah masuk."})  # fmt: skip
        self.assertEqual(messages_of(done), ["Pengaduan diselesaikan."])
        self.assertEqual(self.status(), Status.RESOLVED)
        self.assertEqual(self.complaint.decision, Decision.UPHELD)
        self.assertEqual(self.complaint.resolution, "Dana sudah masuk.")
        self.assertContains(done, "Dana sudah masuk.")
        self.assertNotContains(done, 'id="resolve-button"')  # nothing left to do
        self.assertEqual(
            self.steps_recorded(),
            ["complaints.submit", "complaints.triage", "complaints.respond", "complaints.resolve"],
        )

    def test_someone_who_sees_it_but_does_not_handle_it_gets_a_message_and_nothing_changes(self):
        # korwil sees the province's complaints and stands above the pendamping, but only
        # reads what has not reached korwil (DESIGN §1).
        self.client.force_login(self.korwil)
        self.assertNotContains(self.client.get(self.url("detail")), 'id="triage-button"')
        done = self.post(self.korwil, "triage")
        self.assertEqual(messages_of(done), ["Pengaduan ini bukan tanggungan Anda."])
        self.assertEqual(self.status(), Status.RECEIVED)
        self.assertEqual(self.steps_recorded(), ["complaints.submit"])

    def test_a_role_that_never_handles_complaints_is_refused_403(self):
        for user in (self.operator, self.auditor):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.post(self.url("triage")).status_code, 403)
        self.assertEqual(self.status(), Status.RECEIVED)

    def test_a_stale_step_is_refused_with_a_message(self):
        self.post(self.pendamping_a, "triage")
        done = self.post(self.korcam_a, "triage")  # the korcam's page still showed "Triase"
        self.assertEqual(messages_of(done),
                         ["Pengaduan ini tidak pada langkah itu lagi; muat ulang halaman."])  # fmt: skip
        self.assertEqual(self.steps_recorded(), ["complaints.submit", "complaints.triage"])

    def test_an_empty_response_and_a_resolution_without_decision_are_refused(self):
        self.post(self.pendamping_a, "triage")
        done = self.post(self.pendamping_a, "respond", {"response": ""})
        self.assertEqual(messages_of(done), ["Isi tanggapan wajib diisi."])
        self.assertEqual(self.status(), Status.TRIAGED)
        done = self.post(self.pendamping_a, "resolve", {"resolution": "Selesai."})
        self.assertEqual(messages_of(done), ["Pilih keputusan penyelesaian."])
        self.assertEqual(self.status(), Status.TRIAGED)

    def test_before_the_first_response_only_withdrawal_and_referral_are_offered(self):
        self.client.force_login(self.pendamping_a)
        page = self.client.get(self.url("detail")).content.decode()
        self.assertIn('<option value="dicabut">Dicabut</option>', page)
        self.assertIn('<option value="dirujuk">Dirujuk</option>', page)
        self.assertNotIn('<option value="ditolak">', page)
        done = self.post(self.pendamping_a, "resolve",
                         {"decision": "dicabut", "resolution": "Pengadu mencabut."})  # fmt: skip
        self.assertEqual(messages_of(done), ["Pengaduan diselesaikan."])
        self.assertEqual(self.status(), Status.RESOLVED)

    def test_a_complaint_out_of_sight_is_404_on_every_page(self):
        self.client.force_login(self.pendamping_b)
        self.assertEqual(self.client.get(self.url("detail")).status_code, 404)
        for name in ("triage", "respond", "resolve", "note", "reassign"):
            with self.subTest(name=name):
                self.assertEqual(self.client.post(self.url(name)).status_code, 404)
        self.assertEqual(self.status(), Status.RECEIVED)

    def test_the_complainant_is_shown_to_the_handler_with_the_full_nik_read_audited(self):
        self.client.force_login(self.pendamping_a)
        page = self.client.get(self.url("detail"))
        self.assertContains(page, "Siti Aminah")
        self.assertContains(page, "081234567890")
        self.assertContains(page, self.nik)
        reads = AuditEntry.objects.filter(action="complaints.view_nik", actor=self.pendamping_a)
        self.assertEqual(reads.count(), 1)

    def test_korwil_above_sees_the_complainant_with_the_nik_masked_and_no_read_recorded(self):
        self.client.force_login(self.korwil)
        page = self.client.get(self.url("detail"))
        self.assertContains(page, "Siti Aminah")
        self.assertNotContains(page, self.nik)
        self.assertContains(page, self.nik[:6])
        self.assertFalse(AuditEntry.objects.filter(action="complaints.view_nik").exists())

    def test_the_operator_reads_the_complaint_but_not_who_filed_it(self):
        self.client.force_login(self.operator)
        page = self.client.get(self.url("detail"))
        self.assertContains(page, self.complaint.uraian)
        self.assertNotContains(page, "Siti Aminah")
        self.assertNotContains(page, "081234567890")
        self.assertNotContains(page, self.nik[:6])

    def test_an_internal_note_is_saved_and_listed(self):
        done = self.post(self.operator, "note", {"text": "Sudah dicek ke bank."})
        self.assertEqual(messages_of(done), ["Catatan internal tersimpan."])
        self.assertEqual(list(ComplaintNote.objects.values_list("text", "author")),
                         [("Sudah dicek ke bank.", self.operator.pk)])  # fmt: skip
        self.assertContains(done, "Sudah dicek ke bank.")
        self.client.force_login(self.korwil)  # reads, never writes
        self.assertEqual(self.client.post(self.url("note"), {"text": "x"}).status_code, 403)
        self.assertEqual(ComplaintNote.objects.count(), 1)

    def test_the_reassign_select_offers_the_users_within_reach_who_cover_the_complaint(self):
        self.client.force_login(self.korcam_a)
        form = self.client.get(self.url("detail")).context["reassign_form"]
        # Kecamatan A's other pendamping, the korcam, and up its chain; not Kecamatan B's.
        self.assertEqual(
            set(form.fields["to_user"].queryset),
            {self.pendamping_a2, self.korcam_a, self.korkab, self.korwil},
        )
        done = self.post(self.korcam_a, "reassign", {"to_user": self.pendamping_a2.pk})
        self.assertEqual(messages_of(done), ["Pengaduan dialihkan."])
        self.complaint.refresh_from_db()
        self.assertEqual((self.complaint.handler, self.complaint.tingkat),
                         (self.pendamping_a2, Level.PENDAMPING))  # fmt: skip

    def test_a_reassignment_out_of_the_complaints_region_is_refused_with_a_message(self):
        done = self.post(self.korcam_a, "reassign", {"to_user": self.pendamping_b.pk})
        self.assertEqual(messages_of(done), ["Pengguna tujuan di luar wilayah pengaduan ini."])
        self.complaint.refresh_from_db()
        self.assertEqual(self.complaint.handler, self.pendamping_a)

    def test_the_complaint_pages_never_take_the_intake_and_statistics_paths(self):
        for path in ("/pengaduan/kelola/catat/", "/pengaduan/kelola/statistik/"):
            with self.subTest(path=path):
                try:
                    name = resolve(path).url_name
                except Resolver404:
                    name = None
                self.assertNotIn(name, {"detail", "triage", "respond", "resolve", "note"})
        self.assertEqual(resolve(self.url("detail")).url_name, "detail")
