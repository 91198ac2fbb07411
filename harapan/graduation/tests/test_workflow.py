"""Three levels, none skipped, no one deciding their own proposal; an exited family earns nothing."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from harapan.audit.models import AuditEntry
from harapan.benefits.batch import compute_entitlements
from harapan.benefits.models import Entitlement, Stage
from harapan.graduation import actions
from harapan.graduation.models import Assessment, ProposalStatus
from harapan.registry import actions as registry_actions
from harapan.testing import PersonaTestCase, make_member, make_user


class Workflow(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_member(cls.family_a, birth_date=date(2016, 3, 1), school_level="sd")

    def propose(self, kind="paksa", **kw):
        return actions.propose_exit(self.family_a, kind=kind, reason="Tidak memenuhi komitmen",
                                    exit_date=date(2026, 6, 30), acting_user=self.pendamping_a,
                                    **kw)  # fmt: skip

    def test_the_three_steps_exit_the_family_and_it_earns_nothing_after(self):
        proposal = self.propose()
        actions.verify_exit(proposal, acting_user=self.korcam_a)
        actions.approve_exit(proposal, acting_user=self.korkab)
        self.family_a.refresh_from_db()
        assert (self.family_a.status, self.family_a.exit_reason, self.family_a.exit_date) == (
            "keluar", "paksa", date(2026, 6, 30))  # fmt: skip
        steps = list(AuditEntry.objects.filter(action__startswith="graduation.")
                     .values_list("action", flat=True).order_by("id"))  # fmt: skip
        assert steps == ["graduation.propose", "graduation.verify", "graduation.approve"]
        assert AuditEntry.objects.filter(action="registry.family.exit").exists()
        stage = Stage.objects.select_related("year").get(year_id=2026, number=3)
        compute_entitlements(stage)
        assert not Entitlement.objects.filter(family=self.family_a, stage=stage).exists()
        # Its record stays, read only.
        with pytest.raises(PermissionDenied):
            registry_actions.update_family(self.family_a, {"address": "baru"},
                                           acting_user=self.pendamping_a)  # fmt: skip

    def test_no_level_can_be_skipped_or_taken_by_the_wrong_role(self):
        proposal = self.propose()
        with pytest.raises(ValidationError):  # not yet verified
            actions.approve_exit(proposal, acting_user=self.korkab)
        with pytest.raises(PermissionDenied):
            actions.verify_exit(proposal, acting_user=self.pendamping_a)
        with pytest.raises(PermissionDenied):
            actions.verify_exit(proposal, acting_user=self.korkab)
        actions.verify_exit(proposal, acting_user=self.korcam_a)
        with pytest.raises(PermissionDenied):
            actions.approve_exit(proposal, acting_user=self.korcam_a)
        with pytest.raises(ValidationError):  # verified once is enough
            actions.verify_exit(proposal, acting_user=self.korcam_a)
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.VERIFIED

    def test_the_proposer_cannot_decide_their_own_proposal(self):
        # An admin pusat who also holds a caseload as pendamping is the worst case:
        # a superuser may act at any level, but never on what they proposed.
        boss = make_user("boss", "pendamping", "180601", is_superuser=True)
        self.family_a.pendamping = boss
        self.family_a.save()
        proposal = actions.propose_exit(self.family_a, kind="pindah", reason="Pindah ke Jawa",
                                        exit_date=date(2026, 1, 1), acting_user=boss)  # fmt: skip
        with pytest.raises(PermissionDenied):
            actions.verify_exit(proposal, acting_user=boss)
        actions.verify_exit(proposal, acting_user=self.korcam_a)
        with pytest.raises(PermissionDenied):
            actions.approve_exit(proposal, acting_user=boss)

    def test_a_rejection_needs_a_reason_and_ends_the_proposal(self):
        proposal = self.propose()
        with pytest.raises(ValidationError):
            actions.reject_exit(proposal, " ", acting_user=self.korcam_a)
        actions.reject_exit(proposal, "Anak masih sekolah", acting_user=self.korcam_a)
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.REJECTED
        assert proposal.rejection_reason == "Anak masih sekolah"
        self.family_a.refresh_from_db()
        assert self.family_a.status == "aktif"
        # A new proposal may follow a rejected one.
        second = self.propose()
        actions.verify_exit(second, acting_user=self.korcam_a)
        with pytest.raises(PermissionDenied):  # at this step it is the korkab's turn
            actions.reject_exit(second, "tidak", acting_user=self.korcam_a)
        actions.reject_exit(second, "Data belum lengkap", acting_user=self.korkab)

    def test_only_one_proposal_at_a_time_and_only_by_the_familys_pendamping(self):
        with pytest.raises(PermissionDenied):
            actions.propose_exit(self.family_a, kind="paksa", reason="x", exit_date=date(2026, 1, 1),
                                 acting_user=self.pendamping_a2)  # fmt: skip
        self.propose()
        with pytest.raises(ValidationError):
            self.propose()

    def test_self_reliant_graduation_needs_a_letter_or_a_passing_assessment(self):
        with pytest.raises(ValidationError):
            self.propose(kind="sejahtera_mandiri")
        Assessment.objects.create(family=self.family_a, region_code=self.family_a.region_code,
                                  assessed_on=date(2026, 5, 1), assessed_by=self.pendamping_a,
                                  monthly_income=3_000_000, poverty_line=2_500_000, score=80)  # fmt: skip
        assert self.propose(kind="sejahtera_mandiri").kind == "sejahtera_mandiri"

    def test_a_withdrawal_letter_is_recorded(self):
        proposal = self.propose(kind="sejahtera_mandiri", letter_number="01/PKH/2026",
                                letter_date=date(2026, 5, 20))  # fmt: skip
        assert (proposal.letter_number, proposal.letter_date) == ("01/PKH/2026", date(2026, 5, 20))

    def test_follow_up_visits_within_twelve_months_of_exit(self):
        proposal = self.propose(kind="menolak")
        actions.verify_exit(proposal, acting_user=self.korcam_a)
        actions.approve_exit(proposal, acting_user=self.korkab)
        self.family_a.refresh_from_db()
        actions.record_follow_up(self.family_a, visited_on=date(2026, 8, 1), notes="Usaha warung lancar",
                                 acting_user=self.pendamping_a)  # fmt: skip
        with pytest.raises(ValidationError):
            actions.record_follow_up(self.family_a, visited_on=date(2027, 7, 1), notes="Terlambat",
                                     acting_user=self.pendamping_a)  # fmt: skip
