"""The upload page hands the file to a worker, which runs the same import scoped to the
operator's region; the user lands on the run's page, which shows the result when done."""

import csv
import io
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from harapan.accounts.roles import Role
from harapan.audit.models import AuditEntry
from harapan.jobs.models import Run, RunFile, RunKind, RunStatus
from harapan.registry.models import Family, ImportRun
from harapan.registry.tests.test_import import BROKEN_FAMILIES, GOOD_FAMILIES, HEADER
from harapan.testing import (
    PersonaTestCase,
    make_region,
    make_user,
    refusal_on_record,
    run_queued_here,
    xlsx_bomb,
)


def upload_file(lines, name="registri.csv"):
    return SimpleUploadedFile(name, ("\n".join([HEADER, *lines]) + "\n").encode("utf-8"))


class ImportPageTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_region("1806012001")
        make_region("1806022001")

    def post(self, user, lines, **options):
        """Upload, let the worker's task run, and return the run page as the user reloads it."""
        response = self.post_only(user, lines, **options)
        assert run_queued_here() == 1
        return self.client.get(response.redirect_chain[-1][0])

    def post_only(self, user, lines, **options):
        self.client.force_login(user)
        data = {"file": upload_file(lines), **options}
        return self.client.post(reverse("registry:import_upload"), data, follow=True)

    def test_the_request_only_stores_the_file_and_a_worker_imports_it(self):
        response = self.post_only(self.operator, GOOD_FAMILIES)
        run = Run.objects.get()
        assert response.redirect_chain == [(reverse("jobs:run_detail", args=[run.pk]), 302)]
        # Nothing is imported by the request: the run waits, with its file, for a worker.
        assert run.status == RunStatus.QUEUED and RunFile.objects.filter(run=run).exists()
        assert not Family.objects.filter(registry_id="KPM-1").exists()
        self.assertContains(response, "Menunggu giliran")
        self.assertContains(response, '<meta http-equiv="refresh"', html=False)
        assert run_queued_here() == 1
        run.refresh_from_db()
        assert run.status == RunStatus.DONE
        assert Family.objects.filter(registry_id__in=["KPM-1", "KPM-2"]).count() == 2
        # The file is gone once read: it is full of NIKs.
        assert not RunFile.objects.exists()
        page = self.client.get(reverse("jobs:run_detail", args=[run.pk]))
        self.assertNotContains(page, '<meta http-equiv="refresh"', html=False)
        self.assertContains(page, "Data telah disimpan")
        # Five member rows of two families in GOOD_FAMILIES: all read, checked and written.
        assert (run.rows_read, run.rows_checked, run.rows_written) == (5, 5, 5)

    def test_the_uploader_finds_the_run_again_on_the_upload_page(self):
        self.post(self.operator, GOOD_FAMILIES)
        run = Run.objects.get()
        page = self.client.get(reverse("registry:import_upload"))
        self.assertContains(page, reverse("jobs:run_detail", args=[run.pk]))

    def test_an_operator_imports_a_good_file(self):
        response = self.post(self.operator, GOOD_FAMILIES)
        self.assertContains(response, "Data telah disimpan")
        assert Family.objects.filter(registry_id__in=["KPM-1", "KPM-2"]).count() == 2
        run = ImportRun.objects.get()
        assert run.started_by == self.operator and run.imported

    def test_a_bad_file_imports_nothing_and_its_errors_download_as_csv(self):
        response = self.post(self.operator, GOOD_FAMILIES + BROKEN_FAMILIES)
        self.assertContains(response, "tidak ada yang diimpor")
        assert not Family.objects.filter(registry_id="KPM-1").exists()
        run = ImportRun.objects.get()
        download = self.client.get(reverse("registry:import_errors", args=[run.pk]))
        assert download["Content-Type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
        assert {r["baris"] for r in rows} == {"7", "10", "11", "12", "13", "15", "16", "17"}

    def test_a_rejected_file_lists_its_errors_on_the_page_and_imports_nothing(self):
        response = self.post(self.operator, GOOD_FAMILIES + BROKEN_FAMILIES)
        self.assertContains(response, "Berkas ditolak: tidak ada yang diimpor")
        assert Run.objects.get().status == RunStatus.REJECTED
        details = self.client.get(reverse("registry:import_run", args=[ImportRun.objects.get().pk]))
        self.assertContains(details, "Bila keluarga bergalat dilewati, yang akan diimpor")
        # The file's own column names and values are quoted as <code>, as they must be typed.
        self.assertContains(response, "<td>7</td><td><code>nik</code></td>", html=False)
        self.assertContains(response, "NIK harus 16 angka")
        # Fourteen errors, all on the page.
        assert len(response.context["errors"]) == 14 == response.context["error_total"]
        self.assertNotContains(response, "galat pertama")

    def test_the_page_lists_the_first_hundred_errors_and_says_how_many_there_are(self):
        head = GOOD_FAMILIES[4]
        members = [head.replace("1806020707500005", f"1806021707{n:06d}").replace(",L,", ",X,")
                   .replace("kepala_keluarga", "anak") for n in range(1, 106)]  # fmt: skip
        response = self.post(self.operator, [head, *members])
        assert len(response.context["errors"]) == 100
        self.assertContains(response, "Di bawah ini 100 galat pertama dari 105")

    def test_skip_invalid_from_the_page(self):
        self.post(self.operator, GOOD_FAMILIES + BROKEN_FAMILIES, skip_invalid="on")
        assert Family.objects.filter(registry_id__startswith="KPM-").count() == 2

    def test_an_operator_cannot_import_into_another_kabupaten(self):
        metro_operator = make_user("operator_metro", Role.OPERATOR, "1872")
        response = self.post(metro_operator, GOOD_FAMILIES)
        self.assertContains(response, "tidak ada yang diimpor")
        assert not Family.objects.filter(registry_id="KPM-1").exists()
        run = ImportRun.objects.get()
        assert "di luar wilayah Anda" in run.errors_csv

    def test_a_family_registered_elsewhere_cannot_be_overwritten_by_upload(self):
        metro_operator = make_user("operator_metro", Role.OPERATOR, "1872")
        make_region("1872011001")
        line = GOOD_FAMILIES[4].replace("KPM-2", self.family_a.registry_id)
        line = line.replace("18.06.02.2001", "1872011001")
        self.post(metro_operator, [line])
        errors = list(csv.DictReader(io.StringIO(ImportRun.objects.get().errors_csv)))
        # The answer says no more than that: not that the family exists, nor its desa.
        assert [(e["kolom"], e["pesan"]) for e in errors if e["kolom"] == "id_keluarga"] == [
            ("id_keluarga", "Keluarga ini tidak ditemukan di wilayah Anda")
        ]
        assert "1806012001" not in ImportRun.objects.get().errors_csv
        self.family_a.refresh_from_db()
        assert self.family_a.region_code == "1806012001"

    def test_only_operators_and_admins_may_import(self):
        for user in (self.pendamping_a, self.korcam_a, self.auditor):
            self.client.force_login(user)
            assert self.client.get(reverse("registry:import_upload")).status_code == 403

    def test_a_run_of_another_region_is_not_found(self):
        self.post(self.operator, GOOD_FAMILIES)
        run = ImportRun.objects.get()
        metro_operator = make_user("operator_metro", Role.OPERATOR, "1872")
        self.client.force_login(metro_operator)
        assert self.client.get(reverse("registry:import_run", args=[run.pk])).status_code == 404

    def test_a_file_of_the_wrong_kind_is_refused_in_indonesian(self):
        self.client.force_login(self.operator)
        response = self.client.post(
            reverse("registry:import_upload"),
            {"file": SimpleUploadedFile("data.pdf", b"%PDF")},
        )
        self.assertContains(response, "Berkas harus .csv atau .xlsx")
        assert ImportRun.objects.count() == 0

    def test_a_file_over_the_size_cap_is_refused_before_it_is_stored(self):
        self.client.force_login(self.operator)
        big = SimpleUploadedFile("besar.csv", b"x" * (1024 * 1024 + 1))
        with self.settings(HARAPAN_UPLOAD_MAX_MB=1):
            response = self.client.post(reverse("registry:import_upload"), {"file": big})
        self.assertContains(response, "Berkas terlalu besar (1.0 MB); batasnya 1 MB")
        assert not Run.objects.exists()

    def test_a_zip_bomb_is_refused_at_the_door_in_under_two_seconds_and_recorded(self):
        # 2 MB that unpack to 600 MB of rows under the registry's own header.
        bomb = SimpleUploadedFile("registri.xlsx", xlsx_bomb(600, header=HEADER.split(",")))
        self.client.force_login(self.operator)
        started = time.monotonic()
        response = self.client.post(reverse("registry:import_upload"), {"file": bomb})
        assert time.monotonic() - started < 2
        message = "Isi berkas XLSX ini 600 MB setelah dibuka; batasnya 500 MB"
        self.assertContains(response, message)
        assert not Run.objects.exists()
        reason = refusal_on_record(self.operator, RunKind.REGISTRY_IMPORT, "registri.xlsx")
        assert reason.startswith(message)

    def test_a_renamed_binary_and_an_oversized_file_are_refused_on_the_record(self):
        self.client.force_login(self.operator)
        url = reverse("registry:import_upload")
        renamed = SimpleUploadedFile("foto.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
        response = self.client.post(url, {"file": renamed})
        self.assertContains(response, "isinya data biner")
        assert "isinya data biner" in refusal_on_record(self.operator, RunKind.REGISTRY_IMPORT,
                                                        "foto.csv")  # fmt: skip
        with self.settings(HARAPAN_UPLOAD_MAX_MB=1):
            self.client.post(
                url, {"file": SimpleUploadedFile("besar.csv", b"x" * (1024 * 1024 + 1))}
            )
        reason = refusal_on_record(self.operator, RunKind.REGISTRY_IMPORT, "besar.csv")
        assert reason.startswith("Berkas terlalu besar (1.0 MB); batasnya 1 MB")
        assert not Run.objects.exists()

    def test_a_file_rejected_by_the_worker_is_on_the_record_with_its_reason(self):
        self.post(self.operator, GOOD_FAMILIES + BROKEN_FAMILIES)
        entry = AuditEntry.objects.get(action="registry.import")
        # 14 errors on 8 lines (test_a_bad_file_imports_nothing...): nothing imported.
        assert (entry.actor, entry.details["file"], entry.details["rejected"],
                entry.details["reason"]) == (self.operator, "registri.csv", True,
                                             "14 galat pada 8 baris; tidak ada yang diimpor")  # fmt: skip

    def test_a_file_without_the_required_columns_is_reported(self):
        self.client.force_login(self.operator)
        bad = SimpleUploadedFile("kurang.csv", b"id_keluarga,nama\nX,Y\n")
        response = self.client.post(reverse("registry:import_upload"), {"file": bad}, follow=True)
        run_queued_here()
        response = self.client.get(response.redirect_chain[-1][0])
        self.assertContains(response, "Kolom wajib tidak ada")
        assert Run.objects.get().status == RunStatus.REJECTED
        entry = AuditEntry.objects.get(action="registry.import")
        assert entry.details["file"] == "kurang.csv"
        assert entry.details["reason"].startswith("Kolom wajib tidak ada di baris judul: no_kk")
