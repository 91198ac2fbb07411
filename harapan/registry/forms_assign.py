"""Forms of the assignment page: which families, and to which pendamping (DESIGN §12)."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from harapan.accounts.models import User
from harapan.accounts.roles import Role

from .forms import FamilySearchForm
from .models import Family


class AssignmentFilterForm(FamilySearchForm):
    """The family filter of the list, less status (only active families are assigned) and
    the scorecard's pendamping filter."""

    status = None
    pendamping = None

    def filter(self, families: QuerySet, user, on=None) -> QuerySet:
        return super().filter(families.active(), user, on)


def pendamping_in(prefix: str) -> QuerySet:
    """The active pendamping working in the region `prefix` (their kecamatan lies in it)."""
    return (
        User.objects.filter(role=Role.PENDAMPING, is_active=True, region__code__startswith=prefix)
        .select_related("region")
        .order_by("region_id", "first_name", "username")
    )


class PendampingChoice(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return f"{user} ({user.username}) · {user.region.name}"


class AssignForm(forms.Form):
    """Assign the ticked families, or every unassigned family of a desa, to one pendamping.

    Whether the pendamping covers the families' kecamatan is the action's rule
    (`actions.assign_pendamping`), checked there for every way in.
    """

    SELECTED, WHOLE_DESA = "terpilih", "desa"

    pendamping = PendampingChoice(
        label=_("Pendamping"),
        queryset=User.objects.none(),
        error_messages={"required": _("Pilih pendamping."),
                        "invalid_choice": _("Pendamping ini tidak ada di wilayah Anda.")},
    )  # fmt: skip
    families = forms.ModelMultipleChoiceField(
        queryset=Family.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Keluarga %(value)s tidak ada dalam cakupan Anda.")},
    )
    desa = forms.CharField(required=False, max_length=14)
    scope = forms.ChoiceField(
        choices=[(SELECTED, _("Keluarga yang dicentang")),
                 (WHOLE_DESA, _("Semua keluarga desa ini yang belum punya pendamping"))],
        initial=SELECTED,
    )  # fmt: skip

    def __init__(self, *args, pendamping: QuerySet, families: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pendamping"].queryset = pendamping
        self.fields["families"].queryset = families
        self.visible = families

    def clean(self):
        data = super().clean()
        if data.get("scope") == self.WHOLE_DESA:
            desa = (data.get("desa") or "").replace(".", "")
            if len(desa) != 10 or not desa.isdigit():
                raise forms.ValidationError(_("Pilih satu desa dulu untuk menugaskan seluruhnya."))
            data["targets"] = self.visible.filter(region_code=desa, pendamping__isnull=True)
        elif data.get("scope") == self.SELECTED:
            if not data.get("families"):
                raise forms.ValidationError(_("Centang dulu keluarga yang akan ditugaskan."))
            data["targets"] = self.visible.filter(pk__in=[f.pk for f in data["families"]])
        return data
