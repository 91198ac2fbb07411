"""The auditor's line on the home to-do: recent sensitive reads (issue 13)."""

from datetime import timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from harapan.accounts.roles import reads_audit_trail

from .forms import SENSITIVE, TrailFilterForm
from .views import visible_entries

RECENT_DAYS = 7


def recent_sensitive_reads(user) -> tuple[int, str]:
    """How many full-NIK views and exports the last 7 days hold (today included) within
    `user`'s scope, and the trail page listing exactly those: its data-total is the count.

    (0, "") for a user who does not read the trail.
    """
    if not reads_audit_trail(user):
        return 0, ""
    since = timezone.localdate() - timedelta(days=RECENT_DAYS - 1)
    query = {"jenis": SENSITIVE, "dari": since.isoformat()}
    # The same form as the page: the count and the list cannot drift apart.
    form = TrailFilterForm(query)
    form.is_valid()
    count = form.filter(visible_entries(user)).count()
    return count, f"{reverse('audit:trail')}?{urlencode(query)}"
