"""Choosing a stage on the benefits pages: a year and stage form, and a sensible default."""

from django import forms
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import BenefitYear, DisbursementImport, Stage


def _years() -> list[tuple[int, int]]:
    return [(y, y) for y in BenefitYear.objects.values_list("year", flat=True)]


class StageForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Tahun"), coerce=int)
    stage = forms.TypedChoiceField(
        label=_("Tahap"), coerce=int, choices=[(n, str(n)) for n in (1, 2, 3, 4)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read once: callable choices would be queried again at every render.
        self.fields["year"].choices = _years()

    def get_stage(self) -> Stage:
        stage = (
            Stage.objects.select_related("year")
            .filter(year_id=self.cleaned_data["year"], number=self.cleaned_data["stage"])
            .first()
        )
        if stage is None:
            raise Http404
        return stage


def default_stage() -> Stage | None:
    """The stage last imported, else the one running today."""
    latest = DisbursementImport.objects.select_related("stage__year").first()
    if latest:
        return latest.stage
    today = timezone.localdate()
    return (
        Stage.objects.select_related("year")
        .filter(period_start__lte=today)
        .order_by("-period_start")
        .first()
    )


def chosen_stage(request) -> tuple[StageForm, Stage | None]:
    if "year" in request.GET or "stage" in request.GET:
        form = StageForm(request.GET)
        if not form.is_valid():
            return form, None
        return form, form.get_stage()
    stage = default_stage()
    initial = {"year": stage.year_id, "stage": stage.number} if stage else {}
    return StageForm(initial=initial), stage
