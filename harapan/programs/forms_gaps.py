"""The query-string forms of the gap pages (views_gaps.py): the summary's date and grouping,
the list's gap, date and filters, each checked server-side with an Indonesian message."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harapan.accounts.models import User
from harapan.accounts.roles import Role
from harapan.lib import regioncode

from .catalogue import Gap
from .gaps import DESA, KECAMATAN, PENDAMPING

NO_PENDAMPING = "tanpa"
YES, NO = "ya", "tidak"
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERROR = {"invalid": _("Tanggal tidak valid: tulis sebagai TTTT-BB-HH.")}
PER_CHOICES = [(PENDAMPING, _("Pendamping")), (DESA, _("Desa")), (KECAMATAN, _("Kecamatan"))]


def today_text() -> str:
    return timezone.localdate().isoformat()


def _region_prefix(code: str) -> str:
    """A desa or kecamatan code typed or linked, undotted; a clear message otherwise."""
    try:
        return regioncode.normalize(code) if code else ""
    except regioncode.InvalidRegionCode as exc:
        raise forms.ValidationError(_("Kode wilayah tidak sah: tulis mis. 18.06.01.2001.")) from exc


class SummaryForm(forms.Form):
    tanggal = forms.DateField(label=_("Tanggal"), widget=DATE_WIDGET, error_messages=DATE_ERROR)
    per = forms.ChoiceField(label=_("Per"), choices=PER_CHOICES)


class GapListForm(forms.Form):
    celah = forms.ChoiceField(label=_("Celah"), choices=Gap.choices)
    tanggal = forms.DateField(label=_("Tanggal"), widget=DATE_WIDGET, error_messages=DATE_ERROR)
    desa = forms.CharField(label=_("Desa/kecamatan (kode)"), required=False)
    pendamping = forms.ChoiceField(label=_("Pendamping"), required=False)
    diusulkan = forms.ChoiceField(
        label=_("Diusulkan"), required=False,
        choices=[("", _("Semua")), (YES, _("Sudah diusulkan")), (NO, _("Belum diusulkan"))],
    )  # fmt: skip

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = User.objects.filter(role=Role.PENDAMPING)
        if user.role == Role.PENDAMPING:
            people = people.filter(pk=user.pk)
        elif user.region_prefix:
            people = people.filter(region__code__startswith=user.region_prefix)
        self.fields["pendamping"].choices = [
            ("", _("Semua")), (NO_PENDAMPING, _("Tanpa pendamping")),
            *[(str(p.pk), str(p)) for p in people.order_by("first_name", "username")],
        ]  # fmt: skip

    def clean_desa(self) -> str:
        return _region_prefix(self.cleaned_data["desa"])
