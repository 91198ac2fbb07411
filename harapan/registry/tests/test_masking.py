"""NIK, No KK and No KKS are masked for the roles that do not need them (korwil, auditor),
on every page, export and API response; every whole NIK shown is a view on the audit trail.
"""

import csv
import io
from datetime import date

from django.urls import reverse

from harapan.audit.models import AuditEntry
from harapan.benefits import kks
from harapan.benefits.models import KksStatus
from harapan.jobs.models import Run, RunKind, RunStatus
from harapan.registry import changes
from harapan.registry.models import ChangeKind, ImportRun
from harapan.testing import DESA_A, PersonaTestCase, make_family, make_member

KK = "1806010101100077"
KKS = "5011223344556677"
# Written by hand: the kecamatan and the last two digits of the KK, the last four of the card.
KK_MASKED = "180601********77"
KKS_MASKED = "************6677"


class MaskingTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.family = make_family(region_code=DESA_A, pendamping=cls.pendamping_a, kk_number=KK,
                                 kks_number=KKS, bank="BRI")  # fmt: skip
        cls.child = make_member(cls.family, name="Budi", birth_date=date(2015, 7, 1))

    def page(self, user, url, params=None):
        self.client.force_login(user)
        response = self.client.get(url, params or {})
        assert response.status_code == 200, (user, url, response.status_code)
        return response.content.decode()


class NumbersMaskedTests(MaskingTestCase):
    def test_korwil_and_auditor_see_no_kk_and_kks_masked_on_the_family_pages(self):
        detail = reverse("registry:family_detail", args=[self.family.pk])
        listing = reverse("registry:family_list")
        for user in (self.korwil, self.auditor):
            for url, params in ((detail, {}), (listing, {"q": self.family.registry_id})):
                html = self.page(user, url, params)
                assert KK_MASKED in html and KK not in html, (user, url)
                if url == detail:
                    assert KKS_MASKED in html and KKS not in html, user
        html = self.page(self.pendamping_a, detail)
        assert KK in html and KKS in html

    def test_the_api_masks_them_for_korwil_and_gives_them_whole_to_the_pendamping(self):
        self.client.force_login(self.korwil)
        body = self.client.get(f"/api/v1/families/{self.family.pk}").json()
        assert (body["no_kk"], body["no_kks"]) == (KK_MASKED, KKS_MASKED)
        listed = self.client.get("/api/v1/families", {"q": self.family.registry_id}).json()
        assert [(f["no_kk"], f["no_kks"]) for f in listed["items"]] == [(KK_MASKED, KKS_MASKED)]
        self.client.force_login(self.pendamping_a)
        body = self.client.get(f"/api/v1/families/{self.family.pk}").json()
        assert (body["no_kk"], body["no_kks"]) == (KK, KKS)

    def test_the_kks_not_held_list_and_its_csv_mask_them_for_korwil(self):
        kks.record_kks_status(self.family, status=KksStatus.LOST, since=date(2026, 1, 5),
                              acting_user=self.pendamping_a)  # fmt: skip
        url = reverse("benefits:kks_not_held")
        html = self.page(self.korwil, url)
        assert KKS_MASKED in html and KKS not in html
        rows = list(csv.DictReader(io.StringIO(self.page(self.korwil, url, {"unduh": "csv"}))))
        assert [(r["no_kk"], r["no_kks"]) for r in rows] == [(KK_MASKED, KKS_MASKED)]
        rows = list(csv.DictReader(io.StringIO(self.page(self.korkab, url, {"unduh": "csv"}))))
        assert [(r["no_kk"], r["no_kks"]) for r in rows] == [(KK, KKS)]

    def test_a_card_number_change_is_masked_on_its_request_and_in_the_audit_trail(self):
        change = changes.request_change(self.family, ChangeKind.PAYMENT,
                                        {"bank": "BNI", "kks_number": "5099887766554433"},
                                        acting_user=self.pendamping_a)  # fmt: skip
        changes.approve_change(change, acting_user=self.korkab)
        html = self.page(self.korwil, reverse("registry:change_detail", args=[change.pk]))
        assert "************4433" in html and "5099887766554433" not in html
        html = self.page(self.auditor, reverse("audit:trail"))
        assert "************4433" in html and "5099887766554433" not in html
        assert KKS_MASKED in html and KKS not in html


class FullNikViewsAuditedTests(MaskingTestCase):
    def views(self, user) -> list[dict]:
        entries = AuditEntry.objects.filter(actor=user, action__endswith=".view_nik")
        return [entry.details for entry in entries]

    def test_a_change_request_page_showing_a_whole_nik_is_a_view_on_the_record(self):
        change = changes.request_change(self.family, ChangeKind.SCHOOL, {"school_level": "smp"},
                                        member=self.child, acting_user=self.pendamping_a)  # fmt: skip
        url = reverse("registry:change_detail", args=[change.pk])
        html = self.page(self.korcam_a, url)
        assert self.child.nik in html
        assert self.views(self.korcam_a) == [{"count": 1, "via": "web"}]
        # A masked NIK is no view.
        html = self.page(self.korwil, url)
        assert self.child.nik not in html
        assert self.views(self.korwil) == []

    def test_a_newborns_proposed_nik_is_a_view_on_the_record_too(self):
        payload = {"nik": "1806011503250001", "name": "Bayi", "sex": "P",
                   "birth_date": "2025-03-15", "relation": "anak"}  # fmt: skip
        change = changes.request_change(self.family, ChangeKind.BIRTH, payload,
                                        acting_user=self.pendamping_a)  # fmt: skip
        html = self.page(self.korcam_a, reverse("registry:change_detail", args=[change.pk]))
        assert "1806011503250001" in html
        assert self.views(self.korcam_a) == [{"count": 1, "via": "web"}]

    def test_whole_niks_among_a_runs_errors_are_a_view_on_the_record(self):
        nik = self.child.nik
        errors = [[2, "nik", nik, "NIK tidak ditemukan di wilayah Anda"],
                  [3, "bulan", "2026-13", "Bulan tidak ada"]]  # fmt: skip
        run = Run.objects.create(kind=RunKind.VERIFICATION_IMPORT, started_by=self.operator,
                                 status=RunStatus.REJECTED, region_code="1806", errors=errors,
                                 error_total=2)  # fmt: skip
        html = self.page(self.operator, reverse("jobs:run_detail", args=[run.pk]))
        assert nik in html
        self.page(self.operator, reverse("jobs:run_errors", args=[run.pk]))
        # The page and the download: one NIK each.
        assert self.views(self.operator) == [{"count": 1}, {"count": 1}]

    def test_whole_niks_on_a_registry_import_run_are_a_view_on_the_record(self):
        nik = self.child.nik
        run = ImportRun.objects.create(started_by=self.operator, file_name="registri.csv",
                                       region_code="1806", summary={"errors": 1},
                                       errors_csv=f"baris,kolom,nilai,pesan\r\n2,nik,{nik},"
                                                  "NIK ganda\r\n")  # fmt: skip
        html = self.page(self.operator, reverse("registry:import_run", args=[run.pk]))
        assert nik in html
        self.page(self.operator, reverse("registry:import_errors", args=[run.pk]))
        assert self.views(self.operator) == [{"count": 1}, {"count": 1}]
