"""The verification upload page (/verifikasi/impor/): the request queues a run, a task imports.

Roles, scope, the result and the errors, as the run's page shows them.
"""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from harapan.audit.models import AuditEntry
from harapan.compliance.models import Verification
from harapan.jobs.models import Run, RunFile, RunKind, RunStatus
from harapan.testing import (
    KEC_A,
    METRO_DESA,
    QueuedUploadMixin,
    csv_upload,
    make_family,
    make_member,
    make_user,
    queued_run,
    refusal_on_record,
    run_due_tasks,
    run_queued_here,
    sign_in,
)

from .test_import_verification import HEADER, VerificationFileCase

URL = reverse("compliance:verification_upload")
NOT_YOURS = "NIK tidak ditemukan di wilayah Anda"


def upload(text: str, name: str = "verifikasi.csv"):
    return csv_upload(text, name)


class UploadPageTests(QueuedUploadMixin, VerificationFileCase):
    upload_url, saved, file_name = URL, Verification, "verifikasi.csv"

    def kecamatan_a_file(self) -> str:
        return "\n".join([
            HEADER,
            f"{self.pupil.nik},2026-01,sd,,90,",
            f"{self.toddler.nik},2026-01,anak_usia_dini,dikecualikan,,posyandu tutup",
        ])  # fmt: skip

    def test_the_request_queues_a_run_and_the_task_imports_the_file(self):
        run = self.uploaded(self.korcam_a, self.kecamatan_a_file(), "jan.csv")
        self.assertEqual((run.kind, run.title, run.started_by, run.region_code, run.status),
                         (RunKind.VERIFICATION_IMPORT, "jan.csv", self.korcam_a, KEC_A,
                          RunStatus.DONE))  # fmt: skip
        self.assertEqual((run.rows_read, run.rows_checked, run.rows_written), (2, 2, 2))
        self.assertFalse(RunFile.objects.exists())  # the file, full of NIKs, is gone
        records = Verification.objects.all()
        self.assertEqual(len(records), 2)
        self.assertEqual({v.recorded_by for v in records}, {self.korcam_a})
        page = self.run_page(run)
        self.assertContains(page, "Data verifikasi bulan 2026-01 telah disimpan")
        # The pupil's 90 % is patuh, the toddler excused: two members, nothing replaced.
        self.assertEqual(page.context["figures"], [
            ("Catatan verifikasi", 2), ("Anggota", 2), ("Patuh", 1), ("Tidak patuh", 0),
            ("Dikecualikan", 1), ("Hasil dari persen kehadiran", 1), ("Catatan lama diganti", 0),
        ])  # fmt: skip
        # The upload page lists the run again.
        listed = self.client.get(URL)
        self.assertEqual(list(listed.context["runs"]), [run])
        self.assertContains(listed, reverse("jobs:run_detail", args=[run.pk]))

    def test_a_dry_run_shows_the_result_and_saves_nothing(self):
        run = self.uploaded(self.operator, self.kecamatan_a_file(), dry_run="on")
        self.assertEqual(run.status, RunStatus.DONE)
        self.assertContains(self.run_page(run), "Uji coba tanpa galat (bulan 2026-01)")
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
        self.client.logout()
        self.assertEqual(self.client.get(URL).status_code, 302)
        self.assertFalse(Run.objects.exists())

    def test_a_row_outside_the_uploaders_region_is_an_error_and_nothing_loads(self):
        # Tanggamus: the Metro pupil is not the operator's.
        text = self.kecamatan_a_file() + f"\n{self.metro_pupil.nik},2026-01,smp,patuh,,"
        run = self.uploaded(self.operator, text)
        self.assertEqual(run.status, RunStatus.REJECTED)
        self.assertEqual(run.errors, [[4, "nik", self.metro_pupil.nik, NOT_YOURS]])
        page = self.run_page(run)
        self.assertContains(page, "tidak ada yang diimpor")
        self.assertEqual(page.context["errors"], [[4, "nik", self.metro_pupil.nik, NOT_YOURS]])
        self.assertFalse(Verification.objects.exists())

    def test_a_nik_registered_nowhere_gets_the_same_answer_as_one_outside_the_scope(self):
        # Otherwise the two messages would tell an uploader which NIKs are KPM elsewhere.
        unknown = "1806010101990001"
        text = self.kecamatan_a_file() + f"\n{unknown},2026-01,smp,patuh,,"
        text += f"\n{self.metro_pupil.nik},2026-01,smp,patuh,,"
        run = self.uploaded(self.operator, text)
        self.assertEqual(run.errors, [[4, "nik", unknown, NOT_YOURS],
                                      [5, "nik", self.metro_pupil.nik, NOT_YOURS]])  # fmt: skip

    def test_a_nik_held_by_two_families_elsewhere_is_not_found_without_a_count(self):
        # A second Metro family with the Metro pupil's NIK: check_data's NIK_DUPLIKAT.
        make_member(make_family(region_code=METRO_DESA), nik=self.metro_pupil.nik,
                    birth_date=date(2012, 8, 1), school_level="smp")  # fmt: skip
        text = self.kecamatan_a_file() + f"\n{self.metro_pupil.nik},2026-01,smp,patuh,,"
        run = self.uploaded(self.operator, text)
        self.assertEqual(run.errors, [[4, "nik", self.metro_pupil.nik, NOT_YOURS]])

    def test_pendamping_b_cannot_record_pendamping_a_families(self):
        run = self.uploaded(self.pendamping_b, self.kecamatan_a_file())
        self.assertEqual([(e[0], e[3]) for e in run.errors], [(2, NOT_YOURS), (3, NOT_YOURS)])
        # Nothing about the member is revealed beyond the refusal.
        self.assertNotContains(self.run_page(run), "anak_usia_dini, bukan")
        self.assertFalse(Verification.objects.exists())
        # pendamping_a2 shares the kecamatan but not the caseload.
        run = self.uploaded(self.pendamping_a2, self.kecamatan_a_file())
        self.assertEqual(run.error_total, 2)
        self.assertFalse(Verification.objects.exists())

    def test_the_errors_are_listed_and_downloadable_as_csv(self):
        # 9 unknown results of the pupil, then 140 NIKs of nobody: 149 errors.
        bad = [f"{self.pupil.nik},2026-{m:02d},sd,rajin,," for m in range(1, 10)]
        bad += [f"32710101010{n:05d},2026-01,sd,patuh,," for n in range(1, 141)]
        run = self.uploaded(self.operator, "\n".join([HEADER, *bad]))
        self.assertEqual((run.status, run.error_total), (RunStatus.REJECTED, 149))
        page = self.run_page(run)
        self.assertEqual(len(page.context["errors"]), 100)
        self.assertContains(page, "100 galat pertama")
        self.assertEqual(dict(page.context["figures"])["Galat"], 149)
        download = self.client.get(reverse("jobs:run_errors", args=[run.pk]))
        self.assertEqual(download.status_code, 200)
        self.assertIn("attachment", download["Content-Disposition"])
        lines = download.content.decode("utf-8-sig").splitlines()
        self.assertEqual(lines[0], "baris,kolom,nilai,pesan")
        self.assertEqual(len(lines), 150)
        self.assertTrue(lines[1].startswith("2,hasil,rajin,"))
        self.assertFalse(Verification.objects.exists())

    def test_a_file_without_the_columns_is_refused_with_row_one(self):
        run = self.uploaded(self.operator, "nik,hasil\n1,patuh\n")
        self.assertEqual(run.status, RunStatus.REJECTED)
        self.assertContains(self.run_page(run), "Kolom wajib tidak ada")
        self.assertEqual(run.errors[0][0], 1)

    def test_a_korcam_uploads_an_xlsx_workbook(self):
        workbook = Workbook()
        for line in self.kecamatan_a_file().splitlines():
            workbook.active.append(line.split(","))
        content = io.BytesIO()
        workbook.save(content)
        self.client.force_login(self.korcam_a)
        file = SimpleUploadedFile("jan.xlsx", content.getvalue())
        queued_run(self, self.client.post(URL, {"file": file}))
        run_queued_here()
        saved = Verification.objects.values_list("member_id", "result", "attendance")
        self.assertEqual(
            set(saved), {(self.pupil.pk, "patuh", 90), (self.toddler.pk, "dikecualikan", None)}
        )

    def test_a_file_too_big_or_not_csv_is_refused_before_reading(self):
        self.client.force_login(self.operator)
        with self.settings(HARAPAN_UPLOAD_MAX_MB=0):
            response = self.client.post(URL, {"file": upload(self.kecamatan_a_file())})
        self.assertContains(response, "Berkas terlalu besar")
        response = self.client.post(URL, {"file": upload(self.kecamatan_a_file(), "x.pdf")})
        self.assertContains(response, "Berkas harus .csv atau .xlsx")
        self.assertFalse(Run.objects.exists())

    def test_a_renamed_binary_is_refused_at_the_door_and_recorded(self):
        self.client.force_login(self.operator)
        pdf = SimpleUploadedFile("jan.xlsx", b"%PDF-1.4 a renamed document")
        response = self.client.post(URL, {"file": pdf})
        self.assertContains(response, "bukan buku kerja Excel .xlsx")
        self.assertFalse(Run.objects.exists())
        reason = refusal_on_record(self.operator, RunKind.VERIFICATION_IMPORT, "jan.xlsx")
        self.assertIn("bukan buku kerja Excel .xlsx", reason)

    def test_a_file_rejected_by_the_worker_is_on_the_record_with_its_reason(self):
        text = self.kecamatan_a_file() + f"\n{self.metro_pupil.nik},2026-01,smp,patuh,,"
        self.uploaded(self.operator, text, "jan.csv")
        entry = AuditEntry.objects.get(action="compliance.verification.import")
        # One error, on line 4 (the Metro pupil): nothing imported.
        self.assertEqual((entry.actor, entry.details["berkas"], entry.details["rejected"],
                          entry.details["reason"]),
                         (self.operator, "jan.csv", True,
                          "1 galat pada 1 baris; tidak ada yang diimpor"))  # fmt: skip

    def test_another_pendamping_cannot_open_the_run_or_its_errors(self):
        run = self.uploaded(self.pendamping_b, self.kecamatan_a_file())
        self.client.force_login(self.pendamping_a2)
        self.assertEqual(self.run_page(run).status_code, 404)
        errors = self.client.get(reverse("jobs:run_errors", args=[run.pk]))
        self.assertEqual(errors.status_code, 404)
        self.assertEqual(list(self.client.get(URL).context["runs"]), [])


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
    page.wait_for_selector("text=Menunggu giliran")  # the run's page, refreshing itself
    run_due_tasks()
    page.wait_for_selector("text=Berkas ditolak")
    page.screenshot(path=str(screenshot_dir / "verification-upload-360px.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert "komitmen anggota ini sd, bukan lansia" in page.inner_text("body")
    assert not Verification.objects.exists()
