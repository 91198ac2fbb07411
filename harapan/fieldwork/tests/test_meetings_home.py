"""A meeting whose day has come and that is not recorded yet is work for its chair: a line
on their home page whose count equals the meeting list's filtered total."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from harapan.testing import PersonaTestCase, list_total, todo_of

from ..actions_meetings import plan_meeting, record_meeting

LABEL = "rapat koordinasi belum dicatat"


class MeetingsToRecordOnTheHomePage(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        today = timezone.localdate()

        def meeting(days: int):
            return plan_meeting(on=today + timedelta(days=days), place="Aula", agenda="Evaluasi",
                                acting_user=cls.korcam_a)  # fmt: skip

        meeting(-1)  # yesterday, not recorded: due
        meeting(0)  # today, not recorded: due
        meeting(3)  # still ahead: not yet
        held = meeting(-14)
        record_meeting(held, minutes="Dibahas.", acting_user=cls.korcam_a,
                       presence={cls.pendamping_a.pk: "hadir", cls.pendamping_a2.pk: "hadir"})  # fmt: skip

    def todo(self, user) -> dict:
        self.client.force_login(user)
        return todo_of(self.client.get(reverse("home")))

    def test_the_chair_counts_the_two_meetings_due_as_the_list_does(self):
        count, link = self.todo(self.korcam_a)[LABEL]
        assert count == 2
        assert list_total(self.client.get(link)) == 2
        # The unfiltered list has all four.
        assert list_total(self.client.get(reverse("fieldwork:meeting_list"))) == 4

    def test_those_who_do_not_chair_them_are_given_no_such_work(self):
        for user in (self.korkab, self.pendamping_a):
            assert LABEL not in self.todo(user), user
