"""One form per member row of the month pages; the view builds one per member who owes.

A row left blank is not verified yet and is not saved, nor is a row sent back
unchanged. A filled row is checked with the action's own rule
(`actions.clean_entry`) so that its errors show next to the row, before the
page is saved all or nothing.
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from harapan.registry.models import Member

from . import actions, commitments
from .actions import Entry
from .models import HealthFacility, Result, School, Verification

# Offered in a <datalist>: the pendamping may still write any other reason.
EXCUSE_REASONS = [
    _("sakit"),
    _("bencana alam"),
    _("fasilitas tutup"),
    _("libur sekolah"),
    _("pindah sekolah"),
]
EXCUSE_LIST_ID = "alasan-pengecualian"

Place = School | HealthFacility


def _percent_input() -> forms.TextInput:
    # A text input, not type=number: phones then show the digit pad without
    # spinners, and "85%" typed by habit gets a clear message instead of nothing.
    return forms.TextInput(
        attrs={
            "inputmode": "numeric",
            "pattern": "[0-9]*",
            "maxlength": "3",
            "autocomplete": "off",
            "class": "percent",
        }  # fmt: skip
    )


class MonthRowForm(forms.Form):
    """A member's verification for the month as the family page asks for it."""

    result = forms.ChoiceField(
        label=_("Hasil"), choices=Result.choices, required=False, widget=forms.RadioSelect
    )
    attendance = forms.IntegerField(
        label=_("Kehadiran (%)"), min_value=0, max_value=100, required=False,
        widget=_percent_input(),
        help_text=_("Boleh diisi saja tanpa hasil: hasil dihitung dari batas kehadiran."),
        error_messages={"invalid": _("Tulis kehadiran sebagai angka 0–100, tanpa tanda %.")},
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Alasan pengecualian"), max_length=200, required=False,
        widget=forms.TextInput(attrs={"list": EXCUSE_LIST_ID, "autocomplete": "off"}),
        help_text=_("Wajib bila dikecualikan."),
    )  # fmt: skip
    place = forms.TypedChoiceField(label=_("Fasilitas kesehatan"), coerce=int, required=False,
                                   empty_value=None)  # fmt: skip
    evidence = forms.CharField(label=_("Catatan bukti"), max_length=300, required=False)

    def __init__(self, *args, member: Member, commitment: str, month: date, threshold: int,
                 places: dict[int, Place], **kwargs):  # fmt: skip
        super().__init__(*args, **kwargs)
        self.member, self.commitment, self.month = member, commitment, month
        self.threshold = threshold
        self.places = places
        self.is_school = commitments.is_school(commitment)
        if not self.is_school and "attendance" in self.fields:
            del self.fields["attendance"]
        if "place" in self.fields:
            self.fields["place"].choices = [("", "—")] + [
                (pk, str(place)) for pk, place in places.items()
            ]
            if self.is_school:
                self.fields["place"].label = _("Sekolah")

    def has_input(self) -> bool:
        """Whether the user filled anything in; the place alone is a default, not input."""
        data = self.cleaned_data
        return any(data.get(name) not in (None, "") for name in
                   ("result", "attendance", "reason", "evidence"))  # fmt: skip

    def clean(self):
        data = super().clean()
        if self.errors or not self.has_input():
            return data
        try:
            # On a throwaway entry: clean_entry settles the result in place.
            actions.clean_entry(self._entry(data), self.month, self.threshold)
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return data

    def _entry(self, data: dict) -> Entry:
        place = self.places.get(data.get("place"))
        return Entry(
            member=self.member,
            commitment=self.commitment,
            result=data.get("result") or "",
            attendance=data.get("attendance"),
            reason=data.get("reason") or "",
            school=place if self.is_school else None,
            facility=None if self.is_school else place,
            evidence=data.get("evidence") or "",
        )

    def entry(self) -> Entry | None:
        """The row as an action entry; None when there is nothing to write for it.

        A row left blank is not verified yet. A row sent back as the page
        showed it changes nothing: its record keeps who recorded it and how,
        even where the page prefilled what the record lacks (the usual place).
        """
        if not self.has_input() or not self.has_changed():
            return None
        return self._entry(self.cleaned_data)


class SchoolRowForm(MonthRowForm):
    """A pupil's month on the school page: attendance first, the result derived from it."""

    result = forms.ChoiceField(
        label=_("Hasil"),
        choices=[("", _("dari kehadiran"))] + Result.choices,
        required=False,
    )

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, places={school.pk: school}, **kwargs)
        self.school = school
        del self.fields["place"]
        del self.fields["evidence"]

    def _entry(self, data: dict) -> Entry:
        entry = super()._entry(data)
        entry.school = self.school
        return entry


def initial_for(record: Verification | None, default_place_id: int | None) -> dict:
    """The row prefilled from the month's record, or only the member's usual place."""
    if record is None:
        return {"place": default_place_id}
    school = commitments.is_school(record.commitment)
    return {
        "result": record.result,
        "attendance": record.attendance,
        "reason": record.reason,
        "place": (record.school_id if school else record.facility_id) or default_place_id,
        "evidence": record.evidence,
    }
