"""Bank / PT Pos disbursement files (penyaluran) and the stage reconciliation (DESIGN §10, §12).

`import_disbursement` loads one reconciliation file for a stage, all or nothing:
rows are checked one by one in Python, staged with the registry import's bulk
path, matched to families in SQL (by `id_keluarga`, else by a KKS number that
belongs to exactly one family), and inserted with one INSERT … SELECT.

Re-importing: each file is a new batch (`DisbursementImport`). The newest file
is the truth for the families it names: lines of the same stage from earlier
batches are deleted for every family the new file matched, and for unmatched
lines with the same (id_keluarga, no_kks) in the same region. Importing the
same file twice therefore leaves the same lines as importing it once; a later
file that only carries retries of failed payments replaces just those
families' lines.

`reconcile` answers the three checks of DESIGN §10 (tepat sasaran, tepat
jumlah, tepat waktu) plus double payments, "entitled but unpaid" and
failed/returned payments, as querysets and aggregates: a handful of queries
whatever the stage's size.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from harapan import bulk
from harapan.accounts import scoping
from harapan.accounts.roles import Role
from harapan.audit import trail
from harapan.display import formats
from harapan.exports import write_errors
from harapan.jobs import changed_regions
from harapan.jobs.claims import claimed
from harapan.lib import tabular
from harapan.lib.kk import shown_kks
from harapan.lib.tabular import (
    NUMBER_CELL,
    FileProblem,
    number_cell_message,
    read_date,
    read_table,
)
from harapan.registry.models import FamilyStatus

from .models import (
    Disbursement,
    DisbursementImport,
    DisbursementStatus,
    Entitlement,
    Stage,
)

COLUMNS = ("id_keluarga", "no_kks", "jumlah", "tanggal", "status")
REQUIRED = ("jumlah", "tanggal", "status")
STATUSES = frozenset(DisbursementStatus.values)

ROWS = "harapan_disbursement_rows"
ERRORS = "harapan_disbursement_errors"
ROW_COLUMNS = ("line", "registry_id", "kks", "amount", "paid_on", "status")
ERROR_COLUMNS = ("line", "kolom", "nilai", "pesan")

_DIGITS = re.compile(r"[0-9]{1,32}")
_AMOUNT = re.compile(r"[0-9]{1,15}")  # a quadrillion rupiah is already a typo


@dataclass
class DisbursementResult:
    rows: int = 0
    errors: int = 0
    error_rows: int = 0
    matched: int = 0
    unmatched: int = 0
    replaced: int = 0
    imported: bool = False
    batch_id: int | None = None
    file_problem: str = ""
    # The first lines of the error CSV (header included), for the upload page.
    error_lines: list[list[str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.errors == 0 and not self.file_problem


# -- reading and checking ------------------------------------------------------------------


def _either_id(names: list[str]) -> list[str]:
    return [] if "id_keluarga" in names or "no_kks" in names else ["id_keluarga atau no_kks"]


def _read(path: Path):
    """(line number, [id_keluarga, no_kks, jumlah, tanggal, status]) per non-blank row."""
    return read_table(path, COLUMNS, REQUIRED, missing_also=_either_id, text_only=("no_kks",))


def check_row(values: list[str]) -> tuple[tuple, list[tuple[str, str, str]]]:
    """The staged values of one row, and what is wrong with it as (kolom, nilai, pesan)."""
    registry_id, kks, amount, paid_on, status = values
    errors = []
    if not registry_id and not kks:
        errors.append(("id_keluarga", "", "Isi id_keluarga atau no_kks (salah satu wajib)"))
    if len(registry_id) > 32:
        errors.append(("id_keluarga", registry_id[:40], "ID keluarga paling panjang 32 karakter"))
    if kks.startswith(NUMBER_CELL):
        errors.append(("no_kks", kks[:40], number_cell_message("No KKS")))
    elif kks and not _DIGITS.fullmatch(kks):
        errors.append(("no_kks", kks[:40], "No KKS hanya berisi angka (paling banyak 32)"))
    amount_clean = None
    if _AMOUNT.fullmatch(amount):
        amount_clean = int(amount)
    else:
        errors.append(
            ("jumlah", amount[:40], "Jumlah harus bilangan bulat rupiah ≥ 0, tanpa titik/koma")
        )
    day, problem = read_date(paid_on)
    if problem:
        errors.append(("tanggal", paid_on[:40], problem))
    status_clean = status.lower()
    if status_clean not in STATUSES:
        errors.append(("status", status[:40], "Status harus berhasil, gagal atau retur"))
    staged = (registry_id[:32], kks[:32], amount_clean or 0,
              day.isoformat() if day else None, status_clean[:10])  # fmt: skip
    return staged, errors


# -- the import ----------------------------------------------------------------------------


def import_disbursement(path: Path | str, *, stage: Stage, **options) -> DisbursementResult:
    """`_import_disbursement`, claimed for the stage in the uploader's region (all for the
    command line): ClaimRefused while another import of it runs."""
    region, user = options.get("scope_prefix", ""), options.get("acting_user")
    what = _("Impor penyaluran %(stage)s") % {"stage": stage}
    with claimed(f"benefits.disbursement:{stage.pk}", region, what=what, user=user):
        return _import_disbursement(path, stage=stage, **options)


def _import_disbursement(
    path: Path | str,
    *,
    stage: Stage,
    acting_user=None,
    scope_prefix: str = "",
    errors_out: Path | str | None = None,
    file_name: str | None = None,
    keep_error_lines: int = 500,
    progress: tabular.Progress | None = None,
) -> DisbursementResult:
    """Import one reconciliation file for `stage`; nothing is written unless every row is good.

    `scope_prefix` is the uploader's region: a line whose family lives
    outside it is an error (an operator may not write another kabupaten's
    payments), and unmatched lines are filed under it. The command line
    (a server administrator) passes ''. `progress` hears the rows read,
    checked and written (`tabular.Progress`). Raises FileProblem (after
    writing the errors file) when the file cannot be read at all.
    """
    path = Path(path)
    file_name = file_name or path.name
    progress = progress or tabular.no_progress
    actor = acting_user if acting_user is not None and acting_user.is_authenticated else None
    result = DisbursementResult()
    try:
        with transaction.atomic():
            _create_tables()
            try:
                _stage(path, result, progress)
                progress(phase=tabular.MATCHING)
                _match(scope_prefix)
                _count(result)
                progress(checked=result.rows)
                if result.errors == 0:
                    progress(phase=tabular.WRITING)
                    _write(result, stage, actor, scope_prefix, file_name)
                    progress(written=result.rows)
                error_rows = _error_rows()
            finally:
                _drop_tables()
    except FileProblem as problem:
        result.file_problem = str(problem)
        error_rows = [[1, "", "", str(problem)]]
        _write_errors(error_rows, errors_out, result, keep_error_lines)
        _audit_rejected(actor, stage, file_name, scope_prefix, result)
        raise
    _write_errors(error_rows, errors_out, result, keep_error_lines)
    if not result.imported:
        _audit_rejected(actor, stage, file_name, scope_prefix, result)
    return result


def _create_tables() -> None:
    _drop_tables()
    bulk.execute(f"""
        CREATE TEMPORARY TABLE {ROWS} (
            line integer, registry_id varchar(32), kks varchar(32), amount bigint,
            paid_on date, status varchar(10), family_id bigint, family_region varchar(10))""")
    bulk.execute(
        f"CREATE TEMPORARY TABLE {ERRORS} (line integer, kolom varchar(40), nilai text, pesan text)"
    )


def _drop_tables() -> None:
    for table in (ROWS, ERRORS):
        bulk.execute(f"DROP TABLE IF EXISTS {table}")


def _stage(path: Path, result: DisbursementResult, progress: tabular.Progress) -> None:
    rows = bulk.BulkWriter(ROWS, ROW_COLUMNS)
    errors = bulk.BulkWriter(ERRORS, ERROR_COLUMNS, batch=5000)
    progress(phase=tabular.READING)
    for number, values in _read(path):
        staged, problems = check_row(values)
        rows.add((number, *staged))
        for column, value, message in problems:
            errors.add((number, column, value, message))
        result.rows += 1
        if result.rows % tabular.READ_EVERY == 0:
            progress(read=result.rows)
    rows.flush()
    errors.flush()
    progress(read=result.rows)
    if result.rows == 0:
        raise FileProblem("Berkas tidak berisi satu baris data pun")


def _match(scope_prefix: str) -> None:
    """Match each staged line to a family, set-based, and name lines outside the scope."""
    bulk.execute(f"CREATE INDEX {ROWS}_line ON {ROWS} (line)")
    # PostgreSQL never auto-analyzes a temporary table: without statistics it
    # would plan a kabupaten's file as a handful of rows.
    bulk.analyze(ROWS)
    bulk.execute(f"""
        UPDATE {ROWS} SET family_id = (
            SELECT f.id FROM registry_family f WHERE f.registry_id = {ROWS}.registry_id)
        WHERE registry_id <> ''""")
    # A KKS number is only a key when exactly one family holds it: a reused or
    # mistyped card must not pin a payment on the wrong family.
    bulk.execute(f"""
        UPDATE {ROWS} SET family_id = (
            SELECT MIN(f.id) FROM registry_family f WHERE f.kks_number = {ROWS}.kks
            HAVING COUNT(*) = 1)
        WHERE family_id IS NULL AND kks <> ''""")
    bulk.execute(f"""
        UPDATE {ROWS} SET family_region = (
            SELECT f.region_code FROM registry_family f WHERE f.id = {ROWS}.family_id)
        WHERE family_id IS NOT NULL""")
    if scope_prefix:
        bulk.execute(f"""
            INSERT INTO {ERRORS} (line, kolom, nilai, pesan)
            SELECT line, CASE WHEN registry_id <> '' THEN 'id_keluarga' ELSE 'no_kks' END,
                   CASE WHEN registry_id <> '' THEN registry_id ELSE kks END,
                   'Keluarga ini tidak ditemukan di wilayah Anda'
            FROM {ROWS} WHERE family_id IS NOT NULL AND family_region NOT LIKE %s""",
            [f"{scope_prefix}%"],
        )  # fmt: skip


def _count(result: DisbursementResult) -> None:
    result.errors = bulk.scalar(f"SELECT COUNT(*) FROM {ERRORS}")
    result.error_rows = bulk.scalar(f"SELECT COUNT(DISTINCT line) FROM {ERRORS}")
    result.matched = bulk.scalar(f"SELECT COUNT(*) FROM {ROWS} WHERE family_id IS NOT NULL")
    result.unmatched = result.rows - result.matched


def _write(result, stage: Stage, actor, scope_prefix: str, file_name: str) -> None:
    batch = DisbursementImport.objects.create(
        stage=stage, file_name=file_name[:255], imported_by=actor, rows=result.rows
    )
    bulk.execute(f"""
        INSERT INTO benefits_disbursement (batch_id, stage_id, family_id, region_code, line,
            registry_id, kks_number, amount, paid_on, status)
        SELECT %s, %s, family_id, COALESCE(family_region, %s), line, registry_id, kks, amount,
               paid_on, status
        FROM {ROWS}""",
        [batch.pk, stage.pk, scope_prefix],
    )  # fmt: skip
    result.replaced = bulk.execute(f"""
        DELETE FROM benefits_disbursement
        WHERE stage_id = %s AND batch_id <> %s AND (
            family_id IN (SELECT family_id FROM {ROWS} WHERE family_id IS NOT NULL)
            OR (family_id IS NULL AND region_code = %s AND EXISTS (
                SELECT 1 FROM {ROWS} r WHERE r.family_id IS NULL
                AND r.registry_id = benefits_disbursement.registry_id
                AND r.kks = benefits_disbursement.kks_number)))""",
        [stage.pk, batch.pk, scope_prefix],
    )  # fmt: skip
    result.imported = True
    result.batch_id = batch.pk
    changed_regions.regions_changed([scope_prefix])
    trail.record(
        actor,
        "benefits.disbursement.import",
        batch,
        region_code=scope_prefix,
        details={
            "file": file_name,
            "stage": str(stage),
            "rows": result.rows,
            "matched": result.matched,
            "unmatched": result.unmatched,
            "replaced": result.replaced,
        },
    )


def _audit_rejected(actor, stage: Stage, file_name: str, scope_prefix: str, result) -> None:
    """A rejected file writes nothing, but the attempt itself is on the record."""
    trail.record(
        actor,
        "benefits.disbursement.import",
        None,
        region_code=scope_prefix,
        details={
            "file": file_name,
            "stage": str(stage),
            "rejected": True,
            "reason": result.file_problem
            or tabular.errors_reason(result.errors, result.error_rows),
            "rows": result.rows,
            "errors": result.errors,
            "file_problem": result.file_problem,
        },
    )


def _error_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT line, kolom, nilai, pesan FROM {ERRORS} ORDER BY line, kolom")
        return cursor.fetchall()


def _write_errors(rows, errors_out, result: DisbursementResult, keep: int) -> None:
    result.error_lines = [list(r) for r in rows[:keep]]
    if errors_out:
        write_errors(errors_out, rows)


# -- reconciliation ------------------------------------------------------------------------


class Kind:
    """The kinds of mismatch; the codes are the export's `jenis` column."""

    NOT_TARGETED = "tidak_tepat_sasaran"
    WRONG_AMOUNT = "tidak_tepat_jumlah"
    LATE = "tidak_tepat_waktu"
    DOUBLE = "pembayaran_ganda"
    UNPAID = "belum_tersalur"
    FAILED = "gagal_retur"

    ORDER = (NOT_TARGETED, WRONG_AMOUNT, LATE, DOUBLE, UNPAID, FAILED)
    LABELS = {
        NOT_TARGETED: "Tidak tepat sasaran",
        WRONG_AMOUNT: "Tidak tepat jumlah",
        LATE: "Tidak tepat waktu",
        DOUBLE: "Pembayaran ganda",
        UNPAID: "Belum tersalur",
        FAILED: "Gagal / retur",
    }


def disbursements_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """Lines of families the user may see, plus unmatched lines filed under their region.

    An unmatched line belongs to no family, so family scoping cannot place
    it: it carries the uploader's region instead, and only those who import
    and reconcile payments (operators, admin) see it.
    """
    queryset = Disbursement.objects.all() if queryset is None else queryset
    visible = scoping.family_filter(user, via="family") & Q(family__isnull=False)
    if user is not None and user.is_authenticated and user.is_active:
        if user.is_superuser or user.role == Role.ADMIN_PUSAT:
            visible |= Q(family__isnull=True)
        elif user.role == Role.OPERATOR and user.region_id:
            visible |= Q(family__isnull=True, region_code__startswith=user.region_id)
    return queryset.filter(visible)


@dataclass
class Reconciliation:
    stage: Stage
    entitled_families: int
    entitled_sum: int
    paid_lines: int
    paid_sum: int
    correct_lines: int
    counts: dict[str, int]
    sums: dict[str, int]
    # Per kind: a queryset of Disbursement (annotated with `entitled`), or of
    # Entitlement for UNPAID. Slice it for a page; iterate it for an export.
    rows: dict[str, QuerySet]

    def tiles(self) -> list[tuple[str, str, int, int]]:
        return [(k, Kind.LABELS[k], self.counts[k], self.sums[k]) for k in Kind.ORDER]


def _lines(stage: Stage, user) -> QuerySet:
    return (
        disbursements_visible_to(user)
        .filter(stage=stage)
        .annotate(
            this_stage=FilteredRelation(
                "family__entitlements", condition=Q(family__entitlements__stage=stage)
            ),
            entitled=F("this_stage__total"),
        )
        .select_related("family")
        .order_by("line", "id")
    )


def _with_family_payments(lines: QuerySet) -> QuerySet:
    """`lines` with the sum and the number of their family's successful lines in the stage.

    Tepat jumlah compares the sum; two or more are a double payment (DESIGN
    §10). Window functions over the family's lines, which scoping shows or
    hides together: one pass (measured on PostgreSQL, 28,765 lines: 1 s for
    the whole reconciliation, against 8–10 s with a subquery per line).
    """
    paid = Q(status=DisbursementStatus.PAID)
    family = [F("family_id")]
    return lines.annotate(
        family_paid=Window(Sum("amount", filter=paid), partition_by=family),
        family_payments=Window(Count("id", filter=paid), partition_by=family),
    )


# The kinds whose rule reads the family's payments (`_with_family_payments`).
FAMILY_KINDS = (Kind.WRONG_AMOUNT, Kind.DOUBLE)


def kind_filters(stage: Stage) -> dict[str, Q]:
    """The rule of each line kind, over `_with_family_payments(_lines(...))` (a line may be
    of several kinds)."""
    paid = Q(status=DisbursementStatus.PAID)
    return {
        Kind.NOT_TARGETED: paid
        & (
            Q(family__isnull=True)
            | ~Q(family__status=FamilyStatus.ACTIVE)
            | Q(entitled__isnull=True)
            | Q(entitled=0)
        ),
        Kind.WRONG_AMOUNT: paid & Q(entitled__gt=0) & ~Q(family_paid=F("entitled")),
        Kind.LATE: paid & Q(paid_on__gt=stage.period_end),
        Kind.DOUBLE: paid & Q(family__isnull=False, family_payments__gt=1),
        Kind.FAILED: Q(status__in=[DisbursementStatus.FAILED, DisbursementStatus.RETURNED]),
    }


def reconcile(stage: Stage, *, user) -> Reconciliation:
    """Counts, sums and rows of each kind of mismatch in `stage`, as `user` may see them."""
    lines = _lines(stage, user)
    counted = _with_family_payments(lines)
    filters = kind_filters(stage)
    paid = Q(status=DisbursementStatus.PAID)
    wrong = (
        filters[Kind.NOT_TARGETED]
        | filters[Kind.WRONG_AMOUNT]
        | filters[Kind.LATE]
        | filters[Kind.DOUBLE]
    )
    aggregates = {"paid_lines": Count("id", filter=paid), "paid_sum": Sum("amount", filter=paid)}
    aggregates["correct_lines"] = Count("id", filter=paid & ~wrong)
    for kind, condition in filters.items():
        aggregates[f"n_{kind}"] = Count("id", filter=condition)
        aggregates[f"s_{kind}"] = Sum("amount", filter=condition)
    line_totals = counted.order_by().aggregate(**aggregates)

    entitlements = Entitlement.objects.visible_to(user).filter(stage=stage, total__gt=0)
    paid_to_family = Disbursement.objects.filter(
        stage=stage, family_id=OuterRef("family_id"), status=DisbursementStatus.PAID
    )
    unpaid = (
        entitlements.exclude(Exists(paid_to_family))
        .select_related("family")
        .order_by("family__registry_id")
    )
    ent_totals = entitlements.aggregate(
        n=Count("id"),
        s=Coalesce(Sum("total"), Value(0)),
        n_unpaid=Count("id", filter=~Exists(paid_to_family)),
        s_unpaid=Sum("total", filter=~Exists(paid_to_family)),
    )

    counts = {k: line_totals[f"n_{k}"] for k in filters}
    sums = {k: line_totals[f"s_{k}"] or 0 for k in filters}
    counts[Kind.UNPAID], sums[Kind.UNPAID] = ent_totals["n_unpaid"], ent_totals["s_unpaid"] or 0
    rows = {
        kind: (counted if kind in FAMILY_KINDS else lines).filter(condition)
        for kind, condition in filters.items()
    }
    rows[Kind.UNPAID] = unpaid
    return Reconciliation(
        stage=stage,
        entitled_families=ent_totals["n"],
        entitled_sum=ent_totals["s"],
        paid_lines=line_totals["paid_lines"],
        paid_sum=line_totals["paid_sum"] or 0,
        correct_lines=line_totals["correct_lines"],
        counts=counts,
        sums=sums,
        rows=rows,
    )


def not_targeted_reason(line: Disbursement) -> str:
    """Why a paid line is not tepat sasaran, from what `_lines` already loaded."""
    if line.family is None:
        return "Keluarga tidak dikenal"
    if line.family.status != FamilyStatus.ACTIVE:
        return "Keluarga tidak aktif"
    return "Tidak ada penetapan bantuan tahap ini"


def mismatch_note(kind: str, line: Disbursement, stage: Stage) -> str:
    """The `keterangan` of a line of `kind`, on the page and in the export."""
    if kind == Kind.NOT_TARGETED:
        return not_targeted_reason(line)
    if kind == Kind.LATE:
        return f"Dibayar setelah akhir tahap ({formats.day(stage.period_end)})"
    if kind == Kind.WRONG_AMOUNT:
        return f"Selisih {formats.money(line.family_paid - line.entitled)}"
    if kind == Kind.DOUBLE:
        return _("%(count)s pembayaran berhasil, jumlah %(sum)s") % {
            "count": line.family_payments,
            "sum": formats.money(line.family_paid),
        }
    return ""


EXPORT_HEADER = ["jenis", "id_keluarga", "no_kks", "kode_wilayah", "jumlah_dibayar",
                 "jumlah_penetapan", "tanggal", "status", "baris", "keterangan"]  # fmt: skip


def mismatch_rows(result: Reconciliation, *, full_kks: bool = True):
    """Every mismatch of every kind as export rows (EXPORT_HEADER), streamed in chunks.

    `full_kks`: card numbers whole, for the roles that see NIKs whole.
    """
    for kind in Kind.ORDER:
        if kind == Kind.UNPAID:
            for ent in result.rows[kind].iterator(chunk_size=2000):
                family = ent.family
                yield [kind, family.registry_id, shown_kks(family.kks_number, full_kks),
                       ent.region_code, None,
                       ent.total, None, "", None, "Belum ada pembayaran berhasil"]  # fmt: skip
            continue
        for line in result.rows[kind].iterator(chunk_size=2000):
            note = mismatch_note(kind, line, result.stage)
            yield [kind, line.family.registry_id if line.family else line.registry_id,
                   shown_kks(line.kks_number, full_kks), line.region_code, line.amount,
                   line.entitled,
                   line.paid_on, line.status, line.line, note]  # fmt: skip
