"""`import_programs`: complementary programme participations in bulk, all or nothing
(DESIGN §9, §12).

1. Stream the file with the shared reader; check each row's format in Python
   (a known programme and status, `YYYY-MM-DD` dates in order, a NIK exactly
   when the programme is a member's) and stage it, with its errors, through
   the bulk path.
2. Check what needs the database in SQL over the staged rows: the family
   exists (and, on the upload page, is one the uploader may see), a
   member-level row's NIK is a member of that family, and no (id_keluarga,
   nik, program, mulai) comes twice.
3. With any error, nothing is written. Otherwise each row is matched to the
   participation of the same key (family, NIK, programme, start: the model's
   unique constraint): a new key is inserted, a key whose end or status
   differs is updated, and the same row again is left alone, so re-importing
   a file changes nothing. One audit row for the file.
"""

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from harapan import bulk, staged_import
from harapan.audit import trail
from harapan.jobs.claims import claimed
from harapan.lib import tabular
from harapan.lib.nik import InvalidNik, clean_nik
from harapan.lib.tabular import NUMBER_CELL, number_cell_message, read_table
from harapan.registry.models import Family
from harapan.staged_import import StagedResult

from .catalogue import MEMBER_LEVEL, Programme
from .models import Source, Status

COLUMNS = ("id_keluarga", "nik", "program", "mulai", "selesai", "status")
REQUIRED = ("id_keluarga", "program", "mulai", "status")
ACTION = "programs.participation.import"
NOT_REGISTERED = "ID keluarga tidak terdaftar"
NOT_IN_SCOPE = "ID keluarga tidak ditemukan di wilayah Anda"

ROWS = "harapan_programs_rows"
ERRORS = "harapan_programs_errors"
VISIBLE = "harapan_programs_visible"
MATCHED = "harapan_programs_matched"
TABLES = (ROWS, ERRORS, VISIBLE, MATCHED)

# `keyed`: id_keluarga, program and mulai are well formed and the NIK agrees with the
# programme's level, so the row can be matched to its participation even when its end or
# status is wrong. A row's family is looked up whenever it names one: one pass names both.
ROW_COLUMNS = ("line", "registry_id", "nik", "programme", "starts_on", "ends_on", "status",
               "keyed")  # fmt: skip

# The contract's one date format (DESIGN §12); a workbook's date cell arrives in it.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PROGRAMMES = frozenset(Programme.values)
_MEMBER_LEVEL = frozenset(str(programme) for programme in MEMBER_LEVEL)
_STATUSES = frozenset(Status.values)
REGISTRY_ID_LENGTH = 32

# What happens to a matched row when the file is written.
NEW, CHANGED, SAME = "new", "changed", "same"


@dataclass
class ProgrammeImportResult(StagedResult):
    families: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


# -- one row at a time ---------------------------------------------------------------------


def check_row(values: list[str]) -> tuple[tuple, bool, list[tuple[str, str, str]]]:
    """(staged values, whether the key is usable, [(kolom, nilai, pesan)]) of one row."""
    registry_id, nik_text, programme_text, starts_text, ends_text, status_text = values
    errors: list[tuple[str, str, str]] = []
    if len(registry_id) > REGISTRY_ID_LENGTH:
        errors.append(("id_keluarga", registry_id[:40], "ID keluarga paling panjang 32 karakter"))
    elif not registry_id:
        errors.append(("id_keluarga", "", "ID keluarga wajib diisi"))
    programme = programme_text.lower()
    if programme not in _PROGRAMMES:
        codes = ", ".join(Programme.values)
        errors.append(("program", programme_text, f"Program tidak dikenal; pilih salah satu: "
                                                  f"{codes}"))  # fmt: skip
    nik = _nik(nik_text, programme, errors)
    starts_on = _date(starts_text, "mulai", "Tanggal mulai", errors)
    keyed = not errors
    ends_on = _date(ends_text, "selesai", "Tanggal selesai", errors) if ends_text else None
    if starts_on and ends_on and ends_on < starts_on:
        message = f"Tanggal selesai sebelum tanggal mulai {starts_text}: urutan tanggal terbalik"
        errors.append(("selesai", ends_text, message))
    status = status_text.lower()
    if status not in _STATUSES:
        errors.append(("status", status_text, "Status harus menerima, diusulkan atau ditolak"))
    if len(registry_id) > REGISTRY_ID_LENGTH:
        registry_id = ""  # its own error says enough: no second one for an unknown family
    staged = (registry_id, nik, programme[:20],
              starts_on.isoformat() if starts_on else None,
              ends_on.isoformat() if ends_on else None, status[:10])  # fmt: skip
    return staged, keyed, errors


def _nik(text: str, programme: str, errors: list) -> str:
    """The member's NIK for a member-level programme; '' for a family-level one."""
    if programme not in _PROGRAMMES:
        return ""  # the programme's own error says enough
    if programme not in _MEMBER_LEVEL:
        if text:
            errors.append(("nik", text, f"Program {programme} untuk keluarga, bukan anggota: "
                                        "kosongkan nik"))  # fmt: skip
        return ""
    if not text:
        errors.append(("nik", "", f"Program {programme} untuk anggota: isi NIK anggotanya"))
        return ""
    if text.startswith(NUMBER_CELL):
        errors.append(("nik", text.removeprefix(NUMBER_CELL), number_cell_message("NIK")))
        return ""
    try:
        return clean_nik(text)
    except InvalidNik as problem:
        errors.append(("nik", text, str(problem)))
        return ""


def _date(text: str, column: str, label: str, errors: list) -> date | None:
    if not _ISO_DATE.fullmatch(text):
        errors.append((column, text, f"{label} harus ditulis TTTT-BB-HH, mis. 2026-01-31"))
        return None
    day, problem = tabular.read_date(text, label)
    if problem:
        errors.append((column, text, problem))
    return day


# -- the import ----------------------------------------------------------------------------


def import_programs(path: Path | str, **options) -> ProgrammeImportResult:
    """`_import_programs`, claimed for the uploader's region (all for the command line):
    ClaimRefused while another participations import of an overlapping region runs."""
    region = staged_import.region_of(options.get("scope_user"))
    user = options.get("acting_user")
    what = _("Impor kepesertaan program")
    with claimed(ACTION, region, what=what, user=user):
        return _import_programs(path, **options)


def _import_programs(
    path: Path | str,
    *,
    acting_user=None,
    scope_user=None,
    dry_run: bool = False,
    errors_out: Path | str | None = None,
    file_name: str | None = None,
    progress: tabular.Progress | None = None,
    keep_error_lines: int = 500,
) -> ProgrammeImportResult:
    """Import a participations file; nothing is written unless every row is good.

    `acting_user` is recorded as `recorded_by` and in the audit trail.
    `scope_user` limits the rows to the families that user may see (the
    upload page passes the uploader; the command line passes None).
    Raises FileProblem, after writing the errors file, when the file cannot
    be read at all.
    """
    path = Path(path)
    actor = acting_user if acting_user is not None and acting_user.is_authenticated else None
    result = ProgrammeImportResult(dry_run=dry_run)
    progress = progress or tabular.no_progress
    file_name = file_name or path.name
    region = staged_import.region_of(scope_user or actor)

    def steps() -> None:
        _stage(path, result, progress)
        progress(phase=tabular.MATCHING)
        _match(scope_user)
        _check_duplicates()
        _count(result)
        progress(checked=result.rows)
        if result.ok and not dry_run:
            progress(phase=tabular.WRITING)
            _write(result, actor, file_name, region)
            progress(written=result.created + result.updated)

    return staged_import.run(
        result, steps, action=ACTION, tables=TABLES, errors=ERRORS, actor=actor, region=region,
        file_name=file_name, errors_out=errors_out, keep_error_lines=keep_error_lines,
    )  # fmt: skip


def _stage(path: Path, result: ProgrammeImportResult, progress) -> None:
    bulk.execute(f"""
        CREATE TEMPORARY TABLE {ROWS} (
            line integer, registry_id varchar(32), nik varchar(16), programme varchar(20),
            starts_on date, ends_on date, status varchar(10), keyed boolean)""")
    rows = read_table(path, COLUMNS, REQUIRED, text_only=("nik",))
    staged_import.stage(rows, check_row, table=ROWS, columns=ROW_COLUMNS, errors=ERRORS,
                        result=result, progress=progress)  # fmt: skip
    # Serves the family lookup and the duplicate check alike.
    bulk.execute(f"CREATE INDEX {ROWS}_key ON {ROWS} (registry_id, nik, programme, starts_on)")
    bulk.analyze(ROWS, ERRORS)


def _match(scope_user) -> None:
    """Each keyed row's family (in scope) and, for a member-level programme, its member;
    with the participation of the same key, if there is one, and what writing would do."""
    if scope_user is not None:
        in_file = RawSQL(f"SELECT registry_id FROM {ROWS} WHERE registry_id <> ''", ())
        visible = Family.objects.visible_to(scope_user).filter(registry_id__in=in_file)
        sql, params = visible.values("id", "registry_id", "region_code").query.sql_with_params()
    else:
        sql, params = "SELECT id, registry_id, region_code FROM registry_family", ()
    bulk.execute(
        f"""CREATE TEMPORARY TABLE {VISIBLE} AS
            SELECT f.id, f.registry_id, f.region_code FROM ({sql}) f
            WHERE f.registry_id IN (SELECT registry_id FROM {ROWS} WHERE registry_id <> '')""",
        params,
    )
    bulk.execute(f"CREATE UNIQUE INDEX {VISIBLE}_id ON {VISIBLE} (registry_id)")
    bulk.analyze(VISIBLE)
    # An uploader with a scope hears the same for a family registered nowhere as for one
    # registered outside their scope: the message must not tell that it exists.
    bulk.execute(f"""
        INSERT INTO {ERRORS} (line, kolom, nilai, pesan)
        SELECT r.line, 'id_keluarga', r.registry_id, %s
        FROM {ROWS} r
        WHERE r.registry_id <> '' AND NOT EXISTS (SELECT 1 FROM {VISIBLE} f
                                      WHERE f.registry_id = r.registry_id)""",
        [NOT_IN_SCOPE if scope_user is not None else NOT_REGISTERED],
    )  # fmt: skip
    member_level = ", ".join(["%s"] * len(_MEMBER_LEVEL))
    member_programmes = sorted(_MEMBER_LEVEL)
    bulk.execute(
        f"""CREATE TEMPORARY TABLE {MATCHED} AS
            SELECT r.line, r.nik, r.programme, r.starts_on, r.ends_on, r.status,
                   f.id AS family_id, f.region_code,
                   CASE WHEN r.programme IN ({member_level})
                        THEN (SELECT MIN(m.id) FROM registry_member m
                              WHERE m.family_id = f.id AND m.nik = r.nik) END AS member_id
            FROM {ROWS} r JOIN {VISIBLE} f ON f.registry_id = r.registry_id
            WHERE r.keyed""",
        member_programmes,
    )
    bulk.execute(f"""
        INSERT INTO {ERRORS} (line, kolom, nilai, pesan)
        SELECT x.line, 'nik', x.nik, 'NIK bukan anggota keluarga ' || f.registry_id
        FROM {MATCHED} x JOIN {VISIBLE} f ON f.id = x.family_id
        WHERE x.nik <> '' AND x.member_id IS NULL""")  # fmt: skip
    bulk.execute(f"DELETE FROM {MATCHED} WHERE nik <> '' AND member_id IS NULL")
    _compare_with_recorded()


def _compare_with_recorded() -> None:
    """Set each matched row's participation of the same key and whether writing it would
    add it (new), change its end or status (changed) or leave it as it is (same)."""
    differs = bulk.distinct_op()
    bulk.execute(f"ALTER TABLE {MATCHED} ADD COLUMN participation_id bigint")
    bulk.execute(f"ALTER TABLE {MATCHED} ADD COLUMN outcome varchar(8)")
    bulk.execute(f"CREATE INDEX {MATCHED}_key ON {MATCHED} (family_id, nik, programme, starts_on)")
    bulk.analyze(MATCHED)
    same_key = f"""p.family_id = {MATCHED}.family_id AND p.nik = {MATCHED}.nik
                   AND p.programme = {MATCHED}.programme AND p.starts_on = {MATCHED}.starts_on"""
    bulk.execute(
        f"UPDATE {MATCHED} SET participation_id = "
        f"(SELECT p.id FROM programs_participation p WHERE {same_key})"
    )
    bulk.execute(
        f"""UPDATE {MATCHED} SET outcome = CASE
                WHEN participation_id IS NULL THEN %s
                WHEN EXISTS (SELECT 1 FROM programs_participation p
                             WHERE p.id = {MATCHED}.participation_id
                               AND (p.ends_on {differs} {MATCHED}.ends_on
                                    OR p.status <> {MATCHED}.status)) THEN %s
                ELSE %s END""",
        [NEW, CHANGED, SAME],
    )


def _check_duplicates() -> None:
    bulk.execute(f"""
        INSERT INTO {ERRORS} (line, kolom, nilai, pesan)
        SELECT r.line, 'mulai', CAST(r.starts_on AS varchar(10)),
               'id_keluarga, nik, program dan mulai yang sama sudah ada di baris '
               || CAST(d.first_line AS varchar(12))
        FROM {ROWS} r
        JOIN (SELECT registry_id, nik, programme, starts_on, MIN(line) AS first_line
              FROM {ROWS} WHERE keyed GROUP BY registry_id, nik, programme, starts_on
              HAVING COUNT(*) > 1) d
          ON d.registry_id = r.registry_id AND d.nik = r.nik AND d.programme = r.programme
         AND d.starts_on = r.starts_on
        WHERE r.keyed AND r.line <> d.first_line""")  # fmt: skip


def _count(result: ProgrammeImportResult) -> None:
    staged_import.count_errors(result, ERRORS)
    result.families = bulk.scalar(f"SELECT COUNT(DISTINCT family_id) FROM {MATCHED}")
    outcomes = dict(bulk.rows(f"SELECT outcome, COUNT(*) FROM {MATCHED} GROUP BY outcome"))
    result.created = outcomes.get(NEW, 0)
    result.updated = outcomes.get(CHANGED, 0)
    result.unchanged = outcomes.get(SAME, 0)


def _write(result: ProgrammeImportResult, actor, file_name: str, region: str) -> None:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    actor_id = actor.pk if actor else None
    if result.updated:
        from_file = (
            f"SELECT x.{{}} FROM {MATCHED} x WHERE x.participation_id = programs_participation.id"
        )
        bulk.execute(
            f"""UPDATE programs_participation
                SET ends_on = ({from_file.format("ends_on")}),
                    status = ({from_file.format("status")}),
                    source = %s, recorded_by_id = %s, recorded_at = %s
                WHERE id IN (SELECT participation_id FROM {MATCHED} WHERE outcome = %s)""",
            [Source.IMPORT, actor_id, now, CHANGED],
        )
    bulk.execute(
        f"""INSERT INTO programs_participation (family_id, member_id, nik, region_code,
                programme, starts_on, ends_on, status, source, recorded_by_id, recorded_at)
            SELECT x.family_id, x.member_id, x.nik, x.region_code, x.programme, x.starts_on,
                   x.ends_on, x.status, %s, %s, %s
            FROM {MATCHED} x WHERE x.outcome = %s""",
        [Source.IMPORT, actor_id, now, NEW],
    )  # fmt: skip
    result.imported = True
    trail.record(actor, ACTION, None, region_code=region,
                 details={"berkas": file_name, **result.summary()})  # fmt: skip
