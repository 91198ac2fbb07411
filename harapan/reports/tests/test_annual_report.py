"""`harapan annual_report` on the demo's Kota Metro (issue 18 acceptance): the PDF's text
holds the region's name and its totals, each equal to a query of the source tables written
here, formatted as the PDF shows them."""

import tempfile
from datetime import date, datetime, time
from io import BytesIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.db.models import Q, Sum
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from harapan.accounts.models import User
from harapan.audit.models import AuditEntry
from harapan.benefits.disbursement import import_disbursement
from harapan.benefits.models import Disbursement, Entitlement, Stage
from harapan.complaints.models import Complaint
from harapan.compliance import monitoring
from harapan.demo.build import PEOPLE, build_demo
from harapan.display.formats import money, number, percent
from harapan.exports import csv_writer
from harapan.fds.models import Meeting, MeetingStatus
from harapan.jobs.models import Run, RunKind, RunStatus
from harapan.registry.models import ExitReason, Family, FamilyStatus, Member
from harapan.testing import make_region, queued_run, run_queued_here

METRO, YEAR = "1872", 2026
BUILT_ON = date(2026, 11, 1)


def build_metro() -> None:
    """The demo (one build for the class), registered in 2025, with a stage paid in part."""
    for kecamatan in {p.region for p in PEOPLE if len(p.region) == 6}:
        for desa in ("2001", "2002", "2003"):
            make_region(f"{kecamatan}{desa}")
    build_demo(today=BUILT_ON, log=lambda *_: None)
    # created_at is the real clock: the families were registered before the report's year.
    Family.objects.update(created_at=timezone.make_aware(datetime(2025, 6, 1, 8, 0)))
    stage = Stage.objects.get(year_id=YEAR, number=4)
    paid = Entitlement.objects.filter(stage=stage, region_code__startswith=METRO, total__gt=0)
    with tempfile.NamedTemporaryFile("w", suffix=".csv", encoding="utf-8", newline="") as file:
        writer = csv_writer(file)
        writer.writerow(["id_keluarga", "no_kks", "jumlah", "tanggal", "status"])
        for index, row in enumerate(paid.select_related("family").order_by("pk")[:40]):
            status = "gagal" if index % 10 == 9 else "berhasil"
            writer.writerow([row.family.registry_id, "", row.total, "2026-10-20", status])
        file.flush()
        assert import_disbursement(file.name, stage=stage).ok


def pdf_text(path: Path) -> str:
    """The PDF's text, every run of white space one space (lines wrap where they like)."""
    pages = PdfReader(BytesIO(path.read_bytes())).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def year_span() -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    return (timezone.make_aware(datetime.combine(date(YEAR, 1, 1), time.min), tz),
            timezone.make_aware(datetime.combine(date(YEAR + 1, 1, 1), time.min), tz))  # fmt: skip


class AnnualReportTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_metro()
        cls.folder = tempfile.TemporaryDirectory()
        cls.out = Path(cls.folder.name) / "metro-2026.pdf"
        call_command("annual_report", year=str(YEAR), region="18.72", out=str(cls.out))
        cls.text = pdf_text(cls.out)

    @classmethod
    def tearDownClass(cls):
        cls.folder.cleanup()
        super().tearDownClass()

    def assert_shows(self, label: str, value: str) -> None:
        self.assertIn(f"{label} {value}", self.text)

    def test_it_names_the_region_with_its_code(self):
        self.assertIn("Laporan Tahunan Kinerja Program Keluarga Harapan", self.text)
        self.assertIn("KOTA METRO Kabupaten/kota, kode wilayah 18.72 2026", self.text)

    def test_the_families_served_and_at_year_end_are_the_registrys(self):
        metro = Family.objects.filter(region_code__startswith=METRO)
        served = metro.filter(
            Q(status=FamilyStatus.ACTIVE) | Q(exit_date__gt=date(YEAR, 1, 1))
        ).count()
        year_end = min(date(YEAR, 12, 31), timezone.localdate())
        active = metro.filter(Q(status=FamilyStatus.ACTIVE) | Q(exit_date__gt=year_end)).count()
        assert served > active > 500  # some families left during the year
        self.assert_shows("KPM dilayani (aktif pada suatu hari dalam tahun)", number(served))
        self.assert_shows("KPM aktif pada akhir tahun", number(active))

    def test_the_money_is_the_entitlements_and_the_successful_payments(self):
        entitled = Entitlement.objects.filter(
            region_code__startswith=METRO, stage__year_id=YEAR
        ).aggregate(s=Sum("total"))["s"]
        paid = Disbursement.objects.filter(
            region_code__startswith=METRO, stage__year_id=YEAR, status="berhasil"
        ).aggregate(s=Sum("amount"))["s"]
        assert entitled > paid > 0
        self.assert_shows("Bantuan ditetapkan dalam setahun", money(entitled))
        self.assert_shows("Bantuan tersalur", money(paid))

    def test_verification_completeness_is_the_monitorings_over_the_months(self):
        members = Member.objects.filter(region_code__startswith=METRO)
        owed = verified = 0
        for month in range(1, 13):
            for row in monitoring.figures_by(date(YEAR, month, 1), members, monitoring.DESA):
                owed, verified = owed + row.owed, verified + row.verified
        assert owed > verified > 0
        self.assert_shows("Kelengkapan verifikasi komitmen", percent(100 * verified / owed))

    def test_graduations_meetings_and_complaints_are_counted_in_the_year(self):
        metro = Family.objects.filter(region_code__startswith=METRO)
        gsm = metro.filter(exit_reason=ExitReason.SEJAHTERA_MANDIRI, exit_date__year=YEAR).count()
        held = Meeting.objects.filter(
            region_code__startswith=METRO, status=MeetingStatus.HELD, planned_on__year=YEAR
        ).count()
        received = Complaint.objects.filter(
            region_code__startswith=METRO, received_at__range=year_span()
        ).count()
        assert gsm and held and received
        self.assertRegex(self.text, rf"Graduasi sejahtera mandiri / target {number(gsm)} / \d")
        self.assert_shows("Pertemuan P2K2 terlaksana", number(held))
        # Sessions covered: each (group, session) a held meeting of the year taught.
        sessions = {
            (m.group_id, m.session_id)
            for m in Meeting.objects.filter(
                region_code__startswith=METRO, status=MeetingStatus.HELD, planned_on__year=YEAR
            ).exclude(session=None)
        }
        assert sessions
        self.assert_shows("Sesi P2K2 tercakup", number(len(sessions)))
        self.assertRegex(self.text, rf"Pengaduan diterima / selesai {number(received)} / \d")

    def test_it_holds_the_scorecard_of_metros_pendamping(self):
        self.assertIn("Kinerja pendamping", self.text)
        for person in PEOPLE:
            name = f"{person.first_name} {person.last_name}"
            if person.caseload and person.region.startswith(METRO):
                self.assertIn(name, self.text)
            elif person.caseload:
                self.assertNotIn(name, self.text)

    def test_it_records_who_made_it(self):
        entry = AuditEntry.objects.get(action="reports.annual_report")
        assert entry.region_code == METRO
        assert entry.details["tahun"] == YEAR

    # The button: a task makes the same report, the run page offers its PDF.

    def test_the_button_starts_a_run_whose_pdf_downloads(self):
        korkab = User.objects.get(username="korkab.metro")
        self.client.force_login(korkab)
        response = self.client.post(reverse("reports:annual"), {"year": YEAR, "region": METRO})
        run = queued_run(self, response)
        assert run.kind == RunKind.ANNUAL_REPORT and run.region_code == METRO
        assert run_queued_here() == 1
        run.refresh_from_db()
        assert run.status == RunStatus.DONE, run.message
        page = self.client.get(reverse("jobs:run_detail", args=[run.pk]))
        self.assertContains(page, reverse("jobs:run_output", args=[run.pk]))
        download = self.client.get(reverse("jobs:run_output", args=[run.pk]))
        assert download["Content-Type"] == "application/pdf"
        assert "laporan-tahunan-1872-2026.pdf" in download["Content-Disposition"]
        text = " ".join(
            " ".join(page.extract_text().split())
            for page in PdfReader(BytesIO(download.content)).pages
        )
        assert self.text.split("Dibuat oleh")[0] in text  # the cover, up to the maker's name
        self.assertIn("Laporan dibuat pada", text)
        self.assertIn("oleh Yusuf Effendi", text)
        made = AuditEntry.objects.filter(action="reports.annual_report", actor=korkab)
        assert made.count() == 1 and made.get().region_code == METRO

    def test_another_kabupatens_korkab_cannot_make_metros_report(self):
        korkab = User.objects.get(username="korkab.tanggamus")
        self.client.force_login(korkab)
        response = self.client.post(reverse("reports:annual"), {"year": YEAR, "region": METRO})
        assert response.status_code == 200
        self.assertContains(response, "Masukkan pilihan yang valid")
        assert not Run.objects.exists()
        own = self.client.get(reverse("reports:annual"))
        self.assertContains(own, "KAB. TANGGAMUS")
        self.assertNotContains(own, "KOTA METRO")

    def test_a_korcam_chooses_their_kecamatan_only_and_a_pendamping_none(self):
        self.client.force_login(User.objects.get(username="korcam.metropusat"))
        response = self.client.post(reverse("reports:annual"), {"year": YEAR, "region": METRO})
        self.assertContains(response, "Masukkan pilihan yang valid")
        self.client.force_login(User.objects.get(username="siti.rahayu"))
        assert self.client.get(reverse("reports:annual")).status_code == 403
        assert not Run.objects.exists()


class AnnualReportRefusalTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_region("1872011001")

    def refused(self, **options) -> str:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "laporan.pdf"
            with self.assertRaises(CommandError) as caught:
                call_command("annual_report", out=str(out), **options)
            assert not out.exists() and not list(Path(folder).iterdir())
        assert not AuditEntry.objects.filter(action="reports.annual_report").exists()
        return str(caught.exception)

    def test_an_unknown_region_is_refused_in_indonesian(self):
        self.assertIn("Wilayah 18.99 tidak dikenal", self.refused(year="2026", region="18.99"))
        self.assertIn("tidak dikenal", self.refused(year="2026", region="abc"))

    def test_a_desa_is_refused(self):
        self.assertIn("bukan desa", self.refused(year="2026", region="1872011001"))

    def test_a_bad_year_is_refused(self):
        self.assertIn("Tahun 2006 tidak sah", self.refused(year="2006", region="1872"))
        self.assertIn("Tahun dua tidak sah", self.refused(year="dua", region="1872"))
        next_year = str(timezone.localdate().year + 1)
        self.assertIn(f"Tahun {next_year} tidak sah", self.refused(year=next_year, region="1872"))
