"""Verification records and sanctions in the REST API, scoped exactly like the pages.

Lists carry the member's id and a masked NIK: the full NIK of one member is
at /members/{nik}, where viewing it is logged.
"""

from datetime import datetime

from ninja import Router, Schema

from harapan.api_contract import (
    After,
    Month,
    Offset,
    StageNumber,
    Year,
    api_month,
    documented,
    limit,
)
from harapan.lib.nik import shown_nik

from . import calendar
from .models import Sanction, Verification

router = Router(tags=["verifikasi"])
MAX_LIMIT = 500
PageSize = limit(MAX_LIMIT)


class VerificationOut(Schema):
    id: int
    id_keluarga: str
    anggota_id: int
    nik: str
    bulan: str
    komitmen: str
    hasil: str
    persen_kehadiran: int | None
    alasan: str
    npsn: str | None
    fasilitas: str | None


class VerificationPage(Schema):
    items: list[VerificationOut]
    next: int | None


class SanctionOut(Schema):
    id: int
    id_keluarga: str
    anggota_id: int
    nik: str
    komponen: str
    jenis: str
    tahun: int
    tahap: int
    alasan: str
    dicabut_pada: datetime | None
    alasan_pencabutan: str


@router.get(
    "/verifications",
    response=documented(VerificationPage),
    summary="Verifikasi komitmen sebulan",
)
def verifications(request, month: Month, after: After = 0, limit: PageSize = 100):
    """`month` as YYYY-MM. Keyset pagination: pass `next` back as `after`."""
    rows = list(
        Verification.objects.visible_to(request.user)
        .filter(month=api_month(month), pk__gt=after)
        .select_related("member__family", "school", "facility")
        .order_by("pk")[: limit + 1]
    )
    items = [
        {"id": v.pk, "id_keluarga": v.member.family.registry_id, "anggota_id": v.member_id,
         "nik": shown_nik(v.member.nik, False), "bulan": calendar.month_label(v.month),
         "komitmen": v.commitment, "hasil": v.result, "persen_kehadiran": v.attendance,
         "alasan": v.reason, "npsn": v.school.npsn if v.school else None,
         "fasilitas": v.facility.name if v.facility else None}
        for v in rows[:limit]
    ]  # fmt: skip
    return {"items": items, "next": rows[limit - 1].pk if len(rows) > limit else None}


@router.get("/sanctions", response=documented(list[SanctionOut]), summary="Sanksi satu tahap")
def sanctions(request, year: Year, stage: StageNumber, in_force: bool = True,
              limit: PageSize = 100, offset: Offset = 0):  # fmt: skip
    """With `in_force` (default) the sanctions stopping payment in the stage, including
    terminations from earlier stages; without it, every sanction decided for the stage,
    lifted ones too."""
    rows = Sanction.objects.visible_to(request.user)
    rows = rows.in_force(year, stage) if in_force else rows.filter(year=year, stage=stage)
    rows = rows.select_related("member__family").order_by("pk")[offset : offset + limit]
    return [
        {"id": s.pk, "id_keluarga": s.member.family.registry_id, "anggota_id": s.member_id,
         "nik": shown_nik(s.member.nik, False), "komponen": s.component, "jenis": s.kind,
         "tahun": s.year, "tahap": s.stage, "alasan": s.reason, "dicabut_pada": s.lifted_at,
         "alasan_pencabutan": s.lift_reason}
        for s in rows
    ]  # fmt: skip
