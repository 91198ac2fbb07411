"""Forms of the coordination-meeting pages. They parse what was typed; the rules (who,
which owner, which due date) live in `actions_meetings`, which refuses with a message."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models.meetings import FollowUpStatus, ItemStatus, Presence

ALL = "semua"


class DateInput(forms.DateInput):
    input_type = "date"  # the phone's own date picker

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


DATE_ERRORS = {"invalid": _("Tulis tanggal sebagai TTTT-BB-HH."),
               "required": _("Isi tanggal.")}  # fmt: skip


class PlanMeetingForm(forms.Form):
    on = forms.DateField(label=_("Tanggal rapat"), widget=DateInput(), error_messages=DATE_ERRORS)
    place = forms.CharField(label=_("Tempat"), max_length=200, required=False)
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Tindak lanjut rapat sebelumnya yang masih terbuka ikut masuk agenda."),
    )  # fmt: skip


class RecordMeetingForm(forms.Form):
    """The minutes and one presence choice per expected attendee (`hadir_<user id>`)."""

    minutes = forms.CharField(label=_("Notulen"), widget=forms.Textarea(attrs={"rows": 6}),
                              error_messages={"required": _("Tulis notulen rapat.")})  # fmt: skip

    def __init__(self, *args, attendance=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.attendance = list(attendance)
        for row in self.attendance:
            self.fields[f"hadir_{row.user_id}"] = forms.ChoiceField(
                label=row.user.get_full_name() or row.user.username, choices=Presence.choices,
                widget=forms.RadioSelect, initial=row.presence or Presence.PRESENT,
                error_messages={"required": _("Pilih kehadiran.")},
            )  # fmt: skip

    def presence_fields(self) -> list:
        return [self[f"hadir_{row.user_id}"] for row in self.attendance]

    def presence(self) -> dict[int, str]:
        return {row.user_id: self.cleaned_data[f"hadir_{row.user_id}"] for row in self.attendance}


class ActionItemForm(forms.Form):
    text = forms.CharField(label=_("Tindak lanjut"), widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": _("Tulis tindak lanjut.")})  # fmt: skip
    owner = forms.ModelChoiceField(
        label=_("Penanggung jawab"), queryset=None,
        error_messages={"required": _("Pilih penanggung jawab."),
                        "invalid_choice": _("Penanggung jawab bukan peserta rapat ini.")},
    )  # fmt: skip
    due_on = forms.DateField(label=_("Tenggat"), widget=DateInput(), error_messages=DATE_ERRORS)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username


class FollowUpForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Perkembangan"), choices=FollowUpStatus.choices,
                               widget=forms.RadioSelect, initial=FollowUpStatus.STILL_OPEN,
                               error_messages={"required": _("Pilih perkembangan.")})  # fmt: skip
    note = forms.CharField(label=_("Catatan"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class ActionItemListForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("Terbuka")), (ItemStatus.DONE, ItemStatus.DONE.label),
                 (ItemStatus.DROPPED, ItemStatus.DROPPED.label), (ALL, _("Semua"))],
    )  # fmt: skip
    saya = forms.BooleanField(label=_("Hanya tanggung jawab saya"), required=False)
    terlambat = forms.BooleanField(label=_("Hanya yang melewati tenggat"), required=False)
