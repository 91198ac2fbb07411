"""Family pages for staff: list and search, detail, correction forms."""

from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Prefetch, Q
from django.db.models.functions import Cast
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from harapan import downloads, paging
from harapan.accounts.roles import Role, may_change_family_data, sees_full_nik
from harapan.audit.models import AuditEntry
from harapan.audit.wording import Sentence, describe
from harapan.display import formats
from harapan.exports import XLSX, audit_export, xlsx_response
from harapan.jobs import runs
from harapan.jobs.models import Run, RunKind, RunStatus
from harapan.lib import regioncode
from harapan.lib.nik import shown_nik
from harapan.regions.models import Region
from harapan.reporting import require_role

from .. import actions, exports, panels
from ..eligibility import COMPONENTS, LABELS, component_for
from ..forms import PAGE_SIZE, FamilyForm, FamilySearchForm, MemberForm, initial_of
from ..models import ChangeRequest, Family, Member, Relation
from ..naming import family_label, name_families
from ..tasks import FAMILIES_FIGURE, export_families_xlsx

# Beyond this many desa a select is unreadable: a national user types a code instead.
MAX_DESA_CHOICES = 500
HISTORY_SIZE = 50


def _heading(user) -> str:
    if user.role == Role.PENDAMPING:
        return _("KPM dampingan saya")
    region = user.region if user.region_id else None
    if region is None:
        return _("Semua KPM")
    level = regioncode.LEVEL_NAMES[region.level]
    return _("Semua KPM di %(level)s %(name)s") % {"level": level, "name": region.name}


def desa_in(visible) -> tuple[list[Region], list[tuple[str, str]] | None]:
    """The desa of `visible` families, and select choices while the list is short enough."""
    desa = list(
        Region.objects.filter(code__in=visible.values("region_code")).order_by("code")[
            : MAX_DESA_CHOICES + 1
        ]
    )
    if len(desa) > MAX_DESA_CHOICES:
        return desa, None
    return desa, [(r.code, f"{r.name} ({r.dotted_code})") for r in desa]


def list_page(request: HttpRequest, form, visible, desa: list[Region], with_choices: bool):
    """One page of the families `form` selects, named by head and desa, and its links.

    Returns the context shared by the family lists: form, families, pager, total.
    """
    families, pager = [], paging.pager(request.GET, 1, 1, 0, previous_query=None, next_query=None)
    if form.is_valid():
        matching = form.filter(visible, request.user)
        heads = Prefetch(
            "members",
            queryset=Member.objects.filter(relation=Relation.HEAD),
            to_attr="heads",
        )
        families, pager = paging.keyset_page(
            matching.select_related("pendamping").prefetch_related(heads),
            "registry_id",
            request.GET,
            total=matching.count(),
            size=PAGE_SIZE,
        )
    names = {r.code: r.name for r in desa} if with_choices else _region_names(families)
    # Named as registry/naming.py names families, from what this page reads anyway:
    # the head's member row (for the NIK too) and the desa of the filter's choices.
    for family in families:
        family.desa_name = names.get(family.region_code, "")
        family.head = family.heads[0] if family.heads else None
        family.head_name = family.head.name if family.head else ""
        if family.head:
            # Lists show masked NIKs to everyone: they are where shoulder-surfing happens.
            family.head_nik = shown_nik(family.head.nik, full=False)
    return {
        "form": form,
        "families": families,
        "pager": pager,
        "total": pager.total,
        # The downloads take the filters, not the page: they hold every matching family.
        "downloads": downloads.links(request, reverse("registry:family_export")),
    }


@login_required
def family_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    visible = Family.objects.visible_to(user)
    desa, desa_choices = desa_in(visible)
    # Always bound: with no parameters every field is empty, which is valid.
    form = FamilySearchForm(request.GET, desa_choices=desa_choices)
    if user.role == Role.PENDAMPING:
        # Every family on a pendamping's list is theirs: the filter would only confuse.
        del form.fields["unassigned"]
    context = list_page(request, form, visible, desa, desa_choices is not None)
    context["heading"] = _heading(user)
    return render(request, "registry/family_list.html", context)


@login_required
def family_export(request: HttpRequest) -> HttpResponse:
    """The families of the list, with its filters, as XLSX or (`?unduh=csv`) CSV, every page
    of them, read a chunk at a time (registry/exports.py) and streamed."""
    user = request.user
    require_role(user)
    form = FamilySearchForm(request.GET)
    if not form.is_valid():
        return redirect(f"{reverse('registry:family_list')}?{request.GET.urlencode()}")
    today = timezone.localdate()
    count, filters, about, lines = exports.family_export_parts(form, user, today)
    if downloads.requested(request) == downloads.CSV:
        notes = [*filters, [_("Komponen per"), formats.day(today)]]
        return downloads.respond(
            request, downloads.CSV, "kpm", _("Daftar KPM"), lines, count, notes
        )
    if count > settings.HARAPAN_LARGE_EXPORT_ROWS:
        # Too long for one request: a task writes it, the run's page hands it out.
        title = _("Daftar KPM (%(count)s keluarga)") % {"count": formats.number(count)}
        run = runs.start(export_families_xlsx, kind=RunKind.FAMILY_EXPORT, user=user,
                         title=title, region_code=user.region_id or "",
                         params={"query": request.GET.urlencode()})  # fmt: skip
        messages.info(
            request, _("Daftar sedang disiapkan; unduh dari halaman ini setelah selesai.")
        )
        return redirect("jobs:run_detail", pk=run.pk)
    response = xlsx_response(f"kpm-{today.isoformat()}.xlsx", "kpm", lines, about, request.user)
    audit_export(user, "registry.family.export", rows=count, **dict(filters))
    return response


@login_required
def family_export_file(request: HttpRequest, run_pk: int) -> HttpResponse:
    """The XLSX a family export run wrote, for the user who started it."""
    run = get_object_or_404(Run, pk=run_pk, kind=RunKind.FAMILY_EXPORT, status=RunStatus.DONE,
                            started_by=request.user)  # fmt: skip
    path = downloads.run_file(run)
    if not path.exists():
        raise Http404(_("Berkas ekspor ini sudah tidak ada; buat lagi dari daftar KPM."))
    rows = dict(run.figures).get(FAMILIES_FIGURE, 0)
    audit_export(request.user, "registry.family.export", rows=rows, run=run.pk)
    name = f"kpm-{timezone.localtime(run.created_at):%Y-%m-%d}.xlsx"
    return FileResponse(open(path, "rb"), as_attachment=True, filename=name, content_type=XLSX)


def _region_names(families: list[Family]) -> dict[str, str]:
    codes = {f.region_code for f in families}
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


@login_required
def family_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    family = get_object_or_404(Family.objects.visible_to(user).select_related("pendamping"), pk=pk)
    today = timezone.localdate()
    full = sees_full_nik(user)
    members = list(family.members.all())
    total = Counter()
    for member in members:
        member.component = component_for(member, today)
        member.component_label = LABELS.get(member.component, "")
        member.age = member.age_on(today) if member.birth_date <= today else None
        member.shown_nik = shown_nik(member.nik, full)
        if member.component:
            total[member.component] += 1
    if full:
        actions.record_nik_view(user, family, len(members))
    name_families([family])
    context = {
        "family": family,
        "title": family_label(family),
        "members": members,
        "components": [(LABELS[c], total[c]) for c in COMPONENTS if total[c]],
        "component_count": sum(total.values()),
        "history": _history(family, members, full),
        "may_edit": may_change_family_data(user),
        "full_nik": full,
        "panels": panels.render_panels(request, family),
    }
    return render(request, "registry/family_detail.html", context)


def _history(family: Family, members: list[Member], full_nik: bool) -> list[Sentence]:
    """The last changes to the family, its members and its change requests, as sentences.

    Full-NIK views are left out: a pendamping opening the page daily would
    push every change off it. They stay in the audit trail itself.
    """
    requests = (
        ChangeRequest.objects.filter(family=family)
        .annotate(key=Cast("pk", CharField()))
        .values("key")
    )
    entries = (
        AuditEntry.objects.filter(
            Q(object_type="registry.family", object_id=str(family.pk))
            | Q(object_type="registry.member", object_id__in=[str(m.pk) for m in members])
            | Q(object_type="registry.changerequest", object_id__in=requests)
        )
        .exclude(action__endswith=".view_nik")
        .select_related("actor")
        .order_by("-at", "-id")[:HISTORY_SIZE]
    )
    # The page is the family's: a member is named, the family and its requests are not.
    subjects = {("registry.member", str(m.pk)): m.name for m in members}
    return describe(entries, full_nik=full_nik, subjects=subjects)


def _family_to_change(request: HttpRequest, pk: int) -> Family:
    """The family, when in scope (else 404) and the user may change data (else 403)."""
    family = get_object_or_404(Family.objects.visible_to(request.user), pk=pk)
    if not may_change_family_data(request.user):
        raise PermissionDenied(_("Peran Anda hanya dapat membaca data."))
    return name_families([family])[0]


def _correction_page(request: HttpRequest, obj, form_class, update, saved: str):
    """The correction form of `obj` (GET), or its save through `update` (POST).

    Returns (form, conflict, response): a response when saved; otherwise the
    form to show, and what the other user saved when this form was stale
    (it keeps what this user typed, and is refused with status 409).
    """
    if request.method != "POST":
        return form_class(initial=initial_of(obj, form_class)), None, None
    form = form_class(request.POST)
    if not form.is_valid():
        return form, None, None
    typed = form.cleaned_data
    try:
        changes = update(obj, typed, acting_user=request.user, version=typed["version"])
    except actions.StaleEdit as stale:
        current = stale.current
        last = (
            AuditEntry.objects.for_object(current)
            .exclude(action__endswith=".view_nik")
            .select_related("actor")
            .order_by("-at", "-id")
            .first()
        )
        conflict = {
            "message": str(stale),
            "by": last,
            "rows": [
                (field.label, getattr(current, name), typed[name])
                for name, field in form.fields.items()
                if not field.widget.is_hidden
            ],
        }
        # The inputs keep what this user typed; saving again is a choice made
        # knowing what the other saved, so the form now carries that version.
        return form_class(initial={**typed, "version": current.version}), conflict, None
    if changes:
        messages.success(request, saved)
    else:
        messages.info(request, _("Tidak ada yang berubah."))
    return form, None, redirect("registry:family_detail", pk=getattr(obj, "family_id", obj.pk))


@login_required
def family_edit(request: HttpRequest, pk: int) -> HttpResponse:
    family = _family_to_change(request, pk)
    form, conflict, done = _correction_page(
        request, family, FamilyForm, actions.update_family, _("Data keluarga disimpan.")
    )
    if done:
        return done
    context = {"family": family, "form": form, "conflict": conflict}
    return render(request, "registry/family_form.html", context, status=409 if conflict else 200)


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(
        Member.objects.visible_to(request.user).select_related("family"), pk=pk
    )
    family = _family_to_change(request, member.family_id)
    member.family = family
    form, conflict, done = _correction_page(
        request, member, MemberForm, actions.update_member, _("Data anggota disimpan.")
    )
    if done:
        return done
    context = {
        "family": family,
        "member": member,
        "form": form,
        "conflict": conflict,
        # Masked here: only the detail page shows full NIKs, and logs that it did.
        "shown_nik": shown_nik(member.nik, full=False),
    }
    return render(request, "registry/member_form.html", context, status=409 if conflict else 200)


urlpatterns = [
    path("", family_list, name="family_list"),
    path("ekspor.xlsx", family_export, name="family_export"),
    path("ekspor/<int:run_pk>.xlsx", family_export_file, name="family_export_file"),
    path("<int:pk>/", family_detail, name="family_detail"),
    path("<int:pk>/ubah/", family_edit, name="family_edit"),
    path("anggota/<int:pk>/ubah/", member_edit, name="member_edit"),
]
