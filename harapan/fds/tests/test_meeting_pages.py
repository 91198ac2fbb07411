"""The P2K2 meeting pages: planning, the attendance page, the month's list, the flagged (§6)."""

import re
from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from harapan.audit.models import AuditEntry
from harapan.fds import actions
from harapan.fds.actions import Mark
from harapan.fds.models import Attendance, Group, Meeting, MeetingStatus, Session
from harapan.testing import DESA_A, DESA_B, PersonaTestCase, make_family

START = date(2025, 1, 10)
DAY = date(2025, 3, 12)


def head_of(family) -> str:
    return family.members.get(relation="kepala_keluarga").name


def is_checked(html: str, family, choice: int) -> bool:
    """Whether the page's radio `choice` (0 hadir, 1 izin, 2 tidak hadir) is checked."""
    return bool(re.search(rf'id="id_f{family.pk}-presence_{choice}"[^>]* checked', html))


def detail_url(meeting) -> str:
    return reverse("fds:meeting_detail", args=[meeting.pk])


def plan_url(group) -> str:
    return reverse("fds:meeting_plan", args=[group.pk])


def make_group(pendamping, size: int, name: str = "Melati", desa: str = DESA_A) -> Group:
    group = actions.save_group(Group(name=name, region_code=desa, pendamping=pendamping),
                               acting_user=pendamping)  # fmt: skip
    for _ in range(size):
        family = make_family(region_code=desa, pendamping=pendamping)
        actions.assign_family(group, family, on=START, acting_user=pendamping)
    return group


def attendance_post(meeting, held_on=DAY, session=1, presence=None, extra=None, **fields):
    """What the attendance page posts: every member row, hadir unless told otherwise."""
    presence = presence or {}
    families = list(actions.members_on(meeting.group, held_on).values_list("pk", flat=True))
    data = {
        "held_on": held_on.isoformat(),
        "place": "Balai desa",
        "session": Session.objects.get(number=session).pk,
        "facilitator": meeting.group.pendamping_id,
        "notes": "",
        "family": [str(pk) for pk in families + list(extra or [])],
    }
    for pk in families + list(extra or []):
        data[f"f{pk}-presence"] = presence.get(pk, "hadir")
        data[f"f{pk}-attendee"] = ""
    data.update(fields)
    return data


class MeetingPages(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.group = make_group(cls.pendamping_a, 4)
        actions.assign_family(cls.group, cls.family_a, on=START, acting_user=cls.pendamping_a)
        cls.families = list(actions.members_on(cls.group, DAY).order_by("pk"))
        [cls.meeting] = actions.plan_meetings(cls.group, [DAY], acting_user=cls.pendamping_a)
        cls.group_b = make_group(cls.pendamping_b, 2, name="Mawar", desa=DESA_B)
        [cls.meeting_b] = actions.plan_meetings(cls.group_b, [DAY], acting_user=cls.pendamping_b)

    def hold(self, meeting, day, session, presence=None):
        presence = presence or {}
        marks = [Mark(f.pk, presence.get(f.pk, "hadir")) for f in
                 actions.members_on(meeting.group, day)]  # fmt: skip
        return actions.record_meeting(
            meeting, held_on=day, place="Balai desa", session=Session.objects.get(number=session),
            facilitator=meeting.group.pendamping, notes="", marks=marks,
            acting_user=meeting.group.pendamping,
        )  # fmt: skip


class Scoping(MeetingPages):
    def test_pendamping_b_cannot_see_pendamping_a_meetings(self):
        self.client.force_login(self.pendamping_b)
        assert self.client.get(detail_url(self.meeting)).status_code == 404
        assert self.client.get(plan_url(self.group)).status_code == 404
        cancel = reverse("fds:meeting_cancel", args=[self.meeting.pk])
        assert self.client.post(cancel, {"reason": "hujan"}).status_code == 404
        page = self.client.get(reverse("fds:meeting_list"), {"bulan": "2025-03"})
        assert list(page.context["meetings"]) == [self.meeting_b]
        assert self.client.post(detail_url(self.meeting), attendance_post(self.meeting)
                                ).status_code == 404  # fmt: skip
        assert not Meeting.objects.filter(status=MeetingStatus.HELD).exists()

    def test_a_colleague_in_the_same_kecamatan_does_not_see_the_group(self):
        self.client.force_login(self.pendamping_a2)
        assert self.client.get(detail_url(self.meeting)).status_code == 404

    def test_korcam_sees_the_meeting_of_their_kecamatan(self):
        self.client.force_login(self.korcam_a)
        page = self.client.get(detail_url(self.meeting))
        assert page.status_code == 200
        assert len(page.context["rows"]) == 5

    def test_read_only_roles_see_pages_without_forms_and_get_403_on_post(self):
        self.hold(self.meeting, DAY, 1, {self.families[0].pk: "izin"})
        [planned] = actions.plan_meetings(self.group, [DAY + timedelta(days=30)],
                                          acting_user=self.pendamping_a)  # fmt: skip
        for user in (self.korwil, self.auditor):
            self.client.force_login(user)
            page = self.client.get(detail_url(self.meeting))
            assert page.status_code == 200
            assert b'method="post" class="stack attendance"' not in page.content
            assert head_of(self.families[0]).encode() in page.content
            assert page.context["tally"] == {"hadir": 4, "izin": 1, "absen": 0}
            assert b"Batalkan" not in self.client.get(detail_url(planned)).content
            plan = self.client.get(plan_url(self.group))
            assert plan.status_code == 200 and plan.context["form"] is None
            posts = [
                (detail_url(self.meeting), attendance_post(self.meeting)),
                (plan_url(self.group), {"start": "2025-06-01", "count": "1"}),
                (reverse("fds:meeting_cancel", args=[planned.pk]), {"reason": "hujan"}),
            ]
            for url, data in posts:
                assert self.client.post(url, data).status_code == 403
        planned.refresh_from_db()
        assert planned.status == MeetingStatus.PLANNED
        assert self.group.meetings.count() == 2

    def test_an_anonymous_visitor_is_sent_to_sign_in(self):
        page = self.client.get(reverse("fds:flagged"))
        assert page.status_code == 302 and "/masuk/" in page["Location"]


class Planning(MeetingPages):
    def test_it_plans_monthly_meetings_from_a_start_date_and_keeps_the_day(self):
        self.client.force_login(self.pendamping_a)
        data = {"start": "2025-01-31", "count": "3", "more": "2025-05-05, 2025-03-12"}
        page = self.client.post(plan_url(self.group), data, follow=True)
        days = list(self.group.meetings.order_by("planned_on").values_list("planned_on", flat=True))
        # 12 March was planned already; 31 January falls on the last day of a shorter month.
        assert days == [date(2025, 1, 31), date(2025, 2, 28), DAY, date(2025, 3, 31),
                        date(2025, 5, 5)]  # fmt: skip
        assert "4 pertemuan direncanakan." in page.content.decode()
        assert len(page.context["meetings"]) == 5
        again = self.client.post(plan_url(self.group), data, follow=True)
        assert "Semua tanggal itu sudah direncanakan." in again.content.decode()
        assert self.group.meetings.count() == 5

    def test_bad_plan_input_gets_a_message_and_plans_nothing(self):
        self.client.force_login(self.pendamping_a)
        for data, message in [
            ({"start": "2025-04-01", "count": "40"}, "Paling banyak 12 pertemuan"),
            ({"more": "12/04/2025"}, "Tanggal &#x27;12/04/2025&#x27; tidak valid"),
            ({}, "Isi tanggal pertemuan pertama atau tanggal lain."),
        ]:
            page = self.client.post(plan_url(self.group), data)
            assert page.status_code == 400
            assert message in page.content.decode()
        assert self.group.meetings.count() == 1


class Recording(MeetingPages):
    def test_the_page_defaults_every_family_to_present_and_offers_the_next_session(self):
        self.client.force_login(self.pendamping_a)
        page = self.client.get(detail_url(self.meeting))
        form = page.context["form"]
        assert form.initial["held_on"] == DAY
        assert form.initial["session"] == Session.objects.get(number=1).pk
        assert form.initial["facilitator"] == self.pendamping_a.pk
        names = [row.family.head_name for row in page.context["rows"]]
        assert names == sorted(head_of(f) for f in self.families)
        html = page.content.decode()
        for family in self.families:
            assert is_checked(html, family, 0) and not is_checked(html, family, 2)
            assert family.members.get().nik not in html  # names, not NIKs

        [earlier] = actions.plan_meetings(self.group, [DAY - timedelta(days=30)],
                                          acting_user=self.pendamping_a)  # fmt: skip
        self.hold(earlier, earlier.planned_on, 1)
        page = self.client.get(detail_url(self.meeting))
        assert page.context["form"].initial["session"] == Session.objects.get(number=2).pk

    def test_a_planned_date_still_to_come_defaults_to_today(self):
        today = timezone.localdate()
        [later] = actions.plan_meetings(self.group, [today + timedelta(days=20)],
                                        acting_user=self.pendamping_a)  # fmt: skip
        self.client.force_login(self.pendamping_a)
        assert self.client.get(detail_url(later)).context["form"].initial["held_on"] == today

    def test_it_records_the_meeting_with_all_its_attendance_at_once(self):
        self.client.force_login(self.pendamping_a)
        excused, absent = self.families[1], self.families[2]
        data = attendance_post(self.meeting, presence={excused.pk: "izin", absent.pk: "absen"})
        data[f"f{excused.pk}-attendee"] = "Nenek Sumi"
        page = self.client.post(detail_url(self.meeting), data, follow=True)
        assert "Kehadiran pertemuan 12 Mar 2025 disimpan: 5 KPM." in page.content.decode()
        self.meeting.refresh_from_db()
        assert self.meeting.status == MeetingStatus.HELD
        assert (self.meeting.held_on, self.meeting.place) == (DAY, "Balai desa")
        assert self.meeting.session.number == 1
        marks = dict(self.meeting.attendance.values_list("family_id", "presence"))
        assert marks == {f.pk: {excused.pk: "izin", absent.pk: "absen"}.get(f.pk, "hadir")
                         for f in self.families}  # fmt: skip
        assert Attendance.objects.get(family=excused).attendee == "Nenek Sumi"
        assert AuditEntry.objects.filter(action="fds.meeting.record").count() == 1
        assert page.context["tally"] == {"hadir": 3, "izin": 1, "absen": 1}

    def test_a_future_date_saves_nothing_and_keeps_the_input(self):
        self.client.force_login(self.pendamping_a)
        tomorrow = timezone.localdate() + timedelta(days=1)
        data = attendance_post(self.meeting, presence={self.families[0].pk: "absen"},
                               held_on=DAY, place="Rumah ketua")  # fmt: skip
        data["held_on"] = tomorrow.isoformat()
        page = self.client.post(detail_url(self.meeting), data)
        assert page.status_code == 400
        html = page.content.decode()
        assert "Belum ada yang disimpan." in html
        assert "Tanggal pelaksanaan belum tiba." in html
        assert 'value="Rumah ketua"' in html
        assert is_checked(html, self.families[0], 2) and not is_checked(html, self.families[0], 0)
        self.meeting.refresh_from_db()
        assert self.meeting.status == MeetingStatus.PLANNED
        assert not Attendance.objects.exists()

    def test_a_family_not_in_the_group_saves_nothing(self):
        self.client.force_login(self.pendamping_a)
        outsider = make_family(region_code=DESA_A, pendamping=self.pendamping_a)
        data = attendance_post(self.meeting, extra=[outsider.pk])
        page = self.client.post(detail_url(self.meeting), data)
        assert page.status_code == 400
        assert "Anggota kelompok pada tanggal itu berbeda" in page.content.decode()
        assert not Attendance.objects.exists()
        assert Meeting.objects.get(pk=self.meeting.pk).status == MeetingStatus.PLANNED

    def test_a_missing_choice_saves_nothing(self):
        self.client.force_login(self.pendamping_a)
        data = attendance_post(self.meeting)
        del data[f"f{self.families[3].pk}-presence"]
        data["session"] = ""
        page = self.client.post(detail_url(self.meeting), data)
        html = page.content.decode()
        assert page.status_code == 400
        assert "Pilih hadir, izin atau tidak hadir." in html
        assert "Pilih sesi yang diajarkan." in html
        assert not Attendance.objects.exists()

    def test_rows_follow_the_posted_date(self):
        late = make_family(region_code=DESA_A, pendamping=self.pendamping_a)
        actions.assign_family(self.group, late, on=DAY, acting_user=self.pendamping_a)
        self.client.force_login(self.pendamping_a)
        earlier = DAY - timedelta(days=1)
        # The page was shown for the planned day (with the late family); the date moved back.
        data = attendance_post(self.meeting, held_on=DAY)
        data["held_on"] = earlier.isoformat()
        page = self.client.post(detail_url(self.meeting), data)
        assert page.status_code == 400
        assert late.pk not in {row.family.pk for row in page.context["rows"]}
        assert not Attendance.objects.exists()
        # Saved again from the list shown for that day.
        page = self.client.post(detail_url(self.meeting),
                                attendance_post(self.meeting, held_on=earlier))  # fmt: skip
        assert page.status_code == 302
        assert set(self.meeting.attendance.values_list("family_id", flat=True)) == {
            f.pk for f in self.families
        }

    def test_a_held_meeting_is_corrected_by_saving_again(self):
        self.hold(self.meeting, DAY, 1)
        self.client.force_login(self.pendamping_a)
        page = self.client.get(detail_url(self.meeting))
        assert page.context["form"].initial["session"] == self.meeting.session_id
        assert "Koreksi pertemuan" in page.content.decode()
        truant = self.families[4]
        data = attendance_post(self.meeting, session=2, presence={truant.pk: "absen"})
        assert self.client.post(detail_url(self.meeting), data).status_code == 302
        self.meeting.refresh_from_db()
        assert self.meeting.session.number == 2
        assert Attendance.objects.get(meeting=self.meeting, family=truant).presence == "absen"
        assert Attendance.objects.filter(meeting=self.meeting).count() == 5
        assert AuditEntry.objects.filter(action="fds.meeting.record").count() == 2


class Cancelling(MeetingPages):
    def cancel(self, meeting, reason):
        url = reverse("fds:meeting_cancel", args=[meeting.pk])
        return self.client.post(url, {"reason": reason}, follow=True)

    def test_a_planned_meeting_is_cancelled_with_a_reason(self):
        self.client.force_login(self.pendamping_a)
        page = self.cancel(self.meeting, "Banjir di desa")
        assert "Pertemuan dibatalkan." in page.content.decode()
        self.meeting.refresh_from_db()
        assert (self.meeting.status, self.meeting.notes) == (MeetingStatus.CANCELLED,
                                                             "Banjir di desa")  # fmt: skip
        assert page.context["form"] is None  # no attendance taken at a cancelled meeting
        again = self.client.post(detail_url(self.meeting), attendance_post(self.meeting))
        assert again.status_code == 400
        assert not Attendance.objects.exists()

    def test_no_reason_or_a_held_meeting_cancels_nothing(self):
        self.client.force_login(self.pendamping_a)
        page = self.cancel(self.meeting, "  ")
        assert "Alasan pembatalan wajib diisi." in page.content.decode()
        self.hold(self.meeting, DAY, 1)
        page = self.cancel(self.meeting, "salah catat")
        assert "tidak dapat dibatalkan" in page.content.decode()
        assert Meeting.objects.get(pk=self.meeting.pk).status == MeetingStatus.HELD

    def test_cancel_is_post_only(self):
        self.client.force_login(self.pendamping_a)
        url = reverse("fds:meeting_cancel", args=[self.meeting.pk])
        assert self.client.get(url).status_code == 405


class MonthList(MeetingPages):
    def test_it_lists_the_month_planned_and_held(self):
        [april] = actions.plan_meetings(self.group, [date(2025, 4, 9)],
                                        acting_user=self.pendamping_a)  # fmt: skip
        self.hold(self.meeting, DAY, 1, {self.families[0].pk: "absen"})
        self.client.force_login(self.korcam_a)
        page = self.client.get(reverse("fds:meeting_list"), {"bulan": "2025-03"})
        assert [m.pk for m in page.context["meetings"]] == [self.meeting.pk]
        assert (page.context["meetings"][0].present, page.context["meetings"][0].marked) == (4, 5)
        assert (page.context["planned"], page.context["held"]) == (0, 1)
        page = self.client.get(reverse("fds:meeting_list"), {"bulan": "2025-04"})
        assert [m.pk for m in page.context["meetings"]] == [april.pk]
        assert page.context["planned"] == 1

    def test_it_defaults_to_this_month_and_explains_a_bad_month(self):
        self.client.force_login(self.pendamping_a)
        page = self.client.get(reverse("fds:meeting_list"), {"bulan": "Maret"})
        assert page.context["month"] == timezone.localdate().replace(day=1)
        assert "Bulan &#x27;Maret&#x27; tidak valid" in page.content.decode()


class WeekList(MeetingPages):
    def test_a_week_and_a_status_narrow_the_list_and_it_shows_its_total(self):
        # DAY, Wednesday 12 March 2025, is in ISO week 11 (10-16 March).
        [held, sunday, _next_week] = actions.plan_meetings(
            self.group, [date(2025, 3, 10), date(2025, 3, 16), date(2025, 3, 17)],
            acting_user=self.pendamping_a,
        )  # fmt: skip
        self.hold(held, date(2025, 3, 10), 1)
        self.client.force_login(self.pendamping_a)
        url = reverse("fds:meeting_list")
        page = self.client.get(url, {"minggu": "2025-W11"})
        assert {m.pk for m in page.context["meetings"]} == {held.pk, self.meeting.pk, sunday.pk}
        assert 'data-total="3"' in page.content.decode()
        page = self.client.get(url, {"minggu": "2025-W11", "status": "rencana"})
        assert {m.pk for m in page.context["meetings"]} == {self.meeting.pk, sunday.pk}
        assert 'data-total="2"' in page.content.decode()
        assert "Direncanakan" in page.content.decode()

    def test_a_bad_week_or_status_is_explained(self):
        self.client.force_login(self.pendamping_a)
        page = self.client.get(reverse("fds:meeting_list"), {"minggu": "2025-W60"})
        assert "Minggu &#x27;2025-W60&#x27; tidak valid" in page.content.decode()
        page = self.client.get(reverse("fds:meeting_list"), {"status": "selesai"})
        assert page.context["error"]


class Flagged(MeetingPages):
    def test_it_lists_families_with_repeated_unexcused_absences(self):
        truant, excused = self.families[0], self.families[1]
        for n in range(3):
            day = DAY + timedelta(days=30 * n)
            meeting = Meeting.objects.filter(group=self.group, planned_on=day).first() or \
                actions.plan_meetings(self.group, [day], acting_user=self.pendamping_a)[0]  # fmt: skip
            self.hold(meeting, day, n + 1, {truant.pk: "absen", excused.pk: "izin"})
        for user in (self.pendamping_a, self.korcam_a, self.korkab, self.auditor):
            self.client.force_login(user)
            page = self.client.get(reverse("fds:flagged"))
            [row] = page.context["families"]
            assert (row.pk, row.absences, row.group_name) == (truant.pk, 3, "Melati")
            assert row.last_absence == DAY + timedelta(days=60)
            html = page.content.decode()
            assert head_of(truant) in html and "Kuripan" in html
        for user in (self.pendamping_b, self.pendamping_a2):
            self.client.force_login(user)
            assert self.client.get(reverse("fds:flagged")).context["families"] == []


class QueryCounts(PersonaTestCase):
    """A page costs the same number of queries for 5 families as for 25."""

    def queries(self, method, url, data=None) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = getattr(self.client, method)(url, data or {})
        assert response.status_code in (200, 302), response.status_code
        return len(captured)

    def measure(self, group, meeting) -> list[int]:
        other = Meeting.objects.get(group=group, planned_on=DAY + timedelta(days=30))
        return [
            self.queries("get", detail_url(meeting)),
            self.queries("post", detail_url(meeting), attendance_post(meeting)),
            self.queries("get", detail_url(meeting)),
            self.queries("post", detail_url(other), attendance_post(other, held_on=other.planned_on,
                                                                     presence=self.absent(group))),
            self.queries("get", plan_url(group)),
            self.queries("get", reverse("fds:meeting_list"), {"bulan": "2025-03"}),
            self.queries("get", reverse("fds:flagged")),
        ]  # fmt: skip

    def absent(self, group) -> dict:
        return {pk: "absen" for pk in actions.members_on(group, DAY).values_list("pk", flat=True)}

    def test_pages_do_not_grow_with_the_number_of_families(self):
        self.client.force_login(self.pendamping_a)
        counts = []
        for size in (5, 25):
            group = make_group(self.pendamping_a, size, name=f"Kelompok {size}")
            meeting, _later = actions.plan_meetings(
                group, [DAY, DAY + timedelta(days=30)], acting_user=self.pendamping_a
            )
            counts.append(self.measure(group, meeting))
        assert counts[0] == counts[1]
