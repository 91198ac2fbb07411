"""Every list page downloads as CSV and XLSX through harapan/downloads.py (issue 18).

`LISTS` is the inventory of list pages with downloads: each one is walked as a korkab with one
filter set, and its CSV and XLSX are checked against the page (as many rows as the page's
total, the same rows in both files), the XLSX's `keterangan` sheet (who, when, the filters),
the audit row, and formula neutralising. `EveryListPageHasItsDownloads` reads the templates: a
page showing a list's total (`pager.html`, `list_total.html`) must show the download links.
"""

import html
import io
import re
import tempfile
from datetime import date, timedelta
from pathlib import Path

from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from harapan.audit.models import AuditEntry
from harapan.benefits.batch import compute_entitlements
from harapan.benefits.models import Stage
from harapan.complaints.actions import submit_complaint
from harapan.downloads import ACTION
from harapan.fds import actions as fds_actions
from harapan.fds.models import Group
from harapan.fieldwork.models import Activity
from harapan.graduation.models import ExitProposal
from harapan.jobs.models import Run, RunKind, RunStatus
from harapan.programs.models import Proposal
from harapan.registry.models import Member, Relation
from harapan.testing import (
    DESA_A,
    DESA_B,
    PersonaTestCase,
    csv_rows,
    list_total,
    make_family,
    make_member,
    run_queued_here,
)

HARAPAN = Path(__file__).resolve().parents[1]
FORMULA = '=HYPERLINK("http://x")'

# (URL name, query of the filters used): every list page that offers downloads. A name may
# carry URL arguments (name, kwargs).
LISTS = [
    ("registry:family_list", {"status": "aktif"}),
    ("complaints:list", {"kategori": "pembayaran"}),
    ("fieldwork:activity_list", {"jenis": "kunjungan_rumah"}),
    ("programs:proposal_list", {"programme": "pip"}),
    ("graduation:proposal_list", {"kind": "sejahtera_mandiri"}),
    ("fds:meeting_list", {}),
    ("fds:flagged", {}),
    ("registry:change_list", {"status": "diajukan"}),
    ("registry:data_findings", {}),
    ("fieldwork:coaching_list", {}),
    ("fieldwork:ethics_list", {}),
    ("fieldwork:meeting_list", {}),
    ("fieldwork:action_items", {}),
    ("fieldwork:plan_review_list", {}),
    ("fds:group_list", {}),
    (("compliance:reference_list", "sekolah"), {}),
    (("compliance:reference_list", "faskes"), {}),
    ("jobs:run_list", {}),
    ("compliance:monitoring", {"per": "kecamatan"}),
    ("compliance:missing_list", {}),
    ("graduation:candidates", {}),
    ("programs:gap_list", {"celah": "PIP"}),
    ("compliance:sanction_list", {}),
    ("benefits:kks_not_held", {}),
]
# Downloads with more rows than the page's total (and their audit rows): the monitoring's
# "Jumlah" row.
EXTRA_ROWS = {"compliance:monitoring": 1}


def url_of(name) -> str:
    return reverse(name[0], args=name[1:]) if isinstance(name, tuple) else reverse(name)


def download_links(page) -> list[str]:
    """The hrefs of the page's `download_links.html`: CSV, then XLSX."""
    found = re.search(r'<p class="downloads">(.*?)</p>', page.content.decode(), re.DOTALL)
    return [html.unescape(h) for h in re.findall(r'href="([^"]*)"', found[1])] if found else []


class EveryListPageHasItsDownloads(SimpleTestCase):
    def test_a_template_showing_a_lists_total_includes_the_download_links(self):
        missing = set()
        for path in HARAPAN.rglob("templates/**/*.html"):
            name = path.relative_to(path.parents[len(path.relative_to(HARAPAN).parts) - 3])
            text = path.read_text()
            if name.name in ("pager.html", "list_total.html"):
                continue
            if re.search(r'include "(pager|list_total)\.html"', text) and (
                'include "download_links.html"' not in text
            ):
                missing.add(str(name))
        self.assertEqual(missing, set(), "list pages without downloads")


class ListDownloads(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        pendamping = cls.pendamping_a
        # A head whose name a spreadsheet would run as a formula.
        Member.objects.filter(family=cls.family_a, relation=Relation.HEAD).update(name=FORMULA)
        today = timezone.localdate()
        for family in (cls.family_a, cls.family_b, cls.metro_family):
            submit_complaint(kategori="pembayaran", saluran="web", uraian="Belum masuk.",
                             region_code=family.region_code, family=family)  # fmt: skip
        submit_complaint(kategori="lainnya", saluran="web", uraian="Lain.", region_code=DESA_A)
        for family in (cls.family_a, cls.family_a2):
            Activity.objects.create(pendamping=pendamping, on=today, kind="kunjungan_rumah",
                                    created_by=pendamping, family=family, note="Posyandu")  # fmt: skip
        Activity.objects.create(pendamping=pendamping, on=today, kind="lainnya",
                                created_by=pendamping, subject="Rapat desa")  # fmt: skip
        for family, programme in ((cls.family_a, "pip"), (cls.family_b, "pip"),
                                  (cls.family_a2, "atensi")):  # fmt: skip
            Proposal.objects.create(family=family, region_code=family.region_code,
                                    programme=programme, proposed_on=date(2026, 10, 1),
                                    channel="sekolah", proposed_by=pendamping)  # fmt: skip
        ExitProposal.objects.create(family=cls.family_a, region_code=DESA_A,
                                    kind="sejahtera_mandiri", reason="GSM",
                                    exit_date=today + timedelta(days=30), status="diusulkan",
                                    proposed_by=pendamping, proposed_at=timezone.now())  # fmt: skip
        group = fds_actions.save_group(Group(name="=Melati", region_code=DESA_A,
                                             pendamping=pendamping), acting_user=pendamping)  # fmt: skip
        fds_actions.plan_meetings(group, [today, today + timedelta(days=1)], acting_user=pendamping)
        make_family(region_code=DESA_B, status="keluar")

    def download(self, name, query, kind):
        """The file of the page's own `kind` link (it carries the page's filters)."""
        page = self.client.get(url_of(name), query)
        links = dict(zip(("csv", "xlsx"), download_links(page), strict=True))
        link = links[kind]
        response = self.client.get(link if link.startswith("/") else url_of(name) + link)
        self.assertEqual(response.status_code, 200, f"{name} {kind}")
        content = b"".join(response.streaming_content) if response.streaming else response.content
        return response, content

    def test_each_list_downloads_the_rows_of_its_page_with_its_filters(self):
        self.client.force_login(self.korkab)
        for name, query in LISTS:
            with self.subTest(name):
                page = self.client.get(url_of(name), query)
                self.assertEqual(page.status_code, 200)
                self.assertEqual(len(download_links(page)), 2, "Unduh CSV, Unduh XLSX")
                exports = AuditEntry.objects.filter(action__endswith=".export")
                before = exports.count()
                response, content = self.download(name, query, "csv")
                self.assertIn("text/csv", response["Content-Type"])
                rows = csv_rows(content)
                extra = EXTRA_ROWS.get(name, 0)
                self.assertEqual(len(rows) - 1, list_total(page) + extra, "rows = page's total")
                response, content = self.download(name, query, "xlsx")
                book = load_workbook(io.BytesIO(content))
                sheet = book.worksheets[0]
                cells = [["" if v is None else str(v) for v in row]
                         for row in sheet.iter_rows(values_only=True)]  # fmt: skip
                self.assertEqual(len(cells), len(rows), "the XLSX holds the CSV's rows")
                self.assertEqual(cells[0], rows[0], "one header")
                about = dict(row[:2] for row in book["keterangan"].iter_rows(values_only=True))
                self.assertEqual(about["oleh"], "korkab")
                self.assertIn("dibuat", about)
                # "jumlah baris" ("jumlah KPM" on the family list's older sheet)
                [count] = [v for k, v in about.items() if str(k).startswith("jumlah ")]
                self.assertIn(count, (len(rows) - 1, f"{len(rows) - 1}"))
                self.assertEqual(exports.count(), before + 2, "one audit row per download")
                last = exports.order_by("pk").last()
                self.assertEqual(last.actor, self.korkab)
                self.assertEqual(last.details["rows"], len(rows) - 1 - extra, "rows listed")

    def test_the_family_list_csv_holds_the_filtered_families_by_name_with_formulas_as_text(self):
        self.client.force_login(self.korkab)
        response, content = self.download("registry:family_list", {"status": "aktif"}, "csv")
        rows = csv_rows(content)
        # Tanggamus' three active families; the one that left and Metro's are not listed.
        self.assertEqual([row[2] for row in rows[1:]], sorted(
            [self.family_a.registry_id, self.family_a2.registry_id, self.family_b.registry_id]))  # fmt: skip
        self.assertEqual(rows[1][0], "'" + FORMULA)
        self.assertEqual(rows[1][3], "Kuripan")
        self.assertEqual(rows[1][7], "Aktif")
        entry = AuditEntry.objects.filter(action=ACTION).get()
        self.assertEqual(entry.details["daftar"], "kpm")
        self.assertEqual(entry.details["filters"]["status"], "Aktif")

    def test_the_complaints_download_names_families_and_keeps_the_filter(self):
        self.client.force_login(self.korkab)
        response, content = self.download("complaints:list", {"kategori": "pembayaran"}, "xlsx")
        book = load_workbook(io.BytesIO(content))
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        # Two of Tanggamus (Desa A and B) in pembayaran; Metro's and the other kategori are not.
        self.assertEqual(len(rows), 3)
        kpm = rows[0].index("KPM")
        self.assertEqual(sorted(r[kpm].rsplit("(", 1)[1] for r in rows[1:]),
                         sorted([f"{self.family_a.registry_id})",
                                 f"{self.family_b.registry_id})"]))  # fmt: skip
        formula_cell = [c for c in book.worksheets[0]["A"][1:]]
        self.assertTrue(all(c.data_type == "s" for c in formula_cell))
        named = next(r for r in rows[1:] if self.family_a.registry_id in r[kpm])
        self.assertTrue(named[kpm].startswith(FORMULA), "the formula-like name stays text")
        about = dict(row[:2] for row in book["keterangan"].iter_rows(values_only=True))
        self.assertEqual(about["Kategori"], "Pembayaran/penyaluran")

    def test_a_pendamping_downloads_only_their_own_activities(self):
        self.client.force_login(self.pendamping_a2)
        response, content = self.download("fieldwork:activity_list", {}, "csv")
        self.assertEqual(csv_rows(content)[1:], [])

    def test_the_proposal_download_writes_numbers_and_dates_as_such(self):
        self.client.force_login(self.korkab)
        response, content = self.download("programs:proposal_list", {"programme": "pip"}, "xlsx")
        sheet = load_workbook(io.BytesIO(content)).worksheets[0]
        header = [c.value for c in sheet[1]]
        proposed = header.index("Tanggal usulan") + 1
        self.assertEqual(sheet.max_row, 3)
        self.assertEqual(sheet.cell(2, proposed).value.date(), date(2026, 10, 1))


class LargeFamilyExportRunsAsATask(PersonaTestCase):
    """Over HARAPAN_LARGE_EXPORT_ROWS families the XLSX is written by a task (write-only,
    a chunk of families at a time) and handed out from its run's page to its starter."""

    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.settings_override = override_settings(
            HARAPAN_LARGE_EXPORT_ROWS=2, HARAPAN_EXPORT_DIR=Path(folder.name)
        )
        self.settings_override.enable()
        self.addCleanup(self.settings_override.disable)

    def test_a_korkab_gets_a_run_then_the_file_with_every_family_of_the_filter(self):
        Member.objects.filter(family=self.family_b, relation=Relation.HEAD).update(name=FORMULA)
        self.client.force_login(self.korkab)
        response = self.client.get(reverse("registry:family_export"), {"status": "aktif"})
        run = Run.objects.get(kind=RunKind.FAMILY_EXPORT)
        self.assertRedirects(response, reverse("jobs:run_detail", args=[run.pk]))
        self.assertEqual(run_queued_here(), 1)
        run.refresh_from_db()
        self.assertEqual(run.status, RunStatus.DONE)
        page = self.client.get(reverse("jobs:run_detail", args=[run.pk]))
        self.assertContains(page, run.result_url)
        before = AuditEntry.objects.filter(action="registry.family.export").count()
        response = self.client.get(run.result_url)
        self.assertEqual(response.status_code, 200)
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        rows = list(book["kpm"].iter_rows(values_only=True))
        # Tanggamus' three families, by ID keluarga; Metro's is not the korkab's.
        self.assertEqual([r[2] for r in rows[1:]], sorted(
            [self.family_a.registry_id, self.family_a2.registry_id, self.family_b.registry_id]))  # fmt: skip
        self.assertIn(FORMULA, [r[0] for r in rows])
        formula_cell = next(c for c in book["kpm"]["A"] if c.value == FORMULA)
        self.assertEqual(formula_cell.data_type, "s")
        about = dict(row[:2] for row in book["keterangan"].iter_rows(values_only=True))
        self.assertEqual(about["oleh"], "korkab")
        self.assertEqual(about["status"], "Aktif")
        self.assertEqual(
            AuditEntry.objects.filter(action="registry.family.export").count(), before + 1
        )

    def test_nobody_else_downloads_the_file_of_a_run(self):
        self.client.force_login(self.korkab)
        self.client.get(reverse("registry:family_export"))
        run_queued_here()
        run = Run.objects.get(kind=RunKind.FAMILY_EXPORT)
        for other in (self.korwil, self.admin_pusat, self.operator):
            self.client.force_login(other)
            self.assertEqual(self.client.get(run.result_url).status_code, 404, other)

    def test_under_the_threshold_the_xlsx_comes_at_once(self):
        self.client.force_login(self.korkab)
        with override_settings(HARAPAN_LARGE_EXPORT_ROWS=3):
            response = self.client.get(reverse("registry:family_export"))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Run.objects.filter(kind=RunKind.FAMILY_EXPORT).exists())


class EntitlementDownloads(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_member(cls.family_a, birth_date=date(2012, 1, 1), school_level="smp")
        make_member(cls.family_b, birth_date=date(2009, 1, 1), school_level="sma")
        compute_entitlements(Stage.objects.select_related("year").get(year_id=2025, number=3))

    def test_the_page_table_downloads_by_name_and_label_with_amounts_as_numbers(self):
        self.client.force_login(self.korkab)
        page = self.client.get(reverse("benefits:entitlement_list"), {"year": 2025, "stage": 3})
        xlsx = self.client.get(reverse("benefits:entitlement_list") + download_links(page)[1])
        sheet = load_workbook(io.BytesIO(xlsx.content))["penetapan"]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        self.assertEqual(rows[0], ["KPM", "Komponen", "Jumlah"])
        # SMP 375.000 for family A; the rest of the kabupaten's 875.000 is family B's SMA.
        self.assertEqual([r[1:] for r in rows[1:]],
                         [["SMP/sederajat", 375_000], ["SMA/sederajat", 500_000]])  # fmt: skip
        self.assertTrue(rows[1][0].endswith(f"({self.family_a.registry_id})"))
        csv = self.client.get(reverse("benefits:entitlement_list") + download_links(page)[0])
        self.assertEqual(len(csv_rows(b"".join(csv.streaming_content))), 3)
        entry = AuditEntry.objects.filter(action=ACTION).order_by("pk").last()
        self.assertEqual(entry.details["filters"], {"Tahun": "2025", "Tahap": "3"})
