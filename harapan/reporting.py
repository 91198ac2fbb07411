"""What the report pages share: who may see them, the scope heading, query-string forms,
and region names (the exports themselves: harapan/exports.py)."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from harapan.accounts.roles import Role
from harapan.lib import regioncode
from harapan.regions.models import Region


def require_role(user) -> None:
    """Reports are for staff with a role; a user without one sees nothing."""
    if not (user.is_superuser or user.role):
        raise PermissionDenied


def scope_heading(user) -> str:
    if user.role == Role.PENDAMPING:
        return _t("KPM dampingan saya")
    if user.region_id:
        level = regioncode.LEVEL_NAMES[regioncode.level(user.region_id)]
        return _t("Wilayah %(level)s %(name)s") % {"level": level, "name": user.region.name}
    return _t("Semua wilayah")


def region_names(codes) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def bound_form(form_class, request: HttpRequest, defaults: dict) -> forms.Form:
    """The form of the query string, a missing field taking its default."""
    data = {**defaults, **{k: v for k, v in request.GET.items() if k in form_class.base_fields}}
    form = form_class(data)
    form.is_valid()
    return form


def percent(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


FIRST_YEAR = 2007  # PKH began in 2007.


def this_year() -> int:
    return timezone.localdate().year


class YearForm(forms.Form):
    tahun = forms.IntegerField(
        label=_("Tahun"),
        error_messages={"invalid": _("Tahun tidak valid: tulis empat angka, mis. 2026.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tahun"].widget.attrs.update(min=FIRST_YEAR, max=this_year() + 1)

    def clean_tahun(self) -> int:
        year = self.cleaned_data["tahun"]
        if not FIRST_YEAR <= year <= this_year() + 1:
            raise forms.ValidationError(
                _("Tahun harus antara %(first)s dan %(last)s.")
                % {"first": FIRST_YEAR, "last": this_year() + 1}
            )
        return year


def year_form(request: HttpRequest) -> YearForm:
    """The `?tahun=` of a yearly report, this year when it is missing."""
    return bound_form(YearForm, request, {"tahun": str(this_year())})
