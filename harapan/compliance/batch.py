"""The sanction ladder, set-based over a region (DESIGN §5).

For stage k of year Y, whose verification window is the three months before
its period:

- **suspension**: a member with at least `suspension_months` non-compliant
  records for a commitment in the window has that component suspended for
  the stage;
- **termination**: `termination_months` non-compliant months in a row
  terminate the component from the stage whose window holds the last of
  them, and every stage after, until a coordinator lifts it.

Excused months (dikecualikan) break nothing: they are not non-compliance,
and they do not interrupt a run either — a sick month between two truant
ones is passed over. A month with no record does interrupt a run: missing
verification is never held against the family (it is listed on the
monitoring page instead).

Sanctions are upserted: computing the same stage again finds the same rows
(unique per member, component, kind and stage), keeps lifted ones lifted, and
removes only computed, unlifted ones that the records no longer support
(a month re-imported as compliant). Each created or removed sanction gets an
audit row.

Two runs of the same stage on overlapping regions never both write: each
first takes a claim (`jobs.claims`), committed before its transaction so
that a run in another process sees it, and a second run is refused with a
message saying who holds it.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from harapan import bulk
from harapan.audit import trail
from harapan.jobs.claims import claimed, where
from harapan.lib import regioncode
from harapan.registry import eligibility
from harapan.registry.models import Family, FamilyStatus, Member

from . import calendar
from .models import ComplianceRules, Result, Sanction, SanctionKind, Verification

FOUND = "harapan_sanction_found"


def _sanction_text(alias: str) -> str:
    """SQL writing a sanction as `Sanction.__str__` does, for the audit rows of a batch."""
    kinds = trail.sql_label(f"{alias}.kind", SanctionKind.choices)
    components = trail.sql_label(f"{alias}.component", eligibility.LABELS)
    return (
        f"{kinds} || ' · ' || {components} || ' · tahap ' || CAST({alias}.stage AS varchar(2))"
        f" || ' ' || CAST({alias}.year AS varchar(4))"
    )


NEW = "harapan_sanction_new"


@dataclass
class SanctionResult:
    suspended: int = 0  # new suspensions
    terminated: int = 0  # new terminations
    removed: int = 0  # computed sanctions no longer supported by the records
    in_force: int = 0  # sanctions stopping payment in the stage, after the run


def _suspensions_sql(year: int, stage: int, region: str, rules: ComplianceRules):
    window = calendar.window(year, stage)
    months = [connection.ops.adapt_datefield_value(m) for m in window]
    first, last = window[0], window[-1]
    sql = f"""
        SELECT v.member_id, v.commitment AS component, m.region_code,
               '{SanctionKind.SUSPENSION}' AS kind, %s AS year, %s AS stage,
               'Tidak patuh ' || COUNT(*) || ' bulan pada masa verifikasi ' || %s AS reason
        FROM compliance_verification v JOIN registry_member m ON m.id = v.member_id
        WHERE v.region_code LIKE %s AND v.result = %s AND v.month IN (%s, %s, %s)
        GROUP BY v.member_id, v.commitment, m.region_code
        HAVING COUNT(*) >= %s"""
    window_text = f"{calendar.month_label(first)} s.d. {calendar.month_label(last)}"
    return sql, [year, stage, window_text, f"{region}%", Result.NON_COMPLIANT, *months,
                 rules.suspension_months]  # fmt: skip


def _terminations_sql(year: int, stage: int, region: str, rules: ComplianceRules):
    """Every run of `termination_months` non-compliant months ending by the stage's window.

    Gaps and islands: over the non-compliant and excused months of each
    member's commitment, month index minus row number is constant along an
    unbroken stretch of months (an island). Within an island, the running
    count of non-compliant months reaching a multiple of the ladder length
    marks a termination, in the stage whose window holds that month.
    """
    window_end = calendar.window(year, stage)[-1]
    records = (
        Verification.objects.filter(
            region_code__startswith=region,
            month__lte=window_end,
            result__in=[Result.NON_COMPLIANT, Result.EXCUSED],
        )
        .annotate(y=ExtractYear("month"), mo=ExtractMonth("month"))
        .order_by()
        .values("member_id", "commitment", "result", "y", "mo")
    )
    records_sql, records_params = records.query.sql_with_params()
    n = rules.termination_months
    # mi: months since year 0, zero-based. The month's quarter as a stage
    # ordinal (year × 4 + stage) is mi / 3 + 1, and the stage it decides is
    # the next one, ordinal mi / 3 + 2: year (ordinal − 1) / 4, stage
    # (ordinal − 1) % 4 + 1.
    # Nested subqueries rather than WITH: SQLite takes no WITH inside a UNION.
    runs = f"""
        SELECT member_id, commitment, result, mi,
               SUM(CASE WHEN result = %s THEN 1 ELSE 0 END) OVER (
                   PARTITION BY member_id, commitment, island ORDER BY mi
                   ROWS UNBOUNDED PRECEDING) AS run
        FROM (SELECT r.*, mi - ROW_NUMBER() OVER (
                  PARTITION BY member_id, commitment ORDER BY mi) AS island
              FROM (SELECT member_id, commitment, result,
                           CAST(y AS INTEGER) * 12 + CAST(mo AS INTEGER) - 1 AS mi
                    FROM ({records_sql}) x) r) i"""
    sql = f"""
        SELECT t.member_id, t.commitment AS component, m.region_code,
               '{SanctionKind.TERMINATION}' AS kind,
               (t.mi / 3 + 1) / 4 AS year, (t.mi / 3 + 1) %% 4 + 1 AS stage,
               'Tidak patuh ' || %s || ' bulan berturut-turut, terakhir ' || (t.mi / 12)
                   || '-' || CASE WHEN t.mi %% 12 < 9 THEN '0' ELSE '' END
                   || (t.mi %% 12 + 1) AS reason
        FROM ({runs}) t JOIN registry_member m ON m.id = t.member_id
        WHERE t.result = %s AND t.run %% %s = 0"""
    return sql, [n, Result.NON_COMPLIANT, *records_params, Result.NON_COMPLIANT, n]


def no_progress(**report) -> None:
    """The `progress` of a run nobody watches (a command, a test)."""


def sanctions_claim(year: int, stage: int, region: str, user=None) -> AbstractContextManager:
    """Hold the sanctions of stage `stage` of `year` in `region` (normalized) while writing."""
    return claimed(
        f"compliance.sanctions:{year}:{stage}", region, user=user,
        what=_("Sanksi %(year)s tahap %(stage)s untuk %(where)s")
        % {"year": year, "stage": stage, "where": where(region)},
    )  # fmt: skip


def compute_sanctions(
    year: int, stage: int, *, region: str = "", acting_user=None,
    progress: Callable[..., None] = no_progress,
) -> "SanctionResult":  # fmt: skip
    """Suspensions and terminations for stage `stage` of `year` in `region`.

    Raises ClaimRefused when another run is computing them for an overlapping region.
    """
    region = regioncode.normalize(region) if region else ""
    with sanctions_claim(year, stage, region, acting_user):
        return write_sanctions(year, stage, region, acting_user=acting_user, progress=progress)


@transaction.atomic
def write_sanctions(
    year: int, stage: int, region: str, *, acting_user=None,
    progress: Callable[..., None] = no_progress,
) -> "SanctionResult":  # fmt: skip
    """The computation itself, for a caller that holds `sanctions_claim` (normalized region)."""
    progress(phase=_("Menghitung sanksi"), force=True)
    like = f"{region}%"
    rules = ComplianceRules.for_year(year)
    result = SanctionResult()
    ordinal = calendar.ordinal(year, stage)

    suspensions_sql, suspensions_params = _suspensions_sql(year, stage, region, rules)
    terminations_sql, terminations_params = _terminations_sql(year, stage, region, rules)
    bulk.execute(f"DROP TABLE IF EXISTS {FOUND}")
    bulk.execute(
        f"CREATE TEMPORARY TABLE {FOUND} AS {suspensions_sql} UNION ALL {terminations_sql}",
        [*suspensions_params, *terminations_params],
    )
    bulk.execute(f"CREATE INDEX {FOUND}_member ON {FOUND} (member_id)")
    bulk.analyze(FOUND)

    # Computed, unlifted sanctions this run is answerable for and no longer finds.
    stale = f"""
        FROM compliance_sanction s
        WHERE s.computed AND s.lifted_at IS NULL AND s.region_code LIKE %s
          AND ((s.kind = '{SanctionKind.SUSPENSION}' AND s.year = %s AND s.stage = %s)
               OR (s.kind = '{SanctionKind.TERMINATION}' AND s.stage_ordinal <= %s))
          AND NOT EXISTS (SELECT 1 FROM {FOUND} f
                          WHERE f.member_id = s.member_id AND f.component = s.component
                            AND f.kind = s.kind AND f.year = s.year AND f.stage = s.stage)"""
    stale_params = [like, year, stage, ordinal]
    trail.record_set(
        acting_user, "compliance.sanction.remove", "compliance.sanction",
        f"SELECT s.id AS object_id, {_sanction_text('s')} AS object_repr, "
        f"s.region_code AS region_code {stale}", stale_params,
        details={"tahun": year, "tahap": stage, "alasan": "tidak lagi didukung data verifikasi"},
    )  # fmt: skip
    result.removed = bulk.execute(
        f"DELETE FROM compliance_sanction WHERE id IN (SELECT s.id {stale})", stale_params
    )

    # New ones are chosen in a statement of their own, not with a NOT EXISTS
    # on the table being filled (PostgreSQL, see benefits.batch).
    bulk.execute(f"DROP TABLE IF EXISTS {NEW}")
    bulk.execute(f"""
        CREATE TEMPORARY TABLE {NEW} AS
        SELECT f.* FROM {FOUND} f
        WHERE NOT EXISTS (SELECT 1 FROM compliance_sanction s
                          WHERE s.member_id = f.member_id AND s.component = f.component
                            AND s.kind = f.kind AND s.year = f.year
                            AND s.stage = f.stage)""")  # fmt: skip
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    bulk.execute(
        f"""INSERT INTO compliance_sanction (member_id, region_code, component, kind, year, stage,
                stage_ordinal, reason, computed, created_at, lifted_at, lifted_by_id, lift_reason)
            SELECT member_id, region_code, component, kind, year, stage, year * 4 + stage,
                   reason, %s, %s, NULL, NULL, ''
            FROM {NEW}""",
        [True, now],
    )  # fmt: skip
    trail.record_set(
        acting_user, "compliance.sanction.create", "compliance.sanction",
        f"""SELECT s.id AS object_id, {_sanction_text('s')} AS object_repr,
                   s.region_code AS region_code
            FROM compliance_sanction s JOIN {NEW} n
              ON n.member_id = s.member_id AND n.component = s.component AND n.kind = s.kind
             AND n.year = s.year AND n.stage = s.stage""",
        details={"tahun": year, "tahap": stage},
    )  # fmt: skip
    for kind, count in bulk.rows(f"SELECT kind, COUNT(*) FROM {NEW} GROUP BY kind"):
        if kind == SanctionKind.SUSPENSION:
            result.suspended = count
        else:
            result.terminated = count
    bulk.execute(f"DROP TABLE {NEW}")
    bulk.execute(f"DROP TABLE {FOUND}")
    in_force = Sanction.objects.in_force(year, stage).filter(region_code__startswith=region)
    result.in_force = in_force.count()
    progress(written=result.suspended + result.terminated, force=True)
    return result


def forced_exit_candidates(year: int, stage: int, families=None):
    """Active families every one of whose components is terminated in the stage (graduasi paksa).

    A family with no component at all is a natural exit (DESIGN §7), not this.
    """
    day = calendar.stage_start(year, stage)
    families = Family.objects.all() if families is None else families
    rules = eligibility.rules_for(year)
    earning = (
        Member.objects.filter(family_id=OuterRef("pk"))
        .annotate(component=eligibility.component_expression(day, rules))
        .exclude(component=None)
    )
    terminated = Sanction.objects.in_force(year, stage).filter(
        kind=SanctionKind.TERMINATION, member_id=OuterRef("pk"), component=OuterRef("component")
    )
    return families.filter(status=FamilyStatus.ACTIVE).filter(
        Exists(earning), ~Exists(earning.exclude(Exists(terminated)))
    )
