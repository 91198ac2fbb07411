"""A pendamping takes a group's attendance on a 360-px phone (Playwright, Debian's Chromium)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from harapan.fds import actions
from harapan.fds.models import Attendance, Group, Meeting, MeetingStatus, Session
from harapan.testing import DESA_A, KEC_A, make_family, make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAMES = ["Siti Aminah", "Sri Wahyuni", "Nur Hasanah", "Dewi Lestari", "Rina Marlina",
         "Yuliani", "Suryani", "Eka Putri", "Wati Susanti", "Ani Rahmawati", "Lina Marlina",
         "Tuti Alawiyah", "Ratna Sari", "Endang Sulastri", "Murni"]  # fmt: skip


def test_a_pendamping_takes_attendance_on_a_360px_phone(live_server, phone_page, screenshot_dir):
    pendamping = make_user("siti", "pendamping", KEC_A)
    today = timezone.localdate()
    group = actions.save_group(Group(name="KPM Melati", region_code=DESA_A, pendamping=pendamping),
                               acting_user=pendamping)  # fmt: skip
    families = []
    for name in NAMES:
        family = make_family(region_code=DESA_A, pendamping=pendamping,
                             members=[{"relation": "kepala_keluarga", "name": name, "sex": "P"}])  # fmt: skip
        actions.assign_family(group, family, on=today - timedelta(days=60), acting_user=pendamping)
        families.append(family)
    [meeting] = actions.plan_meetings(group, [today], acting_user=pendamping)
    excused, absent = families[3], families[7]

    page = phone_page
    sign_in(page, live_server.url, "siti")
    page.goto(live_server.url + reverse("fds:meeting_detail", args=[meeting.pk]))
    page.fill("#id_place", "Rumah ketua kelompok")
    page.select_option("#id_session", label="S1 Menjadi orang tua yang lebih baik")
    page.check(f"#id_f{excused.pk}-presence_1")  # izin
    page.check(f"#id_f{absent.pk}-presence_2")  # tidak hadir
    page.click("text=Simpan kehadiran")
    page.wait_for_selector(".messages li.success")
    # The day as every page writes it: 1 Des 2026.
    assert (
        f"Kehadiran pertemuan {date_format(today, 'j M Y')} disimpan: 15 KPM."
        in page.inner_text(".messages")
    )
    # Shown again as held, ready for a correction, the marks kept.
    assert page.is_checked(f"#id_f{excused.pk}-presence_1")
    assert page.is_checked(f"#id_f{families[0].pk}-presence_0")

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(screenshot_dir / "attendance_360.png"), full_page=True)

    meeting = Meeting.objects.get(pk=meeting.pk)
    assert (meeting.status, meeting.held_on) == (MeetingStatus.HELD, today)
    assert meeting.session == Session.objects.get(number=1)
    assert meeting.facilitator == pendamping
    marks = dict(Attendance.objects.values_list("family_id", "presence"))
    assert marks == {f.pk: {excused.pk: "izin", absent.pk: "absen"}.get(f.pk, "hadir")
                     for f in families}  # fmt: skip
