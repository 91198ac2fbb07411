"""The entitlements of a stage for the families in the user's scope, and their XLSX export."""

from operator import itemgetter

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, Sum
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from harapan import downloads
from harapan.downloads import Column, Table
from harapan.exports import Counted, audit_export, xlsx_response
from harapan.paging import keyset_page
from harapan.registry import eligibility
from harapan.registry.naming import family_label, name_families

from .export import HEADER, entitlement_rows
from .models import Entitlement, EntitlementLine
from .stage_choice import chosen_stage

PAGE = 100


def _may_view(user) -> bool:
    return user.is_superuser or bool(user.role)


# The page's table (the §12 file with its codes is `entitlement_export`).
COLUMNS = (
    Column(_lazy("KPM"), lambda row: family_label(row[0])),
    Column(_lazy("Komponen"), itemgetter(1)),
    Column(_lazy("Jumlah"), itemgetter(2)),
)


@login_required
def entitlement_list(request):
    if not _may_view(request.user):
        raise PermissionDenied
    form, stage = chosen_stage(request)
    context = {"form": form, "stage": stage}
    if stage is not None:
        entitlements = Entitlement.objects.visible_to(request.user).filter(stage=stage)
        context["summary"] = entitlements.aggregate(
            families=Count("id"), paid=Count("id", filter=Q(total__gt=0)), total=Sum("total")
        )
        by_component = (
            EntitlementLine.objects.filter(entitlement__in=entitlements)
            .values("component")
            .annotate(count=Count("id"), amount=Sum("amount"))
        )
        totals = {row["component"]: row for row in by_component}
        context["components"] = [
            (eligibility.LABELS[c], totals[c]["count"], totals[c]["amount"])
            for c in eligibility.COMPONENTS
            if c in totals
        ]
        # Families with something paid, one page at a time by id_keluarga (a keyset: a
        # kabupaten holds tens of thousands), numbered like every long list.
        paid = entitlements.filter(total__gt=0).annotate(registry_id=F("family__registry_id"))
        table = Table(
            "penetapan",
            _lazy("Penetapan bantuan"),
            COLUMNS,
            prepare=lambda chunk: _named_rows(
                entitlements,
                list(entitlement_rows(stage, entitlements.filter(pk__in=[e.pk for e in chunk]))),
            ),
        )
        notes = [[_("Tahun"), stage.year_id], [_("Tahap"), stage.number]]
        if response := downloads.serve(request, table, paid.order_by("registry_id"), None, notes):
            return response
        page, pager = keyset_page(
            paid, "registry_id", request.GET, total=context["summary"]["paid"], size=PAGE
        )
        rows = list(entitlement_rows(stage, entitlements.filter(pk__in=[e.pk for e in page])))
        context["rows"] = _named_rows(entitlements, rows)
        context["pager"] = pager
        context["downloads"] = downloads.links(request)
    return render(request, "benefits/entitlement_list.html", context)


def _named_rows(entitlements, rows: list[list]) -> list[tuple]:
    """The export's rows as a page shows them: the family by name, components by label."""
    shown = entitlements.filter(family__registry_id__in=[row[0] for row in rows])
    families = name_families(e.family for e in shown.select_related("family"))
    by_id = {family.registry_id: family for family in families}
    return [
        (by_id[registry_id], ", ".join(str(eligibility.LABELS[c]) for c in components.split(";")),
         total)
        for registry_id, _year, _number, components, total in rows
    ]  # fmt: skip


@login_required
def entitlement_export(request):
    if not _may_view(request.user):
        raise PermissionDenied
    form, stage = chosen_stage(request)
    if stage is None:
        raise PermissionDenied
    entitlements = Entitlement.objects.visible_to(request.user)
    lines = Counted(HEADER, entitlement_rows(stage, entitlements))
    about = [["tahun", stage.year_id], ["tahap", stage.number]]
    name = f"penetapan-{stage.year_id}-tahap-{stage.number}.xlsx"
    response = xlsx_response(name, "penetapan", lines, about, request.user)
    audit_export(request.user, "benefits.entitlements.export", stage, rows=lines.count)
    return response


urlpatterns = [
    path("penetapan/", entitlement_list, name="entitlement_list"),
    path("penetapan/ekspor.xlsx", entitlement_export, name="entitlement_export"),
]
