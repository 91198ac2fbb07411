"""Home is each role's to-do list (issue 13): every count, counted by hand here, is the
count the linked list shows in its `data-total` (DESIGN §11 "Pages")."""

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from harapan.accounts.roles import Role
from harapan.benefits.models import Disbursement, DisbursementImport, Entitlement, Stage
from harapan.compliance.models import Result, Source, Verification
from harapan.fds import actions as fds_actions
from harapan.fds.actions import Mark
from harapan.fds.models import Group, Session
from harapan.graduation import actions as graduation_actions
from harapan.graduation.models import ExitProposal, ProposalStatus
from harapan.jobs.models import Run, RunKind, RunStatus
from harapan.programs import actions as programs_actions
from harapan.programs.models import Participation
from harapan.registry.models import ChangeKind, ChangeRequest, ChangeStatus, FamilyStatus
from harapan.testing import (
    DESA_A,
    DESA_B,
    KEC_B,
    PersonaTestCase,
    list_total,
    make_family,
    make_member,
    make_user,
    todo_of,
)

TODAY = timezone.localdate()
# The month whose verification is recorded now: the month just ended.
MONTH = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)
MONTH_TEXT = f"{MONTH:%Y-%m}"
LONG_AGO = date(2020, 1, 6)  # a Monday, for meetings held long before this week


def pupil(family):
    """A member who owes school attendance every month (sd, aged 10 this year)."""
    return make_member(family, birth_date=date(TODAY.year - 10, 3, 1), school_level="sd")


def verify(member, result=Result.COMPLIANT, month=MONTH):
    Verification.objects.create(
        member=member, region_code=member.region_code, commitment="sd", month=month,
        result=result, source=Source.FORM, recorded_at=timezone.now(),
    )  # fmt: skip


def propose(family, pendamping):
    return graduation_actions.propose_exit(
        family, kind="sejahtera_mandiri", reason="Usaha warung berjalan", exit_date=TODAY,
        letter_number="07/PKH/XII", letter_date=TODAY, acting_user=pendamping,
    )  # fmt: skip


def change(family, requested_by, status=ChangeStatus.PENDING, kind=ChangeKind.DESIL):
    return ChangeRequest.objects.create(
        family=family, region_code=family.region_code, kind=kind, payload={"desil": 2},
        status=status, requested_by=requested_by,
    )  # fmt: skip


def make_group(pendamping, families, name="Melati"):
    group = fds_actions.save_group(
        Group(name=name, region_code=DESA_A, pendamping=pendamping), acting_user=pendamping
    )
    for family in families:
        fds_actions.assign_family(group, family, on=LONG_AGO, acting_user=pendamping)
    return group


def hold(meeting, day, number, absent=()):
    marks = [Mark(f.pk, "absen" if f.pk in absent else "hadir")
             for f in fds_actions.members_on(meeting.group, day)]  # fmt: skip
    fds_actions.record_meeting(
        meeting, held_on=day, place="Balai desa", session=Session.objects.get(number=number),
        facilitator=meeting.group.pendamping, notes="", marks=marks,
        acting_user=meeting.group.pendamping,
    )  # fmt: skip


class HomeCase(PersonaTestCase):
    def home(self, user):
        self.client.force_login(user)
        response = self.client.get(reverse("home"))
        assert response.status_code == 200
        return response

    def assert_count_matches_its_list(self, user, label: str, expected: int) -> str:
        """The home count of `label` is `expected`, and so is the total of the list it opens."""
        todo = todo_of(self.home(user))
        assert label in todo, (user, label, list(todo))
        count, link = todo[label]
        assert count == expected, (user, label, count)
        listed = self.client.get(link)
        assert listed.status_code == 200, link
        assert list_total(listed) == expected, (user, label, link)
        return link


class PendampingHome(HomeCase):
    """pendamping_a's day, counted by hand:

    - verifications of the month just ended not recorded: 3 pupils of 4 (one recorded;
      pendamping_a2's pupil is not theirs);
    - flagged: 2 families absent from the last 3 held meetings (a third came once);
    - meetings planned this week: 2 (one next week, one of pendamping_a2's group, not counted);
    - proposals returned: 1 (one rejected and proposed again since, one rejected on a
      family that has left, one still waiting);
    - programme proposals waiting more than 30 days: 2 (45 and 31 days; one of exactly 30
      days, one decided and one of pendamping_a2's family are not counted).
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        p = cls.pendamping_a
        families = [cls.family_a] + [
            make_family(region_code=DESA_A, pendamping=p) for _ in range(3)
        ]
        cls.families = families
        pupils = [pupil(f) for f in families]
        verify(pupils[0])
        verify(pupil(cls.family_a2))  # pendamping_a2's
        pupil(cls.family_a2)  # pendamping_a2's, missing, not pendamping_a's to-do

        group = make_group(p, families)
        held = [LONG_AGO + timedelta(weeks=4 * n) for n in range(3)]
        for number, day in enumerate(held, start=1):
            [meeting] = fds_actions.plan_meetings(group, [day], acting_user=p)
            truants = {families[1].pk, families[2].pk}
            if number != 2:
                truants.add(families[3].pk)
            hold(meeting, day, number, absent=truants)
        monday = TODAY - timedelta(days=TODAY.weekday())
        fds_actions.plan_meetings(group, [monday, monday + timedelta(days=6)], acting_user=p)
        fds_actions.plan_meetings(group, [monday + timedelta(days=7)], acting_user=p)
        other = make_group(cls.pendamping_a2, [cls.family_a2], name="Mawar")
        fds_actions.plan_meetings(
            other, [monday + timedelta(days=1)], acting_user=cls.pendamping_a2
        )

        cls.korcam = cls.korcam_a
        returned = propose(families[0], p)
        graduation_actions.reject_exit(returned, "Surat belum lengkap", acting_user=cls.korcam)
        again = propose(families[1], p)
        graduation_actions.reject_exit(again, "Surat belum lengkap", acting_user=cls.korcam)
        propose(families[1], p)  # proposed again: no longer returned
        left = make_family(region_code=DESA_A, pendamping=p)
        gone = propose(left, p)
        graduation_actions.reject_exit(gone, "Salah jenis", acting_user=cls.korcam)
        left.status = FamilyStatus.EXITED
        left.save(update_fields=["status"])
        propose(families[2], p)  # waiting for the korcam
        for family, days in ((families[0], 45), (families[1], 31), (families[2], 30)):
            programs_actions.propose(p, family, None, "bpnt", TODAY - timedelta(days), "desa")
        decided = programs_actions.propose(p, families[3], None, "bpnt",
                                           TODAY - timedelta(60), "desa")  # fmt: skip
        programs_actions.record_outcome(p, decided, "ditolak", TODAY - timedelta(40))
        programs_actions.propose(cls.pendamping_a2, cls.family_a2, None, "bpnt",
                                 TODAY - timedelta(50), "desa")  # fmt: skip

    def test_each_count_matches_the_list_it_links_to(self):
        user = self.pendamping_a
        verified = next(label for label in todo_of(self.home(user)) if "belum dicatat" in label)
        link = self.assert_count_matches_its_list(user, verified, 3)
        assert link == f"{reverse('compliance:missing_list')}?bulan={MONTH_TEXT}"
        self.assert_count_matches_its_list(user, "KPM perlu perhatian (sering tidak hadir P2K2)", 2)
        link = self.assert_count_matches_its_list(user, "pertemuan P2K2 direncanakan minggu ini", 2)
        assert "status=rencana" in link and "minggu=" in link
        self.assert_count_matches_its_list(user, "usulan graduasi dikembalikan (ditolak)", 1)
        link = self.assert_count_matches_its_list(
            user, "usulan program menunggu hasil lebih dari 30 hari", 2
        )
        assert link == f"{reverse('programs:proposal_list')}?lama=on"

    def test_the_month_is_named_not_coded(self):
        labels = list(todo_of(self.home(self.pendamping_a)))
        assert any(label.startswith("verifikasi ") and str(MONTH.year) in label
                   and MONTH_TEXT not in label for label in labels), labels  # fmt: skip

    def test_pendamping_b_has_nothing_waiting_and_is_told_so(self):
        # Their family receives the complementary programmes its members are owed (issue 17).
        head = self.family_b.members.get()
        for programme, member in (("bpnt", None), ("pbi_jkn", head)):
            Participation.objects.create(
                family=self.family_b, member=member, nik=member.nik if member else "",
                region_code=self.family_b.region_code, programme=programme,
                starts_on=date(2024, 1, 1), status="menerima", source="impor",
            )  # fmt: skip
        response = self.home(self.pendamping_b)
        assert todo_of(response) == {}
        self.assertContains(response, "Tidak ada yang menunggu Anda saat ini.")

    def test_the_to_do_comes_before_the_figures(self):
        html = self.home(self.pendamping_a).content.decode()
        assert html.index('class="todo') < html.index('class="tiles"')

    def test_the_page_is_light(self):
        """Pinned (issue 13): under 30 KB of HTML and at most 15 queries; issue 16 adds five for
        the pendamping's own work: one UNION for unread ethics decisions and new coaching
        notes, one for the meeting action items they own, and three for the monthly plan (this
        month's plan with its lines, the month's activities, the plans the to-do reminds of).
        Issue 17 adds six for the programme gaps not yet proposed (`gap_counts`: one query per
        list, and the year's rules its component rule reads: the year and its index) and one
        for the programme proposals waiting more than 30 days."""
        self.client.force_login(self.pendamping_a)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse("home"))
        assert len(queries) <= 15 + 5 + 6 + 1, [q["sql"] for q in queries]
        self.client.force_login(self.pendamping_a)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse("home"))
        assert len(response.content) < 30 * 1024, len(response.content)


class CoordinatorHome(HomeCase):
    """Kecamatan A for korcam_a, the whole kabupaten for korkab, counted by hand:

    - data updates waiting: A has 2 pending by pendamping (one approved, one by the korcam
      itself, which they may not decide); B has 1 more that only the korkab sees;
    - graduation: 2 proposed in A, 1 in B (korcam verifies); 1 verified in A (korkab approves);
    - unassigned active families: 2 in A, 1 in B (an exited one does not count);
    - pendamping with missing verification: A: pendamping_a and pendamping_a2 (pendamping_a's
      other pupil is recorded); B: pendamping_b too; the unassigned family's pupil is no
      pendamping's.
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        p, p2, pb = cls.pendamping_a, cls.pendamping_a2, cls.pendamping_b
        change(cls.family_a, p)
        change(cls.family_a2, p2)
        change(cls.family_a, p, status=ChangeStatus.APPROVED)
        change(cls.family_a, cls.korcam_a)
        change(cls.family_b, pb)

        propose(cls.family_a, p)
        propose(cls.family_a2, p2)
        propose(cls.family_b, pb)
        verified = propose(make_family(region_code=DESA_A, pendamping=p), p)
        graduation_actions.verify_exit(verified, acting_user=cls.korcam_a)

        loose = [make_family(region_code=DESA_A) for _ in range(2)]
        make_family(region_code=DESA_B)
        make_family(region_code=DESA_A, status=FamilyStatus.EXITED)

        verify(pupil(cls.family_a))
        pupil(cls.family_a)
        pupil(cls.family_a2)
        pupil(cls.family_b)
        pupil(loose[0])

    def assert_coordinator_counts(self, user, updates, step, proposals, loose, pendamping):
        self.assert_count_matches_its_list(
            user, "pemutakhiran data menunggu keputusan Anda", updates
        )
        status, label = step
        link = self.assert_count_matches_its_list(user, label, proposals)
        assert link.endswith(f"?status={status}")
        self.assert_count_matches_its_list(user, "KPM aktif belum punya pendamping", loose)
        label = next(label for label in todo_of(self.home(user)) if label.startswith("pendamping"))
        self.assert_count_matches_its_list(user, label, pendamping)

    def test_the_korcam_counts_match_their_lists(self):
        verify = ("diusulkan", "usulan graduasi menunggu verifikasi Anda")
        self.assert_coordinator_counts(self.korcam_a, 2, verify, 2, 2, 2)

    def test_the_korkab_counts_match_their_lists(self):
        approve = ("diverifikasi", "usulan graduasi menunggu persetujuan Anda")
        self.assert_coordinator_counts(self.korkab, 4, approve, 1, 3, 3)

    def test_the_korwil_reads_unassigned_families_in_the_family_list(self):
        user = self.korwil
        # Lampung: the three of Tanggamus and Kota Metro's family, which has none either.
        link = self.assert_count_matches_its_list(user, "KPM aktif belum punya pendamping", 4)
        assert link.startswith(reverse("registry:family_list"))
        label = next(label for label in todo_of(self.home(user)) if label.startswith("pendamping"))
        self.assert_count_matches_its_list(user, label, 3)
        assert not any("menunggu" in label for label in todo_of(self.home(user)))

    def test_admin_pusat_counts_unassigned_families_nationally(self):
        # The four of Lampung: admin pusat sees the whole country.
        self.assert_count_matches_its_list(self.admin_pusat, "KPM aktif belum punya pendamping", 4)

    def test_a_pendamping_sees_none_of_the_coordinator_items(self):
        todo = todo_of(self.home(self.pendamping_a))
        assert "pemutakhiran data menunggu keputusan Anda" not in todo
        assert "KPM aktif belum punya pendamping" not in todo


class OperatorHome(HomeCase):
    """The operator of Tanggamus, counted by hand:

    - imports under way, rejected or failed in the last 7 days in the kabupaten: 3
      (one done, one of Kota Metro and one computation are not imports of theirs);
    - the reconciliation of Tahap 3 2025, the stage last imported: family_a paid right,
      family_a2 paid 900,000 of 1,000,000 (tidak tepat jumlah: 1), family_b entitled and
      not paid (belum tersalur: 1).
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for status, region, kind in [
            (RunStatus.RUNNING, "1806", RunKind.REGISTRY_IMPORT),
            (RunStatus.REJECTED, "1806", RunKind.VERIFICATION_IMPORT),
            (RunStatus.FAILED, "180601", RunKind.DISBURSEMENT_IMPORT),
            (RunStatus.DONE, "1806", RunKind.REGISTRY_IMPORT),
            (RunStatus.FAILED, "1872", RunKind.REGISTRY_IMPORT),
            (RunStatus.FAILED, "1806", RunKind.ENTITLEMENTS),
        ]:
            Run.objects.create(kind=kind, status=status, region_code=region,
                               started_by=cls.operator)  # fmt: skip
        stage = Stage.objects.get(year__year=2025, number=3)
        batch = DisbursementImport.objects.create(
            stage=stage, file_name="bri.csv", imported_by=cls.operator, rows=2
        )
        for family, entitled, paid in [
            (cls.family_a, 750_000, 750_000),
            (cls.family_a2, 1_000_000, 900_000),
            (cls.family_b, 600_000, None),
        ]:
            Entitlement.objects.create(family=family, stage=stage, region_code=family.region_code,
                                       total=entitled, computed_at=timezone.now())  # fmt: skip
            if paid:
                Disbursement.objects.create(
                    batch=batch, stage=stage, family=family, region_code=family.region_code,
                    line=family.pk, registry_id=family.registry_id, amount=paid,
                    paid_on=date(2025, 8, 15), status="berhasil",
                )  # fmt: skip

    def test_the_operator_counts_match_their_lists(self):
        user = self.operator
        link = self.assert_count_matches_its_list(user, "impor berjalan, ditolak atau gagal", 3)
        assert "jenis=impor" in link
        self.assert_count_matches_its_list(
            user, "Tidak tepat jumlah · rekonsiliasi tahap 3 2025", 1
        )
        self.assert_count_matches_its_list(user, "Belum tersalur · rekonsiliasi tahap 3 2025", 1)
        todo = todo_of(self.home(user))
        assert not any(label.startswith("Pembayaran ganda") for label in todo)  # 0: left off

    def test_admin_pusat_counts_the_imports_of_the_whole_country(self):
        self.assert_count_matches_its_list(
            self.admin_pusat, "impor berjalan, ditolak atau gagal", 4
        )


class ReturnedProposals(PersonaTestCase):
    def test_a_rejected_proposal_leaves_the_returned_list_once_the_family_is_proposed_again(
        self,
    ):
        proposal = propose(self.family_a, self.pendamping_a)
        graduation_actions.reject_exit(proposal, "Kurang bukti", acting_user=self.korcam_a)
        returned = ExitProposal.objects.visible_to(self.pendamping_a).returned()
        assert list(returned) == [proposal]
        again = propose(self.family_a, self.pendamping_a)
        assert list(ExitProposal.objects.visible_to(self.pendamping_a).returned()) == []
        assert again.status == ProposalStatus.PROPOSED

    def test_the_korcam_of_another_kecamatan_sees_no_returned_proposal(self):
        korcam_b = make_user("korcam_b", Role.KORCAM, KEC_B)
        proposal = propose(self.family_a, self.pendamping_a)
        graduation_actions.reject_exit(proposal, "Kurang bukti", acting_user=self.korcam_a)
        assert not ExitProposal.objects.visible_to(korcam_b).returned().exists()


class AuditorHome(HomeCase):
    def test_recent_sensitive_reads_match_the_trail_they_link_to(self):
        from harapan.audit import trail

        # Counted by hand: two full-NIK views and one export today; a correction is no read.
        trail.record(self.korcam_a, "registry.member.view_nik", self.family_a)
        trail.record(self.korkab, "registry.findings.view_nik", region_code="1806")
        trail.record(self.operator, "compliance.missing.export", region_code="1806")
        trail.record(self.pendamping_a, "registry.family.update", self.family_a)
        self.assert_count_matches_its_list(
            self.auditor, "pembacaan data sensitif (7 hari terakhir)", 3
        )
