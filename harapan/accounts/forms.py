from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from .models import User


class LanguageForm(forms.ModelForm):
    """The language of the interface; Indonesian until the user chooses otherwise."""

    # Each language named in itself ("English", not "Inggris"): found by those who read it.
    language = forms.ChoiceField(
        label=_("Bahasa tampilan"),
        choices=[
            (code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
        ],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = User
        fields = ["language"]

    def __init__(self, *args, instance: User, **kwargs):
        kwargs.setdefault("initial", {"language": instance.language or settings.LANGUAGE_CODE})
        super().__init__(*args, instance=instance, **kwargs)


class SecondFactorCodeForm(forms.Form):
    """The six digits an authenticator app shows; whether they are right is the device's
    to say (accounts/actions.py)."""

    code = forms.RegexField(
        label=_("Kode dari aplikasi autentikator"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Kode terdiri dari 6 angka.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 7}
        ),
    )

    WRONG = _(
        "Kode salah atau sudah kedaluwarsa. Tunggu beberapa detik, lalu coba kode berikutnya."
    )

    def refuse(self) -> None:
        self.add_error("code", self.WRONG)
