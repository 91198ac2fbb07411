"""Forms of the pemutakhiran pages: one per change kind, each turned into a payload.

The forms only parse what was typed; the rules (NIK once per family, dates
not in the future, a desa that exists…) live in `registry.changes`, which
checks them again at approval.
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Bank, ChangeKind, ChangeStatus, Family, Member, Relation, SchoolLevel, Sex

YES_NO = [("ya", _("Ya")), ("tidak", _("Tidak"))]


class DateInput(forms.DateInput):
    input_type = "date"  # the phone's own date picker

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, member: Member) -> str:
        return f"{member.name} ({member.get_relation_display()}, {member.birth_date:%d-%m-%Y})"


class ChangeForm(forms.Form):
    """Base of the per-kind forms: the note, and the payload it makes."""

    kind: str = ""
    payload_fields: tuple[str, ...] = ()
    prefilled = False

    note = forms.CharField(
        label=_("Keterangan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Misalnya sumber data: akta kelahiran, surat keterangan desa."),
    )

    def __init__(self, *args, family: Family, members=None, **kwargs):
        if "member" not in self.base_fields and self.prefilled:
            # A family-level value is corrected, not typed afresh: start from what is recorded.
            kwargs.setdefault("initial", {n: getattr(family, n) for n in self.payload_fields})
        super().__init__(*args, **kwargs)
        self.family = family
        if "member" in self.fields:
            self.fields["member"].queryset = self.member_choices(members)

    def member_choices(self, members):
        return members.filter(alive=True)

    @property
    def member(self) -> Member | None:
        return self.cleaned_data.get("member")

    def payload(self) -> dict:
        values = {name: self.cleaned_data.get(name) for name in self.payload_fields}
        return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}


class MemberChangeForm(ChangeForm):
    """A change to one member: the member first, then the payload, then the note."""

    member = MemberChoiceField(label=_("Anggota keluarga"), queryset=Member.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["member", *self.payload_fields, "note"])


class BirthForm(ChangeForm):
    kind = ChangeKind.BIRTH
    payload_fields = ("nik", "name", "sex", "birth_date", "relation")

    nik = forms.CharField(
        label=_("NIK"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Nama"), max_length=150)
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=Sex.choices)
    birth_date = forms.DateField(label=_("Tanggal lahir"), widget=DateInput())
    relation = forms.ChoiceField(
        label=_("Hubungan keluarga"),
        choices=[(v, label) for v, label in Relation.choices if v != Relation.HEAD],
        initial=Relation.CHILD,
        required=False,  # the action defaults it to anak
    )
    field_order = ["nik", "name", "sex", "birth_date", "relation", "note"]


class DeathForm(MemberChangeForm):
    kind = ChangeKind.DEATH
    payload_fields = ("died_on",)

    died_on = forms.DateField(label=_("Tanggal meninggal"), widget=DateInput())


class MoveForm(ChangeForm):
    kind = ChangeKind.MOVE
    payload_fields = ("region_code", "address")

    region_code = forms.CharField(
        label=_("Kode desa/kelurahan tujuan"),
        max_length=13,
        help_text=_("10 angka, boleh bertitik: 18.06.01.2001"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    address = forms.CharField(label=_("Alamat baru"), max_length=255, required=False)
    field_order = ["region_code", "address", "note"]


class PregnancyForm(MemberChangeForm):
    kind = ChangeKind.PREGNANCY
    payload_fields = ("pregnant",)

    pregnant = forms.TypedChoiceField(
        label=_("Hamil atau nifas"),
        choices=YES_NO,
        coerce=lambda value: value == "ya",
    )

    def member_choices(self, members):
        # Only a woman can be recorded as pregnant (DESIGN §4, ibu_hamil).
        return members.filter(alive=True, sex=Sex.FEMALE)


class SchoolForm(MemberChangeForm):
    kind = ChangeKind.SCHOOL
    payload_fields = ("school_level",)

    school_level = forms.ChoiceField(label=_("Jenjang pendidikan"), choices=SchoolLevel.choices)


class BirthDateForm(MemberChangeForm):
    kind = ChangeKind.BIRTH_DATE
    payload_fields = ("birth_date",)

    birth_date = forms.DateField(label=_("Tanggal lahir yang benar"), widget=DateInput())


class SexForm(MemberChangeForm):
    kind = ChangeKind.SEX
    payload_fields = ("sex",)

    sex = forms.ChoiceField(label=_("Jenis kelamin yang benar"), choices=Sex.choices)


class RelationForm(MemberChangeForm):
    kind = ChangeKind.RELATION
    payload_fields = ("relation",)

    relation = forms.ChoiceField(label=_("Hubungan keluarga"), choices=Relation.choices)


class DisabilityForm(MemberChangeForm):
    kind = ChangeKind.DISABILITY
    payload_fields = ("severe_disability",)

    severe_disability = forms.TypedChoiceField(
        label=_("Disabilitas berat"), choices=YES_NO, coerce=lambda value: value == "ya"
    )


class PaymentForm(ChangeForm):
    kind = ChangeKind.PAYMENT
    payload_fields = ("bank", "kks_number")
    prefilled = True

    bank = forms.ChoiceField(
        label=_("Bank penyalur"), required=False, choices=[("", "—")] + Bank.choices
    )
    kks_number = forms.CharField(
        label=_("No KKS"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    field_order = ["bank", "kks_number", "note"]

    def clean_kks_number(self) -> str:
        # Card numbers are often written in groups of four; the digits are checked on request.
        return re.sub(r"[\s\-]", "", self.cleaned_data["kks_number"])


class DesilForm(ChangeForm):
    kind = ChangeKind.DESIL
    payload_fields = ("desil",)
    prefilled = True

    desil = forms.IntegerField(
        label=_("Desil"),
        required=False,
        error_messages={"invalid": _("Desil harus berupa angka 1 sampai 10.")},
    )
    field_order = ["desil", "note"]


FORMS: dict[str, type[ChangeForm]] = {
    form.kind: form
    for form in (
        BirthForm,
        DeathForm,
        MoveForm,
        PregnancyForm,
        SchoolForm,
        BirthDateForm,
        SexForm,
        RelationForm,
        DisabilityForm,
        PaymentForm,
        DesilForm,
    )
}


class PendampingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


class MoveApprovalForm(forms.Form):
    """Who takes a moving family on in its new kecamatan; empty leaves it unassigned."""

    pendamping = PendampingChoiceField(
        label=_("Pendamping di kecamatan tujuan"),
        queryset=None,
        required=False,
        empty_label=_("— Belum ditugaskan —"),
        help_text=_("Kosongkan bila belum ada: KPM tercatat belum memiliki pendamping."),
    )

    def __init__(self, *args, pendamping_choices, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["pendamping"]
        field.queryset = pendamping_choices
        if current is not None:
            # A move within the kecamatan keeps its pendamping unless another is chosen.
            field.initial = current.pk
            field.help_text = _("Pendamping sekarang tetap bila tidak diubah.")


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan penolakan"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ChangeFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Semua"))] + list(ChangeStatus.choices),
        required=False,
    )
    menunggu_saya = forms.BooleanField(
        label=_("Hanya yang menunggu keputusan saya"), required=False
    )
