"""Forms of the staff handling pages: the list's filters and each step of a complaint."""

from django import forms
from django.utils.translation import gettext_lazy as _

from harapan.accounts.models import User
from harapan.workdays.calendar import SlaStatus

from .forms_intake import family_in_scope
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


def _user_choice(label, refusal) -> forms.ModelChoiceField:
    """One user to choose (the form's `users`); `refusal` for none or one not offered."""
    return forms.ModelChoiceField(
        label=label, queryset=User.objects.none(), empty_label="—",
        error_messages={"required": refusal, "invalid_choice": refusal},
    )  # fmt: skip


class _ChooseUser(forms.Form):
    """A form choosing one of `users` in its field `choice`."""

    choice = ""

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        if users is not None:
            self.fields[self.choice].queryset = users


class ReassignForm(_ChooseUser):
    choice = "to_user"
    to_user = _user_choice(_("Alihkan kepada"), _("Pilih pendamping atau koordinator yang aktif."))


class IdentifyAccusedForm(_ChooseUser):
    choice = "accused"
    accused = _user_choice(
        _("Pendamping yang diadukan"), _("Pilih pendamping aktif di wilayah Anda.")
    )


class LinkFamilyForm(forms.Form):
    """The family a complaint is about, by its registry ID, for a complaint filed without one
    (the public form names a desa, not a family)."""

    id_keluarga = forms.CharField(
        label=_("ID keluarga KPM"), max_length=32,
        error_messages={"required": _("Tulis ID keluarga KPM.")},
    )  # fmt: skip

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_id_keluarga(self):
        return family_in_scope(self.user, self.cleaned_data["id_keluarga"])
