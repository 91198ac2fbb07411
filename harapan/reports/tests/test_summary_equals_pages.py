"""Acceptance (issue 18): a dashboard number equals the figure the detailed page shows for the
same scope. On the demo data (two kabupaten, a year of verification, complaints, stage
entitlements, gap lists), the summary rows of a korkab's kabupaten and of a korcam's
kecamatan, summed, equal what each existing page shows that user. Each figure is also
checked to be non-zero, so that an equality of two empty counts proves nothing."""

from datetime import date

from django.db.models import Sum
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from harapan.accounts.models import User
from harapan.benefits.models import Entitlement
from harapan.compliance import calendar
from harapan.demo.build import PEOPLE, build_demo
from harapan.programs.catalogue import Gap
from harapan.testing import make_region

from ..models import DesaMonth, DesaStage
from ..summary import GAP_COLUMNS, refresh_all

SCOPES = ("korkab.tanggamus", "korcam.kotaagung")


class SummaryEqualsPages(TestCase):
    @classmethod
    def setUpTestData(cls):
        for kecamatan in {p.region for p in PEOPLE if len(p.region) == 6}:
            for desa in ("2001", "2002", "2003"):
                make_region(f"{kecamatan}{desa}")
        build_demo(log=lambda *_: None)
        refresh_all()
        cls.today = timezone.localdate()
        cls.this_month = cls.today.replace(day=1)

    def summed(self, username: str, column: str, **filters) -> int:
        region = User.objects.get(username=username).region_id
        rows = DesaMonth.objects.filter(region_code__startswith=region, **filters)
        return rows.aggregate(n=Sum(column))["n"] or 0

    def page(self, username: str, name: str, **query):
        self.client.force_login(User.objects.get(username=username))
        response = self.client.get(reverse(name), query)
        assert response.status_code == 200
        return response.context

    def test_kpm_equals_the_family_list_of_active_families(self):
        for username in SCOPES:
            with self.subTest(username):
                shown = self.page(username, "registry:family_list", status="aktif")["total"]
                assert shown > 0
                assert self.summed(username, "kpm_aktif", month=self.this_month) == shown

    def test_verification_equals_the_monitoring_page_of_last_month(self):
        month = calendar.add_months(self.this_month, -1)
        for username in SCOPES:
            with self.subTest(username):
                total = self.page(username, "compliance:monitoring",
                                  bulan=calendar.month_label(month), per="desa")["total"]  # fmt: skip
                assert total.verified > 0
                columns = ("wajib_verifikasi", "terverifikasi", "patuh", "tidak_patuh")
                summed = [self.summed(username, column, month=month) for column in columns]
                assert summed == [total.owed, total.verified, total.compliant,
                                  total.non_compliant]  # fmt: skip
                # The dashboard's rates are the monitoring page's (excused records left out).
                board = self.page(username, "reports:dashboard", tahun=month.year,
                                  bulan=month.month)["board"]  # fmt: skip
                assert round(board.total.compliance_rate, 1) == round(total.compliance_rate, 1)

    def test_each_gap_equals_its_list_today(self):
        for username in SCOPES:
            for gap in Gap:
                with self.subTest(username, gap=gap):
                    shown = self.page(username, "programs:gap_list", celah=gap,
                                      tanggal=self.today.isoformat())["total"]  # fmt: skip
                    assert shown > 0
                    summed = self.summed(username, GAP_COLUMNS[gap], month=self.this_month)
                    assert summed == shown

    def test_complaints_equal_the_statistics_of_the_year(self):
        year = self.today.year
        this_year = {"month__gte": date(year, 1, 1)}
        username = "korkab.tanggamus"
        total = self.page(username, "complaints:statistics", tahun=year)["figures"].total
        assert total.received > 0 and total.resolved > 0
        summed = [self.summed(username, column, **this_year)
                  for column in ("pengaduan_masuk", "pengaduan_selesai", "pengaduan_tepat_waktu")]  # fmt: skip
        assert summed == [total.received, total.resolved, total.on_time]

    def test_money_entitled_equals_the_entitlement_list_of_each_computed_stage(self):
        stages = Entitlement.objects.values_list("stage__year_id", "stage__number").distinct()
        assert stages
        for username in SCOPES:
            region = User.objects.get(username=username).region_id
            for year, number in stages:
                with self.subTest(username, stage=(year, number)):
                    summary = self.page(username, "benefits:entitlement_list",
                                        year=year, stage=number)["summary"]  # fmt: skip
                    rows = DesaStage.objects.filter(
                        region_code__startswith=region, year=year, stage=number
                    ).aggregate(families=Sum("kpm_ditetapkan"), total=Sum("jumlah_ditetapkan"))
                    assert summary["families"] > 0
                    assert (rows["families"], rows["total"]) == (
                        summary["families"], summary["total"])  # fmt: skip
