"""The public complaint form at /pengaduan/: no sign-in, the desa picker with and without
a script, anonymous complaints, the code and PIN shown once, the security question, the
honeypot and the limit per address."""

import time
from unittest import mock

from django.core import signing
from django.test import override_settings

from harapan.audit.models import AuditEntry

from ..forms_public import CHALLENGE_MAX_AGE, CHALLENGE_SALT
from ..models import Complaint
from .base import ComplaintTestCase
from .public import FORM_URL, at_second, challenge, filled, options, shown


@at_second
class PublicFormTest(ComplaintTestCase):
    def test_without_a_script_each_step_lists_the_next_level_and_keeps_what_was_typed(self, _s):
        page = self.client.get(FORM_URL)
        assert page.status_code == 200
        assert "KAB. TANGGAMUS" in options(page, "kabupaten")
        assert '<optgroup label="LAMPUNG">' in page.content.decode()
        assert options(page, "kecamatan") == []
        typed = {"kategori": "kks", "uraian": "KKS saya ditahan ketua kelompok.",
                 "nama": "Siti Aminah", "telepon": "0812 3456 789"}  # fmt: skip
        step = self.client.post(FORM_URL, {**typed, "kabupaten": "1806", "langkah": "kecamatan"})
        assert step.status_code == 200
        assert options(step, "kecamatan") == ["Kota Agung", "Talang Padang"]
        assert options(step, "desa") == []
        self.assertContains(step, "KKS saya ditahan ketua kelompok.</textarea>")
        self.assertContains(step, 'value="Siti Aminah"')
        self.assertNotContains(step, 'class="error"')  # a step is not a refusal
        step = self.client.post(FORM_URL, {**typed, "kabupaten": "1806", "kecamatan": "180601",
                                           "langkah": "desa"})  # fmt: skip
        assert options(step, "desa") == ["Kuripan"]
        done = self.client.post(FORM_URL, {**typed, "kabupaten": "1806", "kecamatan": "180601",
                                           "desa": "1806012001", **challenge(step)})  # fmt: skip
        assert done.status_code == 200
        complaint = Complaint.objects.get()
        assert (complaint.kategori, complaint.saluran, complaint.region_code) == (
            "kks", "web", "1806012001")  # fmt: skip
        assert (complaint.complainant_name, complaint.complainant_phone) == (
            "Siti Aminah", "0812 3456 789")  # fmt: skip
        # Desa A: pendamping_a and pendamping_a2 have one family each; the lower id wins.
        assert complaint.handler == self.pendamping_a
        assert shown(done, "kode-pengaduan") == complaint.kode
        assert complaint.check_pin(shown(done, "pin-pengaduan"))
        assert "no-store" in done["Cache-Control"]

    def test_with_a_script_the_lists_come_from_the_regions_endpoint(self, _s):
        kecamatan = self.client.get("/pengaduan/wilayah/", {"induk": "1806"})
        assert kecamatan.json() == {"wilayah": [{"kode": "180601", "nama": "Kota Agung"},
                                                {"kode": "180602", "nama": "Talang Padang"}]}  # fmt: skip
        desa = self.client.get("/pengaduan/wilayah/", {"induk": "180601"})
        assert desa.json() == {"wilayah": [{"kode": "1806012001", "nama": "Kuripan"}]}
        assert self.client.get("/pengaduan/wilayah/", {"induk": "1806012001"}).status_code == 400
        assert self.client.get("/pengaduan/wilayah/", {"induk": "18x"}).status_code == 400
        page = self.client.get(FORM_URL)
        self.assertContains(page, 'src="/static/complaints/regions.js"')
        done = self.client.post(FORM_URL, filled(page, desa="1806022001", kecamatan="180602"))
        assert done.status_code == 200
        assert Complaint.objects.get().region_code == "1806022001"
        assert Complaint.objects.get().handler == self.pendamping_b

    def test_an_anonymous_complaint_keeps_no_identity_and_says_it_may(self, _s):
        page = self.client.get(FORM_URL)
        self.assertContains(page, "Anda boleh mengadu tanpa menyebut nama")
        self.client.post(FORM_URL, filled(page))
        complaint = Complaint.objects.get()
        assert (complaint.complainant_name, complaint.complainant_phone,
                complaint.complainant_nik) == ("", "", "")  # fmt: skip
        entry = AuditEntry.objects.get(action="complaints.submit")
        assert (entry.actor, entry.object_id) == (None, str(complaint.pk))

    def test_a_desa_outside_the_chosen_kecamatan_is_refused(self, _s):
        page = self.client.get(FORM_URL)
        refused = self.client.post(FORM_URL, filled(page, desa="1806022001"))
        self.assertContains(refused, "Pilih desa/kelurahan dari kecamatan yang dipilih.")
        self.assertNotContains(refused, "1806022001 bukan")  # no code in the message
        assert not Complaint.objects.exists()

    def test_a_conduct_complaint_names_the_accused_in_words_and_goes_to_the_korcam(self, _s):
        page = self.client.get(FORM_URL)
        refused = self.client.post(FORM_URL, filled(page, kategori="pungli"))
        self.assertContains(refused, "Tulis nama pendamping yang diadukan.")
        assert not Complaint.objects.exists()
        self.client.post(FORM_URL, filled(refused, kategori="pungli",
                                          nama_pendamping="  Pak   Budi "))  # fmt: skip
        complaint = Complaint.objects.get()
        assert (complaint.accused, complaint.accused_name) == (None, "Pak Budi")
        assert (complaint.tingkat, complaint.handler) == ("korcam", self.korcam_a)
        # The pendamping of the desa does not see a complaint about (perhaps) them.
        assert not Complaint.objects.visible_to(self.pendamping_a).exists()

    def test_a_wrong_answer_brings_the_form_back_with_everything_typed(self, _s):
        page = self.client.get(FORM_URL)
        data = filled(page, nama="Siti Aminah", nik="")
        data["jawaban"] = str(int(data["jawaban"]) + 1)
        refused = self.client.post(FORM_URL, data)
        self.assertContains(refused, "Jawaban salah. Jawab pertanyaan yang baru.")
        self.assertContains(refused, "Bantuan tahap III belum masuk ke rekening.</textarea>")
        self.assertContains(refused, 'value="Siti Aminah"')
        assert options(refused, "desa") == ["Kuripan"]
        assert challenge(refused)["soal"] != data["soal"]  # a new question
        assert not Complaint.objects.exists()
        self.client.post(FORM_URL, filled(refused))
        assert Complaint.objects.count() == 1

    def test_an_expired_or_forged_question_is_refused(self, _s):
        page = self.client.get(FORM_URL)
        data = filled(page)
        # Asked two hours and a second ago (the form's whole time to answer is two hours).
        with mock.patch("time.time", return_value=time.time() - CHALLENGE_MAX_AGE - 1):
            old = signing.dumps([2, 3, "a1b2"], salt=CHALLENGE_SALT)
        refused = self.client.post(FORM_URL, {**data, "soal": old, "jawaban": "5"})
        self.assertContains(refused, "Waktu menjawab habis. Jawab pertanyaan yang baru.")
        forged = self.client.post(FORM_URL, {**data, "soal": "[2, 3, 1]", "jawaban": "5"})
        self.assertContains(forged, "Jawab pertanyaan yang baru.")
        assert not Complaint.objects.exists()

    def test_one_solved_question_serves_one_complaint(self, _s):
        page = self.client.get(FORM_URL)
        assert self.client.post(FORM_URL, filled(page)).status_code == 200
        again = self.client.post(FORM_URL, filled(page, uraian="Sama, dikirim lagi."))
        self.assertContains(again, "Pertanyaan ini sudah dijawab. Jawab pertanyaan yang baru.")
        assert Complaint.objects.count() == 1

    def test_a_robot_filling_the_hidden_field_is_refused(self, _s):
        page = self.client.get(FORM_URL)
        refused = self.client.post(FORM_URL, filled(page, situs_web="http://spam.example"))
        self.assertContains(refused, "Pengaduan tidak dapat dikirim.")
        assert not Complaint.objects.exists()

    def test_a_bad_nik_is_refused_on_its_field(self, _s):
        page = self.client.get(FORM_URL)
        refused = self.client.post(FORM_URL, filled(page, nik="123"))
        assert "nik" in refused.context["form"].errors
        assert not Complaint.objects.exists()

    @override_settings(HARAPAN_COMPLAINT_RATE_LIMIT=3)
    def test_the_fourth_complaint_from_one_address_within_the_hour_gets_429(self, clock):
        for _ in range(3):
            page = self.client.get(FORM_URL, REMOTE_ADDR="10.0.0.7")
            assert (
                self.client.post(FORM_URL, filled(page), REMOTE_ADDR="10.0.0.7").status_code == 200
            )
        page = self.client.get(FORM_URL, REMOTE_ADDR="10.0.0.7")
        refused = self.client.post(FORM_URL, filled(page), REMOTE_ADDR="10.0.0.7")
        assert refused.status_code == 429
        assert refused["Retry-After"] == "3500"  # 100 s into the hour
        self.assertContains(refused, "Coba lagi dalam 59 menit.", status_code=429)
        assert Complaint.objects.count() == 3
        other = self.client.post(FORM_URL, filled(page), REMOTE_ADDR="10.0.0.8")
        assert other.status_code == 200
        assert Complaint.objects.count() == 4
        clock.return_value += 3500  # the next window
        page = self.client.get(FORM_URL, REMOTE_ADDR="10.0.0.7")
        assert self.client.post(FORM_URL, filled(page), REMOTE_ADDR="10.0.0.7").status_code == 200
        assert Complaint.objects.count() == 5

    @override_settings(HARAPAN_COMPLAINT_RATE_LIMIT=1)
    def test_refused_forms_are_not_counted(self, _s):
        for _ in range(3):
            page = self.client.post(FORM_URL, filled(self.client.get(FORM_URL), uraian=""))
            self.assertContains(page, "Bidang ini tidak boleh kosong.")
        assert self.client.post(FORM_URL, filled(page)).status_code == 200
        assert Complaint.objects.count() == 1
