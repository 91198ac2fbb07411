"""Forms of the registry pages: the family search/filter and the correction forms.

The search form is also what the API parses its query parameters with, so
that the pages and the API filter families by one set of rules.
"""

import re
from datetime import date

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harapan.lib import regioncode
from harapan.lib.nik import InvalidNik, clean_nik

from . import eligibility
from .models import DataCheck, FamilyStatus, Member

PAGE_SIZE = 50
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]  # as the import accepts (DESIGN §12)
_SEPARATORS = re.compile(r"[\s.\-]")
_DIGITS = re.compile(r"[0-9]+")  # not \d, which also matches other scripts' digits


class FamilySearchForm(forms.Form):
    """`?q=&desa=&status=&component=&unassigned=&pendamping=&after=&before=` of the family
    list (and the API: `after`)."""

    q = forms.CharField(label=_("Cari"), required=False, max_length=150, strip=True)
    desa = forms.CharField(label=_("Desa/kelurahan"), required=False, max_length=14)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Semua"))] + FamilyStatus.choices
    )
    component = forms.ChoiceField(
        label=_("Komponen"),
        required=False,
        choices=[("", _("Semua"))] + list(eligibility.LABELS.items()),
    )
    unassigned = forms.BooleanField(label=_("Hanya yang belum punya pendamping"), required=False)
    # The families of one pendamping (the scorecard links here), kept while paging.
    pendamping = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    after = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    before = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)

    def __init__(self, *args, desa_choices: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Nama, NIK, No KK atau ID keluarga")
        if desa_choices is not None:
            # A select is only offered while the scope's desa list is short enough to read.
            self.fields["desa"].widget = forms.Select(choices=[("", _("Semua"))] + desa_choices)

    def clean_desa(self) -> str:
        code = self.cleaned_data["desa"].strip()
        if not code:
            return ""
        try:
            return regioncode.normalize(code)
        except regioncode.InvalidRegionCode:
            raise forms.ValidationError(_("Kode wilayah tidak sah.")) from None

    def filter(self, families: QuerySet, user, on: date | None = None) -> QuerySet:
        """`families` (already scoped to `user`) cut down by the valid filters."""
        data = self.cleaned_data
        if data.get("q"):
            families = families.filter(_search(data["q"], user))
        if data.get("desa"):
            families = families.filter(region_code__startswith=data["desa"])
        if data.get("status"):
            families = families.filter(status=data["status"])
        if data.get("unassigned"):
            families = families.filter(pendamping__isnull=True)
        if data.get("pendamping"):
            families = families.filter(pendamping_id=data["pendamping"])
        if data.get("component"):
            earning = (
                Member.objects.visible_to(user)
                .annotate(c=eligibility.component_expression(on or timezone.localdate()))
                .filter(c=data["component"])
                .values("family_id")
            )
            families = families.filter(pk__in=earning)
        return families


def _search(text: str, user) -> Q:
    """IDs exactly or by prefix, a NIK exactly, a name by any part of it."""
    digits = _SEPARATORS.sub("", text)
    match = Q(registry_id__startswith=text)
    if _DIGITS.fullmatch(digits):
        match |= Q(kk_number__startswith=digits)
        try:
            nik = clean_nik(digits)
        except InvalidNik:
            pass
        else:
            match |= Q(pk__in=Member.objects.visible_to(user).filter(nik=nik).values("family_id"))
    else:
        # Scoped like the outer query, so a name search never scans the nation's members.
        named = Member.objects.visible_to(user).filter(name__icontains=text)
        match |= Q(pk__in=named.values("family_id"))
    return match


def page_of(families: QuerySet, after: str = "", size: int = PAGE_SIZE) -> tuple[list, str | None]:
    """One keyset page by registry ID and the cursor of the next (None at the end)."""
    families = families.order_by("registry_id")
    if after:
        families = families.filter(registry_id__gt=after)
    rows = list(families[: size + 1])
    if len(rows) > size:
        return rows[:size], rows[size - 1].registry_id
    return rows, None


OUTDATED_FORM = _("Formulir ini sudah usang: muat ulang halaman, lalu isi lagi.")


class CorrectionForm(forms.Form):
    """A correction form carries the version of the record it was loaded from, so that
    saving it over a newer one is refused (registry/actions.py `StaleEdit`)."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages=dict.fromkeys(("required", "invalid", "min_value"), OUTDATED_FORM),
    )


class FamilyForm(CorrectionForm):
    """Corrections to a family's own data that earn nothing (DESIGN §4).

    Desa, bank, No KKS and desil change what the family is paid: they go
    through pemutakhiran data and a coordinator's approval.
    """

    address = forms.CharField(label=_("Alamat"), required=False, max_length=255)


class MemberForm(CorrectionForm):
    """Corrections to a member's data that earn nothing: the spelling of the name.

    Birth date, sex, relation, severe disability, pregnancy, school level and
    death change what the family is paid and need a coordinator's approval:
    they go through pemutakhiran data.
    """

    name = forms.CharField(
        label=_("Nama"),
        max_length=150,
        error_messages={"required": _("Nama tidak boleh kosong.")},
    )


def initial_of(obj, form_class: type[forms.Form]) -> dict:
    """The form's fields read off the model instance."""
    return {name: getattr(obj, name) for name in form_class.base_fields}


class FindingFilterForm(forms.Form):
    """Which check's findings the findings page lists (all when empty)."""

    cek = forms.ChoiceField(
        label=_("Pemeriksaan"),
        choices=[("", _("Semua"))] + list(DataCheck.choices),
        required=False,
    )
