"""The gap summary, the gap list and its downloads, each as its role sees it (issue 17)."""

import csv
import io
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from harapan.audit.models import AuditEntry
from harapan.programs.models import Proposal
from harapan.testing import KEC_B, PersonaTestCase, list_total, make_family, make_member, make_user

DAY = "2026-11-02"
PUPIL_NIK = "1806010101160001"


class GapPages(PersonaTestCase):
    """Families at D (heads of 41): family_a (pendamping_a, Kuripan) with an sd pupil proposed
    to PIP on 1 Oct; family_a2 (pendamping_a2, Kuripan); family_b (pendamping_b, Sinar
    Semendo) with a lansia of 76; metro_family outside Tanggamus, no pendamping."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        pupil = make_member(cls.family_a, nik=PUPIL_NIK, name="Ani Pelajar",
                            birth_date=date(2016, 1, 1), school_level="sd")  # fmt: skip
        make_member(cls.family_b, name="Kakek Tua", birth_date=date(1950, 3, 3))
        Proposal.objects.create(
            family=cls.family_a, member=pupil, nik=pupil.nik, region_code=pupil.region_code,
            programme="pip", proposed_on=date(2026, 10, 1), channel="sekolah",
            proposed_by=cls.pendamping_a,
        )  # fmt: skip

    def page(self, user, url, **query):
        self.client.force_login(user)
        return self.client.get(url, {"tanggal": DAY, **query})

    def test_a_pendamping_sees_one_row_their_own(self):
        response = self.page(self.pendamping_a, "/program/celah/")
        self.assertEqual(response.status_code, 200)
        rows = response.context["rows"]
        self.assertEqual([row["label"] for row in rows], [str(self.pendamping_a)])
        # PIP the pupil (proposed), PBI head and pupil, BPNT the family, no ATENSI.
        counts = [(c.total, c.pending) for c, _url in rows[0]["cells"]]
        self.assertEqual(counts, [(1, 1), (2, 0), (1, 0), (0, 0)])

    def test_a_korkab_sees_its_kecamatan_by_name_with_a_total(self):
        response = self.page(self.korkab, "/program/celah/")
        rows = response.context["rows"]
        self.assertEqual([row["label"] for row in rows], ["Kota Agung", "Talang Padang"])
        self.assertEqual(
            [[c.total for c, _url in row["cells"]] for row in rows], [[1, 3, 2, 0], [0, 2, 1, 1]]
        )
        self.assertEqual(
            [(t, p) for t, p, _url in response.context["totals"]],
            [(1, 1), (5, 0), (3, 0), (1, 0)],
        )
        self.assertContains(response, "Kota Agung")

    def test_per_desa_and_the_links_lead_to_the_same_numbers(self):
        response = self.page(self.korkab, "/program/celah/", per="desa")
        rows = response.context["rows"]
        self.assertEqual([row["label"] for row in rows], ["Kuripan", "Sinar Semendo"])
        self.client.force_login(self.korkab)
        for row in rows:
            for count, url in row["cells"]:
                self.assertEqual(list_total(self.client.get(url)), count.total, url)

    def test_grouped_counts_take_the_same_queries_for_more_groups(self):
        self.client.force_login(self.korkab)

        def queries(per: str) -> int:
            with CaptureQueriesContext(connection) as captured:
                response = self.client.get("/program/celah/", {"tanggal": DAY, "per": per})
            return len(captured), len(response.context["rows"])

        before = {per: queries(per) for per in ("pendamping", "desa", "kecamatan")}
        for n in range(4):
            people = make_user(f"pendamping_extra_{n}", "pendamping", KEC_B)
            make_family(region_code=f"180602200{n + 2}", pendamping=people)
        after = {per: queries(per) for per in ("pendamping", "desa", "kecamatan")}
        # Four more pendamping and desa rows, no more queries.
        self.assertEqual(
            {
                per: (q, rows + (4 if per != "kecamatan" else 0))
                for per, (q, rows) in before.items()
            },
            after,
        )

    def test_the_list_names_the_family_masks_the_nik_and_shows_the_proposal(self):
        response = self.page(self.korwil, "/program/celah/daftar/", celah="PIP")
        self.assertEqual(list_total(response), 1)
        self.assertContains(response, "Ani Pelajar")
        self.assertContains(response, "180601********01")
        self.assertNotContains(response, PUPIL_NIK)
        self.assertContains(response, "Diusulkan")
        self.assertContains(response, "1 Okt 2026")
        self.assertContains(response, "SD/sederajat")

    def test_a_korkab_sees_the_full_nik_and_the_view_is_logged(self):
        response = self.page(self.korkab, "/program/celah/daftar/", celah="PIP")
        self.assertContains(response, PUPIL_NIK)
        self.assertTrue(AuditEntry.objects.filter(action="programs.gaps.view_nik").exists())

    def test_filters_not_proposed_pendamping_and_desa(self):
        list_url = "/program/celah/daftar/"
        totals = {
            "PBI": list_total(self.page(self.korkab, list_url, celah="PBI")),
            "PBI tidak": list_total(self.page(self.korkab, list_url, celah="PBI", diusulkan="tidak")),
            "PIP tidak": list_total(self.page(self.korkab, list_url, celah="PIP", diusulkan="tidak")),
            "PIP ya": list_total(self.page(self.korkab, list_url, celah="PIP", diusulkan="ya")),
            "BPNT desa B": list_total(self.page(self.korkab, list_url, celah="BPNT",
                                                desa="18.06.02.2001")),
            "PBI a2": list_total(self.page(self.korkab, list_url, celah="PBI",
                                           pendamping=self.pendamping_a2.pk)),
            "PBI pendamping_a": list_total(self.page(self.pendamping_a, list_url, celah="PBI")),
        }  # fmt: skip
        self.assertEqual(totals, {"PBI": 5, "PBI tidak": 5, "PIP tidak": 0, "PIP ya": 1,
                                  "BPNT desa B": 1, "PBI a2": 1, "PBI pendamping_a": 2})  # fmt: skip

    def test_a_bad_date_is_refused_with_a_message(self):
        response = self.page(self.korkab, "/program/celah/daftar/", tanggal="kemarin")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Tanggal tidak valid", status_code=400)

    def test_the_csv_has_the_lists_rows_nik_masked_for_the_korwil(self):
        response = self.page(self.korwil, "/program/celah/daftar.csv", celah="PIP")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        lines = list(csv.reader(io.StringIO(text)))
        self.assertEqual(lines[0][:4], ["celah", "id_keluarga", "keluarga", "nik"])
        self.assertEqual(len(lines), 2)
        celah, registry_id, _family, nik, name, component, proposed, on = lines[1]
        self.assertEqual(
            (celah, registry_id, nik, name, component, proposed, on),
            ("PIP", self.family_a.registry_id, "180601********01", "Ani Pelajar",
             "SD/sederajat", "ya", "2026-10-01"),
        )  # fmt: skip
        self.assertTrue(AuditEntry.objects.filter(action="programs.gaps.export").exists())

    def test_the_xlsx_downloads(self):
        response = self.page(self.operator, "/program/celah/daftar.xlsx", celah="BPNT")
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(response.content))["celah"]
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        # Tanggamus: family_a, family_a2 and family_b lack BPNT; no NIK for a family.
        self.assertEqual(
            sorted((row[0], row[1], row[3]) for row in rows[1:]),
            sorted(("BPNT", f.registry_id, None)
                   for f in (self.family_a, self.family_a2, self.family_b)),
        )  # fmt: skip
