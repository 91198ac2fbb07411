"""P2K2 groups, meetings and attendance in the REST API, scoped exactly like the pages.

Lists are keyset-paged like the other routers: pass `next` back as `after`.
No NIKs here: families are named by `id_keluarga`.
"""

from datetime import date

from django.db.models import Count, IntegerField, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from harapan.api_contract import After, Key, Month, api_month, documented, limit
from harapan.lib import regioncode
from harapan.lib.months import add_months
from harapan.registry.naming import name_families_of

from . import progress
from .models import Attendance, Group, Meeting, MeetingStatus, Membership

router = Router(tags=["p2k2"])
MAX_LIMIT = 500
PageSize = limit(MAX_LIMIT)


class GroupOut(Schema):
    id: int
    nama: str
    kode_desa: str
    pendamping: str
    ketua: str | None
    aktif: bool
    jumlah_anggota: int
    pertemuan_terakhir: date | None


class GroupPage(Schema):
    items: list[GroupOut]
    next: int | None


class GroupMemberOut(Schema):
    id_keluarga: str
    nama: str
    masuk: date


class SessionOut(Schema):
    nomor: int
    kode: str
    judul: str
    modul: int


class GroupDetailOut(GroupOut):
    anggota: list[GroupMemberOut]
    sesi_diajarkan: list[int]
    sesi_berikutnya: SessionOut | None


class MeetingOut(Schema):
    id: int
    kelompok_id: int
    kelompok: str
    kode_desa: str
    status: str
    tanggal_rencana: date
    tanggal_pelaksanaan: date | None
    tempat: str
    sesi: int | None


class MeetingPage(Schema):
    items: list[MeetingOut]
    next: int | None


class AttendanceOut(Schema):
    id_keluarga: str
    kehadiran: str
    yang_hadir: str


def _groups(user):
    current = Membership.objects.visible_to(user).current().filter(group=OuterRef("pk"))
    held = Meeting.objects.visible_to(user).filter(group=OuterRef("pk"), status=MeetingStatus.HELD)
    return (
        Group.objects.visible_to(user)
        .select_related("pendamping", "leader")
        .annotate(
            member_count=Coalesce(
                Subquery(current.order_by().values("group").annotate(n=Count("pk")).values("n"),
                         output_field=IntegerField()),
                Value(0),
            ),
            last_held=Subquery(
                held.order_by().values("group").annotate(d=Max("held_on")).values("d")
            ),
        )
    )  # fmt: skip


def _group_out(group: Group) -> dict:
    return {
        "id": group.pk,
        "nama": group.name,
        "kode_desa": group.region_code,
        "pendamping": group.pendamping.username,
        "ketua": group.leader.registry_id if group.leader_id else None,
        "aktif": group.active,
        "jumlah_anggota": group.member_count,
        "pertemuan_terakhir": group.last_held,
    }


def _page(rows: list, limit: int) -> int | None:
    return rows[limit - 1].pk if len(rows) > limit else None


@router.get("/p2k2/groups", response=documented(GroupPage), summary="Kelompok P2K2")
def groups(request, desa: str = "", after: After = 0, limit: PageSize = 100):
    """`desa`: a region code prefix (desa, kecamatan…) to narrow the list."""
    rows = _groups(request.user).filter(pk__gt=after)
    if desa:
        try:
            rows = rows.filter(region_code__startswith=regioncode.normalize(desa))
        except regioncode.InvalidRegionCode as error:
            raise HttpError(422, "Kode wilayah tidak sah.") from error
    rows = list(rows.order_by("pk")[: limit + 1])
    return {"items": [_group_out(g) for g in rows[:limit]], "next": _page(rows, limit)}


@router.get(
    "/p2k2/groups/{group_id}",
    response=documented(GroupDetailOut, 404),
    summary="Satu kelompok P2K2",
)
def group(request, group_id: Key):
    """The group with its current members and where it stands in the curriculum."""
    user = request.user
    found = get_object_or_404(_groups(user), pk=group_id)
    members = list(
        Membership.objects.visible_to(user).current().filter(group=found)
        .select_related("family").order_by("family__registry_id")
    )  # fmt: skip
    name_families_of(members)
    taught = progress.taught_sessions(Group.objects.filter(pk=found.pk)).get(found.pk, set())
    following = progress.next_session(taught, progress.curriculum())
    return {
        **_group_out(found),
        "anggota": [{"id_keluarga": m.family.registry_id, "nama": m.family.head_name,
                     "masuk": m.joined_on} for m in members],  # fmt: skip
        "sesi_diajarkan": sorted(taught),
        "sesi_berikutnya": {"nomor": following.number, "kode": following.code,
                            "judul": following.title, "modul": following.module.number}
        if following else None,
    }  # fmt: skip


@router.get("/p2k2/meetings", response=documented(MeetingPage), summary="Pertemuan P2K2")
def meetings(request, group: Key | None = None, month: Month | None = None, after: After = 0,
             limit: PageSize = 100):  # fmt: skip
    """`month` (YYYY-MM) matches the date held, or the planned date of a meeting not held."""
    rows = Meeting.objects.visible_to(request.user).filter(pk__gt=after)
    if group is not None:
        rows = rows.filter(group_id=group)
    if month:
        start = api_month(month)
        end = add_months(start, 1)
        rows = rows.annotate(day=Coalesce("held_on", "planned_on")).filter(
            day__gte=start, day__lt=end
        )
    rows = list(rows.select_related("group", "session").order_by("pk")[: limit + 1])
    items = [
        {"id": m.pk, "kelompok_id": m.group_id, "kelompok": m.group.name,
         "kode_desa": m.region_code, "status": m.status, "tanggal_rencana": m.planned_on,
         "tanggal_pelaksanaan": m.held_on, "tempat": m.place,
         "sesi": m.session.number if m.session else None}
        for m in rows[:limit]
    ]  # fmt: skip
    return {"items": items, "next": _page(rows, limit)}


@router.get("/p2k2/meetings/{meeting_id}/attendance",
            response=documented(list[AttendanceOut], 404),
            summary="Kehadiran satu pertemuan")  # fmt: skip
def attendance(request, meeting_id: Key):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), pk=meeting_id)
    marks = (
        Attendance.objects.visible_to(request.user)
        .filter(meeting=meeting)
        .select_related("family")
        .order_by("family__registry_id")
    )
    return [{"id_keluarga": a.family.registry_id, "kehadiran": a.presence,
             "yang_hadir": a.attendee} for a in marks]  # fmt: skip
