"""The monthly work plan pages (DESIGN §9): the pendamping's own plan of a month with its
realisation, the korcam's (or korkab's) list of plans to review, one plan with the review
form. Thin: each POST calls one function of actions_plans.py and reports its refusal as a
message, nothing changed."""

from datetime import date
from operator import attrgetter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from harapan import downloads
from harapan.accounts.roles import Role
from harapan.accounts.scoping import work_plan_filter
from harapan.display import formats
from harapan.downloads import Column, Table
from harapan.lib.months import add_months, month_label, month_start, parse_month
from harapan.paging import paginate
from harapan.steps import report_refusal

from . import actions_plans as actions
from .forms_plans import ACCEPT, PlanForm, ReviewForm
from .models import PlanStatus, WorkPlan
from .realisation import realisation_of

PAGE_SIZE = 50


def plans_visible_to(user):
    return WorkPlan.objects.filter(work_plan_filter(user))


def reviews_work_plans(user) -> bool:
    """The roles that review plans (the menu shows them the review list; the list refuses
    the others)."""
    return user.role in actions.REVIEWING_ROLES


def waiting_for_review(user):
    """The submitted plans `user` may review: the review list and the korcam's to-do."""
    if user.role not in actions.REVIEWING_ROLES:
        return WorkPlan.objects.none()
    return plans_visible_to(user).filter(status=PlanStatus.SUBMITTED)


def _month(params, today: date) -> date:
    """`?bulan=YYYY-MM`, this month when missing or not a month."""
    try:
        return parse_month(params.get("bulan", ""))
    except ValueError:
        return month_start(today)


def plan_url(month: date) -> str:
    return f"{reverse('fieldwork:plan')}?{urlencode({'bulan': month_label(month)})}"


def _own_plan_user(request):
    if request.user.role != Role.PENDAMPING:
        raise PermissionDenied(_("Rencana kerja bulanan disusun oleh pendamping."))
    return request.user


@login_required
def plan(request: HttpRequest) -> HttpResponse:
    """The user's own plan of a month: its lines (editable in the current and next month,
    while a draft or returned), submit, copy from the previous month, realisation."""
    user, today = _own_plan_user(request), timezone.localdate()
    month = _month(request.POST if request.method == "POST" else request.GET, today)
    found = WorkPlan.objects.filter(pendamping=user, month=month).first()
    editable = month in actions.editable_months(today) and (
        found is None or found.status in actions.EDITABLE
    )
    lines = list(found.lines.all()) if found else []
    form = PlanForm(request.POST or None, lines=lines)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_plan(user, month, form.lines(), acting_user=user, today=today)
            if request.POST.get("aksi") == "ajukan":
                actions.submit_plan(saved, acting_user=user, today=today)
                messages.success(request, _("Rencana kerja diajukan ke korcam."))
            else:
                messages.success(request, _("Rencana kerja disimpan sebagai draf."))
            return redirect(plan_url(month))
        except ValidationError as problem:
            report_refusal(request, problem)
    previous = add_months(month, -1)
    context = {
        "month": month,
        "month_value": month_label(month),
        "previous_month": month_label(previous),
        "next_month": month_label(add_months(month, 1)),
        "plan": found,
        "form": form,
        "editable": editable,
        "may_copy": editable
        and not lines
        and WorkPlan.objects.filter(pendamping=user, month=previous, lines__isnull=False).exists(),
        "realisation": realisation_of(user, month),
    }
    return render(request, "fieldwork/plans/plan.html", context)


@login_required
@require_POST
def plan_copy(request: HttpRequest) -> HttpResponse:
    """The previous month's lines into the plan of `bulan` (a new draft)."""
    user, today = _own_plan_user(request), timezone.localdate()
    month = _month(request.POST, today)
    source = WorkPlan.objects.filter(pendamping=user, month=add_months(month, -1)).first()
    if source is None:
        messages.error(request, _("Tidak ada rencana bulan sebelumnya untuk disalin."))
        return redirect(plan_url(month))
    try:
        actions.copy_plan(source, acting_user=user, today=today)
        messages.success(request, _("Rencana bulan sebelumnya disalin. Periksa lalu ajukan."))
    except ValidationError as problem:
        report_refusal(request, problem)
    return redirect(plan_url(month))


REVIEWS = Table(
    "rencana-kerja-ditinjau",
    _lazy("Tinjau rencana kerja"),
    (
        Column(_lazy("Pendamping"), lambda p: str(p.pendamping)),
        Column(_lazy("Bulan"), lambda p: formats.month(p.month)),
        Column(_lazy("Kegiatan direncanakan"), lambda p: p.total or 0),
        Column(_lazy("Diajukan"), attrgetter("submitted_at")),
    ),
)


@login_required
def plan_review_list(request: HttpRequest) -> HttpResponse:
    """The submitted plans of the reviewer's region, oldest month first."""
    user = request.user
    if not reviews_work_plans(user):
        raise PermissionDenied(_("Rencana kerja ditinjau oleh korcam dan korkab."))
    plans = (
        waiting_for_review(user)
        .select_related("pendamping")
        .annotate(total=Sum("lines__planned"))
        .order_by("month", "submitted_at", "pk")
    )
    if response := downloads.serve(request, REVIEWS, plans):
        return response
    page, pager = paginate(request, plans, PAGE_SIZE)
    context = {"plans": page.object_list, "pager": pager, "downloads": downloads.links(request)}
    return render(request, "fieldwork/plans/review_list.html", context)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    found = get_object_or_404(
        plans_visible_to(user).select_related("pendamping", "reviewed_by"), pk=pk
    )
    reviewing = found.status == PlanStatus.SUBMITTED and actions.may_review(user, found)
    context = {
        "plan": found,
        "lines": list(found.lines.all()),
        "realisation": realisation_of(found.pendamping, found.month),
        "review_form": ReviewForm() if reviewing else None,
        "is_owner": found.pendamping_id == user.pk,
        "month_value": month_label(found.month),
    }
    return render(request, "fieldwork/plans/detail.html", context)


@login_required
@require_POST
def plan_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    found = get_object_or_404(plans_visible_to(user).select_related("pendamping"), pk=pk)
    if not actions.may_review(user, found):
        raise PermissionDenied(
            _("Rencana ditinjau oleh korcam kecamatan pendamping atau korkab di atasnya.")
        )
    form = ReviewForm(request.POST)
    if not form.is_valid():
        for problems in form.errors.values():
            for message in problems:
                messages.error(request, message)
        return redirect("fieldwork:plan_detail", pk=found.pk)
    accept = form.cleaned_data["keputusan"] == ACCEPT
    try:
        actions.review_plan(
            found, accept=accept, note=form.cleaned_data["catatan"], acting_user=user
        )
    except ValidationError as problem:
        report_refusal(request, problem)
        return redirect("fieldwork:plan_detail", pk=found.pk)
    messages.success(
        request,
        _("Rencana kerja diterima.") if accept else _("Rencana kerja dikembalikan ke pendamping."),
    )
    return redirect("fieldwork:plan_review_list")
