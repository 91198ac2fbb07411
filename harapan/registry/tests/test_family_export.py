"""The family list as XLSX: the list's filters and scope, readable columns, audited."""

from datetime import date
from io import BytesIO
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from harapan.audit.models import AuditEntry
from harapan.registry import exports
from harapan.registry.models import FamilyStatus
from harapan.testing import DESA_A, DESA_B, PersonaTestCase, make_family

EXPORT = reverse("registry:family_export")
LIST = reverse("registry:family_list")


class FamilyExportTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        today = timezone.localdate()
        cls.with_children = make_family(
            registry_id="EKS-001",
            region_code=DESA_A,
            pendamping=cls.pendamping_a,
            members=[
                {"relation": "kepala_keluarga", "name": "Ahmad Yani", "nik": "1806011705850007"},
                {"relation": "anak", "birth_date": date(today.year - 3, 1, 1)},
                {"relation": "anak", "birth_date": date(today.year - 9, 1, 1),
                 "school_level": "sd"},
                {"relation": "anak", "birth_date": date(today.year - 8, 1, 1),
                 "school_level": "sd"},
            ],
        )  # fmt: skip
        cls.exited = make_family(
            registry_id="EKS-002", region_code=DESA_A, status=FamilyStatus.EXITED
        )
        cls.formula = make_family(
            registry_id="EKS-003",
            region_code=DESA_A,
            members=[{"relation": "kepala_keluarga", "name": "=1+1"}],
        )

    def export(self, user, **query):
        self.client.force_login(user)
        response = self.client.get(EXPORT, query)
        assert response.status_code == 200
        return load_workbook(BytesIO(response.content))

    def rows(self, workbook) -> dict[str, tuple]:
        """The data lines by ID keluarga (third column), the header left out."""
        lines = list(workbook["kpm"].values)
        assert lines[0] == (
            "Kepala keluarga", "NIK kepala keluarga", "ID keluarga", "Desa/kelurahan",
            "Kode desa", "Kecamatan", "Pendamping", "Status", "Komponen",
        )  # fmt: skip
        return {line[2]: line for line in lines[1:]}

    def test_a_family_outside_the_filters_is_left_out(self):
        workbook = self.export(self.korkab, status="aktif", desa=DESA_A)
        assert set(self.rows(workbook)) == {
            self.family_a.registry_id,
            self.family_a2.registry_id,
            "EKS-001",
            "EKS-003",
        }  # not the exited EKS-002, not family_b of Desa B
        notes = dict(workbook["keterangan"].values)
        assert notes["status"] == "Aktif"
        assert notes["wilayah"] == "Kuripan (18.06.01.2001)"
        assert notes["diekspor oleh"] == "korkab"
        assert notes["jumlah KPM"] == "4"

    def test_it_holds_only_the_families_the_user_sees(self):
        rows = self.export(self.korcam_a)
        assert self.family_b.registry_id not in self.rows(rows)
        assert len(self.rows(rows)) == 5  # family_a, family_a2 and the three above
        mine = self.rows(self.export(self.pendamping_a))
        assert set(mine) == {self.family_a.registry_id, "EKS-001"}

    def test_each_line_names_the_family_with_masked_nik_desa_and_component_labels(self):
        line = self.rows(self.export(self.korkab))["EKS-001"]
        assert line == (
            "Ahmad Yani", "180601********07", "EKS-001", "Kuripan", "18.06.01.2001",
            "Kota Agung", "Pendamping A", "Aktif", "Anak usia dini, SD/sederajat (2)",
        )  # fmt: skip
        exited = self.rows(self.export(self.korkab))["EKS-002"]
        assert exited[6:] == (None, "Keluar", None)  # no pendamping, no component: empty cells

    def test_it_reads_the_families_a_chunk_at_a_time_in_id_order(self):
        with mock.patch.object(exports, "CHUNK", 2):
            lines = list(self.export(self.korcam_a)["kpm"].values)[1:]
        assert [line[2] for line in lines] == sorted(
            [self.family_a.registry_id, self.family_a2.registry_id, "EKS-001", "EKS-002",
             "EKS-003"]
        )  # fmt: skip
        assert lines[0][0] == "Ahmad Yani"

    def test_its_queries_do_not_grow_with_the_families(self):
        self.client.force_login(self.korcam_a)
        with CaptureQueriesContext(connection) as few:
            self.client.get(EXPORT)
        for _ in range(30):
            make_family(region_code=DESA_A, members=[{"relation": "kepala_keluarga"}, {}])
        with CaptureQueriesContext(connection) as many:
            self.client.get(EXPORT)
        assert len(many) == len(few)

    def test_the_export_is_in_the_audit_trail_with_its_filters(self):
        self.export(self.korcam_a, status="aktif")
        entry = AuditEntry.objects.get(action="registry.family.export")
        assert entry.actor == self.korcam_a
        assert entry.region_code == "180601"
        assert entry.details == {"rows": 4, "status": "Aktif"}

    def test_the_list_links_to_the_export_with_its_filters(self):
        self.client.force_login(self.korkab)
        response = self.client.get(LIST, {"status": "aktif", "desa": DESA_B, "halaman": "2"})
        for kind in ("csv", "xlsx"):
            self.assertContains(
                response, f'href="{EXPORT}?status=aktif&amp;desa={DESA_B}&amp;unduh={kind}"'
            )

    def test_a_user_without_a_role_is_refused(self):
        from harapan.testing import make_user

        self.client.force_login(make_user("tanpa_peran"))
        assert self.client.get(EXPORT).status_code == 403

    # The one export path (exports.xlsx_response) writes such a text as text.
    def test_a_name_that_looks_like_a_formula_stays_text(self):
        sheet = self.export(self.korkab)["kpm"]
        cell = next(row[0] for row in sheet.iter_rows(min_row=2) if row[2].value == "EKS-003")
        assert cell.data_type != "f"
        assert "1+1" in cell.value
