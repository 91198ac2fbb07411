"""The activity log pages (issue 16): the month's log, the phone form of a typed activity,
and deleting one. Thin: the form reads, `actions_activities` writes."""

from operator import attrgetter, methodcaller

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from harapan import downloads
from harapan.accounts.roles import Role
from harapan.display import formats
from harapan.downloads import Column, Table
from harapan.paging import paginate
from harapan.registry.models import Family
from harapan.registry.naming import family_label, name_families

from . import actions_activities as actions
from .forms_activities import ActivityFilterForm, ActivityForm, supervised_pendamping
from .models import Activity

PAGE_SIZE = 50
# Who reads activity logs: the pendamping their own, those above them their region's.
READING_ROLES = {Role.PENDAMPING, Role.KORCAM, Role.KORKAB, Role.KORWIL, Role.ADMIN_PUSAT,
                 Role.AUDITOR}  # fmt: skip


def reads_activities(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in READING_ROLES))


def filtered(user, params):
    """The log `user` sees with the list's filters, and the form and month it shows."""
    form = ActivityFilterForm(params, pendamping_choices=supervised_pendamping(user))
    month = form.month()
    activities = Activity.objects.visible_to(user).of_month(month)
    if form.is_valid():
        if form.cleaned_data["jenis"]:
            activities = activities.filter(kind=form.cleaned_data["jenis"])
        if form.cleaned_data.get("pendamping"):
            activities = activities.filter(pendamping=form.cleaned_data["pendamping"])
    return form, month, activities


def _named(activities: list[Activity]) -> None:
    name_families(a.family for a in activities if a.family_id)


def _target(activity: Activity) -> str:
    return " · ".join(
        part for part in (family_label(activity.family) if activity.family_id else "",
                          activity.subject) if part
    )  # fmt: skip


ACTIVITIES = Table(
    "kegiatan",
    _lazy("Kegiatan"),
    (
        Column(_lazy("Tanggal"), attrgetter("on")),
        Column(_lazy("Pendamping"), lambda a: str(a.pendamping)),
        Column(_lazy("Jenis kegiatan"), methodcaller("get_kind_display")),
        Column(_lazy("KPM atau sasaran"), _target),
        Column(_lazy("Catatan"), attrgetter("note")),
        Column(_lazy("Lokasi"), attrgetter("location")),
        Column(_lazy("Sumber"), lambda a: _("otomatis") if a.source else _("dicatat")),
    ),
    prepare=_named,
)


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    if not reads_activities(request.user):
        raise PermissionDenied
    form, month, activities = filtered(request.user, request.GET)
    activities = activities.select_related("family", "pendamping").order_by("-on", "-id")
    notes = [[_("Bulan"), formats.month(month)]]
    if response := downloads.serve(request, ACTIVITIES, activities, form, notes):
        return response
    page, pager = paginate(request, activities, PAGE_SIZE)
    rows = list(page.object_list)
    _named(rows)
    context = {
        "form": form, "month": month, "activities": rows, "downloads": downloads.links(request),
        "pager": pager, "own_log": request.user.role == Role.PENDAMPING,
    }  # fmt: skip
    return render(request, "fieldwork/activity_list.html", context)


def _caseload(user) -> list[tuple[str, str]]:
    """The form's datalist: (ID keluarga, 'Siti Aminah · Kuripan (KPM0000001)'), so that
    the phone's keyboard finds a family by its ID or its head's name."""
    families = name_families(Family.objects.visible_to(user).active().order_by("registry_id"))
    return [(family.registry_id, family_label(family)) for family in families]


@login_required
def activity_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.role != Role.PENDAMPING:
        raise PermissionDenied
    form = ActivityForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            activity = actions.log_activity(acting_user=user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Kegiatan dicatat."))
            return redirect(f"{_list_url()}?bulan={activity.on:%Y-%m}")
    return render(
        request, "fieldwork/activity_form.html", {"form": form, "caseload": _caseload(user)}
    )


def _list_url() -> str:
    return reverse("fieldwork:activity_list")


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@require_POST
@login_required
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(Activity.objects.visible_to(request.user), pk=pk)
    if request.user.role != Role.PENDAMPING:  # a supervisor reads the log, never edits it
        raise PermissionDenied
    try:
        actions.delete_activity(activity, acting_user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Kegiatan dihapus."))
    return redirect(f"{_list_url()}?bulan={activity.on:%Y-%m}")
