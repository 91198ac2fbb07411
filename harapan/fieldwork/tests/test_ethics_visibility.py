"""Who sees a code-of-ethics case (DESIGN §9, issue 16 acceptance): "A test of ethics-case
visibility for every persona: the pendamping sees only the decision, and korcam sees
nothing."

Two cases about pendamping_a, reported by the korkab: one investigated and not decided,
one decided (a warning). For EVERY persona of PersonaTestCase, written out by hand: the
list (its answer and its total), the menu item, each case's page, each case's decision
page, and the home page's line.
"""

from django.urls import reverse

from harapan.testing import PersonaTestCase, list_total
from harapan.tests.test_navigation import links

from .base import decided, investigated

REPORTER = "Bambang Pelapor"
SECRET_NOTE = "Tiga saksi membenarkan kartu ditahan"
UNDECIDED_TEXT = "Diduga menerima amplop dari calon kepala desa"
DECIDED_TEXT = "Kartu KKS dua KPM ditahan di rumah pendamping"
DECISION_TEXT = "Teguran tertulis pertama; kartu dikembalikan dalam 7 hari."

# persona: (list answers, list total, sees each case's page, menu item "Kode etik")
CASES_SEEN = {
    "pendamping_a": (404, None, False, False),
    "pendamping_a2": (404, None, False, False),
    "pendamping_b": (404, None, False, False),
    "korcam_a": (404, None, False, False),
    "korkab": (200, 2, True, True),
    "korwil": (200, 2, True, True),
    "operator": (404, None, False, False),
    "admin_pusat": (200, 2, True, True),
    "auditor": (200, 2, True, True),
}
# Who opens the decided case's decision page: the pendamping concerned, nobody else.
DECISION_READERS = {"pendamping_a"}


class EthicsVisibilityTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.korkab.first_name, cls.korkab.last_name = REPORTER.split()
        cls.korkab.save(update_fields=["first_name", "last_name"])
        cls.undecided = investigated(
            cls.pendamping_a, cls.korkab, kind="politik_praktis", description=UNDECIDED_TEXT,
            note=SECRET_NOTE,
        )  # fmt: skip
        cls.decided = decided(
            cls.pendamping_a, cls.korkab, description=DECIDED_TEXT, note=SECRET_NOTE,
            decision="teguran", text=DECISION_TEXT,
        )  # fmt: skip

    def as_(self, persona):
        self.client.force_login(getattr(self, persona))

    def test_every_persona_sees_the_cases_as_the_table_says(self):
        assert set(CASES_SEEN) == {"pendamping_a", "pendamping_a2", "pendamping_b", "korcam_a",
                                   "korkab", "korwil", "operator", "admin_pusat", "auditor"}  # fmt: skip
        for persona, (status, total, sees_cases, in_menu) in CASES_SEEN.items():
            with self.subTest(persona=persona):
                self.as_(persona)
                listed = self.client.get(reverse("fieldwork:ethics_list"))
                assert listed.status_code == status
                if total is not None:
                    assert list_total(listed) == total
                home = self.client.get(reverse("home"))
                assert ("Kode etik" in links(home)) is in_menu
                for case in (self.undecided, self.decided):
                    page = self.client.get(reverse("fieldwork:ethics_detail", args=[case.pk]))
                    assert page.status_code == (200 if sees_cases else 404), case
                # The step forms answer the same 404 to who does not see the cases.
                if not sees_cases:
                    url = reverse("fieldwork:ethics_decide", args=[self.undecided.pk])
                    assert (
                        self.client.post(url, {"decision": "teguran", "text": "x"}).status_code
                        == 404
                    )
                    assert self.client.get(reverse("fieldwork:ethics_new")).status_code == 404

    def test_only_the_pendamping_concerned_opens_the_decision_and_only_once_decided(self):
        for persona in CASES_SEEN:
            with self.subTest(persona=persona):
                self.as_(persona)
                decision = self.client.get(
                    reverse("fieldwork:ethics_decision", args=[self.decided.pk])
                )
                assert decision.status_code == (200 if persona in DECISION_READERS else 404)
                undecided = self.client.get(
                    reverse("fieldwork:ethics_decision", args=[self.undecided.pk])
                )
                assert undecided.status_code == 404

    def test_the_decision_page_shows_the_outcome_and_nothing_else_of_the_case(self):
        self.as_("pendamping_a")
        page = self.client.get(reverse("fieldwork:ethics_decision", args=[self.decided.pk]))
        for shown in ("Keputusan kode etik", "Menahan kartu KKS", "Teguran", DECISION_TEXT):
            self.assertContains(page, shown)
        text = page.content.decode()
        for hidden in (REPORTER, "Bambang", SECRET_NOTE, DECIDED_TEXT, UNDECIDED_TEXT,
                       "Politik praktis", "teguran"):  # fmt: skip
            assert hidden not in text, hidden

    def test_the_pendamping_home_tells_the_decision_and_never_the_undecided_case(self):
        self.as_("pendamping_a")
        home = self.client.get(reverse("home"))
        decision_url = reverse("fieldwork:ethics_decision", args=[self.decided.pk])
        self.assertContains(home, f'href="{decision_url}"', count=1)
        undecided_url = reverse("fieldwork:ethics_decision", args=[self.undecided.pk])
        self.assertNotContains(home, undecided_url)
        for hidden in (UNDECIDED_TEXT, "Politik praktis", REPORTER):
            self.assertNotContains(home, hidden)
        for persona in CASES_SEEN.keys() - {"pendamping_a"}:
            self.as_(persona)
            self.assertNotContains(self.client.get(reverse("home")), "Keputusan kode etik")

    def test_a_colleague_cannot_read_the_decision(self):
        self.as_("pendamping_a2")
        url = reverse("fieldwork:ethics_decision", args=[self.decided.pk])
        assert self.client.get(url).status_code == 404
        self.decided.refresh_from_db()
        assert self.decided.decision_seen_at is None
