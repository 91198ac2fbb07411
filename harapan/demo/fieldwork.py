"""The demo's fieldwork (issue 16): a year of each pendamping's work, made through the real
actions as the people would have made it month by month.

- Each pendamping's plan of each of the 12 months up to `today`, submitted and accepted by
  their korcam; one month returned with a note, corrected and accepted; next month's plan
  copied from this month's and submitted, waiting on the korcam's to-do.
- Home visits and socialisations typed on working days, each on its day (`log_activity`
  with `today=` the day it was typed: the log refuses a day more than 60 days back).
  P2K2 meetings and complaint follow-ups are already in the log by themselves (fds and
  complaints demos): the plan counts the P2K2 meetings scheduled in the month.
- Per kecamatan a monthly coordination meeting of the korcam, per kabupaten one a quarter
  of the korkab: attendance, minutes, an action item or two; at the next meeting the
  items carried over are followed up, most done, some still running.
- Coaching notes of each korcam about their pendamping, the older ones followed up.
- One code-of-ethics case in Tanggamus, investigated and decided (teguran) by the korkab.
"""

import random
from datetime import date, timedelta

from harapan.accounts.models import User
from harapan.accounts.roles import Role
from harapan.fds.models import Meeting as P2k2Meeting
from harapan.fieldwork import actions_activities, actions_coaching, actions_ethics
from harapan.fieldwork import actions_meetings as meetings
from harapan.fieldwork import actions_plans as plans
from harapan.fieldwork.kinds import ActivityType
from harapan.fieldwork.models import ActionItem, WorkPlan
from harapan.fieldwork.models.meetings import FollowUpStatus, Presence
from harapan.lib.months import add_months, month_start
from harapan.registry.models import Family
from harapan.workdays.calendar import Calendar

SEED = 2026
MONTHS = 12
RETURNED_MONTHS_AGO = 5  # the plan the korcam returned once, then accepted
HOME_VISITS = 12
SOCIALISATIONS = 2
QUARTER_MONTHS = {1, 4, 7, 10}

VISIT_NOTES = [
    "Ibu hamil sudah periksa ke puskesmas; buku KIA dibawa.",
    "Balita ditimbang di posyandu, berat naik.",
    "Anak SD kembali bersekolah setelah sakit seminggu.",
    "KKS dan buku tabungan disimpan sendiri oleh pengurus keluarga.",
    "Lansia dikunjungi; obat rutin dari puskesmas tersedia.",
    "Pengurus keluarga diingatkan jadwal P2K2 bulan ini.",
]
SOCIALISATION_SUBJECTS = [
    "Sosialisasi jadwal penyaluran di balai desa",
    "Sosialisasi kewajiban komitmen pendidikan dan kesehatan",
    "Sosialisasi layanan pengaduan 171 kepada aparat desa",
]
ACTION_ITEMS = [
    "Kunjungi KPM yang tidak hadir P2K2 dua bulan berturut-turut.",
    "Lengkapi verifikasi faskes sebelum tanggal 25.",
    "Kumpulkan daftar KPM yang KKS-nya terblokir untuk bank penyalur.",
    "Mutakhirkan data anak usia sekolah yang putus sekolah.",
    "Catat KPM lansia yang belum punya BPJS Kesehatan.",
]
FOLLOW_UP_NOTES = {
    FollowUpStatus.DONE: "Sudah dikerjakan dan dilaporkan dalam rapat.",
    FollowUpStatus.STILL_OPEN: "Masih berjalan; dilanjutkan bulan depan.",
}


def _working_days(calendar: Calendar, month: date, last: date) -> list[date]:
    end = min(add_months(month, 1) - timedelta(days=1), last)
    days = [month + timedelta(days=n) for n in range((end - month).days + 1)]
    return [day for day in days if calendar.is_working_day(day)]


def _first_working_day(calendar: Calendar, day: date) -> date:
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def _lines(pendamping: User, month: date, home_visits: int = HOME_VISITS) -> list[plans.Line]:
    scheduled = P2k2Meeting.objects.filter(
        group__pendamping=pendamping, planned_on__gte=month, planned_on__lt=add_months(month, 1)
    ).count()
    lines = [
        plans.Line(ActivityType.HOME_VISIT, home_visits, "KPM dengan ibu hamil dan balita dulu"),
        plans.Line(ActivityType.SOCIALISATION, SOCIALISATIONS, "Balai desa"),
    ]
    if scheduled:
        lines.append(plans.Line(ActivityType.P2K2_MEETING, scheduled, "Sesuai jadwal kelompok"))
    return lines


def _plan_year(pendamping: User, korcam: User, months: list[date], today: date) -> None:
    returned = months[-1 - RETURNED_MONTHS_AGO]
    for month in months:
        # Written at the start of its month (an editable month then), as the form would.
        lines = _lines(pendamping, month, HOME_VISITS - 4 if month == returned else HOME_VISITS)
        plan = plans.save_plan(pendamping, month, lines, acting_user=pendamping, today=month)
        plan = plans.submit_plan(plan, acting_user=pendamping, today=month)
        if month == returned:
            note = "Kunjungan rumah terlalu sedikit untuk dampingan Anda; tambah menjadi 12."
            plans.review_plan(plan, accept=False, note=note, acting_user=korcam)
            plan = plans.save_plan(pendamping, month, _lines(pendamping, month),
                                   acting_user=pendamping, today=month)  # fmt: skip
            plan = plans.submit_plan(plan, acting_user=pendamping, today=month)
        plans.review_plan(plan, accept=True, acting_user=korcam)
    # Next month's plan, copied from this month's, waits on the korcam's to-do.
    following = plans.copy_plan(plan, acting_user=pendamping, today=today)
    plans.submit_plan(following, acting_user=pendamping, today=today)


def _log_year(pendamping: User, months: list[date], today: date, calendar, rng) -> int:
    families = list(
        Family.objects.filter(pendamping=pendamping, status="aktif").order_by("pk")[:200]
    )
    desa = sorted({family.region_code for family in families})
    logged = 0
    for month in months:
        days = _working_days(calendar, month, today)
        if not days:
            continue
        share = len(days) / len(_working_days(calendar, month, date.max))
        visits = round(rng.randint(HOME_VISITS - 2, HOME_VISITS + 2) * share)
        talks = round(rng.randint(SOCIALISATIONS - 1, SOCIALISATIONS + 1) * share)
        for day in sorted(rng.choice(days) for _visit in range(visits)):
            actions_activities.log_activity(
                on=day, kind=ActivityType.HOME_VISIT, family=rng.choice(families),
                note=rng.choice(VISIT_NOTES), acting_user=pendamping, today=day,
            )  # fmt: skip
        for day in sorted(rng.choice(days) for _talk in range(talks)):
            actions_activities.log_activity(
                on=day, kind=ActivityType.SOCIALISATION, acting_user=pendamping, today=day,
                subject=f"{rng.choice(SOCIALISATION_SUBJECTS)} {rng.choice(desa)}",
            )  # fmt: skip
        logged += visits + talks
    return logged


def _place(chair: User) -> str:
    return "Kantor UPT kecamatan" if chair.role == Role.KORCAM else "Aula Dinas Sosial"


def _hold_meeting(chair: User, on: date, agenda: str, rng) -> int:
    meeting = meetings.plan_meeting(on=on, place=_place(chair), agenda=agenda, acting_user=chair)
    expected = list(meetings.expected_attendees(meeting.level, meeting.region_code))
    presence = {
        user.pk: Presence.EXCUSED if rng.random() < 0.1 else Presence.PRESENT for user in expected
    }
    meetings.record_meeting(
        meeting, presence=presence, acting_user=chair,
        minutes="Realisasi rencana kerja bulan lalu dibahas; kendala lapangan dicatat.",
    )  # fmt: skip
    for item in ActionItem.objects.carried_to(meeting).open().order_by("pk"):
        status = FollowUpStatus.DONE if rng.random() < 0.7 else FollowUpStatus.STILL_OPEN
        meetings.record_follow_up(meeting, item, status=status, note=FOLLOW_UP_NOTES[status],
                                  acting_user=chair)  # fmt: skip
    raised = rng.randint(1, 2)
    for _item in range(raised):
        meetings.add_action_item(
            meeting, text=rng.choice(ACTION_ITEMS), owner=rng.choice(expected),
            due_on=on + timedelta(days=21), acting_user=chair,
        )  # fmt: skip
    return raised


def _meetings(chair: User, months: list[date], today: date, calendar, rng) -> int:
    held = 0
    for month in months:
        if chair.role == Role.KORKAB and month.month not in QUARTER_MONTHS:
            continue
        on = _first_working_day(calendar, month.replace(day=8))
        agenda = "Rencana dan realisasi kerja, tindak lanjut rapat lalu"
        if on > today:  # this month's meeting is still ahead: planned only
            meetings.plan_meeting(on=on, place=_place(chair), agenda=agenda, acting_user=chair)
            continue
        _hold_meeting(chair, on, agenda, rng)
        held += 1
    return held


def _coaching(korcam: User, pendamping: User, today: date) -> None:
    earlier = today - timedelta(days=120)
    note = actions_coaching.write_note(
        pendamping, on=earlier, topic="Ketepatan verifikasi komitmen",
        note="Verifikasi faskes sering terlambat; susun jadwal per desa.",
        follow_up_on=earlier + timedelta(days=30), acting_user=korcam,
    )  # fmt: skip
    actions_coaching.record_follow_up(
        note, outcome="Jadwal per desa dipakai; verifikasi tepat waktu.", acting_user=korcam
    )
    recent = today - timedelta(days=14)
    actions_coaching.write_note(
        pendamping, on=recent, topic="Kunjungan rumah KPM lansia",
        note="Dahulukan KPM lansia yang tinggal sendiri dalam rencana bulan depan.",
        follow_up_on=today + timedelta(days=16), acting_user=korcam,
    )  # fmt: skip


def _ethics_case() -> None:
    korkab = User.objects.filter(username="korkab.tanggamus").first()
    pendamping = User.objects.filter(username="ayu.lestari").first()
    if korkab is None or pendamping is None:
        return
    case = actions_ethics.report_case(
        pendamping, kind="gratifikasi", acting_user=korkab,
        description="Menerima bingkisan dari KPM sesudah pencairan tahap III.",
    )  # fmt: skip
    case = actions_ethics.start_investigation(
        case, acting_user=korkab,
        note="Pendamping mengakui; bingkisan sudah dikembalikan kepada KPM.",
    )  # fmt: skip
    actions_ethics.decide_case(
        case, decision="teguran", acting_user=korkab,
        text="Teguran tertulis: pendamping tidak menerima pemberian apa pun dari KPM.",
    )  # fmt: skip


def _supervisor(role: str, region: str) -> User | None:
    return User.objects.filter(role=role, region_id=region, is_active=True).order_by("pk").first()


def build_fieldwork(today: date, log=print) -> None:
    """Once: a second demo run adds nothing."""
    if WorkPlan.objects.exists():
        return
    rng = random.Random(SEED)
    calendar = Calendar.for_years({today.year - 1, today.year})
    this_month = month_start(today)
    months = [add_months(this_month, -n) for n in range(MONTHS - 1, -1, -1)]
    logged = 0
    pendamping = User.objects.filter(role=Role.PENDAMPING, is_active=True).order_by("username")
    for user in pendamping:
        korcam = _supervisor(Role.KORCAM, user.region_id)
        if korcam is None:
            continue
        _plan_year(user, korcam, months, today)
        logged += _log_year(user, months, today, calendar, rng)
        _coaching(korcam, user, today)
    held = 0
    for role in (Role.KORCAM, Role.KORKAB):
        for chair in User.objects.filter(role=role, is_active=True).order_by("username"):
            held += _meetings(chair, months, today, calendar, rng)
    _ethics_case()
    log(f"  kinerja: {WorkPlan.objects.count()} rencana kerja, {logged} kegiatan diketik, "
        f"{held} rapat koordinasi terlaksana")  # fmt: skip
