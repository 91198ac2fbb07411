"""Coordination meetings (issue 16): carry-over with history, attendance, scoping, refusals
and the owner's home to-do. Every expected figure is counted by hand from the set-up."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from harapan.accounts.roles import Role
from harapan.audit.models import AuditEntry
from harapan.display.formats import day
from harapan.fieldwork import actions_meetings as actions
from harapan.fieldwork.models import ActionFollowUp, ActionItem, CoordinationMeeting
from harapan.testing import (
    KEC_A,
    KEC_B,
    METRO_DESA,
    PersonaTestCase,
    list_total,
    make_user,
    todo_of,
)

CARRIED = re.compile(
    r'<li class="stack carried-item" id="tindak-lanjut-(\d+)">(.*?)</li>\s*(?=<li class="stack carried-item"|</ol>)',
    re.S,
)
FOLLOW_UP = re.compile(r'<li class="follow-up">([^<]*)</li>')


def written() -> int:
    """The meeting actions' audit rows (signing in writes rows of its own)."""
    return AuditEntry.objects.filter(action__startswith="fieldwork.").count()


def days_ago(n: int):
    return timezone.localdate() - timedelta(days=n)


def carried_on_page(response) -> dict[int, list[str]]:
    """{item id: its history rows as the page writes them} of the agenda's carried items."""
    html = response.content.decode()
    return {int(pk): [" ".join(row.split()) for row in FOLLOW_UP.findall(body)]
            for pk, body in CARRIED.findall(html)}  # fmt: skip


class MeetingCase(PersonaTestCase):
    def plan(self, days: int, user=None, agenda="Evaluasi bulanan"):
        self.client.force_login(user or self.korcam_a)
        response = self.client.post(reverse("fieldwork:meeting_new"),
                                    {"on": days_ago(days).isoformat(), "place": "Aula kecamatan",
                                     "agenda": agenda})  # fmt: skip
        assert response.status_code == 302, response.content.decode()[:2000]
        return CoordinationMeeting.objects.order_by("pk").last()

    def record(self, meeting, presence: dict, minutes="Dibahas capaian verifikasi."):
        data = {f"hadir_{user.pk}": value for user, value in presence.items()}
        return self.client.post(reverse("fieldwork:meeting_record", args=[meeting.pk]),
                                {**data, "minutes": minutes})  # fmt: skip

    def add_item(self, meeting, owner, due_days_ago: int, text="Kirim rekap verifikasi"):
        return self.client.post(reverse("fieldwork:action_item_add", args=[meeting.pk]),
                                {"text": text, "owner": owner.pk,
                                 "due_on": days_ago(due_days_ago).isoformat()})  # fmt: skip

    def follow_up(self, meeting, item, status, note=""):
        prefix = f"t{item.pk}"
        return self.client.post(reverse("fieldwork:follow_up_record", args=[meeting.pk]),
                                {"item": item.pk, f"{prefix}-item": item.pk,
                                 f"{prefix}-status": status, f"{prefix}-note": note})  # fmt: skip


class CarryOverTest(MeetingCase):
    def test_an_item_not_done_carries_over_to_the_next_meeting_with_its_history(self):
        first = self.plan(60)
        self.add_item(first, self.pendamping_a, 50, text="Kirim rekap verifikasi Kuripan")
        self.add_item(first, self.pendamping_a2, 50, text="Perbaiki data KKS hilang")
        open_item, done_item = ActionItem.objects.order_by("pk")

        second = self.plan(30)
        page = self.client.get(reverse("fieldwork:meeting_detail", args=[second.pk]))
        self.assertContains(page, "Tindak lanjut rapat sebelumnya")
        assert carried_on_page(page) == {open_item.pk: [], done_item.pk: []}
        # The chair is offered a follow-up form for each, with the names the view reads.
        for item in (open_item, done_item):
            self.assertContains(page, f'name="t{item.pk}-status" value="selesai"')
        self.follow_up(second, open_item, "masih_terbuka", "Menunggu data desa")
        self.follow_up(second, done_item, "selesai", "Sudah dikirim")
        # The meeting that closed an item still shows it, with what it recorded.
        page = self.client.get(reverse("fieldwork:meeting_detail", args=[second.pk]))
        day2 = page.context["meeting"].on
        assert carried_on_page(page) == {
            open_item.pk: [f"{day(day2)}: Masih berjalan · Menunggu data desa"],
            done_item.pk: [f"{day(day2)}: Selesai · Sudah dikirim"],
        }

        third = self.plan(2)
        self.follow_up(third, open_item, "masih_terbuka", "Dua desa belum setor")
        page = self.client.get(reverse("fieldwork:meeting_detail", args=[third.pk]))
        assert carried_on_page(page) == {
            open_item.pk: [
                f"{day(day2)}: Masih berjalan · Menunggu data desa",
                f"{day(third.on)}: Masih berjalan · Dua desa belum setor",
            ]
        }
        self.assertContains(page, f"dari rapat {day(first.on)}")
        open_item.refresh_from_db()
        done_item.refresh_from_db()
        assert (open_item.status, open_item.closed_on) == ("terbuka", None)
        assert (done_item.status, done_item.closed_on) == ("selesai", second.on)
        assert ActionFollowUp.objects.count() == 3

    def test_an_item_its_owner_closed_before_the_next_meeting_does_not_carry(self):
        first = self.plan(60)
        self.add_item(first, self.pendamping_a, 40)
        [item] = ActionItem.objects.all()
        self.client.force_login(self.pendamping_a)
        self.client.post(reverse("fieldwork:action_item_close", args=[item.pk]))
        item.refresh_from_db()
        assert (item.status, item.closed_on) == ("selesai", timezone.localdate())
        # A meeting after the day it was closed does not list it; one held before does.
        later = CoordinationMeeting.objects.create(
            level="kecamatan", region_code=KEC_A, on=timezone.localdate() + timedelta(days=3),
            chair=self.korcam_a, created_by=self.korcam_a)  # fmt: skip
        earlier = self.plan(30)
        assert list(ActionItem.objects.carried_to(later)) == []
        assert list(ActionItem.objects.carried_to(earlier)) == [item]

    def test_items_of_another_kecamatan_or_level_do_not_carry(self):
        korcam_b = make_user("korcam_b", Role.KORCAM, KEC_B)
        meeting_b = self.plan(60, user=korcam_b)
        self.add_item(meeting_b, self.pendamping_b, 50)
        kabupaten = self.plan(60, user=self.korkab)
        self.add_item(kabupaten, self.korcam_a, 50)
        assert ActionItem.objects.count() == 2
        mine = self.plan(10)
        assert list(ActionItem.objects.carried_to(mine)) == []


class AttendanceTest(MeetingCase):
    def test_a_kecamatan_meeting_expects_the_active_pendamping_of_the_kecamatan(self):
        make_user("pendamping_pensiun", Role.PENDAMPING, KEC_A, is_active=False)
        meeting = self.plan(5)
        expected = set(meeting.attendance.values_list("user__username", flat=True))
        assert expected == {"pendamping_a", "pendamping_a2"}

    def test_a_kabupaten_meeting_expects_the_korcam_of_the_kabupaten(self):
        make_user("korcam_b", Role.KORCAM, KEC_B)
        make_user("korcam_metro", Role.KORCAM, METRO_DESA[:6])
        meeting = self.plan(5, user=self.korkab)
        assert (meeting.level, meeting.region_code) == ("kabupaten", "1806")
        expected = set(meeting.attendance.values_list("user__username", flat=True))
        assert expected == {"korcam_a", "korcam_b"}

    def test_recording_keeps_each_presence_and_the_minutes_and_marks_it_held(self):
        meeting = self.plan(5)
        response = self.record(meeting, {self.pendamping_a: "hadir", self.pendamping_a2: "izin"})
        assert response.status_code == 302
        meeting.refresh_from_db()
        assert (meeting.status, meeting.minutes) == ("terlaksana", "Dibahas capaian verifikasi.")
        assert dict(meeting.attendance.values_list("user__username", "presence")) == {
            "pendamping_a": "hadir", "pendamping_a2": "izin"}  # fmt: skip
        assert AuditEntry.objects.filter(action="fieldwork.meeting.record").count() == 1

    def test_an_attendee_left_unmarked_saves_nothing(self):
        meeting = self.plan(5)
        audits = written()
        self.record(meeting, {self.pendamping_a: "hadir"})
        meeting.refresh_from_db()
        assert (meeting.status, meeting.minutes) == ("direncanakan", "")
        assert set(meeting.attendance.values_list("presence", flat=True)) == {""}
        assert written() == audits


class RefusalTest(MeetingCase):
    def assert_nothing_changed(self, audits, meetings=None, items=None):
        assert written() == audits
        if meetings is not None:
            assert CoordinationMeeting.objects.count() == meetings
        if items is not None:
            assert ActionItem.objects.count() == items

    def test_a_pendamping_cannot_plan_a_meeting(self):
        self.client.force_login(self.pendamping_a)
        audits = written()
        response = self.client.post(
            reverse("fieldwork:meeting_new"), {"on": days_ago(1).isoformat(), "agenda": "Rapat"}
        )
        assert response.status_code == 403
        assert self.client.get(reverse("fieldwork:meeting_new")).status_code == 403
        self.assert_nothing_changed(audits, meetings=0)

    def test_an_owner_outside_the_meetings_region_is_refused(self):
        meeting = self.plan(5)
        audits = written()
        response = self.add_item(meeting, self.pendamping_b, 1)
        assert response.status_code == 302
        self.assert_nothing_changed(audits, items=0)
        assert "bukan peserta rapat ini" in str(list(response.wsgi_request._messages))
        # Even past the form, the action refuses a korcam as owner at a kecamatan meeting.
        with self.assertRaisesMessage(Exception, "pendamping aktif di wilayah rapat ini"):
            actions.add_action_item(meeting, text="x", owner=self.korcam_a,
                                    due_on=meeting.on, acting_user=self.korcam_a)  # fmt: skip
        self.assert_nothing_changed(audits, items=0)

    def test_a_due_date_before_the_meeting_is_refused(self):
        meeting = self.plan(5)
        audits = written()
        response = self.add_item(meeting, self.pendamping_a, 6)
        assert "Tenggat tidak boleh sebelum tanggal rapat" in str(
            list(response.wsgi_request._messages))  # fmt: skip
        self.assert_nothing_changed(audits, items=0)
        self.add_item(meeting, self.pendamping_a, 5)  # the meeting's own day is fine
        assert ActionItem.objects.count() == 1

    def test_only_the_chair_records_and_only_the_owner_closes(self):
        meeting = self.plan(5)
        self.add_item(meeting, self.pendamping_a, 1)
        [item] = ActionItem.objects.all()
        audits = written()
        self.client.force_login(self.korkab)  # sees the meeting, does not chair it
        self.record(meeting, {self.pendamping_a: "hadir", self.pendamping_a2: "hadir"})
        self.add_item(meeting, self.pendamping_a2, 1)
        self.client.force_login(self.pendamping_a)
        assert self.record(meeting, {self.pendamping_a: "hadir"}).status_code == 403
        self.client.force_login(self.pendamping_a2)  # not the owner
        self.client.post(reverse("fieldwork:action_item_close", args=[item.pk]))
        item.refresh_from_db()
        meeting.refresh_from_db()
        assert (meeting.status, item.status) == ("direncanakan", "terbuka")
        self.assert_nothing_changed(audits, items=1)

    def test_a_follow_up_on_an_item_not_carried_to_the_meeting_is_refused(self):
        meeting = self.plan(5)
        self.add_item(meeting, self.pendamping_a, 1)
        [item] = ActionItem.objects.all()
        audits = written()
        self.follow_up(meeting, item, "selesai", "di rapat yang sama")  # raised here, not carried
        item.refresh_from_db()
        assert item.status == "terbuka"
        assert ActionFollowUp.objects.count() == 0
        self.assert_nothing_changed(audits)


class ScopingTest(MeetingCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.korcam_b = make_user("korcam_b", Role.KORCAM, KEC_B)
        korkab_metro = make_user("korkab_metro", Role.KORKAB, METRO_DESA[:4])
        korcam_metro = make_user("korcam_metro", Role.KORCAM, METRO_DESA[:6])
        plan = lambda user, days: actions.plan_meeting(  # noqa: E731
            on=days_ago(days), place="", agenda="", acting_user=user)  # fmt: skip
        cls.meetings = {
            "a": plan(cls.korcam_a, 3),
            "b": plan(cls.korcam_b, 4),
            "kab": plan(cls.korkab, 5),
            "metro": plan(korcam_metro, 6),
            "metro_kab": plan(korkab_metro, 7),
        }

    def listed(self, user) -> set[str]:
        self.client.force_login(user)
        response = self.client.get(reverse("fieldwork:meeting_list"))
        ids = {int(pk) for pk in re.findall(r"/kerja/rapat/(\d+)/", response.content.decode())}
        names = {meeting.pk: name for name, meeting in self.meetings.items()}
        assert list_total(response) == len(ids)
        return {names[pk] for pk in ids}

    def test_each_persona_lists_the_meetings_of_their_region(self):
        expected = {
            "pendamping_a": {"a"},
            "pendamping_b": {"b"},
            "korcam_a": {"a", "kab"},
            "korkab": {"a", "b", "kab"},
            "korwil": {"a", "b", "kab", "metro", "metro_kab"},
            "operator": set(),
            "admin_pusat": {"a", "b", "kab", "metro", "metro_kab"},
            "auditor": {"a", "b", "kab", "metro", "metro_kab"},
        }
        for persona, names in expected.items():
            with self.subTest(persona):
                assert self.listed(getattr(self, persona)) == names

    def test_each_persona_lists_the_action_items_of_the_meetings_they_see(self):
        owners = {"a": self.pendamping_a, "b": self.pendamping_b, "kab": self.korcam_a}
        for name, owner in owners.items():
            meeting = self.meetings[name]
            actions.add_action_item(meeting, text=f"Item {name}", owner=owner, due_on=meeting.on,
                                    acting_user=meeting.chair)  # fmt: skip
        expected = {"pendamping_a": 1, "pendamping_b": 1, "korcam_a": 2, "korkab": 3,
                    "korwil": 3, "operator": 0, "admin_pusat": 3, "auditor": 3}  # fmt: skip
        for persona, total in expected.items():
            with self.subTest(persona):
                self.client.force_login(getattr(self, persona))
                assert list_total(self.client.get(reverse("fieldwork:action_items"))) == total

    def test_a_pendamping_of_another_kecamatan_gets_404(self):
        self.client.force_login(self.pendamping_b)
        url = reverse("fieldwork:meeting_detail", args=[self.meetings["a"].pk])
        assert self.client.get(url).status_code == 404
        self.client.force_login(self.pendamping_a)
        assert self.client.get(url).status_code == 200

    def test_the_auditor_reads_but_is_offered_no_form(self):
        self.client.force_login(self.auditor)
        page = self.client.get(reverse("fieldwork:meeting_detail", args=[self.meetings["a"].pk]))
        assert page.status_code == 200
        assert page.context["record_form"] is None and page.context["item_form"] is None


class HomeTodoTest(MeetingCase):
    def test_the_owners_home_counts_their_open_items_as_the_list_does(self):
        meeting = self.plan(20)
        self.add_item(meeting, self.pendamping_a, 10, text="Sudah lewat tenggat")
        self.add_item(meeting, self.pendamping_a, 0, text="Tenggat hari ini")
        self.add_item(meeting, self.pendamping_a, 15, text="Sudah selesai")
        self.add_item(meeting, self.pendamping_a2, 10, text="Milik rekan")
        self.client.force_login(self.pendamping_a)
        done = ActionItem.objects.get(text="Sudah selesai")
        self.client.post(reverse("fieldwork:action_item_close", args=[done.pk]))

        todo = todo_of(self.client.get(reverse("home")))
        mine, mine_url = todo["tindak lanjut rapat menjadi tanggung jawab saya"]
        late, late_url = todo["tindak lanjut rapat saya melewati tenggat"]
        # Open and mine: "lewat tenggat" and "hari ini" (2); past due of them: 1.
        assert (mine, late) == (2, 1)
        assert list_total(self.client.get(mine_url)) == 2
        late_page = self.client.get(late_url)
        assert list_total(late_page) == 1
        self.assertContains(late_page, "Sudah lewat tenggat")
        self.assertContains(late_page, "melewati tenggat")
        # The unfiltered list: every open item of the kecamatan's meetings (3).
        assert list_total(self.client.get(reverse("fieldwork:action_items"))) == 3

    def test_a_korcam_owns_items_of_the_kabupaten_meeting(self):
        meeting = self.plan(20, user=self.korkab)
        self.add_item(meeting, self.korcam_a, -5)  # due in five days
        self.client.force_login(self.korcam_a)
        todo = todo_of(self.client.get(reverse("home")))
        assert todo["tindak lanjut rapat menjadi tanggung jawab saya"][0] == 1
        assert "tindak lanjut rapat saya melewati tenggat" not in todo


class QueryCountTest(MeetingCase):
    def queries(self, url) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert self.client.get(url).status_code == 200
        return len(captured)

    def test_the_meeting_page_and_item_list_cost_the_same_for_one_item_or_four(self):
        first = self.plan(60)
        self.add_item(first, self.pendamping_a, 50)
        second = self.plan(30)
        [item] = ActionItem.objects.all()
        self.follow_up(second, item, "masih_terbuka", "Belum")
        meeting_url = reverse("fieldwork:meeting_detail", args=[second.pk])
        list_url = reverse("fieldwork:action_items")
        few = self.queries(meeting_url), self.queries(list_url)
        for owner in (self.pendamping_a, self.pendamping_a2, self.pendamping_a2):
            self.add_item(first, owner, 50)
        for added in ActionItem.objects.exclude(pk=item.pk):
            self.follow_up(second, added, "masih_terbuka", "Belum")
        assert ActionFollowUp.objects.count() == 4
        assert (self.queries(meeting_url), self.queries(list_url)) == few
