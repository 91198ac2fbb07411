"""Forms of the coaching pages: the list's filters, a new note, its follow-up."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harapan.accounts.models import User
from harapan.accounts.roles import tiers_below

TEXT = {"rows": 4}
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def coachable_by(user):
    """The active users `user` may coach: on a lower tier, in their region."""
    below = tiers_below(user)
    if not below or not user.region_id:
        return User.objects.none()
    return User.objects.filter(
        role__in=below, is_active=True, region__code__startswith=user.region_id
    ).order_by("role", "region_id", "first_name", "username")


class CoachingFilterForm(forms.Form):
    orang = forms.ModelChoiceField(
        label=_("Yang dibina"), queryset=User.objects.none(), required=False, empty_label=_("Semua")
    )
    jatuh_tempo = forms.BooleanField(label=_("Tindak lanjut saya yang jatuh tempo"), required=False)
    baru = forms.BooleanField(label=_("Catatan baru tentang saya (30 hari)"), required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["orang"].queryset = people


class NoteForm(forms.Form):
    coached = forms.ModelChoiceField(
        label=_("Yang dibina"), queryset=User.objects.none(), empty_label="—",
        error_messages={"required": _("Pilih orang yang dibina."),
                        "invalid_choice": _("Pilih orang yang dibina di wilayah Anda.")},
    )  # fmt: skip
    on = forms.DateField(
        label=_("Tanggal pembinaan"), widget=DATE, initial=timezone.localdate,
        error_messages={"required": _("Isi tanggal pembinaan.")},
    )  # fmt: skip
    topic = forms.CharField(
        label=_("Topik"), max_length=200, error_messages={"required": _("Isi topik pembinaan.")}
    )
    note = forms.CharField(
        label=_("Catatan"), max_length=4000, widget=forms.Textarea(attrs=TEXT),
        error_messages={"required": _("Catatan pembinaan wajib diisi.")},
    )  # fmt: skip
    follow_up_on = forms.DateField(
        label=_("Tanggal tindak lanjut"), widget=DATE,
        error_messages={"required": _("Isi tanggal tindak lanjut.")},
    )  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coached"].queryset = coachable_by(user)


class FollowUpForm(forms.Form):
    outcome = forms.CharField(
        label=_("Hasil tindak lanjut"), max_length=4000, widget=forms.Textarea(attrs=TEXT),
        error_messages={"required": _("Tulis hasil tindak lanjut.")},
    )  # fmt: skip
