"""Proposal pages (issue 17): propose from a gap, the list of proposals, record an outcome.

Each page looks its family or proposal up in the user's scope first (404 outside it), then
checks that the user proposes for it (403); the action's refusals come back as messages.
"""

from datetime import date, timedelta
from operator import attrgetter, methodcaller

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from harapan import downloads
from harapan.downloads import Column, Table
from harapan.paging import paginate
from harapan.registry.models import Family, Member
from harapan.registry.naming import name_families, name_families_of
from harapan.steps import take_step

from . import actions
from .catalogue import CLOSED_BY, Gap, Programme
from .forms_proposals import DECIDED, OPEN, OutcomeForm, ProposalFilterForm, ProposeForm
from .models import Outcome, Proposal

PAGE_SIZE = 50
LONG_WAIT_DAYS = 30  # an open proposal older than this is followed up (the home to-do)


def long_waiting(user, today: date) -> QuerySet:
    """Open proposals made more than LONG_WAIT_DAYS ago: the list's `lama` filter and the
    pendamping's to-do line."""
    since = today - timedelta(days=LONG_WAIT_DAYS)
    return Proposal.objects.visible_to(user).filter(outcome=Outcome.PENDING, proposed_on__lt=since)


def _back(request: HttpRequest):
    """To `next` when it is a local address, else the proposal list."""
    target = request.POST.get("next") or request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  request.is_secure()):  # fmt: skip
        return redirect(target)
    return redirect("programs:proposal_list")


def _check_proposer(user) -> None:
    if not actions.proposes_at_all(user):
        raise PermissionDenied


@login_required
def propose(request: HttpRequest) -> HttpResponse:
    """The proposal of the gap `celah` for family `keluarga` (and member `nik`)."""
    user = request.user
    _check_proposer(user)
    registry_id = request.GET.get("keluarga", "")
    if not registry_id:
        messages.error(request, _("Pilih KPM dari daftar celah atau halaman keluarganya."))
        return redirect("programs:proposal_list")
    family = get_object_or_404(Family.objects.visible_to(user), registry_id=registry_id)
    gap = request.GET.get("celah", "")
    if gap not in Gap.values:
        raise Http404
    programme = CLOSED_BY[Gap(gap)]
    nik = request.GET.get("nik", "")
    member = get_object_or_404(Member.objects.filter(family=family), nik=nik) if nik else None
    if not actions.may_propose(user, family):
        raise PermissionDenied
    form = ProposeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        saved = []

        def run(data):
            saved.append(actions.propose(user, family, member, programme, data["proposed_on"],
                                         data["channel"], data["note"]))  # fmt: skip

        take_step(request, form, run, _("Usulan program dicatat."))
        if saved:
            return _back(request)
    [family] = name_families([family])
    context = {"form": form, "family": family, "member": member, "gap": Gap(gap),
               "programme": Programme(programme), "next": request.GET.get("next", "")}  # fmt: skip
    return render(request, "programs/propose.html", context)


PROPOSALS = Table(
    "usulan-program",
    _lazy("Usulan program"),
    (
        Column(_lazy("KPM"), downloads.family_of),
        Column(_lazy("Anggota"), lambda p: p.member.name if p.member_id else _("Keluarga")),
        Column(_lazy("Program"), methodcaller("get_programme_display")),
        Column(_lazy("Tanggal usulan"), attrgetter("proposed_on")),
        Column(_lazy("Saluran"), methodcaller("get_channel_display")),
        Column(_lazy("Hasil"), methodcaller("get_outcome_display")),
        Column(_lazy("Tanggal hasil"), attrgetter("outcome_on")),
    ),
    prepare=downloads.named_families,
)


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    proposals = Proposal.objects.visible_to(user).select_related("family", "member")
    filters = ProposalFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    if data.get("lama"):
        proposals = long_waiting(user, timezone.localdate()).select_related("family", "member")
    if data.get("status") == OPEN:
        proposals = proposals.filter(outcome=Outcome.PENDING)
    elif data.get("status") == DECIDED:
        proposals = proposals.exclude(outcome=Outcome.PENDING)
    if data.get("programme"):
        proposals = proposals.filter(programme=data["programme"])
    proposals = proposals.order_by("-proposed_on", "-pk")
    if response := downloads.serve(request, PROPOSALS, proposals, filters):
        return response
    page, pager = paginate(request, proposals, PAGE_SIZE)
    page.object_list = name_families_of(page.object_list)
    context = {"page": page, "pager": pager, "filters": filters,
               "downloads": downloads.links(request),
               "proposes": actions.proposes_at_all(user)}  # fmt: skip
    return render(request, "programs/proposal_list.html", context)


@login_required
def proposal_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    scoped = Proposal.objects.visible_to(user).select_related("family", "member", "decided_by")
    proposal = get_object_or_404(scoped, pk=pk)
    if not actions.may_propose(user, proposal.family):
        raise PermissionDenied
    form = OutcomeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        saved = []

        def run(data):
            saved.append(actions.record_outcome(user, proposal, data["outcome"],
                                                data["outcome_on"], data["note"]))  # fmt: skip

        take_step(request, form, run, _("Hasil usulan dicatat."))
        if saved:
            return _back(request)
    name_families([proposal.family])
    context = {"proposal": proposal, "form": form if proposal.is_open else None,
               "next": request.GET.get("next", "")}  # fmt: skip
    return render(request, "programs/proposal_outcome.html", context)
