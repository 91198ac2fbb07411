"""Forms of the reference data pages and of a family's school/facility links.

Every rule is checked here on the server; the selects only offer what the
rules allow, but a hand-made POST is refused just the same.
"""

from dataclasses import dataclass
from datetime import date

from django import forms
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from harapan.accounts.roles import sees_full_nik
from harapan.lib import regioncode
from harapan.lib.nik import shown_nik
from harapan.regions.lookup import NotADesa, desa_code
from harapan.registry.models import Family, Member
from harapan.uploads import TableFileField

from . import actions, calendar, commitments
from .models import HealthFacility, MemberService, School, SchoolLevel
from .reference import FACILITY_CODE, NPSN, clean_name, reference_scope

DESA_HELP = _("10 angka, boleh bertitik, mis. 18.06.01.2001")


def clean_desa(text: str, scope: str) -> str:
    """A known desa inside `scope`, undotted; ValidationError otherwise."""
    try:
        code = desa_code(text)
    except NotADesa as problem:
        if problem.malformed:
            raise forms.ValidationError(
                _("Kode desa harus 10 angka, mis. 18.06.01.2001.")
            ) from problem
        raise forms.ValidationError(_("Kode desa ini tidak ada di daftar wilayah.")) from problem
    if not code.startswith(scope):
        raise forms.ValidationError(_("Desa ini di luar wilayah Anda."))
    return code


class ReferenceForm(forms.ModelForm):
    """What schools and facilities share: a desa in the operator's region, a tidy name."""

    region_code = forms.CharField(label=_("Kode desa"), max_length=20, help_text=DESA_HELP)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = reference_scope(user) or ""
        if self.instance.pk:
            self.initial["region_code"] = regioncode.dotted(self.instance.region_code)

    def clean_region_code(self) -> str:
        return clean_desa(self.cleaned_data["region_code"], self.scope)

    def clean_name(self) -> str:
        name = clean_name(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Nama wajib diisi."))
        return name


class SchoolForm(ReferenceForm):
    class Meta:
        model = School
        fields = ["npsn", "name", "level", "region_code", "active"]
        labels = {
            "npsn": _("NPSN"),
            "name": _("Nama sekolah"),
            "level": _("Jenjang"),
            "active": _("Aktif"),
        }
        widgets = {"npsn": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})}

    def clean_npsn(self) -> str:
        npsn = self.cleaned_data["npsn"].strip()
        if not NPSN.fullmatch(npsn):
            raise forms.ValidationError(_("NPSN harus tepat 8 angka."))
        other = School.objects.filter(npsn=npsn).exclude(pk=self.instance.pk).first()
        if other:
            raise forms.ValidationError(_("NPSN ini sudah dipakai %(school)s.") % {"school": other})
        return npsn


class FacilityForm(ReferenceForm):
    class Meta:
        model = HealthFacility
        fields = ["name", "kind", "code", "region_code", "active"]
        labels = {
            "name": _("Nama fasilitas"),
            "kind": _("Jenis"),
            "code": _("Kode faskes"),
            "active": _("Aktif"),
        }
        help_texts = {"code": _("Kode Kemenkes bila ada (puskesmas); posyandu boleh kosong.")}

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if code and not FACILITY_CODE.fullmatch(code):
            raise forms.ValidationError(_("Kode faskes hanya huruf dan angka, paling banyak 20."))
        return code

    def clean(self):
        data = super().clean()
        name, region = data.get("name"), data.get("region_code")
        if name and region:
            same = HealthFacility.objects.filter(region_code=region, name__iexact=name)
            if same.exclude(pk=self.instance.pk).exists():
                self.add_error("name", _("Fasilitas bernama ini sudah ada di desa tersebut."))
        return data


class ReferenceFilterForm(forms.Form):
    wilayah = forms.CharField(
        label=_("Kecamatan atau desa"),
        required=False,
        max_length=20,
        help_text=_("kode, mis. 18.06.01 atau 18.06.01.2001"),
    )
    cari = forms.CharField(label=_("Cari nama atau kode"), required=False, max_length=100)

    def __init__(self, *args, scope: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope

    def clean_wilayah(self) -> str:
        text = self.cleaned_data["wilayah"].strip()
        if not text:
            return ""
        try:
            code = regioncode.normalize(text)
        except regioncode.InvalidRegionCode:
            raise forms.ValidationError(_("Kode wilayah tidak sah.")) from None
        if not (code.startswith(self.scope) or self.scope.startswith(code)):
            raise forms.ValidationError(_("Wilayah ini di luar wilayah Anda."))
        return code

    def filter(self, queryset, code_field: str):
        wilayah, search = self.cleaned_data["wilayah"], self.cleaned_data["cari"].strip()
        if wilayah:
            queryset = queryset.filter(region_code__startswith=wilayah)
        if search:
            queryset = queryset.filter(Q(name__icontains=search) | Q(**{code_field: search}))
        return queryset


class ReferenceUploadForm(forms.Form):
    file = TableFileField(label=_("Berkas CSV (UTF-8) atau XLSX"))


# -- a family's schools and facilities ----------------------------------------------------


@dataclass
class ServiceRow(commitments.OwedCommitment):
    """One member who owes a commitment this month, and what they may be linked to."""

    member: Member
    commitment: str
    shown_nik: str
    service: MemberService | None
    options: list

    @property
    def field_name(self) -> str:
        return f"anggota_{self.member.pk}"

    @property
    def current(self):
        if self.service is None:
            return None
        return self.service.school if self.is_school else self.service.facility


def service_rows(family: Family, user, day: date) -> list[ServiceRow]:
    """The family's members owing a commitment in `day`'s month, with their choices.

    Schools and facilities are the active ones of the family's kecamatan;
    schools also of the pupil's level: five queries whatever the family's size.
    """
    month = calendar.month_start(day)
    members = commitments.owed(month, Member.objects.visible_to(user).filter(family=family))
    members = list(members.order_by("birth_date", "nik"))
    services = {
        s.member_id: s
        for s in MemberService.objects.filter(member__in=[m.pk for m in members]).select_related(
            "school", "facility"
        )
    }
    kecamatan = family.region_code[:6]
    schools = list(School.objects.filter(active=True, region_code__startswith=kecamatan))
    facilities = list(HealthFacility.objects.filter(active=True, region_code__startswith=kecamatan))
    full = sees_full_nik(user)
    rows = []
    for member in members:
        if commitments.is_school(member.commitment):
            options = [s for s in schools if s.level == member.commitment]
        else:
            options = facilities
        rows.append(
            ServiceRow(
                member,
                member.commitment,
                shown_nik(member.nik, full),
                services.get(member.pk),
                options,
            )
        )
    return rows


class MemberServiceForm(forms.Form):
    """One select per member; saving links every changed member in one transaction."""

    def __init__(self, *args, rows: list[ServiceRow], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[row.field_name] = forms.TypedChoiceField(
                label=row.member.name,
                required=False,
                coerce=int,
                empty_value=None,
                choices=self._choices(row),
                error_messages={"invalid_choice": self._refusal(row)},
            )
            self.initial[row.field_name] = row.current.pk if row.current else None
        self.fields_by_row = [(row, self[row.field_name]) for row in rows]

    @staticmethod
    def _choices(row: ServiceRow) -> list[tuple]:
        empty = _("— sekolah belum dipilih —") if row.is_school else _("— faskes belum dipilih —")
        choices = [("", empty)]
        choices += [(o.pk, f"{o.name} ({regioncode.dotted(o.region_code)})") for o in row.options]
        current = row.current
        if current is not None and current not in row.options:
            # Kept so that saving the page leaves it alone; choosing it again is not possible.
            choices.append(
                (current.pk, _("%(name)s (tidak lagi dapat dipilih)") % {"name": current.name})
            )
        return choices

    @staticmethod
    def _refusal(row: ServiceRow) -> str:
        if row.is_school:
            level = dict(SchoolLevel.choices).get(row.commitment, row.commitment)
            return _(
                "Pilihan sekolah tidak sah: pilih sekolah aktif jenjang %(level)s di kecamatan KPM."
            ) % {"level": level}
        return _("Pilihan faskes tidak sah: pilih faskes aktif di kecamatan KPM.")

    def changes(self) -> list[tuple[ServiceRow, School | None, HealthFacility | None]]:
        """(row, school, facility) of each member whose choice differs from what is stored."""
        changed = []
        for row in self.rows:
            chosen = self.cleaned_data[row.field_name]
            current = row.current
            if chosen == (current.pk if current else None):
                continue
            picked = next((o for o in row.options if o.pk == chosen), None)
            school = row.service.school if row.service else None
            facility = row.service.facility if row.service else None
            if row.is_school:
                school = picked
            else:
                facility = picked
            changed.append((row, school, facility))
        return changed

    @transaction.atomic
    def save(self, acting_user) -> int:
        changed = self.changes()
        for row, school, facility in changed:
            actions.link_service(
                row.member, school=school, facility=facility, acting_user=acting_user
            )
        return len(changed)
