"""KKS card pages: a family's card status and history, and the cards not in the KPM's hands."""

from itertools import chain, groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from harapan import downloads
from harapan.accounts.roles import Role, may_change_family_data, sees_full_nik
from harapan.exports import audit_export, csv_response
from harapan.lib import regioncode
from harapan.lib.kk import shown_kk, shown_kks
from harapan.registry.models import Family
from harapan.registry.naming import family_label, name_families

from . import kks
from .forms_kks import KksStatusForm
from .models import KksHolder, KksStatus

# A kabupaten can have thousands of such cards; the page shows the first ones
# and the CSV download carries them all.
MAX_ROWS = 500

STATUS_LABELS = dict(KksStatus.choices)
HOLDER_LABELS = dict(KksHolder.choices)


def _family_in_scope(request: HttpRequest, pk: int) -> Family:
    return get_object_or_404(
        Family.objects.visible_to(request.user).select_related("pendamping"), pk=pk
    )


def _family_page(
    request: HttpRequest, family: Family, form: KksStatusForm | None, status: int = 200
) -> HttpResponse:
    history = list(family.kks_history.select_related("recorded_by").order_by("-since", "-id"))
    may_record = may_change_family_data(request.user)
    if may_record and form is None:
        form = KksStatusForm()
    name_families([family])
    context = {
        "family": family,
        "family_label": family_label(family),
        "current": history[0] if history else None,
        "history": history,
        "form": form if may_record else None,
    }
    return render(request, "benefits/kks_family.html", context, status=status)


@login_required
def kks_family(request: HttpRequest, family_pk: int) -> HttpResponse:
    return _family_page(request, _family_in_scope(request, family_pk), None)


@login_required
def kks_record(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = _family_in_scope(request, family_pk)
    if not may_change_family_data(request.user):
        raise PermissionDenied(_("Peran Anda hanya dapat membaca data."))
    if request.method != "POST":
        return redirect("benefits:kks_family", family_pk=family.pk)
    form = KksStatusForm(request.POST)
    if form.is_valid():
        try:
            entry = kks.record_kks_status(family, **form.cleaned_data, acting_user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if entry.is_violation:
                messages.warning(
                    request,
                    _(
                        "Status kartu dicatat sebagai pelanggaran: kartu KPM tidak boleh "
                        "dipegang pendamping atau ketua kelompok. Koordinator dapat melihatnya."
                    ),
                )
            else:
                messages.success(request, _("Status kartu dicatat."))
            if entry.kks_number != family.kks_number:
                messages.info(
                    request,
                    _(
                        "No KKS baru diajukan sebagai pemutakhiran data: berlaku setelah "
                        "disetujui koordinator."
                    ),
                )
            return redirect("benefits:kks_family", family_pk=family.pk)
    return _family_page(request, family, form)


def kks_panel(request: HttpRequest, family: Family) -> str:
    """The KKS section of the registry's family page (registered as a registry panel)."""
    return render_to_string(
        "benefits/kks_panel.html",
        {"family": family, "current": kks.latest_entry(family)},
        request=request,
    )


def _heading(user) -> str:
    if user.role == Role.PENDAMPING:
        return _("Kartu KKS tidak di tangan KPM dampingan saya")
    region = user.region if user.region_id else None
    if region is None:
        return _("Kartu KKS tidak di tangan KPM")
    level = regioncode.LEVEL_NAMES[region.level]
    return _("Kartu KKS tidak di tangan KPM di %(level)s %(name)s") % {
        "level": level,
        "name": region.name,
    }


@login_required
def kks_not_held(request: HttpRequest) -> HttpResponse:
    families = kks.not_in_kpm_hands(request.user)
    if request.GET.get("unduh") == "csv":
        return _csv(request.user, families)
    if downloads.requested(request) == downloads.XLSX:
        return _xlsx(request, families)
    counts = kks.not_in_kpm_hands_counts(families)
    rows = name_families(families[:MAX_ROWS])
    for family in rows:
        family.kks_status_label = STATUS_LABELS.get(family.kks_status, family.kks_status)
        family.kks_holder_label = HOLDER_LABELS.get(family.kks_holder, "")
    groups = []
    for _pk, members in groupby(rows, key=lambda f: f.pendamping_id):
        families_of = list(members)
        groups.append(
            {
                "pendamping": families_of[0].pendamping,
                "families": families_of,
                "violations": sum(1 for f in families_of if f.kks_violation),
            }
        )
    context = {
        "heading": _heading(request.user),
        "groups": groups,
        "total": counts["total"],
        "violations": counts["violations"],
        "pendamping_count": len(groups),
        "truncated": counts["total"] > len(rows),
        "shown": len(rows),
        "downloads": downloads.links(request),
    }
    return render(request, "benefits/kks_not_held.html", context)


KKS_HEADER = ["pendamping", "id_keluarga", "no_kk", "kode_desa", "no_kks", "status",
              "pemegang", "nama_pemegang", "sejak", "pelanggaran"]  # fmt: skip


def _lines(families, full: bool):
    for family in families.iterator(chunk_size=2000):
        yield [
            str(family.pendamping) if family.pendamping else "",
            family.registry_id,
            shown_kk(family.kk_number, full),
            family.region_code,
            shown_kks(family.kks_number, full),
            STATUS_LABELS.get(family.kks_status, family.kks_status),
            HOLDER_LABELS.get(family.kks_holder, ""),
            family.kks_holder_name or "",
            family.kks_since.isoformat() if family.kks_since else "",
            "ya" if family.kks_violation else "tidak",
        ]


def _xlsx(request: HttpRequest, families) -> HttpResponse:
    full = sees_full_nik(request.user)
    lines = chain([KKS_HEADER], _lines(families, full))
    title = _("KKS tidak dipegang KPM")
    count = families.count()
    return downloads.respond(
        request, downloads.XLSX, "kks-tidak-dipegang-kpm", title, lines, count, [], full_kks=full
    )


def _csv(user, families) -> HttpResponse:
    today = timezone.localdate()
    full = sees_full_nik(user)
    response, writer = csv_response(f"kks-tidak-dipegang-kpm-{today:%Y%m%d}.csv")
    writer.writerow(KKS_HEADER)
    count = 0
    for line in _lines(families, full):
        writer.writerow(line)
        count += 1
    audit_export(user, "benefits.kks.not_held.export", rows=count)
    return response


urlpatterns = [
    path("kks/tidak-dipegang-kpm/", kks_not_held, name="kks_not_held"),
    path("kks/<int:family_pk>/", kks_family, name="kks_family"),
    path("kks/<int:family_pk>/catat/", kks_record, name="kks_record"),
]
