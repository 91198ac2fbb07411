"""P2K2 meetings: planning dates, taking attendance on a phone, the month's list, the flagged.

The attendance page is saved with one `actions.record_meeting` call, all or
nothing: a bad row stops the save and the page comes back with the input
kept. Each page is a fixed number of queries whatever the group's size.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from operator import attrgetter, methodcaller

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from harapan import downloads
from harapan.accounts.roles import may_change_family_data
from harapan.display import formats
from harapan.downloads import Column, Table
from harapan.lib.months import add_months, month_start
from harapan.registry.models import Family
from harapan.registry.naming import family_label, name_families

from . import actions, progress
from .forms_meetings import CancelForm, MarkForm, MeetingForm, MeetingListForm, PlanForm
from .models import Attendance, FdsRules, Group, Meeting, MeetingStatus, Membership, Presence

# A kabupaten may hold thousands of flagged families; the page shows the first.
MAX_FLAGGED = 500


def group_url(group_id: int) -> str | None:
    """The group's page, when the groups pages are installed."""
    try:
        return reverse("fds:group_detail", kwargs={"pk": group_id})
    except NoReverseMatch:
        return None


def _check_may_change(user) -> None:
    if not may_change_family_data(user):
        raise PermissionDenied(_("Peran Anda hanya dapat membaca data P2K2."))


def _by_name(families) -> list[Family]:
    """The families named (registry/naming.py), in the order of their heads' names."""
    return sorted(name_families(families), key=lambda f: (f.head_name, f.registry_id))


# Planning ---------------------------------------------------------------------------------


@login_required
def meeting_plan(request: HttpRequest, group_pk: int) -> HttpResponse:
    user = request.user
    group = get_object_or_404(Group.objects.visible_to(user).select_related("pendamping"),
                              pk=group_pk)  # fmt: skip
    editable = may_change_family_data(user)
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data) if editable else None
    if request.method == "POST":
        _check_may_change(user)
        if form.is_valid():
            made = actions.plan_meetings(group, form.days(), acting_user=user)
            if made:
                messages.success(request, _("%(n)s pertemuan direncanakan.") % {"n": len(made)})
            else:
                messages.info(request, _("Semua tanggal itu sudah direncanakan."))
            return redirect("fds:meeting_plan", group_pk=group.pk)
    meetings = Meeting.objects.visible_to(user).filter(group=group).select_related("session")
    context = {
        "group": group,
        "group_url": group_url(group.pk),
        "form": form,
        "meetings": meetings.order_by("planned_on", "pk"),
    }
    return render(request, "fds/meeting_plan.html", context, status=400 if form and form.errors
                  else 200)  # fmt: skip


# The meeting and its attendance -------------------------------------------------------------


@dataclass
class Row:
    family: Family
    form: MarkForm | None
    record: Attendance | None


def _meeting_for(user, pk: int) -> Meeting:
    meetings = Meeting.objects.visible_to(user).select_related(
        "group__pendamping", "session", "facilitator", "recorded_by"
    )
    return get_object_or_404(meetings, pk=pk)


def _default_day(meeting: Meeting) -> date:
    today = timezone.localdate()
    return meeting.held_on or min(meeting.planned_on, today)


def _families_on(user, group: Group, day: date) -> list[Family]:
    families = actions.members_on(group, day) & Family.objects.visible_to(user)
    return _by_name(families)


def _facilitators(user, meeting: Meeting) -> list:
    """Who may be named: the user, the group's pendamping, whoever was named before."""
    people = [user, meeting.group.pendamping, meeting.facilitator]
    return list({p.pk: p for p in people if p is not None}.values())


def _meeting_form(request: HttpRequest, meeting: Meeting, sessions: list) -> MeetingForm:
    if meeting.status == MeetingStatus.HELD:
        initial = {"held_on": meeting.held_on, "place": meeting.place,
                   "session": meeting.session_id, "facilitator": meeting.facilitator_id,
                   "notes": meeting.notes}  # fmt: skip
    else:
        taught = progress.taught_sessions(Group.objects.filter(pk=meeting.group_id))
        following = progress.next_session(taught.get(meeting.group_id, set()), sessions)
        initial = {"held_on": _default_day(meeting), "place": meeting.place,
                   "session": following and following.pk,
                   "facilitator": request.user.pk}  # fmt: skip
    data = request.POST if request.method == "POST" else None
    return MeetingForm(data, initial=initial, sessions=sessions,
                       facilitators=_facilitators(request.user, meeting))  # fmt: skip


def _rows_day(form: MeetingForm, meeting: Meeting) -> date:
    """The date whose members make the rows: the posted one when it reads as a date."""
    if form.is_bound:
        try:
            return form.fields["held_on"].clean(form.data.get("held_on"))
        except ValidationError:
            pass
    return _default_day(meeting)


def _rows(request: HttpRequest, meeting: Meeting, day: date, editable: bool) -> list[Row]:
    user = request.user
    records = {a.family_id: a for a in meeting.attendance.visible_to(user)}
    if not editable:
        families = Family.objects.visible_to(user).filter(pk__in=records.keys())
        return [Row(family, None, records.get(family.pk)) for family in _by_name(families)]
    data = request.POST if request.method == "POST" else None
    rows = []
    for family in _families_on(user, meeting.group, day):
        record = records.get(family.pk)
        initial = {"presence": record.presence, "attendee": record.attendee} if record else {}
        rows.append(Row(family, MarkForm(data, initial=initial, family_id=family.pk), record))
    return rows


def _save(request: HttpRequest, meeting: Meeting, form: MeetingForm, rows: list[Row]) -> list:
    """Record the meeting; the page's errors, or an empty list when it was saved."""
    shown = {int(pk) for pk in request.POST.getlist("family") if pk.isdigit()}
    if shown != {row.family.pk for row in rows}:
        # The date moved to a day when the group had other members: show the new list first.
        return [_("Belum ada yang disimpan. Anggota kelompok pada tanggal itu berbeda: "
                  "periksa daftar KPM lalu simpan lagi.")]  # fmt: skip
    forms = [form] + [row.form for row in rows]
    if not all([f.is_valid() for f in forms]):  # every row checked, not just the first
        return [_("Belum ada yang disimpan. Periksa isian yang ditandai.")]
    try:
        actions.record_meeting(meeting, **form.record(), marks=[row.form.mark() for row in rows],
                               acting_user=request.user)  # fmt: skip
    except ValidationError as error:
        return [_("Belum ada yang disimpan."), *error.messages]
    return []


def _tally(rows: list[Row]) -> dict[str, int]:
    marked = [row.record.presence for row in rows if row.record]
    return {value: marked.count(value) for value in Presence.values}


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = _meeting_for(user, pk)
    if request.method == "POST":
        _check_may_change(user)
    editable = may_change_family_data(user) and meeting.status != MeetingStatus.CANCELLED
    form, errors = None, []
    if editable:
        form = _meeting_form(request, meeting, progress.curriculum())
    rows = _rows(request, meeting, _rows_day(form, meeting) if form else meeting.planned_on,
                 editable)  # fmt: skip
    if request.method == "POST":
        if not editable:
            errors = [_("Pertemuan yang dibatalkan tidak dapat dicatat.")]
        else:
            errors = _save(request, meeting, form, rows)
        if not errors:
            messages.success(request, _("Kehadiran pertemuan %(day)s disimpan: %(n)s KPM.")
                             % {"day": formats.day(form.cleaned_data["held_on"]),
                                "n": len(rows)})  # fmt: skip
            return redirect("fds:meeting_detail", pk=meeting.pk)
    context = {
        "meeting": meeting,
        "group_url": group_url(meeting.group_id),
        "form": form,
        "rows": rows,
        "errors": errors,
        "tally": _tally(rows),
        "editable": editable,
        "cancellable": editable and meeting.status == MeetingStatus.PLANNED,
        "cancel_form": CancelForm(),
        "presence": Presence,
    }
    return render(request, "fds/meeting_detail.html", context, status=400 if errors else 200)


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = _meeting_for(user, pk)
    _check_may_change(user)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
        return redirect("fds:meeting_detail", pk=meeting.pk)
    try:
        actions.cancel_meeting(meeting, form.cleaned_data["reason"], acting_user=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Pertemuan dibatalkan."))
    return redirect("fds:meeting_detail", pk=meeting.pk)


# The month's meetings -----------------------------------------------------------------------


def planned_in_week(user, monday: date) -> QuerySet:
    """The user's meetings still planned for the week starting `monday`: the pendamping's to-do."""
    return Meeting.objects.visible_to(user).filter(
        status=MeetingStatus.PLANNED,
        planned_on__gte=monday,
        planned_on__lt=monday + timedelta(days=7),
    )


def _period(form: MeetingListForm) -> tuple[date, date, date | None]:
    """The month shown (for the month links), and the first and past-the-last day listed."""
    this_month = month_start(timezone.localdate())
    data = form.cleaned_data
    week = data.get("minggu")
    if week:
        return month_start(week), week, week + timedelta(days=7)
    month = data.get("bulan") or this_month
    return month, month, add_months(month, 1)


MEETINGS = Table(
    "pertemuan-p2k2",
    _lazy("Pertemuan P2K2"),
    (
        Column(_lazy("Tanggal"), lambda m: m.held_on or m.planned_on),
        Column(_lazy("Kelompok"), lambda m: m.group.name),
        Column(_lazy("Pendamping"), lambda m: str(m.group.pendamping or "")),
        Column(_lazy("Status"), methodcaller("get_status_display")),
        Column(_lazy("Sesi"), lambda m: m.session.code if m.session_id else ""),
        Column(_lazy("Hadir"), attrgetter("present")),
        Column(_lazy("Dicatat"), attrgetter("marked")),
    ),
)


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    form = MeetingListForm(request.GET)
    form.is_valid()  # a bad field is explained on the page; the valid ones still apply
    month, start, end = _period(form)
    status = form.cleaned_data.get("status", "")
    within = Q(planned_on__gte=start, planned_on__lt=end) | Q(held_on__gte=start, held_on__lt=end)
    meetings = Meeting.objects.visible_to(request.user).filter(within)
    if status:
        meetings = meetings.filter(status=status)
    meetings = (
        meetings.select_related("group__pendamping", "session")
        .annotate(
            marked=Count("attendance"),
            present=Count("attendance", filter=Q(attendance__presence=Presence.PRESENT)),
        )
        .order_by("planned_on", "group__name", "pk")
    )
    period = [[_("Periode"), f"{formats.day(start)} – {formats.day(end - timedelta(days=1))}"]]
    if response := downloads.serve(request, MEETINGS, meetings, form, period):
        return response
    meetings = list(meetings)
    for meeting in meetings:
        meeting.group_url = group_url(meeting.group_id)
    week = form.cleaned_data.get("minggu")
    context = {
        "month": month,
        "week": week,
        "week_end": week + timedelta(days=6) if week else None,
        "status_label": MeetingStatus(status).label if status else "",
        "previous_key": f"{add_months(month, -1):%Y-%m}",
        "next_key": f"{add_months(month, 1):%Y-%m}",
        "meetings": meetings,
        "planned": sum(m.status == MeetingStatus.PLANNED for m in meetings),
        "held": sum(m.status == MeetingStatus.HELD for m in meetings),
        "error": " ".join(message for errors in form.errors.values() for message in errors),
        "downloads": downloads.links(request),
    }
    return render(request, "fds/meeting_list.html", context)


# Families who keep staying away -------------------------------------------------------------


def _flagged_families(user, rules: FdsRules) -> QuerySet:
    current = Membership.objects.current().filter(family=OuterRef("pk"))
    return (
        progress.flagged_in_scope(user, rules)
        .select_related("pendamping")
        .annotate(
            group_id=Subquery(current.values("group_id")[:1]),
            group_name=Subquery(current.values("group__name")[:1]),
        )
        .order_by("-absences", "-last_absence", "registry_id")
    )


FLAGGED = Table(
    "kpm-perlu-perhatian",
    _lazy("KPM perlu perhatian"),
    (
        Column(_lazy("KPM"), family_label),
        Column(_lazy("Kelompok"), attrgetter("group_name")),
        Column(_lazy("Pendamping"), lambda f: str(f.pendamping or "")),
        Column(_lazy("Tidak hadir"), attrgetter("absences")),
        Column(_lazy("Terakhir tidak hadir"), attrgetter("last_absence")),
    ),
    prepare=name_families,
)


@login_required
def flagged(request: HttpRequest) -> HttpResponse:
    rules = FdsRules.current()
    flagged_families = _flagged_families(request.user, rules)
    if response := downloads.serve(request, FLAGGED, flagged_families):
        return response
    families = list(flagged_families[: MAX_FLAGGED + 1])
    truncated = len(families) > MAX_FLAGGED
    total = flagged_families.count() if truncated else len(families)
    families = name_families(families[:MAX_FLAGGED])
    for family in families:
        family.group_url = group_url(family.group_id) if family.group_id else None
    context = {"families": families, "truncated": truncated, "limit": MAX_FLAGGED,
               "total": total, "absence_flag": rules.absence_flag,
               "downloads": downloads.links(request)}  # fmt: skip
    return render(request, "fds/flagged.html", context)


urlpatterns = [
    path("kelompok/<int:group_pk>/rencana/", meeting_plan, name="meeting_plan"),
    path("pertemuan/", meeting_list, name="meeting_list"),
    path("pertemuan/<int:pk>/", meeting_detail, name="meeting_detail"),
    path("pertemuan/<int:pk>/batal/", meeting_cancel, name="meeting_cancel"),
    path("perlu-perhatian/", flagged, name="flagged"),
]
