"""Pemutakhiran data pages: the list, a new request per family, the detail and decision."""

from datetime import date
from operator import attrgetter, methodcaller

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Case, DateField, IntegerField, Q, Value, When
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from harapan import downloads
from harapan.accounts.roles import Role, may_change_family_data, sees_full_nik
from harapan.display import formats
from harapan.downloads import Column, Table
from harapan.lib import regioncode
from harapan.lib.kk import shown_kks
from harapan.lib.nik import shown_nik
from harapan.paging import paginate
from harapan.regions.models import Region
from harapan.registry import changes
from harapan.registry.actions import record_nik_view
from harapan.registry.forms_changes import (
    FORMS,
    ChangeFilterForm,
    MoveApprovalForm,
    RejectForm,
)
from harapan.registry.models import (
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    Family,
    Member,
    Relation,
    Sex,
)
from harapan.registry.naming import name_families, name_families_of

PAGE_SIZE = 50


def _scoped_requests(user):
    return ChangeRequest.objects.visible_to(user).select_related(
        "family", "member", "requested_by", "decided_by"
    )


def _add_errors(form: Form, error: ValidationError) -> None:
    """Put an action's errors on the form fields they name, the rest on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


def _date(value) -> str:
    return formats.day(date.fromisoformat(value) if value else None)


def _region(code: str) -> str:
    region = Region.objects.filter(code=code).first()
    return str(region) if region else code


def describe(request: ChangeRequest, user) -> list[tuple[str, str, str]]:
    """(what, value now, value proposed) rows of a request, for people to read."""
    payload, member, family = request.payload, request.member, request.family
    if request.kind == ChangeKind.BIRTH:
        sex = Sex(payload["sex"]).label if payload.get("sex") in Sex.values else ""
        relation = payload.get("relation", "")
        relation = Relation(relation).label if relation in Relation.values else relation
        return [
            (_("NIK"), "", shown_nik(payload.get("nik", ""), sees_full_nik(user))),
            (_("Nama"), "", payload.get("name", "")),
            (_("Jenis kelamin"), "", sex),
            (_("Tanggal lahir"), "", _date(payload.get("birth_date"))),
            (_("Hubungan keluarga"), "", relation),
        ]
    if request.kind == ChangeKind.MOVE:
        return [
            (_("Desa/kelurahan"), _region(family.region_code), _region(payload["region_code"])),
            (_("Alamat"), family.address, payload.get("address", "")),
        ]
    if request.kind == ChangeKind.DEATH:
        died_on = member.died_on.isoformat() if member.died_on else None
        return [(_("Tanggal meninggal"), _date(died_on), _date(payload["died_on"]))]
    target = member if request.kind in changes.MEMBER_KINDS else family
    fields = changes.MEMBER_FIELDS.get(request.kind) or changes.FAMILY_FIELDS[request.kind]
    full = sees_full_nik(user)
    return [
        (
            capfirst(target._meta.get_field(name).verbose_name),
            _shown(target, name, getattr(target, name), full),
            _shown(target, name, payload.get(name), full),
        )
        for name in fields
    ]


def _shown(target, name: str, value, full: bool) -> str:
    """A field's value as people read it: its label, Ya/Tidak, a date (1 Des 2026), a card
    number masked for the roles that see NIKs masked."""
    if name == "kks_number" and value:
        return shown_kks(str(value), full)
    field = target._meta.get_field(name)
    if isinstance(field, BooleanField):
        return formats.yes_no(bool(value))
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, DateField):
        return _date(value if isinstance(value, str) else value.isoformat())
    return str(value)


CHANGES = Table(
    "pemutakhiran-data",
    _lazy("Pemutakhiran data"),
    (
        Column(_lazy("Jenis"), methodcaller("get_kind_display")),
        Column(_lazy("KPM"), downloads.family_of),
        Column(_lazy("Anggota"), lambda c: c.member.name if c.member_id else ""),
        Column(_lazy("Status"), methodcaller("get_status_display")),
        Column(_lazy("Diajukan oleh"), lambda c: str(c.requested_by or "")),
        Column(_lazy("Tanggal diajukan"), attrgetter("requested_at")),
        Column(_lazy("Diputuskan oleh"), lambda c: str(c.decided_by or "")),
        Column(_lazy("Tanggal diputuskan"), attrgetter("decided_at")),
    ),
    prepare=downloads.named_families,
)


@login_required
def change_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    requests = _scoped_requests(user)
    decides = changes.kinds_decided_by(user)
    if decides:
        # A coordinator's list is their work: what they may decide, and their own requests.
        requests = requests.filter(Q(kind__in=decides) | Q(requested_by=user))
    filters = ChangeFilterForm(request.GET or None)
    valid = filters.is_valid()
    status = filters.cleaned_data["status"] if valid else ""
    mine = valid and filters.cleaned_data["menunggu_saya"]
    if status:
        requests = requests.filter(status=status)
    if mine:
        requests = changes.waiting_for(user, requests)
    requests = requests.annotate(
        waiting=Case(
            When(status=ChangeStatus.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("waiting", "-requested_at", "-id")
    if response := downloads.serve(request, CHANGES, requests, filters):
        return response
    page, pager = paginate(request, requests, PAGE_SIZE)
    page.object_list = name_families_of(page.object_list)
    context = {"page": page, "pager": pager, "filters": filters, "status": status,
               "downloads": downloads.links(request)}  # fmt: skip
    return render(request, "registry/change_list.html", context)


@login_required
def change_new(request: HttpRequest, family_pk: int) -> HttpResponse:
    user = request.user
    family = get_object_or_404(Family.objects.visible_to(user), pk=family_pk)
    if not may_change_family_data(user):
        raise PermissionDenied
    kind = request.GET.get("jenis") or request.POST.get("jenis") or ""
    form_class = FORMS.get(kind)
    name_families([family])
    context = {"family": family, "kinds": ChangeKind.choices, "kind": kind}
    if form_class is None or not family.is_active:
        # First step (or nothing to do): choose what changed.
        return render(request, "registry/change_new.html", context)
    members = Member.objects.visible_to(user).filter(family=family)
    form = form_class(request.POST or None, family=family, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            change = changes.request_change(
                family,
                kind,
                form.payload(),
                member=form.member,
                note=form.cleaned_data["note"],
                acting_user=user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Permohonan terkirim dan menunggu persetujuan."))
            for warning in changes.nik_warnings(change):
                messages.warning(request, _("Periksa NIK: %(finding)s.") % {"finding": warning})
            return redirect("registry:change_detail", pk=change.pk)
    context.update(form=form, kind_label=ChangeKind(kind).label)
    return render(request, "registry/change_new.html", context)


def _move_form(change: ChangeRequest, data=None) -> MoveApprovalForm | None:
    if change.kind != ChangeKind.MOVE:
        return None
    region_code, family = change.payload["region_code"], change.family
    staying = regioncode.parent(region_code) == regioncode.parent(family.region_code)
    return MoveApprovalForm(
        data,
        pendamping_choices=changes.pendamping_choices(region_code),
        current=family.pendamping if staying else None,
    )


def _full_niks_shown(change: ChangeRequest) -> int:
    """How many NIKs the detail page shows: the member's, and a newborn's proposed one."""
    return bool(change.member) + bool(change.kind == ChangeKind.BIRTH and change.payload.get("nik"))


def _detail(request: HttpRequest, change: ChangeRequest, reject_form=None, status=200):
    pending = change.status == ChangeStatus.PENDING
    if sees_full_nik(request.user):
        record_nik_view(request.user, change.family, _full_niks_shown(change))
    may_decide = pending and changes.can_decide(request.user, change)
    name_families([change.family])
    context = {
        "change": change,
        "rows": describe(change, request.user),
        "pending": pending,
        "may_decide": may_decide,
        "nik_warnings": changes.nik_warnings(change) if pending else [],
        "move_form": _move_form(change) if may_decide else None,
        "approver_role": Role(changes.approver_role(change.kind)).label,
        "reject_form": reject_form or RejectForm(),
        "member_nik": shown_nik(change.member.nik, sees_full_nik(request.user))
        if change.member
        else "",
    }
    return render(request, "registry/change_detail.html", context, status=status)


@login_required
def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(_scoped_requests(request.user), pk=pk)
    return _detail(request, change)


def _decidable(request: HttpRequest, pk: int) -> ChangeRequest:
    change = get_object_or_404(_scoped_requests(request.user), pk=pk)
    if not changes.can_decide(request.user, change):
        raise PermissionDenied
    return change


@login_required
@require_POST
def change_approve(request: HttpRequest, pk: int) -> HttpResponse:
    change = _decidable(request, pk)
    move_form = _move_form(change, request.POST)
    if move_form is not None and not move_form.is_valid():
        for message in move_form.errors.get("pendamping", []):
            messages.error(request, message)
        return redirect("registry:change_detail", pk=change.pk)
    pendamping = move_form.cleaned_data["pendamping"] if move_form else None
    try:
        changes.approve_change(change, acting_user=request.user, pendamping=pendamping)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("registry:change_detail", pk=change.pk)
    messages.success(request, _("Permohonan disetujui; data sudah dimutakhirkan."))
    if not _scoped_requests(request.user).filter(pk=change.pk).exists():
        # The family moved out of the approver's region, and its requests with it.
        return redirect("registry:change_list")
    return redirect("registry:change_detail", pk=change.pk)


@login_required
@require_POST
def change_reject(request: HttpRequest, pk: int) -> HttpResponse:
    change = _decidable(request, pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            changes.reject_change(
                change, reason=form.cleaned_data["reason"], acting_user=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Permohonan ditolak."))
        return redirect("registry:change_detail", pk=change.pk)
    return _detail(request, change, reject_form=form, status=400)


urlpatterns = [
    path("pemutakhiran/", change_list, name="change_list"),
    path("<int:family_pk>/pemutakhiran/baru/", change_new, name="change_new"),
    path("pemutakhiran/<int:pk>/", change_detail, name="change_detail"),
    path("pemutakhiran/<int:pk>/setujui/", change_approve, name="change_approve"),
    path("pemutakhiran/<int:pk>/tolak/", change_reject, name="change_reject"),
]
