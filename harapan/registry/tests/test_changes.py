"""Pemutakhiran data: requested by a pendamping, applied only on approval one level up."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from harapan.accounts.roles import Role
from harapan.audit.models import AuditEntry
from harapan.registry import changes
from harapan.registry.eligibility import component_for
from harapan.registry.models import ChangeRequest, ChangeStatus, Family, Member
from harapan.testing import DESA_A, DESA_B, KEC_B, PersonaTestCase, make_member, make_user

NEW_NIK = "1806011503250001"


def birth_payload(**overrides) -> dict:
    payload = {"nik": NEW_NIK, "name": "Bayi Harapan", "sex": "L", "birth_date": "2025-03-15"}
    payload.update(overrides)
    return payload


class ChangeTestCase(PersonaTestCase):
    """family_a gets a wife and a school child beside its head."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.head = cls.family_a.members.get()
        cls.wife = make_member(
            cls.family_a, relation="istri", sex="P", birth_date=date(1990, 2, 1), name="Siti"
        )
        cls.child = make_member(
            cls.family_a, birth_date=date(2015, 7, 1), school_level="sd", name="Budi"
        )
        cls.korcam_b = make_user("korcam_b", Role.KORCAM, KEC_B)

    def propose(self, kind, payload, member=None, user=None, family=None):
        return changes.request_change(
            family or self.family_a,
            kind,
            payload,
            member=member,
            acting_user=user or self.pendamping_a,
        )

    def messages_of(self, error: ValidationError) -> list[str]:
        return error.messages


class EachKindTest(ChangeTestCase):
    def test_a_birth_adds_the_member_only_on_approval(self):
        request = self.propose("kelahiran", birth_payload())
        assert not Member.objects.filter(nik=NEW_NIK).exists()
        changes.approve_change(request, acting_user=self.korcam_a)
        baby = Member.objects.get(nik=NEW_NIK)
        assert baby.family == self.family_a
        assert baby.region_code == DESA_A
        assert baby.relation == "anak"  # the default
        assert baby.birth_date == date(2025, 3, 15)
        assert baby.name == "Bayi Harapan" and baby.sex == "L"

    def test_a_death_marks_the_member_only_on_approval(self):
        request = self.propose("kematian", {"died_on": "2025-01-10"}, member=self.head)
        self.head.refresh_from_db()
        assert self.head.alive and self.head.died_on is None
        changes.approve_change(request, acting_user=self.korcam_a)
        self.head.refresh_from_db()
        assert not self.head.alive
        assert self.head.died_on == date(2025, 1, 10)

    def test_a_move_updates_the_family_and_all_its_members_only_on_approval(self):
        payload = {"region_code": "18.06.02.2001", "address": "Jl. Pasar Baru 3"}
        request = self.propose("pindah", payload)
        assert request.payload["region_code"] == DESA_B  # stored undotted
        assert Family.objects.get(pk=self.family_a.pk).region_code == DESA_A
        changes.approve_change(request, acting_user=self.korcam_a)
        family = Family.objects.get(pk=self.family_a.pk)
        assert (family.region_code, family.address) == (DESA_B, "Jl. Pasar Baru 3")
        codes = set(family.members.values_list("region_code", flat=True))
        assert codes == {DESA_B}

    def test_a_pregnancy_is_recorded_only_on_approval(self):
        request = self.propose("kehamilan", {"pregnant": True}, member=self.wife)
        self.wife.refresh_from_db()
        assert not self.wife.pregnant
        changes.approve_change(request, acting_user=self.korcam_a)
        self.wife.refresh_from_db()
        assert self.wife.pregnant

    def test_a_school_level_changes_only_on_approval(self):
        request = self.propose("pendidikan", {"school_level": "smp"}, member=self.child)
        self.child.refresh_from_db()
        assert self.child.school_level == "sd"
        changes.approve_change(request, acting_user=self.korcam_a)
        self.child.refresh_from_db()
        assert self.child.school_level == "smp"

    def test_the_request_records_who_decided_and_when(self):
        request = self.propose("pendidikan", {"school_level": "smp"}, member=self.child)
        assert request.status == ChangeStatus.PENDING and request.decided_by is None
        changes.approve_change(request, acting_user=self.korcam_a)
        stored = ChangeRequest.objects.get(pk=request.pk)
        assert stored.status == ChangeStatus.APPROVED
        assert stored.requested_by == self.pendamping_a
        assert stored.decided_by == self.korcam_a
        assert stored.decided_at is not None
        assert request.status == ChangeStatus.APPROVED  # the caller's copy too


class RejectionTest(ChangeTestCase):
    def test_a_rejection_keeps_the_data_and_records_the_reason(self):
        request = self.propose("pendidikan", {"school_level": "smp"}, member=self.child)
        changes.reject_change(
            request, reason="Belum ada surat pindah sekolah", acting_user=self.korcam_a
        )
        self.child.refresh_from_db()
        assert self.child.school_level == "sd"
        stored = ChangeRequest.objects.get(pk=request.pk)
        assert stored.status == ChangeStatus.REJECTED
        assert stored.rejection_reason == "Belum ada surat pindah sekolah"
        assert stored.decided_by == self.korcam_a

    def test_a_rejection_needs_a_reason(self):
        request = self.propose("pendidikan", {"school_level": "smp"}, member=self.child)
        with pytest.raises(ValidationError) as caught:
            changes.reject_change(request, reason="  ", acting_user=self.korcam_a)
        assert caught.value.message_dict == {"reason": ["Tuliskan alasan penolakan."]}
        assert ChangeRequest.objects.get(pk=request.pk).status == ChangeStatus.PENDING

    def test_a_rejected_request_cannot_be_approved_afterwards(self):
        request = self.propose("pendidikan", {"school_level": "smp"}, member=self.child)
        changes.reject_change(request, reason="Salah jenjang", acting_user=self.korcam_a)
        stale = ChangeRequest.objects.get(pk=request.pk)
        with pytest.raises(ValidationError, match="sudah diputuskan"):
            changes.approve_change(stale, acting_user=self.korkab)
        self.child.refresh_from_db()
        assert self.child.school_level == "sd"


class WhoDecidesTest(ChangeTestCase):
    def test_nobody_approves_their_own_request(self):
        request = self.propose("pendidikan", {"school_level": "smp"}, self.child, self.korcam_a)
        assert not changes.can_decide(self.korcam_a, request)
        with pytest.raises(PermissionDenied):
            changes.approve_change(request, acting_user=self.korcam_a)
        # One level up may still decide it.
        changes.approve_change(request, acting_user=self.korkab)
        self.child.refresh_from_db()
        assert self.child.school_level == "smp"

    def test_a_pendamping_and_read_only_roles_cannot_decide(self):
        request = self.propose("pendidikan", {"school_level": "smp"}, member=self.child)
        for user in (self.pendamping_a, self.pendamping_a2, self.korwil, self.auditor):
            assert not changes.can_decide(user, request), user
        with pytest.raises(PermissionDenied):
            changes.reject_change(request, reason="x", acting_user=self.pendamping_a2)

    def test_a_korcam_decides_only_in_their_own_kecamatan(self):
        request = self.propose("pendidikan", {"school_level": "smp"}, member=self.child)
        assert changes.can_decide(self.korcam_a, request)
        assert not changes.can_decide(self.korcam_b, request)
        with pytest.raises(PermissionDenied):
            changes.approve_change(request, acting_user=self.korcam_b)

    def test_by_default_the_korcam_and_the_korkab_above_decide_every_kind(self):
        request = self.propose("pindah", {"region_code": DESA_B, "address": "Jl. Baru"})
        assert changes.can_decide(self.korcam_a, request)
        assert changes.can_decide(self.korkab, request)
        assert not changes.can_decide(self.operator, request)
        assert not changes.can_decide(self.admin_pusat, request)

    @override_settings(HARAPAN_CHANGE_APPROVERS={"pindah": "korkab"})
    def test_a_kind_set_to_korkab_cannot_be_approved_by_the_korcam(self):
        move = self.propose("pindah", {"region_code": DESA_B, "address": "Jl. Baru"})
        school = self.propose("pendidikan", {"school_level": "smp"}, member=self.child)
        assert not changes.can_decide(self.korcam_a, move)
        with pytest.raises(PermissionDenied):
            changes.approve_change(move, acting_user=self.korcam_a)
        assert changes.can_decide(self.korcam_a, school)  # kinds not listed: korcam
        changes.approve_change(move, acting_user=self.korkab)
        assert Family.objects.get(pk=self.family_a.pk).region_code == DESA_B

    @override_settings(HARAPAN_CHANGE_APPROVERS={"kelahiran": "operator"})
    def test_a_kind_set_to_the_operator_is_decided_by_the_operator_only(self):
        request = self.propose("kelahiran", birth_payload())
        assert not changes.can_decide(self.korcam_a, request)
        assert not changes.can_decide(self.korkab, request)
        changes.approve_change(request, acting_user=self.operator)
        assert Member.objects.filter(nik=NEW_NIK).exists()

    @override_settings(HARAPAN_CHANGE_APPROVERS={"kelahiran": "kades"})
    def test_an_unknown_approver_role_is_a_configuration_error(self):
        request = self.propose("kelahiran", birth_payload())
        with pytest.raises(ImproperlyConfigured):
            changes.can_decide(self.korcam_a, request)


class ClaimOnceTest(ChangeTestCase):
    def test_two_approvers_at_once_apply_the_change_once(self):
        request = self.propose("kelahiran", birth_payload())
        # Both loaded the request while it was pending, as two open pages would.
        seen_by_korcam = ChangeRequest.objects.get(pk=request.pk)
        seen_by_korkab = ChangeRequest.objects.get(pk=request.pk)
        changes.approve_change(seen_by_korcam, acting_user=self.korcam_a)
        with pytest.raises(ValidationError) as caught:
            changes.approve_change(seen_by_korkab, acting_user=self.korkab)
        assert caught.value.messages == ["Permohonan ini sudah diputuskan."]
        assert Member.objects.filter(family=self.family_a, nik=NEW_NIK).count() == 1
        assert ChangeRequest.objects.get(pk=request.pk).decided_by == self.korcam_a
        assert AuditEntry.objects.filter(action="registry.change.approve").count() == 1

    def test_a_change_no_longer_valid_at_approval_stays_pending(self):
        school = self.propose("pendidikan", {"school_level": "smp"}, member=self.child)
        death = self.propose("kematian", {"died_on": "2025-01-10"}, member=self.child)
        changes.approve_change(death, acting_user=self.korcam_a)
        with pytest.raises(ValidationError) as caught:
            changes.approve_change(school, acting_user=self.korcam_a)
        assert caught.value.messages == ["Anggota ini sudah tercatat meninggal."]
        stored = ChangeRequest.objects.get(pk=school.pk)
        assert stored.status == ChangeStatus.PENDING and stored.decided_by is None
        assert school.status == ChangeStatus.PENDING  # the caller's copy is not left claimed
        self.child.refresh_from_db()
        assert self.child.school_level == "sd"

    def test_a_birth_nik_added_meanwhile_is_caught_at_approval(self):
        request = self.propose("kelahiran", birth_payload())
        make_member(self.family_a, nik=NEW_NIK)
        with pytest.raises(ValidationError) as caught:
            changes.approve_change(request, acting_user=self.korcam_a)
        assert caught.value.message_dict == {"nik": ["NIK ini sudah terdaftar di keluarga ini."]}


class WhoRequestsTest(ChangeTestCase):
    def test_a_pendamping_requests_only_for_their_own_caseload(self):
        with pytest.raises(PermissionDenied):
            self.propose("kelahiran", birth_payload(), family=self.family_a2)
        assert not ChangeRequest.objects.exists()

    def test_read_only_roles_cannot_request(self):
        for user in (self.korwil, self.auditor):
            with pytest.raises(PermissionDenied):
                self.propose("kelahiran", birth_payload(), user=user)
        assert not ChangeRequest.objects.exists()

    def test_a_korcam_and_the_operator_may_request_in_their_region(self):
        self.propose("kelahiran", birth_payload(), user=self.korcam_a)
        self.propose("pendidikan", {"school_level": "smp"}, self.child, self.operator)
        assert ChangeRequest.objects.count() == 2
        with pytest.raises(PermissionDenied):
            self.propose("kelahiran", birth_payload(), user=self.korcam_b)

    def test_an_exited_family_cannot_be_updated(self):
        Family.objects.filter(pk=self.family_a.pk).update(status="keluar", exit_reason="pindah")
        family = Family.objects.get(pk=self.family_a.pk)
        with pytest.raises(ValidationError) as caught:
            self.propose("kelahiran", birth_payload(), family=family)
        assert caught.value.messages == ["KPM ini tidak aktif; datanya tidak dapat dimutakhirkan."]

    def test_the_same_change_cannot_wait_twice(self):
        self.propose("pendidikan", {"school_level": "smp"}, member=self.child)
        with pytest.raises(ValidationError, match="masih menunggu keputusan"):
            self.propose("pendidikan", {"school_level": "sma"}, member=self.child)


class PayloadValidationTest(ChangeTestCase):
    def errors(self, kind, payload, member=None) -> dict[str, list[str]]:
        with pytest.raises(ValidationError) as caught:
            self.propose(kind, payload, member=member)
        assert not ChangeRequest.objects.exists()
        error = caught.value
        return error.message_dict if hasattr(error, "error_dict") else {"": error.messages}

    def tomorrow(self) -> str:
        return (timezone.localdate() + timedelta(days=1)).isoformat()

    def test_it_rejects_a_fifteen_digit_nik(self):
        errors = self.errors("kelahiran", birth_payload(nik="180601150325000"))
        assert errors == {"nik": ["NIK harus 16 angka."]}

    def test_it_rejects_a_nik_already_in_the_family(self):
        errors = self.errors("kelahiran", birth_payload(nik=self.child.nik))
        assert errors == {"nik": ["NIK ini sudah terdaftar di keluarga ini."]}

    def test_it_accepts_a_nik_written_with_dots_and_stores_the_digits(self):
        request = self.propose("kelahiran", birth_payload(nik="180601.150325.0001"))
        assert request.payload["nik"] == NEW_NIK

    def test_it_rejects_a_birth_in_the_future(self):
        errors = self.errors("kelahiran", birth_payload(birth_date=self.tomorrow()))
        assert errors == {"birth_date": ["Tanggal lahir tidak boleh di masa depan."]}

    def test_it_names_every_bad_field_of_a_birth(self):
        payload = {"nik": "abc", "name": " ", "sex": "X", "birth_date": "15/03/2025"}
        errors = self.errors("kelahiran", payload)
        assert errors == {
            "nik": ["NIK harus 16 angka."],
            "name": ["Nama wajib diisi."],
            "sex": ["Jenis kelamin harus L atau P."],
            "birth_date": ["Tanggal lahir harus berupa tanggal TTTT-BB-HH."],
        }

    def test_a_newborn_cannot_be_the_head_of_the_family(self):
        errors = self.errors("kelahiran", birth_payload(relation="kepala_keluarga"))
        assert list(errors) == ["relation"]

    def test_it_rejects_a_death_in_the_future_or_before_birth(self):
        errors = self.errors("kematian", {"died_on": self.tomorrow()}, self.head)
        assert errors == {"died_on": ["Tanggal meninggal tidak boleh di masa depan."]}
        errors = self.errors("kematian", {"died_on": "1980-01-01"}, self.head)
        assert errors == {"died_on": ["Tanggal meninggal tidak boleh sebelum tanggal lahir."]}

    def test_a_member_change_needs_a_member_of_this_family(self):
        assert self.errors("kematian", {"died_on": "2025-01-01"}) == {
            "member": ["Pilih anggota keluarga."]
        }
        stranger = self.family_b.members.get()
        assert self.errors("kematian", {"died_on": "2025-01-01"}, stranger) == {
            "member": ["Anggota ini bukan anggota keluarga ini."]
        }

    def test_it_rejects_an_unknown_desa(self):
        errors = self.errors("pindah", {"region_code": "18.06.01.2999", "address": "x"})
        assert errors == {
            "region_code": ["Desa/kelurahan dengan kode 18.06.01.2999 tidak dikenal."]
        }

    def test_a_move_needs_a_desa_not_a_kecamatan_or_garbage(self):
        for code in ("180602", "18.06.02", "desa baru", ""):
            errors = self.errors("pindah", {"region_code": code, "address": "x"})
            assert errors == {
                "region_code": ["Kode desa harus 10 angka, misalnya 18.06.01.2001."]
            }, code

    def test_a_move_to_where_the_family_already_lives_is_refused(self):
        family = Family.objects.get(pk=self.family_a.pk)
        errors = self.errors("pindah", {"region_code": DESA_A, "address": family.address})
        assert errors == {"": ["Desa dan alamat sama dengan data sekarang."]}

    def test_a_man_cannot_be_recorded_pregnant(self):
        errors = self.errors("kehamilan", {"pregnant": True}, self.head)
        assert errors == {"member": ["Kehamilan hanya dapat dicatat untuk perempuan."]}

    def test_pregnancy_must_be_yes_or_no(self):
        errors = self.errors("kehamilan", {"pregnant": "ya"}, self.wife)
        assert errors == {"pregnant": ["Status kehamilan harus ya atau tidak."]}

    def test_it_rejects_an_unknown_school_level(self):
        errors = self.errors("pendidikan", {"school_level": "kuliah"}, self.child)
        assert errors == {"school_level": ["Jenjang pendidikan tidak dikenal."]}

    def test_it_rejects_a_change_to_the_current_value(self):
        errors = self.errors("pendidikan", {"school_level": "sd"}, self.child)
        assert errors == {"": ["Jenjang pendidikan sama dengan data sekarang."]}

    def test_it_rejects_a_change_for_a_member_already_dead(self):
        Member.objects.filter(pk=self.wife.pk).update(alive=False, died_on=date(2024, 1, 1))
        wife = Member.objects.get(pk=self.wife.pk)
        errors = self.errors("kehamilan", {"pregnant": True}, wife)
        assert errors == {"member": ["Anggota ini sudah tercatat meninggal."]}

    def test_it_rejects_an_unknown_kind(self):
        assert self.errors("cerai", {}) == {"kind": ["Jenis pemutakhiran tidak dikenal."]}


class AuditTest(ChangeTestCase):
    def test_a_request_is_audited_with_its_payload(self):
        request = self.propose("pendidikan", {"school_level": "smp"}, member=self.child)
        entry = AuditEntry.objects.for_object(request).get(action="registry.change.request")
        assert entry.actor == self.pendamping_a
        assert entry.region_code == DESA_A
        assert entry.details["payload"] == {"school_level": "smp"}

    def test_an_approval_is_audited_with_the_fields_it_changed(self):
        request = self.propose("pendidikan", {"school_level": "smp"}, member=self.child)
        changes.approve_change(request, acting_user=self.korcam_a)
        entry = AuditEntry.objects.for_object(self.child).get(action="registry.change.approve")
        assert entry.actor == self.korcam_a
        assert entry.changes == {"school_level": ["sd", "smp"]}
        assert entry.details == {"change_request": request.pk, "kind": "pendidikan"}

    def test_a_death_approval_lists_both_fields(self):
        request = self.propose("kematian", {"died_on": "2025-01-10"}, member=self.head)
        changes.approve_change(request, acting_user=self.korcam_a)
        entry = AuditEntry.objects.get(action="registry.change.approve")
        assert entry.changes == {"alive": [True, False], "died_on": [None, "2025-01-10"]}

    def test_a_move_approval_is_audited_in_the_region_it_was_asked_in(self):
        request = self.propose("pindah", {"region_code": DESA_B, "address": "Jl. Baru"})
        changes.approve_change(request, acting_user=self.korcam_a)
        entry = AuditEntry.objects.for_object(self.family_a).get(action="registry.change.approve")
        assert entry.changes["region_code"] == [DESA_A, DESA_B]
        assert entry.changes["address"][1] == "Jl. Baru"
        assert entry.region_code == DESA_A

    def test_a_birth_approval_is_audited_on_the_new_member(self):
        request = self.propose("kelahiran", birth_payload())
        changes.approve_change(request, acting_user=self.korcam_a)
        baby = Member.objects.get(nik=NEW_NIK)
        entry = AuditEntry.objects.for_object(baby).get(action="registry.change.approve")
        assert entry.changes["nik"] == [None, NEW_NIK]
        assert entry.changes["birth_date"] == [None, "2025-03-15"]

    def test_a_rejection_is_audited_with_its_reason(self):
        request = self.propose("pendidikan", {"school_level": "smp"}, member=self.child)
        changes.reject_change(request, reason="Data sekolah belum ada", acting_user=self.korcam_a)
        entry = AuditEntry.objects.for_object(request).get(action="registry.change.reject")
        assert entry.actor == self.korcam_a
        assert entry.details["reason"] == "Data sekolah belum ada"
        assert entry.changes == {"status": ["diajukan", "ditolak"]}

    def test_a_refused_decision_writes_nothing(self):
        request = self.propose("pendidikan", {"school_level": "smp"}, member=self.child)
        with pytest.raises(PermissionDenied):
            changes.approve_change(request, acting_user=self.pendamping_a)
        assert not AuditEntry.objects.filter(action="registry.change.approve").exists()


class WhatPaysGoesThroughApprovalTest(ChangeTestCase):
    """Every field that can change the amount is a data update (issue 11, item 8)."""

    def test_severe_disability_earns_its_component_only_after_approval(self):
        today = timezone.localdate()
        # The head, born 17-05-1985, earns nothing of his own before.
        assert component_for(self.head, today) is None
        request = self.propose("disabilitas", {"severe_disability": True}, member=self.head)
        assert component_for(Member.objects.get(pk=self.head.pk), today) is None
        changes.approve_change(request, acting_user=self.korcam_a)
        head = Member.objects.get(pk=self.head.pk)
        assert head.severe_disability
        assert component_for(head, today) == "disabilitas_berat"
        entry = AuditEntry.objects.get(action="registry.change.approve")
        assert entry.changes == {"severe_disability": [False, True]}

    def test_a_birth_date_correction_applies_on_approval(self):
        request = self.propose("tanggal_lahir", {"birth_date": "1950-01-01"}, member=self.head)
        assert Member.objects.get(pk=self.head.pk).birth_date == date(1985, 5, 17)
        changes.approve_change(request, acting_user=self.korcam_a)
        assert Member.objects.get(pk=self.head.pk).birth_date == date(1950, 1, 1)

    def test_a_sex_correction_applies_on_approval(self):
        request = self.propose("jenis_kelamin", {"sex": "P"}, member=self.child)
        assert Member.objects.get(pk=self.child.pk).sex == "L"
        changes.approve_change(request, acting_user=self.korcam_a)
        assert Member.objects.get(pk=self.child.pk).sex == "P"

    def test_a_relation_applies_on_approval_and_a_family_keeps_one_head(self):
        with pytest.raises(ValidationError) as caught:
            self.propose("hubungan", {"relation": "kepala_keluarga"}, member=self.wife)
        assert caught.value.message_dict == {
            "relation": [f"Keluarga ini sudah memiliki kepala keluarga: {self.head.name}."]
        }
        request = self.propose("hubungan", {"relation": "orang_tua"}, member=self.wife)
        changes.approve_change(request, acting_user=self.korcam_a)
        assert Member.objects.get(pk=self.wife.pk).relation == "orang_tua"

    def test_bank_and_kks_number_apply_on_approval(self):
        payload = {"bank": "BNI", "kks_number": "5264220100001234"}
        request = self.propose("rekening", payload)
        family = Family.objects.get(pk=self.family_a.pk)
        assert (family.bank, family.kks_number) == ("", "")
        changes.approve_change(request, acting_user=self.korcam_a)
        family = Family.objects.get(pk=self.family_a.pk)
        assert (family.bank, family.kks_number) == ("BNI", "5264220100001234")
        entry = AuditEntry.objects.get(action="registry.change.approve")
        assert entry.changes == {"bank": ["", "BNI"], "kks_number": ["", "5264220100001234"]}

    def test_desil_applies_on_approval(self):
        request = self.propose("desil", {"desil": 3})
        assert Family.objects.get(pk=self.family_a.pk).desil is None
        changes.approve_change(request, acting_user=self.korcam_a)
        assert Family.objects.get(pk=self.family_a.pk).desil == 3

    def test_bad_values_are_refused_in_indonesian(self):
        cases = [
            ("desil", {"desil": 11}, None, {"desil": ["Desil harus antara 1 dan 10."]}),
            ("rekening", {"bank": "", "kks_number": "12AB"}, None,
             {"kks_number": ["No KKS hanya boleh berisi angka."]}),
            ("rekening", {"bank": "XYZ", "kks_number": ""}, None,
             {"bank": ["Bank penyalur tidak dikenal."]}),
            ("jenis_kelamin", {"sex": "X"}, self.head, {"sex": ["Jenis kelamin harus L atau P."]}),
            ("jenis_kelamin", {"sex": "L"}, self.head,
             {"": ["Jenis kelamin sama dengan data sekarang."]}),
            ("disabilitas", {"severe_disability": "ya"}, self.head,
             {"severe_disability": ["Disabilitas berat harus ya atau tidak."]}),
            ("tanggal_lahir", {"birth_date": "1985-05-17"}, self.head,
             {"": ["Tanggal lahir sama dengan data sekarang."]}),
        ]  # fmt: skip
        for kind, payload, member, expected in cases:
            with pytest.raises(ValidationError) as caught:
                self.propose(kind, payload, member=member)
            error = caught.value
            got = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            assert got == expected, kind
        assert not ChangeRequest.objects.exists()


class NikWarningTest(ChangeTestCase):
    """The check_data NIK rules, applied to what a request proposes."""

    def test_a_newborn_whose_nik_encodes_11_11_2011_is_flagged(self):
        request = self.propose("kelahiran", birth_payload(nik="1806011111110001"))
        assert changes.nik_warnings(request) == [
            "NIK menyatakan 11-11-11, tanggal lahir 15-03-2025"
        ]

    def test_a_girl_with_a_boys_nik_is_flagged(self):
        # NEW_NIK's day is 15: a man's.
        request = self.propose("kelahiran", birth_payload(sex="P"))
        assert changes.nik_warnings(request) == [
            "Tanggal pada NIK 15 (40 atau kurang, laki-laki), jenis kelamin P"
        ]

    def test_a_nik_from_no_known_kecamatan_is_flagged(self):
        request = self.propose("kelahiran", birth_payload(nik="1899991503250001"))
        assert changes.nik_warnings(request) == [
            "Kode wilayah pada NIK (189999) bukan kode kecamatan yang dikenal"
        ]

    def test_a_consistent_newborn_raises_no_warning(self):
        assert changes.nik_warnings(self.propose("kelahiran", birth_payload())) == []

    def test_a_birth_date_correction_is_checked_against_the_members_nik(self):
        # The head's NIK encodes 17-05-85.
        request = self.propose("tanggal_lahir", {"birth_date": "1985-06-17"}, member=self.head)
        assert changes.nik_warnings(request) == [
            "NIK menyatakan 17-05-85, tanggal lahir 17-06-1985"
        ]
        request = self.propose("jenis_kelamin", {"sex": "P"}, member=self.child)
        assert changes.nik_warnings(request) == [
            "Tanggal pada NIK 01 (40 atau kurang, laki-laki), jenis kelamin P"
        ]
