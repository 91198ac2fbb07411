from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import User


class LanguageForm(forms.ModelForm):
    """The language of the interface; Indonesian until the user chooses otherwise."""

    language = forms.ChoiceField(
        label=_("Bahasa tampilan"), choices=settings.LANGUAGES, widget=forms.RadioSelect
    )

    class Meta:
        model = User
        fields = ["language"]

    def __init__(self, *args, instance: User, **kwargs):
        kwargs.setdefault("initial", {"language": instance.language or settings.LANGUAGE_CODE})
        super().__init__(*args, instance=instance, **kwargs)
