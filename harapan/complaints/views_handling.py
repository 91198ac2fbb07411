"""Staff handling pages (DESIGN §8): the list of complaints a user sees, one complaint with
its steps, and the buttons of its next step. The views are thin: each POST calls one
function of actions.py and reports its refusal as a message, nothing changed."""

import re
from collections import Counter
from operator import attrgetter, methodcaller

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from harapan import downloads
from harapan.accounts.models import User
from harapan.accounts.roles import Role, may_change_family_data, sees_full_nik
from harapan.display import formats
from harapan.downloads import Column, Table
from harapan.lib.nik import shown_nik
from harapan.paging import paginate
from harapan.regions.models import Region
from harapan.registry.naming import family_label, name_families
from harapan.steps import report_refusal, take_step

from . import actions
from .access import (
    accused_candidates,
    may_handle,
    may_identify_accused,
    reassign_targets,
    sees_complainant,
)
from .forms_handling import (
    ComplaintFilterForm,
    IdentifyAccusedForm,
    LinkFamilyForm,
    NoteForm,
    ReassignForm,
    ResolveForm,
    RespondForm,
)
from .models import (
    EARLY_DECISIONS,
    KODE_PATTERN,
    LEVEL_ROLES,
    Complaint,
    ComplaintNotice,
    Decision,
    Level,
    Status,
    level_of,
    normalize_kode,
)
from .sla import having_sla, sla_for, sla_of

PAGE_SIZE = 50


def handles_complaints(user) -> bool:
    """A role that may hold a complaint (the levels of DESIGN §8) or admin: the others
    (operator, auditor) read complaints but never take a step."""
    return bool(user.is_superuser or level_of(user))


def _scoped(user):
    return Complaint.objects.visible_to(user)


def filtered(user, params, now):
    """The complaints of the list with its filters (the home to-do links count the same)."""
    form = ComplaintFilterForm(params)
    complaints = _scoped(user)
    if not form.is_valid():
        return form, complaints.none()
    data = form.cleaned_data
    if data["status"]:
        complaints = complaints.filter(status=data["status"])
    if data["kategori"]:
        complaints = complaints.filter(kategori=data["kategori"])
    if data["saya"]:
        complaints = complaints.filter(handler=user)
    if data["sla"]:
        complaints = having_sla(complaints, data["sla"], now)
    return form, complaints


def held_by_sla(user, now) -> Counter:
    """How many complaints `user` holds per SLA status at `now`, in one read: the list
    filtered by `saya` and that `sla` shows the same numbers (the home to-do)."""
    held = _scoped(user).filter(handler=user).open().only("pk", "status", "step_started_at")
    return Counter(sla.status for sla in sla_for(held, now).values() if sla)


def _name_desa_and_families(complaints: list[Complaint]) -> None:
    desa = dict(
        Region.objects.filter(code__in={c.region_code for c in complaints}).values_list(
            "code", "name"
        )
    )
    for complaint in complaints:
        complaint.desa_name = desa.get(complaint.region_code, "")
    name_families([c.family for c in complaints if c.family_id])


def _named(complaints: list[Complaint], now=None) -> None:
    """`complaints` named as the list shows them: desa, family and SLA."""
    _name_desa_and_families(complaints)
    sla = sla_for(complaints, now or timezone.now())
    for complaint in complaints:
        complaint.sla = sla[complaint.pk]


COMPLAINTS = Table(
    "pengaduan",
    _lazy("Kelola pengaduan"),
    (
        Column(_lazy("Kode"), attrgetter("kode")),
        Column(_lazy("Kategori"), methodcaller("get_kategori_display")),
        Column(_lazy("Desa"), lambda c: c.desa_name or formats.region(c.region_code)),
        Column(_lazy("Status"), methodcaller("get_status_display")),
        Column(_lazy("Tingkat"), methodcaller("get_tingkat_display")),
        Column(_lazy("Tenggat"), lambda c: c.sla.deadline if c.sla else ""),
        Column(_lazy("SLA"), lambda c: c.sla.status.label if c.sla else ""),
        Column(_lazy("KPM"), lambda c: family_label(c.family) if c.family_id else ""),
    ),
    prepare=_named,
)


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    user, now = request.user, timezone.now()
    form, complaints = filtered(user, request.GET, now)
    complaints = complaints.select_related("family").order_by("-received_at", "-id")
    if response := downloads.serve(request, COMPLAINTS, complaints, form):
        return response
    page, pager = paginate(request, complaints, PAGE_SIZE)
    rows = list(page.object_list)
    _named(rows, now)
    context = {
        "form": form,
        "complaints": rows,
        "pager": pager,
        "downloads": downloads.links(request),
        "may_close_duplicates": handles_complaints(user),
    }
    return render(request, "complaints/handling_list.html", context)


def _steps(complaint: Complaint) -> list[tuple[str, object]]:
    found = [
        (_("Diterima"), complaint.received_at),
        (_("Ditriase"), complaint.triaged_at),
        (_("Ditanggapi"), complaint.responded_at),
        (_("Dibuka kembali"), complaint.reopened_at),
        (_("Selesai"), complaint.resolved_at),
    ]
    return sorted([(label, when) for label, when in found if when], key=lambda step: step[1])


def _forms(user, complaint: Complaint) -> dict:
    """The forms of the next step, for a user who may take it (the actions check again)."""
    if not (complaint.is_open and may_handle(user, complaint)):
        return {}
    forms = {"may_handle": True, "reassign_form": ReassignForm(
        users=reassign_targets(user, complaint))}  # fmt: skip
    if complaint.status == Status.RECEIVED:
        forms["may_triage"] = True
    if complaint.status == Status.TRIAGED:
        forms["respond_form"] = RespondForm()
    resolve = ResolveForm()
    if complaint.status not in (Status.RESPONDED, Status.REOPENED):
        # Before the first response only a withdrawal or a referral closes it (DESIGN §8).
        resolve.fields["decision"].choices = [("", "—")] + [
            (d.value, d.label) for d in Decision if d in EARLY_DECISIONS
        ]
    forms["resolve_form"] = resolve
    if complaint.family_id is None:
        forms["link_form"] = LinkFamilyForm()
    return forms


@login_required
def complaint_detail(request: HttpRequest, kode: str) -> HttpResponse:
    user = request.user
    complaint = get_object_or_404(
        _scoped(user).select_related("family", "handler", "accused", "resolved_by", "duplicate_of"),
        kode=kode,
    )
    shows_complainant = sees_complainant(user, complaint)
    full_nik = shows_complainant and sees_full_nik(user) and bool(complaint.complainant_nik)
    if full_nik:
        actions.record_complainant_nik_view(user, complaint)
    _name_desa_and_families([complaint])
    context = {
        "complaint": complaint,
        "sees_complainant": shows_complainant,
        "complainant_nik": shown_nik(complaint.complainant_nik, full_nik)
        if shows_complainant
        else "",
        "full_nik": full_nik,
        "steps": _steps(complaint),
        "sla": sla_of(complaint, timezone.now()),
        "notes": complaint.notes.select_related("author"),
        "note_form": NoteForm() if may_change_family_data(user) else None,
        "identify_form": IdentifyAccusedForm(users=accused_candidates(user))
        if may_identify_accused(user, complaint)
        else None,
        **_forms(user, complaint),
    }
    return render(request, "complaints/handling_detail.html", context)


def _step(request: HttpRequest, kode: str, form_class, run, done: str, *, role=None):
    """One step of the complaint `kode`: 404 when the user does not see it, 403 for a role
    that never takes it; the form's and the action's refusals are messages."""
    user = request.user
    complaint = get_object_or_404(_scoped(user).select_related("accused"), kode=kode)
    if not (role or handles_complaints)(user):
        raise PermissionDenied
    form = form_class(request.POST) if form_class else None
    take_step(request, form, lambda data: run(complaint, data), done)
    return redirect("complaints:detail", kode=complaint.kode)


@login_required
@require_POST
def complaint_triage(request: HttpRequest, kode: str) -> HttpResponse:
    def run(complaint, data):
        actions.triage_complaint(complaint, acting_user=request.user)

    return _step(request, kode, None, run, _("Pengaduan ditriase."))


@login_required
@require_POST
def complaint_respond(request: HttpRequest, kode: str) -> HttpResponse:
    def run(complaint, data):
        actions.respond_to_complaint(complaint, text=data["response"], acting_user=request.user)

    return _step(request, kode, RespondForm, run, _("Tanggapan pertama tersimpan."))


@login_required
@require_POST
def complaint_resolve(request: HttpRequest, kode: str) -> HttpResponse:
    def run(complaint, data):
        actions.resolve_complaint(
            complaint, decision=data["decision"], resolution=data["resolution"],
            acting_user=request.user,
        )  # fmt: skip

    return _step(request, kode, ResolveForm, run, _("Pengaduan diselesaikan."))


@login_required
@require_POST
def complaint_note(request: HttpRequest, kode: str) -> HttpResponse:
    def run(complaint, data):
        actions.add_note(complaint, text=data["text"], acting_user=request.user)

    return _step(request, kode, NoteForm, run, _("Catatan internal tersimpan."),
                 role=may_change_family_data)  # fmt: skip


@login_required
@require_POST
def complaint_reassign(request: HttpRequest, kode: str) -> HttpResponse:
    def form_class(data):
        # Any active pendamping or coordinator: the action says why one is refused.
        return ReassignForm(data, users=reassign_candidates())

    def run(complaint, data):
        actions.reassign_complaint(complaint, to_user=data["to_user"], acting_user=request.user)

    return _step(request, kode, form_class, run, _("Pengaduan dialihkan."))


@login_required
@require_POST
def complaint_identify_accused(request: HttpRequest, kode: str) -> HttpResponse:
    def form_class(data):
        # Any pendamping: the action says why one is refused.
        return IdentifyAccusedForm(data, users=User.objects.filter(role=Role.PENDAMPING))

    def run(complaint, data):
        actions.identify_accused(complaint, accused=data["accused"], acting_user=request.user)

    return _step(request, kode, form_class, run, _("Pendamping yang diadukan tercatat."))


@login_required
@require_POST
def complaint_link_family(request: HttpRequest, kode: str) -> HttpResponse:
    def form_class(data):
        return LinkFamilyForm(data, user=request.user)

    def run(complaint, data):
        actions.link_family(complaint, family=data["id_keluarga"], acting_user=request.user)

    return _step(request, kode, form_class, run, _("Pengaduan dihubungkan dengan KPM."))


def reassign_candidates():
    return User.objects.filter(role__in=list(LEVEL_ROLES.values()), is_active=True)


@login_required
@require_POST
def close_duplicates(request: HttpRequest) -> HttpResponse:
    """Close the ticked complaints as repeats of the one whose code is given: all or none."""
    user = request.user
    if not handles_complaints(user):
        raise PermissionDenied
    back = request.POST.get("kembali", "")  # from a complaint's page: back to it
    target = (redirect("complaints:detail", kode=back) if re.fullmatch(KODE_PATTERN, back)
              else redirect("complaints:list"))  # fmt: skip
    original_kode = normalize_kode(request.POST.get("original", ""))
    codes = {normalize_kode(code) for code in request.POST.getlist("duplicates") if code.strip()}
    scoped = _scoped(user)
    original = scoped.filter(kode=original_kode).first()
    if original is None:
        messages.error(request, _("Pengaduan asal tidak ditemukan di wilayah Anda."))
        return target
    codes.discard(original.kode)
    if not codes:
        messages.error(request, _("Pilih pengaduan yang sama dengan pengaduan asal."))
        return target
    duplicates = scoped.filter(kode__in=codes)
    if duplicates.count() != len(codes):
        messages.error(request, _("Ada pengaduan yang tidak ditemukan di wilayah Anda."))
        return target
    try:
        closed = actions.close_duplicates(duplicates, original=original, acting_user=user)
    except (ValidationError, PermissionDenied) as error:
        report_refusal(request, error)
    else:
        messages.success(
            request,
            _("%(count)s pengaduan ditutup sebagai sama dengan %(kode)s.")
            % {"count": closed, "kode": original.kode},
        )
    return target


@login_required
@require_POST
def notice_seen(request: HttpRequest) -> HttpResponse:
    """The user has read the notices shown on their home page."""
    ids = [value for value in request.POST.getlist("notice") if value.isdigit()]
    actions.dismiss_notices(request.user, ids)
    return redirect("home")


def notices_for(user) -> list[ComplaintNotice]:
    """The unseen notices of the home page: complaints escalated to the user. Escalation
    only ever reaches a coordinator, so the other roles' home pages ask nothing."""
    if level_of(user) in (None, Level.PENDAMPING):
        return []
    return list(ComplaintNotice.objects.unseen_by(user).select_related("complaint"))
