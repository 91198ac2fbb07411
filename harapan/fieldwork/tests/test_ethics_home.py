"""The cases waiting for the korkab and above are on their home page: still to investigate
and still to decide, each count equal to the total of the case list it opens."""

from django.urls import reverse

from harapan.accounts.roles import Role
from harapan.testing import METRO_DESA, PersonaTestCase, list_total, make_user, todo_of

from .base import decided, investigated, reported

TO_INVESTIGATE = "kasus kode etik menunggu pemeriksaan"
TO_DECIDE = "kasus kode etik menunggu keputusan"


class EthicsCasesOnTheHomePage(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Tanggamus: two reported, one investigated, one decided. Metro: one reported.
        reported(cls.pendamping_a, cls.korkab)
        reported(cls.pendamping_b, cls.korkab, kind="gratifikasi", description="Hadiah.")
        investigated(cls.pendamping_a2, cls.korkab)
        decided(cls.pendamping_a, cls.korkab, kind="politik_praktis")
        metro_pendamping = make_user("pendamping_metro", Role.PENDAMPING, METRO_DESA[:6])
        korkab_metro = make_user("korkab_metro", Role.KORKAB, METRO_DESA[:4])
        reported(metro_pendamping, korkab_metro)

    def todo(self, user) -> dict:
        self.client.force_login(user)
        return todo_of(self.client.get(reverse("home")))

    def assert_counts(self, user, to_investigate: int, to_decide: int) -> None:
        todo = self.todo(user)
        for label, expected in ((TO_INVESTIGATE, to_investigate), (TO_DECIDE, to_decide)):
            count, link = todo[label]
            assert count == expected, (label, count)
            assert list_total(self.client.get(link)) == expected

    def test_the_korkab_counts_their_kabupatens_cases_as_their_lists_do(self):
        self.assert_counts(self.korkab, to_investigate=2, to_decide=1)

    def test_the_korwil_counts_the_provinces_cases(self):
        # Metro is in Lampung too: 3 reported, 1 investigated.
        self.assert_counts(self.korwil, to_investigate=3, to_decide=1)

    def test_the_korcam_and_the_auditor_are_given_no_such_work(self):
        for user in (self.korcam_a, self.auditor, self.pendamping_a):
            todo = self.todo(user)
            assert TO_INVESTIGATE not in todo and TO_DECIDE not in todo, user
