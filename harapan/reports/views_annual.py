"""The annual report's page: a year and a region of the user's, then a task makes the PDF
(tasks.py) and the user lands on the run's page, which offers it for download."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from harapan.accounts.roles import Role
from harapan.jobs import runs
from harapan.jobs.access import runs_visible_to
from harapan.jobs.models import RunKind
from harapan.lib import regioncode
from harapan.regions.models import Region
from harapan.reporting import this_year

from .annual import BadRequest, check_request
from .tasks import make_annual_report

RECENT_RUNS = 20
# Who makes a region's report: the coordinators and the Dinas Sosial of a region, admin pusat
# of any. A pendamping reads a caseload, not a region; the auditor reads and starts nothing.
REPORTERS = {Role.KORCAM, Role.KORKAB, Role.KORWIL, Role.OPERATOR, Role.ADMIN_PUSAT}


def _regional_reporter(user) -> bool:
    return bool(user.region_id) and (user.role in REPORTERS or user.is_superuser)


def makes_annual_reports(user) -> bool:
    """Who is offered the page (the menu asks on every page: no query)."""
    if not user.is_authenticated:
        return False
    return _regional_reporter(user) or user.is_superuser or user.role == Role.ADMIN_PUSAT


def reports_for(user) -> Region | None | bool:
    """The region whose reports `user` makes (None: the whole country); False: none."""
    if not makes_annual_reports(user):
        return False
    return user.region if _regional_reporter(user) else None


class AnnualReportForm(forms.Form):
    year = forms.IntegerField(label=_("Tahun"))
    region = forms.ChoiceField(label=_("Wilayah"))

    def __init__(self, *args, within: Region | None, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(level__lte=regioncode.KECAMATAN)
        if within is None:  # national: provinces and kabupaten/kota (a kecamatan by its code)
            regions = regions.filter(level__lte=regioncode.KABUPATEN)
        else:
            regions = regions.within(within.code)
        self.fields["region"].choices = [(r.code, f"{r.dotted_code} {r.name}") for r in regions]

    def clean(self):
        data = super().clean()
        if "year" in data and "region" in data:
            try:
                data["place"], data["year"] = check_request(data["region"], data["year"])
            except BadRequest as refused:
                raise forms.ValidationError(str(refused)) from None
        return data


@login_required
def annual(request):
    within = reports_for(request.user)
    if within is False:
        raise PermissionDenied
    initial = {"year": this_year(), "region": within.code if within else ""}
    form = AnnualReportForm(request.POST or None, initial=initial, within=within)
    if request.method == "POST" and form.is_valid():
        place, year = form.cleaned_data["place"], form.cleaned_data["year"]
        run = runs.start(
            make_annual_report, kind=RunKind.ANNUAL_REPORT, user=request.user,
            title=f"{year}, {place.dotted_code} {place.name}", region_code=place.code,
            params={"year": year, "region": place.code},
        )  # fmt: skip
        return redirect("jobs:run_detail", run.pk)
    shown = runs_visible_to(request.user, RunKind.ANNUAL_REPORT)[:RECENT_RUNS]
    return render(request, "reports/annual/page.html", {"form": form, "runs": shown})
