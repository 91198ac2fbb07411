"""Writing the audit trail.

Every action that changes data calls `record` (STYLE.md, "State changes").
`snapshot` before and `diff` after give the per-field changes:

    before = trail.snapshot(family)
    family.address = new_address
    family.save()
    trail.record(user, "family.update", family, changes=trail.diff(before, family))
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from .models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of obj, by attribute name (`region_id`, not `region`)."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {name: _plain(getattr(obj, name)) for name in names}


def diff(before: dict[str, Any], obj: models.Model) -> dict[str, list[Any]]:
    """{field: [old, new]} for each field of `before` whose value changed."""
    after = snapshot(obj, list(before))
    return {name: [before[name], after[name]] for name in before if before[name] != after[name]}


def record(
    actor,
    action: str,
    obj: models.Model | None = None,
    *,
    changes: dict | None = None,
    details: dict | None = None,
    region_code: str | None = None,
) -> AuditEntry:
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if region_code is None and obj is not None:
        region_code = getattr(obj, "region_code", "") or ""
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=actor.get_username() if actor else "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        region_code=region_code or "",
        changes={k: [_plain(a), _plain(b)] for k, (a, b) in (changes or {}).items()},
        details={k: _plain(v) for k, v in (details or {}).items()},
    )


def record_set(
    actor, action: str, object_type: str, rows_sql: str, params=(), details=None, changes=None
) -> int:
    """One audit row per row of `rows_sql`, written in one statement (batch jobs).

    `rows_sql` selects columns named object_id, object_repr and region_code; the rows share
    the actor, action, `details` and `changes`. Returns the number of rows written.
    """
    import json

    from django.db import connection
    from django.utils import timezone

    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    as_json = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    changed = {k: [_plain(a), _plain(b)] for k, (a, b) in (changes or {}).items()}
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO audit_auditentry (at, actor_id, actor_name, action, object_type,
                    object_id, object_repr, region_code, changes, details)
                SELECT %s, %s, %s, %s, %s, CAST(r.object_id AS varchar(64)), r.object_repr,
                       r.region_code, {as_json}, {as_json}
                FROM ({rows_sql}) r""",
            [now, actor.pk if actor else None, actor.get_username() if actor else "", action,
             object_type, json.dumps(changed),
             json.dumps({k: _plain(v) for k, v in (details or {}).items()}),
             *params],
        )  # fmt: skip
        return cursor.rowcount


def sql_label(expr: str, labels) -> str:
    """SQL giving the label of the code in `expr` (codes not in `labels` as they are), so
    that a batch's `object_repr` reads like the model's `__str__`: labels, never codes."""
    quoted = {code: str(label).replace("'", "''") for code, label in dict(labels).items()}
    whens = " ".join(f"WHEN '{code}' THEN '{label}'" for code, label in quoted.items())
    return f"(CASE {expr} {whens} ELSE {expr} END)"


def sql_month(month_text: str) -> str:
    """SQL writing a 'YYYY-MM' text expression as the month's name and year (November 2026)."""
    from django.utils.dates import MONTHS

    names = {f"{number:02d}": name for number, name in MONTHS.items()}
    return f"{sql_label(f'SUBSTR({month_text}, 6, 2)', names)} || ' ' || SUBSTR({month_text}, 1, 4)"


def record_queryset(actor, action: str, rows: models.QuerySet, *, label: str, details=None) -> int:
    """One audit row per row of `rows` (a batch job's set), in one statement.

    The row's pk is the object, its `label` field (a path such as
    "family__registry_id" may be given) the text shown, its `region_code` the region.
    """
    columns = rows.order_by().values(
        object_id=models.F("pk"), object_repr=models.F(label), row_region=models.F("region_code")
    )
    sql, params = columns.query.sql_with_params()
    return record_set(
        actor, action, rows.model._meta.label_lower,
        f"SELECT object_id, object_repr, row_region AS region_code FROM ({sql}) q", params,
        details=details,
    )  # fmt: skip
