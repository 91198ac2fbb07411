"""Every state change of a monthly work plan (DESIGN §9), one function each, each audited.

draft → submitted → accepted, or returned with a note → (edited) → submitted again. The
pendamping writes their own plan of the current or the next month, while it is a draft or
returned; the korcam of their kecamatan (or the korkab above) reviews it. Each step is
claimed with a conditional update on the status it expects, so two reviewers acting at once
cannot both decide.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from harapan.accounts.roles import Role
from harapan.audit import trail
from harapan.display.formats import month as month_text
from harapan.lib.months import add_months, month_start

from .kinds import ActivityType
from .models import PlanLine, PlanStatus, WorkPlan

MAX_PLANNED = 500  # a month of one kind of work: far above what one pendamping does
EDITABLE = (PlanStatus.DRAFT, PlanStatus.RETURNED)
REVIEWING_ROLES = (Role.KORCAM, Role.KORKAB)


@dataclass(frozen=True)
class Line:
    kind: str
    planned: int
    detail: str = ""


def editable_months(today: date) -> tuple[date, date]:
    """A plan is written for this month or the next one, never for a month gone by."""
    this_month = month_start(today)
    return this_month, add_months(this_month, 1)


def may_review(user, plan: WorkPlan) -> bool:
    """The korcam of the pendamping's kecamatan, or the korkab of its kabupaten."""
    region = plan.pendamping.region_id or ""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role in REVIEWING_ROLES
        and user.region_id
        and region.startswith(user.region_id)
    )


def _check_owner(plan_or_pendamping, acting_user) -> None:
    pendamping = getattr(plan_or_pendamping, "pendamping", plan_or_pendamping)
    if acting_user.role != Role.PENDAMPING or pendamping.pk != acting_user.pk:
        raise PermissionDenied(_("Hanya pendamping sendiri yang menyusun rencana kerjanya."))


def _check_month(month: date, today: date) -> None:
    if month not in editable_months(today):
        raise ValidationError(
            _("Rencana %(month)s tidak dapat diubah: hanya bulan ini dan bulan depan.")
            % {"month": month_text(month)}
        )


def _check_editable(plan: WorkPlan) -> None:
    if plan.status not in EDITABLE:
        raise ValidationError(
            _("Rencana berstatus %(status)s tidak dapat diubah.")
            % {"status": plan.get_status_display()}
        )


def _clean_lines(lines: list[Line]) -> list[Line]:
    kinds = set(ActivityType.values)
    seen = set()
    for line in lines:
        if line.kind not in kinds or line.kind in seen:
            raise ValidationError(_("Jenis kegiatan tidak dikenal atau berulang."))
        seen.add(line.kind)
        if not 0 <= line.planned <= MAX_PLANNED:
            raise ValidationError(
                _("Jumlah direncanakan harus 0 sampai %(max)s.") % {"max": MAX_PLANNED}
            )
    # A line planning nothing is no line: the plan lists the work planned.
    return [line for line in lines if line.planned]


def _region(plan: WorkPlan) -> str:
    return plan.pendamping.region_id or ""


def _replace_lines(plan: WorkPlan, lines: list[Line]) -> None:
    plan.lines.all().delete()
    PlanLine.objects.bulk_create(
        PlanLine(plan=plan, kind=line.kind, planned=line.planned, detail=line.detail.strip())
        for line in lines
    )


def _lines_of(plan: WorkPlan) -> dict[str, list]:
    return {line.kind: [line.planned, line.detail] for line in plan.lines.all()}


@transaction.atomic
def save_plan(pendamping, month: date, lines: list[Line], *, acting_user, today=None) -> WorkPlan:
    """The pendamping's plan of `month` with these lines (the ones planning 0 left out),
    created as a draft when there is none; a returned plan stays returned until submitted."""
    _check_owner(pendamping, acting_user)
    month = month_start(month)
    _check_month(month, today or timezone.localdate())
    cleaned = _clean_lines(lines)
    plan, created = WorkPlan.objects.select_for_update().get_or_create(
        pendamping=pendamping, month=month
    )
    _check_editable(plan)
    before = {} if created else _lines_of(plan)
    _replace_lines(plan, cleaned)
    after = _lines_of(plan)
    changes = {kind: [before.get(kind), after.get(kind)] for kind in before.keys() | after.keys()}
    changes = {kind: pair for kind, pair in changes.items() if pair[0] != pair[1]}
    trail.record(
        acting_user, "fieldwork.plan.save", plan, changes=changes, region_code=_region(plan)
    )
    return plan


def submit_plan(plan: WorkPlan, *, acting_user, today=None) -> WorkPlan:
    """To the korcam: a draft or returned plan of an editable month, with at least one line."""
    _check_owner(plan, acting_user)
    _check_month(plan.month, today or timezone.localdate())
    _check_editable(plan)
    if not plan.lines.exists():
        raise ValidationError(_("Isi paling sedikit satu jenis kegiatan sebelum mengajukan."))
    now = timezone.now()
    with transaction.atomic():
        claimed = WorkPlan.objects.filter(pk=plan.pk, status__in=EDITABLE).update(
            status=PlanStatus.SUBMITTED, submitted_at=now
        )
        if not claimed:
            raise ValidationError(_("Rencana ini sudah diajukan."))
        trail.record(acting_user, "fieldwork.plan.submit", plan, region_code=_region(plan))
    plan.refresh_from_db()
    return plan


def review_plan(plan: WorkPlan, *, accept: bool, note: str = "", acting_user) -> WorkPlan:
    """Accepted, or returned with a note saying what to change (required)."""
    if not may_review(acting_user, plan):
        raise PermissionDenied(
            _("Rencana ditinjau oleh korcam kecamatan pendamping atau korkab di atasnya.")
        )
    note = (note or "").strip()
    if not accept and not note:
        raise ValidationError(_("Tulis catatan: apa yang perlu diperbaiki pendamping."))
    status = PlanStatus.ACCEPTED if accept else PlanStatus.RETURNED
    with transaction.atomic():
        claimed = WorkPlan.objects.filter(pk=plan.pk, status=PlanStatus.SUBMITTED).update(
            status=status, reviewed_at=timezone.now(), reviewed_by=acting_user, review_note=note
        )
        if not claimed:
            raise ValidationError(_("Rencana ini tidak sedang menunggu tinjauan."))
        if accept:
            trail.record(acting_user, "fieldwork.plan.accept", plan, region_code=_region(plan))
        else:
            trail.record(
                acting_user,
                "fieldwork.plan.return",
                plan,
                details={"catatan": note},
                region_code=_region(plan),
            )
    plan.refresh_from_db()
    return plan


@transaction.atomic
def copy_plan(source: WorkPlan, *, acting_user, today=None) -> WorkPlan:
    """The next month's draft, starting from `source`'s lines (counts and details)."""
    _check_owner(source, acting_user)
    target_month = add_months(source.month, 1)
    _check_month(target_month, today or timezone.localdate())
    plan, _created = WorkPlan.objects.select_for_update().get_or_create(
        pendamping=source.pendamping, month=target_month
    )
    _check_editable(plan)
    if plan.lines.exists():
        raise ValidationError(
            _("Rencana %(month)s sudah berisi: ubah langsung di formulir.")
            % {"month": month_text(target_month)}
        )
    _replace_lines(
        plan, [Line(line.kind, line.planned, line.detail) for line in source.lines.all()]
    )
    trail.record(
        acting_user,
        "fieldwork.plan.copy",
        plan,
        details={"dari": f"{source.month:%Y-%m}"},
        region_code=_region(plan),
    )
    return plan
