"""The family list as a spreadsheet: the columns, read a chunk of families at a time.

`harapan.exports.xlsx_response` writes the workbook (write-only, so a kabupaten's
hundreds of thousands of rows are not held as cells); this module only says what
each row holds. Five queries per chunk, whatever the number of members.
"""

from collections import Counter
from collections.abc import Iterator
from datetime import date
from itertools import chain

from django.db.models import QuerySet

from harapan.accounts.models import User
from harapan.display import formats
from harapan.lib import regioncode
from harapan.lib.nik import shown_nik
from harapan.reporting import region_names, scope_heading

from .eligibility import COMPONENTS, LABELS, component_expression
from .models import Family, FamilyStatus, Member, Relation

CHUNK = 2000
FIELDS = ("pk", "registry_id", "region_code", "status", "pendamping_id")

FAMILY_HEADER = [
    "Kepala keluarga",
    "NIK kepala keluarga",
    "ID keluarga",
    "Desa/kelurahan",
    "Kode desa",
    "Kecamatan",
    "Pendamping",
    "Status",
    "Komponen",
]


def family_lines(families: QuerySet, user, on: date) -> Iterator[list]:
    """One line per family of `families` (already scoped to `user`), by ID keluarga.

    NIKs are masked for every role, as on the list the export comes from.
    """
    # Plain values, not model instances: building 2,000 Family and User objects a chunk
    # costs more than its queries.
    ordered = families.order_by("registry_id").values_list(*FIELDS, named=True)
    # Translated once per export, not once per row: gettext per cell costs more than the query.
    labels = {
        "status": {value: str(label) for value, label in FamilyStatus.choices},
        "component": {code: str(LABELS[code]) for code in COMPONENTS},
    }
    last = None
    while True:
        chunk = list((ordered.filter(registry_id__gt=last) if last else ordered)[:CHUNK])
        if not chunk:
            return
        yield from _lines(chunk, user, on, labels)
        last = chunk[-1].registry_id


def _lines(chunk: list, user, on: date, labels: dict) -> Iterator[list]:
    ids = [f.pk for f in chunk]
    members = Member.objects.visible_to(user).filter(family_id__in=ids)
    heads = {}
    # Should a family carry two heads (a data error), the first recorded wins.
    for family_id, name, nik in (
        members.filter(relation=Relation.HEAD)
        .order_by("family_id", "-pk")
        .values_list("family_id", "name", "nik")
    ):
        heads[family_id] = (name, nik)
    earned = Counter(
        members.annotate(component=component_expression(on))
        .exclude(component=None)
        .values_list("family_id", "component")
    )
    desa = {f.region_code for f in chunk}
    names = region_names(desa | {code[:6] for code in desa})
    people = {f.pendamping_id for f in chunk} - {None}
    pendamping = {user.pk: str(user) for user in User.objects.filter(pk__in=people)}
    for family in chunk:
        name, nik = heads.get(family.pk, ("", ""))
        yield [
            name,
            shown_nik(nik, full=False) if nik else "",
            family.registry_id,
            names.get(family.region_code, ""),
            formats.region(family.region_code),
            names.get(family.region_code[:6], ""),
            pendamping.get(family.pendamping_id, ""),
            labels["status"].get(family.status, family.status),
            _components(earned, family.pk, labels["component"]),
        ]


def _components(earned: Counter, family_id: int, labels: dict[str, str]) -> str:
    """'Anak usia dini, SD/sederajat (2)': the labels in the order of DESIGN §4."""
    parts = []
    for code in COMPONENTS:
        count = earned[(family_id, code)]
        if count:
            parts.append(f"{labels[code]} ({count})" if count > 1 else labels[code])
    return ", ".join(parts)


def family_export_parts(form, user, today: date) -> tuple[int, list[list], list[list], Iterator]:
    """The family list's export for a valid `FamilySearchForm`, as `user` sees it: how many
    families, the filters as lines, the `keterangan` lines, and the rows (header first),
    read a chunk at a time. The page's download and the background task both write it."""
    families = form.filter(Family.objects.visible_to(user), user, today)
    count = families.count()
    filters = filter_notes(form.cleaned_data)
    about = [
        ["cakupan", scope_heading(user)],
        ["diekspor oleh", user.get_username()],
        *filters,
        ["jumlah KPM", formats.number(count)],
        ["komponen per", formats.day(today)],
    ]
    return count, filters, about, chain([FAMILY_HEADER], family_lines(families, user, today))


def filter_notes(cleaned: dict) -> list[list]:
    """The filters of the family list, as lines of the `keterangan` sheet (empty ones left out)."""
    notes = []
    if cleaned.get("q"):
        notes.append(["cari", cleaned["q"]])
    if cleaned.get("desa"):
        code = cleaned["desa"]
        name = region_names([code]).get(code, "")
        notes.append(["wilayah", f"{name} ({regioncode.dotted(code)})" if name else code])
    if cleaned.get("status"):
        notes.append(["status", str(FamilyStatus(cleaned["status"]).label)])
    if cleaned.get("component"):
        notes.append(["komponen", str(LABELS[cleaned["component"]])])
    return notes
