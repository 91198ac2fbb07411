"""Forms of the P2K2 group pages: the group itself, and families joining or leaving it.

A select is offered while its list is short enough to read on a phone; past
`MAX_CHOICES` the same field becomes a text box for a code (desa code,
username, ID keluarga), as the registry's family search does. Either way the
value is checked against the same scoped list, so a posted value outside it
is refused with a message.
"""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harapan.accounts.models import User
from harapan.accounts.roles import Role
from harapan.lib import regioncode
from harapan.regions.models import Region
from harapan.registry.models import Family
from harapan.registry.naming import family_label, name_families

from .models import Group, Membership

MAX_CHOICES = 500


def _date_input(**kwargs) -> forms.DateField:
    return forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Tulis tanggal sebagai tahun-bulan-hari, mis. 2025-03-17.")},
        **kwargs,
    )


def _offer(field: forms.CharField, choices: list[tuple[str, str]] | None, blank: str = "") -> None:
    """A select of `choices`, or the plain text box when the list is too long (None)."""
    if choices is not None:
        field.widget = forms.Select(choices=[("", blank or "—")] + choices)


def _short(rows: list) -> list | None:
    return rows if len(rows) <= MAX_CHOICES else None


def _not_in_future(day: date) -> date:
    if day > timezone.localdate():
        raise forms.ValidationError(_("Tanggal tidak boleh setelah hari ini."))
    return day


class GroupForm(forms.Form):
    """Name, desa, pendamping (chosen by a supervisor), leader and active flag of a group."""

    name = forms.CharField(label=_("Nama kelompok"), max_length=100)
    pendamping = forms.CharField(
        label=_("Pendamping"), max_length=150,
        help_text=_("Tulis nama pengguna pendamping."),
    )  # fmt: skip
    desa = forms.CharField(
        label=_("Desa/kelurahan"), max_length=14,
        help_text=_("Desa di kecamatan pendamping. Tulis kode desa 10 digit."),
    )  # fmt: skip
    leader = forms.TypedChoiceField(
        label=_("Ketua kelompok"), coerce=int, required=False, empty_value=None,
        help_text=_("Dipilih di antara KPM anggota kelompok ini."),
        error_messages={"invalid_choice": _("Pilih ketua di antara KPM anggota kelompok ini.")},
    )  # fmt: skip
    active = forms.BooleanField(label=_("Kelompok aktif"), required=False, initial=True)

    def __init__(self, *args, user, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.group = user, group
        if user.role == Role.PENDAMPING:
            # A pendamping runs their own groups, in their own kecamatan.
            del self.fields["pendamping"]
            self.desa_prefix = user.region_id or "-"
        else:
            people = list(self._pendamping_on_offer()[: MAX_CHOICES + 1])
            _offer(self.fields["pendamping"], _short([(u.username, str(u)) for u in people]))
            self.desa_prefix = user.region_prefix
        desa = Region.objects.at_level(regioncode.DESA).filter(code__startswith=self.desa_prefix)
        desa = list(desa[: MAX_CHOICES + 1])
        _offer(self.fields["desa"], _short([(r.code, f"{r.name} ({r.dotted_code})") for r in desa]))
        if isinstance(self.fields["desa"].widget, forms.Select):
            self.fields["desa"].help_text = _("Desa di kecamatan pendamping.")
        if group.pk is None:
            # A new group has no members yet, so no leader to choose.
            del self.fields["leader"]
        else:
            self.fields["leader"].choices = [("", _("Belum ada ketua"))] + self._member_choices()

    def _pendamping_on_offer(self):
        """The pendamping of the user's region; the group's own stays even if since moved."""
        people = User.objects.filter(role=Role.PENDAMPING, is_active=True,
                                     region__code__startswith=self.user.region_prefix)  # fmt: skip
        if self.group.pendamping_id:
            people = people | User.objects.filter(pk=self.group.pendamping_id)
        return people.order_by("first_name", "last_name", "username")

    def _member_choices(self) -> list[tuple[int, str]]:
        current = Membership.objects.visible_to(self.user).current().filter(group=self.group)
        families = name_families(m.family for m in current.select_related("family"))
        return sorted(((f.pk, family_label(f)) for f in families), key=lambda c: c[1])

    def clean_pendamping(self) -> User:
        username = self.cleaned_data["pendamping"].strip()
        chosen = self._pendamping_on_offer().filter(username=username).first()
        if chosen is None:
            raise forms.ValidationError(_("Pilih pendamping di wilayah Anda."))
        return chosen

    def clean_desa(self) -> str:
        try:
            code = regioncode.normalize(self.cleaned_data["desa"])
        except regioncode.InvalidRegionCode:
            raise forms.ValidationError(_("Kode desa tidak sah: tulis 10 digit.")) from None
        if regioncode.level(code) != regioncode.DESA:
            raise forms.ValidationError(_("Kelompok berada di satu desa: pilih desa/kelurahan."))
        if not code.startswith(self.desa_prefix):
            raise forms.ValidationError(_("Desa ini di luar wilayah Anda."))
        if not Region.objects.filter(code=code).exists():
            raise forms.ValidationError(_("Desa dengan kode ini tidak dikenal."))
        return code

    def clean(self) -> dict:
        data = super().clean()
        own = self.user if self.user.role == Role.PENDAMPING else None
        pendamping = data.get("pendamping", own)
        desa = data.get("desa")
        if pendamping is not None and desa and not desa.startswith(pendamping.region_id or "-"):
            self.add_error("desa", _("Desa ini di luar kecamatan pendamping kelompok."))
        return data

    def apply(self) -> Group:
        """The group with the form's values set (not saved: `actions.save_group` does that)."""
        data, group = self.cleaned_data, self.group
        group.name = data["name"].strip()
        group.region_code = data["desa"]
        group.pendamping = data.get("pendamping") or group.pendamping
        if "leader" in self.fields:
            group.leader_id = data["leader"]
        group.active = data["active"]
        return group

    @staticmethod
    def initial_for(group: Group) -> dict:
        return {
            "name": group.name,
            "desa": group.region_code,
            "pendamping": group.pendamping.username if group.pendamping_id else "",
            "leader": group.leader_id,
            "active": group.active,
        }


class AddFamilyForm(forms.Form):
    """A visible active family of the group's kecamatan joining the group (or moving to it)."""

    family = forms.CharField(
        label=_("KPM"), max_length=32,
        help_text=_("Tulis ID keluarga. KPM yang sudah di kelompok lain akan dipindahkan ke "
                    "kelompok ini."),
    )  # fmt: skip
    joined_on = _date_input(label=_("Tanggal masuk"))

    def __init__(self, *args, user, group: Group, **kwargs):
        kwargs.setdefault("initial", {"joined_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.user, self.group = user, group
        rows = list(self.candidates().order_by("region_code", "registry_id")[: MAX_CHOICES + 1])
        self.moving_from: dict[int, Group] = {}
        if len(rows) <= MAX_CHOICES:
            ids = [f.pk for f in rows]
            current = Membership.objects.current().filter(family_id__in=ids).select_related("group")
            self.moving_from = {m.family_id: m.group for m in current}
            name_families(rows)
            _offer(self.fields["family"], [(f.registry_id, self._label(f)) for f in rows],
                   blank=_("Pilih KPM"))  # fmt: skip
            self.fields["family"].help_text = _(
                "KPM aktif di kecamatan kelompok. KPM yang sudah di kelompok lain akan "
                "dipindahkan ke kelompok ini."
            )
        self.has_candidates = bool(rows)

    def candidates(self):
        in_group = Membership.objects.current().filter(group=self.group).values("family_id")
        return (
            Family.objects.visible_to(self.user)
            .active()
            .filter(region_code__startswith=self.group.region_code[:6])
            .exclude(pk__in=in_group)
        )

    def _label(self, family: Family) -> str:
        label = family_label(family)
        other = self.moving_from.get(family.pk)
        if other is not None:
            return _("%(family)s — pindah dari %(group)s") % {"family": label, "group": other.name}
        return label

    def clean_family(self) -> Family:
        registry_id = self.cleaned_data["family"].strip()
        family = self.candidates().filter(registry_id=registry_id).first()
        if family is None:
            raise forms.ValidationError(
                _("KPM ini tidak dapat masuk: bukan KPM aktif dampingan Anda di kecamatan "
                  "kelompok, atau sudah anggota kelompok ini.")
            )  # fmt: skip
        return family

    def clean_joined_on(self) -> date:
        return _not_in_future(self.cleaned_data["joined_on"])


class RemoveFamilyForm(forms.Form):
    """A current member leaving the group on a date."""

    family = forms.IntegerField(widget=forms.HiddenInput)
    left_on = _date_input(label=_("Tanggal keluar"))

    def __init__(self, *args, user, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.group = user, group

    def clean_family(self) -> Family:
        current = (
            Membership.objects.visible_to(self.user)
            .current()
            .filter(group=self.group, family_id=self.cleaned_data["family"])
            .select_related("family")
            .first()
        )
        if current is None:
            raise forms.ValidationError(_("KPM ini bukan anggota kelompok sekarang."))
        return current.family

    def clean_left_on(self) -> date:
        return _not_in_future(self.cleaned_data["left_on"])
