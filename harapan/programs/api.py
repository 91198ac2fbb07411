"""Complementary programmes in the REST API (`/api/v1/`, issue 17): a family's
participations, gaps and proposals, and the gap lists of the caller's scope.

Scoped like every family-level record: a family outside the caller's scope does not exist
for them (404). Who is in a gap is `gaps.py`'s one rule, on the date asked (`tanggal`,
today by default). NIKs are masked for the roles that do not see them whole; a response
that shows full NIKs is logged (DESIGN §11), as the registry's family is.
"""

import re
from datetime import date
from typing import Annotated

from django.db.models import Q, QuerySet, Value
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from harapan.accounts.roles import sees_full_nik
from harapan.api_contract import FIRST_YEAR, LAST_YEAR, MAX_KEY, Key, documented, limit
from harapan.audit import trail
from harapan.lib import regioncode
from harapan.lib.nik import shown_nik
from harapan.registry import actions as registry
from harapan.registry.models import Family, Member

from .catalogue import Gap, Programme
from .gaps import family_gap, member_gap
from .models import Channel, Outcome, Source, Status

router = Router(tags=["program komplementer"])

MAX_LIMIT = 500
PageSize = limit(MAX_LIMIT)
Tanggal = Annotated[date | None, Field(description="Tanggal celah, TTTT-BB-HH (bawaan hari ini)")]
Desa = Annotated[str, Field(max_length=14, description="Kode wilayah (desa atau di atasnya)")]
Cursor = Annotated[str, Field(max_length=80, description="Kursor: `next` halaman sebelumnya")]


class ParticipationOut(Schema):
    program: Programme
    nik: str = Field(description="NIK anggota; kosong untuk program tingkat keluarga")
    mulai: date
    selesai: date | None
    status: Status
    sumber: Source


class FamilyGapOut(Schema):
    celah: Gap
    nik: str = Field(description="NIK anggota; kosong untuk BPNT")
    diusulkan: bool = Field(description="Ada usulan yang menunggu hasil pada tanggal itu")


class ProposalOut(Schema):
    program: Programme
    nik: str
    tanggal: date
    saluran: Channel
    hasil: Outcome | None = Field(description="diterima, ditolak; null selama menunggu hasil")
    tanggal_hasil: date | None


class FamilyProgrammesOut(Schema):
    id_keluarga: str
    tanggal: date
    kepesertaan: list[ParticipationOut]
    celah: list[FamilyGapOut]
    usulan: list[ProposalOut]


class GapOut(FamilyGapOut):
    id_keluarga: str


class GapPage(Schema):
    items: list[GapOut]
    next: str | None = Field(description="Kursor halaman berikut (`after`); null di akhir")


def _day(tanggal: date | None) -> date:
    """The date asked, today when none; 422 outside the years PKH can have (the component
    rule counts ages back from it)."""
    if tanggal is None:
        return timezone.localdate()
    if not FIRST_YEAR <= tanggal.year <= LAST_YEAR:
        raise HttpError(
            422, f"Tanggal {tanggal.isoformat()} tidak valid: tahun {FIRST_YEAR}–{LAST_YEAR}."
        )
    return tanggal


def _family_gaps(family: Family, day: date) -> list[tuple[str, str, bool]]:
    """(celah, nik, diusulkan) of `family` on `day`, list by list as in `Gap`."""
    rows = []
    for gap in Gap:
        if gap == Gap.BPNT:
            found = family_gap(day, Family.objects.filter(pk=family.pk)).values_list("pending")
            rows += [(gap, "", pending) for (pending,) in found]
        else:
            found = member_gap(gap, day, family.members.all()).order_by("pk")
            rows += [(gap, nik, pending) for nik, pending in found.values_list("nik", "pending")]
    return rows


@router.get(
    "/families/{family_id}/programs",
    response=documented(FamilyProgrammesOut, 404),
    summary="Program komplementer satu KPM: kepesertaan, celah dan usulan",
)
def family_programs(request, family_id: Key, tanggal: Tanggal = None):
    """`kepesertaan` and `usulan` are the family's whole history (each with its period or
    its dates); `celah` are its gaps on `tanggal`, each marked `diusulkan` when a proposal
    is pending on that day."""
    user = request.user
    day = _day(tanggal)
    family = get_object_or_404(Family.objects.visible_to(user), pk=family_id)
    participations = family.participations.order_by("programme", "nik", "starts_on", "pk")
    proposals = family.programme_proposals.order_by("proposed_on", "pk")
    full = sees_full_nik(user)
    shown = set()

    def nik(value: str) -> str:
        if value:
            shown.add(value)
        return shown_nik(value, full) if value else ""

    body = {
        "id_keluarga": family.registry_id,
        "tanggal": day,
        "kepesertaan": [
            {
                "program": p.programme,
                "nik": nik(p.nik),
                "mulai": p.starts_on,
                "selesai": p.ends_on,
                "status": p.status,
                "sumber": p.source,
            }
            for p in participations
        ],
        "celah": [
            {"celah": gap, "nik": nik(member_nik), "diusulkan": pending}
            for gap, member_nik, pending in _family_gaps(family, day)
        ],
        "usulan": [
            {
                "program": p.programme,
                "nik": nik(p.nik),
                "tanggal": p.proposed_on,
                "saluran": p.channel,
                "hasil": p.outcome or None,
                "tanggal_hasil": p.outcome_on,
            }
            for p in proposals
        ],
    }
    if full:
        registry.record_nik_view(user, family, len(shown), via="api")
    return body


def _cursor(after: str) -> tuple[int, tuple[str, int]]:
    """`after` (`CELAH:ID_KELUARGA:ANGGOTA`) → the gap's place in `Gap` and the last row's
    (registry ID, member key; 0 for BPNT); 422 when it is not a cursor this list gave."""
    gap, _, rest = after.partition(":")
    registry_id, _, member = rest.rpartition(":")
    if (
        gap not in Gap.values
        or not registry_id
        or not re.fullmatch(r"[0-9]{1,19}", member)
        or int(member) > MAX_KEY
    ):
        raise HttpError(422, f"Kursor '{after}' tidak valid: pakai `next` dari halaman sebelumnya.")
    return Gap.values.index(gap), (registry_id, int(member))


def _rows_after(gap: str, families: QuerySet, members: QuerySet, day: date, after) -> QuerySet:
    """The rows of one gap list past the cursor (registry ID, member key), in page order, as
    (registry ID, member key, NIK, pending)."""
    if gap == Gap.BPNT:
        rows = family_gap(day, families).annotate(member=Value(0), nik=Value(""))
        rows = rows.values_list("registry_id", "member", "nik", "pending")
        rows = rows.filter(registry_id__gt=after[0]) if after else rows
        return rows.order_by("registry_id")
    rows = member_gap(gap, day, members).values_list("family__registry_id", "pk", "nik", "pending")
    if after:
        registry_id, member = after
        rows = rows.filter(
            Q(family__registry_id__gt=registry_id)
            | Q(family__registry_id=registry_id, pk__gt=member)
        )
    return rows.order_by("family__registry_id", "pk")


@router.get(
    "/programs/gaps",
    response=documented(GapPage),
    summary="Celah program komplementer dalam cakupan pengguna",
)
def program_gaps(
    request,
    tanggal: Tanggal = None,
    desa: Desa = "",
    celah: Gap | None = None,
    after: Cursor = "",
    limit: PageSize = 100,
):
    """The lists in the order of `Gap` (PIP, PBI, BPNT, ATENSI), each by ID keluarga then
    member; keyset pagination: pass `next` back as `after`. `nik` is empty for BPNT."""
    user = request.user
    day = _day(tanggal)
    families = Family.objects.visible_to(user)
    members = Member.objects.visible_to(user)
    if desa:
        try:
            code = regioncode.normalize(desa)
        except regioncode.InvalidRegionCode:
            raise HttpError(422, f"Kode wilayah '{desa}' tidak sah.") from None
        families = families.filter(region_code__startswith=code)
        members = members.filter(region_code__startswith=code)
    first, past = _cursor(after) if after else (0, None)
    rows = []  # (gap, registry ID, member key, NIK, pending), one past the page
    for gap in Gap.values[first:]:
        if celah is not None and gap != celah:
            continue
        wanted = limit + 1 - len(rows)
        found = _rows_after(gap, families, members, day, past if gap == Gap.values[first] else None)
        rows += [(gap, *row) for row in found[:wanted]]
        if len(rows) > limit:
            break
    cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        gap, registry_id, member, _nik, _pending = rows[-1]
        cursor = f"{gap}:{registry_id}:{member}"
    full = sees_full_nik(user)
    items = [
        {"celah": gap, "id_keluarga": registry_id, "nik": shown_nik(nik, full) if nik else "",
         "diusulkan": pending}
        for gap, registry_id, _member, nik, pending in rows
    ]  # fmt: skip
    shown = sum(1 for item in items if item["nik"])
    if full and shown:
        # Full NIKs shown are logged (DESIGN §11), once per page rather than per row.
        trail.record(user, "programs.gaps.view_nik", region_code=user.region_id or "",
                     details={"count": shown, "via": "api"})  # fmt: skip
    return {"items": items, "next": cursor}
