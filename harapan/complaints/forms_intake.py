"""The staff intake of a complaint (DESIGN §12): walk-in, phone 171, SP4N-LAPOR! referral.

One form validates both ways in: the page `complaints:intake` and `POST /api/v1/complaints`,
with the field names of the §12 contract. Everything it resolves is resolved in the user's
scope: the desa of their region, a family they may see (by its ID keluarga), an active
pendamping of their region as the accused. Then `actions.submit_complaint` decides; what it
refuses comes back onto the form's fields.
"""

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harapan.accounts.models import User
from harapan.accounts.roles import Role
from harapan.api_contract import FIRST_YEAR
from harapan.lib import regioncode
from harapan.regions.models import Region
from harapan.registry.models import Family

from . import actions
from .models import CONDUCT_CATEGORIES, Category, Channel, Complaint

# The channels staff record; the web form is the public's own (`web`), which the API takes too.
STAFF_CHANNELS = [(c.value, c.label) for c in Channel if c != Channel.WEB]
# Beyond this many options a select is unreadable: the field becomes a box for the code
# (a national admin's 84,000 desa), checked against the same scoped list.
MAX_CHOICES = 2000
# The fields of submit_complaint's errors, by the name of the field they belong to here.
FIELD_OF_ERROR = {
    "region_code": "kode_desa",
    "received_at": "diterima",
    "family": "id_keluarga",
    "accused": "pendamping",
    "complainant_name": "nama",
    "complainant_phone": "telepon",
}
EARLIEST = datetime(FIRST_YEAR, 1, 1)
NAME_THE_ACCUSED = _(
    "Pengaduan perilaku pendamping atau pungli harus menyebut pendamping yang diadukan."
)
NO_ACCUSED = _(
    "Pendamping diadukan hanya pada pengaduan perilaku pendamping atau pungli; kosongkan isian ini."
)


def family_in_scope(user, registry_id: str) -> Family:
    """The family with this registry ID that `user` sees; one answer for a family that does
    not exist and one the user may not see."""
    family = Family.objects.visible_to(user).filter(registry_id=registry_id.strip()).first()
    if family is None:
        raise forms.ValidationError(
            _("KPM dengan ID keluarga ini tidak ditemukan di wilayah Anda.")
        )
    return family


def desa_choices(prefix: str) -> list | None:
    """The desa of a region grouped by kecamatan, by name: [(kecamatan, [(code, desa)])];
    None when there are too many to offer."""
    desa = list(
        Region.objects.at_level(regioncode.DESA)
        .filter(code__startswith=prefix)
        .order_by("name", "code")[: MAX_CHOICES + 1]
    )
    if len(desa) > MAX_CHOICES:
        return None
    kecamatan = dict(
        Region.objects.filter(code__in={d.code[:6] for d in desa}).values_list("code", "name")
    )
    groups: dict[str, list] = {}
    for each in desa:
        groups.setdefault(each.code[:6], []).append((each.code, each.name))
    ordered = sorted(groups.items(), key=lambda item: (kecamatan.get(item[0], ""), item[0]))
    return [(kecamatan.get(code, regioncode.dotted(code)), options) for code, options in ordered]


class IntakeForm(forms.Form):
    saluran = forms.ChoiceField(
        label=_("Saluran"),
        error_messages={
            "required": _("Pilih saluran pengaduan."),
            "invalid_choice": _("Pilih saluran pengaduan yang tersedia."),
        },
    )
    diterima = forms.DateTimeField(
        label=_("Waktu diterima"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Kapan pengaduan diterima; kosong berarti sekarang."),
        error_messages={"invalid": _("Tulis waktu sebagai tahun-bulan-hari jam:menit.")},
    )  # fmt: skip
    kategori = forms.ChoiceField(
        label=_("Kategori"), choices=[("", "—"), *Category.choices],
        error_messages={"required": _("Pilih kategori pengaduan."),
                        "invalid_choice": _("Pilih kategori pengaduan yang tersedia.")},
    )  # fmt: skip
    kode_desa = forms.CharField(
        label=_("Desa/kelurahan"), max_length=14,
        help_text=_("Tulis kode desa 10 digit."),
        error_messages={"required": _("Pilih desa/kelurahan di wilayah Anda.")},
    )  # fmt: skip
    id_keluarga = forms.CharField(
        label=_("ID keluarga KPM (jika ada)"), max_length=32, required=False,
        help_text=_("Isi bila pengaduan tentang satu KPM."),
    )  # fmt: skip
    pendamping = forms.CharField(
        label=_("Pendamping yang diadukan"), max_length=150, required=False,
        help_text=_("Hanya untuk pengaduan perilaku pendamping atau pungli."),
    )  # fmt: skip
    uraian = forms.CharField(
        label=_("Uraian pengaduan"), widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Uraian pengaduan wajib diisi.")},
    )  # fmt: skip
    nama = forms.CharField(label=_("Nama pengadu (boleh kosong)"), max_length=150, required=False)
    telepon = forms.CharField(label=_("Telepon pengadu (boleh kosong)"), max_length=20,
                              required=False)  # fmt: skip
    nik = forms.CharField(label=_("NIK pengadu (boleh kosong)"), max_length=24, required=False)

    def __init__(self, *args, user, channels=STAFF_CHANNELS, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["saluran"].choices = [("", "—"), *channels]
        self.fields["diterima"].initial = timezone.localtime().replace(second=0, microsecond=0)
        desa = desa_choices(user.region_prefix)
        if desa is not None:
            self.fields["kode_desa"].widget = forms.Select(choices=[("", "—"), *desa])
            self.fields["kode_desa"].help_text = _("Desa di wilayah Anda.")
        people = list(self._pendamping_on_offer()[: MAX_CHOICES + 1])
        if len(people) <= MAX_CHOICES:
            choices = [(u.username, str(u)) for u in people]
            self.fields["pendamping"].widget = forms.Select(choices=[("", "—"), *choices])

    def _pendamping_on_offer(self):
        return User.objects.filter(
            role=Role.PENDAMPING, is_active=True, region__code__startswith=self.user.region_prefix
        ).order_by("first_name", "last_name", "username")

    def clean_diterima(self) -> datetime | None:
        moment = self.cleaned_data["diterima"]
        if moment is None:
            return None
        if moment > timezone.now():
            raise forms.ValidationError(_("Waktu diterima tidak boleh setelah sekarang."))
        if moment < timezone.make_aware(EARLIEST):
            raise forms.ValidationError(
                _("Waktu diterima paling awal tahun %(year)s.") % {"year": FIRST_YEAR}
            )
        return moment

    def clean_kode_desa(self) -> str:
        try:
            code = regioncode.normalize(self.cleaned_data["kode_desa"])
        except regioncode.InvalidRegionCode:
            code = ""
        prefix = self.user.region_prefix
        if not (
            len(code) == regioncode.LENGTH_BY_LEVEL[regioncode.DESA]
            and code.startswith(prefix)
            and Region.objects.filter(code=code, level=regioncode.DESA).exists()
        ):
            raise forms.ValidationError(_("Pilih desa/kelurahan di wilayah Anda."))
        return code

    def clean_id_keluarga(self) -> Family | None:
        registry_id = self.cleaned_data["id_keluarga"].strip()
        return family_in_scope(self.user, registry_id) if registry_id else None

    def clean_pendamping(self) -> User | None:
        username = self.cleaned_data["pendamping"].strip()
        if not username:
            return None
        accused = self._pendamping_on_offer().filter(username=username).first()
        if accused is None:
            raise forms.ValidationError(_("Pilih pendamping PKH yang aktif di wilayah Anda."))
        return accused

    def clean(self):
        data = super().clean()
        conduct = data.get("kategori") in CONDUCT_CATEGORIES
        if conduct and "pendamping" in data and data["pendamping"] is None:
            self.add_error("pendamping", NAME_THE_ACCUSED)
        elif data.get("kategori") and not conduct and data.get("pendamping") is not None:
            self.add_error("pendamping", NO_ACCUSED)
        return data

    def save(self) -> tuple[Complaint, str] | None:
        """The complaint and its PIN; None, with the errors on the form, when refused.
        A refusal of the user's right (PermissionDenied) is raised as it comes."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        try:
            return actions.submit_complaint(
                kategori=data["kategori"], saluran=data["saluran"], uraian=data["uraian"],
                region_code=data["kode_desa"], family=data["id_keluarga"],
                accused=data["pendamping"], name=data["nama"], phone=data["telepon"],
                nik=data["nik"], received_at=data["diterima"], acting_user=self.user,
            )  # fmt: skip
        except ValidationError as refused:
            for field, messages in refused.update_error_dict({}).items():
                field = FIELD_OF_ERROR.get(field, field)
                self.add_error(field if field in self.fields else None, messages)
            return None

    def problems(self) -> str:
        """The errors in one line, field by field (the API's 422 detail)."""
        return "; ".join(
            " ".join(errors) if field == "__all__" else f"{field}: {' '.join(errors)}"
            for field, errors in self.errors.items()
        )
