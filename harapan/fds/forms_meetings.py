"""Forms of the P2K2 meeting pages: planning dates, the meeting itself, one row per family.

The forms parse what was typed and catch what can be told next to a field
(a date in the future, a missing choice); the rules themselves live in
`actions.record_meeting`, which checks them again and saves all or nothing.
"""

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harapan.lib.months import add_months, parse_month, parse_week

from .actions import Mark
from .models import MeetingStatus, Presence, Session

# A plan covers a year at most: monthly meetings, DESIGN §6.
MAX_MONTHS = 12
_DATE_SEPARATORS = re.compile(r"[\s,;]+")


class DateInput(forms.DateInput):
    input_type = "date"  # the phone's own date picker

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PlanForm(forms.Form):
    """A start date and a number of monthly meetings, and/or other dates written out."""

    start = forms.DateField(label=_("Tanggal pertemuan pertama"), required=False,
                            widget=DateInput())  # fmt: skip
    count = forms.IntegerField(
        label=_("Jumlah pertemuan bulanan"), min_value=1, max_value=MAX_MONTHS, initial=1,
        required=False, widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Satu pertemuan per bulan pada tanggal yang sama, mulai tanggal pertama."),
        error_messages={
            "invalid": _("Tulis jumlah pertemuan sebagai angka."),
            "min_value": _("Paling sedikit 1 pertemuan."),
            "max_value": _("Paling banyak %(limit_value)s pertemuan sekali rencana."),
        },
    )  # fmt: skip
    more = forms.CharField(
        label=_("Tanggal lain"), required=False, max_length=400,
        widget=forms.TextInput(attrs={"placeholder": "2026-03-12, 2026-04-09",
                                      "autocomplete": "off"}),
        help_text=_("Boleh dikosongkan. Tulis sebagai TTTT-BB-HH, dipisah koma."),
    )  # fmt: skip

    def clean_more(self) -> list[date]:
        days = []
        for text in _DATE_SEPARATORS.split(self.cleaned_data["more"].strip()):
            if not text:
                continue
            try:
                days.append(date.fromisoformat(text))
            except ValueError:
                raise ValidationError(
                    _("Tanggal '%(text)s' tidak valid: tulis sebagai TTTT-BB-HH, mis. 2026-03-12.")
                    % {"text": text}
                ) from None
        return days

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("start") and not data.get("more"):
            raise ValidationError(_("Isi tanggal pertemuan pertama atau tanggal lain."))
        return data

    def days(self) -> list[date]:
        data = self.cleaned_data
        start, count = data.get("start"), data.get("count") or 1
        monthly = [add_months(start, n) for n in range(count)] if start else []
        return sorted(set(monthly + data["more"]))


class MeetingForm(forms.Form):
    """The meeting as held: when, where, which session, who facilitated."""

    held_on = forms.DateField(
        label=_("Tanggal pelaksanaan"), widget=DateInput(),
        error_messages={"required": _("Isi tanggal pelaksanaan."),
                        "invalid": _("Tanggal tidak valid.")},
    )  # fmt: skip
    place = forms.CharField(label=_("Tempat"), max_length=150, required=False)
    session = forms.TypedChoiceField(
        label=_("Sesi yang diajarkan"), coerce=int,
        error_messages={"required": _("Pilih sesi yang diajarkan.")},
    )  # fmt: skip
    facilitator = forms.TypedChoiceField(label=_("Fasilitator"), coerce=int)
    notes = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, sessions: list[Session], facilitators: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions = {s.pk: s for s in sessions}
        self.facilitators = {u.pk: u for u in facilitators}
        self.fields["session"].choices = [("", "—")] + [
            (s.pk, f"{s.code} {s.title}") for s in sessions
        ]
        self.fields["facilitator"].choices = [(u.pk, str(u)) for u in facilitators]

    def clean_held_on(self) -> date:
        day = self.cleaned_data["held_on"]
        if day > timezone.localdate():
            raise ValidationError(_("Tanggal pelaksanaan belum tiba."))
        return day

    def record(self) -> dict:
        """The keyword arguments of `actions.record_meeting` that this form holds."""
        data = self.cleaned_data
        return {
            "held_on": data["held_on"],
            "place": data["place"],
            "session": self.sessions[data["session"]],
            "facilitator": self.facilitators[data["facilitator"]],
            "notes": data["notes"],
        }


class MarkForm(forms.Form):
    """One family's row: present, excused or absent, and who came."""

    presence = forms.ChoiceField(
        label=_("Kehadiran"), choices=Presence.choices, initial=Presence.PRESENT,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih hadir, izin atau tidak hadir.")},
    )  # fmt: skip
    attendee = forms.CharField(
        label=_("Yang hadir"), max_length=150, required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Yang hadir, mis. Ibu Siti"),
                                      "autocomplete": "off"}),
    )  # fmt: skip

    def __init__(self, *args, family_id: int, **kwargs):
        super().__init__(*args, prefix=f"f{family_id}", **kwargs)
        self.family_id = family_id

    def mark(self) -> Mark:
        data = self.cleaned_data
        return Mark(self.family_id, data["presence"], data["attendee"])


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan pembatalan"), max_length=500,
        error_messages={"required": _("Alasan pembatalan wajib diisi.")},
    )  # fmt: skip


class MeetingListForm(forms.Form):
    """`?bulan=TTTT-BB` or `?minggu=TTTT-Wmm` (a week wins), and `?status=`: the meetings listed."""

    bulan = forms.CharField(label=_("Bulan"), required=False, max_length=7)
    minggu = forms.CharField(label=_("Minggu"), required=False, max_length=8)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Semua")), *MeetingStatus.choices]
    )

    def clean_bulan(self) -> date | None:
        message = _("Bulan '%(text)s' tidak valid: tulis sebagai TTTT-BB, mis. 2026-03.")
        return self._parsed("bulan", parse_month, message)

    def clean_minggu(self) -> date | None:
        message = _("Minggu '%(text)s' tidak valid: tulis sebagai TTTT-Wmm, mis. 2026-W49.")
        return self._parsed("minggu", parse_week, message)

    def _parsed(self, name: str, parse, message: str) -> date | None:
        text = self.cleaned_data[name].strip()
        if not text:
            return None
        try:
            return parse(text)
        except ValueError:
            raise ValidationError(message % {"text": text}) from None
