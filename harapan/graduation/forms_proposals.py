"""Forms of the exit workflow pages: propose, reject, filter, follow-up visit."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from harapan.registry.models import ExitReason

from .models import ProposalStatus


class DateInput(forms.DateInput):
    input_type = "date"  # the phone's own date picker

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


DATE_ERRORS = {"invalid": _("Masukkan tanggal yang benar (tttt-bb-hh).")}
EARLIEST = date(2007, 1, 1)  # PKH began in 2007; an earlier date is a typing slip


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Jenis graduasi atau alasan keluar"),
        choices=[("", "—")] + list(ExitReason.choices),
        error_messages={"required": _("Pilih jenis graduasi atau alasan keluar.")},
    )
    reason = forms.CharField(
        label=_("Alasan usulan"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Alasan usulan wajib diisi.")},
    )
    exit_date = forms.DateField(
        label=pgettext_lazy("programme exit", "Tanggal keluar"),
        widget=DateInput(),
        error_messages={**DATE_ERRORS, "required": _("Tanggal keluar wajib diisi.")},
    )
    letter_number = forms.CharField(
        label=_("Nomor surat pengunduran diri"),
        max_length=60,
        required=False,
        help_text=_(
            "Khusus graduasi sejahtera mandiri: isi nomor dan tanggal surat pengunduran "
            "diri keluarga, atau biarkan kosong bila penilaian terakhir KPM sudah mencapai "
            "skor siap graduasi. Salah satunya wajib ada."
        ),
    )
    letter_date = forms.DateField(
        label=_("Tanggal surat pengunduran diri"),
        required=False,
        widget=DateInput(),
        error_messages=DATE_ERRORS,
    )

    def clean_exit_date(self):
        value = self.cleaned_data["exit_date"]
        if value < EARLIEST:
            raise forms.ValidationError(_("Tanggal keluar terlalu jauh ke belakang."))
        if value.year > timezone.localdate().year + 1:
            raise forms.ValidationError(_("Tanggal keluar terlalu jauh ke depan."))
        return value

    def clean_letter_date(self):
        value = self.cleaned_data["letter_date"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("Tanggal surat belum tiba."))
        if value and value < EARLIEST:
            raise forms.ValidationError(_("Tanggal surat terlalu jauh ke belakang."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("kind") != ExitReason.SEJAHTERA_MANDIRI:
            # A letter only counts for a self-reliant graduation.
            data["letter_number"], data["letter_date"] = "", None
            return data
        number, day = data.get("letter_number", "").strip(), data.get("letter_date")
        if bool(number) != bool(day) and "letter_date" not in self.errors:
            raise forms.ValidationError(
                _("Isi nomor dan tanggal surat pengunduran diri bersama-sama.")
            )
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan penolakan"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Alasan penolakan wajib diisi.")},
    )


class ProposalFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Semua"))] + list(ProposalStatus.choices),
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("Jenis"),
        choices=[("", _("Semua"))] + list(ExitReason.choices),
        required=False,
    )
    dikembalikan = forms.BooleanField(
        label=_("Hanya yang dikembalikan (ditolak, belum diusulkan lagi)"), required=False
    )


class FollowUpForm(forms.Form):
    prefix = "kunjungan"  # it sits on the family page among other panels' forms

    visited_on = forms.DateField(
        label=_("Tanggal kunjungan"),
        widget=DateInput(),
        error_messages={**DATE_ERRORS, "required": _("Tanggal kunjungan wajib diisi.")},
    )
    notes = forms.CharField(
        label=_("Catatan kunjungan"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Catatan kunjungan wajib diisi.")},
    )
