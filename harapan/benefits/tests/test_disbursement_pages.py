"""The disbursement upload page (a run its task imports), the reconciliation page, its export."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from harapan.audit.models import AuditEntry
from harapan.benefits.disbursement import EXPORT_HEADER, Kind
from harapan.benefits.models import Disbursement, DisbursementImport
from harapan.jobs.models import Run, RunKind, RunStatus
from harapan.registry.models import Family
from harapan.testing import DESA_B, make_family, queued_run, refusal_on_record, run_queued_here

from .test_disbursement import DisbursementCase, entitle

QUERY = {"year": 2025, "stage": 3}


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


class UploadPageTests(DisbursementCase):
    url = reverse("benefits:disbursement_upload")

    def uploaded(self, name: str, content, user=None) -> Run:
        """Upload as the operator: the request only queues the run; then the task runs it."""
        self.client.force_login(user or self.operator)
        file = SimpleUploadedFile(name, content.encode("utf-8") if isinstance(content, str)
                                  else content, content_type="text/csv")  # fmt: skip
        run = queued_run(self, self.client.post(self.url, {**QUERY, "file": file}))
        self.assertFalse(Disbursement.objects.exists())  # nothing read in the request
        self.assertEqual(run_queued_here(), 1)
        run.refresh_from_db()
        return run

    def test_the_request_queues_a_run_and_the_task_imports_the_file(self):
        self.client.force_login(self.operator)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        run = self.uploaded("bri.csv", self.full_file().read_text(encoding="utf-8"))
        self.assertEqual((run.kind, run.title, run.region_code, run.params, run.status),
                         (RunKind.DISBURSEMENT_IMPORT, "bri.csv", "1806",
                          {"stage": self.stage.pk}, RunStatus.DONE))  # fmt: skip
        self.assertEqual((run.rows_read, run.rows_checked, run.rows_written), (9, 9, 9))
        self.assertEqual(Disbursement.objects.count(), 9)
        batch = DisbursementImport.objects.get()
        self.assertEqual((batch.file_name, batch.imported_by), ("bri.csv", self.operator))
        # Unmatched lines are filed under the uploader's kabupaten.
        self.assertEqual(Disbursement.objects.get(family=None).region_code, "1806")
        entry = AuditEntry.objects.get(action="benefits.disbursement.import")
        self.assertEqual(entry.actor, self.operator)
        page = self.client.get(reverse("jobs:run_detail", args=[run.pk]))
        # Nine lines: eight families by id or KKS, TIDAKADA0001 nobody's.
        self.assertEqual(page.context["figures"], [
            ("Baris diimpor", 9), ("Cocok dengan KPM", 8), ("Tidak cocok dengan KPM", 1),
            ("Baris lama diganti", 0),
        ])  # fmt: skip
        self.assertContains(page, "9 baris diimpor ke Tahap 3 2025; 1 tidak cocok dengan KPM.")
        reconciliation = reverse("benefits:reconciliation") + "?year=2025&amp;stage=3"
        self.assertContains(page, f'href="{reconciliation}"')
        self.assertEqual(list(self.client.get(self.url).context["runs"]), [run])

    def test_a_bad_file_lists_its_row_errors_on_the_run_and_loads_nothing(self):
        text = "id_keluarga,no_kks,jumlah,tanggal,status\n,,100,2025-08-15,berhasil\n"
        run = self.uploaded("x.csv", text)
        self.assertEqual((run.status, run.error_total), (RunStatus.REJECTED, 1))
        page = self.client.get(reverse("jobs:run_detail", args=[run.pk]))
        self.assertContains(page, "tidak ada yang diimpor")
        self.assertContains(page, "<td>2</td><td><code>id_keluarga</code></td>", html=False)
        self.assertNotContains(page, "Lihat hasilnya")
        self.assertEqual(Disbursement.objects.count(), 0)
        self.assertEqual(DisbursementImport.objects.count(), 0)
        errors = self.client.get(reverse("jobs:run_errors", args=[run.pk]))
        self.assertEqual(errors.status_code, 200)
        lines = errors.content.decode("utf-8-sig").splitlines()
        self.assertEqual(lines[0], "baris,kolom,nilai,pesan")
        self.assertTrue(lines[1].startswith("2,id_keluarga,"))
        self.assertEqual(len(lines), 2)

    def test_a_family_outside_the_uploaders_region_is_an_error(self):
        text = (
            "id_keluarga,no_kks,jumlah,tanggal,status\n"
            f"{self.family_a.registry_id},,750000,2025-08-15,berhasil\n"
            f"{self.metro_family.registry_id},,100000,2025-08-15,berhasil\n"
        )
        run = self.uploaded("x.csv", text)
        self.assertEqual(run.status, RunStatus.REJECTED)
        # Nothing more than that: neither that the family exists nor its desa (1872011001).
        message = "Keluarga ini tidak ditemukan di wilayah Anda"
        self.assertEqual(run.errors, [[3, "id_keluarga", self.metro_family.registry_id, message]])
        self.assertEqual(Disbursement.objects.count(), 0)

    def test_an_operator_uploads_an_xlsx_workbook(self):
        workbook = Workbook()
        workbook.active.append(["id_keluarga", "no_kks", "jumlah", "tanggal", "status"])
        workbook.active.append([self.family_a.registry_id, None, 750000, "15/08/2025", "berhasil"])
        content = io.BytesIO()
        workbook.save(content)
        run = self.uploaded("bri.xlsx", content.getvalue())
        self.assertEqual(run.status, RunStatus.DONE)
        line = Disbursement.objects.get()
        self.assertEqual((line.family, line.amount, line.paid_on.isoformat()),
                         (self.family_a, 750000, "2025-08-15"))  # fmt: skip

    def test_a_file_with_missing_columns_is_rejected_with_row_one(self):
        run = self.uploaded("x.csv", "id_keluarga,jumlah\nKPM1,100\n")
        self.assertEqual(run.status, RunStatus.REJECTED)
        self.assertEqual(run.errors[0][0], 1)
        page = self.client.get(reverse("jobs:run_detail", args=[run.pk]))
        self.assertContains(page, "Kolom wajib tidak ada")
        self.assertEqual(DisbursementImport.objects.count(), 0)

    def test_a_file_that_is_not_csv_or_xlsx_is_refused_in_the_request(self):
        self.client.force_login(self.operator)
        file = SimpleUploadedFile("bri.pdf", b"%PDF-1.4")
        response = self.client.post(self.url, {**QUERY, "file": file})
        self.assertContains(response, "Berkas harus .csv atau .xlsx")
        self.assertFalse(Run.objects.exists())

    def test_a_renamed_binary_is_refused_at_the_door_and_recorded(self):
        self.client.force_login(self.operator)
        file = SimpleUploadedFile("bri.csv", b"%PDF-1.4\n\x00\x01binary")
        response = self.client.post(self.url, {**QUERY, "file": file})
        self.assertContains(response, "isinya data biner")
        self.assertFalse(Run.objects.exists())
        reason = refusal_on_record(self.operator, RunKind.DISBURSEMENT_IMPORT, "bri.csv")
        self.assertIn("isinya data biner", reason)

    def test_only_operators_and_admin_may_upload(self):
        for user in (self.pendamping_a, self.korkab, self.auditor):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403, user)
            text = self.full_file().read_text(encoding="utf-8")
            response = self.client.post(self.url, {**QUERY, "file": upload("bri.csv", text)})
            self.assertEqual(response.status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(self.url).status_code, 302)
        self.assertFalse(Run.objects.exists())


class ReconciliationPageTests(DisbursementCase):
    url = reverse("benefits:reconciliation")
    export_url = reverse("benefits:reconciliation_export")

    def setUp(self):
        super().setUp()
        self.import_file(self.full_file(), acting_user=self.operator, scope_prefix="1806")

    def test_it_shows_the_tiles_and_every_kind(self):
        self.client.force_login(self.operator)
        response = self.client.get(self.url, QUERY)
        self.assertEqual(response.status_code, 200)
        tables = {t["kind"]: t for t in response.context["tables"]}
        self.assertEqual(tables[Kind.NOT_TARGETED]["count"], 3)
        self.assertEqual(tables[Kind.UNPAID]["count"], 2)
        for family in (self.exited, self.family_a2, self.family_b, self.unpaid, self.returned):
            self.assertContains(response, family.registry_id)
        self.assertContains(response, "TIDAKADA0001")
        self.assertContains(response, "Keluarga tidak aktif")

    def test_without_parameters_it_shows_the_last_imported_stage(self):
        self.client.force_login(self.admin_pusat)
        response = self.client.get(self.url)
        self.assertEqual(response.context["stage"], self.stage)

    def test_pendamping_b_cannot_see_family_a_lines(self):
        self.client.force_login(self.pendamping_b)
        response = self.client.get(self.url, QUERY)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.family_b.registry_id)
        for hidden in (self.family_a, self.family_a2, self.exited, self.unpaid):
            self.assertNotContains(response, hidden.registry_id)
        self.assertNotContains(response, "TIDAKADA0001")
        self.assertNotContains(response, reverse("benefits:disbursement_upload"))

    def test_the_page_query_count_does_not_grow_with_rows(self):
        self.client.force_login(self.admin_pusat)
        self.client.get(self.url, QUERY)  # warm the session and content types
        # 14: one rows query per kind, six kinds with pembayaran ganda; then the heads
        # of family and the desa names of every family shown (registry/naming.py).
        with self.assertNumQueries(14):
            self.client.get(self.url, QUERY)
        more = [make_family(region_code=DESA_B) for _ in range(5)]
        for family in more:
            entitle(family, 225_000, self.stage)
        rows = [f"{f.registry_id},,1,2025-12-01,berhasil" for f in more]
        self.import_file(self.write(*rows, name="lagi.csv"))
        with self.assertNumQueries(14):
            response = self.client.get(self.url, QUERY)
        self.assertEqual(response.context["result"].counts[Kind.WRONG_AMOUNT], 6)

    def test_a_stage_that_does_not_exist_is_404_and_a_bad_year_a_form_error(self):
        self.client.force_login(self.admin_pusat)
        response = self.client.get(self.url, {"year": 1999, "stage": 1})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors)
        self.assertEqual(self.client.get(self.export_url, {"year": 2025}).status_code, 404)

    def test_a_user_without_a_role_is_refused_and_a_visitor_sent_to_log_in(self):
        from harapan.testing import make_user

        self.client.force_login(make_user("tanpa_peran"))
        self.assertEqual(self.client.get(self.url, QUERY).status_code, 403)
        self.assertEqual(self.client.get(self.export_url, QUERY).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(self.url, QUERY).status_code, 302)
        self.assertEqual(self.client.get(self.export_url, QUERY).status_code, 302)

    def export(self, user) -> list[tuple]:
        self.client.force_login(user)
        response = self.client.get(self.export_url, QUERY)
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response["Content-Type"])
        workbook = load_workbook(io.BytesIO(response.content), read_only=True)
        rows = list(workbook["selisih"].iter_rows(values_only=True))
        workbook.close()
        return rows

    def test_korwil_sees_card_numbers_masked_on_the_page_and_in_the_export(self):
        Family.objects.filter(pk=self.unpaid.pk).update(kks_number="5000999988887777")
        self.client.force_login(self.korwil)
        page = self.client.get(self.url, QUERY)
        self.assertContains(page, "************7777")
        self.assertNotContains(page, "5000999988887777")
        unpaid = [row for row in self.export(self.korwil) if row[1] == self.unpaid.registry_id]
        self.assertEqual([(row[0], row[2]) for row in unpaid], [(Kind.UNPAID, "************7777")])
        unpaid = [row for row in self.export(self.operator) if row[1] == self.unpaid.registry_id]
        self.assertEqual([(row[0], row[2]) for row in unpaid], [(Kind.UNPAID, "5000999988887777")])

    def test_the_export_opens_with_openpyxl_and_holds_every_mismatch(self):
        rows = self.export(self.admin_pusat)
        self.assertEqual(list(rows[0]), EXPORT_HEADER)
        kinds = {}
        for row in rows[1:]:
            kinds.setdefault(row[0], set()).add(row[1])
        self.assertEqual(
            kinds,
            {
                Kind.NOT_TARGETED: {
                    self.exited.registry_id, self.no_entitle.registry_id, "TIDAKADA0001"
                },
                Kind.WRONG_AMOUNT: {self.family_a2.registry_id},
                Kind.LATE: {self.family_b.registry_id},
                Kind.UNPAID: {self.unpaid.registry_id, self.failed.registry_id},
                Kind.FAILED: {self.failed.registry_id, self.returned.registry_id},
            },
        )  # fmt: skip
        wrong = next(r for r in rows if r[0] == Kind.WRONG_AMOUNT)
        self.assertEqual((wrong[4], wrong[5]), (900_000, 1_000_000))
        self.assertTrue(AuditEntry.objects.filter(action="benefits.reconciliation.export").exists())

    def test_the_export_of_pendamping_b_holds_only_family_b(self):
        rows = self.export(self.pendamping_b)
        self.assertEqual([(r[0], r[1]) for r in rows[1:]], [(Kind.LATE, self.family_b.registry_id)])


class DoublePaymentPageTests(DisbursementCase):
    """The file of DoublePaymentTests, whose hand count is there."""

    url = reverse("benefits:reconciliation")
    export_url = reverse("benefits:reconciliation_export")

    def setUp(self):
        super().setUp()
        self.import_file(self.double_file(), acting_user=self.operator, scope_prefix="1806")

    def test_the_page_and_the_export_show_a_double_payment(self):
        self.client.force_login(self.operator)
        response = self.client.get(self.url, QUERY)
        tables = {t["kind"]: t for t in response.context["tables"]}
        self.assertEqual((tables[Kind.DOUBLE]["count"], tables[Kind.DOUBLE]["sum"]), (4, 1_725_000))
        self.assertContains(response, "Pembayaran ganda")
        self.assertContains(response, "2 pembayaran berhasil, jumlah Rp 1.500.000", count=2)
        self.assertContains(response, "2 pembayaran berhasil, jumlah Rp 225.000", count=2)
        self.assertEqual(response.context["result"].correct_lines, 2)
        self.client.force_login(self.admin_pusat)
        response = self.client.get(self.export_url, QUERY)
        workbook = load_workbook(io.BytesIO(response.content), read_only=True)
        rows = list(workbook["selisih"].iter_rows(values_only=True))
        summary = [row[:3] for row in workbook["ringkasan"].iter_rows(values_only=True)]
        workbook.close()
        double = sorted((r[1], r[4], r[5]) for r in rows if r[0] == Kind.DOUBLE)
        self.assertEqual(
            double,
            sorted([(self.family_a.registry_id, 750_000, 750_000)] * 2
                   + [(self.kks_family.registry_id, 100_000, 225_000),
                      (self.kks_family.registry_id, 125_000, 225_000)]),
        )  # fmt: skip
        wrong = [(r[1], r[9]) for r in rows if r[0] == Kind.WRONG_AMOUNT]
        self.assertEqual(wrong, [(self.family_a.registry_id, "Selisih Rp 750.000")] * 2)
        self.assertIn((Kind.DOUBLE, 4, 1_725_000), summary)
        self.assertIn(("tepat", 2), [row[:2] for row in summary])
