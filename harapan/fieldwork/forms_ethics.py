"""Forms of the code-of-ethics pages: report a case (optionally from a conduct complaint),
record the investigation, decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from harapan.accounts.models import User
from harapan.accounts.roles import Role

from .models import EthicsDecision, EthicsKind

TEXT = {"rows": 4}


def pendamping_of_region(user):
    """The active pendamping a korkab or above may report: those of their region."""
    found = User.objects.filter(role=Role.PENDAMPING, is_active=True)
    if user.region_id:
        found = found.filter(region__code__startswith=user.region_id)
    return found.order_by("region_id", "first_name", "username")


class ReportForm(forms.Form):
    complaint_kode = forms.CharField(
        label=_("Kode pengaduan (bila kasus berasal dari pengaduan)"), max_length=20,
        required=False,
        help_text=_("Pengaduan perilaku pendamping atau pungli; pendamping yang diadukan "
                    "menjadi pendamping kasus ini."),
    )  # fmt: skip
    pendamping = forms.ModelChoiceField(
        label=_("Pendamping"), queryset=User.objects.none(), required=False, empty_label="—"
    )
    kind = forms.ChoiceField(
        label=_("Jenis pelanggaran"), choices=[("", "—"), *EthicsKind.choices],
        required=False,
    )  # fmt: skip
    description = forms.CharField(
        label=_("Uraian"), max_length=4000, widget=forms.Textarea(attrs=TEXT), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pendamping"].queryset = pendamping_of_region(user)

    def clean(self):
        data = super().clean()
        if not data.get("complaint_kode"):
            if not data.get("pendamping"):
                self.add_error("pendamping", _("Pilih pendamping, atau isi kode pengaduan."))
            if not data.get("kind"):
                self.add_error("kind", _("Pilih jenis pelanggaran."))
            if not (data.get("description") or "").strip():
                self.add_error("description", _("Uraian kasus wajib diisi."))
        return data


class InvestigationForm(forms.Form):
    note = forms.CharField(
        label=_("Hasil pemeriksaan"), max_length=4000, widget=forms.Textarea(attrs=TEXT),
        error_messages={"required": _("Tulis hasil pemeriksaan.")},
    )  # fmt: skip


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Keputusan"), choices=[("", "—"), *EthicsDecision.choices],
        error_messages={"required": _("Pilih keputusan.")},
    )  # fmt: skip
    text = forms.CharField(
        label=_("Isi keputusan (dibaca pendamping)"), max_length=4000,
        widget=forms.Textarea(attrs=TEXT),
        error_messages={"required": _("Tulis isi keputusan.")},
    )  # fmt: skip
