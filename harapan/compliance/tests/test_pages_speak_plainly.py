"""Verification pages name months, write moments and region codes one way, and show labels
(DESIGN §11 "Pages")."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils.html import strip_tags

from harapan.compliance.importing import import_verification
from harapan.compliance.models import Sanction, SanctionKind, Verification
from harapan.registry import eligibility

from .test_import_verification import VerificationFileCase
from .test_monitoring import MonthFixture, elder
from .test_monitoring_pages import terminate

JAKARTA = ZoneInfo("Asia/Jakarta")
SEPTEMBER = {"bulan": "2026-09"}


class CompliancePagesTest(MonthFixture):
    def test_the_monitoring_page_names_the_month_and_dots_region_codes(self):
        self.client.force_login(self.korcam_a)
        response = self.client.get(reverse("compliance:monitoring"), {**SEPTEMBER, "per": "desa"})
        self.assertContains(response, "Pemantauan verifikasi komitmen: September 2026")
        self.assertContains(response, '<span class="muted nowrap">18.06.01.2001</span>', html=True)
        self.assertNotContains(response, "1806012001")

    def test_the_missing_list_names_the_month(self):
        self.client.force_login(self.korcam_a)
        response = self.client.get(reverse("compliance:missing_list"), SEPTEMBER)
        self.assertContains(response, "Verifikasi yang belum dicatat: September 2026")
        self.assertNotContains(response, "Verifikasi yang belum dicatat: 2026-09")

    def test_a_lifted_sanction_says_when_in_one_way(self):
        sanction = Sanction.objects.create(
            member=elder(self.family_a), region_code=self.family_a.region_code,
            component="lansia", kind=SanctionKind.SUSPENSION, year=2026, stage=3,
            reason="Tidak patuh 1 bulan", computed=True, lift_reason="Salah catat",
            lifted_by=self.korcam_a, lifted_at=datetime(2026, 12, 1, 14, 5, tzinfo=JAKARTA),
        )  # fmt: skip
        self.client.force_login(self.korcam_a)
        page = self.client.get(reverse("compliance:sanction_lift", args=[sanction.pk]))
        self.assertContains(page, "pada 1 Des 2026 14.05")
        self.assertContains(page, "Penangguhan · Lanjut usia")
        family = self.client.get(reverse("registry:family_detail", args=[self.family_a.pk]))
        self.assertContains(family, "pada 1 Des 2026:")
        self.assertNotContains(family, "01-12-2026")


class CompliancePagesNameFamiliesTest(MonthFixture):
    """family_a (Kuripan) owes a September ibu_hamil record; every component of family_a3
    (the second desa of Kecamatan A) is terminated from stage 3 of 2026 on."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.family_a.members.filter(relation="kepala_keluarga").update(name="Siti Aminah")
        cls.family_a3.members.filter(relation="kepala_keluarga").update(name="Budi Santoso")
        terminate(cls.family_a3.members.get(school_level="sd"), "sd")
        terminate(cls.toddler_a3, "anak_usia_dini")

    def named(self, head: str, desa: str, family) -> str:
        return (
            f'<span class="family-name">{head} · {desa}</span>'
            f' <span class="muted nowrap">{family.registry_id}</span>'
        )

    def test_the_monitoring_lists_name_the_family(self):
        self.client.force_login(self.korcam_a)
        missing = self.client.get(reverse("compliance:missing_list"), SEPTEMBER)
        self.assertContains(missing, self.named("Siti Aminah", "Kuripan", self.family_a), html=True)
        stage_4 = {"tahun": 2026, "tahap": 4}
        a3 = self.named("Budi Santoso", "Wilayah 1806012002", self.family_a3)
        for name in ("compliance:sanction_list", "compliance:forced_exit"):
            self.assertContains(self.client.get(reverse(name), stage_4), a3, html=True)

    def test_the_month_page_is_titled_with_the_family_name(self):
        self.client.force_login(self.pendamping_a)
        url = reverse("compliance:month_family", args=[self.family_a.pk, "2026-09"])
        response = self.client.get(url)
        self.assertContains(
            response,
            f"<title>Verifikasi September 2026 · Siti Aminah · Kuripan ({self.family_a.registry_id})",
        )
        self.assertContains(
            response, self.named("Siti Aminah", "Kuripan", self.family_a), html=True
        )


class UploadHelpTest(VerificationFileCase):
    def test_the_upload_pages_name_commitments_as_people_write_them(self):
        self.client.force_login(self.operator)
        for url in (reverse("compliance:verification_upload"),
                    reverse("compliance:reference_list", args=["sekolah"])):  # fmt: skip
            text = strip_tags(self.client.get(url).content.decode())
            shown = [
                c for c in eligibility.COMPONENTS if re.search(rf"(?<![\w.]){c}(?![\w.])", text)
            ]
            assert shown == [], url
        self.assertContains(
            self.client.get(reverse("compliance:verification_upload")),
            "Ibu hamil, Anak usia dini, SD, SMP, SMA, Disabilitas berat atau Lansia",
        )

    def test_a_file_written_as_the_page_says_imports(self):
        path = self.write(
            f"{self.pupil.nik},2026-01,SD,Patuh,,",
            f"{self.toddler.nik},2026-01,Anak usia dini,Tidak patuh,,",
            f"{self.mother.nik},2026-01,Ibu hamil,Dikecualikan,,posyandu tutup",
            f"{self.elder.nik},2026-01,Lansia,patuh,,",
        )  # fmt: skip
        import_verification(path, acting_user=self.operator)
        found = Verification.objects.order_by("commitment").values_list("commitment", "result")
        assert list(found) == [
            ("anak_usia_dini", "tidak_patuh"),
            ("ibu_hamil", "dikecualikan"),
            ("lansia", "patuh"),
            ("sd", "patuh"),
        ]
