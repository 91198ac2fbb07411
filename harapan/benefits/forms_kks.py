"""The form that records a KKS card's status; the rules themselves live in `kks.py`."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harapan.registry.forms import DATE_INPUT_FORMATS

from .models import KksHolder, KksStatus


class KksStatusForm(forms.Form):
    """Field names match `record_kks_status`'s arguments, so its errors land on the fields."""

    status = forms.ChoiceField(
        label=_("Status kartu"),
        choices=[("", "—")] + KksStatus.choices,
        error_messages={"required": _("Pilih status kartu.")},
    )
    holder = forms.ChoiceField(
        label=_("Pemegang kartu"),
        required=False,
        choices=[("", "—")] + KksHolder.choices,
        help_text=_("Hanya bila kartu dipegang orang lain."),
    )
    holder_name = forms.CharField(
        label=_("Nama pemegang"),
        required=False,
        max_length=150,
        help_text=_("Wajib bila pemegangnya kerabat, aparat desa atau lainnya."),
    )
    since = forms.DateField(
        label=_("Sejak tanggal"),
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Isi tanggal."),
            "invalid": _("Tanggal harus berupa tanggal (TTTT-BB-HH)."),
        },
    )
    kks_number = forms.CharField(
        label=_("No KKS baru"),
        required=False,
        max_length=32,
        help_text=_("Hanya bila kartu diganti: nomor kartu pengganti."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("Keterangan"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"since": timezone.localdate()})
        super().__init__(*args, **kwargs)
