"""The staff intake page `complaints:intake` (/pengaduan/kelola/catat/): a walk-in, a call
to 171 or an SP4N-LAPOR! referral recorded for a desa of the user's region."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from harapan.audit.models import AuditEntry
from harapan.testing import DESA_A, DESA_B

from ..models import Complaint
from .base import ComplaintTestCase

URL = "/pengaduan/kelola/catat/"


class IntakePageTest(ComplaintTestCase):
    def form(self, **fields) -> dict:
        fields.setdefault("saluran", "datang")
        fields.setdefault("diterima", "2026-08-14T10:00")
        fields.setdefault("kategori", "pembayaran")
        fields.setdefault("kode_desa", DESA_A)
        fields.setdefault("uraian", "Bantuan tahap III belum masuk ke rekening.")
        return fields

    def send(self, user, **fields):
        self.client.force_login(user)
        return self.client.post(URL, self.form(**fields))

    def test_its_url_and_name(self):
        self.assertEqual(reverse("complaints:intake"), URL)

    def test_the_desa_are_offered_by_name_grouped_by_kecamatan(self):
        self.client.force_login(self.korkab)
        page = self.client.get(URL)
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        # Tanggamus: Kuripan in Kota Agung, Sinar Semendo in Talang Padang (testing.py).
        self.assertInHTML('<optgroup label="Kota Agung"><option value="1806012001">Kuripan'
                          "</option></optgroup>", html)  # fmt: skip
        self.assertInHTML('<optgroup label="Talang Padang"><option value="1806022001">'
                          "Sinar Semendo</option></optgroup>", html)  # fmt: skip
        # Staff channels only: the web form is the public's.
        self.assertNotIn('value="web"', html)
        for channel in ("datang", "telepon", "lapor"):
            self.assertIn(f'value="{channel}"', html)
        self.assertIn('type="datetime-local"', html)
        # The accused: the active pendamping of the region, by name.
        self.assertInHTML('<option value="pendamping_b">Pendamping B</option>', html)

    def test_a_pendamping_is_offered_the_desa_of_their_own_kecamatan_only(self):
        self.client.force_login(self.pendamping_a)
        html = self.client.get(URL).content.decode()
        self.assertIn('value="1806012001"', html)
        self.assertNotIn('value="1806022001"', html)
        self.assertNotIn('value="pendamping_b"', html)

    def test_it_records_the_complaint_and_shows_the_code_and_pin_once(self):
        self.client.force_login(self.korcam_a)
        audit_before = AuditEntry.objects.count()
        response = self.client.post(URL, self.form(
            saluran="telepon", id_keluarga=self.family_a.registry_id, nama="Siti Aminah",
            telepon="081234567890",
        ))  # fmt: skip
        self.assertEqual(response.status_code, 200)
        complaint = Complaint.objects.get()
        self.assertEqual(
            (complaint.saluran, complaint.kategori, complaint.region_code, complaint.family),
            ("telepon", "pembayaran", DESA_A, self.family_a),
        )
        # 14 Aug 2026 10:00 typed on the page is Jakarta time.
        received = datetime(2026, 8, 14, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
        self.assertEqual(complaint.received_at, received)
        self.assertEqual(complaint.handler, self.pendamping_a)
        self.assertEqual(complaint.complainant_name, "Siti Aminah")
        self.assertContains(response, f"<strong data-kode>{complaint.kode}</strong>", html=True)
        pin = response.content.decode().split("<strong data-pin>")[1].split("</strong>")[0]
        self.assertRegex(pin, r"^[0-9]{6}$")
        self.assertTrue(complaint.check_pin(pin))
        self.assertIn("no-cache", response["Cache-Control"])
        self.assertEqual(AuditEntry.objects.count(), audit_before + 1)

    def test_a_conduct_complaint_goes_to_the_korcam_of_the_accused(self):
        response = self.send(self.pendamping_a2, kategori="perilaku_pendamping",
                             pendamping="pendamping_a", uraian="Meminta uang.")  # fmt: skip
        self.assertEqual(response.status_code, 200)
        complaint = Complaint.objects.get()
        self.assertEqual((complaint.accused, complaint.tingkat, complaint.handler),
                         (self.pendamping_a, "korcam", self.korcam_a))  # fmt: skip
        # The colleague who recorded it handed it on: no link to a page they may not open.
        self.assertNotContains(response, "Buka pengaduan ini")
        self.assertNotContains(response, f"/pengaduan/kelola/{complaint.kode}/")

    def test_the_recorder_who_sees_the_complaint_gets_a_link_to_it(self):
        response = self.send(self.korcam_a)
        complaint = Complaint.objects.get()
        self.assertContains(response, f'<a href="/pengaduan/kelola/{complaint.kode}/">')

    def refused(self, user, field: str, message: str, **fields) -> None:
        response = self.send(user, **fields)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["form"].errors[field], [message])
        self.assertContains(response, message, status_code=400)
        self.assertFalse(Complaint.objects.exists())

    def test_it_refuses_with_a_clear_indonesian_message(self):
        later = timezone.localtime() + timedelta(hours=1)
        cases = [
            ("kategori", "Pilih kategori pengaduan yang tersedia.", {"kategori": "banjir"}),
            ("saluran", "Pilih saluran pengaduan yang tersedia.", {"saluran": "web"}),
            ("kode_desa", "Pilih desa/kelurahan di wilayah Anda.", {"kode_desa": DESA_B}),
            ("diterima", "Waktu diterima tidak boleh setelah sekarang.",
             {"diterima": f"{later:%Y-%m-%dT%H:%M}"}),
            ("diterima", "Waktu diterima paling awal tahun 2007.",
             {"diterima": "2006-12-31T23:00"}),
            ("id_keluarga", "KPM dengan ID keluarga ini tidak ditemukan di wilayah Anda.",
             {"id_keluarga": self.family_b.registry_id}),
            ("pendamping", "Pengaduan perilaku pendamping atau pungli harus menyebut "
             "pendamping yang diadukan.", {"kategori": "pungli"}),
            ("pendamping", "Pendamping diadukan hanya pada pengaduan perilaku pendamping atau "
             "pungli; kosongkan isian ini.", {"pendamping": "pendamping_a"}),
            ("pendamping", "Pilih pendamping PKH yang aktif di wilayah Anda.",
             {"kategori": "pungli", "pendamping": "pendamping_b"}),
            ("nik", "NIK harus 16 angka, tertulis 5", {"nik": "12345"}),
        ]  # fmt: skip
        for field, message, fields in cases:
            with self.subTest(field=field, fields=fields):
                self.refused(self.korcam_a, field, message, **fields)

    def test_a_family_of_a_desa_other_than_the_chosen_one_is_refused(self):
        self.refused(self.korkab, "id_keluarga", "KPM ini tidak berada di desa yang dipilih.",
                     id_keluarga=self.family_b.registry_id)  # fmt: skip

    def test_read_only_roles_get_403_and_anonymous_the_sign_in_page(self):
        for user in (self.korwil, self.auditor):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(URL).status_code, 403)
                self.assertEqual(self.client.post(URL, self.form()).status_code, 403)
        self.client.logout()
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response.url.startswith(reverse("login")))
        self.assertFalse(Complaint.objects.exists())
