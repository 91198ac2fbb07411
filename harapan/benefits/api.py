"""Entitlements and disbursements in the REST API, scoped exactly like the pages."""

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from harapan.accounts.roles import sees_full_nik
from harapan.api_contract import After, Key, StageNumber, Year, documented, limit
from harapan.lib.kk import shown_kks
from harapan.registry.models import Family

from .disbursement import disbursements_visible_to
from .models import Entitlement, Stage

router = Router(tags=["bantuan"])
MAX_LIMIT = 500
PageSize = limit(MAX_LIMIT)


class EntitlementLineOut(Schema):
    komponen: str
    anggota_id: int
    jumlah: int


class EntitlementOut(Schema):
    id_keluarga: str
    tahun: int
    tahap: int
    jumlah: int
    komponen: list[EntitlementLineOut]


class EntitlementPage(Schema):
    items: list[EntitlementOut]
    next: int | None


class DisbursementOut(Schema):
    id: int
    id_keluarga: str
    no_kks: str
    tahun: int
    tahap: int
    jumlah: int
    tanggal: date
    status: str


class DisbursementPage(Schema):
    items: list[DisbursementOut]
    next: int | None


def _entitlement(e: Entitlement) -> dict:
    return {
        "id_keluarga": e.family.registry_id,
        "tahun": e.stage.year_id,
        "tahap": e.stage.number,
        "jumlah": e.total,
        "komponen": [
            {"komponen": line.component, "anggota_id": line.member_id, "jumlah": line.amount}
            for line in e.lines.all()
        ],
    }


@router.get(
    "/entitlements",
    response=documented(EntitlementPage, 404),
    summary="Penetapan bantuan satu tahap",
)
def entitlements(request, year: Year, stage: StageNumber, after: After = 0, limit: PageSize = 100):
    """Keyset pagination: pass `next` back as `after`."""
    target = get_object_or_404(Stage, year_id=year, number=stage)
    rows = list(
        Entitlement.objects.visible_to(request.user)
        .filter(stage=target, pk__gt=after)
        .select_related("family", "stage")
        .prefetch_related("lines")
        .order_by("pk")[: limit + 1]
    )
    return {
        "items": [_entitlement(e) for e in rows[:limit]],
        "next": rows[limit - 1].pk if len(rows) > limit else None,
    }


@router.get(
    "/families/{family_id}/entitlements",
    response=documented(list[EntitlementOut], 404),
    summary="Riwayat penetapan satu keluarga",
)
def family_entitlements(request, family_id: Key):
    family = get_object_or_404(Family.objects.visible_to(request.user), pk=family_id)
    rows = (
        Entitlement.objects.filter(family=family)
        .select_related("family", "stage")
        .prefetch_related("lines")
        .order_by("stage__year_id", "stage__number")
    )
    return [_entitlement(e) for e in rows]


@router.get(
    "/disbursements", response=documented(DisbursementPage, 404), summary="Penyaluran satu tahap"
)
def disbursements(request, year: Year, stage: StageNumber, after: After = 0, limit: PageSize = 100):
    target = get_object_or_404(Stage, year_id=year, number=stage)
    rows = list(
        disbursements_visible_to(request.user)
        .filter(stage=target, pk__gt=after)
        .select_related("stage")
        .order_by("pk")[: limit + 1]
    )
    full = sees_full_nik(request.user)
    items = [
        {"id": d.pk, "id_keluarga": d.registry_id, "no_kks": shown_kks(d.kks_number, full),
         "tahun": d.stage.year_id, "tahap": d.stage.number, "jumlah": d.amount,
         "tanggal": d.paid_on, "status": d.status}
        for d in rows[:limit]
    ]  # fmt: skip
    return {"items": items, "next": rows[limit - 1].pk if len(rows) > limit else None}
