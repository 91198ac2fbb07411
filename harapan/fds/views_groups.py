"""P2K2 group pages: the list, a group's page, creating and editing it, members joining and leaving.

Every page is a fixed number of queries whatever the number of groups or
families: counts and dates come from subqueries, curriculum positions and
flags from `progress` in one query each. Changes go through `actions`;
read-only roles see the pages without their forms and get 403 on POST.
"""

from operator import attrgetter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from harapan import downloads
from harapan.accounts.models import User
from harapan.accounts.roles import Role, may_change_family_data
from harapan.display import formats
from harapan.downloads import Column, Table
from harapan.lib import regioncode
from harapan.paging import paginate
from harapan.regions.models import Region
from harapan.registry.models import Family
from harapan.registry.naming import family_label, name_families, name_families_of

from . import actions, progress
from .forms_groups import AddFamilyForm, GroupForm, RemoveFamilyForm
from .models import Attendance, FdsRules, Group, Meeting, MeetingStatus, Membership, Presence

PAGE_SIZE = 50
# Beyond this many options a filter select is unreadable: the user types a code instead.
MAX_FILTER_CHOICES = 500


def url_or_none(name: str, **kwargs) -> str | None:
    """A link to a page another part of P2K2 provides, or None while it does not exist yet."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def size_warning(count: int, rules: FdsRules) -> str:
    if count < rules.min_group_size:
        return _("Anggota kurang dari %(n)s KPM") % {"n": rules.min_group_size}
    if count > rules.max_group_size:
        return _("Anggota lebih dari %(n)s KPM") % {"n": rules.max_group_size}
    return ""


def _visible_groups(user):
    current = Membership.objects.visible_to(user).current().filter(group=OuterRef("pk"))
    held = Meeting.objects.visible_to(user).filter(group=OuterRef("pk"), status=MeetingStatus.HELD)
    return Group.objects.visible_to(user).annotate(
        member_count=Coalesce(
            Subquery(current.order_by().values("group").annotate(n=Count("pk")).values("n"),
                     output_field=IntegerField()),
            Value(0),
        ),
        last_held=Subquery(held.order_by().values("group").annotate(d=Max("held_on")).values("d")),
    )  # fmt: skip


def _filter_choices(user) -> tuple[list | None, list | None]:
    """The desa and pendamping of the user's groups, or None where too many to list."""
    groups = Group.objects.visible_to(user)
    desa = list(
        Region.objects.filter(code__in=groups.values("region_code"))[: MAX_FILTER_CHOICES + 1]
    )
    people = list(
        User.objects.filter(pk__in=groups.values("pendamping_id")).order_by(
            "first_name", "last_name", "username"
        )[: MAX_FILTER_CHOICES + 1]
    )
    desa_choices = [(r.code, f"{r.name} ({r.dotted_code})") for r in desa]
    people_choices = [(u.username, str(u)) for u in people]
    return (
        desa_choices if len(desa) <= MAX_FILTER_CHOICES else None,
        people_choices if len(people) <= MAX_FILTER_CHOICES else None,
    )


def _filtered(groups, desa: str, pendamping: str):
    if desa:
        try:
            groups = groups.filter(region_code__startswith=regioncode.normalize(desa))
        except regioncode.InvalidRegionCode:
            groups = groups.none()
    if pendamping:
        groups = groups.filter(pendamping__username=pendamping)
    return groups


def _flagged_count(user, rules: FdsRules) -> int:
    return progress.flagged_in_scope(user, rules).count()


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    desa = request.GET.get("desa", "").strip()
    pendamping = request.GET.get("pendamping", "").strip()
    desa_choices, people_choices = _filter_choices(user)
    groups = _filtered(_visible_groups(user), desa, pendamping).select_related("pendamping")
    groups = groups.order_by("region_code", "name", "pk")
    rules, sessions = FdsRules.current(), progress.curriculum()
    names = dict(desa_choices) if desa_choices is not None else None
    table = Table(
        "kelompok-p2k2",
        _lazy("Kelompok P2K2"),
        GROUP_COLUMNS,
        prepare=lambda chunk: _describe(chunk, rules, sessions, names),
    )
    if response := downloads.serve(request, table, groups, None, _notes(desa, pendamping)):
        return response
    page, pager = paginate(request, groups, PAGE_SIZE)
    rows = list(page.object_list)
    _describe(rows, rules, sessions, names)
    context = {
        "downloads": downloads.links(request),
        "groups": rows,
        "page": page,
        "pager": pager,
        "session_total": len(sessions),
        "rules": rules,
        "desa": desa,
        "pendamping": pendamping,
        "desa_choices": desa_choices,
        "people_choices": people_choices,
        "flagged_count": _flagged_count(user, rules),
        "flagged_url": url_or_none("fds:flagged"),
        "may_change": may_change_family_data(user),
    }
    return render(request, "fds/group_list.html", context)


def _notes(desa: str, pendamping: str) -> list[list]:
    """The filters of the group list, by name, for its downloads."""
    notes = [[_("Desa"), _desa_names([Group(region_code=desa)]).get(desa, desa)]] if desa else []
    if pendamping.isdigit():
        notes.append([_("Pendamping"), str(User.objects.filter(pk=pendamping).first() or "")])
    return notes


def _describe(rows: list[Group], rules: FdsRules, sessions, names: dict | None) -> None:
    """`rows` as the list shows them: desa, size warning, sessions taught and next."""
    taught = progress.taught_sessions(Group.objects.filter(pk__in=[g.pk for g in rows]))
    names = names if names is not None else _desa_names(rows)
    for group in rows:
        group.desa_name = names.get(group.region_code, regioncode.dotted(group.region_code))
        group.size_warning = size_warning(group.member_count, rules)
        group.taught_count = len(taught.get(group.pk, set()) & {s.number for s in sessions})
        group.next_session = progress.next_session(taught.get(group.pk, set()), sessions)


GROUP_COLUMNS = (
    Column(_lazy("Kelompok"), attrgetter("name")),
    Column(_lazy("Aktif"), lambda g: formats.yes_no(g.active)),
    Column(_lazy("Desa"), attrgetter("desa_name")),
    Column(_lazy("Pendamping"), lambda g: str(g.pendamping or "")),
    Column(_lazy("Anggota"), attrgetter("member_count")),
    Column(_lazy("Peringatan ukuran"), lambda g: str(g.size_warning or "")),
    Column(_lazy("Sesi terlaksana"), attrgetter("taught_count")),
    Column(
        _lazy("Sesi berikutnya"),
        lambda g: (
            f"{g.next_session.code} {g.next_session.title}"
            if g.next_session
            else _("Kurikulum selesai")
        ),
    ),
    Column(_lazy("Pertemuan terakhir"), attrgetter("last_held")),
)


def _desa_names(groups) -> dict[str, str]:
    codes = {g.region_code for g in groups}
    rows = Region.objects.filter(code__in=codes).values_list("code", "name")
    return {code: f"{name} ({regioncode.dotted(code)})" for code, name in rows}


def _members_and_history(user, group: Group) -> tuple[list[Membership], list[Membership]]:
    """The current members (by name) and every membership, newest first, in one query."""
    history = list(Membership.objects.visible_to(user).filter(group=group).select_related("family"))
    name_families_of(history)
    for membership in history:
        membership.name = membership.family.head_name
    # A family that left PKH is no longer a member, even before its membership is ended.
    current = sorted((m for m in history if m.left_on is None and m.family.is_active),
                     key=lambda m: (m.name.casefold(), m.family.registry_id))  # fmt: skip
    return current, history


def _mark_progress(user, group: Group, members: list[Membership], rules: FdsRules) -> int:
    """Each member's completed sessions and flag; returns how many are flagged."""
    families = (
        Family.objects.visible_to(user)
        .active()
        .filter(fds_memberships__group=group, fds_memberships__left_on=None)
    )
    done = progress.completed_sessions(families)
    absences = dict(progress.flagged(families, rules).values_list("pk", "absences"))
    for membership in members:
        membership.completed = len(done.get(membership.family_id, ()))
        membership.absences = absences.get(membership.family_id)
    return len(absences)


def _meetings(user, group: Group) -> list[Meeting]:
    meetings = list(
        Meeting.objects.visible_to(user).filter(group=group).select_related("session")
        .order_by("-planned_on", "-pk")
    )  # fmt: skip
    counts = {
        row["meeting_id"]: row
        for row in Attendance.objects.visible_to(user)
        .filter(meeting__group=group)
        .values("meeting_id")
        .annotate(present=Count("pk", filter=Q(presence=Presence.PRESENT)), marked=Count("pk"))
    }
    for meeting in meetings:
        row = counts.get(meeting.pk, {})
        meeting.present, meeting.marked = row.get("present", 0), row.get("marked", 0)
        meeting.url = url_or_none("fds:meeting_detail", pk=meeting.pk)
    return meetings


def _curriculum(group: Group) -> tuple[list, int]:
    sessions = progress.curriculum()
    taught = progress.taught_sessions(Group.objects.filter(pk=group.pk)).get(group.pk, set())
    for session in sessions:
        session.taught = session.number in taught
    return sessions, sum(s.taught for s in sessions)


def _detail_context(request: HttpRequest, group: Group, *, add_form=None, errors=()) -> dict:
    user = request.user
    rules = FdsRules.current()
    members, history = _members_and_history(user, group)
    sessions, taught_count = _curriculum(group)
    may_change = may_change_family_data(user)
    if may_change and add_form is None and group.active:
        add_form = AddFamilyForm(user=user, group=group)
    region = Region.objects.filter(code=group.region_code).first()
    return {
        "group": group,
        "desa_name": region.name if region else "",
        "members": members,
        "history": history,
        "leader_name": next(
            (m.name or m.family.registry_id for m in members if m.family_id == group.leader_id), ""
        ),  # fmt: skip
        "flagged_count": _mark_progress(user, group, members, rules),
        "size_warning": size_warning(len(members), rules),
        "rules": rules,
        "meetings": _meetings(user, group),
        "sessions": sessions,
        "taught_count": taught_count,
        "next_session": next((s for s in sessions if not s.taught), None),
        "may_change": may_change,
        "add_form": add_form if may_change and group.active else None,
        "errors": list(errors),
    }


def _group_or_404(request: HttpRequest, pk: int) -> Group:
    return get_object_or_404(
        Group.objects.visible_to(request.user).select_related("pendamping"), pk=pk
    )


@login_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_or_404(request, pk)
    return render(request, "fds/group_detail.html", _detail_context(request, group))


def _group_form(request: HttpRequest, group: Group) -> HttpResponse:
    user = request.user
    creating = group.pk is None
    data = request.POST if request.method == "POST" else None
    initial = None if creating else GroupForm.initial_for(group)
    form = GroupForm(data, initial=initial, user=user, group=group)
    if data is not None and form.is_valid():
        try:
            group = actions.save_group(form.apply(), acting_user=user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Kelompok %(name)s disimpan.") % {"name": group.name})
            return redirect("fds:group_detail", pk=group.pk)
    status = 400 if form.is_bound else 200
    context = {"form": form, "group": group, "creating": creating}
    return render(request, "fds/group_form.html", context, status=status)


@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    actions.check_may_run(request.user)
    group = Group(pendamping=request.user) if request.user.role == Role.PENDAMPING else Group()
    return _group_form(request, group)


@login_required
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_or_404(request, pk)
    actions.check_may_run(request.user, group)
    return _group_form(request, group)


def _refused(request: HttpRequest, group: Group, errors, add_form=None) -> HttpResponse:
    context = _detail_context(request, group, add_form=add_form,
                              errors=[_("Belum ada yang berubah."), *errors])  # fmt: skip
    return render(request, "fds/group_detail.html", context, status=400)


@login_required
@require_POST
def group_add_family(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_or_404(request, pk)
    actions.check_may_run(request.user, group)
    form = AddFamilyForm(request.POST, user=request.user, group=group)
    if not form.is_valid():
        return _refused(request, group, [], add_form=form)
    family, on = form.cleaned_data["family"], form.cleaned_data["joined_on"]
    moving_from = Membership.objects.current().filter(family=family).select_related("group").first()
    try:
        actions.assign_family(group, family, on=on, acting_user=request.user)
    except ValidationError as error:
        return _refused(request, group, error.messages, add_form=form)
    text = {"family": family_label(name_families([family])[0]), "group": group.name,
            "on": formats.day(on)}  # fmt: skip
    if moving_from is not None:
        text["from"] = moving_from.group.name
        messages.success(request, _("KPM %(family)s pindah dari %(from)s ke %(group)s sejak "
                                    "%(on)s.") % text)  # fmt: skip
    else:
        messages.success(request, _("KPM %(family)s masuk %(group)s sejak %(on)s.") % text)
    return redirect("fds:group_detail", pk=group.pk)


@login_required
@require_POST
def group_remove_family(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_or_404(request, pk)
    actions.check_may_run(request.user, group)
    form = RemoveFamilyForm(request.POST, user=request.user, group=group)
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        return _refused(request, group, errors)
    family, on = form.cleaned_data["family"], form.cleaned_data["left_on"]
    try:
        actions.remove_family(group, family, on=on, acting_user=request.user)
    except ValidationError as error:
        return _refused(request, group, error.messages)
    messages.success(request, _("KPM %(family)s keluar dari %(group)s sejak %(on)s.")
                     % {"family": family_label(name_families([family])[0]), "group": group.name,
                        "on": formats.day(on)})  # fmt: skip
    return redirect("fds:group_detail", pk=group.pk)


urlpatterns = [
    path("", group_list, name="group_list"),
    path("kelompok/baru/", group_create, name="group_create"),
    path("kelompok/<int:pk>/", group_detail, name="group_detail"),
    path("kelompok/<int:pk>/ubah/", group_edit, name="group_edit"),
    path("kelompok/<int:pk>/tambah-kpm/", group_add_family, name="group_add_family"),
    path("kelompok/<int:pk>/keluarkan-kpm/", group_remove_family, name="group_remove_family"),
]
