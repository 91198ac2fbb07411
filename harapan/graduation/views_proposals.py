"""Exit workflow pages (DESIGN §7): the list, a new proposal, the detail with its
steps and decisions, and follow-up visits to a family that has left."""

from operator import attrgetter, methodcaller

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from harapan import downloads
from harapan.accounts.roles import Role, may_change_family_data
from harapan.display import formats
from harapan.downloads import Column, Table
from harapan.paging import paginate
from harapan.registry.models import Family
from harapan.registry.naming import name_families, name_families_of
from harapan.steps import report_refusal

from . import actions
from .forms_proposals import FollowUpForm, ProposalFilterForm, ProposalForm, RejectForm
from .models import Assessment, AssessmentRules, ExitProposal, ProposalStatus

PAGE_SIZE = 50

# The step each coordinator works on comes first in their list.
WAITING_FOR = {Role.KORCAM: ProposalStatus.PROPOSED, Role.KORKAB: ProposalStatus.VERIFIED}


def _scoped(user):
    return ExitProposal.objects.visible_to(user).select_related(
        "family", "proposed_by", "verified_by", "approved_by", "rejected_by"
    )


def _add_errors(form: Form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


def _acts_as(user, role: str) -> bool:
    return user.is_superuser or user.role == role


def steps(proposal: ExitProposal) -> list[dict]:
    """Who did what when, in order; the family page shows the same list."""
    rows = [{"label": _("Diusulkan"), "who": proposal.proposed_by, "when": proposal.proposed_at}]
    if proposal.verified_at:
        rows.append(
            {"label": _("Diverifikasi korcam"), "who": proposal.verified_by,
             "when": proposal.verified_at}
        )  # fmt: skip
    if proposal.approved_at:
        rows.append(
            {"label": _("Disetujui korkab"), "who": proposal.approved_by,
             "when": proposal.approved_at}
        )  # fmt: skip
    if proposal.rejected_at:
        rows.append(
            {"label": _("Ditolak"), "who": proposal.rejected_by, "when": proposal.rejected_at,
             "note": proposal.rejection_reason}
        )  # fmt: skip
    return rows


def turn(user, proposal: ExitProposal) -> dict[str, bool]:
    """Which buttons `user` gets; the actions check the same rules again."""
    may = {"verify": False, "approve": False, "reject": False}
    if not may_change_family_data(user):
        return may
    if proposal.status == ProposalStatus.PROPOSED and _acts_as(user, Role.KORCAM):
        may["reject"] = True
        may["verify"] = user.pk != proposal.proposed_by_id
    elif proposal.status == ProposalStatus.VERIFIED and _acts_as(user, Role.KORKAB):
        may["reject"] = True
        may["approve"] = user.pk not in (proposal.proposed_by_id, proposal.verified_by_id)
    return may


def _waiting_label(status: str) -> str:
    if status == ProposalStatus.PROPOSED:
        return _("menunggu verifikasi korcam")
    if status == ProposalStatus.VERIFIED:
        return _("menunggu persetujuan korkab")
    return ""


PROPOSALS = Table(
    "usulan-graduasi",
    _lazy("Usulan graduasi"),
    (
        Column(_lazy("Jenis"), methodcaller("get_kind_display")),
        Column(_lazy("KPM"), downloads.family_of),
        Column(_lazy("Status"), methodcaller("get_status_display")),
        Column(_lazy("Diusulkan oleh"), lambda p: str(p.proposed_by)),
        Column(_lazy("Tanggal usulan"), attrgetter("proposed_at")),
        Column(_lazy("Tanggal keluar"), attrgetter("exit_date")),
    ),
    prepare=downloads.named_families,
)


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    proposals = ExitProposal.objects.visible_to(user).select_related("family", "proposed_by")
    filters = ProposalFilterForm(request.GET or None)
    status = kind = ""
    returned = False
    if filters.is_valid():
        status, kind = filters.cleaned_data["status"], filters.cleaned_data["kind"]
        returned = filters.cleaned_data["dikembalikan"]
    if status:
        proposals = proposals.filter(status=status)
    if kind:
        proposals = proposals.filter(kind=kind)
    if returned:
        proposals = proposals.returned()
    first = WAITING_FOR.get(user.role)
    order = ["-proposed_at", "-id"]
    if first:
        proposals = proposals.annotate(
            waiting=Case(When(status=first, then=Value(0)), default=Value(1),
                         output_field=IntegerField())
        )  # fmt: skip
        order.insert(0, "waiting")
    proposals = proposals.order_by(*order)
    if response := downloads.serve(request, PROPOSALS, proposals, filters):
        return response
    page, pager = paginate(request, proposals, PAGE_SIZE)
    page.object_list = name_families_of(page.object_list)
    context = {"page": page, "pager": pager, "filters": filters, "waiting_for": first,
               "downloads": downloads.links(request)}  # fmt: skip
    return render(request, "graduation/proposal_list.html", context)


def _latest_assessment(user, family: Family) -> tuple[Assessment | None, int | None]:
    latest = Assessment.objects.visible_to(user).filter(family=family).first()
    return latest, (AssessmentRules.current().threshold if latest else None)


@login_required
def proposal_create(request: HttpRequest, family_pk: int) -> HttpResponse:
    user = request.user
    family = get_object_or_404(Family.objects.visible_to(user), pk=family_pk)
    if user.role != Role.PENDAMPING or family.pendamping_id != user.pk:
        raise PermissionDenied(_("Usulan graduasi diajukan oleh pendamping KPM ini."))
    open_proposal = ExitProposal.objects.visible_to(user).open().filter(family=family).first()
    form = None
    if family.is_active and open_proposal is None:
        form = ProposalForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                proposal = actions.propose_exit(
                    family, kind=data["kind"], reason=data["reason"],
                    exit_date=data["exit_date"], letter_number=data["letter_number"],
                    letter_date=data["letter_date"], acting_user=user,
                )  # fmt: skip
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Usulan terkirim dan menunggu verifikasi korcam."))
                return redirect("graduation:proposal_detail", pk=proposal.pk)
    assessment, threshold = _latest_assessment(user, family)
    name_families([family])
    context = {
        "family": family, "form": form, "open_proposal": open_proposal,
        "assessment": assessment, "threshold": threshold,
    }  # fmt: skip
    status = 400 if form is not None and form.errors else 200
    return render(request, "graduation/proposal_create.html", context, status=status)


def _detail(request: HttpRequest, proposal: ExitProposal, reject_form=None, status=200):
    assessment, threshold = _latest_assessment(request.user, proposal.family)
    name_families([proposal.family])
    context = {
        "proposal": proposal,
        "steps": steps(proposal),
        "waiting": _waiting_label(proposal.status),
        "may": turn(request.user, proposal),
        "reject_form": reject_form or RejectForm(),
        "assessment": assessment,
        "threshold": threshold,
    }
    return render(request, "graduation/proposal_detail.html", context, status=status)


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_object_or_404(_scoped(request.user), pk=pk))


def _for_decision(request: HttpRequest, pk: int) -> ExitProposal:
    proposal = get_object_or_404(_scoped(request.user), pk=pk)
    if not may_change_family_data(request.user):
        raise PermissionDenied
    return proposal


def _decide(request: HttpRequest, pk: int, step, done) -> HttpResponse:
    """Verify or approve: the action decides who may; a refused state is a message."""
    proposal = _for_decision(request, pk)
    try:
        step(proposal, acting_user=request.user)
    except ValidationError as error:
        report_refusal(request, error)
    else:
        messages.success(request, done if isinstance(done, str) else done(proposal))
    return redirect("graduation:proposal_detail", pk=proposal.pk)


@login_required
@require_POST
def proposal_verify(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, actions.verify_exit,
                   _("Usulan diverifikasi dan diteruskan ke korkab."))  # fmt: skip


@login_required
@require_POST
def proposal_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, actions.approve_exit, _approved)


def _approved(proposal: ExitProposal) -> str:
    """An exit takes effect on its date (DESIGN §7): say whether the family has left yet."""
    if proposal.exit_date <= timezone.localdate():
        return _("Usulan disetujui; KPM sudah keluar dari PKH.")
    return _("Usulan disetujui; KPM keluar dari PKH pada %(date)s.") % {
        "date": formats.day(proposal.exit_date)
    }


@login_required
@require_POST
def proposal_reject(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _for_decision(request, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        if not turn(request.user, proposal)["reject"]:
            raise PermissionDenied
        return _detail(request, proposal, reject_form=form, status=400)
    try:
        actions.reject_exit(proposal, form.cleaned_data["reason"], acting_user=request.user)
    except ValidationError as error:
        report_refusal(request, error)
    else:
        messages.success(request, _("Usulan ditolak."))
    return redirect("graduation:proposal_detail", pk=proposal.pk)


@login_required
@require_POST
def follow_up_create(request: HttpRequest, family_pk: int) -> HttpResponse:
    user = request.user
    family = get_object_or_404(Family.objects.visible_to(user), pk=family_pk)
    if not may_change_family_data(user):
        raise PermissionDenied
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            actions.record_follow_up(
                family, visited_on=form.cleaned_data["visited_on"],
                notes=form.cleaned_data["notes"], acting_user=user,
            )  # fmt: skip
        except ValidationError as error:
            report_refusal(request, error)
        else:
            messages.success(request, _("Kunjungan pasca-graduasi tercatat."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(reverse("registry:family_detail", args=[family.pk]) + "#graduasi")


urlpatterns = [
    path("usulan/", proposal_list, name="proposal_list"),
    path("usulan/baru/<int:family_pk>/", proposal_create, name="proposal_create"),
    path("usulan/<int:pk>/", proposal_detail, name="proposal_detail"),
    path("usulan/<int:pk>/verifikasi/", proposal_verify, name="proposal_verify"),
    path("usulan/<int:pk>/setujui/", proposal_approve, name="proposal_approve"),
    path("usulan/<int:pk>/tolak/", proposal_reject, name="proposal_reject"),
    path("kunjungan/<int:family_pk>/", follow_up_create, name="follow_up_create"),
]
