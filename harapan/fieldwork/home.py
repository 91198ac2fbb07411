"""What the home page tells a user of their coaching and ethics cases (DESIGN §9), beside
the to-do: the decisions of their cases not yet opened, and the notes about them of the
last 30 days. Information, not work: the writer's follow-ups due are in harapan/todo.py."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import CharField, Value
from django.urls import reverse

from harapan.accounts.roles import SUPERVISION_TIERS, Role

from .models import EthicsCase
from .views_coaching import new_about

DECISION, NOTE = "keputusan", "pembinaan"


@dataclass
class Notices:
    decisions: list = field(default_factory=list)  # (pk, decided_at) of unread decisions
    new_coaching: int = 0
    coaching_url: str = ""


def notices_for(user, today: date) -> Notices:
    """Only a pendamping is ever the subject of a case; only a lower tier is ever coached.
    Both are read in one query (the home page's budget): the unread decisions and the new
    notes about the user (a handful a month), as rows of one UNION."""
    found = Notices()
    if user.role not in SUPERVISION_TIERS[:-1]:
        return found
    tag = CharField()
    rows = (
        new_about(user, today)
        .order_by()
        .values_list("pk", "created_at", Value(NOTE, output_field=tag))
    )
    if user.role == Role.PENDAMPING:
        unread = (
            EthicsCase.objects.decisions_for(user).filter(decision_seen_at__isnull=True).order_by()
        )
        decided = unread.values_list("pk", "decided_at", Value(DECISION, output_field=tag))
        rows = decided.union(rows, all=True)
    for pk, when, kind in rows:
        if kind == DECISION:
            found.decisions.append({"pk": pk, "decided_at": when})
        else:
            found.new_coaching += 1
    found.decisions.sort(key=lambda row: (row["decided_at"], row["pk"]))
    found.coaching_url = reverse("fieldwork:coaching_list") + "?baru=on"
    return found
