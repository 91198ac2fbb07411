"""Reference data of verification: schools (NPSN) and health facilities per desa (DESIGN §5).

`import_reference` loads one CSV of either kind, all or nothing like every
import (DESIGN §12): one error anywhere and nothing is written, the errors
going to a CSV `baris,kolom,nilai,pesan`.

- Schools `npsn,nama,jenjang,kode_desa` upsert by NPSN.
- Facilities `kode_desa,nama,jenis,kode_faskes` upsert by (desa, name), the
  name compared without regard to case or doubled spaces, so that
  "POSYANDU MAWAR" in next year's file is the same Posyandu Mawar.

The files are small (a kabupaten's schools are a few thousand rows), so rows
are checked in Python and written with bulk_create/bulk_update and one audit
statement per kind of change: a handful of queries whatever the size. An
import never touches `active`: a school closed by hand stays closed when the
next Dapodik export still lists it.

Reference data is not family data, so it is scoped by the user's region
alone (`reference_scope`): a pendamping sees the schools of their kecamatan,
not only those of their caseload.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.utils.translation import gettext as _

from harapan.accounts.roles import Role
from harapan.audit import trail
from harapan.exports import write_errors
from harapan.jobs.claims import claimed
from harapan.lib import regioncode, tabular
from harapan.lib.tabular import FileProblem, read_table
from harapan.regions.models import Region
from harapan.registry.importing.cli import reading

from . import actions
from .models import FacilityKind, HealthFacility, School, SchoolLevel

NAME_LENGTH = 150
NPSN = re.compile(r"[0-9]{8}")
FACILITY_CODE = re.compile(r"[A-Za-z0-9]{1,20}")
DESA_FORMAT = "Kode desa harus 10 angka, boleh bertitik (mis. 18.06.01.2001)"
# Keeps each IN list under SQLite's older limit of 999 parameters.
CHUNK = 900

Problem = tuple[str, str, str]  # (kolom, nilai, pesan)


# -- who sees what -------------------------------------------------------------------------


def reference_scope(user) -> str | None:
    """The region prefix whose schools and facilities `user` may read; '' all, None nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser or user.role == Role.ADMIN_PUSAT:
        return ""
    if not user.role:
        return None
    if user.region_id:
        return user.region_id
    return "" if user.role == Role.AUDITOR else None


def may_edit_reference(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in actions.REFERENCE_ROLES)
    )


def visible_references(user, model: type[models.Model]) -> models.QuerySet:
    scope = reference_scope(user)
    if scope is None:
        return model.objects.none()
    return model.objects.filter(region_code__startswith=scope)


def clean_name(text: str) -> str:
    return " ".join(text.split())


def name_key(text: str) -> str:
    """A facility name as compared for sameness: case and spacing do not count."""
    return clean_name(text).casefold()


# -- checking rows -------------------------------------------------------------------------


def _desa(text: str, problems: list[Problem]) -> str:
    try:
        code = regioncode.normalize(text)
    except regioncode.InvalidRegionCode:
        code = ""
    if len(code) != 10:
        problems.append(("kode_desa", text[:40], DESA_FORMAT))
        return ""
    return code


def _name(text: str, problems: list[Problem]) -> str:
    name = clean_name(text)
    if not name:
        problems.append(("nama", "", "Nama wajib diisi"))
    elif len(name) > NAME_LENGTH:
        problems.append(("nama", name[:40], f"Nama paling panjang {NAME_LENGTH} karakter"))
    return name


def check_school(values: list[str]) -> tuple[object, dict, list[Problem]]:
    """(key, model values, problems) of a row `npsn,nama,jenjang,kode_desa`."""
    npsn, name, level, desa = values
    problems: list[Problem] = []
    if not NPSN.fullmatch(npsn):
        problems.append(("npsn", npsn[:40], "NPSN harus tepat 8 angka"))
    name = _name(name, problems)
    level = level.lower()
    if level not in SchoolLevel.values:
        problems.append(("jenjang", level[:40], "Jenjang harus sd, smp atau sma"))
    code = _desa(desa, problems)
    fields = {"npsn": npsn, "name": name, "level": level, "region_code": code}
    return npsn, fields, problems


def check_facility(values: list[str]) -> tuple[object, dict, list[Problem]]:
    """(key, model values, problems) of a row `kode_desa,nama,jenis,kode_faskes`."""
    desa, name, kind, code = values
    problems: list[Problem] = []
    region = _desa(desa, problems)
    name = _name(name, problems)
    kind = kind.lower()
    if kind not in FacilityKind.values:
        problems.append(
            ("jenis", kind[:40], "Jenis harus salah satu dari: " + ", ".join(FacilityKind.values))
        )
    if code and not FACILITY_CODE.fullmatch(code):
        problems.append(
            ("kode_faskes", code[:40], "Kode faskes hanya huruf dan angka, paling banyak 20")
        )
    fields = {"region_code": region, "name": name, "kind": kind, "code": code}
    return (region, name_key(name)), fields, problems


@dataclass(frozen=True)
class ReferenceKind:
    """What differs between the two files; everything else is shared."""

    slug: str
    model: type[models.Model]
    columns: tuple[str, ...]
    required: tuple[str, ...]
    # The model fields a row sets (an import never touches `active`).
    fields: tuple[str, ...]
    check_row: Callable[[list[str]], tuple[object, dict, list[Problem]]]
    # The file columns that make the key; the one, and its model field, named
    # in a duplicate-row error.
    key_columns: tuple[str, ...]
    key_column: str
    key_field: str
    key_of: Callable[[models.Model], object]
    duplicate_message: str
    repr_sql: str


SCHOOLS = ReferenceKind(
    slug="sekolah",
    model=School,
    columns=("npsn", "nama", "jenjang", "kode_desa"),
    required=("npsn", "nama", "jenjang", "kode_desa"),
    fields=("npsn", "name", "level", "region_code"),
    check_row=check_school,
    key_columns=("npsn",),
    key_column="npsn",
    key_field="npsn",
    key_of=lambda school: school.npsn,
    duplicate_message="NPSN ini sudah ada di baris {line}: satu sekolah satu baris",
    repr_sql="name || ' (' || npsn || ')'",
)
FACILITIES = ReferenceKind(
    slug="faskes",
    model=HealthFacility,
    columns=("kode_desa", "nama", "jenis", "kode_faskes"),
    required=("kode_desa", "nama", "jenis"),
    fields=("region_code", "name", "kind", "code"),
    check_row=check_facility,
    key_columns=("kode_desa", "nama"),
    key_column="nama",
    key_field="name",
    key_of=lambda facility: (facility.region_code, name_key(facility.name)),
    duplicate_message="Fasilitas bernama ini di desa yang sama sudah ada di baris {line}",
    repr_sql="name || ' (' || kind || ')'",
)
KINDS = {kind.slug: kind for kind in (SCHOOLS, FACILITIES)}


# -- the import ----------------------------------------------------------------------------


@dataclass
class ReferenceResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    imported: bool = False
    file_problem: str = ""
    errors: list[tuple[int, str, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_problem

    @property
    def error_rows(self) -> int:
        return len({line for line, *_rest in self.errors})


@dataclass
class _Row:
    line: int
    key: object
    fields: dict


def import_reference(path: Path | str, kind: ReferenceKind, **options) -> ReferenceResult:
    """`_import_reference`, claimed for the uploader's region (all for the command line):
    ClaimRefused while another import of the same kind of file in an overlapping region runs."""
    region, user = options.get("scope_prefix", ""), options.get("acting_user")
    what = _("Impor data %(kind)s") % {"kind": kind.slug}
    with claimed(f"compliance.reference.import:{kind.slug}", region, what=what, user=user):
        return _import_reference(path, kind, **options)


def _import_reference(
    path: Path | str,
    kind: ReferenceKind,
    *,
    acting_user=None,
    scope_prefix: str = "",
    dry_run: bool = False,
    errors_out: Path | str | None = None,
    file_name: str | None = None,
    progress: tabular.Progress | None = None,
) -> ReferenceResult:
    """Import one schools or facilities file; nothing is written unless every row is good.

    `scope_prefix` is the uploader's region: a row whose desa lies outside it,
    or a school already registered outside it, is an error. The command line
    (a server administrator) passes ''. `progress` hears the rows read,
    checked and written (`tabular.Progress`). Raises FileProblem (after
    writing the errors file) when the file cannot be read at all.
    """
    path = Path(path)
    file_name = file_name or path.name
    progress = progress or tabular.no_progress
    result = ReferenceResult(kind=kind.slug, dry_run=dry_run)
    try:
        rows = _read(path, kind, result, progress)
    except FileProblem as problem:
        result.file_problem = str(problem)
        result.errors = [(1, "", "", str(problem))]
        _write_errors(result, errors_out)
        _audit(acting_user, kind, file_name, scope_prefix, result)
        raise
    progress(phase=tabular.MATCHING)
    _check_desa_codes(rows, scope_prefix, result)
    existing = _existing(rows, kind)
    _check_existing_scope(rows, existing, kind, scope_prefix, result)
    result.errors.sort()
    progress(checked=result.rows)
    if result.ok:
        new, changed = _plan(rows, existing, kind, result)
        if not dry_run:
            progress(phase=tabular.WRITING)
            _write(new, changed, kind, acting_user, file_name)
            result.imported = True
            progress(written=result.created + result.updated)
    _write_errors(result, errors_out)
    _audit(acting_user, kind, file_name, scope_prefix, result)
    return result


def _read(path: Path, kind: ReferenceKind, result: ReferenceResult, progress) -> list[_Row]:
    rows, first_line = [], {}
    progress(phase=tabular.READING)
    for line, values in read_table(path, kind.columns, kind.required):
        key, fields, problems = kind.check_row(values)
        result.rows += 1
        valid_key = not any(column in kind.key_columns for column, *_ in problems)
        if valid_key and key in first_line:
            problems.append(
                (
                    kind.key_column,
                    fields[kind.key_field],
                    kind.duplicate_message.format(line=first_line[key]),
                )
            )
        elif valid_key:
            first_line[key] = line
        result.errors.extend((line, *problem) for problem in problems)
        rows.append(_Row(line, key, fields))
        if result.rows % tabular.READ_EVERY == 0:
            progress(read=result.rows)
    progress(read=result.rows)
    if not rows:
        raise FileProblem("Berkas tidak berisi satu baris data pun")
    return rows


def _check_desa_codes(rows: list[_Row], scope_prefix: str, result: ReferenceResult) -> None:
    """Every desa must be a known desa, inside the uploader's region."""
    codes = {row.fields["region_code"] for row in rows if row.fields["region_code"]}
    known = set(
        Region.objects.filter(code__in=codes, level=regioncode.DESA).values_list("code", flat=True)
    )
    for row in rows:
        code = row.fields["region_code"]
        if not code:
            continue
        shown = regioncode.dotted(code)
        if code not in known:
            result.errors.append(
                (row.line, "kode_desa", shown, "Kode desa ini tidak ada di daftar wilayah")
            )
        elif not code.startswith(scope_prefix):
            result.errors.append(
                (row.line, "kode_desa", shown, f"Desa ini di luar wilayah Anda ({scope_prefix})")
            )


def _existing(rows: list[_Row], kind: ReferenceKind) -> dict:
    if kind is SCHOOLS:
        field, values = "npsn", sorted({row.key for row in rows})
    else:
        field, values = "region_code", sorted({row.fields["region_code"] for row in rows})
    found = []
    for start in range(0, len(values), CHUNK):
        lookup = {f"{field}__in": values[start : start + CHUNK]}
        found += kind.model.objects.filter(**lookup).order_by("pk")
    existing = {}
    for obj in sorted(found, key=lambda obj: obj.pk):
        # Should two names differ only in case (entered before this rule), the older one wins.
        existing.setdefault(kind.key_of(obj), obj)
    return existing


def _check_existing_scope(rows, existing, kind, scope_prefix: str, result) -> None:
    """An operator may not pull another region's school into theirs by its NPSN.

    A facility's key holds its desa, already checked to lie in the scope.
    """
    if not scope_prefix or kind is not SCHOOLS:
        return
    for row in rows:
        obj = existing.get(row.key)
        if obj is not None and not obj.region_code.startswith(scope_prefix):
            result.errors.append(
                (
                    row.line,
                    kind.key_column,
                    str(row.key),
                    "Sekolah ini tidak ditemukan di wilayah Anda",
                )
            )


def _plan(rows, existing, kind: ReferenceKind, result: ReferenceResult):
    new, changed = [], []
    for row in rows:
        obj = existing.get(row.key)
        if obj is None:
            new.append(kind.model(**row.fields))
            continue
        if all(getattr(obj, name) == value for name, value in row.fields.items()):
            result.unchanged += 1
            continue
        for name, value in row.fields.items():
            setattr(obj, name, value)
        changed.append(obj)
    result.created, result.updated = len(new), len(changed)
    return new, changed


@transaction.atomic
def _write(new, changed, kind: ReferenceKind, acting_user, file_name: str) -> None:
    created = kind.model.objects.bulk_create(new, batch_size=500)
    kind.model.objects.bulk_update(changed, list(kind.fields), batch_size=500)
    details = {"via": "impor", "file": file_name}
    for verb, objects in (("create", created), ("update", changed)):
        ids = [obj.pk for obj in objects]
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            trail.record_set(
                acting_user,
                f"compliance.{kind.model._meta.model_name}.{verb}",
                kind.model._meta.label_lower,
                f"SELECT id AS object_id, {kind.repr_sql} AS object_repr, region_code "
                f"FROM {kind.model._meta.db_table} WHERE id IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
                details=details,
            )


def _audit(acting_user, kind: ReferenceKind, file_name: str, scope_prefix, result) -> None:
    """The summary of an import, or of a rejected attempt (which writes nothing else)."""
    if result.dry_run and not result.file_problem:
        return
    reason = ""
    if not result.imported:
        reason = result.file_problem or tabular.errors_reason(len(result.errors), result.error_rows)
    trail.record(
        acting_user,
        f"compliance.{kind.model._meta.model_name}.import",
        None,
        region_code=scope_prefix,
        details={
            "file": file_name,
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "rejected": not result.imported,
            "reason": reason,
            "errors": len(result.errors),
            "file_problem": result.file_problem,
        },
    )


def _write_errors(result: ReferenceResult, errors_out: Path | str | None) -> None:
    if errors_out:
        write_errors(errors_out, result.errors)


# -- the commands --------------------------------------------------------------------------


class ReferenceImportCommand(BaseCommand):
    """`import_schools` and `import_health_facilities`: the same command for two files."""

    kind: ReferenceKind

    def add_arguments(self, parser):
        parser.add_argument("file", help="berkas .csv (UTF-8) atau .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="periksa saja, tanpa menyimpan")
        parser.add_argument(
            "--errors", metavar="OUT", help="tulis galat ke CSV baris,kolom,nilai,pesan"
        )

    def handle(self, *args, file, dry_run, errors, **options):
        with reading(file, errors):
            result = import_reference(file, self.kind, dry_run=dry_run, errors_out=errors)
        write = self.stdout.write
        write(f"Baris dibaca: {result.rows:,}")
        if not result.ok:
            for line, column, value, message in result.errors[:10]:
                write(f"  baris {line} {column} {value!r}: {message}")
            where = (
                f" (rincian di {errors})" if errors else " (pakai --errors OUT untuk rinciannya)"
            )
            raise CommandError(
                f"Impor dibatalkan: {len(result.errors):,} galat pada {result.error_rows:,} "
                f"baris{where}; tidak ada yang diimpor."
            )
        counts = f"baru {result.created:,} · diubah {result.updated:,} · tetap {result.unchanged:,}"
        if dry_run:
            write(f"Uji coba, tidak ada yang disimpan: {counts}")
        else:
            write(f"Diimpor: {counts}")
