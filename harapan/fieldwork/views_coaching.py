"""Coaching pages (pembinaan berjenjang, DESIGN §9): the notes a user sees, a new note,
one note with its follow-up. Thin: each POST calls one function of actions_coaching."""

from datetime import timedelta
from operator import attrgetter

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
from harapan.accounts.roles import Role, supervises, tiers_below
from harapan.downloads import Column, Table
from harapan.paging import paginate

from . import actions_coaching as actions
from .forms_coaching import CoachingFilterForm, FollowUpForm, NoteForm
from .models import CoachingNote

PAGE_SIZE = 50
NEW_DAYS = 30  # "new" notes about the user, shown on their home page


def takes_part_in_coaching(user) -> bool:
    """Everyone coached or coaching, admin pusat and the auditor; not the operator."""
    return bool(user.is_superuser or (user.role and user.role != Role.OPERATOR))


def _check_part(user) -> None:
    if not takes_part_in_coaching(user):
        raise PermissionDenied


def new_about(user, today):
    """Notes about `user` written in the last NEW_DAYS days (the home page's line)."""
    return CoachingNote.objects.filter(coached=user, on__gt=today - timedelta(days=NEW_DAYS))


def filtered(user, params, today):
    """The notes of the list with its filters (the home lines count the same)."""
    notes = CoachingNote.objects.visible_to(user)
    people = User.objects.filter(pk__in=notes.values("coached")).order_by("first_name")
    form = CoachingFilterForm(params, people=people)
    if not form.is_valid():
        return form, notes.none()
    data = form.cleaned_data
    if data["orang"]:
        notes = notes.filter(coached=data["orang"])
    if data["jatuh_tempo"]:
        notes = notes.follow_up_due(user, today)
    if data["baru"]:
        notes = notes & new_about(user, today)
    return form, notes


COACHING = Table(
    "pembinaan",
    _lazy("Pembinaan"),
    (
        Column(_lazy("Tanggal"), attrgetter("on")),
        Column(_lazy("Yang dibina"), lambda n: str(n.coached)),
        Column(_lazy("Peran"), lambda n: n.coached.get_role_display()),
        Column(_lazy("Topik"), attrgetter("topic")),
        Column(_lazy("Pembina"), lambda n: str(n.writer)),
        Column(_lazy("Tindak lanjut"), attrgetter("follow_up_on")),
        Column(_lazy("Tindak lanjut selesai"), attrgetter("follow_up_done_at")),
    ),
)


@login_required
def coaching_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _check_part(user)
    today = timezone.localdate()
    form, notes = filtered(user, request.GET, today)
    notes = notes.select_related("coached", "coached__region", "writer").order_by("-on", "-id")
    if response := downloads.serve(request, COACHING, notes, form):
        return response
    page, pager = paginate(request, notes, PAGE_SIZE)
    context = {
        "downloads": downloads.links(request),
        "form": form,
        "notes": page.object_list,
        "pager": pager,
        "today": today,
        "may_write": bool(tiers_below(user)),
    }
    return render(request, "fieldwork/coaching_list.html", context)


@login_required
def coaching_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not tiers_below(user):
        raise PermissionDenied
    initial = {"coached": request.GET.get("orang")} if request.GET.get("orang") else None
    form = NoteForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            note = actions.write_note(
                data["coached"], on=data["on"], topic=data["topic"], note=data["note"],
                follow_up_on=data["follow_up_on"], acting_user=user,
            )  # fmt: skip
        except (ValidationError, PermissionDenied) as error:
            for message in getattr(error, "messages", [str(error)]):
                messages.error(request, message)
        else:
            messages.success(request, _("Catatan pembinaan tersimpan."))
            return redirect("fieldwork:coaching_detail", pk=note.pk)
    return render(request, "fieldwork/coaching_new.html", {"form": form})


def _note(user, pk: int) -> CoachingNote:
    """The note in the user's scope, else 404 (the operator's scope is empty)."""
    notes = CoachingNote.objects.visible_to(user).select_related(
        "coached", "coached__region", "writer"
    )
    return get_object_or_404(notes, pk=pk)


@login_required
def coaching_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    note = _note(user, pk)
    may_follow_up = note.follow_up_done_at is None and supervises(user, note.coached)
    context = {
        "note": note,
        "today": timezone.localdate(),
        "follow_up_form": FollowUpForm() if may_follow_up else None,
    }
    return render(request, "fieldwork/coaching_detail.html", context)


@login_required
@require_POST
def coaching_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    """404 when the user does not see the note, 403 when they see it but do not coach."""
    user = request.user
    note = _note(user, pk)
    if not supervises(user, note.coached):
        raise PermissionDenied
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    else:
        try:
            actions.record_follow_up(note, outcome=form.cleaned_data["outcome"], acting_user=user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Tindak lanjut tersimpan."))
    return redirect("fieldwork:coaching_detail", pk=note.pk)
