"""Work done elsewhere in Harapan appears in the pendamping's activity log by itself
(issue 16, DESIGN §9), once, and only the pendamping's own work."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from harapan.benefits import kks
from harapan.benefits.models import KksStatus
from harapan.complaints.tests.base import file_complaint
from harapan.compliance import actions as compliance_actions
from harapan.compliance.actions import Entry
from harapan.compliance.importing import import_verification
from harapan.fds import actions as fds_actions
from harapan.fds.tests.test_meeting_pages import DAY, attendance_post, make_group
from harapan.fieldwork.kinds import ActivityType
from harapan.fieldwork.models import Activity
from harapan.graduation import actions as graduation_actions
from harapan.graduation import assessment
from harapan.graduation.tests.test_assessment import answers
from harapan.registry import changes, worklog
from harapan.testing import DESA_A, PersonaTestCase, make_family, make_member

DESA_A2 = "1806012002"  # a second desa of Kecamatan A


def log_of(user) -> list[tuple]:
    return list(
        Activity.objects.filter(pendamping=user)
        .order_by("kind", "source")
        .values_list("kind", "on", "family_id", "subject", "source")
    )


class TheKindsAreOneList(PersonaTestCase):
    def test_every_kind_a_sender_reports_is_an_activity_type(self):
        assert worklog.KINDS <= set(ActivityType.values)
        assert worklog.KINDS == {
            "pertemuan_p2k2", "verifikasi", "pemutakhiran", "penilaian_graduasi",
            "tindak_lanjut_pengaduan", "pemeriksaan_kks",
        }  # fmt: skip

    def test_an_unknown_kind_is_refused(self):
        with self.assertRaises(ValueError):
            worklog.record([worklog.Work("rapat", self.pendamping_a.pk, DAY, "x:1")])


class P2K2MeetingHeld(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.group = make_group(cls.pendamping_a, 3)
        [cls.meeting] = fds_actions.plan_meetings(cls.group, [DAY], acting_user=cls.pendamping_a)

    def save_attendance(self, user):
        self.client.force_login(user)
        url = reverse("fds:meeting_detail", args=[self.meeting.pk])
        return self.client.post(url, attendance_post(self.meeting))

    def test_the_attendance_page_logs_the_meeting_for_its_facilitator(self):
        assert self.save_attendance(self.pendamping_a).status_code == 302
        assert log_of(self.pendamping_a) == [
            ("pertemuan_p2k2", DAY, None, "Melati", f"fds.meeting:{self.meeting.pk}")
        ]

    def test_the_same_attendance_saved_twice_is_one_activity(self):
        self.save_attendance(self.pendamping_a)
        self.save_attendance(self.pendamping_a)
        assert Activity.objects.count() == 1

    def test_a_korcam_recording_it_adds_nothing_to_any_log(self):
        assert self.save_attendance(self.korcam_a).status_code == 302
        assert Activity.objects.count() == 0


class VerificationMonthRecorded(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.pupil = make_member(cls.family_a, birth_date=date(2015, 3, 1), school_level="sd")
        cls.toddler = make_member(cls.family_a, birth_date=date(2024, 1, 10))
        cls.family_a_other_desa = make_family(region_code=DESA_A2, pendamping=cls.pendamping_a)
        cls.other_toddler = make_member(cls.family_a_other_desa, birth_date=date(2024, 2, 1))

    def record(self, user, *entries):
        return compliance_actions.record_month(list(entries), date(2026, 1, 1), acting_user=user)

    def test_one_activity_per_desa_of_the_month_dated_the_month_end(self):
        self.record(
            self.pendamping_a,
            Entry(member=self.pupil, commitment="sd", attendance=90),
            Entry(member=self.toddler, commitment="anak_usia_dini", result="patuh"),
            Entry(member=self.other_toddler, commitment="anak_usia_dini", result="patuh"),
        )
        me = self.pendamping_a.pk
        # Three members in two desa: two activities, on 31 January (a past month).
        assert log_of(self.pendamping_a) == [
            ("verifikasi", date(2026, 1, 31), None, "", f"compliance.month:{me}:2026-01:{DESA_A}"),
            ("verifikasi", date(2026, 1, 31), None, "",
             f"compliance.month:{me}:2026-01:{DESA_A2}"),
        ]  # fmt: skip

    def test_correcting_the_month_again_counts_once(self):
        self.record(self.pendamping_a, Entry(member=self.toddler, commitment="anak_usia_dini",
                                             result="patuh"))  # fmt: skip
        self.record(self.pendamping_a, Entry(member=self.toddler, commitment="anak_usia_dini",
                                             result="tidak_patuh"))  # fmt: skip
        assert Activity.objects.count() == 1

    def test_a_korcam_recording_it_adds_nothing(self):
        self.record(self.korcam_a, Entry(member=self.toddler, commitment="anak_usia_dini",
                                         result="patuh"))  # fmt: skip
        assert Activity.objects.count() == 0

    def test_a_pendamping_import_logs_each_month_and_desa_in_one_go(self):
        path = self.tmp_file(
            f"{self.pupil.nik},2026-01,sd,,90,",
            f"{self.pupil.nik},2026-02,sd,,60,",
            f"{self.toddler.nik},2026-01,anak_usia_dini,patuh,,",
            f"{self.other_toddler.nik},2026-02,anak_usia_dini,patuh,,",
        )
        result = import_verification(path, acting_user=self.pendamping_a,
                                     scope_user=self.pendamping_a)  # fmt: skip
        assert result.imported
        me = self.pendamping_a.pk
        # January: desa A; February: desa A and A2.
        assert [row[1:] for row in log_of(self.pendamping_a)] == [
            (date(2026, 1, 31), None, "", f"compliance.month:{me}:2026-01:{DESA_A}"),
            (date(2026, 2, 28), None, "", f"compliance.month:{me}:2026-02:{DESA_A}"),
            (date(2026, 2, 28), None, "", f"compliance.month:{me}:2026-02:{DESA_A2}"),
        ]

    def test_an_operator_import_logs_nothing(self):
        path = self.tmp_file(f"{self.toddler.nik},2026-01,anak_usia_dini,patuh,,")
        assert import_verification(path, acting_user=self.operator).imported
        assert Activity.objects.count() == 0

    def tmp_file(self, *lines):
        import tempfile
        from pathlib import Path

        path = Path(tempfile.mkdtemp()) / "verifikasi.csv"
        path.write_text("\n".join(["nik,bulan,komitmen,hasil,persen_kehadiran,alasan", *lines])
                        + "\n", encoding="utf-8")  # fmt: skip
        return path


class OtherSenders(PersonaTestCase):
    def test_a_data_update_proposed_is_logged_for_the_family(self):
        child = make_member(self.family_a, birth_date=date(2012, 1, 1), school_level="sd")
        request = changes.request_change(self.family_a, "pendidikan", {"school_level": "smp"},
                                         member=child, acting_user=self.pendamping_a)  # fmt: skip
        assert log_of(self.pendamping_a) == [
            ("pemutakhiran", timezone.localdate(), self.family_a.pk, "",
             f"registry.change:{request.pk}"),
        ]  # fmt: skip

    def test_a_graduation_assessment_and_proposal_are_logged(self):
        saved = assessment.record_assessment(self.family_a, answers(), self.pendamping_a)
        proposal = graduation_actions.propose_exit(
            self.family_a, kind="meninggal", reason="Kepala keluarga wafat",
            exit_date=timezone.localdate(), acting_user=self.pendamping_a,
        )  # fmt: skip
        today = timezone.localdate()
        assert log_of(self.pendamping_a) == [
            ("penilaian_graduasi", today, self.family_a.pk, "",
             f"graduation.assessment:{saved.pk}"),
            ("penilaian_graduasi", today, self.family_a.pk, "",
             f"graduation.proposal:{proposal.pk}"),
        ]  # fmt: skip

    def test_a_korcam_assessment_is_not_the_pendamping_work(self):
        assessment.record_assessment(self.family_a, answers(), self.korcam_a)
        assert Activity.objects.count() == 0

    def test_each_complaint_step_of_a_pendamping_is_one_activity(self):
        complaint, _pin = file_complaint(family=self.family_a, name="Siti", phone="0812345678")
        from harapan.complaints import actions as complaint_actions

        complaint_actions.triage_complaint(complaint, acting_user=self.pendamping_a)
        complaint_actions.respond_to_complaint(complaint, text="Kami cek.",
                                               acting_user=self.pendamping_a)  # fmt: skip
        complaint_actions.resolve_complaint(complaint, decision="ditolak", resolution="Sudah cair.",
                                            acting_user=self.pendamping_a)  # fmt: skip
        today, pk = timezone.localdate(), complaint.pk
        assert log_of(self.pendamping_a) == [
            ("tindak_lanjut_pengaduan", today, self.family_a.pk, complaint.kode,
             f"complaints.resolve:{pk}"),
            ("tindak_lanjut_pengaduan", today, self.family_a.pk, complaint.kode,
             f"complaints.respond:{pk}"),
            ("tindak_lanjut_pengaduan", today, self.family_a.pk, complaint.kode,
             f"complaints.triage:{pk}"),
        ]  # fmt: skip

    def test_a_kks_status_checked_is_logged_for_the_family(self):
        entry = kks.record_kks_status(self.family_a, status=KksStatus.HELD_BY_KPM,
                                      since=timezone.localdate() - timedelta(days=3),
                                      acting_user=self.pendamping_a)  # fmt: skip
        assert log_of(self.pendamping_a) == [
            ("pemeriksaan_kks", timezone.localdate(), self.family_a.pk, "",
             f"benefits.kks:{entry.pk}"),
        ]  # fmt: skip
        kks.record_kks_status(self.family_a, status=KksStatus.HELD_BY_KPM,
                              since=timezone.localdate(), acting_user=self.korcam_a)  # fmt: skip
        assert Activity.objects.count() == 1
