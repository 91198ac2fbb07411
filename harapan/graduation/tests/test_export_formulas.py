"""A member's name that is a formula reaches the readiness workbook as text (issue 14,
harapan/exports.py), whether set by a direct edit or by a registry import."""

import tempfile
from io import BytesIO
from pathlib import Path

from django.urls import reverse
from openpyxl import load_workbook

from harapan.graduation.tests.test_assessment_pages import assess
from harapan.registry.forms import MemberForm, initial_of
from harapan.registry.importing.engine import import_registry
from harapan.registry.models import Family
from harapan.registry.tests.test_import import HEADER
from harapan.testing import PersonaTestCase

LINK = '=HYPERLINK("http://x","klik")'


class ReadinessExportFormulaTest(PersonaTestCase):
    def head_name_cells(self, registry_id: str) -> list[tuple]:
        self.client.force_login(self.admin_pusat)
        response = self.client.get(reverse("graduation:readiness_xlsx"))
        sheet = load_workbook(BytesIO(response.content))["kesiapan"]
        header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
        assert header[1:3] == ["id_keluarga", "kepala_keluarga"]
        return [(row[2].value, row[2].data_type, row[2].quotePrefix)
                for row in sheet.iter_rows(min_row=2) if row[1].value == registry_id]  # fmt: skip

    def test_a_name_set_by_a_direct_edit(self):
        head = self.family_a.members.get()
        self.client.force_login(self.pendamping_a)
        data = {**initial_of(head, MemberForm), "name": LINK}
        self.client.post(reverse("registry:member_edit", args=[head.pk]), data)
        head.refresh_from_db()
        assert head.name == LINK
        assess(self.family_a, self.pendamping_a, housing=True)
        assert self.head_name_cells(self.family_a.registry_id) == [(LINK, "s", True)]

    def test_a_name_set_by_a_registry_import(self):
        folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        path = folder / "registri.csv"
        name = '"=HYPERLINK(""http://x"",""klik"")"'  # the CSV spelling of LINK
        line = (f"1806020707500005,{name},KPM-2,1806020101100002,1806022001,,L,1950-07-07,"
                "kepala_keluarga,,,,,POS,,1,")  # fmt: skip
        path.write_text(f"{HEADER}\n{line}\n", encoding="utf-8")
        assert import_registry(path).imported
        family = Family.objects.get(registry_id="KPM-2")
        assert family.members.get().name == LINK
        family.pendamping = self.pendamping_b
        family.save(update_fields=["pendamping"])
        assess(family, self.pendamping_b, housing=True)
        assert self.head_name_cells("KPM-2") == [(LINK, "s", True)]
