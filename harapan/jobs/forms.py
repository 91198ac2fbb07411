"""The filter of the run list: which kind of work, in which state."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .access import IMPORT_KINDS, RECENT_DAYS, to_follow
from .models import RunKind, RunStatus

IMPORTS = "impor"  # every kind of upload at once
TO_FOLLOW = "diikuti"  # under way, or failed lately: what a home to-do counts


class RunFilterForm(forms.Form):
    jenis = forms.ChoiceField(
        label=_("Jenis"), required=False,
        choices=[("", _("Semua")), (IMPORTS, _("Semua impor")), *RunKind.choices],
    )  # fmt: skip
    keadaan = forms.ChoiceField(label=_("Keadaan"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        follow = _("Berjalan, ditolak atau gagal (%(days)s hari terakhir)") % {"days": RECENT_DAYS}
        self.fields["keadaan"].choices = [("", _("Semua")), (TO_FOLLOW, follow), *RunStatus.choices]

    def filter(self, runs: QuerySet) -> QuerySet:
        kind, state = self.cleaned_data["jenis"], self.cleaned_data["keadaan"]
        if kind == IMPORTS:
            runs = runs.filter(kind__in=IMPORT_KINDS)
        elif kind:
            runs = runs.filter(kind=kind)
        if state == TO_FOLLOW:
            runs = to_follow(runs)
        elif state:
            runs = runs.filter(status=state)
        return runs
