"""The demo's P2K2: each pendamping's caseload in groups per desa, six months of meetings.

Built through the real actions (groups, membership, plans, attendance), as
a pendamping would: the curriculum from S1 on, one session a month, most
families present, some excused, a few who keep staying away (and are flagged).
"""

import random
from datetime import date

from django.db.models import Count

from harapan.accounts.models import User
from harapan.accounts.roles import Role
from harapan.compliance import calendar
from harapan.fds import actions
from harapan.fds.actions import Mark
from harapan.fds.models import Group, Presence, Session
from harapan.registry.models import Family, Member

SEED = 2026
MONTHS = 6
GROUP_SIZE = 22
FLOWERS = ["Melati", "Mawar", "Anggrek", "Kenanga", "Dahlia", "Flamboyan", "Teratai", "Cempaka",
           "Sakura", "Tulip", "Kamboja", "Seroja", "Aster", "Lily", "Bougenvil"]  # fmt: skip


def _groups_for(pendamping: User, start: date) -> list[Group]:
    families = list(
        Family.objects.filter(pendamping=pendamping, status="aktif").order_by("region_code", "pk")
    )
    groups = []
    by_desa: dict[str, list[Family]] = {}
    for family in families:
        by_desa.setdefault(family.region_code, []).append(family)
    for desa, members in by_desa.items():
        for start_at in range(0, len(members), GROUP_SIZE):
            chunk = members[start_at : start_at + GROUP_SIZE]
            name = f"KPM {FLOWERS[len(groups) % len(FLOWERS)]} {len(groups) // len(FLOWERS) + 1}"
            group = actions.save_group(
                Group(name=name, region_code=desa, pendamping=pendamping), acting_user=pendamping
            )
            for family in chunk:
                actions.assign_family(group, family, on=start, acting_user=pendamping)
            group.leader = chunk[0]
            actions.save_group(group, acting_user=pendamping)
            groups.append(group)
    return groups


def _hold_meetings(group: Group, pendamping: User, months: list[date], rng, sessions) -> int:
    days = [month.replace(day=min(28, 5 + group.pk % 20)) for month in months]
    planned = actions.plan_meetings(group, days, acting_user=pendamping)
    families = list(actions.members_on(group, days[0]).values_list("pk", flat=True))
    stays_away = {f for f in families if rng.random() < 0.05}
    heads = dict(
        Member.objects.filter(family_id__in=families, relation="kepala_keluarga").values_list(
            "family_id", "name"
        )
    )
    for number, meeting in enumerate(planned[:-1]):  # this month's meeting is still ahead
        marks = []
        for family_id in families:
            roll = rng.random()
            if family_id in stays_away or roll < 0.07:
                presence = Presence.ABSENT
            elif roll < 0.15:
                presence = Presence.EXCUSED
            else:
                presence = Presence.PRESENT
            marks.append(
                Mark(family_id, presence, heads.get(family_id, "") if presence == "hadir" else "")
            )
        actions.record_meeting(
            meeting, held_on=meeting.planned_on, place="Rumah ketua kelompok",
            session=sessions[number % len(sessions)], facilitator=pendamping, notes="",
            marks=marks, acting_user=pendamping,
        )  # fmt: skip
    return len(planned) - 1


def build_fds(today: date, log=print) -> None:
    """Groups and meetings, once: a second demo run adds nothing."""
    if Group.objects.exists():
        return
    rng = random.Random(SEED)
    this_month = calendar.month_start(today)
    months = [calendar.add_months(this_month, -n) for n in range(MONTHS - 1, -1, -1)]
    sessions = list(Session.objects.filter(active=True).order_by("number"))
    pendamping = (
        User.objects.filter(role=Role.PENDAMPING).annotate(n=Count("caseload")).filter(n__gt=0)
    )
    groups = held = 0
    for user in pendamping.order_by("username"):
        for group in _groups_for(user, months[0]):
            groups += 1
            held += _hold_meetings(group, user, months, rng, sessions)
    log(f"  P2K2: {groups} kelompok, {held} pertemuan terlaksana")
