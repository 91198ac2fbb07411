"""The activity log's forms: the month's filter and the phone form of a typed activity.
The form checks what a field can; `actions_activities.log_activity` decides the rest."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harapan.accounts.models import User
from harapan.accounts.roles import Role
from harapan.lib import months
from harapan.registry.models import Family

from .actions_activities import BACKDATE_DAYS
from .kinds import ActivityType


class MonthField(forms.CharField):
    """A month as `YYYY-MM` (<input type="month">), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month"})

    def to_python(self, value) -> date | None:
        value = super().to_python(value)
        if not value:
            return None
        try:
            return months.parse_month(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class ActivityFilterForm(forms.Form):
    bulan = MonthField(label=_("Bulan"), required=False)
    jenis = forms.ChoiceField(
        label=_("Jenis kegiatan"), required=False,
        choices=[("", _("Semua jenis")), *ActivityType.choices],
    )  # fmt: skip
    pendamping = forms.ModelChoiceField(
        label=_("Pendamping"), required=False, queryset=User.objects.none(),
        empty_label=_("Semua pendamping"),
    )  # fmt: skip

    def __init__(self, data, *, pendamping_choices=None):
        super().__init__(data)
        if pendamping_choices is None:
            del self.fields["pendamping"]
        else:
            self.fields["pendamping"].queryset = pendamping_choices

    def month(self) -> date:
        chosen = self.cleaned_data.get("bulan") if self.is_valid() else None
        return chosen or months.month_start(timezone.localdate())


def supervised_pendamping(user):
    """The pendamping whose logs `user` reads, for the filter; None for a pendamping."""
    if user.role == Role.PENDAMPING:
        return None
    queryset = User.objects.filter(role=Role.PENDAMPING)
    if user.region_prefix:
        queryset = queryset.filter(region__code__startswith=user.region_prefix)
    return queryset.order_by("first_name", "username")


class ActivityForm(forms.Form):
    """The phone form: a date (today by default), a type, maybe a family of the caseload."""

    on = forms.DateField(
        label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    kind = forms.ChoiceField(label=_("Jenis kegiatan"), choices=ActivityType.choices)
    family = forms.CharField(
        label=_("KPM (ID keluarga, boleh kosong)"), required=False, max_length=30,
        widget=forms.TextInput(attrs={"list": "caseload", "autocomplete": "off"}),
    )  # fmt: skip
    subject = forms.CharField(label=_("Sasaran atau kelompok"), required=False, max_length=200)
    note = forms.CharField(label=_("Catatan"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}))  # fmt: skip
    location = forms.CharField(
        label=_("Lokasi"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Nama tempat atau lintang,bujur")}),
    )  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.user = user
        today = timezone.localdate()
        self.fields["on"].widget.attrs.update(
            max=today.isoformat(), min=(today - timedelta(days=BACKDATE_DAYS)).isoformat()
        )

    def clean_family(self) -> Family | None:
        registry_id = self.cleaned_data["family"].strip()
        if not registry_id:
            return None
        family = Family.objects.visible_to(self.user).filter(registry_id=registry_id).first()
        if family is None:
            raise forms.ValidationError(_("KPM dengan ID keluarga ini bukan dampingan Anda."))
        return family
