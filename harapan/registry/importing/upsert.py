"""Counting and writing the good families of a staged import, set-based."""

from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from harapan.bulk import analyze, execute, is_postgres, scalar

from .staging import GOOD, ROWS, TOUCHED, family_changed_condition, member_changed_condition

NEW_ROWS = "harapan_import_new"
FAMILY_SOURCE = f"""
    SELECT r.registry_id, r.kk, r.desa, r.address, r.bank, r.kks, r.desil, r.pendamping_id
    FROM {GOOD} g JOIN {ROWS} r ON r.line = g.line"""
MEMBER_SOURCE = f"""
    SELECT r.*, f.id AS family_id
    FROM {ROWS} r
    JOIN {GOOD} g ON g.registry_id = r.registry_id
    JOIN registry_family f ON f.registry_id = r.registry_id"""


@dataclass
class Plan:
    families_new: int = 0
    families_changed: int = 0
    families_unchanged: int = 0
    members_new: int = 0
    members_changed: int = 0
    members_unchanged: int = 0
    members_missing: int = 0
    missing_sample: list[tuple[str, str, str]] = field(default_factory=list)


def plan() -> Plan:
    """What the upsert would do, counted before anything is written."""
    result = Plan()
    good = scalar(f"SELECT COUNT(*) FROM {GOOD}")
    result.families_new = scalar(f"""
        SELECT COUNT(*) FROM {GOOD} g
        WHERE NOT EXISTS (SELECT 1 FROM registry_family f WHERE f.registry_id = g.registry_id)""")
    result.families_changed = scalar(f"""
        SELECT COUNT(*) FROM ({FAMILY_SOURCE}) s
        JOIN registry_family f ON f.registry_id = s.registry_id
        WHERE {family_changed_condition("f", "s")}""")
    result.families_unchanged = good - result.families_new - result.families_changed
    members = scalar(
        f"SELECT COUNT(*) FROM {ROWS} r JOIN {GOOD} g ON g.registry_id = r.registry_id"
    )
    result.members_changed = scalar(f"""
        SELECT COUNT(*) FROM ({MEMBER_SOURCE}) s
        JOIN registry_member m ON m.family_id = s.family_id AND m.nik = s.nik
        WHERE {member_changed_condition("m", "s")}""")
    existing = scalar(f"""
        SELECT COUNT(*) FROM ({MEMBER_SOURCE}) s
        JOIN registry_member m ON m.family_id = s.family_id AND m.nik = s.nik""")
    result.members_new = members - existing
    result.members_unchanged = existing - result.members_changed
    missing_sql = f"""
        FROM registry_member m
        JOIN registry_family f ON f.id = m.family_id
        JOIN {GOOD} g ON g.registry_id = f.registry_id
        WHERE NOT EXISTS (SELECT 1 FROM {ROWS} r
                          WHERE r.registry_id = f.registry_id AND r.nik = m.nik)"""
    result.members_missing = scalar(f"SELECT COUNT(*) {missing_sql}")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT f.registry_id, m.nik, m.name {missing_sql} "
                       "ORDER BY f.registry_id, m.nik LIMIT 200")  # fmt: skip
        result.missing_sample = [tuple(row) for row in cursor.fetchall()]
    return result


def write(now: str, actor_id: int | None, actor_name: str, run_id: int) -> None:
    """Upsert the good families and their members, and audit each one touched."""
    # Families whose data will change, remembered before the upsert for the audit rows.
    execute(f"""
        CREATE TEMPORARY TABLE {TOUCHED} AS
        SELECT s.registry_id, CASE WHEN f.id IS NULL THEN 1 ELSE 0 END AS created
        FROM ({FAMILY_SOURCE}) s
        LEFT JOIN registry_family f ON f.registry_id = s.registry_id
        WHERE f.id IS NULL OR {family_changed_condition("f", "s")}
        UNION
        SELECT DISTINCT s.registry_id, 0
        FROM ({MEMBER_SOURCE}) s
        LEFT JOIN registry_member m ON m.family_id = s.family_id AND m.nik = s.nik
        WHERE m.id IS NULL OR {member_changed_condition("m", "s")}""")
    # Families that change hands: who had them until today (registry/assignment_history.py).
    execute(f"""
        INSERT INTO registry_pastassignment (family_id, pendamping_id, until, recorded_at)
        SELECT f.id, f.pendamping_id, %s, %s
        FROM ({FAMILY_SOURCE}) s
        JOIN registry_family f ON f.registry_id = s.registry_id
        WHERE s.pendamping_id IS NOT NULL
          AND (f.pendamping_id IS NULL OR f.pendamping_id <> s.pendamping_id)""",
        [timezone.localdate(), now],
    )  # fmt: skip
    # Changed rows are updated and new rows inserted in two plain statements:
    # cheaper than INSERT … ON CONFLICT, whose speculative insert costs every row.
    execute(f"""
        UPDATE registry_family SET
            kk_number = s.kk, region_code = s.desa, address = s.address, bank = s.bank,
            kks_number = s.kks, desil = s.desil, updated_at = %s,
            version = registry_family.version + 1,
            pendamping_id = COALESCE(s.pendamping_id, registry_family.pendamping_id)
        FROM ({FAMILY_SOURCE}) s
        WHERE registry_family.registry_id = s.registry_id
          AND ({family_changed_condition("registry_family", "s")})""",
        [now],
    )  # fmt: skip
    # New rows are chosen in a statement of their own, never by a NOT EXISTS
    # on the table being inserted into: with stale statistics PostgreSQL would
    # rescan the growing table for every row.
    execute(f"DROP TABLE IF EXISTS {NEW_ROWS}")
    execute(f"""
        CREATE TEMPORARY TABLE {NEW_ROWS} AS
        SELECT s.* FROM ({FAMILY_SOURCE}) s
        WHERE NOT EXISTS (SELECT 1 FROM registry_family f WHERE f.registry_id = s.registry_id)""")
    execute(f"""
        INSERT INTO registry_family (registry_id, kk_number, region_code, address, bank,
            kks_number, desil, status, exit_reason, exit_date, pendamping_id, created_at,
            updated_at)
        SELECT s.registry_id, s.kk, s.desa, s.address, s.bank, s.kks, s.desil, 'aktif', '',
               NULL, s.pendamping_id, %s, %s
        FROM {NEW_ROWS} s""",
        [now, now],
    )  # fmt: skip
    # The family table may have grown from nothing: let the planner know before
    # the member statements join it.
    analyze("registry_family", TOUCHED)
    execute(f"""
        UPDATE registry_member SET
            region_code = s.desa, name = s.name, sex = s.sex, birth_date = s.birth,
            relation = s.relation, pregnant = s.pregnant, school_level = s.school,
            severe_disability = s.disability, alive = s.alive,
            version = registry_member.version + 1
        FROM ({MEMBER_SOURCE}) s
        WHERE registry_member.family_id = s.family_id AND registry_member.nik = s.nik
          AND ({member_changed_condition("registry_member", "s")})""")
    execute(f"DROP TABLE {NEW_ROWS}")
    execute(f"""
        CREATE TEMPORARY TABLE {NEW_ROWS} AS
        SELECT s.* FROM ({MEMBER_SOURCE}) s
        WHERE NOT EXISTS (SELECT 1 FROM registry_member m
                          WHERE m.family_id = s.family_id AND m.nik = s.nik)""")
    execute(f"""
        INSERT INTO registry_member (family_id, region_code, nik, name, sex, birth_date,
            relation, pregnant, school_level, severe_disability, alive, died_on)
        SELECT s.family_id, s.desa, s.nik, s.name, s.sex, s.birth, s.relation, s.pregnant,
               s.school, s.disability, s.alive, NULL
        FROM {NEW_ROWS} s""")
    execute(f"DROP TABLE {NEW_ROWS}")
    as_json = "CAST(%s AS jsonb)" if is_postgres() else "%s"
    execute(f"""
        INSERT INTO audit_auditentry (at, actor_id, actor_name, action, object_type, object_id,
            object_repr, region_code, changes, details)
        SELECT %s, %s, %s, 'registry.family.import', 'registry.family',
               CAST(f.id AS varchar(20)), f.registry_id, f.region_code, {as_json},
               CASE WHEN t.created = 1 THEN {as_json} ELSE {as_json} END
        FROM {TOUCHED} t JOIN registry_family f ON f.registry_id = t.registry_id""",
        [now, actor_id, actor_name, "{}",
         f'{{"import_run": {run_id}, "baru": true}}', f'{{"import_run": {run_id}, "baru": false}}'],
    )  # fmt: skip
