"""Set-based jobs on complaints (DESIGN §8): the hourly escalation.

`escalate_complaints(now)` moves every open complaint whose current step is
breached (`terlambat`) one level up — pendamping → korcam → korkab → korwil —
to the coordinator of that level for its region (for a conduct complaint, the
accused's region), found as routing.py finds them; the breached step's clock
starts again at `now`. At korwil it stays, listed as breached. One calendar for
all, one coordinator lookup and one update per (level, region) group, one audit
row and one home-page notice for its new handler per complaint.
"""

from collections import defaultdict
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from harapan.audit import trail
from harapan.jobs.claims import claimed
from harapan.workdays.calendar import SlaStatus

from . import routing
from .models import LEVEL_ORDER, Complaint, ComplaintNotice, Level, NoticeKind, rank
from .sla import sla_for


def escalate_complaints(now: datetime, *, acting_user=None) -> int:
    """Escalate every complaint breached at `now`, claimed so that two runs never overlap;
    how many moved."""
    with claimed("complaints.escalate", "", what=_("Eskalasi pengaduan"), user=acting_user):
        return _escalate(now, acting_user)


@transaction.atomic
def _escalate(now: datetime, acting_user) -> int:
    candidates = (
        Complaint.objects.open()
        .exclude(tingkat=Level.KORWIL)
        .annotate(chain_region=F("accused__region_id"))
        .only("pk", "status", "tingkat", "region_code", "step_started_at")
    )
    rows = list(candidates)
    sla = sla_for(rows, now)
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in rows:
        if sla[row.pk].status == SlaStatus.BREACHED:
            groups[(row.tingkat, row.chain_region or row.region_code)].append(row.pk)
    moved = 0
    notices: list[ComplaintNotice] = []
    for (level, region), pks in groups.items():
        up = routing.coordinator(LEVEL_ORDER[rank(level) + 1], region)
        group = Complaint.objects.filter(pk__in=pks, tingkat=level).open()
        trail.record_queryset(acting_user, "complaints.escalate", group, label="kode",
                              details={"dari": level, "ke": up.tingkat})  # fmt: skip
        moving = list(group.values_list("pk", flat=True))
        moved += group.update(tingkat=up.tingkat, handler=up.handler, step_started_at=now)
        if up.handler is not None:
            notices.extend(
                ComplaintNotice(user=up.handler, complaint_id=pk, kind=NoticeKind.ESCALATION,
                                from_level=level, created_at=now)
                for pk in moving
            )  # fmt: skip
    # The receiving level sees them on its home page (DESIGN §8: notification in-app).
    ComplaintNotice.objects.bulk_create(notices)
    return moved
