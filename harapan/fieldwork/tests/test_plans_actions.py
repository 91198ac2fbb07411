"""The work plan's steps (actions_plans.py): write, submit, review, copy; each audited."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from harapan.accounts.roles import Role
from harapan.audit.models import AuditEntry
from harapan.fieldwork import actions_plans as actions
from harapan.fieldwork.actions_plans import Line
from harapan.fieldwork.models import PlanStatus, WorkPlan
from harapan.testing import KEC_B, PersonaTestCase, make_user

TODAY = date(2026, 12, 10)
DECEMBER, JANUARY = date(2026, 12, 1), date(2027, 1, 1)
HOME, P2K2 = "kunjungan_rumah", "pertemuan_p2k2"


def lines_of(plan) -> dict[str, tuple[int, str]]:
    return {line.kind: (line.planned, line.detail) for line in plan.lines.all()}


def actions_on(plan) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(plan.pk), action__startswith="fieldwork.plan")
        .order_by("pk")
        .values_list("action", flat=True)
    )


class WritingAPlan(PersonaTestCase):
    def save(self, month=DECEMBER, lines=None, user=None):
        user = user or self.pendamping_a
        lines = [Line(HOME, 12, "tgl 5, 12")] if lines is None else lines
        return actions.save_plan(user, month, lines, acting_user=user, today=TODAY)

    def test_it_saves_a_draft_leaving_out_the_lines_of_zero(self):
        plan = self.save(lines=[Line(HOME, 12, " tgl 5, 12 "), Line(P2K2, 0, "")])
        assert plan.status == PlanStatus.DRAFT
        assert lines_of(plan) == {HOME: (12, "tgl 5, 12")}
        assert actions_on(plan) == ["fieldwork.plan.save"]

    def test_saving_again_replaces_the_lines_and_records_what_changed(self):
        plan = self.save()
        self.save(lines=[Line(HOME, 10, "tgl 5"), Line(P2K2, 4, "Melati")])
        assert lines_of(plan) == {HOME: (10, "tgl 5"), P2K2: (4, "Melati")}
        last = AuditEntry.objects.filter(action="fieldwork.plan.save").order_by("pk").last()
        assert last.changes == {
            HOME: [[12, "tgl 5, 12"], [10, "tgl 5"]],
            P2K2: [None, [4, "Melati"]],
        }

    def test_it_refuses_a_count_above_500_or_below_0(self):
        for count in (501, -1):
            with pytest.raises(ValidationError):
                self.save(lines=[Line(HOME, count)])
        assert not WorkPlan.objects.exists()

    def test_it_writes_only_this_month_and_the_next(self):
        self.save(month=JANUARY)
        for month in (date(2026, 11, 1), date(2027, 2, 1)):
            with pytest.raises(ValidationError, match="hanya bulan ini dan bulan depan"):
                self.save(month=month)

    def test_a_pendamping_cannot_write_a_colleagues_plan(self):
        with pytest.raises(PermissionDenied):
            actions.save_plan(self.pendamping_a, DECEMBER, [], acting_user=self.pendamping_a2)
        with pytest.raises(PermissionDenied):
            actions.save_plan(self.korcam_a, DECEMBER, [], acting_user=self.korcam_a)

    def test_a_submitted_plan_is_not_edited(self):
        plan = actions.submit_plan(self.save(), acting_user=self.pendamping_a, today=TODAY)
        assert plan.status == PlanStatus.SUBMITTED and plan.submitted_at
        with pytest.raises(ValidationError, match="tidak dapat diubah"):
            self.save(lines=[Line(HOME, 1)])
        assert lines_of(plan) == {HOME: (12, "tgl 5, 12")}

    def test_an_empty_plan_is_not_submitted(self):
        plan = self.save(lines=[])
        with pytest.raises(ValidationError, match="paling sedikit satu"):
            actions.submit_plan(plan, acting_user=self.pendamping_a, today=TODAY)


class ReviewingAPlan(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        p = cls.pendamping_a
        plan = actions.save_plan(p, DECEMBER, [Line(HOME, 12)], acting_user=p, today=TODAY)
        cls.plan = actions.submit_plan(plan, acting_user=p, today=TODAY)
        cls.korcam_b = make_user("korcam_b", Role.KORCAM, KEC_B)

    def test_the_korcam_of_the_kecamatan_accepts_it(self):
        plan = actions.review_plan(self.plan, accept=True, acting_user=self.korcam_a)
        assert (plan.status, plan.reviewed_by, plan.review_note) == (
            PlanStatus.ACCEPTED,
            self.korcam_a,
            "",
        )
        assert actions_on(plan) == [
            "fieldwork.plan.save",
            "fieldwork.plan.submit",
            "fieldwork.plan.accept",
        ]

    def test_the_korkab_above_may_review_it_too(self):
        plan = actions.review_plan(self.plan, accept=True, acting_user=self.korkab)
        assert plan.status == PlanStatus.ACCEPTED

    def test_it_is_returned_with_a_note_then_edited_and_submitted_again(self):
        p = self.pendamping_a
        plan = actions.review_plan(
            self.plan, accept=False, note="Tambah P2K2", acting_user=self.korcam_a
        )
        assert (plan.status, plan.review_note) == (PlanStatus.RETURNED, "Tambah P2K2")
        actions.save_plan(p, DECEMBER, [Line(HOME, 12), Line(P2K2, 4)], acting_user=p, today=TODAY)
        plan = actions.submit_plan(plan, acting_user=p, today=TODAY)
        assert plan.status == PlanStatus.SUBMITTED
        assert actions_on(plan)[2:] == [
            "fieldwork.plan.return",
            "fieldwork.plan.save",
            "fieldwork.plan.submit",
        ]

    def test_returning_needs_a_note(self):
        with pytest.raises(ValidationError, match="Tulis catatan"):
            actions.review_plan(self.plan, accept=False, note="  ", acting_user=self.korcam_a)
        self.plan.refresh_from_db()
        assert self.plan.status == PlanStatus.SUBMITTED

    def test_nobody_else_reviews_it(self):
        """The pendamping themself, a colleague, the korcam of another kecamatan, the
        read-only korwil and the operator are refused; nothing changes."""
        for user in (self.pendamping_a, self.pendamping_a2, self.korcam_b, self.korwil,
                     self.operator, self.auditor):  # fmt: skip
            with pytest.raises(PermissionDenied):
                actions.review_plan(self.plan, accept=True, acting_user=user)
        self.plan.refresh_from_db()
        assert self.plan.status == PlanStatus.SUBMITTED

    def test_a_plan_is_reviewed_once(self):
        actions.review_plan(self.plan, accept=True, acting_user=self.korcam_a)
        with pytest.raises(ValidationError, match="tidak sedang menunggu"):
            actions.review_plan(self.plan, accept=False, note="x", acting_user=self.korkab)


class CopyingToTheNextMonth(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        p = cls.pendamping_a
        lines = [Line(HOME, 12, "KPM desa Sukamaju"), Line(P2K2, 4, "Melati, Mawar")]
        cls.plan = actions.save_plan(p, DECEMBER, lines, acting_user=p, today=TODAY)

    def test_the_lines_are_copied_into_a_new_draft_of_the_next_month(self):
        copy = actions.copy_plan(self.plan, acting_user=self.pendamping_a, today=TODAY)
        assert (copy.month, copy.status) == (JANUARY, PlanStatus.DRAFT)
        assert lines_of(copy) == {HOME: (12, "KPM desa Sukamaju"), P2K2: (4, "Melati, Mawar")}
        assert actions_on(copy) == ["fieldwork.plan.copy"]
        assert lines_of(self.plan) == lines_of(copy)  # the source is left as it was

    def test_it_does_not_overwrite_a_next_month_already_written(self):
        p = self.pendamping_a
        actions.save_plan(p, JANUARY, [Line(HOME, 3)], acting_user=p, today=TODAY)
        with pytest.raises(ValidationError, match="sudah berisi"):
            actions.copy_plan(self.plan, acting_user=p, today=TODAY)
        assert lines_of(WorkPlan.objects.get(pendamping=p, month=JANUARY)) == {HOME: (3, "")}

    def test_only_the_owner_copies_and_only_into_a_month_still_open(self):
        with pytest.raises(PermissionDenied):
            actions.copy_plan(self.plan, acting_user=self.pendamping_a2, today=TODAY)
        with pytest.raises(ValidationError, match="hanya bulan ini dan bulan depan"):
            actions.copy_plan(self.plan, acting_user=self.pendamping_a, today=date(2027, 2, 1))
