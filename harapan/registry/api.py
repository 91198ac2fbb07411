"""Families and members in the REST API (`/api/v1/`), scoped exactly like the pages.

Field names follow the registry import contract (DESIGN §12) where one exists.
A family outside the caller's scope does not exist for them: 404, as on the pages.
"""

from datetime import date

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from harapan.accounts.roles import sees_full_nik
from harapan.api_contract import Key, documented, limit
from harapan.lib.kk import shown_kk, shown_kks
from harapan.lib.nik import InvalidNik, clean_nik, shown_nik

from . import actions
from .eligibility import component_for
from .forms import FamilySearchForm, page_of
from .models import Family, FamilyStatus, Member

router = Router(tags=["registri"])

MAX_LIMIT = 200
PageSize = limit(MAX_LIMIT)


class FamilyOut(Schema):
    id: int
    id_keluarga: str
    no_kk: str
    kode_desa: str
    alamat: str
    bank: str
    no_kks: str
    desil: int | None
    status: str
    alasan_keluar: str
    tanggal_keluar: date | None
    pendamping: str | None


class MemberOut(Schema):
    id: int
    nik: str
    nama: str
    jenis_kelamin: str
    tanggal_lahir: date
    hubungan_keluarga: str
    hamil: bool
    jenjang_pendidikan: str
    disabilitas_berat: bool
    status_hidup: str
    komponen: str | None


class FamilyDetailOut(FamilyOut):
    anggota: list[MemberOut]


class MemberInFamilyOut(MemberOut):
    keluarga: int
    id_keluarga: str


class FamilyPage(Schema):
    items: list[FamilyOut]
    next: str | None


class Error(Schema):
    detail: str


def _family(family: Family, *, full: bool) -> dict:
    """A family for the API; `full`: its No KK and KKS whole (roles that see NIKs whole)."""
    return {
        "id": family.pk,
        "id_keluarga": family.registry_id,
        "no_kk": shown_kk(family.kk_number, full),
        "kode_desa": family.region_code,
        "alamat": family.address,
        "bank": family.bank,
        "no_kks": shown_kks(family.kks_number, full),
        "desil": family.desil,
        "status": family.status,
        "alasan_keluar": family.exit_reason,
        "tanggal_keluar": family.exit_date,
        "pendamping": family.pendamping.username if family.pendamping else None,
    }


def _member(member: Member, *, full_nik: bool, on: date) -> dict:
    return {
        "id": member.pk,
        "nik": shown_nik(member.nik, full_nik),
        "nama": member.name,
        "jenis_kelamin": member.sex,
        "tanggal_lahir": member.birth_date,
        "hubungan_keluarga": member.relation,
        "hamil": member.pregnant,
        "jenjang_pendidikan": member.school_level,
        "disabilitas_berat": member.severe_disability,
        "status_hidup": "hidup" if member.alive else "meninggal",
        "komponen": component_for(member, on),
    }


@router.get(
    "/families",
    response=documented(FamilyPage),
    summary="Daftar KPM dalam cakupan pengguna",
)
def list_families(
    request: HttpRequest,
    after: str = "",
    limit: PageSize = 50,
    q: str = "",
    desa: str = "",
    status: FamilyStatus | None = None,
    komponen: str = "",
):
    """Keyset pagination by `id_keluarga`: pass `next` back as `after` for the next page.

    `q` finds an ID keluarga or No KK by prefix, a NIK exactly or a name by any part.
    """
    user = request.user
    form = FamilySearchForm(
        {"q": q, "desa": desa, "status": status or "", "component": komponen, "after": after}
    )
    if not form.is_valid():
        message = "; ".join(f"{name}: {' '.join(errs)}" for name, errs in form.errors.items())
        raise HttpError(422, message)
    families = form.filter(Family.objects.visible_to(user), user).select_related("pendamping")
    items, cursor = page_of(families, form.cleaned_data["after"], size=limit)
    full = sees_full_nik(user)
    return {"items": [_family(f, full=full) for f in items], "next": cursor}


@router.get(
    "/families/{family_id}",
    response=documented(FamilyDetailOut, 404),
    summary="Satu KPM dengan anggotanya",
)
def get_family(request: HttpRequest, family_id: Key):
    user = request.user
    family = get_object_or_404(
        Family.objects.visible_to(user).select_related("pendamping"), pk=family_id
    )
    full = sees_full_nik(user)
    today = timezone.localdate()
    members = list(family.members.all())
    if full:
        actions.record_nik_view(user, family, len(members), via="api")
    body = _family(family, full=full)
    body["anggota"] = [_member(m, full_nik=full, on=today) for m in members]
    return body


@router.get(
    "/members/{nik}",
    response=documented(list[MemberInFamilyOut], 404),
    summary="Anggota keluarga dengan NIK ini dalam cakupan pengguna",
)
def get_members(request: HttpRequest, nik: str):
    """A list: the same NIK may sit in two families (a duplicate that check_data reports)."""
    user = request.user
    try:
        nik = clean_nik(nik)
    except InvalidNik as error:
        raise HttpError(422, str(error)) from None
    members = list(
        Member.objects.visible_to(user)
        .filter(nik=nik)
        .select_related("family")
        .order_by("family__registry_id")
    )
    if not members:
        raise HttpError(404, "Not Found")
    # The caller already holds this NIK: echoing it discloses nothing, so no view is logged.
    full = sees_full_nik(user)
    today = timezone.localdate()
    return [
        {
            **_member(m, full_nik=full, on=today),
            "keluarga": m.family_id,
            "id_keluarga": m.family.registry_id,
        }
        for m in members
    ]
