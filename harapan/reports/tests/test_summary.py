"""The summary rows of a small known example, every column counted by hand.

Refreshed for Kabupaten Tanggamus (1806) on Sun 15 March 2026 from January 2026: the months
January (taken on Sat 31 Jan), February (Sat 28 Feb) and March (the refresh day, 15 Mar).
All families registered on 1 June 2025 unless said otherwise.

Desa A (Kuripan, 1806012001):
- F1 active: head (man, 1985: no component), wife (1995, pregnant: ibu hamil), child (born
  1 May 2015, at SD: sd), grandmother (1950: 76, lansia). Its KKS: lost from 20 Feb, back
  with the KPM from 10 Mar. Verified: the wife in January (compliant), the child (compliant)
  and the grandmother (not compliant) in February.
- F2 exited on Sat 31 Jan 2026 (sejahtera mandiri): the last day of January, so not in
  PKH on January's day.
- F4 exited on 1 Jan 2026 (alamiah): out of January and out of the year 2026.
- F5 exited on 1 Mar 2026 (meninggal: another exit): in PKH on 31 Jan and 28 Feb.
- P2K2: one held meeting planned 5 Feb (F1 present, F5 absent), one cancelled on 12 Feb,
  one planned for 3 Mar not held yet.
- Data updates: one rejected on 1 Feb 02:00 WIB (still 31 Jan in UTC: February locally),
  one approved on 2 Mar, one pending.
- Complaints: received Mon 5 Jan, resolved Thu 8 Jan, every step the next day (on time);
  received Mon 2 Feb, triaged Fri 20 Feb (due Thu 5 Feb: late), resolved 25 Feb;
  received Tue 10 Feb, still open.
Desa B (Sinar Semendo, 1806022001):
- F3 registered on 10 Feb 2026: counted in January's KPM all the same (the month figures, like
  the family list, ask only whether it is in PKH on the day), but not among the families
  served in 2025. Its KKS blocked from 14 Mar.

Money: stage 1 of 2026, F1 entitled Rp 1.000.000 and paid it; F3 entitled Rp 500.000, its
line failed. Stage 4 of 2025: F1 entitled Rp 750.000.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from harapan.accounts.roles import Role
from harapan.benefits.models import (
    Disbursement,
    DisbursementImport,
    DisbursementStatus,
    Entitlement,
    KksCustody,
    Stage,
)  # fmt: skip
from harapan.complaints.actions import submit_complaint
from harapan.complaints.models import Complaint, Decision, Status
from harapan.compliance.models import Verification
from harapan.fds.models import Attendance, Group, Meeting, MeetingStatus
from harapan.registry.models import ChangeRequest, Family
from harapan.testing import DESA_A, DESA_B, make_family, make_member, make_user

from ..models import DesaMonth, DesaStage, DesaYear, SummaryRun
from ..summary import refresh

WIB = ZoneInfo("Asia/Jakarta")
TODAY = date(2026, 3, 15)
JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def exited(reason: str, on: date) -> Family:
    return make_family(region_code=DESA_A, status="keluar", exit_reason=reason, exit_date=on)


class SummaryExample(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.korkab = make_user("korkab", Role.KORKAB, "1806")
        pendamping = make_user("pendamping_a", Role.PENDAMPING, "180601")
        cls.f1 = make_family(region_code=DESA_A, pendamping=pendamping)
        make_member(cls.f1, sex="P", birth_date=date(1995, 3, 1), pregnant=True, relation="istri")
        child = make_member(cls.f1, birth_date=date(2015, 5, 1), school_level="sd")
        grandmother = make_member(cls.f1, sex="P", birth_date=date(1950, 1, 1), relation="lainnya")
        wife = cls.f1.members.get(pregnant=True)
        cls.f2 = exited("sejahtera_mandiri", date(2026, 1, 31))
        cls.f4 = exited("alamiah", date(2026, 1, 1))
        cls.f5 = exited("meninggal", date(2026, 3, 1))
        Family.objects.update(created_at=wib(2025, 6, 1, 8, 0))
        cls.f3 = make_family(region_code=DESA_B)
        Family.objects.filter(pk=cls.f3.pk).update(created_at=wib(2026, 2, 10, 8, 0))

        for member, month, result in ((wife, JAN, "patuh"), (child, FEB, "patuh"),
                                      (grandmother, FEB, "tidak_patuh")):  # fmt: skip
            Verification.objects.create(
                member=member, region_code=DESA_A, commitment=member_component(member),
                month=month, result=result, source="formulir", recorded_at=timezone.now(),
            )  # fmt: skip

        KksCustody.objects.create(family=cls.f1, region_code=DESA_A, status="hilang",
                                  since=date(2026, 2, 20), recorded_by=cls.korkab)  # fmt: skip
        KksCustody.objects.create(family=cls.f1, region_code=DESA_A, status="dipegang_kpm",
                                  since=date(2026, 3, 10), recorded_by=cls.korkab)  # fmt: skip
        KksCustody.objects.create(family=cls.f3, region_code=DESA_B, status="terblokir",
                                  since=date(2026, 3, 14), recorded_by=cls.korkab)  # fmt: skip

        group = Group.objects.create(name="Melati", region_code=DESA_A, pendamping=pendamping)
        held = Meeting.objects.create(group=group, region_code=DESA_A, planned_on=date(2026, 2, 5),
                                      status=MeetingStatus.HELD, held_on=date(2026, 2, 5))  # fmt: skip
        Attendance.objects.create(meeting=held, family=cls.f1, region_code=DESA_A, presence="hadir")
        Attendance.objects.create(meeting=held, family=cls.f5, region_code=DESA_A, presence="absen")
        Meeting.objects.create(group=group, region_code=DESA_A, planned_on=date(2026, 2, 12),
                               status=MeetingStatus.CANCELLED)  # fmt: skip
        Meeting.objects.create(group=group, region_code=DESA_A, planned_on=date(2026, 3, 3))

        for status, decided_at in (("ditolak", wib(2026, 2, 1, 2, 0)),
                                   ("disetujui", wib(2026, 3, 2, 10, 0)), ("diajukan", None)):  # fmt: skip
            ChangeRequest.objects.create(
                family=cls.f1, region_code=DESA_A, kind="pindah", status=status,
                requested_by=pendamping, decided_at=decided_at,
            )  # fmt: skip

        resolved = {"status": Status.RESOLVED, "decision": Decision.UPHELD, "resolution": "Ok."}
        cls.complaint(wib(2026, 1, 5, 9, 0), triaged_at=wib(2026, 1, 6, 9, 0),
                      responded_at=wib(2026, 1, 7, 9, 0), resolved_at=wib(2026, 1, 8, 9, 0),
                      **resolved)  # fmt: skip
        cls.complaint(wib(2026, 2, 2, 9, 0), triaged_at=wib(2026, 2, 20, 9, 0),
                      responded_at=wib(2026, 2, 23, 9, 0), resolved_at=wib(2026, 2, 25, 9, 0),
                      **resolved)  # fmt: skip
        cls.complaint(wib(2026, 2, 10, 9, 0))

        stage_1 = Stage.objects.get(year_id=2026, number=1)
        stage_4 = Stage.objects.get(year_id=2025, number=4)
        now = timezone.now()
        for family, stage, total in ((cls.f1, stage_1, 1_000_000), (cls.f3, stage_1, 500_000),
                                     (cls.f1, stage_4, 750_000)):  # fmt: skip
            Entitlement.objects.create(family=family, stage=stage, region_code=family.region_code,
                                       total=total, computed_at=now)  # fmt: skip
        batch = DisbursementImport.objects.create(stage=stage_1, file_name="bri.csv")
        for line, family, status in ((1, cls.f1, DisbursementStatus.PAID),
                                     (2, cls.f3, DisbursementStatus.FAILED)):  # fmt: skip
            Disbursement.objects.create(
                batch=batch, stage=stage_1, family=family, region_code=family.region_code,
                line=line, amount=1_000_000 if family == cls.f1 else 500_000,
                paid_on=date(2026, 3, 5), status=status,
            )  # fmt: skip

    @classmethod
    def complaint(cls, received, **moments) -> Complaint:
        complaint, _pin = submit_complaint(
            kategori="pembayaran", saluran="datang", uraian="Uraian uji.", region_code=DESA_A,
            received_at=received, acting_user=cls.korkab,
        )  # fmt: skip
        Complaint.objects.filter(pk=complaint.pk).update(**moments)
        return complaint


def member_component(member) -> str:
    """The fixture's components, as the module docstring names them."""
    if member.pregnant:
        return "ibu_hamil"
    return "sd" if member.school_level == "sd" else "lansia"


ZERO_MONTH = {
    field.name: 0
    for field in DesaMonth._meta.fields
    if field.name not in ("id", "region_code", "month")
}


def month_row(code: str, month: date) -> dict:
    row = DesaMonth.objects.filter(region_code=code, month=month).values().get()
    return {name: row[name] for name in ZERO_MONTH}


class DesaMonthTest(SummaryExample):
    def setUp(self):
        refresh("1806", first_month=JAN, today=TODAY)

    def test_desa_a_in_january(self):
        assert month_row(DESA_A, JAN) == {
            **ZERO_MONTH,
            "kpm_aktif": 2,  # F1, F5 (F2 left on the 31st, F4 on the 1st)
            "ibu_hamil": 1, "sd": 1, "lansia": 1,  # F1's wife, child, grandmother
            "wajib_verifikasi": 3,
            "terverifikasi": 1, "patuh": 1,  # the wife, compliant
            "keluar_alamiah": 1,  # F4
            "keluar_sejahtera_mandiri": 1,  # F2
            "pengaduan_masuk": 1, "pengaduan_selesai": 1, "pengaduan_tepat_waktu": 1,
            "celah_pip": 1,  # the child
            "celah_pbi": 4,  # F1's four members (exited families are out)
            "celah_bpnt": 1,  # F1
            "celah_atensi": 1,  # the grandmother
        }  # fmt: skip

    def test_desa_a_in_february(self):
        assert month_row(DESA_A, FEB) == {
            **ZERO_MONTH,
            "kpm_aktif": 2,  # F1, F5 (leaves on 1 Mar)
            "ibu_hamil": 1, "sd": 1, "lansia": 1,
            "wajib_verifikasi": 3,
            "terverifikasi": 2, "patuh": 1,  # the child compliant,
            "tidak_patuh": 1,  # the grandmother not
            "pertemuan_p2k2": 1,  # the held meeting of 5 Feb, not the cancelled one
            "kehadiran_baris": 2, "kehadiran_hadir": 1,  # F1 present, F5 absent
            "pengaduan_masuk": 2, "pengaduan_selesai": 1, "pengaduan_tepat_waktu": 0,
            "pemutakhiran": 1,  # decided 1 Feb 02:00 WIB
            "kks_tidak_di_kpm": 1,  # F1's card lost since 20 Feb
            "celah_pip": 1, "celah_pbi": 4, "celah_bpnt": 1, "celah_atensi": 1,
        }  # fmt: skip

    def test_desa_a_in_the_running_month_is_taken_on_the_refresh_day(self):
        assert month_row(DESA_A, MAR) == {
            **ZERO_MONTH,
            "kpm_aktif": 1,  # F1; F5 left on 1 Mar
            "ibu_hamil": 1, "sd": 1, "lansia": 1,
            "wajib_verifikasi": 3,
            "keluar_lain": 1,  # F5, meninggal
            "pemutakhiran": 1,  # approved 2 Mar (the pending one is not counted)
            "celah_pip": 1, "celah_pbi": 4, "celah_bpnt": 1, "celah_atensi": 1,
            # F1's card is back with the KPM since 10 Mar
        }  # fmt: skip

    def test_desa_b_counts_its_family_whenever_it_was_registered(self):
        # Neither the KPM count nor the gap lists ask when a family was registered: F3 and
        # its head are in January's figures.
        assert month_row(DESA_B, JAN) == {
            **ZERO_MONTH, "kpm_aktif": 1, "celah_pbi": 1, "celah_bpnt": 1}  # fmt: skip
        assert month_row(DESA_B, FEB) == {
            **ZERO_MONTH, "kpm_aktif": 1, "celah_pbi": 1, "celah_bpnt": 1}  # fmt: skip
        assert month_row(DESA_B, MAR) == {
            **ZERO_MONTH, "kpm_aktif": 1, "kks_tidak_di_kpm": 1,  # blocked since 14 Mar
            "celah_pbi": 1, "celah_bpnt": 1}  # fmt: skip

    def test_no_row_for_other_months_or_desa(self):
        assert DesaMonth.objects.count() == 6  # two desa, three months


class DesaStageAndYearTest(SummaryExample):
    def setUp(self):
        refresh("1806", first_month=JAN, today=TODAY)

    def test_money_per_desa_and_stage(self):
        rows = DesaStage.objects.values_list(
            "region_code", "year", "stage", "kpm_ditetapkan", "jumlah_ditetapkan",
            "kpm_tersalur", "jumlah_tersalur",
        ).order_by("year", "stage", "region_code")  # fmt: skip
        assert list(rows) == [
            (DESA_A, 2025, 4, 1, 750_000, 0, 0),
            (DESA_A, 2026, 1, 1, 1_000_000, 1, 1_000_000),
            (DESA_B, 2026, 1, 1, 500_000, 0, 0),  # its line failed
        ]

    def test_families_served_and_entitled_per_year(self):
        rows = DesaYear.objects.values_list(
            "region_code", "year", "kpm_dilayani", "kpm_ditetapkan"
        ).order_by("year", "region_code")
        assert list(rows) == [
            (DESA_A, 2025, 4, 1),  # F1, F2, F4, F5 registered in June 2025; F1 stage 4
            (DESA_A, 2026, 3, 1),  # F4 left on 1 Jan: out; F1, F2, F5
            (DESA_B, 2026, 1, 1),  # F3, registered in 2026: no row for 2025
        ]

    def test_the_run_states_its_day_and_first_month(self):
        run = SummaryRun.objects.get(kabupaten_code="1806")
        assert (run.as_of, run.first_month) == (TODAY, JAN)


class RefreshReplacesTest(SummaryExample):
    def test_a_second_refresh_replaces_the_rows_and_keeps_other_kabupaten(self):
        DesaMonth.objects.create(region_code="1872011001", month=JAN, kpm_aktif=7)
        refresh("1806", first_month=JAN, today=TODAY)
        Family.objects.filter(pk=self.f1.pk).update(status="keluar", exit_reason="menolak",
                                                    exit_date=date(2026, 3, 12))  # fmt: skip
        refresh("1806", first_month=JAN, today=TODAY)
        assert month_row(DESA_A, MAR)["kpm_aktif"] == 0  # F1 left on 12 Mar
        assert month_row(DESA_A, MAR)["keluar_lain"] == 2  # F5 and F1
        assert DesaMonth.objects.get(region_code="1872011001").kpm_aktif == 7

    def test_the_same_number_of_queries_whatever_the_number_of_desa_and_families(self):
        refresh("1806", first_month=JAN, today=TODAY)  # its SummaryRun exists from now on
        with CaptureQueriesContext(connection) as before:
            refresh("1806", first_month=JAN, today=TODAY)
        for n in range(3):
            family = make_family(region_code=f"18060120{n + 10:02d}")
            make_member(family, birth_date=date(2015, 5, 1), school_level="sd")
            KksCustody.objects.create(family=family, region_code=family.region_code,
                                      status="hilang", since=date(2026, 1, 5), recorded_by=self.korkab)  # fmt: skip
        with CaptureQueriesContext(connection) as after:
            refresh("1806", first_month=JAN, today=TODAY)
        assert len(after) == len(before)
        assert DesaMonth.objects.filter(region_code="1806012010", month=JAN, sd=1).exists()
