"""The benefits section of the family page: this stage's components and money, history,
and why each computed stage pays what it pays."""

from django.template.loader import render_to_string
from django.utils import timezone

from harapan.registry import eligibility

from .explanation import explain_entitlements
from .models import Disbursement, Entitlement, Stage


def current_stage(day=None) -> Stage | None:
    day = day or timezone.localdate()
    return (
        Stage.objects.select_related("year")
        .filter(period_start__lte=day, period_end__gte=day)
        .first()
    )


def benefits_panel(request, family) -> str:
    entitlements = list(
        Entitlement.objects.filter(family=family)
        .select_related("stage__year")
        .prefetch_related("lines", "stage__year__index")
        .order_by("-stage__year_id", "-stage__number")
    )
    # Also gives every line its member, from the family's members.
    explanations = explain_entitlements(family, entitlements)
    payments = {}
    for line in Disbursement.objects.filter(family=family).order_by("paid_on", "line"):
        payments.setdefault(line.stage_id, []).append(line)
    stage = current_stage()
    now = next((e for e in entitlements if stage and e.stage_id == stage.pk), None)
    if now:
        for line in now.lines.all():
            line.label = eligibility.LABELS.get(line.component, line.component)
    history = [
        {"entitlement": e, "payments": payments.get(e.stage_id, []),
         "paid": sum(p.amount for p in payments.get(e.stage_id, []) if p.status == "berhasil")}
        for e in entitlements
    ]  # fmt: skip
    return render_to_string(
        "benefits/family_panel.html",
        {
            "stage": stage,
            "now": now,
            "benefit_history": history,
            "family": family,
            "explanations": explanations,
        },  # fmt: skip
        request=request,
    )
