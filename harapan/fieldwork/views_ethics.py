"""Code-of-ethics pages (DESIGN §9). The cases are confidential: to whoever does not see
them (korcam, operator, pendamping) every page of them answers 404, as if none existed;
the pendamping concerned reads their decided case on its own page (`ethics_decision`)."""

from operator import attrgetter, methodcaller

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from harapan import downloads
from harapan.accounts.roles import acts_on_ethics_cases, sees_ethics_cases
from harapan.complaints.models import Complaint, normalize_kode
from harapan.downloads import Column, Table
from harapan.paging import paginate
from harapan.steps import report_refusal, take_step

from . import actions_ethics as actions
from .forms_ethics import DecisionForm, InvestigationForm, ReportForm
from .models import EthicsCase, EthicsStatus

PAGE_SIZE = 50


def _seeing(user) -> None:
    if not sees_ethics_cases(user):
        raise Http404


ETHICS = Table(
    "kode-etik",
    _lazy("Kode etik"),
    (
        Column(_lazy("Dilaporkan"), attrgetter("reported_at")),
        Column(_lazy("Pendamping"), lambda c: str(c.pendamping)),
        Column(
            _lazy("Kecamatan"), lambda c: c.pendamping.region.name if c.pendamping.region_id else ""
        ),
        Column(_lazy("Jenis pelanggaran"), methodcaller("get_kind_display")),
        Column(_lazy("Status"), methodcaller("get_status_display")),
        Column(_lazy("Keputusan"), methodcaller("get_decision_display")),
    ),
)


@login_required
def ethics_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _seeing(user)
    cases = EthicsCase.objects.visible_to(user).select_related("pendamping", "pendamping__region")
    status = request.GET.get("status", "")
    if status in EthicsStatus.values:
        cases = cases.filter(status=status)
    cases = cases.order_by("-reported_at", "-id")
    notes = [[_("Status"), EthicsStatus(status).label]] if status in EthicsStatus.values else []
    if response := downloads.serve(request, ETHICS, cases, None, notes):
        return response
    page, pager = paginate(request, cases, PAGE_SIZE)
    context = {
        "downloads": downloads.links(request),
        "cases": page.object_list,
        "pager": pager,
        "statuses": EthicsStatus.choices,
        "status": status,
        "may_report": acts_on_ethics_cases(user),
    }
    return render(request, "fieldwork/ethics_list.html", context)


def _complaint_of(user, kode: str) -> Complaint | None:
    return Complaint.objects.visible_to(user).filter(kode=normalize_kode(kode)).first()


@login_required
def ethics_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not acts_on_ethics_cases(user):
        raise Http404
    form = ReportForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["complaint_kode"]:
                complaint = _complaint_of(user, data["complaint_kode"])
                if complaint is None:
                    raise ValidationError(
                        {"complaint_kode": _("Pengaduan tidak ditemukan di wilayah Anda.")}
                    )
                case = actions.open_case_from_complaint(
                    complaint, kind=data["kind"], description=data["description"],
                    acting_user=user,
                )  # fmt: skip
            else:
                case = actions.report_case(
                    data["pendamping"], kind=data["kind"], description=data["description"],
                    acting_user=user,
                )  # fmt: skip
        except (ValidationError, PermissionDenied) as error:
            report_refusal(request, error)
        else:
            messages.success(request, _("Kasus kode etik dilaporkan."))
            return redirect("fieldwork:ethics_detail", pk=case.pk)
    return render(request, "fieldwork/ethics_new.html", {"form": form})


@login_required
def ethics_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _seeing(user)
    case = get_object_or_404(
        EthicsCase.objects.visible_to(user).select_related(
            "pendamping", "pendamping__region", "reported_by", "investigated_by", "decided_by",
            "complaint",
        ),
        pk=pk,
    )  # fmt: skip
    acts = acts_on_ethics_cases(user)
    complaint_shown = bool(
        case.complaint_id
        and Complaint.objects.visible_to(user).filter(pk=case.complaint_id).exists()
    )
    context = {
        "case": case,
        "complaint_shown": complaint_shown,
        "investigation_form": InvestigationForm()
        if acts and case.status == EthicsStatus.REPORTED
        else None,
        "decision_form": DecisionForm()
        if acts and case.status == EthicsStatus.INVESTIGATED
        else None,
    }
    return render(request, "fieldwork/ethics_detail.html", context)


def _step(request: HttpRequest, pk: int, form_class, run, done: str) -> HttpResponse:
    """One step of the case: 404 when the user does not see it, 403 for who only reads;
    the form's and the action's refusals are messages, nothing changed."""
    user = request.user
    _seeing(user)
    case = get_object_or_404(EthicsCase.objects.visible_to(user), pk=pk)
    if not acts_on_ethics_cases(user):
        raise PermissionDenied
    take_step(request, form_class(request.POST), lambda data: run(case, data), done)
    return redirect("fieldwork:ethics_detail", pk=case.pk)


@login_required
@require_POST
def ethics_investigate(request: HttpRequest, pk: int) -> HttpResponse:
    def run(case, data):
        actions.start_investigation(case, note=data["note"], acting_user=request.user)

    return _step(request, pk, InvestigationForm, run, _("Hasil pemeriksaan tersimpan."))


@login_required
@require_POST
def ethics_decide(request: HttpRequest, pk: int) -> HttpResponse:
    def run(case, data):
        actions.decide_case(case, decision=data["decision"], text=data["text"],
                            acting_user=request.user)  # fmt: skip

    return _step(request, pk, DecisionForm, run, _("Keputusan tersimpan."))


@login_required
def ethics_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """The pendamping concerned reads the decided outcome of their case, and nothing else of
    it: not who reported it, not the investigation."""
    case = get_object_or_404(
        EthicsCase.objects.decisions_for(request.user).only(
            "pk", "kind", "decision", "decision_text", "decided_at", "pendamping_id", "status",
            "decision_seen_at",
        ),
        pk=pk,
    )  # fmt: skip
    actions.mark_decision_seen(case, request.user)
    return render(request, "fieldwork/ethics_decision.html", {"case": case})
