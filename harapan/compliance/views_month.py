"""Recording a month's verification: per family, per school class, and lifting a sanction.

A page is saved with one `actions.record_month` call, all or nothing: a bad
row stops the save and the page comes back with the input kept and the
messages next to the rows.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from harapan.accounts.roles import may_change_family_data
from harapan.display import formats
from harapan.lib import regioncode
from harapan.regions.models import Region
from harapan.registry import eligibility
from harapan.registry.models import Family, Member
from harapan.registry.naming import family_label, name_families, name_families_of

from . import actions, calendar, commitments
from .forms_month import EXCUSE_LIST_ID, EXCUSE_REASONS, MonthRowForm, SchoolRowForm, initial_for
from .models import ComplianceRules, HealthFacility, MemberService, Sanction, School, Verification

# A province has thousands of schools; the choice page lists the first ones
# and a search narrows them.
MAX_SCHOOLS = 300


@dataclass
class Row(commitments.OwedCommitment):
    member: Member
    commitment: str
    record: Verification | None
    form: MonthRowForm | None

    @property
    def place(self) -> School | HealthFacility | None:
        return self.record and (self.record.school or self.record.facility)


def _this_month() -> date:
    return calendar.month_start(timezone.localdate())


def _month_or_404(text: str) -> date:
    try:
        month = calendar.parse_month(text)
    except ValueError as error:
        raise Http404(str(error)) from None
    if month > _this_month():
        raise Http404(_("Bulan verifikasi belum berjalan."))
    return month


def _default_month() -> date:
    return calendar.month_to_verify(timezone.localdate())


def _navigation(month: date) -> dict:
    previous = calendar.add_months(month, -1)
    following = calendar.add_months(month, 1)
    if following > _this_month():
        following = None
    return {
        "month": month,
        "month_key": calendar.month_label(month),
        "previous": previous,
        "previous_key": calendar.month_label(previous),
        "next": following,
        "next_key": calendar.month_label(following) if following else None,
    }


def _owing(user, members: QuerySet, month: date, only: tuple[str, ...] = ()) -> list[Member]:
    owing = commitments.owed(month, members.visible_to(user))
    if only:
        owing = owing.filter(commitment__in=only)
    return list(owing.select_related("family").order_by("family_id", "birth_date", "pk"))


def _records(user, members: list[Member], month: date) -> dict[tuple[int, str], Verification]:
    found = Verification.objects.visible_to(user).filter(
        member__in=[m.pk for m in members], month=month
    )
    found = found.select_related("recorded_by", "school", "facility")
    return {(r.member_id, r.commitment): r for r in found}


def _services(user, members: list[Member]) -> dict[int, MemberService]:
    found = MemberService.objects.visible_to(user).filter(member__in=[m.pk for m in members])
    return {s.member_id: s for s in found}


def _places_near(family: Family, services, records) -> tuple[dict, dict]:
    """Active schools and facilities of the family's kecamatan, plus any already linked."""
    kecamatan = family.region_code[:6]
    linked = list(services.values()) + list(records.values())
    school_ids = {x.school_id for x in linked if x.school_id}
    facility_ids = {x.facility_id for x in linked if x.facility_id}
    schools = School.objects.filter(Q(region_code__startswith=kecamatan, active=True)
                                    | Q(pk__in=school_ids))  # fmt: skip
    facilities = HealthFacility.objects.filter(
        Q(region_code__startswith=kecamatan, active=True) | Q(pk__in=facility_ids)
    )
    return {s.pk: s for s in schools}, {f.pk: f for f in facilities}


def _row_places(commitment: str, schools: dict, facilities: dict, keep: set[int]) -> dict:
    if not commitments.is_school(commitment):
        return facilities
    # A pupil's own school stays on offer even at another level (data lag).
    return {pk: s for pk, s in schools.items() if s.level == commitment or pk in keep}


def _usual_place(service: MemberService | None, commitment: str) -> int | None:
    if service is None:
        return None
    return service.school_id if commitments.is_school(commitment) else service.facility_id


def _family_rows(request: HttpRequest, family: Family, month: date, threshold: int,
                 editable: bool) -> list[Row]:  # fmt: skip
    user = request.user
    members = _owing(user, Member.objects.filter(family=family), month)
    records = _records(user, members, month)
    if not editable:
        return [Row(m, m.commitment, records.get((m.pk, m.commitment)), None) for m in members]
    services = _services(user, members)
    schools, facilities = _places_near(family, services, records)
    data = request.POST if request.method == "POST" else None
    rows = []
    for member in members:
        record = records.get((member.pk, member.commitment))
        usual = _usual_place(services.get(member.pk), member.commitment)
        keep = {usual, record.school_id if record else None}
        form = MonthRowForm(
            data, prefix=f"m{member.pk}", initial=initial_for(record, usual), member=member,
            commitment=member.commitment, month=month, threshold=threshold,
            places=_row_places(member.commitment, schools, facilities, keep),
        )  # fmt: skip
        rows.append(Row(member, member.commitment, record, form))
    return rows


def _save(request: HttpRequest, rows: list[Row], month: date) -> list[str] | None:
    """Save the page's filled rows at once; the page-level errors, or None when saved."""
    forms = [row.form for row in rows]
    if not all([form.is_valid() for form in forms]):  # every row checked, not just the first
        return [_("Belum ada yang disimpan. Periksa isian yang ditandai.")]
    entries = [entry for form in forms if (entry := form.entry())]
    if not entries:
        messages.info(request, _("Tidak ada isian baru atau perubahan: belum ada yang disimpan."))
        return None
    try:
        changed = actions.record_month(entries, month, acting_user=request.user)
    except ValidationError as error:
        return [_("Belum ada yang disimpan."), *error.messages]
    messages.success(
        request,
        _("Verifikasi bulan %(month)s disimpan: %(changed)s catatan baru atau berubah.")
        % {"month": formats.month(month), "changed": changed},
    )
    return None


def _context(rows: list[Row], month: date, threshold: int, errors, editable: bool,
             **extra) -> dict:  # fmt: skip
    return {
        **_navigation(month),
        "rows": rows,
        "errors": errors or [],
        "editable": editable,
        "threshold": threshold,
        "excuse_reasons": EXCUSE_REASONS,
        "excuse_list_id": EXCUSE_LIST_ID,
        **extra,
    }


@login_required
def month_family_current(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = get_object_or_404(Family.objects.visible_to(request.user), pk=family_pk)
    return redirect("compliance:month_family", family_pk=family.pk,
                    month=calendar.month_label(_default_month()))  # fmt: skip


def _month_page(request: HttpRequest, month: date, build_rows, subject, template: str,
                back: tuple, **context) -> HttpResponse:  # fmt: skip
    """The family and school pages alike: rows of forms saved in one go, then PRG."""
    editable = may_change_family_data(request.user)
    if request.method == "POST" and not editable:
        raise PermissionDenied(_("Peran Anda hanya dapat membaca data."))
    threshold = ComplianceRules.for_year(month.year).attendance_threshold
    rows = build_rows(request, subject, month, threshold, editable)
    errors = None
    if request.method == "POST":
        errors = _save(request, rows, month)
        if errors is None:
            view, kwargs = back
            return redirect(view, month=calendar.month_label(month), **kwargs)
    return render(request, template, _context(rows, month, threshold, errors, editable, **context))


@login_required
def month_family(request: HttpRequest, family_pk: int, month: str) -> HttpResponse:
    month = _month_or_404(month)
    family = get_object_or_404(Family.objects.visible_to(request.user), pk=family_pk)
    name_families([family])
    return _month_page(
        request, month,
        _family_rows, family,
        "compliance/month_family.html",
        ("compliance:month_family", {"family_pk": family.pk}),
        family=family, family_label=family_label(family),
    )  # fmt: skip


def _school_with_pupils(user, school_pk: int) -> School:
    """The school, if the user can see at least one of its pupils (else 404)."""
    pupils = MemberService.objects.visible_to(user).filter(school_id=school_pk)
    if not pupils.exists():
        raise Http404(_("Tidak ada murid dampingan Anda di sekolah ini."))
    return get_object_or_404(School, pk=school_pk)


def _school_rows(request: HttpRequest, school: School, month: date, threshold: int,
                 editable: bool) -> list[Row]:  # fmt: skip
    user = request.user
    pupils = Member.objects.filter(service__school=school)
    members = _owing(user, pupils, month, only=eligibility.SCHOOL_LEVELS)
    members.sort(key=lambda m: m.name.casefold())
    name_families_of(members)
    records = _records(user, members, month)
    data = request.POST if request.method == "POST" else None
    rows = []
    for member in members:
        record = records.get((member.pk, member.commitment))
        form = None
        if editable:
            form = SchoolRowForm(
                data, prefix=f"m{member.pk}", initial=initial_for(record, school.pk),
                member=member, commitment=member.commitment, month=month, threshold=threshold,
                school=school,
            )  # fmt: skip
        rows.append(Row(member, member.commitment, record, form))
    return rows


@login_required
def month_school(request: HttpRequest, school_pk: int, month: str) -> HttpResponse:
    month = _month_or_404(month)
    school = _school_with_pupils(request.user, school_pk)
    return _month_page(
        request, month,
        _school_rows, school,
        "compliance/month_school.html",
        ("compliance:month_school", {"school_pk": school.pk}),
        school=school,
    )  # fmt: skip


@login_required
def school_choice(request: HttpRequest) -> HttpResponse:
    pupils = MemberService.objects.visible_to(request.user).exclude(school=None)
    schools = School.objects.filter(pupils__in=pupils).annotate(pupil_count=Count("pupils"))
    query = request.GET.get("q", "").strip()
    if query:
        schools = schools.filter(Q(name__icontains=query) | Q(npsn=query))
    shown = list(schools.order_by("region_code", "name")[: MAX_SCHOOLS + 1])
    truncated = len(shown) > MAX_SCHOOLS
    shown = shown[:MAX_SCHOOLS]
    names = dict(
        Region.objects.filter(code__in={s.region_code for s in shown}).values_list("code", "name")
    )
    for school in shown:
        school.desa_name = names.get(school.region_code, regioncode.dotted(school.region_code))
    context = {
        "schools": shown,
        "truncated": truncated,
        "query": query,
        "month_key": calendar.month_label(_default_month()),
    }
    return render(request, "compliance/month_school_choice.html", context)


@login_required
def sanction_lift(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    sanction = get_object_or_404(
        Sanction.objects.visible_to(user).select_related("member__family", "lifted_by"), pk=pk
    )
    name_families([sanction.member.family])
    if not (user.is_superuser or user.role in actions.LIFTING_ROLES):
        raise PermissionDenied(_("Hanya koordinator wilayah ini yang dapat mencabut sanksi."))
    error, reason = "", ""
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        try:
            actions.lift_sanction(sanction, reason, acting_user=user)
        except ValidationError as invalid:
            error = " ".join(invalid.messages)
        else:
            messages.success(request, _("Sanksi dicabut. Hitung ulang penetapan tahap bila perlu."))
            return redirect("registry:family_detail", pk=sanction.member.family_id)
    context = {
        "sanction": sanction,
        "component_label": eligibility.LABELS.get(sanction.component, sanction.component),
        "error": error,
        "reason": reason,
    }
    return render(request, "compliance/sanction_lift.html", context, status=400 if error else 200)


urlpatterns = [
    path("keluarga/<int:family_pk>/", month_family_current, name="month_family_current"),
    path("keluarga/<int:family_pk>/<str:month>/", month_family, name="month_family"),
    path("sekolah/", school_choice, name="school_choice"),
    path("sekolah/<int:school_pk>/<str:month>/", month_school, name="month_school"),
    path("sanksi/<int:pk>/cabut/", sanction_lift, name="sanction_lift"),
]
