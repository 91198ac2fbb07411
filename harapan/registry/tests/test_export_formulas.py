"""No formula reaches a spreadsheet through the registry import's error files (issue 14,
harapan/exports.py): the download of a web run and the --errors file of the command."""

import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from harapan.registry.importing.engine import import_registry
from harapan.registry.models import ImportRun
from harapan.registry.tests.test_import import HEADER
from harapan.testing import PersonaTestCase, csv_rows, run_queued_here

# KPM-9's head, whose NIK is a formula (line 2 of the file).
LINE = "=1+1,Tini,KPM-9,1806010101100009,1806012001,,P,1966-02-21,kepala_keluarga,,,,,BRI,,2,"


class RegistryErrorFileTest(PersonaTestCase):
    def test_the_value_column_of_the_downloaded_errors_is_neutralised(self):
        self.client.force_login(self.operator)
        file = SimpleUploadedFile("registri.csv", f"{HEADER}\n{LINE}\n".encode())
        self.client.post(reverse("registry:import_upload"), {"file": file})
        assert run_queued_here() == 1
        run = ImportRun.objects.get()
        # The run's page shows the value as it came.
        page = self.client.get(reverse("registry:import_run", args=[run.pk]))
        assert [line[:3] for line in page.context["errors"]] == [["2", "nik", "=1+1"]]
        response = self.client.get(reverse("registry:import_errors", args=[run.pk]))
        rows = csv_rows(response.content)
        assert [row[:3] for row in rows] == [["baris", "kolom", "nilai"], ["2", "nik", "'=1+1"]]

    def test_the_value_column_of_the_command_error_file_is_neutralised(self):
        folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        path, out = folder / "registri.csv", folder / "galat.csv"
        path.write_text(f"{HEADER}\n{LINE}\n", encoding="utf-8")
        import_registry(path, errors_out=out)
        rows = csv_rows(out.read_bytes())
        assert [row[:3] for row in rows] == [["baris", "kolom", "nilai"], ["2", "nik", "'=1+1"]]
