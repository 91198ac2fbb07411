"""The participations upload page (/program/impor/): the request queues a run, a task imports
the file with the engine of `import_programs`, within the uploader's scope."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from harapan.audit.models import AuditEntry
from harapan.jobs.models import Run, RunFile, RunKind, RunStatus
from harapan.programs.models import Participation
from harapan.testing import (
    KEC_A,
    QueuedUploadMixin,
    csv_upload,
    make_user,
    queued_run,
    refusal_on_record,
    run_queued_here,
)

from .test_import import HEADER, ParticipationFileCase

URL = reverse("programs:import_upload")
NOT_YOURS = "ID keluarga tidak ditemukan di wilayah Anda"


def upload(text: str, name: str = "program.csv"):
    return csv_upload(text, name)


class UploadPageTests(QueuedUploadMixin, ParticipationFileCase):
    upload_url, saved, file_name = URL, Participation, "program.csv"

    def family_a_file(self) -> str:
        a = self.family_a.registry_id
        return "\n".join([
            HEADER,
            f"{a},{self.pupil.nik},pip,2025-07-01,,menerima",
            f"{a},,bpnt,2025-01-01,,diusulkan",
        ])  # fmt: skip

    def test_the_request_queues_a_run_and_the_task_imports_the_file(self):
        run = self.uploaded(self.korcam_a, self.family_a_file(), "program-a.csv")
        self.assertEqual((run.kind, run.title, run.started_by, run.region_code, run.status),
                         (RunKind.PROGRAMS_IMPORT, "program-a.csv", self.korcam_a, KEC_A,
                          RunStatus.DONE))  # fmt: skip
        self.assertEqual((run.rows_read, run.rows_checked, run.rows_written), (2, 2, 2))
        self.assertFalse(RunFile.objects.exists())
        saved = Participation.objects.values_list("programme", "member_id", "status", "source",
                                                  "recorded_by_id")  # fmt: skip
        self.assertEqual(set(saved), {
            ("pip", self.pupil.pk, "menerima", "impor", self.korcam_a.pk),
            ("bpnt", None, "diusulkan", "impor", self.korcam_a.pk),
        })  # fmt: skip
        page = self.run_page(run)
        self.assertContains(page, "Kepesertaan program telah disimpan.")
        self.assertEqual(page.context["figures"], [
            ("Baris dibaca", 2), ("Keluarga", 1), ("Baru", 2), ("Diubah", 0), ("Tetap", 0),
        ])  # fmt: skip
        listed = self.client.get(URL)
        self.assertEqual(list(listed.context["runs"]), [run])
        self.assertContains(listed, reverse("jobs:run_detail", args=[run.pk]))

    def test_the_same_file_again_changes_nothing(self):
        self.uploaded(self.korcam_a, self.family_a_file())
        before = self.recorded()
        self.client.force_login(self.korkab)
        run = queued_run(self, self.client.post(URL, {"file": upload(self.family_a_file())}))
        run_queued_here()
        run.refresh_from_db()
        self.assertEqual(run.status, RunStatus.DONE)
        self.assertEqual(dict(run.figures), {"Baris dibaca": 2, "Keluarga": 1, "Baru": 0,
                                             "Diubah": 0, "Tetap": 2})  # fmt: skip
        self.assertEqual(self.recorded(), before)

    def test_a_dry_run_shows_the_result_and_saves_nothing(self):
        run = self.uploaded(self.operator, self.family_a_file(), dry_run="on")
        self.assertEqual(run.status, RunStatus.DONE)
        self.assertContains(self.run_page(run), "Uji coba tanpa galat")
        self.assertEqual(dict(run.figures)["Baru"], 2)
        self.assertFalse(Participation.objects.exists())

    def test_only_roles_that_change_family_data_may_upload(self):
        writers = (self.pendamping_a, self.korcam_a, self.korkab, self.operator, self.admin_pusat)
        for user in writers:
            self.client.force_login(user)
            self.assertEqual(self.client.get(URL).status_code, 200, user)
        no_role = make_user("tamu")
        for user in (self.korwil, self.auditor, no_role):
            self.client.force_login(user)
            self.assertEqual(self.client.get(URL).status_code, 403, user)
            response = self.client.post(URL, {"file": upload(self.family_a_file())})
            self.assertEqual(response.status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(URL).status_code, 302)
        self.assertFalse(Run.objects.exists())

    def test_a_family_outside_the_uploaders_region_refuses_the_file(self):
        # Tanggamus's operator: the Metro family is not theirs, and nothing loads.
        text = (
            self.family_a_file() + f"\n{self.metro_family.registry_id},,bpnt,2026-01-01,,menerima"
        )
        run = self.uploaded(self.operator, text, "program.csv")
        self.assertEqual(run.status, RunStatus.REJECTED)
        metro = self.metro_family.registry_id
        self.assertEqual(run.errors, [[4, "id_keluarga", metro, NOT_YOURS]])
        page = self.run_page(run)
        self.assertContains(page, "tidak ada yang diimpor")
        self.assertFalse(Participation.objects.exists())
        entry = AuditEntry.objects.get(action="programs.participation.import")
        self.assertEqual((entry.actor, entry.details["berkas"], entry.details["rejected"],
                          entry.details["reason"]),
                         (self.operator, "program.csv", True,
                          "1 galat pada 1 baris; tidak ada yang diimpor"))  # fmt: skip

    def test_an_unknown_family_gets_the_same_answer_as_one_outside_the_scope(self):
        # Otherwise the two messages would tell an uploader which IDs are KPM elsewhere.
        text = self.family_a_file() + "\nKPM9999999,,bpnt,2026-01-01,,menerima"
        text += f"\n{self.metro_family.registry_id},,bpnt,2026-01-01,,menerima"
        run = self.uploaded(self.operator, text)
        self.assertEqual(run.errors, [[4, "id_keluarga", "KPM9999999", NOT_YOURS],
                                      [5, "id_keluarga", self.metro_family.registry_id,
                                       NOT_YOURS]])  # fmt: skip

    def test_a_pendamping_records_only_their_own_caseload(self):
        # family_a is pendamping_a's; pendamping_a2 shares the kecamatan, not the caseload.
        run = self.uploaded(self.pendamping_a2, self.family_a_file())
        a = self.family_a.registry_id
        self.assertEqual(run.errors, [[2, "id_keluarga", a, NOT_YOURS],
                                      [3, "id_keluarga", a, NOT_YOURS]])  # fmt: skip
        self.assertFalse(Participation.objects.exists())
        run = self.uploaded(self.pendamping_a, self.family_a_file())
        self.assertEqual(run.status, RunStatus.DONE)
        self.assertEqual(Participation.objects.count(), 2)

    def test_a_renamed_binary_is_refused_at_the_door_and_recorded(self):
        self.client.force_login(self.operator)
        pdf = SimpleUploadedFile("program.xlsx", b"%PDF-1.4 a renamed document")
        response = self.client.post(URL, {"file": pdf})
        self.assertContains(response, "bukan buku kerja Excel .xlsx")
        self.assertFalse(Run.objects.exists())
        reason = refusal_on_record(self.operator, RunKind.PROGRAMS_IMPORT, "program.xlsx")
        self.assertIn("bukan buku kerja Excel .xlsx", reason)

    def test_the_page_lists_the_programme_codes_with_their_labels(self):
        self.client.force_login(self.operator)
        page = self.client.get(URL)
        self.assertContains(page, "<td>PBI-JKN/KIS</td><td><code>pbi_jkn</code></td>"
                                  "<td>Anggota (isi NIK)</td>", html=False)  # fmt: skip
        self.assertContains(page, "<td>Sembako/BPNT</td><td><code>bpnt</code></td>"
                                  "<td>Keluarga (NIK kosong)</td>", html=False)  # fmt: skip
