"""Proposing a family or member to a programme, and recording the outcome (issue 17)."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from harapan.audit.models import AuditEntry
from harapan.programs import actions
from harapan.programs.catalogue import Gap
from harapan.programs.gaps import member_gap
from harapan.programs.models import Outcome, Participation, Proposal, Source, Status
from harapan.registry.models import FamilyStatus, Member
from harapan.testing import PersonaTestCase, make_family, make_member

TODAY = timezone.localdate()
DAY = TODAY - timedelta(days=10)


class ProposalTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.family = make_family(
            [{"relation": "kepala_keluarga", "name": "Siti Aminah"},
             {"birth_date": date(2014, 3, 3), "school_level": "sd", "name": "Budi"}],
            pendamping=cls.pendamping_a,
        )  # fmt: skip
        cls.head = cls.family.members.get(relation="kepala_keluarga")
        cls.pupil = cls.family.members.get(name="Budi")

    def propose(self, user=None, family=None, member=None, programme="pip", day=DAY, **kw):
        return actions.propose(
            user or self.pendamping_a, family or self.family, member, programme, day,
            kw.pop("channel", "sekolah"), kw.pop("note", ""),
        )  # fmt: skip

    def refusal(self, error, **kwargs) -> str:
        with self.assertRaises(error) as caught:
            self.propose(**kwargs)
        return (
            " ".join(caught.exception.messages)
            if error is ValidationError
            else str(caught.exception)
        )


class ProposeTest(ProposalTestCase):
    def test_the_pendamping_proposes_a_pupil_to_pip_with_an_audit_row(self):
        proposal = self.propose(member=self.pupil, note=" ke SD Negeri 1 ")
        self.assertEqual(
            (proposal.nik, proposal.region_code, proposal.outcome, proposal.note),
            (self.pupil.nik, self.family.region_code, Outcome.PENDING, "ke SD Negeri 1"),
        )
        entry = AuditEntry.objects.get(action="programs.propose")
        self.assertEqual(entry.details["nik"], self.pupil.nik)
        self.assertEqual(entry.details["program"], "pip")

    def test_a_family_level_programme_names_no_member(self):
        proposal = self.propose(programme="subsidi_listrik", channel="desa")
        self.assertEqual((proposal.member, proposal.nik), (None, ""))

    def test_the_korcam_and_korkab_of_the_region_propose(self):
        self.propose(user=self.korcam_a, family=self.family_a2, programme="bpnt")
        self.propose(user=self.korkab, family=self.family_b, programme="bpnt")
        self.assertEqual(Proposal.objects.count(), 2)

    def test_who_does_not_act_for_the_family_is_refused(self):
        for user, family in [
            (self.pendamping_a2, self.family),  # another pendamping's family, same kecamatan
            (self.korcam_a, self.family_b),  # another kecamatan
            (self.korwil, self.family),  # reads only
            (self.auditor, self.family),
            (self.operator, self.family),
            (self.admin_pusat, self.family),
        ]:
            message = self.refusal(PermissionDenied, user=user, family=family, programme="bpnt")
            self.assertIn("pendamping KPM ini atau korcam/korkab", message, user)
        self.assertEqual(Proposal.objects.count(), 0)
        self.assertFalse(AuditEntry.objects.filter(action="programs.propose").exists())

    def test_a_member_level_programme_needs_a_living_member_of_the_family(self):
        self.assertIn("untuk seorang anggota", self.refusal(ValidationError, programme="pip"))
        stranger = self.family_a.members.get()
        self.assertIn("untuk seorang anggota",
                      self.refusal(ValidationError, member=stranger, programme="pbi_jkn"))  # fmt: skip
        dead = make_member(self.family, name="Almarhum", alive=False)
        self.assertIn("sudah meninggal",
                      self.refusal(ValidationError, member=dead, programme="pbi_jkn"))  # fmt: skip

    def test_a_family_level_programme_takes_no_member(self):
        message = self.refusal(ValidationError, member=self.head, programme="bpnt")
        self.assertIn("program keluarga", message)

    def test_the_member_must_be_in_the_programmes_gap(self):
        message = self.refusal(ValidationError, member=self.head, programme="pip")  # aged 41
        self.assertIn("tidak termasuk celah", message)

    def test_a_day_to_come_or_before_2007_is_refused(self):
        tomorrow = TODAY + timedelta(days=1)
        self.assertIn("belum tiba", self.refusal(ValidationError, member=self.pupil, day=tomorrow))
        old = date(2006, 12, 31)
        self.assertIn("sebelum tahun 2007",
                      self.refusal(ValidationError, programme="bpnt", day=old))  # fmt: skip

    def test_a_second_open_proposal_is_refused_with_a_message(self):
        self.propose(member=self.pupil)
        message = self.refusal(ValidationError, member=self.pupil, channel="dinas_pendidikan")
        self.assertIn("Sudah ada usulan Program Indonesia Pintar (PIP) yang menunggu hasil untuk "
                      "Budi", message)  # fmt: skip
        self.propose(programme="bpnt")
        self.assertIn("keluarga ini", self.refusal(ValidationError, programme="bpnt"))
        self.assertEqual(Proposal.objects.count(), 2)

    def test_after_an_outcome_a_new_proposal_may_follow(self):
        first = self.propose(member=self.pupil)
        actions.record_outcome(self.pendamping_a, first, Outcome.REJECTED, DAY + timedelta(1))
        self.propose(member=self.pupil, day=DAY + timedelta(days=2))
        self.assertEqual(Proposal.objects.filter(outcome=Outcome.PENDING).count(), 1)

    def test_who_already_receives_the_programme_on_the_day_is_refused(self):
        Participation.objects.create(
            family=self.family, member=self.pupil, nik=self.pupil.nik,
            region_code=self.family.region_code, programme="pip", starts_on=DAY,
            status=Status.RECEIVING, source=Source.IMPORT,
        )  # fmt: skip
        message = self.refusal(ValidationError, member=self.pupil)
        self.assertIn("Budi sudah menerima Program Indonesia Pintar (PIP)", message)
        # The day before it started, the pupil was not receiving it yet.
        self.propose(member=self.pupil, day=DAY - timedelta(days=1))

    def test_a_family_receiving_bpnt_is_refused(self):
        Participation.objects.create(
            family=self.family, region_code=self.family.region_code, programme="bpnt",
            starts_on=date(2020, 1, 1), ends_on=DAY, status=Status.RECEIVING,
            source=Source.IMPORT,
        )  # fmt: skip
        self.assertIn("Keluarga ini sudah menerima",
                      self.refusal(ValidationError, programme="bpnt"))  # fmt: skip
        self.propose(programme="bpnt", day=DAY + timedelta(days=1))  # the day after it ended

    def test_an_exited_family_is_refused(self):
        self.family.status, self.family.exit_date = FamilyStatus.EXITED, DAY
        self.family.save()
        self.assertIn("sudah keluar", self.refusal(PermissionDenied, programme="bpnt"))


class OutcomeTest(ProposalTestCase):
    def setUp(self):
        self.proposal = self.propose(member=self.pupil)

    def test_an_accepted_proposal_adds_the_participation_that_closes_the_gap(self):
        pupils = Member.objects.filter(family=self.family)
        self.assertEqual(list(member_gap(Gap.PIP, TODAY, pupils)), [self.pupil])
        outcome_on = DAY + timedelta(days=3)
        actions.record_outcome(self.korcam_a, self.proposal, Outcome.ACCEPTED, outcome_on, " ok ")
        self.proposal.refresh_from_db()
        participation = self.proposal.participation
        self.assertEqual(
            (participation.status, participation.source, participation.starts_on,
             participation.ends_on, participation.member, participation.nik,
             participation.region_code, participation.recorded_by, participation.programme),
            (Status.RECEIVING, Source.PENDAMPING, outcome_on, None, self.pupil, self.pupil.nik,
             self.family.region_code, self.korcam_a, "pip"),
        )  # fmt: skip
        self.assertEqual(
            (self.proposal.outcome, self.proposal.outcome_on, self.proposal.decided_by,
             self.proposal.outcome_note),
            (Outcome.ACCEPTED, outcome_on, self.korcam_a, "ok"),
        )  # fmt: skip
        self.assertEqual(list(member_gap(Gap.PIP, TODAY, pupils)), [])
        # The day before the outcome the pupil was still in the gap.
        self.assertEqual(list(member_gap(Gap.PIP, outcome_on - timedelta(1), pupils)), [self.pupil])
        self.assertTrue(AuditEntry.objects.filter(action="programs.outcome").exists())

    def test_a_rejected_proposal_is_recorded_as_a_rejected_participation(self):
        actions.record_outcome(self.pendamping_a, self.proposal, Outcome.REJECTED, TODAY)
        [participation] = Participation.objects.all()
        self.assertEqual((participation.status, participation.starts_on),
                         (Status.REJECTED, TODAY))  # fmt: skip
        pupils = Member.objects.filter(family=self.family)
        self.assertEqual(list(member_gap(Gap.PIP, TODAY, pupils)), [self.pupil])

    def refused(self, error, user=None, outcome=Outcome.ACCEPTED, day=TODAY) -> str:
        with self.assertRaises(error) as caught:
            actions.record_outcome(user or self.pendamping_a, self.proposal, outcome, day)
        self.assertEqual(Participation.objects.count(), 0)
        return " ".join(getattr(caught.exception, "messages", [str(caught.exception)]))

    def test_a_decided_proposal_is_refused(self):
        actions.record_outcome(self.pendamping_a, self.proposal, Outcome.REJECTED, TODAY)
        with self.assertRaises(ValidationError) as caught:
            actions.record_outcome(self.pendamping_a, self.proposal, Outcome.ACCEPTED, TODAY)
        self.assertIn("sudah dicatat", caught.exception.messages[0])
        self.assertEqual(Participation.objects.count(), 1)

    def test_an_outcome_before_the_proposal_or_to_come_is_refused(self):
        before = DAY - timedelta(days=1)
        self.assertIn("sebelum tanggal usulan", self.refused(ValidationError, day=before))
        self.assertIn("belum tiba", self.refused(ValidationError, day=TODAY + timedelta(1)))
        self.assertIn("diterima atau ditolak", self.refused(ValidationError, outcome=""))

    def test_who_does_not_act_for_the_family_is_refused(self):
        for user in (self.korwil, self.auditor, self.pendamping_b, self.operator):
            self.refused(PermissionDenied, user=user)
        self.proposal.refresh_from_db()
        self.assertTrue(self.proposal.is_open)
