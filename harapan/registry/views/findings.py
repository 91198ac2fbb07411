"""The latest data-check findings of the user's region (check_data, run every night).

The nightly job (registry/tasks.py) stores each kabupaten's findings; this page
lists those the user may see, with the date of the check and the count per check.
"""

from operator import attrgetter, methodcaller

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max, Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _lazy

from harapan import downloads
from harapan.accounts.roles import sees_full_nik
from harapan.audit import trail
from harapan.downloads import Column, Table
from harapan.lib.nik import shown_nik
from harapan.paging import paginate
from harapan.reporting import require_role, scope_heading

from ..forms import FindingFilterForm
from ..models import DataCheck, DataCheckRun, DataFinding
from ..naming import name_families_of

PAGE_SIZE = 50


def _runs_in_scope(user):
    """The stored runs of the kabupaten the user's region lies in (or within)."""
    region = user.region_id or ""
    if len(region) >= 4:
        return DataCheckRun.objects.filter(kabupaten_code=region[:4])
    return DataCheckRun.objects.filter(kabupaten_code__startswith=region)


FINDINGS = Table(
    "temuan-data",
    _lazy("Temuan pemeriksaan data"),
    (
        Column(_lazy("KPM"), downloads.family_of),
        Column(_lazy("Pemeriksaan"), methodcaller("get_code_display")),
        # Masked for every role, as in every export: a file travels further than a page.
        Column(_lazy("NIK"), lambda f: shown_nik(f.nik, full=False) if f.nik else ""),
        Column(_lazy("Temuan"), attrgetter("message")),
    ),
    prepare=downloads.named_families,
)


@login_required
def data_findings(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_role(user)
    findings = DataFinding.objects.visible_to(user)
    counts = dict(findings.order_by().values_list("code").annotate(n=Count("pk")))
    filters = FindingFilterForm(request.GET or None)
    chosen = filters.cleaned_data["cek"] if filters.is_valid() else ""
    if chosen:
        findings = findings.filter(code=chosen)
    findings = findings.select_related("family").order_by(
        "region_code", "family__registry_id", "code", "nik", "pk"
    )
    if response := downloads.serve(request, FINDINGS, findings, filters):
        return response
    page, pager = paginate(request, findings, PAGE_SIZE)
    page.object_list = name_families_of(page.object_list)
    full = sees_full_nik(user)
    for finding in page.object_list:
        finding.shown_nik = shown_nik(finding.nik, full) if finding.nik else ""
    shown = sum(1 for f in page.object_list if f.nik)
    if full and shown:
        # Full NIKs shown are logged (DESIGN §11), once per page rather than per row.
        trail.record(user, "registry.findings.view_nik", region_code=user.region_id or "",
                     details={"count": shown})  # fmt: skip
    checked = _runs_in_scope(user).aggregate(first=Min("checked_at"), last=Max("checked_at"))
    return render(
        request,
        "registry/data_findings.html",
        {
            "scope": scope_heading(user),
            "filters": filters,
            "chosen": chosen,
            "page": page,
            "pager": pager,
            "checks": [(code, label, counts.get(code, 0)) for code, label in DataCheck.choices],
            "total": sum(counts.values()),
            "checked": checked,
            "downloads": downloads.links(request),
        },
    )


urlpatterns = [path("temuan-data/", data_findings, name="data_findings")]
