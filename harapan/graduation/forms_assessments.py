"""The self-reliance assessment form, made for a phone in the field."""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

RUPIAH_ATTRS = {"inputmode": "numeric", "autocomplete": "off", "placeholder": "1500000"}


class RupiahField(forms.IntegerField):
    """Whole rupiah; "Rp 1.500.000" and "1 500 000" are read as 1500000."""

    widget = forms.TextInput(attrs=RUPIAH_ATTRS)
    default_error_messages = {"invalid": _("Tulis jumlah rupiah dengan angka saja.")}

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"^\s*rp\.?", "", value, flags=re.IGNORECASE)
            value = re.sub(r"[\s.]", "", value)
        return super().to_python(value)


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(
        label=_("Tanggal penilaian"), widget=forms.DateInput(attrs={"type": "date"})
    )
    monthly_income = RupiahField(
        label=_("Penghasilan keluarga per bulan (Rp)"), min_value=1,
        error_messages={"min_value": _("Penghasilan harus lebih dari 0.")},
    )  # fmt: skip
    poverty_line = RupiahField(
        label=_("Garis kemiskinan keluarga per bulan (Rp)"), min_value=1,
        help_text=_("Garis kemiskinan per kapita kabupaten dikali jumlah anggota keluarga."),
        error_messages={"min_value": _("Garis kemiskinan harus lebih dari 0.")},
    )  # fmt: skip
    steady_work = forms.BooleanField(label=_("Ada anggota dengan pekerjaan tetap"), required=False)
    business = forms.BooleanField(label=_("Punya usaha yang berjalan"), required=False)
    assets = forms.BooleanField(
        label=_("Punya aset berarti (tanah, ternak, kendaraan)"), required=False
    )
    housing = forms.BooleanField(label=_("Rumah layak huni"), required=False)
    schooling = forms.BooleanField(label=_("Semua anak usia sekolah bersekolah"), required=False)
    insurance = forms.BooleanField(
        label=_("Punya jaminan kesehatan mandiri (bukan PBI)"), required=False
    )
    savings = forms.BooleanField(label=_("Punya tabungan"), required=False)
    desil = forms.TypedChoiceField(
        label=_("Desil DTSEN"), required=False, coerce=int, empty_value=None,
        choices=[("", _("Tidak diketahui"))] + [(str(d), str(d)) for d in range(1, 11)],
        help_text=_("PKH untuk desil 1–4."),
    )  # fmt: skip
    notes = forms.CharField(
        label=_("Catatan"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("assessed_on", timezone.localdate())
        super().__init__(*args, **kwargs)

    def clean_assessed_on(self):
        day = self.cleaned_data["assessed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Tanggal penilaian belum tiba."))
        return day
