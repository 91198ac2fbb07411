"""No formula reaches a spreadsheet through the benefits exports (issue 14, harapan/exports.py):
the KKS not-held CSV, the reconciliation XLSX, and the disbursement error files."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from harapan.audit.models import AuditEntry
from harapan.benefits.disbursement import Kind
from harapan.benefits.tests import test_disbursement
from harapan.jobs.models import RunStatus
from harapan.testing import PersonaTestCase, csv_rows, queued_run, run_queued_here

LINK = '=HYPERLINK("http://x","klik")'


class KksNotHeldCsvTest(PersonaTestCase):
    def test_a_holder_name_reaches_the_csv_neutralised(self):
        self.client.force_login(self.pendamping_a)
        since = (timezone.localdate() - timedelta(days=2)).isoformat()
        self.client.post(
            reverse("benefits:kks_record", args=[self.family_a.pk]),
            {"status": "dipegang_lain", "holder": "kerabat", "holder_name": LINK, "since": since},
        )
        response = self.client.get(reverse("benefits:kks_not_held"), {"unduh": "csv"})
        rows = csv_rows(response.content)
        assert rows[0][7] == "nama_pemegang"
        assert [(row[1], row[7]) for row in rows[1:]] == [
            (self.family_a.registry_id, '\'=HYPERLINK("http://x","klik")')
        ]
        entry = AuditEntry.objects.get(action="benefits.kks.not_held.export")
        assert (entry.actor, entry.details) == (self.pendamping_a, {"rows": 1})


class DisbursementFormulaTest(test_disbursement.DisbursementCase):
    def test_a_family_id_reaches_the_reconciliation_workbook_as_text(self):
        path = self.write("=1+1,,300000,2025-08-15,berhasil")
        self.import_file(path, acting_user=self.operator, scope_prefix="1806")
        self.client.force_login(self.admin_pusat)
        response = self.client.get(
            reverse("benefits:reconciliation_export"), {"year": 2025, "stage": 3}
        )
        sheet = load_workbook(io.BytesIO(response.content))["selisih"]
        cells = [row[1] for row in sheet.iter_rows(min_row=2) if row[0].value == Kind.NOT_TARGETED]
        assert [(c.value, c.data_type, c.quotePrefix) for c in cells] == [("=1+1", "s", True)]

    def test_the_value_column_of_the_error_file_is_neutralised(self):
        path = self.write(f"{self.family_a.registry_id},,=1+1,2025-08-15,berhasil")
        out = self.tmp / "galat.csv"
        result = self.import_file(path, errors_out=out)
        assert result.error_lines[0][:3] == [2, "jumlah", "=1+1"]  # the page shows it as it came
        rows = csv_rows(out.read_bytes())
        assert [row[:3] for row in rows] == [["baris", "kolom", "nilai"], ["2", "jumlah", "'=1+1"]]

    def test_the_value_column_of_the_jobs_error_download_is_neutralised(self):
        self.client.force_login(self.operator)
        # A negative amount is refused; the text "-5" it came as is a formula to a spreadsheet.
        text = f"id_keluarga,no_kks,jumlah,tanggal,status\n{self.family_a.registry_id},,-5,2025-08-15,berhasil\n"
        file = SimpleUploadedFile("x.csv", text.encode(), content_type="text/csv")
        url = reverse("benefits:disbursement_upload")
        run = queued_run(self, self.client.post(url, {"year": 2025, "stage": 3, "file": file}))
        assert run_queued_here() == 1
        run.refresh_from_db()
        assert run.status == RunStatus.REJECTED
        rows = csv_rows(self.client.get(reverse("jobs:run_errors", args=[run.pk])).content)
        assert [row[:3] for row in rows] == [
            ["baris", "kolom", "nilai"],
            ["2", "jumlah", "'-5"],
        ]
