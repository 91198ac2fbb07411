"""The verification upload page (/verifikasi/impor/): roles, scope, summary and errors."""

import io
from datetime import date
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from harapan.compliance import views_import
from harapan.compliance.models import Verification
from harapan.testing import KEC_A, make_family, make_member, make_user, sign_in

from .test_import_verification import HEADER, VerificationFileCase

URL = reverse("compliance:verification_upload")
ERRORS_URL = reverse("compliance:verification_upload_errors")


def upload(text: str, name: str = "verifikasi.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


class UploadPageTests(VerificationFileCase):
    def kecamatan_a_file(self) -> str:
        return "\n".join([
            HEADER,
            f"{self.pupil.nik},2026-01,sd,,90,",
            f"{self.toddler.nik},2026-01,anak_usia_dini,dikecualikan,,posyandu tutup",
        ])  # fmt: skip

    def test_a_korcam_uploads_a_file_and_sees_the_summary(self):
        self.client.force_login(self.korcam_a)
        response = self.client.post(URL, {"file": upload(self.kecamatan_a_file(), "jan.csv")})
        self.assertRedirects(response, URL, fetch_redirect_response=False)
        page = self.client.get(URL)
        self.assertContains(page, "jan.csv: data verifikasi telah disimpan")
        self.assertEqual(page.context["summary"]["rows"], 2)
        self.assertIn(("Dikecualikan", 1), page.context["results"])
        records = Verification.objects.all()
        self.assertEqual(len(records), 2)
        self.assertEqual({v.recorded_by for v in records}, {self.korcam_a})
        # The summary is shown once, not on every later visit.
        self.assertNotIn("summary", self.client.get(URL).context)

    def test_a_dry_run_shows_the_summary_and_saves_nothing(self):
        self.client.force_login(self.operator)
        self.client.post(URL, {"file": upload(self.kecamatan_a_file()), "dry_run": "on"})
        self.assertContains(self.client.get(URL), "uji coba tanpa galat")
        self.assertFalse(Verification.objects.exists())

    def test_only_roles_that_change_family_data_may_upload(self):
        writers = (self.pendamping_a, self.korcam_a, self.korkab, self.operator, self.admin_pusat)
        for user in writers:
            self.client.force_login(user)
            self.assertEqual(self.client.get(URL).status_code, 200, user)
        no_role = make_user("tamu")
        for user in (self.korwil, self.auditor, no_role):
            self.client.force_login(user)
            self.assertEqual(self.client.get(URL).status_code, 403, user)
            self.assertEqual(self.client.post(URL, {"file": upload(self.kecamatan_a_file())})
                             .status_code, 403)  # fmt: skip
            self.assertEqual(self.client.get(ERRORS_URL).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(URL).status_code, 302)
        self.assertFalse(Verification.objects.exists())

    def test_a_row_outside_the_uploaders_region_is_an_error_and_nothing_loads(self):
        self.client.force_login(self.operator)  # Tanggamus: the Metro pupil is not theirs
        text = self.kecamatan_a_file() + f"\n{self.metro_pupil.nik},2026-01,smp,patuh,,"
        response = self.client.post(URL, {"file": upload(text)})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "tidak ada yang diimpor")
        self.assertEqual(response.context["errors"],
                         [[4, "nik", self.metro_pupil.nik,
                           "Anggota ini bukan KPM di wilayah atau dampingan Anda"]])  # fmt: skip
        self.assertFalse(Verification.objects.exists())

    def test_pendamping_b_cannot_record_pendamping_a_families(self):
        self.client.force_login(self.pendamping_b)
        response = self.client.post(URL, {"file": upload(self.kecamatan_a_file())})
        self.assertEqual([e[0] for e in response.context["errors"]], [2, 3])
        # Nothing about the member is revealed beyond the refusal.
        self.assertNotContains(response, "anak_usia_dini, bukan")
        self.assertFalse(Verification.objects.exists())
        # pendamping_a2 shares the kecamatan but not the caseload.
        self.client.force_login(self.pendamping_a2)
        response = self.client.post(URL, {"file": upload(self.kecamatan_a_file())})
        self.assertEqual(response.context["result"].errors, 2)

    def test_the_errors_are_listed_and_downloadable_as_csv(self):
        self.client.force_login(self.operator)
        bad = [f"{self.pupil.nik},2026-{m:02d},sd,rajin,," for m in range(1, 10)]
        bad += [f"32710101010{n:05d},2026-01,sd,patuh,," for n in range(1, 141)]
        response = self.client.post(URL, {"file": upload("\n".join([HEADER, *bad]))})
        self.assertEqual(response.context["result"].errors, 149)
        self.assertEqual(len(response.context["errors"]), 100)
        self.assertContains(response, "100 galat pertama")
        download = self.client.get(ERRORS_URL)
        self.assertEqual(download.status_code, 200)
        self.assertIn("attachment", download["Content-Disposition"])
        lines = download.content.decode("utf-8-sig").splitlines()
        self.assertEqual(lines[0], "baris,kolom,nilai,pesan")
        self.assertEqual(len(lines), 150)
        self.assertTrue(lines[1].startswith("2,hasil,rajin,"))

    def test_a_file_without_the_columns_is_refused_with_row_one(self):
        self.client.force_login(self.operator)
        response = self.client.post(URL, {"file": upload("nik,hasil\n1,patuh\n")})
        self.assertContains(response, "Kolom wajib tidak ada")
        self.assertEqual(response.context["errors"][0][0], 1)

    def test_a_korcam_uploads_an_xlsx_workbook(self):
        workbook = Workbook()
        for line in self.kecamatan_a_file().splitlines():
            workbook.active.append(line.split(","))
        content = io.BytesIO()
        workbook.save(content)
        self.client.force_login(self.korcam_a)
        file = SimpleUploadedFile("jan.xlsx", content.getvalue())
        self.assertRedirects(self.client.post(URL, {"file": file}), URL,
                             fetch_redirect_response=False)  # fmt: skip
        saved = Verification.objects.values_list("member_id", "result", "attendance")
        self.assertEqual(
            set(saved), {(self.pupil.pk, "patuh", 90), (self.toddler.pk, "dikecualikan", None)}
        )

    def test_a_file_too_big_or_not_csv_is_refused_before_reading(self):
        self.client.force_login(self.operator)
        with mock.patch.object(views_import, "MAX_UPLOAD_MB", 0):
            response = self.client.post(URL, {"file": upload(self.kecamatan_a_file())})
        self.assertContains(response, "Berkas terlalu besar")
        response = self.client.post(URL, {"file": upload(self.kecamatan_a_file(), "x.pdf")})
        self.assertContains(response, "Berkas harus .csv atau .xlsx")
        self.assertFalse(Verification.objects.exists())

    def test_errors_download_without_a_rejected_upload_is_404(self):
        self.client.force_login(self.operator)
        self.assertEqual(self.client.get(ERRORS_URL).status_code, 404)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_upload_and_its_errors_fit_a_360px_phone(live_server, phone_page, screenshot_dir,
                                                     tmp_path):  # fmt: skip
    pendamping = make_user("siti", "pendamping", KEC_A)
    family = make_family(pendamping=pendamping)
    pupil = make_member(family, birth_date=date(2015, 3, 1), school_level="sd")
    data = tmp_path / "verifikasi.csv"
    data.write_text(
        f"{HEADER}\n{pupil.nik},2026-01,sd,,90,\n{pupil.nik},2026-02,lansia,patuh,,\n",
        encoding="utf-8",
    )
    page = phone_page
    sign_in(page, live_server.url, "siti")
    page.goto(f"{live_server.url}{URL}")
    page.set_input_files("#id_file", str(data))
    page.click("button[type=submit].primary")
    page.wait_for_selector("text=Berkas ditolak")
    page.screenshot(path=str(screenshot_dir / "verification-upload-360px.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert "komitmen anggota ini sd, bukan lansia" in page.inner_text("table")
    assert not Verification.objects.exists()
