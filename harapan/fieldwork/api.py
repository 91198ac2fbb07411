"""Monthly work plans in the REST API (DESIGN §9, issue 16), for the offline app: the plans a
user may see (accounts.scoping.work_plan_filter), one plan with its realisation, and the
pendamping's own draft written with its lines. Codes, not labels."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja import Status as Answer
from ninja.errors import HttpError
from ninja.security.session import SessionAuth

from harapan.accounts.roles import Role
from harapan.api_auth import TokenAuth
from harapan.api_contract import After, Key, Month, api_month, documented, limit
from harapan.lib.months import month_label

from . import actions_plans as actions
from .kinds import ActivityType
from .models import PlanStatus, WorkPlan
from .realisation import realisation_of
from .views_plans import plans_visible_to

router = Router(tags=["rencana kerja"])
MAX_LIMIT = 200
PageSize = limit(MAX_LIMIT)


class _OwnPlans:
    """Signed in as a pendamping (who writes their own plan); 403 before the body is read."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and user.role != Role.PENDAMPING:
            raise HttpError(403, _("Rencana kerja bulanan disusun oleh pendamping."))
        return user


class _OwnPlansSession(_OwnPlans, SessionAuth):
    pass


class _OwnPlansToken(_OwnPlans, TokenAuth):
    pass


PENDAMPING_ONLY = [_OwnPlansSession(), _OwnPlansToken()]


class LineIn(Schema):
    jenis: ActivityType
    jumlah: int = Field(ge=0, le=actions.MAX_PLANNED, description="Jumlah direncanakan (0–500)")
    rincian: str = Field("", max_length=300, description="Tanggal, keluarga atau kelompok")


class PlanIn(Schema):
    bulan: Month
    baris: list[LineIn] = Field(max_length=len(ActivityType.values))
    ajukan: bool = Field(False, description="Ajukan ke korcam setelah disimpan")


class LineOut(Schema):
    jenis: ActivityType
    jumlah: int
    rincian: str


class FiguresOut(Schema):
    jenis: ActivityType
    direncanakan: int
    dikerjakan: int
    dihitung: int = Field(description="Paling banyak sejumlah yang direncanakan")


class PlanOut(Schema):
    id: int
    pendamping: str
    bulan: str = Field(description="TTTT-BB")
    status: PlanStatus
    diajukan: datetime | None
    ditinjau: datetime | None
    catatan_peninjau: str
    baris: list[LineOut]


class PlanDetailOut(PlanOut):
    realisasi: list[FiguresOut]
    rencana_total: int = Field(description="§9 `rencana`: 0 bila rencana belum diterima")
    realisasi_total: int = Field(description="§9 `realisasi`: 0 bila rencana belum diterima")


class PlanPage(Schema):
    items: list[PlanOut]
    next: int | None


def _moment(value):
    return timezone.localtime(value) if value else None


def _out(plan: WorkPlan) -> dict:
    return {
        "id": plan.pk,
        "pendamping": plan.pendamping.username,
        "bulan": month_label(plan.month),
        "status": plan.status,
        "diajukan": _moment(plan.submitted_at),
        "ditinjau": _moment(plan.reviewed_at),
        "catatan_peninjau": plan.review_note,
        "baris": [
            {"jenis": line.kind, "jumlah": line.planned, "rincian": line.detail}
            for line in plan.lines.all()
        ],
    }


def _detail(plan: WorkPlan) -> dict:
    realisation = realisation_of(plan.pendamping, plan.month)
    figures = [
        {"jenis": r.kind, "direncanakan": r.planned, "dikerjakan": r.done, "dihitung": r.counted}
        for r in realisation.rows
    ]
    return _out(plan) | {
        "realisasi": figures,
        "rencana_total": realisation.rencana,
        "realisasi_total": realisation.realisasi,
    }


def _plans(user):
    return plans_visible_to(user).select_related("pendamping").prefetch_related("lines")


@router.get("/work-plans", response=documented(PlanPage), summary="Rencana kerja yang terlihat")
def list_work_plans(
    request,
    month: Month | None = None,
    status: PlanStatus | None = None,
    after: After = 0,
    limit: PageSize = 100,
):
    """Keyset pagination: pass `next` back as `after`."""
    rows = _plans(request.user).filter(pk__gt=after).order_by("pk")
    if month is not None:
        rows = rows.filter(month=api_month(month))
    if status is not None:
        rows = rows.filter(status=status)
    found = list(rows[: limit + 1])
    return {
        "items": [_out(plan) for plan in found[:limit]],
        "next": found[limit - 1].pk if len(found) > limit else None,
    }


@router.get(
    "/work-plans/{plan_id}",
    response=documented(PlanDetailOut, 404),
    summary="Satu rencana kerja dengan realisasinya",
)
def get_work_plan(request, plan_id: Key):
    return _detail(get_object_or_404(_plans(request.user), pk=plan_id))


@router.post(
    "/work-plans",
    auth=PENDAMPING_ONLY,
    response=documented(PlanDetailOut, 400, 403, status=201),
    summary="Simpan (dan ajukan) rencana kerja sendiri",
)
def save_work_plan(request, payload: PlanIn):
    """201 and the plan as saved: the pendamping's own plan of `bulan` (this month or the
    next), created or its lines replaced by `baris` (a line of 0 is left out); 400 names the
    refusal (a plan already submitted or accepted, a month gone by, a kind twice)."""
    user = request.user
    lines = [actions.Line(line.jenis, line.jumlah, line.rincian) for line in payload.baris]
    try:
        plan = actions.save_plan(user, api_month(payload.bulan), lines, acting_user=user)
        if payload.ajukan:
            plan = actions.submit_plan(plan, acting_user=user)
    except PermissionDenied as refused:
        raise HttpError(403, str(refused)) from None
    except ValidationError as problem:
        raise HttpError(400, " ".join(problem.messages)) from None
    return Answer(201, _detail(get_object_or_404(_plans(user), pk=plan.pk)))
