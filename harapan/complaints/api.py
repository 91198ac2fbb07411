"""Complaints in the REST API (DESIGN §12 "Complaints API"), scoped like every family-level
record: a complaint the caller may not see does not exist for them (404), the accused
pendamping included. Codes, not labels: the §12 values.

Staff record a complaint with the fields of the intake page (forms_intake.IntakeForm, the one
validation of both); a read-only role is refused with 403 before its body is read
(api_auth.WRITERS). The SLA (`sla`, `tenggat`) is computed from the clock at the request
(sla.py), never stored; a resolved complaint has none: both null.
"""

from datetime import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja import Status as Answer
from ninja.errors import HttpError

from harapan.api_auth import WRITERS
from harapan.api_contract import After, documented, limit
from harapan.workdays.calendar import SlaStatus

from .forms_intake import IntakeForm
from .models import Category, Channel, Complaint, Level, Status, normalize_kode
from .sla import Sla, sla_for, sla_of

router = Router(tags=["pengaduan"])
MAX_LIMIT = 500
PageSize = limit(MAX_LIMIT)
Kode = Annotated[str, Field(max_length=20, description="Kode pengaduan, mis. ADU-7K3M9Q2P")]


# What a list row reads: its fields out and what its SLA is computed from.
LISTED = ("kode", "kategori", "status", "tingkat", "received_at", "step_started_at")


def _codes(choices, description: str):
    return Field(description=description, json_schema_extra={"enum": list(choices.values)})


class ComplaintIn(Schema):
    kategori: str = _codes(Category, "Kategori pengaduan")
    uraian: str = Field(max_length=10_000)
    kode_desa: str = Field(max_length=14, description="Kode desa 10 digit, bertitik atau tidak")
    saluran: str = _codes(Channel, "Saluran pengaduan")
    nama: str = Field("", max_length=150)
    telepon: str = Field("", max_length=20)
    nik: str = Field("", max_length=24)
    id_keluarga: str = Field("", max_length=32, description="KPM dalam cakupan pengguna")
    pendamping: str = Field(
        "", max_length=150,
        description="Nama pengguna pendamping yang diadukan (perilaku_pendamping, pungli)",
    )  # fmt: skip
    diterima: datetime | None = Field(
        None, description="Waktu diterima (ISO 8601; tanpa zona waktu: WIB), bawaan sekarang"
    )


class CreatedOut(Schema):
    kode: str
    pin: str


class ComplaintOut(Schema):
    kode: str
    kategori: Category
    status: Status
    tingkat: Level
    sla: SlaStatus | None = Field(description="Status SLA langkah berjalan; null bila selesai")
    tenggat: datetime | None = Field(description="Tenggat langkah berjalan; null bila selesai")
    diterima: datetime


class ComplaintPage(Schema):
    items: list[ComplaintOut]
    next: int | None


def _out(complaint: Complaint, sla: Sla | None) -> dict:
    return {
        "kode": complaint.kode,
        "kategori": complaint.kategori,
        "status": complaint.status,
        "tingkat": complaint.tingkat,
        "sla": sla.status if sla else None,
        "tenggat": timezone.localtime(sla.deadline) if sla else None,
        "diterima": timezone.localtime(complaint.received_at),
    }


@router.get(
    "/complaints/{kode}",
    response=documented(ComplaintOut, 404),
    summary="Satu pengaduan dengan status SLA-nya",
)
def get_complaint(request, kode: Kode):
    """`sla` and `tenggat` are those of the step the complaint waits on, at the time of the
    request; both null once it is resolved (`selesai`)."""
    complaint = get_object_or_404(
        Complaint.objects.visible_to(request.user), kode=normalize_kode(kode)
    )
    return _out(complaint, sla_of(complaint, timezone.now()))


@router.get("/complaints", response=documented(ComplaintPage), summary="Pengaduan yang terlihat")
def list_complaints(
    request,
    status: Status | None = None,
    kategori: Category | None = None,
    sla: SlaStatus | None = None,
    after: After = 0,
    limit: PageSize = 100,
):
    """Keyset pagination: pass `next` back as `after`. `sla` is computed from the clock, so
    it keeps the open complaints only (a resolved one has none)."""
    rows = (
        Complaint.objects.visible_to(request.user).filter(pk__gt=after).only(*LISTED).order_by("pk")
    )
    if status is not None:
        rows = rows.filter(status=status)
    if kategori is not None:
        rows = rows.filter(kategori=kategori)
    now = timezone.now()
    if sla is None:
        found = list(rows[: limit + 1])
        slas = sla_for(found, now)
    else:
        # One query for the open rows and one calendar for them all, then the clock decides.
        candidates = list(rows.open())
        slas = sla_for(candidates, now)
        found = [c for c in candidates if slas[c.pk].status == sla][: limit + 1]
    return {
        "items": [_out(c, slas[c.pk]) for c in found[:limit]],
        "next": found[limit - 1].pk if len(found) > limit else None,
    }


@router.post(
    "/complaints",
    auth=WRITERS,
    response=documented(CreatedOut, 400, 403, status=201),
    summary="Catat pengaduan (datang, telepon 171, rujukan SP4N-LAPOR!)",
)
def submit_complaint(request, payload: ComplaintIn):
    """The tracking code and the 6-digit PIN, returned this once: tell them to the
    complainant. 422 names each field refused; 403 a desa outside the caller's region."""
    data = payload.dict()
    if data["diterima"] is not None:
        data["diterima"] = data["diterima"].isoformat()
    form = IntakeForm(data, user=request.user, channels=Channel.choices)
    try:
        saved = form.save()
    except PermissionDenied as refused:
        raise HttpError(403, str(refused)) from None
    if saved is None:
        raise HttpError(422, form.problems())
    complaint, pin = saved
    return Answer(201, {"kode": complaint.kode, "pin": pin})
