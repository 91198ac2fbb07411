"""One SD pupil walked through the ladder of DESIGN §5, down to what each stage pays."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import SimpleTestCase
from django.utils import translation

from harapan.audit.models import AuditEntry
from harapan.benefits.batch import compute_entitlements
from harapan.benefits.models import Entitlement, Stage
from harapan.compliance import actions
from harapan.compliance.actions import Entry
from harapan.compliance.batch import compute_sanctions, forced_exit_candidates
from harapan.compliance.models import ComplianceRules, Sanction, SanctionKind, Verification
from harapan.testing import PersonaTestCase, make_member

SD_STAGE = 225_000  # Rp 900,000 a year, in four stages


class PupilLadder(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.pupil = make_member(cls.family_a, birth_date=date(2015, 3, 1), school_level="sd")

    def record(self, month: date, result="", attendance=None, reason="", member=None):
        entry = Entry(member=member or self.pupil, commitment="sd", result=result,
                      attendance=attendance, reason=reason)  # fmt: skip
        actions.record_month([entry], month, acting_user=self.pendamping_a)

    def paid(self, year: int, number: int) -> int:
        stage = Stage.objects.select_related("year").get(year_id=year, number=number)
        compute_entitlements(stage)
        return Entitlement.objects.get(family=self.family_a, stage=stage).total

    def months(self, year, first, results):
        for n, result in enumerate(results):
            if result:
                self.record(date(year, first + n, 1), result, reason="sakit")

    def test_compliant_months_pay_the_stage(self):
        self.months(2025, 1, ["patuh", "patuh", "patuh"])
        assert self.paid(2025, 2) == SD_STAGE
        assert not Sanction.objects.exists()

    def test_attendance_below_the_threshold_is_non_compliance_and_suspends_one_stage(self):
        self.record(date(2025, 4, 1), attendance=84)  # derived: tidak_patuh (85 % default)
        self.record(date(2025, 5, 1), attendance=85)  # derived: patuh
        self.record(date(2025, 6, 1), attendance=100)
        assert [v.result for v in Verification.objects.order_by("month")] == [
            "tidak_patuh", "patuh", "patuh"]  # fmt: skip
        assert self.paid(2025, 3) == 0
        sanction = Sanction.objects.get()
        assert (sanction.kind, sanction.year, sanction.stage) == ("penangguhan", 2025, 3)
        assert "2025-04 s.d. 2025-06" in sanction.reason
        # The next stage's window (Jul–Sep) is clean: paid again.
        self.months(2025, 7, ["patuh", "patuh", "patuh"])
        assert self.paid(2025, 4) == SD_STAGE

    def test_the_threshold_is_a_parameter_of_the_year(self):
        ComplianceRules.objects.create(year=2025, attendance_threshold=80)
        self.record(date(2025, 4, 1), attendance=82)
        assert Verification.objects.get().result == "patuh"

    def test_an_excused_month_breaks_nothing(self):
        self.months(2025, 7, ["dikecualikan", "patuh", "patuh"])
        assert Verification.objects.get(month=date(2025, 7, 1)).reason == "sakit"
        assert self.paid(2025, 4) == SD_STAGE

    def test_three_months_running_terminate_until_a_korcam_lifts_it(self):
        self.months(2025, 10, ["tidak_patuh", "tidak_patuh", "tidak_patuh"])
        assert self.paid(2026, 1) == 0
        termination = Sanction.objects.get(kind=SanctionKind.TERMINATION)
        assert (termination.year, termination.stage) == (2026, 1)
        assert "3 bulan berturut-turut, terakhir 2025-12" in termination.reason
        # Compliant again in Jan–Mar, but a termination holds for later stages.
        self.months(2026, 1, ["patuh", "patuh", "patuh"])
        assert self.paid(2026, 2) == 0

        with pytest.raises(PermissionDenied):
            actions.lift_sanction(termination, "salah catat", acting_user=self.pendamping_a)
        with pytest.raises(ValidationError):
            actions.lift_sanction(termination, "  ", acting_user=self.korcam_a)
        actions.lift_sanction(termination, "Anak kembali bersekolah", acting_user=self.korcam_a)
        entry = AuditEntry.objects.get(action="compliance.sanction.lift")
        assert entry.actor == self.korcam_a
        stage = Stage.objects.get(year_id=2026, number=2)
        compute_entitlements(stage, recompute=True)
        assert Entitlement.objects.get(family=self.family_a, stage=stage).total == SD_STAGE
        # Computing again does not bring the lifted termination back.
        compute_sanctions(2026, 2)
        assert not Sanction.objects.in_force(2026, 2).exists()

    def test_an_excused_month_does_not_interrupt_a_run_but_a_missing_one_does(self):
        self.months(2025, 1, ["tidak_patuh", "dikecualikan", "tidak_patuh", "tidak_patuh"])
        compute_sanctions(2025, 3)
        assert Sanction.objects.filter(kind=SanctionKind.TERMINATION, year=2025, stage=3).exists()

        other = make_member(self.family_a, birth_date=date(2016, 3, 1), school_level="sd")
        for month in (1, 3, 4):  # February never verified
            self.record(date(2025, month, 1), "tidak_patuh", member=other)
        compute_sanctions(2025, 2)
        compute_sanctions(2025, 3)
        assert not Sanction.objects.filter(member=other, kind=SanctionKind.TERMINATION).exists()
        suspended = Sanction.objects.filter(member=other, kind=SanctionKind.SUSPENSION)
        assert sorted(suspended.values_list("stage", flat=True)) == [2, 3]

    def test_a_month_recorded_again_replaces_it_and_the_sanction_goes(self):
        self.record(date(2025, 4, 1), "tidak_patuh")
        compute_sanctions(2025, 3)
        assert Sanction.objects.in_force(2025, 3).count() == 1
        self.record(date(2025, 4, 1), "patuh")
        assert Verification.objects.count() == 1
        result = compute_sanctions(2025, 3)
        assert result.removed == 1 and not Sanction.objects.exists()
        actions_logged = set(AuditEntry.objects.values_list("action", flat=True))
        assert {"compliance.sanction.create", "compliance.sanction.remove",
                "compliance.verification.record"} <= actions_logged  # fmt: skip

    def test_a_missing_month_does_not_stop_payment(self):
        self.months(2025, 1, ["patuh", "", ""])
        assert self.paid(2025, 2) == SD_STAGE

    def test_only_the_commitment_the_member_owes_can_be_recorded(self):
        with pytest.raises(ValidationError):
            actions.record_month([Entry(member=self.pupil, commitment="smp", result="patuh")],
                                 date(2025, 4, 1), acting_user=self.pendamping_a)  # fmt: skip
        with pytest.raises(ValidationError):  # excused needs a reason
            self.record(date(2025, 4, 1), "dikecualikan", reason="")
        with pytest.raises(PermissionDenied):  # another pendamping's caseload
            actions.record_month([Entry(member=self.pupil, commitment="sd", result="patuh")],
                                 date(2025, 4, 1), acting_user=self.pendamping_b)  # fmt: skip
        assert not Verification.objects.exists()

    def test_a_family_whose_every_component_is_terminated_is_a_forced_exit_candidate(self):
        self.months(2025, 10, ["tidak_patuh", "tidak_patuh", "tidak_patuh"])
        compute_sanctions(2026, 1)
        assert list(forced_exit_candidates(2026, 1)) == [self.family_a]
        # A second earner who is not terminated keeps the family in.
        make_member(self.family_a, birth_date=date(2016, 3, 1), school_level="sd")
        assert not forced_exit_candidates(2026, 1).exists()


class SanctionAndVerificationTextTests(SimpleTestCase):
    """How the audit trail names them: labels, not codes (issue 13)."""

    def test_a_sanction_reads_by_its_labels(self):
        sanction = Sanction(kind="penangguhan", component="anak_usia_dini", year=2026, stage=3)
        with translation.override("id"):
            assert str(sanction) == "Penangguhan · Anak usia dini · tahap 3 2026"

    def test_a_verification_reads_by_its_labels(self):
        record = Verification(commitment="sd", month=date(2026, 11, 1), result="tidak_patuh")
        with translation.override("id"):
            text = str(record)
        assert "sd " not in text and "tidak_patuh" not in text
        assert text.endswith("November 2026: Tidak patuh")
