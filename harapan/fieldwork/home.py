"""What the home page tells a user of their coaching and ethics cases (DESIGN §9), beside
the to-do: the decisions of their cases not yet opened, and the notes about them of the
last 30 days. Information, not work: the writer's follow-ups due are in harapan/todo.py."""

from datetime import date

from django.urls import reverse

from harapan.accounts.roles import SUPERVISION_TIERS, Role

from .views_coaching import new_about
from .views_ethics import decisions_unseen


def notices_for(user, today: date) -> dict:
    """Only a pendamping is ever the subject of a case; only a lower tier is ever coached."""
    found = {"decisions": [], "new_coaching": 0, "coaching_url": ""}
    if user.role == Role.PENDAMPING:
        found["decisions"] = decisions_unseen(user)
    if user.role in SUPERVISION_TIERS[:-1]:
        found["new_coaching"] = new_about(user, today).count()
        found["coaching_url"] = reverse("fieldwork:coaching_list") + "?baru=on"
    return found
