"""Coordination-meeting pages: the list, planning, the meeting (agenda with the items carried
over and their history, attendance, minutes, action items) and the action-item list.

Every page looks its meeting or item up in the user's scope first (404 outside it), then
checks the role (403); a refusal of the action itself (not the chair, not the owner, a due
date before the meeting) comes back as a message on the meeting's page, nothing written.
"""

from collections import defaultdict
from operator import attrgetter, methodcaller

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from harapan import downloads
from harapan.accounts.roles import Role
from harapan.accounts.scoping import action_item_filter, coordination_meeting_filter
from harapan.display import formats
from harapan.downloads import Column, Table
from harapan.paging import paginate

from . import actions_meetings as actions
from .forms_meetings import (
    ALL,
    ActionItemForm,
    ActionItemListForm,
    FollowUpForm,
    PlanMeetingForm,
    RecordMeetingForm,
)
from .models.meetings import (
    ActionFollowUp,
    ActionItem,
    CoordinationMeeting,
    ItemStatus,
    MeetingStatus,
)

PAGE_SIZE = 50
# The roles that may own an action item: those expected at a meeting.
OWNER_ROLES = set(actions.ATTENDEE_ROLE.values())


def meetings_visible_to(user) -> QuerySet:
    return CoordinationMeeting.objects.filter(coordination_meeting_filter(user))


def to_record(user, today) -> QuerySet:
    """Meetings the user chairs whose day has come and that are not recorded yet: the
    list's `belum_dicatat` filter and the chair's to-do line."""
    return meetings_visible_to(user).filter(chair=user, status=MeetingStatus.PLANNED, on__lte=today)


def items_visible_to(user) -> QuerySet:
    return ActionItem.objects.filter(action_item_filter(user))


def sees_meetings(user) -> bool:
    """The roles the meetings concern (the menu): not the operator's office work."""
    return bool(user.is_superuser or (user.role and user.role != Role.OPERATOR))


def my_open_items(user) -> QuerySet:
    """The open items `user` owns: the home to-do and `?saya=on` of the item list."""
    return items_visible_to(user).open().filter(owner=user)


def _refused(request: HttpRequest, error: Exception) -> None:
    text = error.messages if isinstance(error, ValidationError) else [str(error)]
    messages.error(request, _("Tidak disimpan.") + " " + " ".join(text))


def _check_chairs_a_level(user) -> None:
    if actions.chaired_level(user) is None:
        raise PermissionDenied(_("Rapat koordinasi dipimpin oleh korcam atau korkab."))


# The meetings -------------------------------------------------------------------------------


MEETINGS = Table(
    "rapat-koordinasi",
    _lazy("Rapat koordinasi"),
    (
        Column(_lazy("Tanggal"), attrgetter("on")),
        Column(_lazy("Tingkat"), methodcaller("get_level_display")),
        Column(_lazy("Pimpinan rapat"), lambda m: str(m.chair or "")),
        Column(_lazy("Wilayah"), lambda m: formats.region(m.region_code)),
        Column(_lazy("Status"), methodcaller("get_status_display")),
    ),
)


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    unrecorded = request.GET.get("belum_dicatat") == "on"
    meetings = (to_record(user, timezone.localdate()) if unrecorded
                else meetings_visible_to(user)).select_related("chair")  # fmt: skip
    notes = [[_("Belum dicatat"), formats.yes_no(True)]] if unrecorded else []
    if response := downloads.serve(request, MEETINGS, meetings, None, notes):
        return response
    page, pager = paginate(request, meetings, PAGE_SIZE)
    context = {"page": page, "pager": pager, "plans": actions.chaired_level(user),
               "unrecorded": unrecorded, "downloads": downloads.links(request)}  # fmt: skip
    return render(request, "fieldwork/meetings/list.html", context)


@login_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    _check_chairs_a_level(user)
    form = PlanMeetingForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            meeting = actions.plan_meeting(**form.cleaned_data, acting_user=user)
        except (PermissionDenied, ValidationError) as error:
            _refused(request, error)
        else:
            messages.success(request, _("Rapat koordinasi direncanakan."))
            return redirect("fieldwork:meeting_detail", pk=meeting.pk)
    context = {"form": form, "level": actions.CHAIR_OF[user.role].label}
    return render(request, "fieldwork/meetings/new.html", context,
                  status=400 if form.errors else 200)  # fmt: skip


def _history(items: list[ActionItem]) -> None:
    """Each item's follow-ups in meeting order, as `item.history`."""
    rows = defaultdict(list)
    follow_ups = ActionFollowUp.objects.filter(item__in=items).select_related("meeting")
    for follow_up in follow_ups.order_by("meeting__on", "pk"):
        rows[follow_up.item_id].append(follow_up)
    for item in items:
        item.history = rows[item.pk]


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = get_object_or_404(meetings_visible_to(user).select_related("chair"), pk=pk)
    attendance = list(meeting.attendance.select_related("user"))
    carried = list(ActionItem.objects.carried_to(meeting)
                   .select_related("owner", "meeting").order_by("meeting__on", "pk"))  # fmt: skip
    raised = list(meeting.action_items.select_related("owner"))
    _history(carried + raised)
    chair = actions.chairs(user, meeting)
    for item in carried:
        item.here = next((f for f in item.history if f.meeting_id == meeting.pk), None)
        item.form = (FollowUpForm(initial={"item": item.pk}, prefix=f"t{item.pk}")
                     if chair and item.here is None and item.status == ItemStatus.OPEN
                     else None)  # fmt: skip
    owners = actions.expected_attendees(meeting.level, meeting.region_code)
    context = {
        "meeting": meeting,
        "attendance": attendance,
        "carried": carried,
        "raised": raised,
        "chair": chair,
        "record_form": RecordMeetingForm(attendance=attendance,
                                         initial={"minutes": meeting.minutes}) if chair else None,
        "item_form": ActionItemForm(owners=owners, initial={"due_on": meeting.on})
        if chair else None,
        "today": timezone.localdate(),
    }  # fmt: skip
    return render(request, "fieldwork/meetings/detail.html", context)


def _chaired_meeting(request: HttpRequest, pk: int) -> CoordinationMeeting:
    """The meeting in the user's scope (404), posted to by a role that chairs (403)."""
    meeting = get_object_or_404(meetings_visible_to(request.user), pk=pk)
    _check_chairs_a_level(request.user)
    return meeting


def _form_errors(form) -> ValidationError:
    return ValidationError([e for errors in form.errors.values() for e in errors])


@login_required
@require_POST
def meeting_record(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _chaired_meeting(request, pk)
    form = RecordMeetingForm(request.POST, attendance=meeting.attendance.select_related("user"))
    try:
        if not form.is_valid():
            raise _form_errors(form)
        actions.record_meeting(meeting, presence=form.presence(),
                               minutes=form.cleaned_data["minutes"],
                               acting_user=request.user)  # fmt: skip
    except (PermissionDenied, ValidationError) as error:
        _refused(request, error)
    else:
        messages.success(request, _("Kehadiran dan notulen rapat disimpan."))
    return redirect("fieldwork:meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def action_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _chaired_meeting(request, pk)
    owners = actions.expected_attendees(meeting.level, meeting.region_code)
    form = ActionItemForm(request.POST, owners=owners)
    try:
        if not form.is_valid():
            raise _form_errors(form)
        actions.add_action_item(meeting, **form.cleaned_data, acting_user=request.user)
    except (PermissionDenied, ValidationError) as error:
        _refused(request, error)
    else:
        messages.success(request, _("Tindak lanjut dicatat."))
    return redirect("fieldwork:meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def follow_up_record(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _chaired_meeting(request, pk)
    item_id = request.POST.get("item", "")
    form = FollowUpForm(request.POST, prefix=f"t{item_id}" if item_id.isdigit() else None)
    try:
        if not (item_id.isdigit() and form.is_valid()):
            raise _form_errors(form) if form.errors else ValidationError(
                _("Pilih tindak lanjut."))  # fmt: skip
        item = ActionItem.objects.carried_to(meeting).filter(pk=int(item_id)).first()
        if item is None:
            raise ValidationError(_("Tindak lanjut ini tidak ada pada agenda rapat ini."))
        actions.record_follow_up(meeting, item, status=form.cleaned_data["status"],
                                 note=form.cleaned_data["note"],
                                 acting_user=request.user)  # fmt: skip
    except (PermissionDenied, ValidationError) as error:
        _refused(request, error)
    else:
        messages.success(request, _("Perkembangan tindak lanjut dicatat."))
    return redirect("fieldwork:meeting_detail", pk=meeting.pk)


# The action items -------------------------------------------------------------------------


ACTION_ITEMS = Table(
    "tindak-lanjut-rapat",
    _lazy("Tindak lanjut rapat"),
    (
        Column(_lazy("Tindak lanjut"), attrgetter("text")),
        Column(_lazy("Penanggung jawab"), lambda i: i.owner.get_full_name() or i.owner.username),
        Column(_lazy("Tenggat"), attrgetter("due_on")),
        Column(_lazy("Status"), methodcaller("get_status_display")),
        Column(_lazy("Tingkat rapat"), lambda i: i.meeting.get_level_display()),
        Column(_lazy("Tanggal rapat"), lambda i: i.meeting.on),
    ),
)


@login_required
def action_items(request: HttpRequest) -> HttpResponse:
    user, today = request.user, timezone.localdate()
    form = ActionItemListForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {"status": "", "saya": False,
                                                      "terlambat": False}  # fmt: skip
    items = items_visible_to(user).select_related("owner", "meeting")
    if data["saya"]:
        items = items.filter(owner=user)
    if data["terlambat"]:
        items = items.overdue(today)
    elif data["status"] != ALL:
        items = items.filter(status=data["status"] or ItemStatus.OPEN)
    items = items.order_by("due_on", "pk")
    if response := downloads.serve(request, ACTION_ITEMS, items, form):
        return response
    page, pager = paginate(request, items, PAGE_SIZE)
    context = {"form": form, "page": page, "pager": pager, "today": today,
               "downloads": downloads.links(request)}  # fmt: skip
    return render(request, "fieldwork/meetings/action_items.html", context)


@login_required
@require_POST
def action_item_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    item = get_object_or_404(items_visible_to(user), pk=pk)
    if user.role not in OWNER_ROLES:
        raise PermissionDenied(_("Tindak lanjut diselesaikan oleh penanggung jawabnya."))
    try:
        actions.close_action_item(item, acting_user=user)
    except (PermissionDenied, ValidationError) as error:
        _refused(request, error)
    else:
        messages.success(request, _("Tindak lanjut ditandai selesai."))
    return redirect("fieldwork:action_items")
