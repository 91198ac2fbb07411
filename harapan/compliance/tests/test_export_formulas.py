"""No formula reaches a spreadsheet through the compliance exports (issue 14, harapan/exports.py):
the missing-verification CSV, and the error files of verification and reference imports."""

from django.urls import reverse

from harapan.compliance.importing import import_verification
from harapan.compliance.reference import SCHOOLS
from harapan.compliance.tests import test_import_verification, test_monitoring, test_reference
from harapan.registry.models import Member
from harapan.testing import csv_rows


class MissingCsvTest(test_monitoring.MonthFixture):
    def test_a_member_name_reaches_the_csv_neutralised(self):
        Member.objects.filter(pk=self.mother.pk).update(name="@SUM(1+1)")
        self.client.force_login(self.pendamping_a)
        response = self.client.get(reverse("compliance:missing_csv"), {"bulan": "2026-09"})
        rows = csv_rows(response.content)
        assert rows[0][3] == "nama"
        assert [row[3] for row in rows[1:] if row[1] == self.family_a.registry_id] == ["'@SUM(1+1)"]


class VerificationErrorFileTest(test_import_verification.VerificationFileCase):
    def test_the_value_column_of_the_error_file_is_neutralised(self):
        out = self.dir / "galat.csv"
        result = import_verification(self.write("=1+1,2026-01,sd,patuh,,"), errors_out=out)
        assert result.error_lines[0][:3] == [2, "nik", "=1+1"]  # the page shows it as it came
        rows = csv_rows(out.read_bytes())
        assert [row[:3] for row in rows] == [["baris", "kolom", "nilai"], ["2", "nik", "'=1+1"]]


class ReferenceErrorFileTest(test_reference.ReferenceImportCase):
    def test_the_value_column_of_the_error_file_is_neutralised(self):
        out = self.dir / "galat.csv"
        text = test_reference.SCHOOL_HEADER + "+1080000,SD Rusak,sd,1806012001\n"
        self.load(text, SCHOOLS, errors_out=out)
        rows = csv_rows(out.read_bytes())
        assert rows == [
            ["baris", "kolom", "nilai", "pesan"],
            ["2", "npsn", "'+1080000", "NPSN harus tepat 8 angka"],
        ]
