"""Coaching notes (pembinaan berjenjang, DESIGN §9): visible to the person coached, the
writer and the levels above in the region, never to a colleague; written only by a
supervisor above the person; the follow-up recorded once; home lines that agree with the
lists they open."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from harapan.audit.models import AuditEntry
from harapan.testing import PersonaTestCase, list_total, todo_of
from harapan.tests.test_navigation import links

from ..actions_coaching import record_follow_up, write_note
from ..models import CoachingNote
from .base import note_about

TODAY = timezone.localdate()


def days(n: int):
    return TODAY + timedelta(days=n)


class CoachingVisibilityTest(PersonaTestCase):
    """Four notes: about pendamping_a and about pendamping_a2 by korcam_a; about korcam_a and
    about pendamping_b by the korkab. Counted by hand per persona below."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.about_a = note_about(cls.pendamping_a, cls.korcam_a, on=days(-2), follow_up_on=days(5))
        cls.about_a2 = note_about(
            cls.pendamping_a2, cls.korcam_a, on=days(-2), follow_up_on=days(5)
        )
        cls.about_korcam = note_about(cls.korcam_a, cls.korkab, on=days(-1), follow_up_on=days(9))
        cls.about_b = note_about(cls.pendamping_b, cls.korkab, on=days(-1), follow_up_on=days(9))

    # persona: (list answer, the notes seen, menu item "Pembinaan")
    SEEN = {
        "pendamping_a": (200, {"about_a"}, True),
        "pendamping_a2": (200, {"about_a2"}, True),
        "pendamping_b": (200, {"about_b"}, True),
        "korcam_a": (200, {"about_a", "about_a2", "about_korcam"}, True),
        "korkab": (200, {"about_a", "about_a2", "about_korcam", "about_b"}, True),
        "korwil": (200, {"about_a", "about_a2", "about_korcam", "about_b"}, True),
        "operator": (403, set(), False),
        "admin_pusat": (200, {"about_a", "about_a2", "about_korcam", "about_b"}, True),
        "auditor": (200, {"about_a", "about_a2", "about_korcam", "about_b"}, True),
    }
    NOTES = ("about_a", "about_a2", "about_korcam", "about_b")

    def test_every_persona_sees_the_notes_the_table_says(self):
        for persona, (status, seen, in_menu) in self.SEEN.items():
            with self.subTest(persona=persona):
                self.client.force_login(getattr(self, persona))
                listed = self.client.get(reverse("fieldwork:coaching_list"))
                assert listed.status_code == status
                if status == 200:
                    assert list_total(listed) == len(seen)
                assert ("Pembinaan" in links(self.client.get(reverse("home")))) is in_menu
                for name in self.NOTES:
                    url = reverse("fieldwork:coaching_detail", args=[getattr(self, name).pk])
                    assert self.client.get(url).status_code == (200 if name in seen else 404), name

    def test_the_list_filters_by_person(self):
        self.client.force_login(self.korkab)
        url = reverse("fieldwork:coaching_list")
        listed = self.client.get(url, {"orang": self.pendamping_a.pk})
        assert list_total(listed) == 1
        self.assertContains(listed, reverse("fieldwork:coaching_detail", args=[self.about_a.pk]))


class CoachingWritingTest(PersonaTestCase):
    def state(self):
        codes = AuditEntry.objects.filter(action__startswith="fieldwork.coaching")
        return list(CoachingNote.objects.order_by("pk").values()), codes.count()

    def test_a_supervisor_writes_about_a_lower_tier_of_their_region_only(self):
        before = self.state()
        refused = [
            (self.pendamping_a2, self.pendamping_a),  # a colleague
            (self.korcam_a, self.pendamping_b),  # another kecamatan
            (self.korkab, self.korkab),  # oneself
            (self.operator, self.pendamping_a),  # not a supervisor
            (self.admin_pusat, self.pendamping_a),  # reads, does not coach
        ]
        for writer, coached in refused:
            with self.subTest(writer=writer.username), pytest.raises(PermissionDenied):
                note_about(coached, writer, on=TODAY, follow_up_on=days(7))
        self.client.force_login(self.pendamping_a)
        assert self.client.get(reverse("fieldwork:coaching_new")).status_code == 403
        assert self.state() == before
        note = note_about(self.korcam_a, self.korkab, on=TODAY, follow_up_on=days(7))
        assert (note.region_code, note.writer) == ("180601", self.korkab)
        assert self.state()[1] == 1

    def test_the_follow_up_date_is_not_before_the_note(self):
        with pytest.raises(ValidationError):
            write_note(self.pendamping_a, on=TODAY, topic="P2K2", note="x",
                       follow_up_on=days(-1), acting_user=self.korcam_a)  # fmt: skip
        assert CoachingNote.objects.count() == 0

    def test_the_korcam_writes_a_note_and_records_its_follow_up_through_the_pages(self):
        self.client.force_login(self.korcam_a)
        answer = self.client.post(reverse("fieldwork:coaching_new"), {
            "coached": self.pendamping_a.pk, "on": f"{TODAY:%Y-%m-%d}", "topic": "Kunjungan rumah",
            "note": "Kunjungan baru 3 dari 10.", "follow_up_on": f"{days(7):%Y-%m-%d}",
        })  # fmt: skip
        note = CoachingNote.objects.get()
        assert answer.url == reverse("fieldwork:coaching_detail", args=[note.pk])
        url = reverse("fieldwork:coaching_follow_up", args=[note.pk])
        self.client.post(url, {"outcome": "Sudah 9 dari 10."})
        note.refresh_from_db()
        assert note.follow_up_outcome == "Sudah 9 dari 10." and note.follow_up_done_at
        with pytest.raises(ValidationError):
            record_follow_up(note, outcome="Lagi.", acting_user=self.korcam_a)
        codes = AuditEntry.objects.filter(action__startswith="fieldwork.coaching")
        assert list(codes.order_by("pk").values_list("action", flat=True)) == [
            "fieldwork.coaching.write", "fieldwork.coaching.follow_up",
        ]  # fmt: skip

    def test_the_person_coached_reads_but_does_not_record_the_follow_up(self):
        note = note_about(self.pendamping_a, self.korcam_a, on=TODAY, follow_up_on=days(7))
        self.client.force_login(self.pendamping_a)
        url = reverse("fieldwork:coaching_follow_up", args=[note.pk])
        assert self.client.post(url, {"outcome": "Selesai."}).status_code == 403
        note.refresh_from_db()
        assert note.follow_up_done_at is None


class CoachingHomeTest(PersonaTestCase):
    """korcam_a wrote five notes: follow-up due yesterday, due today, due today but done,
    due tomorrow, and one due yesterday about pendamping_a2: 3 due and not done.
    The korkab wrote one about korcam_a due yesterday: theirs, not the korcam's.
    About pendamping_a: written today, 10 days ago (both new), 40 days ago (not new)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        k, p = cls.korcam_a, cls.pendamping_a
        note_about(p, k, on=days(-40), follow_up_on=days(-1))
        note_about(p, k, on=days(-10), follow_up_on=TODAY)
        done = note_about(p, k, on=TODAY, follow_up_on=TODAY)
        record_follow_up(done, outcome="Sudah.", acting_user=k)
        note_about(cls.pendamping_a2, k, on=days(-3), follow_up_on=days(1))
        note_about(cls.pendamping_a2, k, on=days(-3), follow_up_on=days(-1))
        note_about(k, cls.korkab, on=days(-3), follow_up_on=days(-1))

    def test_the_writer_sees_the_follow_ups_due_and_the_list_shows_as_many(self):
        for user, expected in ((self.korcam_a, 3), (self.korkab, 1)):
            self.client.force_login(user)
            count, link = todo_of(self.client.get(reverse("home")))[
                "tindak lanjut pembinaan jatuh tempo"
            ]
            assert count == expected
            assert list_total(self.client.get(link)) == expected

    def test_the_person_coached_is_told_of_the_new_notes_about_them(self):
        self.client.force_login(self.pendamping_a)
        home = self.client.get(reverse("home"))
        self.assertContains(home, "catatan pembinaan baru tentang Anda")
        self.assertContains(home, 'data-count="2"')
        listed = self.client.get(reverse("fieldwork:coaching_list"), {"baru": "on"})
        assert list_total(listed) == 2
        assert "tindak lanjut pembinaan jatuh tempo" not in todo_of(home)


class CoachingListQueriesTest(PersonaTestCase):
    def queries_of_the_list(self) -> int:
        self.client.force_login(self.korkab)
        with CaptureQueriesContext(connection) as queries:
            assert self.client.get(reverse("fieldwork:coaching_list")).status_code == 200
        return len(queries)

    def test_more_notes_cost_no_more_queries(self):
        note_about(self.pendamping_a, self.korcam_a, on=TODAY, follow_up_on=TODAY)
        one = self.queries_of_the_list()
        for coached, writer in ((self.pendamping_b, self.korkab), (self.korcam_a, self.korkab),
                                (self.pendamping_a2, self.korcam_a)):  # fmt: skip
            note_about(coached, writer, on=TODAY, follow_up_on=TODAY)
        assert self.queries_of_the_list() == one
