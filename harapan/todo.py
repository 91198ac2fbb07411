"""Each role's to-do, the top of its home page (DESIGN §11 "Pages").

An item is a count of things waiting for the user and the list it links to,
with that list's filters in the link's query string; the list shows the same
number (`list_total.html`), and the home tests check that they agree. A
provider takes the user and today and returns one item or several; a feature
that creates work for a role adds its provider to the role's line in
`PROVIDERS`. Items whose count is 0 are left off the page.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from harapan.accounts.roles import Role, acts_on_ethics_cases, may_assign_pendamping
from harapan.audit.todo import recent_sensitive_reads
from harapan.benefits import disbursement
from harapan.benefits.stage_choice import default_stage
from harapan.complaints.views_handling import held_by_sla
from harapan.compliance import calendar, monitoring
from harapan.display.formats import month as month_text
from harapan.fds.models import MeetingStatus
from harapan.fds.progress import flagged_in_scope
from harapan.fds.views_meetings import planned_in_week
from harapan.fieldwork.home_plans import plans_needing_attention
from harapan.fieldwork.models import CoachingNote, EthicsCase, EthicsStatus
from harapan.fieldwork.views_meetings import my_open_items, to_record
from harapan.fieldwork.views_plans import plan_url, waiting_for_review
from harapan.graduation.models import ExitProposal, ProposalStatus
from harapan.graduation.views_proposals import WAITING_FOR
from harapan.jobs.access import IMPORT_KINDS, runs_to_follow, runs_visible_to, to_follow
from harapan.jobs.forms import IMPORTS, TO_FOLLOW
from harapan.lib.months import week_label, week_start
from harapan.programs.catalogue import Gap
from harapan.programs.gaps import gap_counts
from harapan.programs.views_proposals import LONG_WAIT_DAYS, long_waiting
from harapan.registry import changes
from harapan.registry.models import ChangeRequest, DataFinding, Family, Member
from harapan.reports.views_scorecard import below_target_last_month
from harapan.workdays.calendar import SlaStatus


@dataclass(frozen=True)
class Todo:
    label: str
    count: int
    url: str


Provider = Callable[[object, date], "Todo | Iterable[Todo]"]


def _link(name: str, **query) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(query)}" if query else url


# The pendamping's day --------------------------------------------------------------------


def verifications_not_recorded(user, today: date) -> Todo:
    """Commitments owed in the month being verified now (the one just ended) with no record."""
    month = calendar.month_to_verify(today)
    count = monitoring.missing(month, Member.objects.visible_to(user)).count()
    label = _("verifikasi %(month)s belum dicatat") % {"month": month_text(month)}
    return Todo(label, count, _link("compliance:missing_list", bulan=calendar.month_label(month)))


def flagged_families(user, today: date) -> Todo:
    count = flagged_in_scope(user).count()
    label = _("KPM perlu perhatian (sering tidak hadir P2K2)")
    return Todo(label, count, _link("fds:flagged"))


def meetings_this_week(user, today: date) -> Todo:
    monday = week_start(today)
    count = planned_in_week(user, monday).count()
    label = _("pertemuan P2K2 direncanakan minggu ini")
    url = _link("fds:meeting_list", minggu=week_label(monday), status=MeetingStatus.PLANNED)
    return Todo(label, count, url)


def proposals_returned(user, today: date) -> Todo:
    count = ExitProposal.objects.visible_to(user).returned().count()
    label = _("usulan graduasi dikembalikan (ditolak)")
    return Todo(label, count, _link("graduation:proposal_list", dikembalikan="on"))


def programme_proposals_waiting(user, today: date) -> Todo:
    """Proposals to a complementary programme still without an outcome after 30 days, for
    those who may record it: the family's pendamping, the korcam and korkab of its region."""
    count = long_waiting(user, today).count()
    label = _("usulan program menunggu hasil lebih dari %(days)s hari") % {"days": LONG_WAIT_DAYS}
    return Todo(label, count, _link("programs:proposal_list", lama="on"))


def work_plans_due(user, today: date) -> list[Todo]:
    """Next month's plan not submitted in the last week of a month; a plan returned."""
    due, returned = plans_needing_attention(user, today)
    items = []
    if due:
        label = _("rencana bulan depan (%(month)s) belum diajukan") % {"month": month_text(due)}
        items.append(Todo(label, 1, plan_url(due)))
    for month in returned:
        label = _("rencana kerja %(month)s dikembalikan") % {"month": month_text(month)}
        items.append(Todo(label, 1, plan_url(month)))
    return items


# Coordinators ----------------------------------------------------------------------------


def data_updates_waiting(user, today: date) -> Todo:
    count = changes.waiting_for(user, ChangeRequest.objects.visible_to(user)).count()
    label = _("pemutakhiran data menunggu keputusan Anda")
    return Todo(label, count, _link("registry:change_list", menunggu_saya="on"))


# What waits for the coordinator whose step it is (`WAITING_FOR`, DESIGN §7).
WAITING_LABELS = {
    ProposalStatus.PROPOSED: gettext_lazy("usulan graduasi menunggu verifikasi Anda"),
    ProposalStatus.VERIFIED: gettext_lazy("usulan graduasi menunggu persetujuan Anda"),
}


def graduation_waiting(user, today: date) -> list[Todo]:
    status = WAITING_FOR.get(user.role)
    if status is None:
        return []
    count = ExitProposal.objects.visible_to(user).filter(status=status).count()
    url = _link("graduation:proposal_list", status=status)
    return [Todo(str(WAITING_LABELS[status]), count, url)]


def unassigned_families(user, today: date) -> Todo:
    """Active families with no pendamping are on nobody's list (§11)."""
    count = Family.objects.visible_to(user).active().filter(pendamping__isnull=True).count()
    label = _("KPM aktif belum punya pendamping")
    if may_assign_pendamping(user):
        return Todo(label, count, _link("registry:assignments", unassigned="on"))
    # Who only reads (korwil) sees them in the family list.
    return Todo(label, count, _link("registry:family_list", status="aktif", unassigned="on"))


def pendamping_missing_verification(user, today: date) -> Todo:
    month = calendar.month_to_verify(today)
    rows = monitoring.figures_by(month, Member.objects.visible_to(user), monitoring.PENDAMPING)
    count = len(monitoring.incomplete(rows))
    label = _("pendamping dengan verifikasi %(month)s belum lengkap") % {"month": month_text(month)}
    url = _link(
        "compliance:monitoring",
        bulan=calendar.month_label(month),
        per=monitoring.PENDAMPING,
        belum="on",
    )
    return Todo(label, count, url)


def data_findings(user, today: date) -> Todo:
    """The nightly data check's findings wait for someone to correct the data (§12)."""
    count = DataFinding.objects.visible_to(user).count()
    label = _("temuan pemeriksaan data")
    return Todo(label, count, _link("registry:data_findings"))


# Operators and admin pusat ---------------------------------------------------------------


def imports_to_follow(user, today: date) -> Todo:
    count = to_follow(runs_visible_to(user).filter(kind__in=IMPORT_KINDS)).count()
    label = _("impor berjalan, ditolak atau gagal")
    return Todo(label, count, _link("jobs:run_list", jenis=IMPORTS, keadaan=TO_FOLLOW))


def reconciliation_mismatches(user, today: date) -> list[Todo]:
    """Each kind of mismatch in the reconciliation of the stage last imported (§10)."""
    stage = default_stage()
    if stage is None:
        return []
    result = disbursement.reconcile(stage, user=user)
    where = _("rekonsiliasi tahap %(number)s %(year)s") % {
        "number": stage.number,
        "year": stage.year_id,
    }
    return [
        Todo(
            f"{label} · {where}",
            count,
            _link("benefits:reconciliation", year=stage.year_id, stage=stage.number, jenis=kind),
        )
        for kind, label, count, _sum in result.tiles()
    ]


def my_runs_to_follow(user, today: date) -> Todo:
    """The user's own uploads and computations under way or failed lately."""
    count = runs_to_follow(user).count()
    label = _("pekerjaan saya berjalan, ditolak atau gagal")
    # Outside the overseeing roles the run list holds only the user's own runs.
    return Todo(label, count, _link("jobs:run_list", keadaan=TO_FOLLOW))


# Complaints, at every level that holds them (DESIGN §8) --------------------------------


COMPLAINT_LABELS = {
    SlaStatus.AT_RISK: gettext_lazy("pengaduan yang saya pegang berisiko melewati tenggat"),
    SlaStatus.BREACHED: gettext_lazy("pengaduan yang saya pegang terlambat"),
}


def complaints_held(user, today: date) -> list[Todo]:
    """The complaints the user holds whose current step is at risk, and those breached:
    the complaint list with the same filters (`sla`, `saya`) shows the same numbers."""
    held = held_by_sla(user, timezone.now())
    return [
        Todo(str(label), held[status], _link("complaints:list", sla=status.value, saya="on"))
        for status, label in COMPLAINT_LABELS.items()
    ]


# Coaching (pembinaan berjenjang, DESIGN §9) ----------------------------------------------


def coaching_follow_ups_due(user, today: date) -> Todo:
    """The writer's coaching notes whose follow-up date has come and is not done."""
    count = CoachingNote.objects.visible_to(user).follow_up_due(user, today).count()
    label = _("tindak lanjut pembinaan jatuh tempo")
    return Todo(label, count, _link("fieldwork:coaching_list", jatuh_tempo="on"))


def meetings_to_record(user, today: date) -> Todo:
    """Coordination meetings the user chairs whose day has come, not recorded yet."""
    count = to_record(user, today).count()
    return Todo(_("rapat koordinasi belum dicatat"), count,
                _link("fieldwork:meeting_list", belum_dicatat="on"))  # fmt: skip


# Code-of-ethics cases waiting for the korkab and above (issue 16) -------------------------


def ethics_cases_waiting(user, today: date) -> list[Todo]:
    """Cases of the user's region still to investigate and still to decide, for those who
    act on them (never the korcam: they do not see cases); one query, the list's filters."""
    if not acts_on_ethics_cases(user):
        return []
    counts = EthicsCase.objects.visible_to(user).aggregate(
        reported=Count("pk", filter=Q(status=EthicsStatus.REPORTED)),
        investigated=Count("pk", filter=Q(status=EthicsStatus.INVESTIGATED)),
    )
    return [
        Todo(_("kasus kode etik menunggu pemeriksaan"), counts["reported"],
             _link("fieldwork:ethics_list", status=EthicsStatus.REPORTED)),
        Todo(_("kasus kode etik menunggu keputusan"), counts["investigated"],
             _link("fieldwork:ethics_list", status=EthicsStatus.INVESTIGATED)),
    ]  # fmt: skip


# Coordination meetings: the action items a pendamping or korcam owns (issue 16) ---------


def my_action_items(user, today: date) -> list[Todo]:
    """The open action items the user owns, and those of them past their due date (one query:
    the same filters as the item list's `saya` and `terlambat`)."""
    counts = my_open_items(user).aggregate(
        mine=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today))
    )
    return [
        Todo(_("tindak lanjut rapat menjadi tanggung jawab saya"), counts["mine"],
             _link("fieldwork:action_items", saya="on")),
        Todo(_("tindak lanjut rapat saya melewati tenggat"), counts["late"],
             _link("fieldwork:action_items", saya="on", terlambat="on")),
    ]  # fmt: skip


def work_plans_to_review(user, today: date) -> Todo:
    """Submitted plans of the korcam's kecamatan; the review list shows the same total."""
    count = waiting_for_review(user).count()
    return Todo(_("rencana kerja menunggu tinjauan"), count, _link("fieldwork:plan_review_list"))


# Complementary programmes: the gaps nobody has proposed yet (issue 17) ------------------

GAP_LABELS = {
    Gap.PIP: gettext_lazy("anak sekolah belum menerima PIP dan belum diusulkan"),
    Gap.PBI: gettext_lazy("anggota belum menerima PBI-JKN/KIS dan belum diusulkan"),
    Gap.BPNT: gettext_lazy("KPM belum menerima Sembako/BPNT dan belum diusulkan"),
    Gap.ATENSI: gettext_lazy(
        "lanjut usia/disabilitas berat belum menerima ATENSI dan belum diusulkan"
    ),
}


def programme_gaps_not_proposed(user, today: date) -> list[Todo]:
    """Each gap's members or families not yet proposed, today (`gap_counts`, two queries and
    the year's rules); the gap list with `diusulkan=tidak` shows the same totals."""
    counts = gap_counts(today, Member.objects.visible_to(user), Family.objects.visible_to(user))
    return [
        Todo(str(GAP_LABELS[c.gap]), c.not_proposed,
             _link("programs:gap_list", celah=c.gap, diusulkan="tidak"))
        for c in counts
    ]  # fmt: skip


_COORDINATOR = [
    complaints_held,
    data_updates_waiting,
    graduation_waiting,
    unassigned_families,
    pendamping_missing_verification,
    data_findings,
    my_runs_to_follow,
    coaching_follow_ups_due,
    my_action_items,
    meetings_to_record,
]

# The auditor's day ----------------------------------------------------------------------


def pendamping_below_target(user, today: date) -> Todo:
    """Pendamping of the user's region with a scorecard figure below its target last month;
    the link shows the scorecard whose highlighted rows they are (reports/scorecard.py)."""
    count, url = below_target_last_month(user, today)
    return Todo(_("pendamping di bawah target bulan lalu"), count, url)


def sensitive_reads(user, today: date) -> Todo:
    """Full-NIK views and exports of the last seven days, the reads an auditor checks."""
    count, url = recent_sensitive_reads(user)
    return Todo(_("pembacaan data sensitif (7 hari terakhir)"), count, url)


PROVIDERS: dict[str, list[Provider]] = {
    Role.PENDAMPING: [
        verifications_not_recorded,
        flagged_families,
        meetings_this_week,
        proposals_returned,
        programme_proposals_waiting,
        work_plans_due,
        complaints_held,
        my_runs_to_follow,
        my_action_items,
        programme_gaps_not_proposed,
    ],
    Role.KORCAM: [
        *_COORDINATOR,
        work_plans_to_review,
        pendamping_below_target,
        programme_gaps_not_proposed,
        programme_proposals_waiting,
    ],
    Role.KORKAB: [
        *_COORDINATOR,
        ethics_cases_waiting,
        pendamping_below_target,
        programme_gaps_not_proposed,
        programme_proposals_waiting,
    ],
    Role.KORWIL: [
        complaints_held,
        unassigned_families,
        pendamping_missing_verification,
        coaching_follow_ups_due,
        ethics_cases_waiting,
        programme_gaps_not_proposed,
    ],
    Role.OPERATOR: [
        imports_to_follow,
        reconciliation_mismatches,
        data_updates_waiting,
        data_findings,
    ],
    Role.ADMIN_PUSAT: [
        imports_to_follow,
        unassigned_families,
        data_findings,
        ethics_cases_waiting,
        programme_gaps_not_proposed,
    ],  # fmt: skip
    Role.AUDITOR: [sensitive_reads, my_runs_to_follow],
}


def providers_for(user) -> list[Provider]:
    if user.role in PROVIDERS:
        return PROVIDERS[user.role]
    return PROVIDERS[Role.ADMIN_PUSAT] if user.is_superuser else []


def todo_for(user, today: date) -> list[Todo]:
    """The user's to-do items with something waiting, in their role's order."""
    found = []
    for provider in providers_for(user):
        items = provider(user, today)
        found.extend([items] if isinstance(items, Todo) else items)
    return [item for item in found if item.count]
