from datetime import date

from django.test import TestCase

from harapan.accounts.models import User
from harapan.accounts.roles import Role
from harapan.demo.build import DEMO_PASSWORD, PEOPLE, build_demo
from harapan.registry.models import Family, Member
from harapan.testing import make_region


class DemoTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        for kecamatan in {p.region for p in PEOPLE if len(p.region) == 6}:
            for desa in ("2001", "2002", "2003"):
                make_region(f"{kecamatan}{desa}")
        build_demo(today=date(2026, 11, 1), log=lambda *_: None)

    def test_every_demo_person_can_sign_in_with_the_printed_password(self):
        for person in PEOPLE:
            user = User.objects.get(username=person.username)
            assert user.check_password(DEMO_PASSWORD)
            assert user.role == person.role

    def test_pendamping_have_caseloads_of_real_size_in_their_kecamatan(self):
        for person in PEOPLE:
            if person.role != Role.PENDAMPING:
                continue
            caseload = Family.objects.filter(pendamping__username=person.username)
            assert caseload.count() == person.caseload
            assert 200 <= person.caseload <= 300
            assert not caseload.exclude(region_code__startswith=person.region).exists()
        assert Member.objects.count() > 4 * Family.objects.count() * 0.8

    def test_both_demo_kabupaten_have_a_korkab_and_korcams(self):
        for kabupaten in ("1872", "1806"):
            assert User.objects.filter(role=Role.KORKAB, region_id=kabupaten).exists()
            assert User.objects.filter(
                role=Role.KORCAM, region__code__startswith=kabupaten
            ).exists()

    def test_the_current_and_previous_stage_are_computed(self):
        from harapan.benefits.models import Entitlement

        stages = set(Entitlement.objects.values_list("stage__year_id", "stage__number"))
        assert stages == {(2026, 3), (2026, 4)}
        assert Entitlement.objects.filter(total__gt=0).count() > Family.objects.count() * 0.7

    def test_running_it_again_adds_nothing(self):
        families, users = Family.objects.count(), User.objects.count()
        build_demo(today=date(2026, 11, 1), log=lambda *_: None)
        assert (Family.objects.count(), User.objects.count()) == (families, users)

    def test_complaints_wait_at_every_step_and_the_conduct_one_is_hidden_from_the_accused(self):
        from harapan.complaints.models import Complaint, Level, Status

        # Four per pendamping (6, each with a korcam) plus the conduct one.
        assert Complaint.objects.count() == 6 * 4 + 1
        statuses = set(Complaint.objects.values_list("status", flat=True))
        assert statuses == {Status.RECEIVED, Status.RESPONDED, Status.RESOLVED}
        # The walk-ins of 9 days ago were never triaged: the run moved them up to the korcam.
        walk_ins = Complaint.objects.filter(kategori="kepesertaan")
        assert set(walk_ins.values_list("tingkat", flat=True)) == {Level.KORCAM}
        accused = User.objects.get(username="budi.santoso")
        conduct = Complaint.objects.get(kategori="pungli")
        assert conduct.accused == accused
        assert not Complaint.objects.visible_to(accused).filter(pk=conduct.pk).exists()
        korcam = User.objects.get(username="korcam.kotaagung")
        assert Complaint.objects.visible_to(korcam).filter(pk=conduct.pk).exists()

    # Fieldwork: a year up to 1 November 2026, counted by hand: December 2025 to November
    # 2026 is 12 months; six pendamping, four kecamatan, two kabupaten.

    def test_each_pendamping_has_twelve_accepted_plans_and_next_month_waiting(self):
        from harapan.fieldwork.models import PlanStatus, WorkPlan

        for person in PEOPLE:
            if person.role != Role.PENDAMPING:
                continue
            plans = WorkPlan.objects.filter(pendamping__username=person.username)
            accepted = plans.filter(status=PlanStatus.ACCEPTED)
            assert accepted.count() == 12
            assert (
                min(accepted.values_list("month", flat=True)),
                max(accepted.values_list("month", flat=True)),
            ) == (date(2025, 12, 1), date(2026, 11, 1))
            # December 2026: copied from November, submitted, on the korcam's to-do.
            following = plans.get(month=date(2026, 12, 1))
            assert following.status == PlanStatus.SUBMITTED
            november = plans.get(month=date(2026, 11, 1))
            assert set(following.lines.values_list("kind", "planned")) == set(
                november.lines.values_list("kind", "planned")
            )
        assert WorkPlan.objects.count() == 6 * 13

    def test_one_plan_each_was_returned_with_a_note_then_accepted(self):
        from harapan.audit.models import AuditEntry
        from harapan.fieldwork.models import PlanStatus, WorkPlan

        returned = AuditEntry.objects.filter(action="fieldwork.plan.return")
        assert returned.count() == 6
        # The trail keeps object IDs as text: PostgreSQL will not compare them with a bigint.
        returned_ids = [int(pk) for pk in returned.values_list("object_id", flat=True)]
        plans = WorkPlan.objects.filter(pk__in=returned_ids)
        # Five months before November: June 2026; accepted with 12 home visits after all.
        assert set(plans.values_list("month", "status")) == {
            (date(2026, 6, 1), PlanStatus.ACCEPTED)
        }
        assert set(
            plans.filter(lines__kind="kunjungan_rumah").values_list("lines__planned", flat=True)
        ) == {12}
        assert AuditEntry.objects.filter(action="fieldwork.plan.copy").count() == 6

    def test_home_visits_and_socialisations_are_typed_on_working_days_of_past_months(self):
        from harapan.fieldwork.models import Activity

        typed = Activity.objects.filter(source="")
        assert set(typed.values_list("kind", flat=True)) == {"kunjungan_rumah", "sosialisasi"}
        assert typed.filter(on__lt=date(2025, 12, 1)).count() == 0
        assert typed.filter(on__gte=date(2026, 11, 1)).count() == 0  # 1 November is a Sunday
        assert all(day.weekday() < 5 for day in typed.values_list("on", flat=True))
        for username in ("siti.rahayu", "ayu.lestari"):
            months = {d.replace(day=1) for d in typed.filter(
                pendamping__username=username).values_list("on", flat=True)}  # fmt: skip
            assert len(months) == 11  # December 2025 to October 2026

    def test_monthly_kecamatan_and_quarterly_kabupaten_meetings_with_action_items(self):
        from harapan.fieldwork.models import ActionFollowUp, ActionItem, CoordinationMeeting

        meetings = CoordinationMeeting.objects
        for kecamatan in ("187201", "187202", "180601", "180604"):
            here = meetings.filter(level="kecamatan", region_code=kecamatan)
            # 11 held (December to October), November's on the 9th still ahead.
            assert here.filter(status="terlaksana").count() == 11
            assert list(here.filter(status="direncanakan").values_list("on", flat=True)) == [
                date(2026, 11, 9)
            ]
        for kabupaten in ("1872", "1806"):
            here = meetings.filter(level="kabupaten", region_code=kabupaten)
            # January, April, July and October 2026.
            assert sorted(here.values_list("on__month", flat=True)) == [1, 4, 7, 10]
            assert set(here.values_list("status", flat=True)) == {"terlaksana"}
        held = meetings.filter(status="terlaksana")
        assert not held.filter(minutes="").exists()
        items = ActionItem.objects.all()
        assert items.count() >= held.count()  # one or two per meeting held
        assert {"selesai", "terbuka"} <= set(items.values_list("status", flat=True))
        assert set(ActionFollowUp.objects.values_list("status", flat=True)) == {
            "selesai", "masih_terbuka"
        }  # fmt: skip

    def test_coaching_notes_of_each_korcam_the_older_followed_up(self):
        from harapan.fieldwork.models import CoachingNote

        notes = CoachingNote.objects.all()
        assert notes.count() == 6 * 2
        assert notes.filter(follow_up_done_at__isnull=False).count() == 6
        assert set(notes.values_list("writer__role", flat=True)) == {Role.KORCAM}

    def test_one_ethics_case_in_tanggamus_decided_seen_by_the_korkab_only(self):
        from harapan.fieldwork.models import EthicsCase

        case = EthicsCase.objects.get()
        assert (case.pendamping.username, case.status, case.decision) == (
            "ayu.lestari", "diputus", "teguran"
        )  # fmt: skip
        sees = {
            name: EthicsCase.objects.visible_to(User.objects.get(username=name)).exists()
            for name in ("korkab.tanggamus", "korkab.metro", "korcam.pulaupanggung",
                         "korcam.kotaagung", "ayu.lestari", "nur.aini")
        }  # fmt: skip
        assert sees == {"korkab.tanggamus": True, "korkab.metro": False,
                        "korcam.pulaupanggung": False, "korcam.kotaagung": False,
                        "ayu.lestari": False, "nur.aini": False}  # fmt: skip
        ayu = User.objects.get(username="ayu.lestari")
        assert list(EthicsCase.objects.decisions_for(ayu)) == [case]

    def test_running_it_again_adds_no_fieldwork(self):
        from harapan.fieldwork.models import Activity, CoachingNote, CoordinationMeeting, WorkPlan

        models = (WorkPlan, Activity, CoordinationMeeting, CoachingNote)
        before = [model.objects.count() for model in models]
        build_demo(today=date(2026, 11, 1), log=lambda *_: None)
        assert [model.objects.count() for model in models] == before

    def test_most_who_should_get_a_programme_do_and_every_gap_list_has_work(self):
        from harapan.programs.gaps import family_gap, member_gap
        from harapan.registry import eligibility

        day = date(2026, 11, 1)
        members = Member.objects.annotate(
            component=eligibility.component_expression(day, eligibility.rules_for(day.year))
        )
        pupils = members.filter(component__in=eligibility.SCHOOL_LEVELS).count()
        elderly = members.filter(
            component__in=(eligibility.LANSIA, eligibility.DISABILITAS_BERAT)
        ).count()
        insured = Member.objects.filter(
            alive=True, family__status="aktif", birth_date__lte=day
        ).count()
        active = Family.objects.filter(status="aktif").count()
        gaps = {gap: member_gap(gap, day).count() for gap in ("PIP", "PBI", "ATENSI")}
        gaps["BPNT"] = family_gap(day).count()
        # Measured on this build: PIP 328 of 1774 pupils, PBI 929 of 6626 members, BPNT 160
        # of 1445 families, ATENSI 170 of 308 (40 % receive it). Without the demo's
        # participations every gap would be everyone.
        assert 0 < gaps["PIP"] < 0.3 * pupils
        assert 0 < gaps["PBI"] < 0.25 * insured
        assert 0 < gaps["BPNT"] < 0.2 * active
        assert 0.4 * elderly < gaps["ATENSI"] < 0.75 * elderly

    def test_imported_participations_some_refused_or_ended_and_family_level_aid(self):
        from harapan.programs.models import Participation

        imported = Participation.objects.filter(source="impor")
        day = date(2026, 11, 1)
        assert imported.filter(status="ditolak").count() >= 10
        assert imported.filter(status="menerima", ends_on__lt=day).count() >= 10
        for programme in ("subsidi_listrik", "subsidi_lpg", "kube", "rutilahu", "uep",
                          "sertifikat_tanah"):  # fmt: skip
            given = imported.filter(programme=programme)
            assert given.exists(), programme
            assert not given.exclude(nik="").exists(), programme

    def test_each_pendamping_proposed_some_waiting_one_accepted_and_one_refused(self):
        from harapan.programs.models import Participation, Proposal

        for person in PEOPLE:
            if person.role != Role.PENDAMPING:
                continue
            proposals = Proposal.objects.filter(proposed_by__username=person.username)
            outcomes = sorted(proposals.values_list("outcome", flat=True))
            assert outcomes == ["", "", "", "diterima", "ditolak"], person.username
            accepted = proposals.get(outcome="diterima")
            assert accepted.participation.source == "pendamping"
            assert accepted.participation.starts_on == accepted.outcome_on
        channels = set(Proposal.objects.values_list("channel", flat=True))
        assert {"sekolah", "faskes_bpjs", "dinas_sosial"} <= channels
        assert Participation.objects.filter(source="pendamping").count() == 6

    def test_running_it_again_adds_no_participations_or_proposals(self):
        from harapan.programs.models import Participation, Proposal

        before = (Participation.objects.count(), Proposal.objects.count())
        build_demo(today=date(2026, 11, 1), log=lambda *_: None)
        assert (Participation.objects.count(), Proposal.objects.count()) == before
