"""A small known example for the scorecard (DESIGN §9), every figure counted by hand.

Records are written straight into the tables (no actions) so that no activity is logged by
itself behind the test's back: every activity of the plan realisation is created here.

June 2025, the month M (its last day: 30 June):

pendamping_a (Kecamatan A) has, on 30 June:
- family_a (persona): active; KKS "held by other" only from 3 July (after M).
- elder: active; an elder (lansia) owing a commitment, verified in June; KKS lost since
  10 May, back with the KPM on 5 July (after M).
- moved_in: pendamping_a2's until 15 June, pendamping_a's since; a toddler owing a
  commitment, not verified; KKS held by the KPM since April.
- late_exit: active on 30 June, a natural exit on 1 August 2025.
- natural_exit: a natural exit on 20 June (not active on 30 June).
- gsm_exit: a GSM exit on 15 March 2025.
P2K2 group "Melati" of pendamping_a: a meeting held 10 June (family_a and elder hadir,
moved_in absen), one cancelled 24 June, one held 12 May.
Complaints resolved by pendamping_a at the pendamping level: one on 3 June, a day after
receipt (on time); one on 30 June, 28 days after receipt (late: the resolution step has 10
working days); one in May.
Data updates: elder's approved 12 June, moved_in's rejected 20 June, family_a's approved
2 July (another month), family_a's pending.
Accepted plan for June: 3 home visits, 2 verifications; done in June: 5 home visits, 1
verification, 1 P2K2 meeting (not planned); 2 home visits in July.

pendamping_a2 (Kecamatan A): family_a2, active; a plan for June only submitted (not
accepted): 4 home visits, 2 done.

pendamping_b (Kecamatan B): family_b, active; nothing else.

GSM targets 2025: Kabupaten Tanggamus 4 per pendamping, Kecamatan B 2.
"""

from datetime import date, datetime

from django.utils import timezone

from harapan.benefits.models import KksCustody
from harapan.complaints.models import Complaint, Level, Status
from harapan.compliance.models import Source, Verification
from harapan.fds.models import Attendance, Group, Meeting, MeetingStatus
from harapan.fieldwork.models import Activity, PlanLine, WorkPlan
from harapan.graduation.models import Target
from harapan.registry.models import (
    ChangeRequest,
    ChangeStatus,
    ExitReason,
    FamilyStatus,
    PastAssignment,
)
from harapan.testing import DESA_A, KEC_B, PersonaTestCase, make_family, make_member

YEAR, MONTH = 2025, 6


def moment(*parts) -> datetime:
    return timezone.make_aware(datetime(*parts))


def exited(pendamping, reason: str, day: date):
    return make_family(region_code=DESA_A, pendamping=pendamping, status=FamilyStatus.EXITED,
                       exit_reason=reason, exit_date=day)  # fmt: skip


class ScorecardFixture(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        a, a2 = cls.pendamping_a, cls.pendamping_a2
        cls.elder = make_family(region_code=DESA_A, pendamping=a)
        elder = make_member(cls.elder, birth_date=date(1950, 1, 1), relation="orang_tua")
        cls.moved_in = make_family(region_code=DESA_A, pendamping=a)
        toddler = make_member(cls.moved_in, birth_date=date(2023, 1, 1))
        PastAssignment.objects.create(family=cls.moved_in, pendamping=a2,
                                      until=date(2025, 6, 15))  # fmt: skip
        cls.late_exit = exited(a, ExitReason.ALAMIAH, date(2025, 8, 1))
        cls.natural_exit = exited(a, ExitReason.ALAMIAH, date(2025, 6, 20))
        cls.gsm_exit = exited(a, ExitReason.SEJAHTERA_MANDIRI, date(2025, 3, 15))

        Verification.objects.create(
            member=elder, region_code=DESA_A, commitment="lansia", month=date(2025, 6, 1),
            result="patuh", source=Source.FORM, recorded_at=timezone.now(),
        )  # fmt: skip
        assert toddler  # owes, with no record

        melati = Group.objects.create(name="Melati", region_code=DESA_A, pendamping=a)
        held = Meeting.objects.create(group=melati, region_code=DESA_A, held_on=date(2025, 6, 10),
                                      planned_on=date(2025, 6, 10),
                                      status=MeetingStatus.HELD)  # fmt: skip
        for family, presence in [(cls.family_a, "hadir"), (cls.elder, "hadir"),
                                 (cls.moved_in, "absen")]:  # fmt: skip
            Attendance.objects.create(meeting=held, family=family, region_code=DESA_A,
                                      presence=presence)  # fmt: skip
        Meeting.objects.create(group=melati, region_code=DESA_A, planned_on=date(2025, 6, 24),
                               status=MeetingStatus.CANCELLED)  # fmt: skip
        may = Meeting.objects.create(
            group=melati,
            region_code=DESA_A,
            held_on=date(2025, 5, 12),
            planned_on=date(2025, 5, 12),
            status=MeetingStatus.HELD,
        )
        Attendance.objects.create(meeting=may, family=cls.family_a, region_code=DESA_A,
                                  presence="hadir")  # fmt: skip

        for n, (received, resolved) in enumerate([
            (moment(2025, 6, 2, 9), moment(2025, 6, 3, 10)),
            (moment(2025, 6, 2, 9), moment(2025, 6, 30, 10)),
            (moment(2025, 5, 5, 9), moment(2025, 5, 6, 10)),
        ]):  # fmt: skip
            Complaint.objects.create(
                kode=f"ADU{n:05d}", pin_hash="x", kategori="pembayaran", saluran="web",
                uraian="Bantuan belum masuk.", region_code=DESA_A, status=Status.RESOLVED,
                tingkat=Level.PENDAMPING, handler=a, received_at=received,
                triaged_at=received, responded_at=received, resolved_at=resolved,
                step_started_at=resolved, resolved_level=Level.PENDAMPING, resolved_by=a,
            )  # fmt: skip

        for family, status, decided in [
            (cls.elder, ChangeStatus.APPROVED, moment(2025, 6, 12, 10)),
            (cls.moved_in, ChangeStatus.REJECTED, moment(2025, 6, 20, 10)),
            (cls.family_a, ChangeStatus.APPROVED, moment(2025, 7, 2, 10)),
            (cls.family_a, ChangeStatus.PENDING, None),
        ]:  # fmt: skip
            ChangeRequest.objects.create(family=family, region_code=DESA_A, kind="desil",
                                         payload={"desil": 2}, status=status, requested_by=a,
                                         decided_by=cls.korcam_a if decided else None,
                                         decided_at=decided)  # fmt: skip

        for family, status, since in [
            (cls.family_a, "dipegang_lain", date(2025, 7, 3)),
            (cls.elder, "hilang", date(2025, 5, 10)),
            (cls.elder, "dipegang_kpm", date(2025, 7, 5)),
            (cls.moved_in, "dipegang_kpm", date(2025, 4, 1)),
        ]:  # fmt: skip
            KksCustody.objects.create(family=family, region_code=DESA_A, status=status,
                                      holder="lainnya" if status == "dipegang_lain" else "",
                                      holder_name="Tetangga", since=since,
                                      recorded_by=a)  # fmt: skip

        plan = WorkPlan.objects.create(pendamping=a, month=date(2025, 6, 1), status="diterima")
        PlanLine.objects.create(plan=plan, kind="kunjungan_rumah", planned=3)
        PlanLine.objects.create(plan=plan, kind="verifikasi", planned=2)
        for day, kind in [*[(date(2025, 6, d), "kunjungan_rumah") for d in (2, 3, 4, 5, 6)],
                          (date(2025, 6, 9), "verifikasi"), (date(2025, 6, 10), "pertemuan_p2k2"),
                          (date(2025, 7, 1), "kunjungan_rumah"),
                          (date(2025, 7, 2), "kunjungan_rumah")]:  # fmt: skip
            Activity.objects.create(pendamping=a, on=day, kind=kind, created_by=a)
        plan2 = WorkPlan.objects.create(pendamping=a2, month=date(2025, 6, 1), status="diajukan")
        PlanLine.objects.create(plan=plan2, kind="kunjungan_rumah", planned=4)
        for d in (3, 4):
            Activity.objects.create(pendamping=a2, on=date(2025, 6, d), kind="kunjungan_rumah",
                                    created_by=a2)  # fmt: skip

        Target.objects.create(region_code="1806", year=YEAR, per_pendamping=4)
        Target.objects.create(region_code=KEC_B, year=YEAR, per_pendamping=2)
