"""Why a family gets what it gets in each computed stage (the family page, DESIGN §4).

What was paid comes from the stored snapshot (the entitlement's lines). Why
anything else was not comes from `batch.ranking_sql`, the batch's own
ranking, run again for this one family: the reasons are the batch's, never a
second statement of the rules. When the two disagree, the registry changed
after the snapshot was computed, and the page says so.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from harapan.compliance.models import Sanction, SanctionKind
from harapan.registry.eligibility import LABELS
from harapan.registry.models import Member

from .batch import SLOT_ORDER, ranking_sql
from .models import Entitlement


@dataclass
class MemberShare:
    """One member in one stage: the component earned, what it paid, why not."""

    member: Member
    component: str | None = None
    annual: int | None = None  # the year's amount of the component
    amount: int | None = None  # paid in the stage; None when not paid
    reason: str = ""  # why an earned component was not paid

    @property
    def label(self) -> str:
        return LABELS.get(self.component, "")


@dataclass
class StageExplanation:
    entitlement: Entitlement
    rows: list[MemberShare] = field(default_factory=list)
    # The registry changed after the snapshot: today's ranking pays other components.
    changed: bool = False


def explain_entitlements(family, entitlements: Iterable[Entitlement]) -> list[StageExplanation]:
    """Every member of `family` in each of its `entitlements`, paid components first.

    A fixed number of queries whatever the number of stages: the members, the
    years' index (unless prefetched), one ranking for every stage, and the
    sanctions that stopped a component, if any.
    """
    entitlements = list(entitlements)
    if not entitlements:
        return []
    prefetch_related_objects(entitlements, "lines", "stage__year__index")
    members = {m.pk: m for m in family.members.all()}
    ranked = _ranking(family, entitlements)
    sanction_ids = {r["sanction_id"] for rows in ranked.values() for r in rows if r["sanction_id"]}
    sanctions = Sanction.objects.in_bulk(sanction_ids) if sanction_ids else {}
    return [_explain(e, members, ranked[e.stage_id], sanctions) for e in entitlements]


def _ranking(family, entitlements: list[Entitlement]) -> dict[int, list[dict]]:
    """The batch's ranking of the family's members in each stage, in slot order."""
    parts, params = [], []
    members = Member.objects.filter(family=family)
    sanctions = Sanction.objects.filter(member__family=family)
    for entitlement in entitlements:
        sql, stage_params = ranking_sql(entitlement.stage, members, sanctions)
        parts.append(f"SELECT {int(entitlement.stage_id)} AS stage_id, r.* FROM ({sql}) r")
        params += stage_params
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts) + f" ORDER BY stage_id, {SLOT_ORDER}", params)
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    by_stage = defaultdict(list)
    for row in rows:
        by_stage[row["stage_id"]].append(row)
    return by_stage


def _explain(entitlement, members: dict, ranked: list[dict], sanctions: dict) -> StageExplanation:
    year = entitlement.stage.year
    annual = year.rules().annual
    lines = list(entitlement.lines.all())
    explanation = StageExplanation(entitlement)
    for line in lines:
        line.member = members[line.member_id]
        explanation.rows.append(
            MemberShare(line.member, line.component, annual.get(line.component), line.amount)
        )
    stored = {line.member_id for line in lines}
    for row in ranked:
        if row["member_id"] not in stored:
            reason = _reason(row, ranked, members, year.max_components, sanctions)
            explanation.rows.append(
                MemberShare(
                    members[row["member_id"]], row["component"], row["annual"], None, reason
                )
            )
    earning = stored | {row["member_id"] for row in ranked}
    explanation.rows += [MemberShare(m) for pk, m in members.items() if pk not in earning]
    paid_now = {(row["member_id"], row["component"]) for row in ranked if row["paid"]}
    explanation.changed = paid_now != {(line.member_id, line.component) for line in lines}
    return explanation


def _reason(row: dict, ranked: list[dict], members: dict, max_components: int, sanctions) -> str:
    """Why the ranking leaves `row` unpaid, read from the ranking's own columns."""

    def names(rows) -> str:
        return ", ".join(members[r["member_id"]].name for r in rows)

    if row["sanction_id"]:
        return sanction_reason(sanctions[row["sanction_id"]])
    if row["family_place"] is None:  # over its own component's cap
        same = [r for r in ranked if r["component"] == row["component"]]
        holders = [r for r in same if r["family_place"] is not None]
        return _(
            "Kalah tempat dari %(names)s: batas %(cap)s komponen %(component)s per keluarga"
        ) % {
            "names": names(holders),
            "cap": row["cap"],
            "component": LABELS[row["component"]],
        }
    if not row["paid"]:  # over the family's total cap
        last = [r for r in ranked if r["family_place"] == max_components]
        return _("Kalah tempat dari %(names)s: batas %(cap)s komponen per keluarga") % {
            "names": names(last),
            "cap": max_components,
        }
    return _("Data berubah setelah penetapan dihitung")


def sanction_reason(sanction: Sanction) -> str:
    if sanction.kind == SanctionKind.SUSPENSION:
        text = _("Sanksi penangguhan tahap %(stage)s %(year)s")
    else:
        text = _("Sanksi pembatalan sejak tahap %(stage)s %(year)s")
    text %= {"stage": sanction.stage, "year": sanction.year}
    return f"{text}: {sanction.reason}" if sanction.reason else text
