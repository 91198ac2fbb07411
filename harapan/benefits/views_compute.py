"""Computing a stage's entitlements, or only its sanctions, as a task (issue 12).

The request only checks the form and enqueues the run; the user lands on the
run's page, which shows its progress and then its figures. An operator
computes their own kabupaten, admin pusat a region they choose or the whole
country.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from harapan.accounts.roles import Role, may_compute_benefits
from harapan.compliance.tasks import compute_stage_sanctions
from harapan.jobs import runs
from harapan.jobs.access import runs_visible_to
from harapan.jobs.claims import where
from harapan.jobs.models import RunKind
from harapan.lib import regioncode
from harapan.regions.models import Region

from .models import Stage
from .stage_choice import StageForm, default_stage
from .stages import check_year
from .tasks import compute_stage_entitlements

KINDS = (RunKind.ENTITLEMENTS, RunKind.ENTITLEMENTS_RECOMPUTE, RunKind.SANCTIONS)
RECENT_RUNS = 20
SANCTIONS_ONLY = "sanksi"  # the value of the button that computes only the sanctions


class ComputeForm(StageForm):
    region = forms.ChoiceField(label=_("Wilayah"), required=False)
    recompute = forms.BooleanField(
        label=_("Hitung ulang: ganti penetapan yang sudah ada dan laporkan yang berubah"),
        required=False,
    )

    def __init__(self, *args, own_region: str | None, **kwargs):
        """`own_region`: the operator's kabupaten, which they compute; None lets them choose."""
        super().__init__(*args, **kwargs)
        self.own_region = own_region
        if own_region is not None:
            del self.fields["region"]
        else:
            regions = Region.objects.filter(level__lte=regioncode.KABUPATEN).order_by("code")
            self.fields["region"].choices = [("", _("Seluruh Indonesia"))] + [
                (r.code, f"{regioncode.dotted(r.code)} {r.name}") for r in regions
            ]

    def clean(self):
        data = super().clean()
        if self.own_region is not None:
            data["region"] = self.own_region
        if "year" not in data or "stage" not in data:
            return data
        try:
            check_year(data["year"])
        except CommandError as error:
            raise forms.ValidationError(str(error)) from None
        stage = Stage.objects.select_related("year").filter(
            year_id=data["year"], number=data["stage"]
        )
        data["stage_row"] = stage.first()
        if data["stage_row"] is None or not data["stage_row"].year.index.exists():
            raise forms.ValidationError(
                _t("Tahun %(year)s belum punya indeks bantuan (nilai setahun tiap komponen): "
                   "tidak ada yang bisa dihitung. Admin pusat mengisinya dulu di halaman admin.")
                % {"year": data["year"]}
            )  # fmt: skip
        return data


def _start(user, data: dict, sanctions_only: bool):
    stage, region = data["stage_row"], data["region"]
    title = f"{stage}, {where(region)}"
    if sanctions_only:
        params = {"year": stage.year_id, "stage": stage.number}
        return runs.start(compute_stage_sanctions, kind=RunKind.SANCTIONS, user=user,
                          title=title, region_code=region, params=params)  # fmt: skip
    recompute = data["recompute"]
    kind = RunKind.ENTITLEMENTS_RECOMPUTE if recompute else RunKind.ENTITLEMENTS
    params = {"stage": stage.pk, "recompute": recompute}
    return runs.start(compute_stage_entitlements, kind=kind, user=user, title=title,
                      region_code=region, params=params)  # fmt: skip


@login_required
def compute(request):
    user = request.user
    if not may_compute_benefits(user):
        raise PermissionDenied
    own_region = (user.region_id or "") if user.role == Role.OPERATOR else None
    if own_region == "":
        raise PermissionDenied  # an operator without a kabupaten computes nothing
    if request.method == "POST":
        form = ComputeForm(request.POST, own_region=own_region)
        if form.is_valid():
            run = _start(user, form.cleaned_data, request.POST.get("aksi") == SANCTIONS_ONLY)
            return redirect("jobs:run_detail", run.pk)
    else:
        stage = default_stage()
        initial = {"year": stage.year_id, "stage": stage.number} if stage else {}
        form = ComputeForm(initial=initial, own_region=own_region)
    context = {
        "form": form,
        "own_region": own_region and Region.objects.filter(code=own_region).first(),
        "runs": runs_visible_to(user).filter(kind__in=KINDS)[:RECENT_RUNS],
        "sanctions_only": SANCTIONS_ONLY,
    }
    return render(request, "benefits/compute.html", context)


urlpatterns = [path("hitung/", compute, name="compute")]
