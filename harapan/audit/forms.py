"""The audit trail's filters, read from the query string (they survive paging and export)."""

from datetime import date, datetime, time, timedelta

from django import forms
from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harapan.display import formats

from . import labels

SENSITIVE = "sensitif"


def object_type_choices() -> list[tuple[str, str]]:
    """The app's models by their names: what an entry can be about."""
    models = [m for m in apps.get_models() if m.__module__.startswith("harapan.")]
    named = {m._meta.label_lower: str(m._meta.verbose_name) for m in models}
    return sorted(
        ((code, name[:1].upper() + name[1:]) for code, name in named.items()), key=lambda c: c[1]
    )


def _flat(choices):
    """A select's (value, label) pairs, out of their groups."""
    for value, label in choices:
        if isinstance(label, list | tuple):
            yield from label
        else:
            yield value, label


def _start_of(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


class TrailFilterForm(forms.Form):
    pengguna = forms.CharField(label=_("Nama pengguna"), required=False, max_length=150)
    aksi = forms.ChoiceField(label=_("Tindakan"), required=False)
    jenis = forms.ChoiceField(
        label=_("Jenis"),
        required=False,
        choices=[("", _("Semua")), (SENSITIVE, _("Pembacaan data sensitif (NIK lengkap, ekspor)"))],
    )
    objek = forms.ChoiceField(label=_("Jenis objek"), required=False)
    cari = forms.CharField(label=_("ID atau teks objek"), required=False, max_length=200)
    dari = forms.DateField(label=_("Dari tanggal"), required=False)
    sampai = forms.DateField(label=_("Sampai tanggal"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aksi"].choices = [("", _("Semua tindakan")), *labels.grouped_choices()]
        self.fields["objek"].choices = [("", _("Semua jenis objek")), *object_type_choices()]

    def clean(self):
        data = super().clean()
        if data.get("dari") and data.get("sampai") and data["dari"] > data["sampai"]:
            raise forms.ValidationError(_("Tanggal awal harus sebelum tanggal akhir."))
        return data

    def filter(self, entries: QuerySet) -> QuerySet:
        """`entries` cut down to what the (valid) form asks for."""
        data = self.cleaned_data
        if data["pengguna"]:
            entries = entries.filter(actor_name=data["pengguna"].strip())
        if data["aksi"]:
            entries = entries.filter(action=data["aksi"])
        if data["jenis"] == SENSITIVE:
            entries = entries.filter(action__in=labels.sensitive_codes())
        if data["objek"]:
            entries = entries.filter(object_type=data["objek"])
        if data["cari"]:
            text = data["cari"].strip()
            entries = entries.filter(Q(object_id=text) | Q(object_repr__icontains=text))
        if data["dari"]:
            entries = entries.filter(at__gte=_start_of(data["dari"]))
        if data["sampai"]:
            entries = entries.filter(at__lt=_start_of(data["sampai"] + timedelta(days=1)))
        return entries

    def described(self) -> list[list[str]]:
        """The filters in use, as (name, value) lines for an export's notes."""
        lines = []
        for name, bound in ((name, self[name]) for name in self.fields):
            value = self.cleaned_data.get(name)
            if value:
                if isinstance(value, date):
                    value = formats.day(value)
                value = dict(_flat(getattr(bound.field, "choices", []))).get(value, value)
                lines.append([str(bound.label), str(value)])
        return lines
