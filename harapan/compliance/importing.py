"""`import_verification`: monthly verification records in bulk, all or nothing (DESIGN §5, §12).

1. Stream the CSV with the registry import's reader; check each row's format
   in Python and stage it, with its errors, through the bulk path.
2. Check what spans rows or needs the database in SQL over the staged rows:
   the NIK is a member of exactly one active family (and, on the upload
   page, one the uploader may see); that member owes the commitment in the
   month — the registry's component rule, evaluated once per distinct month
   of the file; no (nik, bulan, komitmen) twice; a known NPSN.
3. With any error, nothing is written. Otherwise the staged (member,
   commitment, month) keys replace what was recorded before, in two
   statements, with one audit row per record written and one for the file.

Results are not turned into sanctions here: `compute_sanctions` reads them.
"""

import re
from dataclasses import dataclass, field
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
from harapan.lib.tabular import read_table
from harapan.registry import eligibility, worklog
from harapan.registry.models import FamilyStatus, Member
from harapan.staged_import import StagedResult

from . import calendar, commitments
from .models import ComplianceRules, Result, Source, Verification

COLUMNS = ("nik", "bulan", "komitmen", "hasil", "persen_kehadiran", "alasan", "npsn", "catatan")
REQUIRED = ("nik", "bulan", "komitmen")
ACTION = "compliance.verification.import"
NOT_REGISTERED = "NIK tidak terdaftar sebagai anggota KPM aktif"
NOT_IN_SCOPE = "NIK tidak ditemukan di wilayah Anda"
# PKH began in 2007: an earlier month is a typo, and the age rules of the
# component expression cannot reach back to the year 1.
FIRST_MONTH = date(2007, 1, 1)

ROWS = "harapan_verification_rows"
ERRORS = "harapan_verification_errors"
NIKS = "harapan_verification_niks"
VISIBLE = "harapan_verification_visible"
SEEN = "harapan_verification_seen"
MATCHED = "harapan_verification_matched"
OWED = "harapan_verification_owed"
TABLES = (ROWS, ERRORS, NIKS, SEEN, VISIBLE, MATCHED, OWED)

# `keyed`: nik, bulan and komitmen are well formed, so the row can be matched
# to a member even when another of its values is wrong — one pass names both.
ROW_COLUMNS = ("line", "nik", "month", "month_text", "commitment", "result", "attendance",
               "derived", "reason", "npsn", "evidence", "keyed")  # fmt: skip

_PERCENT = re.compile(r"([0-9]{1,3})\s*%?")
# Looked up once per row: TextChoices.values builds a new list on every call.
_RESULTS = frozenset(Result.values)
_COMPONENTS = frozenset(eligibility.COMPONENTS)
_NPSN = re.compile(r"[0-9A-Z]{8}")


@dataclass
class VerificationImportResult(StagedResult):
    members: int = 0
    months: list[str] = field(default_factory=list)
    replaced: int = 0
    by_result: dict[str, int] = field(default_factory=dict)
    derived: int = 0  # results taken from persen_kehadiran


# -- one row at a time ---------------------------------------------------------------------


class RowChecker:
    """The format rules of one row; remembers each year's attendance threshold."""

    def __init__(self, this_month: date):
        self.this_month = this_month
        self._thresholds: dict[int, int] = {}
        self._months: dict[str, tuple[date | None, str]] = {}

    def threshold(self, year: int) -> int:
        if year not in self._thresholds:
            self._thresholds[year] = ComplianceRules.for_year(year).attendance_threshold
        return self._thresholds[year]

    def check(self, values: list[str]) -> tuple[tuple, bool, list[tuple[str, str, str]]]:
        """(staged values, whether the key is usable, [(kolom, nilai, pesan)])."""
        nik_text, month_text, commitment, result, percent, reason, npsn, evidence = values
        errors: list[tuple[str, str, str]] = []
        nik = self._nik(nik_text, errors)
        month = self._month(month_text, errors)
        commitment = commitment.lower().replace(" ", "_")
        if commitment not in _COMPONENTS:
            codes = ", ".join(eligibility.COMPONENTS)
            errors.append(
                ("komitmen", commitment, f"Komitmen harus kode komponen anggota: {codes}")
            )
        keyed = not errors
        attendance = self._attendance(percent, commitment, errors)
        result, derived = self._result(result, attendance, month, percent, errors)
        reason = self._reason(reason.strip(), result, errors)
        npsn = npsn.upper()
        if npsn and not _NPSN.fullmatch(npsn):
            errors.append(("npsn", npsn, "NPSN harus 8 karakter angka/huruf"))
        elif npsn and commitment not in eligibility.SCHOOL_LEVELS:
            errors.append(("npsn", npsn, "NPSN hanya untuk komitmen sekolah (sd, smp, sma)"))
        if len(evidence) > 300:
            errors.append(("catatan", evidence[:40], "Catatan paling panjang 300 karakter"))
        # calendar.month_label, without strftime: it cost more than the rest of the row.
        label = f"{month.year:04d}-{month.month:02d}" if month else ""
        staged = (nik, f"{label}-01" if month else None, label, commitment[:20], result[:12],
                  attendance, derived, reason[:200], npsn[:8], evidence[:300])  # fmt: skip
        return staged, keyed, errors

    @staticmethod
    def _nik(text: str, errors: list) -> str:
        try:
            return clean_nik(text)
        except InvalidNik as problem:
            errors.append(("nik", text, str(problem)))
            return ""

    def _month(self, text: str, errors: list) -> date | None:
        # A file holds a handful of months: each distinct text is read once.
        if text not in self._months:
            self._months[text] = self._read_month(text)
        month, problem = self._months[text]
        if problem:
            errors.append(("bulan", text, problem))
        return month

    def _read_month(self, text: str) -> tuple[date | None, str]:
        try:
            month = calendar.parse_month(text)
        except ValueError as problem:
            return None, str(problem)
        if month > self.this_month:
            return None, ("Bulan ini belum berjalan: verifikasi hanya untuk bulan berjalan atau "
                          "yang sudah lewat")  # fmt: skip
        if month < FIRST_MONTH:
            return None, "Bulan sebelum PKH berjalan (2007-01)"
        return month, ""

    @staticmethod
    def _attendance(text: str, commitment: str, errors: list) -> int | None:
        if not text:
            return None
        found = _PERCENT.fullmatch(text)
        if not found or int(found.group(1)) > 100:
            errors.append(("persen_kehadiran", text, "Persen kehadiran harus bilangan bulat 0–100"))
            return None
        if commitment in _COMPONENTS and not commitments.is_school(commitment):
            message = "Persen kehadiran hanya untuk komitmen sekolah (sd, smp, sma)"
            errors.append(("persen_kehadiran", text, message))
            return None
        return int(found.group(1))

    def _result(self, text, attendance, month, percent, errors) -> tuple[str, bool]:
        result = text.lower().replace(" ", "_")
        if result:
            if result not in _RESULTS:
                errors.append(("hasil", text, "Hasil harus patuh, tidak_patuh atau dikecualikan"))
            return result, False
        if attendance is not None and month is not None:
            threshold = self.threshold(month.year)
            return commitments.result_from_attendance(attendance, threshold), True
        if not percent:  # a malformed percentage already has its own error
            errors.append(("hasil", "", "Isi hasil (patuh, tidak_patuh atau dikecualikan), atau "
                                        "persen_kehadiran untuk anak sekolah"))  # fmt: skip
        return "", False

    @staticmethod
    def _reason(reason: str, result: str, errors: list) -> str:
        if result != Result.EXCUSED:
            return ""  # a reason only explains an exemption (as the form keeps it)
        if not reason:
            errors.append(("alasan", "", "Alasan wajib diisi bila hasil dikecualikan "
                                         "(mis. sakit, bencana, fasilitas tutup)"))  # fmt: skip
        elif len(reason) > 200:
            errors.append(("alasan", reason[:40], "Alasan paling panjang 200 karakter"))
        return reason


def _result_or_attendance(names: list[str]) -> list[str]:
    return (
        [] if "hasil" in names or "persen_kehadiran" in names else ["hasil atau persen_kehadiran"]
    )


# -- the import ----------------------------------------------------------------------------


def import_verification(path: Path | str, **options) -> VerificationImportResult:
    """`_import_verification`, claimed for the uploader's region (all for the command
    line): ClaimRefused while another verification import of an overlapping region runs."""
    region = staged_import.region_of(options.get("scope_user"))
    user = options.get("acting_user")
    with claimed("compliance.verification.import", region, what=_("Impor verifikasi"), user=user):
        return _import_verification(path, **options)


def _import_verification(
    path: Path | str,
    *,
    acting_user=None,
    scope_user=None,
    dry_run: bool = False,
    errors_out: Path | str | None = None,
    file_name: str | None = None,
    progress: tabular.Progress | None = None,
    keep_error_lines: int = 500,
    today: date | None = None,
) -> VerificationImportResult:
    """Import a verification file; nothing is written unless every row is good.

    `acting_user` is recorded as `recorded_by` and in the audit trail.
    `scope_user` limits the rows to the members that user may see (the
    upload page passes the uploader; the command line, a server
    administrator, passes None). `progress` hears the rows read, checked and
    written (`tabular.Progress`). Raises FileProblem, after writing the errors
    file, when the file cannot be read at all.
    """
    path = Path(path)
    actor = acting_user if acting_user is not None and acting_user.is_authenticated else None
    result = VerificationImportResult(dry_run=dry_run)
    checker = RowChecker(calendar.month_start(today or timezone.localdate()))
    progress = progress or tabular.no_progress
    file_name = file_name or path.name
    region = staged_import.region_of(scope_user or actor)

    def steps() -> None:
        _stage(path, checker, result, progress)
        progress(phase=tabular.MATCHING)
        _match_members(scope_user)
        _check_commitments()
        _check_duplicates_and_schools()
        _count(result)
        progress(checked=result.rows)
        if result.ok and not dry_run:
            progress(phase=tabular.WRITING)
            _write(result, actor, file_name, region)
            progress(written=result.rows)

    return staged_import.run(
        result, steps, action=ACTION, tables=TABLES, errors=ERRORS, actor=actor, region=region,
        file_name=file_name, errors_out=errors_out, keep_error_lines=keep_error_lines,
    )  # fmt: skip


def _stage(path: Path, checker: RowChecker, result, progress) -> None:
    bulk.execute(f"""
        CREATE TEMPORARY TABLE {ROWS} (
            line integer, nik varchar(16), month date, month_text varchar(7),
            commitment varchar(20), result varchar(12), attendance smallint, derived boolean,
            reason varchar(200), npsn varchar(8), evidence varchar(300), keyed boolean)""")
    rows = read_table(path, COLUMNS, REQUIRED, missing_also=_result_or_attendance)
    staged_import.stage(rows, checker.check, table=ROWS, columns=ROW_COLUMNS, errors=ERRORS,
                        result=result, progress=progress)  # fmt: skip
    # Serves the member lookup (by NIK) and the duplicate check alike.
    bulk.execute(f"CREATE INDEX {ROWS}_key ON {ROWS} (nik, month_text, commitment)")
    bulk.analyze(ROWS, ERRORS)


def _match_members(scope_user) -> None:
    """Each keyed row's member: the one active-family member with its NIK, in scope."""
    bulk.execute(
        f"""CREATE TEMPORARY TABLE {NIKS} AS
            SELECT m.nik, COUNT(*) AS families, MIN(m.id) AS member_id,
                   MIN(m.region_code) AS region_code
            FROM registry_member m JOIN registry_family f ON f.id = m.family_id
            WHERE f.status = %s AND m.nik IN (SELECT nik FROM {ROWS} WHERE keyed)
            GROUP BY m.nik""",
        [FamilyStatus.ACTIVE],
    )
    bulk.execute(f"CREATE UNIQUE INDEX {NIKS}_nik ON {NIKS} (nik)")
    bulk.analyze(NIKS)
    # An uploader with a scope hears the same for a NIK registered nowhere as for one
    # registered outside their scope: the message must not tell that it exists.
    bulk.execute(f"""
        INSERT INTO {ERRORS} (line, kolom, nilai, pesan)
        SELECT r.line, 'nik', r.nik, %s
        FROM {ROWS} r
        WHERE r.keyed AND NOT EXISTS (SELECT 1 FROM {NIKS} k WHERE k.nik = r.nik)""",
        [NOT_IN_SCOPE if scope_user is not None else NOT_REGISTERED],
    )  # fmt: skip
    if scope_user is not None:
        _drop_unseen(scope_user)
    # Rare (check_data reports them): look for the rows only when there are some.
    if bulk.scalar(f"SELECT COUNT(*) FROM {NIKS} WHERE families > 1"):
        bulk.execute(f"""
            INSERT INTO {ERRORS} (line, kolom, nilai, pesan)
            SELECT r.line, 'nik', r.nik,
                   'NIK tercatat di ' || CAST(k.families AS varchar(12)) || ' keluarga aktif; '
                   || 'perbaiki registri lebih dulu (check_data: NIK_DUPLIKAT)'
            FROM {NIKS} k JOIN {ROWS} r ON r.nik = k.nik
            WHERE k.families > 1 AND r.keyed""")
        bulk.execute(f"DELETE FROM {NIKS} WHERE families > 1")
    if scope_user is not None:
        _keep_visible(scope_user)
    bulk.execute(f"""
        CREATE TEMPORARY TABLE {MATCHED} AS
        SELECT r.line, r.month, r.month_text, r.commitment, r.result, r.attendance, r.reason,
               r.npsn, r.evidence, k.member_id, k.region_code
        FROM {ROWS} r JOIN {NIKS} k ON k.nik = r.nik
        WHERE r.keyed""")
    bulk.execute(f"CREATE INDEX {MATCHED}_key ON {MATCHED} (member_id, month_text)")
    bulk.analyze(MATCHED)


def _drop_unseen(user) -> None:
    """A NIK none of whose active members the uploader may see is 'not found', and goes no
    further: how many families hold it elsewhere is not theirs to learn."""
    in_file = RawSQL(f"SELECT nik FROM {NIKS}", ())
    seen = Member.objects.visible_to(user).filter(
        nik__in=in_file, family__status=FamilyStatus.ACTIVE
    )
    sql, params = seen.values("nik").distinct().query.sql_with_params()
    bulk.execute(f"CREATE TEMPORARY TABLE {SEEN} AS {sql}", params)
    bulk.execute(f"CREATE UNIQUE INDEX {SEEN}_nik ON {SEEN} (nik)")
    bulk.analyze(SEEN)
    unseen = f"NOT EXISTS (SELECT 1 FROM {SEEN} s WHERE s.nik = {NIKS}.nik)"
    bulk.execute(f"""
        INSERT INTO {ERRORS} (line, kolom, nilai, pesan)
        SELECT r.line, 'nik', r.nik, %s
        FROM {ROWS} r JOIN {NIKS} ON {NIKS}.nik = r.nik
        WHERE r.keyed AND {unseen}""",
        [NOT_IN_SCOPE],
    )  # fmt: skip
    bulk.execute(f"DELETE FROM {NIKS} WHERE {unseen}")


def _keep_visible(user) -> None:
    """Rows whose member the uploader may not see are errors, and go no further."""
    in_file = RawSQL(f"SELECT member_id FROM {NIKS}", ())
    visible = Member.objects.visible_to(user).filter(id__in=in_file).values("id")
    sql, params = visible.query.sql_with_params()
    bulk.execute(f"CREATE TEMPORARY TABLE {VISIBLE} AS {sql}", params)
    bulk.execute(f"CREATE UNIQUE INDEX {VISIBLE}_id ON {VISIBLE} (id)")
    bulk.analyze(VISIBLE)
    outside = f"NOT EXISTS (SELECT 1 FROM {VISIBLE} v WHERE v.id = k.member_id)"
    bulk.execute(f"""
        INSERT INTO {ERRORS} (line, kolom, nilai, pesan)
        SELECT r.line, 'nik', r.nik, %s
        FROM {ROWS} r JOIN {NIKS} k ON k.nik = r.nik
        WHERE r.keyed AND {outside}""",
        [NOT_IN_SCOPE],
    )  # fmt: skip
    bulk.execute(f"DELETE FROM {NIKS} WHERE NOT EXISTS "
                 f"(SELECT 1 FROM {VISIBLE} v WHERE v.id = {NIKS}.member_id)")  # fmt: skip


def _check_commitments() -> None:
    """The member owes the row's commitment in its month (DESIGN §5).

    The registry's component rule runs once per distinct month of the file
    over that month's members: a file holds a handful of months.
    """
    bulk.execute(f"""
        CREATE TEMPORARY TABLE {OWED} (
            member_id bigint, month_text varchar(7), commitment varchar(20))""")
    labels = [label for (label,) in bulk.rows(f"SELECT DISTINCT month_text FROM {MATCHED}")]
    for label in labels:
        month = calendar.parse_month(label)
        members = Member.objects.filter(
            id__in=RawSQL(f"SELECT member_id FROM {MATCHED} WHERE month_text = %s", (label,))
        )
        owed = commitments.owed(month, members).values("id", "commitment")
        sql, params = owed.query.sql_with_params()
        bulk.execute(
            f"INSERT INTO {OWED} (member_id, month_text, commitment) "
            f"SELECT o.id, %s, o.commitment FROM ({sql}) o",
            [label, *params],
        )
    bulk.execute(f"CREATE INDEX {OWED}_key ON {OWED} (member_id, month_text)")
    bulk.analyze(OWED)
    bulk.execute(f"""
        INSERT INTO {ERRORS} (line, kolom, nilai, pesan)
        SELECT x.line, 'komitmen', x.commitment,
               CASE WHEN o.commitment IS NULL
                    THEN 'Pada bulan ' || x.month_text || ' anggota ini tidak memiliki '
                         || 'komponen PKH, jadi tidak punya komitmen'
                    ELSE 'Pada bulan ' || x.month_text || ' komitmen anggota ini '
                         || o.commitment || ', bukan ' || x.commitment END
        FROM {MATCHED} x
        LEFT JOIN {OWED} o ON o.member_id = x.member_id AND o.month_text = x.month_text
        WHERE o.commitment IS NULL OR o.commitment <> x.commitment""")


def _check_duplicates_and_schools() -> None:
    bulk.execute(f"""
        INSERT INTO {ERRORS} (line, kolom, nilai, pesan)
        SELECT r.line, 'nik', r.nik,
               'NIK, bulan dan komitmen yang sama sudah ada di baris '
               || CAST(d.first_line AS varchar(12))
        FROM {ROWS} r
        JOIN (SELECT nik, month_text, commitment, MIN(line) AS first_line FROM {ROWS}
              WHERE keyed GROUP BY nik, month_text, commitment HAVING COUNT(*) > 1) d
          ON d.nik = r.nik AND d.month_text = r.month_text AND d.commitment = r.commitment
        WHERE r.keyed AND r.line <> d.first_line""")
    bulk.execute(f"""
        INSERT INTO {ERRORS} (line, kolom, nilai, pesan)
        SELECT r.line, 'npsn', r.npsn, 'NPSN ' || r.npsn || ' tidak ada di data sekolah'
        FROM {ROWS} r
        WHERE r.npsn <> ''
          AND NOT EXISTS (SELECT 1 FROM compliance_school s WHERE s.npsn = r.npsn)""")


_SAME_RECORD = """compliance_verification v JOIN {matched} x
    ON x.member_id = v.member_id AND x.commitment = v.commitment AND x.month = v.month"""


def _count(result: VerificationImportResult) -> None:
    staged_import.count_errors(result, ERRORS)
    result.members = bulk.scalar(f"SELECT COUNT(DISTINCT member_id) FROM {MATCHED}")
    months = f"SELECT DISTINCT month_text FROM {ROWS} WHERE month_text <> '' ORDER BY month_text"
    result.months = [label for (label,) in bulk.rows(months)]
    result.derived = bulk.scalar(f"SELECT COUNT(*) FROM {ROWS} WHERE derived")
    result.by_result = dict(
        bulk.rows(f"SELECT result, COUNT(*) FROM {ROWS} WHERE result <> '' GROUP BY result")
    )
    # Records already there for the file's keys: what an import replaces.
    same = _SAME_RECORD.format(matched=MATCHED)
    result.replaced = bulk.scalar(f"SELECT COUNT(*) FROM {same}")


def _write(result: VerificationImportResult, actor, file_name: str, region: str) -> None:
    same = _SAME_RECORD.format(matched=MATCHED)
    if result.replaced:
        bulk.execute(f"DELETE FROM compliance_verification WHERE id IN (SELECT v.id FROM {same})")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    bulk.execute(
        f"""INSERT INTO compliance_verification (member_id, region_code, commitment, month,
                result, attendance, reason, school_id, facility_id, evidence, source,
                recorded_by_id, recorded_at)
            SELECT x.member_id, x.region_code, x.commitment, x.month, x.result, x.attendance,
                   x.reason, s.id, NULL, x.evidence, %s, %s, %s
            FROM {MATCHED} x
            LEFT JOIN compliance_school s ON x.npsn <> '' AND s.npsn = x.npsn""",
        [Source.IMPORT, actor.pk if actor else None, now],
    )  # fmt: skip
    # object_repr as Verification.__str__ gives it.
    trail.record_set(
        actor, ACTION, "compliance.verification",
        f"""SELECT v.id AS object_id,
                   {trail.sql_label("v.commitment", Verification.COMMITMENT_CHOICES)} || ' '
                   || {trail.sql_month("x.month_text")} || ': '
                   || {trail.sql_label("v.result", Result.choices)} AS object_repr,
                   v.region_code AS region_code
            FROM {same}""",
        details={"berkas": file_name},
    )  # fmt: skip
    result.imported = True
    summary = result.summary()
    trail.record(actor, ACTION, None, region_code=region, details={"berkas": file_name, **summary})
    if worklog.is_pendamping(actor):  # a pendamping's own upload is their month's work
        for month_text, desa_codes in _months_by_desa().items():
            worklog.verification_month(actor, calendar.parse_month(month_text), desa_codes)


def _months_by_desa() -> dict[str, list[str]]:
    """The file's months, each with the desa of its members: one query, however many rows."""
    found: dict[str, list[str]] = {}
    for month_text, desa in bulk.rows(
        f"SELECT DISTINCT month_text, region_code FROM {MATCHED} ORDER BY month_text, region_code"
    ):
        found.setdefault(month_text, []).append(desa)
    return found
