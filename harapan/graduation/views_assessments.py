"""The self-reliance assessment (DESIGN §7): recording it, a family's history, readiness."""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _

from harapan.accounts.roles import Role
from harapan.exports import audit_export, xlsx_response
from harapan.registry.models import Family
from harapan.registry.naming import name_families
from harapan.reporting import require_role, scope_heading

from . import assessment
from .forms_assessments import AssessmentForm
from .models import Assessment, AssessmentRules

# The readiness page shows each pendamping's closest families; the export has them all.
PAGE_PER_PENDAMPING = 25

READINESS_HEADER = ["pendamping", "id_keluarga", "kepala_keluarga", "kode_desa", "skor",
                    "tanggal_penilaian", "siap_graduasi"]  # fmt: skip


def _proposal_url(family_pk: int) -> str | None:
    # The proposal page belongs to another module and may not be routed yet.
    try:
        return reverse("graduation:proposal_create", kwargs={"family_pk": family_pk})
    except NoReverseMatch:
        return None


def _family(user, family_pk: int) -> Family:
    [family] = name_families([get_object_or_404(Family.objects.visible_to(user), pk=family_pk)])
    return family


@login_required
def assessment_create(request: HttpRequest, family_pk: int) -> HttpResponse:
    user = request.user
    family = _family(user, family_pk)
    if not assessment.may_record(user, family):
        raise PermissionDenied(assessment.not_yours())
    rules = AssessmentRules.current()
    form = AssessmentForm(request.POST or None, initial={"desil": family.desil})
    if request.method == "POST" and form.is_valid():
        try:
            saved = assessment.record_assessment(family, form.cleaned_data, user)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            if saved.score >= rules.threshold:
                text = _("Penilaian disimpan: skor %(score)s dari 100, mencapai skor siap "
                         "graduasi (%(threshold)s).")  # fmt: skip
            else:
                text = _("Penilaian disimpan: skor %(score)s dari 100, belum mencapai skor siap "
                         "graduasi (%(threshold)s).")  # fmt: skip
            messages.success(request, text % {"score": saved.score, "threshold": rules.threshold})
            return redirect("graduation:assessment_history", family_pk=family.pk)
    return render(request, "graduation/assessment_form.html", {
        "family": family, "form": form, "rules": rules, "editable": family.is_active,
    }, status=400 if form.errors else 200)  # fmt: skip


@login_required
def assessment_history(request: HttpRequest, family_pk: int) -> HttpResponse:
    user = request.user
    family = _family(user, family_pk)
    rules = AssessmentRules.current()
    history = list(
        Assessment.objects.visible_to(user).filter(family=family).select_related("assessed_by")
    )
    for row in history:
        row.ready = row.score >= rules.threshold
    latest = history[0] if history else None
    return render(request, "graduation/assessment_history.html", {
        "family": family, "history": history, "latest": latest, "rules": rules,
        "may_record": family.is_active and assessment.may_record(user, family),
        "proposal_url": _proposal_url(family.pk) if latest and latest.ready
        and family.is_active and user.role == Role.PENDAMPING else None,
    })  # fmt: skip


def _groups(user, rows: list[Family]) -> list[tuple[str, list[Family]]]:
    """The ranked rows per pendamping (one group for a pendamping's own page)."""
    if user.role == Role.PENDAMPING:
        return [(str(user), rows)] if rows else []

    def who(family: Family) -> str:
        return str(family.pendamping) if family.pendamping else _("Tanpa pendamping")

    ordered = sorted(rows, key=lambda f: (who(f).lower(), f.pendamping_id or 0))
    return [(name, list(group)) for name, group in groupby(ordered, key=who)]


def _readiness_rows(user, per_pendamping: int | None) -> list[Family]:
    families = Family.objects.visible_to(user).active()
    return assessment.ranking(families, per_pendamping=per_pendamping)


@login_required
def readiness(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_role(user)
    rows = name_families(_readiness_rows(user, PAGE_PER_PENDAMPING))
    show_proposal = user.role == Role.PENDAMPING
    for family in rows:
        family.proposal_url = _proposal_url(family.pk) if show_proposal and family.ready else None
    return render(request, "graduation/assessment_readiness.html", {
        "groups": _groups(user, rows), "scope": scope_heading(user),
        "rules": AssessmentRules.current(), "per_pendamping": PAGE_PER_PENDAMPING,
        "ready_count": sum(f.ready for f in rows),
    })  # fmt: skip


@login_required
def readiness_xlsx(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_role(user)
    rules = AssessmentRules.current()
    rows = _readiness_rows(user, None)
    lines = [READINESS_HEADER] + [
        [f.pendamping.username if f.pendamping else "", f.registry_id, f.head_name or "",
         f.region_code, f.latest_score, f.latest_on, "ya" if f.ready else "tidak"]
        for f in rows
    ]  # fmt: skip
    about = [
        ["cakupan", scope_heading(user)],
        ["skor_siap_graduasi", rules.threshold],
        ["keterangan", "penilaian terakhir tiap KPM aktif, skor tertinggi dahulu"],
    ]
    response = xlsx_response("graduasi-kesiapan.xlsx", "kesiapan", lines, about, request.user)
    audit_export(user, "graduation.readiness.export", rows=len(rows))
    return response


urlpatterns = [
    path("penilaian/<int:family_pk>/", assessment_history, name="assessment_history"),
    path("penilaian/<int:family_pk>/baru/", assessment_create, name="assessment_create"),
    path("siap/", readiness, name="readiness"),
    path("siap/ekspor.xlsx", readiness_xlsx, name="readiness_xlsx"),
]
