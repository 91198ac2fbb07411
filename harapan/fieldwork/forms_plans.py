"""The forms of the monthly work plan: its lines by activity type, and the review."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .actions_plans import MAX_PLANNED, Line
from .kinds import ActivityType

ACCEPT, RETURN = "terima", "kembalikan"


def count_field(kind: str) -> str:
    return f"jumlah_{kind}"


def detail_field(kind: str) -> str:
    return f"rincian_{kind}"


class PlanForm(forms.Form):
    """One count (0 to 500) and one free-text detail per activity type: `jumlah_<type>`,
    `rincian_<type>` (e.g. `jumlah_kunjungan_rumah`)."""

    def __init__(self, *args, lines=None, **kwargs):
        initial = {}
        for line in lines or []:
            initial[count_field(line.kind)] = line.planned
            initial[detail_field(line.kind)] = line.detail
        super().__init__(*args, initial=initial, **kwargs)
        for kind, label in ActivityType.choices:
            self.fields[count_field(kind)] = forms.IntegerField(
                label=label,
                required=False,
                min_value=0,
                max_value=MAX_PLANNED,
                error_messages={
                    "min_value": _("Jumlah tidak boleh kurang dari 0."),
                    "max_value": _("Jumlah paling banyak %(limit_value)s."),
                    "invalid": _("Tulis jumlah sebagai angka bulat."),
                },
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "count"}),
            )
            self.fields[detail_field(kind)] = forms.CharField(
                label=_("Rincian %(kind)s") % {"kind": label},
                required=False,
                max_length=300,
                widget=forms.TextInput(attrs={"placeholder": _("tanggal, keluarga atau kelompok")}),
            )

    def rows(self):
        """(count field, detail field) per type, in the order of the one list of types."""
        return [(self[count_field(kind)], self[detail_field(kind)]) for kind in ActivityType.values]

    def lines(self) -> list[Line]:
        data = self.cleaned_data
        return [
            Line(kind, data[count_field(kind)] or 0, data[detail_field(kind)])
            for kind in ActivityType.values
        ]


class ReviewForm(forms.Form):
    keputusan = forms.ChoiceField(
        label=_("Keputusan"),
        choices=[(ACCEPT, _("Terima")), (RETURN, _("Kembalikan untuk diperbaiki"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih: terima atau kembalikan.")},
    )
    catatan = forms.CharField(
        label=_("Catatan untuk pendamping"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("keputusan") == RETURN and not (data.get("catatan") or "").strip():
            self.add_error("catatan", _("Tulis catatan: apa yang perlu diperbaiki pendamping."))
        return data
