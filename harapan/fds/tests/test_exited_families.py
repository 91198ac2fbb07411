"""A family that has left PKH leaves P2K2's lists of current work; its history stays (§6, §7).

The family below left without its membership being ended, as families did
before exits were applied on their date: the lists must not rely on it.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from harapan.fds import actions
from harapan.fds.actions import Mark
from harapan.fds.models import Meeting, Membership
from harapan.fds.tests.test_meeting_pages import DAY, MeetingPages, detail_url
from harapan.registry.models import Family

EXIT = DAY + timedelta(days=61)
AFTER = DAY + timedelta(days=90)


class ExitedFamilies(MeetingPages):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.gone = cls.families[0]
        for n in range(3):  # absent at three meetings before leaving: it was flagged
            day = DAY + timedelta(days=30 * n)
            meeting = Meeting.objects.filter(group=cls.group, planned_on=day).first() or \
                actions.plan_meetings(cls.group, [day], acting_user=cls.pendamping_a)[0]  # fmt: skip
            cls.hold(cls, meeting, day, n + 1, {cls.gone.pk: "absen"})
        Family.objects.filter(pk=cls.gone.pk).update(
            status="keluar", exit_reason="sejahtera_mandiri", exit_date=EXIT
        )
        [cls.later] = actions.plan_meetings(cls.group, [AFTER], acting_user=cls.pendamping_a)

    def rows(self, meeting) -> set[int]:
        self.client.force_login(self.pendamping_a)
        return {row.family.pk for row in self.client.get(detail_url(meeting)).context["rows"]}

    def test_the_attendance_sheet_after_the_exit_leaves_the_family_out(self):
        assert self.rows(self.later) == {f.pk for f in self.families[1:]}

    def test_a_meeting_before_the_exit_still_lists_the_family(self):
        assert self.gone.pk in self.rows(self.meeting)

    def test_a_meeting_after_the_exit_cannot_be_recorded_with_the_family(self):
        marks = [Mark(f.pk, "hadir") for f in self.families]
        with pytest.raises(ValidationError):
            self.hold_with(self.later, marks)

    def hold_with(self, meeting, marks):
        return actions.record_meeting(
            meeting, held_on=AFTER, place="Balai desa", session=None, facilitator=None, notes="",
            marks=marks, acting_user=self.pendamping_a,
        )  # fmt: skip

    def test_the_group_lists_only_members_still_in_pkh_and_keeps_the_history(self):
        self.client.force_login(self.pendamping_a)
        page = self.client.get(reverse("fds:group_detail", args=[self.group.pk]))
        assert {m.family_id for m in page.context["members"]} == {f.pk for f in self.families[1:]}
        assert self.gone.pk in {m.family_id for m in page.context["history"]}
        listed = self.client.get(reverse("fds:group_list")).context["groups"]
        assert {g.pk: g.member_count for g in listed}[self.group.pk] == 4
        assert not Membership.objects.current().filter(family=self.gone).exists()

    def test_the_flagged_list_leaves_out_a_family_that_left(self):
        self.client.force_login(self.pendamping_a)
        assert self.client.get(reverse("fds:flagged")).context["families"] == []
