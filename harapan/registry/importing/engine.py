"""`import_registry`: one registry file in, all or nothing per family (DESIGN §12).

1. Stream the file; check each row (validate.py); stage every row, good or
   bad, with the bulk path, and stage each row error.
2. Check the rules that span rows in SQL over the staging table.
3. With any error and no --skip-invalid: write nothing. Otherwise upsert
   the families none of whose rows has an error, set-based, and audit each
   family that changed. --dry-run counts without writing.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from harapan import bulk
from harapan.audit import trail
from harapan.exports import fetched, stored_error_text, stream_errors, write_errors
from harapan.jobs import changed_regions
from harapan.jobs.claims import claimed
from harapan.lib import tabular
from harapan.lib.tabular import FileProblem
from harapan.registry.models import ImportRun

from . import staging, upsert
from .reader import read_rows
from .validate import check_row

STORED_ERRORS = 20000  # on the ImportRun row, for the upload page; the file gets all


@dataclass
class ImportResult:
    rows: int = 0
    families: int = 0
    errors: int = 0
    error_rows: int = 0
    bad_families: int = 0
    imported: bool = False
    dry_run: bool = False
    run_id: int | None = None
    plan: upsert.Plan = field(default_factory=upsert.Plan)

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def summary(self) -> dict:
        data = asdict(self)
        data["plan"]["missing_sample"] = data["plan"]["missing_sample"][:20]
        return data


def import_registry(path: Path | str, **options) -> ImportResult:
    """`_import_registry`, claimed for its region (the uploader's; all for the command
    line): ClaimRefused while another import of an overlapping region runs."""
    region, user = options.get("scope_prefix", ""), options.get("acting_user")
    with claimed("registry.import", region, what=_("Impor registri"), user=user):
        return _import_registry(path, **options)


def _import_registry(
    path: Path | str,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    acting_user=None,
    errors_out: Path | str | None = None,
    file_name: str | None = None,
    progress: Callable[..., None] | None = None,
    today: date | None = None,
    scope_prefix: str = "",
) -> ImportResult:
    """Import a registry file; raise FileProblem if it cannot be read at all.

    `progress`, if given, is called with keywords as the work goes: `read=` and
    `checked=` rows (each row is checked as it is read), `phase=` the step now
    under way, `written=` rows once they are written.

    `scope_prefix` limits the import to one region (the uploader's): rows
    outside it, and families registered outside it, are errors.
    """
    path = Path(path)
    today = today or timezone.localdate()
    result = ImportResult(dry_run=dry_run)
    report = progress or tabular.no_progress
    run = ImportRun.objects.create(
        started_by=acting_user if acting_user and acting_user.is_authenticated else None,
        file_name=file_name or path.name,
        region_code=scope_prefix,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
    )
    result.run_id = run.pk
    try:
        with transaction.atomic():
            staging.create()
            try:
                _stage(path, today, result, progress)
                report(phase=tabular.MATCHING)
                staging.index_rows()
                staging.check_families(scope_prefix)
                _count(result)
                result.plan = upsert.plan()
                write = not dry_run and (result.ok or skip_invalid)
                if write:
                    report(phase=tabular.WRITING, force=True)
                    _write(result, acting_user, run)
                    report(written=result.rows - result.error_rows, force=True)
                errors_csv = _errors_csv(errors_out)
            finally:
                staging.drop()
    except FileProblem as problem:
        errors_csv = _file_problem_csv(problem, errors_out)
        run.summary = {"file_problem": str(problem)}
        run.errors_csv = errors_csv
        run.finished_at = timezone.now()
        run.save(update_fields=["summary", "errors_csv", "finished_at"])
        _audit_rejected(acting_user, run, str(problem), result)
        raise
    if not result.imported and not dry_run:
        _audit_rejected(acting_user, run, tabular.errors_reason(result.errors, result.error_rows),
                        result)  # fmt: skip
    run.imported = result.imported
    run.summary = result.summary()
    run.errors_csv = errors_csv
    run.finished_at = timezone.now()
    run.save(update_fields=["imported", "summary", "errors_csv", "finished_at"])
    return result


def _stage(path: Path, today: date, result: ImportResult, progress) -> None:
    rows = bulk.BulkWriter(staging.ROWS, staging.ROW_COLUMNS)
    errors = bulk.BulkWriter(staging.ERRORS, staging.ERROR_COLUMNS, batch=5000)
    for number, values in read_rows(path):
        staged, problems = check_row(values, today)
        rows.add((number, *staged, not problems))
        for column, value, message in problems:
            errors.add((number, column, value[:200], message, staged[0]))
        result.rows += 1
        if progress and result.rows % tabular.READ_EVERY == 0:
            progress(read=result.rows, checked=result.rows)
    rows.flush()
    errors.flush()
    if progress:
        progress(read=result.rows, checked=result.rows, force=True)
    if result.rows == 0:
        raise FileProblem("Berkas tidak berisi satu baris data pun")


def _count(result: ImportResult) -> None:
    e = staging.ERRORS
    result.families = bulk.scalar(f"SELECT COUNT(DISTINCT registry_id) FROM {staging.ROWS}")
    result.errors = bulk.scalar(f"SELECT COUNT(*) FROM {e}")
    result.error_rows = bulk.scalar(f"SELECT COUNT(DISTINCT line) FROM {e}")
    result.bad_families = bulk.scalar(f"SELECT COUNT(DISTINCT registry_id) FROM {e}")


def _write(result: ImportResult, acting_user, run: ImportRun) -> None:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    actor = acting_user if acting_user and acting_user.is_authenticated else None
    upsert.write(now, actor.pk if actor else None, actor.get_username() if actor else "", run.pk)
    result.imported = True
    # The uploader's region; the command line's file may hold any region ('': all).
    changed_regions.regions_changed([run.region_code])
    trail.record(
        actor,
        "registry.import",
        run,
        details={
            "file": run.file_name,
            "rows": result.rows,
            "families_new": result.plan.families_new,
            "families_changed": result.plan.families_changed,
            "members_new": result.plan.members_new,
            "members_changed": result.plan.members_changed,
            "families_skipped": result.bad_families,
        },
    )


def _audit_rejected(acting_user, run: ImportRun, reason: str, result: ImportResult) -> None:
    """A refused file writes nothing, but the attempt itself is on the record."""
    trail.record(acting_user, "registry.import", run, region_code=run.region_code,
                 details={"file": run.file_name, "rejected": True, "reason": reason,
                          "rows": result.rows, "errors": result.errors})  # fmt: skip


def _errors_csv(errors_out) -> str:
    """Every error to `errors_out`; the first STORED_ERRORS as the run keeps them."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT line, kolom, nilai, pesan FROM {staging.ERRORS} "
                       "ORDER BY line, kolom, pesan")  # fmt: skip
        return stored_error_text(stream_errors(errors_out, fetched(cursor), STORED_ERRORS))


def _file_problem_csv(problem: FileProblem, errors_out) -> str:
    lines = [[1, "", "", str(problem)]]
    if errors_out:
        write_errors(errors_out, lines)
    return stored_error_text(lines)
