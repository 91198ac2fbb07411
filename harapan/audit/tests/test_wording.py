from datetime import datetime
from unittest import mock

from django.utils import timezone

from harapan.audit import trail
from harapan.audit.models import AuditEntry
from harapan.audit.wording import describe
from harapan.compliance.models import School
from harapan.testing import PersonaTestCase

AT = datetime(2026, 12, 1, 14, 5, tzinfo=timezone.get_current_timezone())


def sentence_of(*args, full_nik=False, **kwargs) -> str:
    with mock.patch("django.utils.timezone.now", return_value=AT):
        entry = trail.record(*args, **kwargs)
    (sentence,) = describe(AuditEntry.objects.filter(pk=entry.pk), full_nik=full_nik)
    return str(sentence)


class WordingTest(PersonaTestCase):
    def test_a_correction_reads_who_did_what_to_which_field_and_when(self):
        self.pendamping_a.first_name, self.pendamping_a.last_name = "Nur", "Aini"
        self.pendamping_a.save()
        assert sentence_of(
            self.pendamping_a, "registry.family.update", self.family_a,
            changes={"address": ["Dusun I", "Dusun II"]},
        ) == (
            f"Nur Aini mengoreksi data keluarga {self.family_a.registry_id}: "
            "Alamat 'Dusun I' → 'Dusun II' · 1 Des 2026 14.05"
        )  # fmt: skip

    def test_values_read_as_labels_yes_no_dotted_codes_dates_and_names(self):
        text = sentence_of(
            self.korcam_a, "registry.change.approve", self.family_a,
            changes={
                "region_code": ["1806012001", "1806022001"],
                "pendamping_id": [self.pendamping_a.pk, None],
                "status": ["aktif", "keluar"],
                "exit_reason": ["", "sejahtera_mandiri"],
                "exit_date": [None, "2026-12-31"],
                "updated_at": ["2026-11-01T00:00:00", "2026-12-01T00:00:00"],
            },
        )  # fmt: skip
        assert text == (
            f"Korcam A menyetujui pemutakhiran data {self.family_a.registry_id}: "
            "Kode desa 18.06.01.2001 → 18.06.02.2001; Status Aktif → Keluar; "
            "Alasan keluar — → Graduasi sejahtera mandiri; Tanggal keluar — → 31 Des 2026; "
            "Pendamping Pendamping A → — · 1 Des 2026 14.05"
        )

    def test_booleans_are_ya_tidak_and_a_nik_is_masked_unless_the_role_sees_it(self):
        head = self.family_a.members.get()
        changes = {"pregnant": [False, True], "nik": ["1806011705850001", "1806011705850002"]}
        masked = sentence_of(self.korcam_a, "registry.member.update", head, changes=changes)
        assert ": NIK 180601********01 → 180601********02; Hamil/nifas Tidak → Ya ·" in masked
        full = sentence_of(
            self.korcam_a, "registry.member.update", head, changes=changes, full_nik=True
        )
        assert "NIK 1806011705850001 → 1806011705850002" in full
        assert "False" not in masked and "True" not in masked

    def test_a_job_a_failed_sign_in_and_an_unknown_action_still_read_as_words(self):
        assert sentence_of(None, "registry.check_data", region_code="1806") == (
            "Sistem memeriksa data · 1 Des 2026 14.05"
        )
        assert sentence_of(None, "auth.login_failed", details={"username": "siapa"}) == (
            "siapa gagal masuk ke aplikasi · 1 Des 2026 14.05"
        )
        assert sentence_of(self.korkab, "reports.frobnicate") == (
            "Korkab melakukan tindakan lain · 1 Des 2026 14.05"
        )

    def test_a_changed_password_says_so_without_a_value(self):
        text = sentence_of(
            self.admin_pusat, "accounts.user.change", self.korkab,
            changes={"password": ["***", "***"]},
        )  # fmt: skip
        assert text == (
            "Admin Pusat mengubah pengguna lewat admin Korkab: "
            "Sandi (disembunyikan) → (disembunyikan) · 1 Des 2026 14.05"
        )

    def test_a_service_link_names_the_school_and_a_recompute_the_amounts(self):
        school = School.objects.create(
            npsn="10800001", name="SD Negeri 1 Kuripan", level="sd", region_code="1806012001"
        )
        head = self.family_a.members.get()
        link = sentence_of(
            self.pendamping_a, "compliance.service.link", head,
            changes={"school_id": [None, school.pk], "facility_id": [None, None]},
        )  # fmt: skip
        assert ": Sekolah — → SD Negeri 1 Kuripan (10800001); Fasilitas kesehatan — → — ·" in link
        recompute = sentence_of(
            None, "benefits.entitlement.recompute", self.family_a,
            changes={"total": [2850000, 3150000]},
        )  # fmt: skip
        assert ": Jumlah bantuan Rp 2.850.000 → Rp 3.150.000 ·" in recompute
