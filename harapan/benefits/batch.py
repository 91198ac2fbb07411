"""`compute_entitlements`: a stage's entitlements for a region, set-based (DESIGN §4).

1. Each living member of an active family gets the one component the
   registry's rule gives them on the stage's reference date
   (`eligibility.component_expression`, the SQL twin of `component_for`);
   components suspended or terminated by a sanction in force drop out here,
   so they take no slot. The sanctions are brought up to date first, from
   the verification of the stage's window (`compliance.batch`).
2. Window functions apply the caps: per component (`family_cap`), then the
   family total (`max_components`), the highest annual values first, ties to
   the older member, then the lower NIK, whatever the components
   (`SLOT_ORDER`, in `ranking_sql`, which the family page's explanation reads
   too).
3. The result is frozen into Entitlement and EntitlementLine rows. Families
   that already have an entitlement for the stage are left alone unless
   `recompute` is asked for, which replaces them, audits each family that
   changed and reports the changes.

Two runs of the same stage on overlapping regions never both write: the run
first claims the stage's entitlements and sanctions for its region
(`jobs.claims`), committed before its transaction so that a run in another
process sees them; a second run is refused with a message naming the holder.
Two different kabupaten do not overlap, a national run overlaps them all.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from harapan import bulk
from harapan.audit import trail
from harapan.compliance.batch import (
    SanctionResult,
    no_progress,
    sanctions_claim,
    write_sanctions,
)
from harapan.compliance.models import Sanction
from harapan.jobs import changed_regions
from harapan.jobs.claims import claimed, where
from harapan.lib import regioncode
from harapan.registry import eligibility
from harapan.registry.eligibility import component_expression
from harapan.registry.models import Family, Member

from .models import Entitlement, Stage

LINES = "harapan_entitlement_lines"
OLD = "harapan_entitlement_old"
TARGETS = "harapan_entitlement_targets"
NO_CAP = 999


@dataclass
class ComputeResult:
    families: int = 0
    paid_families: int = 0
    total: int = 0
    replaced: int = 0
    changed: list[tuple[str, int, int]] = field(default_factory=list)  # (id, old, new)
    changed_count: int = 0
    sanctions: SanctionResult | None = None


def _case_sql(values: dict[str, int]) -> str:
    """CASE over the member's component; codes come from the fixed list, values are ints."""
    branches = " ".join(
        f"WHEN '{c}' THEN {int(v)}" for c, v in values.items() if c in eligibility.COMPONENTS
    )
    return f"CASE m.component {branches} ELSE 0 END"


def _earning_members_sql(stage: Stage, members: QuerySet) -> tuple[str, list]:
    """SQL for `members` with the component each earns in `stage` (NULL when none)."""
    members = (
        members.annotate(component=component_expression(stage.reference_date, stage.year.rules()))
        .order_by()
        .values("id", "family_id", "region_code", "component", "birth_date", "nik")
    )
    return members.query.sql_with_params()


# The one order in which a family's components take its slots (DESIGN §4): the
# highest annual value first; between equal values, whoever the components
# are, the older member, then the lower NIK. The component tie order only
# chose each member's own component, in `component_expression`.
SLOT_ORDER = "annual DESC, birth_date, nik"


def ranking_sql(
    stage: Stage, members: QuerySet, sanctions: QuerySet | None = None
) -> tuple[str, list]:
    """SQL ranking every member of `members` who earns a component in `stage`.

    One row per earning member, paid or not, so that the batch and the family
    page's "why this amount" read the same ranking: member_id, family_id,
    region_code, component, birth_date, nik, annual, amount (the stage's quarter),
    sanction_id (a sanction in force on that component, which stops it and
    takes no slot), cap (the component's per-family cap), component_place
    (among the family's unsanctioned members with that component),
    family_place (among the family's components within their own caps) and
    paid (1 when it is one of the year's `max_components` slots).

    `sanctions` narrows the sanctions looked at (default: all) to those that
    can concern `members`, e.g. one family's, so that one family's ranking
    does not group every sanction in force in the country.
    """
    year = stage.year
    rules = year.rules()
    caps = year.caps()
    members_sql, members_params = _earning_members_sql(stage, members)
    sanctions = Sanction.objects.all() if sanctions is None else sanctions
    sanctions_sql, sanctions_params = (
        sanctions.in_force(year.year, stage.number)
        .order_by()
        .values("id", "member_id", "component")
        .query.sql_with_params()
    )
    annual = _case_sql(rules.annual)
    cap = _case_sql({c: caps.get(c) or NO_CAP for c in rules.annual})
    # MATERIALIZED: the component CASE is evaluated once per member, not once
    # more for every later reference to it. Sanctioned components are ranked
    # apart, so they take no slot. Then the per-component cap, then the
    # family's total cap, both in SLOT_ORDER.
    sql = f"""
        WITH m AS MATERIALIZED ({members_sql}),
        e AS (
            SELECT m.id, m.family_id, m.region_code, m.component, m.birth_date, m.nik,
                   {annual} AS annual, {cap} AS cap, s.sanction_id
            FROM m
            LEFT JOIN (SELECT member_id, component, MIN(id) AS sanction_id
                       FROM ({sanctions_sql}) s0 GROUP BY member_id, component) s
              ON s.member_id = m.id AND s.component = m.component
            WHERE m.component IS NOT NULL
        ),
        c AS (
            SELECT e.*, ROW_NUMBER() OVER (
                PARTITION BY family_id, component, sanction_id IS NULL
                ORDER BY {SLOT_ORDER}) AS rc
            FROM e
        ),
        k AS (
            SELECT c.*, ROW_NUMBER() OVER (
                PARTITION BY family_id, sanction_id IS NULL AND rc <= cap
                ORDER BY {SLOT_ORDER}) AS rk
            FROM c
        )
        SELECT id AS member_id, family_id, region_code, component, birth_date, nik, annual,
               annual / 4 AS amount, sanction_id, cap,
               CASE WHEN sanction_id IS NULL THEN rc END AS component_place,
               CASE WHEN sanction_id IS NULL AND rc <= cap THEN rk END AS family_place,
               CASE WHEN sanction_id IS NULL AND rc <= cap AND rk <= %s THEN 1 ELSE 0 END AS paid
        FROM k"""
    return sql, [*members_params, *sanctions_params, year.max_components]


def _stage_lines(stage: Stage, region: str, recompute: bool) -> None:
    members = Member.objects.filter(family__status="aktif")
    if region:
        members = members.filter(region_code__startswith=region)
    if not recompute:
        members = members.exclude(
            Exists(Entitlement.objects.filter(family_id=OuterRef("family_id"), stage=stage))
        )
    ranked_sql, params = ranking_sql(stage, members)
    bulk.execute(f"DROP TABLE IF EXISTS {LINES}")
    bulk.execute(f"""
        CREATE TEMPORARY TABLE {LINES} AS
        SELECT member_id, family_id, region_code, component, amount, family_place AS rank
        FROM ({ranked_sql}) r WHERE paid = 1""",
        params,
    )  # fmt: skip
    bulk.execute(f"CREATE INDEX {LINES}_family ON {LINES} (family_id)")
    bulk.analyze(LINES)


def compute_entitlements(
    stage: Stage, *, region: str | None = None, recompute: bool = False, acting_user=None,
    progress: Callable[..., None] = no_progress,
) -> ComputeResult:  # fmt: skip
    """The stage's entitlements in `region` (all when empty); ClaimRefused when it is taken.

    `progress(phase=..., written=..., force=...)` hears the phases and counts (a run's page).
    """
    region = regioncode.normalize(region) if region else ""
    what = _("Penetapan %(year)s tahap %(stage)s untuk %(where)s") % {
        "year": stage.year_id, "stage": stage.number, "where": where(region)
    }  # fmt: skip
    # The sanctions are a scope of their own: a run computing only them for
    # the stage (`compute_sanctions`) must not write beside this one either.
    with (
        claimed(f"benefits.entitlements:{stage.pk}", region, what=what, user=acting_user),
        sanctions_claim(stage.year_id, stage.number, region, acting_user),
    ):
        result = _compute_entitlements(stage, region, recompute, acting_user, progress)
    if not connection.in_atomic_block:
        # Fresh statistics for the pages that read the table next (on stale
        # ones a query right after a first run was seen planning for minutes),
        # taken after the commit: ANALYZE's lock, which another kabupaten's
        # ANALYZE waits for, then lasts only as long as the ANALYZE itself.
        bulk.analyze("benefits_entitlement")
    return result


@transaction.atomic
def _compute_entitlements(
    stage: Stage, region: str, recompute: bool, acting_user, progress: Callable[..., None]
) -> ComputeResult:
    like = f"{region}%"
    result = ComputeResult()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # The ladder runs first, on the records as they stand, so that the stage
    # pays no component its window's verification suspends or terminates.
    result.sanctions = write_sanctions(
        stage.year_id, stage.number, region, acting_user=acting_user, progress=progress
    )
    progress(phase=_("Menghitung komponen"), force=True)
    _stage_lines(stage, region, recompute)
    progress(phase=_("Menyimpan penetapan"), force=True)
    if recompute:
        _remember_and_clear(stage, like, result)
    # The families to fill in are chosen in a statement of their own: a NOT
    # EXISTS on the table being inserted into lets PostgreSQL, misled by stale
    # statistics, rescan the growing table for every row (measured: 49 s
    # instead of 1 s for 100,000 families).
    bulk.execute(f"DROP TABLE IF EXISTS {TARGETS}")
    bulk.execute(f"""
        CREATE TEMPORARY TABLE {TARGETS} AS
        SELECT f.id, f.region_code FROM registry_family f
        WHERE f.status = 'aktif' AND f.region_code LIKE %s
          AND NOT EXISTS (SELECT 1 FROM benefits_entitlement e
                          WHERE e.family_id = f.id AND e.stage_id = %s)""",
        [like, stage.pk],
    )  # fmt: skip
    bulk.analyze(TARGETS)
    result.families = bulk.scalar(f"SELECT COUNT(*) FROM {TARGETS}")
    entitlements = f"""
        INSERT INTO benefits_entitlement (family_id, stage_id, region_code, total, computed_at)
        SELECT f.id, %s, f.region_code, COALESCE(t.total, 0), %s
        FROM {TARGETS} f
        LEFT JOIN (SELECT family_id, SUM(amount) AS total FROM {LINES} GROUP BY family_id) t
          ON t.family_id = f.id"""
    lines = f"""
        INSERT INTO benefits_entitlementline
            (entitlement_id, member_id, region_code, component, amount, rank)
        SELECT e.id, l.member_id, l.region_code, l.component, l.amount, l.rank
        FROM {LINES} l JOIN e ON e.family_id = l.family_id"""
    if bulk.is_postgres():
        # The lines join the ids the insert returns, not the entitlement
        # table: that table just grew, maybe from nothing, and on its stale
        # statistics PostgreSQL joined it row by row (measured: 55 s instead
        # of a few for 100,000 families). ANALYZE, the earlier cure, holds a
        # lock until the transaction ends that another kabupaten's ANALYZE
        # waits for: fanned out to several workers, the kabupaten ran their
        # second halves one at a time (docs/performance.md).
        bulk.execute(f"WITH e AS ({entitlements} RETURNING id, family_id) {lines}", [stage.pk, now])
    else:  # no RETURNING in a WITH; SQLite plans on its indexes
        bulk.execute(entitlements, [stage.pk, now])
        bulk.execute(
            f"WITH e AS (SELECT id, family_id FROM benefits_entitlement WHERE stage_id = %s)"
            f" {lines}",
            [stage.pk],
        )
    progress(written=result.families, force=True)
    result.paid_families, result.total = bulk.rows(
        f"SELECT COUNT(DISTINCT family_id), COALESCE(SUM(amount), 0) FROM {LINES}"
    )[0]
    if recompute:
        _report_changes(stage, result, acting_user)
        bulk.execute(f"DROP TABLE {OLD}")
    changed_regions.regions_changed([region])
    bulk.execute(f"DROP TABLE {LINES}")
    bulk.execute(f"DROP TABLE {TARGETS}")
    trail.record(
        acting_user,
        "benefits.entitlements.recompute" if recompute else "benefits.entitlements.compute",
        stage,
        region_code=region,
        details={"families": result.families, "total": result.total,
                 "replaced": result.replaced, "changed": result.changed_count},
    )  # fmt: skip
    return result


def _remember_and_clear(stage: Stage, like: str, result: ComputeResult) -> None:
    """Keep the old snapshot's lines to compare, then delete the region's entitlements."""
    bulk.execute(f"DROP TABLE IF EXISTS {OLD}")
    bulk.execute(f"""
        CREATE TEMPORARY TABLE {OLD} AS
        SELECT e.family_id, e.total, l.member_id, l.component, l.amount
        FROM benefits_entitlement e
        LEFT JOIN benefits_entitlementline l ON l.entitlement_id = e.id
        WHERE e.stage_id = %s AND e.region_code LIKE %s""",
        [stage.pk, like],
    )  # fmt: skip
    bulk.execute("""
        DELETE FROM benefits_entitlementline WHERE entitlement_id IN (
            SELECT id FROM benefits_entitlement WHERE stage_id = %s AND region_code LIKE %s)""",
        [stage.pk, like],
    )  # fmt: skip
    result.replaced = bulk.execute(
        "DELETE FROM benefits_entitlement WHERE stage_id = %s AND region_code LIKE %s",
        [stage.pk, like],
    )


def _report_changes(stage: Stage, result: ComputeResult, acting_user) -> None:
    """Families whose lines differ between the old and the new snapshot, audited one by one."""
    new = f"""
        SELECT e.family_id, e.total, l.member_id, l.component, l.amount
        FROM benefits_entitlement e
        LEFT JOIN benefits_entitlementline l ON l.entitlement_id = e.id
        WHERE e.stage_id = {int(stage.pk)}"""
    rows = bulk.rows(f"""
        SELECT f.registry_id, f.id, f.region_code,
               (SELECT MAX(o.total) FROM {OLD} o WHERE o.family_id = f.id),
               (SELECT e.total FROM benefits_entitlement e
                 WHERE e.family_id = f.id AND e.stage_id = %s)
        FROM registry_family f
        WHERE f.id IN (
            SELECT family_id FROM (
                SELECT family_id, member_id, component, amount FROM {OLD}
                EXCEPT
                SELECT family_id, member_id, component, amount FROM ({new}) n1
            ) a
            UNION
            SELECT family_id FROM (
                SELECT family_id, member_id, component, amount FROM ({new}) n2
                WHERE family_id IN (SELECT family_id FROM {OLD})
                EXCEPT
                SELECT family_id, member_id, component, amount FROM {OLD}
            ) b
        )
        ORDER BY f.registry_id""",
        [stage.pk],
    )  # fmt: skip
    result.changed_count = len(rows)
    result.changed = [(r[0], r[3] or 0, r[4] or 0) for r in rows[:200]]
    families = {f.pk: f for f in Family.objects.filter(pk__in=[r[1] for r in rows])}
    for _registry_id, family_id, _region, old_total, new_total in rows:
        trail.record(
            acting_user,
            "benefits.entitlement.recompute",
            families[family_id],
            changes={"total": [old_total, new_total]},
            details={"stage": str(stage)},
        )
