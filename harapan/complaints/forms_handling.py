"""Forms of the staff handling pages: the list's filters and each step of a complaint."""

from django import forms
from django.utils.translation import gettext_lazy as _

from harapan.accounts.models import User
from harapan.workdays.calendar import SlaStatus

from .models import Category, Decision, Status

ALL = [("", _("Semua"))]
TEXT = {"rows": 3}


class ComplaintFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ALL + Status.choices, required=False)
    kategori = forms.ChoiceField(
        label=_("Kategori"), choices=ALL + Category.choices, required=False
    )
    sla = forms.ChoiceField(label=_("SLA"), choices=ALL + SlaStatus.choices, required=False)
    saya = forms.BooleanField(label=_("Hanya yang saya pegang"), required=False)


class RespondForm(forms.Form):
    response = forms.CharField(
        label=_("Tanggapan pertama"), max_length=4000, widget=forms.Textarea(attrs=TEXT),
        error_messages={"required": _("Isi tanggapan wajib diisi.")},
    )  # fmt: skip


class ResolveForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Keputusan"), choices=[("", "—")] + Decision.choices,
        error_messages={"required": _("Pilih keputusan penyelesaian.")},
    )  # fmt: skip
    resolution = forms.CharField(
        label=_("Penyelesaian (dibaca pengadu)"), max_length=4000,
        widget=forms.Textarea(attrs=TEXT),
        error_messages={"required": _("Tulis penyelesaian yang dapat dibaca pengadu.")},
    )  # fmt: skip


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Catatan internal"), max_length=4000, widget=forms.Textarea(attrs=TEXT),
        error_messages={"required": _("Catatan kosong.")},
    )  # fmt: skip


class ReassignForm(forms.Form):
    to_user = forms.ModelChoiceField(
        label=_("Alihkan kepada"), queryset=User.objects.none(), empty_label="—",
        error_messages={"required": _("Pilih pendamping atau koordinator yang aktif."),
                        "invalid_choice": _("Pilih pendamping atau koordinator yang aktif.")},
    )  # fmt: skip

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        if users is not None:
            self.fields["to_user"].queryset = users
