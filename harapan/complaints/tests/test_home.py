"""Each level's home to-do lists the complaints it holds at risk and breached, each count
equal to the total of the list it links to (the clock and moments of test_handling_list)."""

from django.urls import reverse

from harapan.testing import list_total, todo_of

from ..actions import reassign_complaint
from .base import ComplaintTestCase, file_complaint
from .test_handling_list import MONDAY, NOW, clock
from .test_sla import FRIDAY

AT_RISK = "pengaduan yang saya pegang berisiko melewati tenggat"
LATE = "pengaduan yang saya pegang terlambat"


class ComplaintTodoTest(ComplaintTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()

        def received(moment, **kwargs):
            kwargs.setdefault("family", cls.family_a)
            return file_complaint(saluran="datang", received_at=moment,
                                  acting_user=cls.korkab, **kwargs)[0]  # fmt: skip

        with clock(NOW):
            # pendamping_a holds two at risk and one breached.
            received(FRIDAY), received(FRIDAY), received(MONDAY)
            # korcam_a holds one at risk: about pendamping_a's conduct, never on their list.
            received(FRIDAY, kategori="perilaku_pendamping", accused=cls.pendamping_a)
            # korkab takes one breached over from pendamping_b, and hands korwil another.
            reassign_complaint(received(MONDAY, family=cls.family_b), to_user=cls.korkab,
                               acting_user=cls.korkab)  # fmt: skip
            reassign_complaint(received(MONDAY, family=cls.family_a2), to_user=cls.korwil,
                               acting_user=cls.korkab)  # fmt: skip

    def todo(self, user) -> dict[str, tuple[int, str]]:
        self.client.force_login(user)
        with clock(NOW):
            found = todo_of(self.client.get(reverse("home")))
        return {label: item for label, item in found.items() if label in (AT_RISK, LATE)}

    def total_of(self, link: str) -> int:
        with clock(NOW):
            return list_total(self.client.get(link))

    def test_each_level_sees_its_own_counts_equal_to_the_linked_lists(self):
        expected = {
            "pendamping_a": {AT_RISK: 2, LATE: 1},
            "korcam_a": {AT_RISK: 1},
            "korkab": {LATE: 1},
            "korwil": {LATE: 1},
            "pendamping_b": {},  # theirs went to the korkab
        }
        for username, counts in expected.items():
            with self.subTest(user=username):
                todo = self.todo(getattr(self, username))
                self.assertEqual({label: count for label, (count, _link) in todo.items()},
                                 counts)  # fmt: skip
                for count, link in todo.values():
                    self.assertEqual(self.total_of(link), count)

    def test_the_link_is_the_list_filtered_by_sla_and_mine(self):
        _count, link = self.todo(self.pendamping_a)[AT_RISK]
        self.assertEqual(link, reverse("complaints:list") + "?sla=berisiko&saya=on")
