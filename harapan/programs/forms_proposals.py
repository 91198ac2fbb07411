"""Forms of the proposal pages: propose, record the outcome, filter the list."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harapan.graduation.forms_proposals import DATE_ERRORS, DateInput

from .catalogue import Programme
from .models import Channel, Outcome


class ProposeForm(forms.Form):
    proposed_on = forms.DateField(
        label=_("Tanggal usulan"), widget=DateInput(),
        error_messages={**DATE_ERRORS, "required": _("Tanggal usulan wajib diisi.")},
    )  # fmt: skip
    channel = forms.ChoiceField(
        label=_("Saluran usulan"), choices=[("", "—"), *Channel.choices],
        error_messages={"required": _("Pilih saluran usulan.")},
    )  # fmt: skip
    note = forms.CharField(label=_("Catatan"), max_length=300, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"proposed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Hasil"),
        choices=[
            ("", "—"),
            (Outcome.ACCEPTED, Outcome.ACCEPTED.label),
            (Outcome.REJECTED, Outcome.REJECTED.label),
        ],  # fmt: skip
        error_messages={"required": _("Pilih hasil usulan: diterima atau ditolak.")},
    )
    outcome_on = forms.DateField(
        label=_("Tanggal hasil"), widget=DateInput(),
        error_messages={**DATE_ERRORS, "required": _("Tanggal hasil wajib diisi.")},
    )  # fmt: skip
    note = forms.CharField(label=_("Catatan hasil"), max_length=300, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"outcome_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


OPEN, DECIDED, ALL = "terbuka", "selesai", "semua"


class ProposalFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[(OPEN, _("Menunggu hasil")), (DECIDED, _("Sudah ada hasil")), (ALL, _("Semua"))],
    )  # fmt: skip
    programme = forms.ChoiceField(
        label=_("Program"), required=False, choices=[("", _("Semua program")), *Programme.choices]
    )
    lama = forms.BooleanField(label=_("Menunggu hasil lebih dari 30 hari"), required=False)
