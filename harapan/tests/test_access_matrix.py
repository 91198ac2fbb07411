"""The access matrix (issue 14, STYLE.md): every URL pattern, as every persona, on
objects of their own scope and of other scopes.

The walk takes its patterns from the URL resolver (Django's admin left out: it has
its own staff check), the API operations under /api/v1/ included. Each pattern
must have a row in ACCESS, written by hand from DESIGN §1 (not read from the
views' permission functions); a new pattern without one fails the test, naming
the row to add.

A row says who may use the page (`get`), who may send its form (`post`), and the
kind of object in its URL (`on`). Each object is built in several scopes:

- "a": Kecamatan A, in pendamping_a's caseload;
- "a2": Kecamatan A, in pendamping_a2's caseload (families and members only);
- "b": Kecamatan B of the same kabupaten, pendamping_b's caseload;
- "metro": Kota Metro, another kabupaten of the same province.

SEES is the rule per persona: the scopes whose objects they may reach. Runs and
imports are not family data: they are seen by whoever started them, their
region's operator and admin pusat (RUN_SEES).

The outcome of one request (pattern, persona, object):
- allowed: GET answers 200, or 302 to somewhere other than the sign-in page;
  a POST (empty data) answers anything but 401/403/404/405/5xx (a form error is fine);
- denied: exactly the status the table gives: 404 for an object outside the
  persona's scope (the views look the object up in the persona's scope first;
  `role_first` rows check the role before, so 403), else the row's `denied`
  (403, or 404 where the view hides the page). A denied POST changes nothing:
  the number of audit rows, the number of rows of each kind of object and the
  row of the object in its URL are the same after;
- anonymous: 302 to the sign-in page; the API answers 401. `public` rows are
  open to anonymous as well, `anonymous` gives another answer.

Downloads (.csv, .xlsx) and API operations are walked with GET like pages; POST-only
URLs (`action` rows) with an empty POST; form pages (`form` rows) with both.
Some answers depend on the objects' state, which the rows assume: the change
requests are desil changes (decided by the korcam or a coordinator above, never
admin pusat) and the exit proposals wait for the korcam's verification.

Each request runs in a savepoint that is rolled back, so an allowed decision
(approve, cancel…) does not change what the next persona meets.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from unittest import mock

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.test import Client, SimpleTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from harapan.accounts import scoping
from harapan.accounts.roles import Role
from harapan.api import api
from harapan.audit.models import AuditEntry
from harapan.benefits.kks import record_kks_status
from harapan.benefits.models import KksCustody, KksStatus
from harapan.complaints.actions import submit_complaint
from harapan.complaints.attachments import Checked
from harapan.complaints.models import Complaint
from harapan.compliance import calendar
from harapan.compliance.actions import link_service
from harapan.compliance.models import Sanction, School
from harapan.compliance.tests.test_family_panel import make_sanction
from harapan.fds.actions import plan_meetings, save_group
from harapan.fds.models import Group, Meeting
from harapan.fieldwork.actions_activities import log_activity
from harapan.fieldwork.actions_coaching import write_note
from harapan.fieldwork.actions_ethics import decide_case, report_case, start_investigation
from harapan.fieldwork.actions_meetings import add_action_item, plan_meeting
from harapan.fieldwork.actions_plans import Line, save_plan, submit_plan
from harapan.fieldwork.models import (
    ActionItem,
    Activity,
    CoachingNote,
    CoordinationMeeting,
    EthicsCase,
    WorkPlan,
)
from harapan.graduation.actions import propose_exit
from harapan.graduation.models import ExitProposal
from harapan.jobs.models import Run, RunKind, RunOutput, RunStatus
from harapan.programs.actions import propose as propose_programme
from harapan.programs.models import Proposal as ProgrammeProposal
from harapan.registry.changes import request_change
from harapan.registry.models import (
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    ExitReason,
    Family,
    ImportRun,
    Member,
)
from harapan.testing import METRO_DESA, PersonaTestCase, make_user
from harapan.tests.url_walk import PK_OF, patterns

PERSONAS = ("pendamping_a", "pendamping_b", "korcam_a", "korkab", "korwil", "operator",
            "admin_pusat", "auditor")  # fmt: skip
ANONYMOUS = "anonymous"
SKIPPED_PREFIXES = ("admin/",)  # Django's admin: its own staff check, not the app's

EVERYONE = frozenset(PERSONAS)
WRITERS = EVERYONE - {"korwil", "auditor"}  # the read-only roles (DESIGN §1)
OPERATORS = frozenset({"operator", "admin_pusat"})  # imports, computations, reference data
ASSIGNERS = frozenset({"korcam_a", "korkab", "admin_pusat"})
COORDINATORS = frozenset({"korcam_a", "korkab", "admin_pusat"})  # lift sanctions
CHANGE_DECIDERS = frozenset({"korcam_a", "korkab"})
AUDIT_READERS = frozenset({"korkab", "admin_pusat", "auditor"})
REPORTERS = frozenset({"korcam_a", "korkab", "korwil", "operator", "admin_pusat"})  # annual
SECOND_FACTOR = frozenset({"korkab", "operator", "admin_pusat", "auditor"})  # TOTP offered
PENDAMPING = frozenset({"pendamping_a", "pendamping_b"})  # propose their own families' exits
ASSESSORS = PENDAMPING | {"korcam_a"}  # the family's pendamping or the korcam of its kecamatan
# The levels that hold complaints, and admin (DESIGN §8): the handler's refusals are messages.
COMPLAINT_HANDLERS = EVERYONE - {"operator", "auditor"}
ACTIVITY_READERS = EVERYONE - {"operator"}
DASHBOARD_READERS = EVERYONE - PENDAMPING  # issue 18

ALL_SCOPES = frozenset({"a", "a2", "b", "metro"})
SEES = {
    "pendamping_a": {"a"},
    "pendamping_b": {"b"},
    "korcam_a": {"a", "a2"},
    "korkab": {"a", "a2", "b"},
    "operator": {"a", "a2", "b"},
    "korwil": {"a", "a2", "b", "metro"},
    "admin_pusat": ALL_SCOPES,
    "auditor": ALL_SCOPES,
}
# Runs and imports: whoever started them, the operator of their region, and admin pusat.
# "a" was started by the operator of Tanggamus, "b" by pendamping_b, "metro" by Metro's
# operator; imports are the operators' only ("a", "metro").
RUN_SEES = {"pendamping_b": {"b"}, "operator": {"a", "b"}, "admin_pusat": ALL_SCOPES}
# Activities: one of each scope's pendamping; the korcam reads Kecamatan A's pendamping.
ACTIVITY_SEES = {
    "pendamping_a": {"a"}, "pendamping_b": {"b"}, "korcam_a": {"a"}, "korkab": {"a", "b"},
    "korwil": {"a", "b", "metro"}, "admin_pusat": {"a", "b", "metro"},
    "auditor": {"a", "b", "metro"},
}  # fmt: skip
SEES_OF_KIND = {"run": RUN_SEES, "import": RUN_SEES, "activity": ACTIVITY_SEES}
# Fieldwork (issue 16). Coaching notes: "a" about pendamping_a by korcam_a, "b" about
# pendamping_b by the korkab, "metro" about Metro's pendamping by the korwil; seen by the
# person coached, the writer and the levels above, never by the operator.
SEES_OF_KIND["coaching"] = {
    "pendamping_a": {"a"}, "pendamping_b": {"b"}, "korcam_a": {"a"}, "korkab": {"a", "b"},
    "korwil": {"a", "b", "metro"}, "admin_pusat": ALL_SCOPES, "auditor": ALL_SCOPES,
}  # fmt: skip
# Ethics cases about each scope's pendamping: the korkab and above and the auditor only,
# never the korcam; a decided case's decision page: its pendamping only.
SEES_OF_KIND["ethics"] = {"korkab": {"a", "b"}, "korwil": {"a", "b", "metro"},
                          "admin_pusat": ALL_SCOPES, "auditor": ALL_SCOPES}  # fmt: skip
SEES_OF_KIND["ethics_decision"] = {"pendamping_a": {"a"}, "pendamping_b": {"b"}}
SUPERVISORS = frozenset({"korcam_a", "korkab", "korwil"})  # write coaching notes
ETHICS_READERS = frozenset({"korkab", "korwil", "admin_pusat", "auditor"})
ETHICS_ACTORS = ETHICS_READERS - {"auditor"}
# Coordination meetings (issue 16): "a" and "b" are the meetings of Kecamatan A and B, "kab"
# Tanggamus's (its korcam attend), "metro" a kecamatan of Kota Metro. The korcam chair their
# kecamatan's, the korkab the kabupaten's; an action item of each is owned by an attendee
# (pendamping_a, pendamping_b, korcam_a, Metro's pendamping), who sees it with the meeting.
MEETING_SEES = {
    "pendamping_a": {"a"}, "pendamping_b": {"b"}, "korcam_a": {"a", "kab"},
    "korkab": {"a", "b", "kab"}, "korwil": {"a", "b", "kab", "metro"},
    "admin_pusat": {"a", "b", "kab", "metro"}, "auditor": {"a", "b", "kab", "metro"},
}  # fmt: skip
MEETING_CHAIRS = frozenset({"korcam_a", "korkab"})  # the chair's own meeting, else a message
ITEM_OWNERS = frozenset({"pendamping_a", "pendamping_b", "korcam_a"})  # another's: a message
SEES_OF_KIND["coordination_meeting"] = MEETING_SEES
SEES_OF_KIND["action_item"] = MEETING_SEES
# Monthly work plans (accounts.scoping.work_plan_filter): the pendamping's own, their
# coordinators' region, admin pusat and the auditor; not the operator. One plan per
# pendamping of scopes a, b and metro.
PLAN_SEES = {"pendamping_a": {"a"}, "pendamping_b": {"b"}, "korcam_a": {"a"},
             "korkab": {"a", "b"}, "korwil": {"a", "b", "metro"},
             "admin_pusat": {"a", "b", "metro"}, "auditor": {"a", "b", "metro"}}  # fmt: skip
PLAN_REVIEWERS = frozenset({"korcam_a", "korkab"})
SEES_OF_KIND["plan"] = PLAN_SEES
# Complementary-programme proposals (issue 17): the family's pendamping or the korcam or
# korkab of its region propose and record outcomes; everyone reads them in their scope.
# One family-level proposal per scope (a by pendamping_a, a2 by korcam_a, b, metro).
PROGRAMME_PROPOSERS = frozenset({"pendamping_a", "pendamping_b", "korcam_a", "korkab"})
# Which object each URL parameter other than `pk` names (`pk`: url_walk.PK_OF).
OBJECT_OF_PARAM = {
    "family_pk": "family",
    "family_id": "family",
    "group_pk": "group",
    "group_id": "group",
    "school_pk": "school",
    "meeting_id": "meeting",
    "nik": "nik",
    "kode": "complaint",
    "plan_id": "plan",
    "run_pk": "run",
}


@dataclass(frozen=True)
class Access:
    """One pattern's row: who may GET it, who may POST to it, on which kind of object."""

    get: frozenset = EVERYONE
    post: frozenset | None = None  # None: the page has no form of its own
    on: str | None = None
    denied: int = 403
    public: bool = False
    query: str = ""
    # The view checks the role before it looks the object up: 403 even out of scope.
    role_first: bool = False
    anonymous: object = None  # what anonymous gets, when not the sign-in page (API: 401)
    signs_out: bool = False  # its success is the sign-in page


def action(who, on=None, **kwargs) -> Access:
    """A POST-only URL: a button's target, no page of its own."""
    return Access(get=frozenset(), post=frozenset(who), on=on, **kwargs)


def form(get, post, on=None, **kwargs) -> Access:
    return Access(get=frozenset(get), post=frozenset(post), on=on, **kwargs)


def page(who=EVERYONE, on=None, **kwargs) -> Access:
    return Access(get=frozenset(who), on=on, **kwargs)


STAGE = "year={year}&stage={stage}"
ACCESS = {
    "home": page(),
    "login": page(public=True),
    "logout": action(EVERYONE, public=True, signs_out=True),
    "profile": form(EVERYONE, EVERYONE),
    "password_change": form(EVERYONE, EVERYONE),
    "password_change_done": page(),
    "second_factor_verify": form(EVERYONE, EVERYONE),
    "second_factor_start": action(SECOND_FACTOR),
    "second_factor_confirm": action(SECOND_FACTOR),
    "second_factor_disable": action(SECOND_FACTOR),
    # Registry
    "registry:family_list": page(),
    "registry:family_export": page(),
    # A large family export's file: only who started that run (harapan/downloads.py); the
    # walk's runs are imports, so it is nobody's.
    "registry:family_export_file": page(frozenset(), on="run", denied=404),
    "registry:family_detail": page(on="family"),
    "registry:family_edit": form(WRITERS, WRITERS, on="family"),
    "registry:member_edit": form(WRITERS, WRITERS, on="member"),
    "registry:change_list": page(),
    "registry:change_new": form(WRITERS, WRITERS, on="family"),
    "registry:change_detail": page(on="change"),
    # DESIL changes: the korcam decides, or a coordinator above (DESIGN §1); not admin pusat.
    "registry:change_approve": action(CHANGE_DECIDERS, on="change"),
    "registry:change_reject": action(CHANGE_DECIDERS, on="change"),
    "registry:import_upload": form(OPERATORS, OPERATORS),
    "registry:import_run": page(OPERATORS, on="import", role_first=True),
    "registry:import_errors": page(OPERATORS, on="import", role_first=True),
    "registry:assignments": form(ASSIGNERS, ASSIGNERS),
    "registry:data_findings": page(),
    # Benefits
    "benefits:entitlement_list": page(),
    "benefits:entitlement_export": page(),
    "benefits:compute": form(OPERATORS, OPERATORS),
    "benefits:disbursement_upload": form(OPERATORS, OPERATORS),
    "benefits:reconciliation": page(),
    "benefits:reconciliation_export": page(query=STAGE),
    "benefits:kks_not_held": page(),
    "benefits:kks_family": page(on="family"),
    "benefits:kks_record": action(WRITERS, on="family"),
    # Compliance (verification)
    "compliance:month_family_current": page(on="family"),  # to this month's page
    "compliance:month_family": form(EVERYONE, WRITERS, on="family"),
    "compliance:school_choice": page(),
    "compliance:month_school": form(EVERYONE, WRITERS, on="school"),
    "compliance:sanction_lift": form(COORDINATORS, COORDINATORS, on="sanction"),
    "compliance:reference_list": page(),
    "compliance:reference_new": form(OPERATORS, OPERATORS),
    "compliance:reference_edit": form(OPERATORS, OPERATORS, on="school", role_first=True),
    "compliance:reference_upload": action(OPERATORS),
    "compliance:member_service": form(EVERYONE, WRITERS, on="family"),
    "compliance:monitoring": page(),
    "compliance:monitoring_xlsx": page(),
    "compliance:missing_list": page(),
    "compliance:missing_csv": page(),
    "compliance:sanction_list": page(),
    "compliance:forced_exit": page(),
    "compliance:forced_exit_csv": page(),
    "compliance:verification_upload": form(WRITERS, WRITERS),
    # Complementary programmes (issue 17)
    "programs:import_upload": form(WRITERS, WRITERS),
    # P2K2 (FDS)
    "fds:group_list": page(),
    "fds:group_create": form(WRITERS, WRITERS),
    "fds:group_detail": page(on="group"),
    "fds:group_edit": form(WRITERS, WRITERS, on="group"),
    "fds:group_add_family": action(WRITERS, on="group"),
    "fds:group_remove_family": action(WRITERS, on="group"),
    "fds:meeting_plan": form(EVERYONE, WRITERS, on="group"),
    "fds:meeting_list": page(),
    "fds:meeting_detail": form(EVERYONE, WRITERS, on="meeting"),
    "fds:meeting_cancel": action(WRITERS, on="meeting"),
    "fds:flagged": page(),
    "fds:report_meetings": page(),
    "fds:report_meetings_xlsx": page(),
    "fds:report_coverage": page(),
    "fds:report_coverage_xlsx": page(),
    # Graduation
    "graduation:proposal_list": page(),
    "graduation:proposal_create": form(PENDAMPING, PENDAMPING, on="family"),
    "graduation:proposal_detail": page(on="proposal"),
    "graduation:proposal_verify": action({"korcam_a", "admin_pusat"}, on="proposal"),
    "graduation:proposal_approve": action({"korkab", "admin_pusat"}, on="proposal"),
    # The proposals are waiting for the korcam's verification: not yet the korkab's turn.
    "graduation:proposal_reject": action({"korcam_a", "admin_pusat"}, on="proposal"),
    "graduation:follow_up_create": action(WRITERS, on="family"),
    "graduation:assessment_history": page(on="family"),
    "graduation:assessment_create": form(ASSESSORS, ASSESSORS, on="family"),
    "graduation:readiness": page(),
    "graduation:readiness_xlsx": page(),
    "graduation:targets": page(),
    "graduation:targets_xlsx": page(),
    "graduation:candidates": page(),
    "graduation:candidates_csv": page(),
    # Complaints: statistics, scoped (every role that sees complaints)
    "complaints:statistics": page(),
    "complaints:statistics_xlsx": page(),
    # Complaints: staff handling (the complaint of each scope is about that scope's family)
    "complaints:list": page(),
    "complaints:detail": page(on="complaint"),
    "complaints:triage": action(COMPLAINT_HANDLERS, on="complaint"),
    "complaints:respond": action(COMPLAINT_HANDLERS, on="complaint"),
    "complaints:resolve": action(COMPLAINT_HANDLERS, on="complaint"),
    "complaints:reassign": action(COMPLAINT_HANDLERS, on="complaint"),
    "complaints:identify_accused": action(COMPLAINT_HANDLERS, on="complaint"),
    "complaints:link_family": action(COMPLAINT_HANDLERS, on="complaint"),
    "complaints:note": action(WRITERS, on="complaint"),
    "complaints:close_duplicates": action(COMPLAINT_HANDLERS),
    "complaints:notice_seen": action(EVERYONE),
    # Jobs
    "jobs:run_list": page(),
    "jobs:run_detail": page(on="run"),
    "jobs:run_errors": page(on="run"),
    "jobs:run_output": page(on="run"),
    # Reports (issue 18): the annual report, by those who coordinate or serve a region
    "reports:annual": form(REPORTERS, REPORTERS),
    # Dashboards and the region history (issue 18): korcam and above, the operator and the
    # auditor, each in their region; a pendamping has the scorecard instead.
    "reports:dashboard": page(DASHBOARD_READERS),
    "reports:dashboard_chart": page(DASHBOARD_READERS),
    "reports:dashboard_xlsx": page(DASHBOARD_READERS),
    "reports:dashboard_csv": page(DASHBOARD_READERS),
    "reports:history": page(DASHBOARD_READERS),
    "reports:history_xlsx": page(DASHBOARD_READERS),
    "reports:history_csv": page(DASHBOARD_READERS),
    # Audit trail
    "audit:trail": page(AUDIT_READERS),
    "audit:trail_export": page(AUDIT_READERS),
    # API (session auth here; anonymous gets 401)
    "api:openapi-json": page(public=True),
    "api:openapi-view": page(public=True),
    "api:api-root": page(frozenset(), denied=404, anonymous=404),  # no page at the root
    "api:me": page(),
    "api:list_families": page(),
    "api:get_family": page(on="family"),
    "api:get_members": page(on="nik"),
    "api:entitlements": page(query=STAGE),
    "api:family_entitlements": page(on="family"),
    "api:disbursements": page(query=STAGE),
    "api:verifications": page(query="month={month}"),
    "api:sanctions": page(query=STAGE),
    "api:groups": page(),
    "api:group": page(on="group"),
    "api:meetings": page(),
    "api:attendance": page(on="meeting"),
    # Complaints: the public pages (no sign-in) and the staff's download of an attachment
    "complaints:public_form": form(EVERYONE, EVERYONE, public=True),
    "complaints:public_regions": page(public=True),
    "complaints:track": form(EVERYONE, EVERYONE, public=True),
    "complaints:public_reopen": action(EVERYONE, public=True),
    "complaints:attachment": page(on="complaint"),
    # Complaints (issue 15): staff intake, and the API (§12)
    "complaints:intake": form(WRITERS, WRITERS),
    # The activity log (issue 16): the pendamping their own, those above their region's;
    # the operator does not supervise pendamping. Only a pendamping logs or deletes.
    "fieldwork:activity_list": page(ACTIVITY_READERS),
    "fieldwork:activity_new": form(PENDAMPING, PENDAMPING),
    "fieldwork:activity_delete": action(PENDAMPING, on="activity"),
    "api:list_complaints": page(),
    "api:submit_complaint": action(WRITERS),
    "api:get_complaint": page(on="complaint"),
    # Complementary programmes (issue 17): a family's programmes and the scope's gap lists
    "api:family_programs": page(on="family"),
    "api:program_gaps": page(),
    # Fieldwork (issue 16): coaching notes; ethics cases hidden (404) from who does not see them
    "fieldwork:coaching_list": page(EVERYONE - {"operator"}),
    "fieldwork:coaching_new": form(SUPERVISORS, SUPERVISORS),
    "fieldwork:coaching_detail": page(EVERYONE - {"operator"}, on="coaching"),
    "fieldwork:coaching_follow_up": action(SUPERVISORS, on="coaching"),
    "fieldwork:ethics_list": page(ETHICS_READERS, denied=404),
    "fieldwork:ethics_new": form(ETHICS_ACTORS, ETHICS_ACTORS, denied=404),
    "fieldwork:ethics_detail": page(ETHICS_READERS, on="ethics"),
    "fieldwork:ethics_investigate": action(ETHICS_ACTORS, on="ethics"),
    "fieldwork:ethics_decide": action(ETHICS_ACTORS, on="ethics"),
    "fieldwork:ethics_decision": page(PENDAMPING, on="ethics_decision"),
    "api:list_activities": page(),  # scoped: the operator's list is empty, not refused
    "api:log_activity": action(PENDAMPING),
    # Coordination meetings (fieldwork, issue 16)
    "fieldwork:meeting_list": page(),
    "fieldwork:meeting_new": form(MEETING_CHAIRS, MEETING_CHAIRS),
    "fieldwork:meeting_detail": page(on="coordination_meeting"),
    "fieldwork:meeting_record": action(MEETING_CHAIRS, on="coordination_meeting"),
    "fieldwork:action_item_add": action(MEETING_CHAIRS, on="coordination_meeting"),
    "fieldwork:follow_up_record": action(MEETING_CHAIRS, on="coordination_meeting"),
    "fieldwork:action_items": page(),
    "fieldwork:action_item_close": action(ITEM_OWNERS, on="action_item"),
    # Monthly work plans (issue 16): the pendamping writes their own, korcam/korkab review
    "fieldwork:plan": form(PENDAMPING, PENDAMPING),
    "fieldwork:plan_copy": action(PENDAMPING),
    "fieldwork:plan_review_list": page(PLAN_REVIEWERS),
    "fieldwork:plan_detail": page(on="plan"),
    "fieldwork:plan_review": action(PLAN_REVIEWERS, on="plan"),
    # Complementary programmes: the gap lists, read by every role (issue 17)
    "programs:gaps": page(),
    "programs:gap_list": page(),
    "programs:gap_list_csv": page(),
    "programs:gap_list_xlsx": page(),
    "api:list_work_plans": page(),
    "api:get_work_plan": page(on="plan"),
    "api:save_work_plan": action(PENDAMPING),
    # Complementary programmes (issue 17): proposals. The form without a family in its query
    # sends the proposer back to the list (302).
    "programs:proposal_list": page(),
    "programs:propose": form(PROGRAMME_PROPOSERS, PROGRAMME_PROPOSERS),
    "programs:proposal_outcome": form(
        PROGRAMME_PROPOSERS, PROGRAMME_PROPOSERS, on="programme_proposal"
    ),
    # The scorecard (issue 18): every role reads it, scoped; korkab and admin pusat set targets
    "reports:scorecard": page(),
    "reports:scorecard_xlsx": page(),
    "reports:scorecard_csv": page(),
    "reports:scorecard_targets": form(EVERYONE, {"korkab", "admin_pusat"}),
}

FAILED = (401, 403, 404, 405)
WRITING_METHODS = {"post", "put", "patch", "delete"}
# The rows a denied POST must leave as they were, by kind of object.
MODELS = {
    "family": Family, "member": Member, "change": ChangeRequest, "proposal": ExitProposal,
    "group": Group, "meeting": Meeting, "sanction": Sanction, "school": School,
    "import": ImportRun, "run": Run, "kks": KksCustody, "complaint": Complaint,
    "coaching": CoachingNote, "ethics": EthicsCase,
    "activity": Activity,
    "coordination_meeting": CoordinationMeeting, "action_item": ActionItem,
    "plan": WorkPlan,
    "programme_proposal": ProgrammeProposal,
}  # fmt: skip
# The field a kind's URL names it by, when not its pk.
URL_KEY = {"complaint": "kode"}


class AccessMatrixTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        today = timezone.localdate()
        cls.pendamping_metro = make_user("pendamping_metro", Role.PENDAMPING, METRO_DESA[:6])
        cls.operator_metro = make_user("operator_metro", Role.OPERATOR, METRO_DESA[:4])
        cls.metro_family.pendamping = cls.pendamping_metro
        cls.metro_family.save(update_fields=["pendamping"])
        families = {"a": cls.family_a, "a2": cls.family_a2, "b": cls.family_b,
                    "metro": cls.metro_family}  # fmt: skip
        pendamping = {"a": cls.pendamping_a, "b": cls.pendamping_b, "metro": cls.pendamping_metro}
        heads = {scope: family.members.get() for scope, family in families.items()}
        cls.objects = {
            "family": {scope: family.pk for scope, family in families.items()},
            "member": {scope: head.pk for scope, head in heads.items()},
            "nik": {scope: head.nik for scope, head in heads.items()},
        }
        for kind in ("change", "proposal", "group", "meeting", "sanction", "school", "complaint"):
            cls.objects[kind] = {}
        for scope, user in pendamping.items():
            family, head = families[scope], heads[scope]
            change = request_change(family, ChangeKind.DESIL, {"desil": 2}, acting_user=user)
            proposal = propose_exit(family, kind=ExitReason.MOVED, reason="Pindah",
                                    exit_date=today, acting_user=user)  # fmt: skip
            group = save_group(Group(name=f"Mawar {scope}", region_code=family.region_code,
                                     pendamping=user), acting_user=user)  # fmt: skip
            [meeting] = plan_meetings(group, [today + timedelta(days=7)], acting_user=user)
            school = School.objects.create(npsn=f"1000000{len(cls.objects['school'])}",
                                           name=f"SD {scope}", level="sd",
                                           region_code=family.region_code)  # fmt: skip
            link_service(head, school=school, facility=None, acting_user=user)
            record_kks_status(family, status=KksStatus.LOST, since=today, acting_user=user)
            found = {"change": change, "proposal": proposal, "group": group, "meeting": meeting,
                     "sanction": make_sanction(head), "school": school}  # fmt: skip
            for kind, row in found.items():
                cls.objects[kind][scope] = row.pk
        cls.objects["complaint"] = {}  # about each scope's family, with an attachment
        for scope, family in families.items():
            complaint, _pin = submit_complaint(
                kategori="pembayaran", saluran="web", uraian="Bantuan belum masuk.",
                region_code=family.region_code, family=family,
                attachment=Checked("surat.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n"),
            )  # fmt: skip
            cls.objects["complaint"][scope] = complaint.kode
        cls.objects["activity"] = {  # a typed home visit of each scope's pendamping
            scope: log_activity(on=today, kind="kunjungan_rumah", acting_user=user).pk
            for scope, user in pendamping.items()
        }
        cls.objects["import"], cls.objects["run"] = {}, {}
        for scope, user in (("a", cls.operator), ("metro", cls.operator_metro)):
            cls.objects["import"][scope] = ImportRun.objects.create(
                started_by=user, region_code=user.region_id, file_name="registri.csv",
                dry_run=True, errors_csv="baris,kolom,nilai,pesan\n2,nik,123,NIK salah\n",
            ).pk  # fmt: skip
            cls.objects["run"][scope] = Run.objects.create(
                kind=RunKind.REGISTRY_IMPORT, status=RunStatus.DONE, region_code=user.region_id,
                started_by=user, title="Impor registri", finished_at=timezone.now(),
                started_at=timezone.now(),
                errors=[["2", "nik", "123", "NIK salah"]], error_total=1,
            ).pk  # fmt: skip
        # A pendamping's own run (a verification import): theirs and their operator's to see.
        cls.objects["run"]["b"] = Run.objects.create(
            kind=RunKind.VERIFICATION_IMPORT, status=RunStatus.DONE, started_by=cls.pendamping_b,
            region_code=cls.pendamping_b.region_id, title="Impor verifikasi",
        ).pk  # fmt: skip
        for run in cls.objects["run"].values():  # the file each run made (jobs:run_output)
            RunOutput.objects.create(run_id=run, name="laporan.pdf",
                                     content_type="application/pdf", content=b"%PDF-1.7")  # fmt: skip
        cls.make_fieldwork(today, pendamping)
        cls.coordination_meetings(today)
        proposers = {"a": cls.pendamping_a, "a2": cls.korcam_a, "b": cls.pendamping_b,
                     "metro": cls.pendamping_metro}  # fmt: skip
        cls.objects["programme_proposal"] = {
            scope: propose_programme(user, families[scope], None, "bpnt", today, "desa").pk
            for scope, user in proposers.items()
        }
        cls.objects["plan"] = {}  # this month's plan of each scope's pendamping, submitted
        for scope, user in pendamping.items():
            plan = save_plan(user, today, [Line("kunjungan_rumah", 10)], acting_user=user)
            cls.objects["plan"][scope] = submit_plan(plan, acting_user=user).pk
        year, stage = calendar.stage_of(today)
        month = calendar.add_months(calendar.month_start(today), -1)
        cls.values = {"year": year, "stage": stage, "month": f"{month:%Y-%m}"}

    @classmethod
    def make_fieldwork(cls, today, pendamping):
        """A coaching note about each scope's pendamping, a reported ethics case and a
        decided one (issue 16)."""
        writers = {"a": cls.korcam_a, "b": cls.korkab, "metro": cls.korwil}
        coaches = {"a": cls.korkab, "b": cls.korkab, "metro": cls.korwil}
        cls.objects.update(coaching={}, ethics={}, ethics_decision={})
        for scope, user in pendamping.items():
            note = write_note(user, on=today, topic="Verifikasi", note="Jadwal kunjungan.",
                              follow_up_on=today, acting_user=writers[scope])  # fmt: skip
            cls.objects["coaching"][scope] = note.pk
            coach = coaches[scope]
            case = report_case(user, kind="pungli", description="Potongan.", acting_user=coach)
            cls.objects["ethics"][scope] = case.pk
            done = report_case(user, kind="gratifikasi", description="Hadiah.", acting_user=coach)
            start_investigation(done, note="Benar.", acting_user=coach)
            decide_case(done, decision="teguran", text="Teguran.", acting_user=coach)
            cls.objects["ethics_decision"][scope] = done.pk

    @classmethod
    def coordination_meetings(cls, today):
        korcam_b = make_user("korcam_b", Role.KORCAM, cls.family_b.region_code[:6])
        korcam_metro = make_user("korcam_metro", Role.KORCAM, METRO_DESA[:6])
        chairs = {"a": cls.korcam_a, "b": korcam_b, "kab": cls.korkab, "metro": korcam_metro}
        owners = {"a": cls.pendamping_a, "b": cls.pendamping_b, "kab": cls.korcam_a,
                  "metro": cls.pendamping_metro}  # fmt: skip
        cls.objects["coordination_meeting"], cls.objects["action_item"] = {}, {}
        for scope, chair in chairs.items():
            meeting = plan_meeting(on=today, place="", agenda="", acting_user=chair)
            item = add_action_item(meeting, text="Rekap", owner=owners[scope], due_on=today,
                                   acting_user=chair)  # fmt: skip
            cls.objects["coordination_meeting"][scope] = meeting.pk
            cls.objects["action_item"][scope] = item.pk

    def requests(self, names=None) -> list[tuple[str, str | None, str, str, str]]:
        """(name, kind of object, scope, method, URL) of every request to make."""
        assert not missing_rows(), "Add a row to ACCESS for:\n" + "\n".join(missing_rows())
        found = []
        for route, name, params in patterns():
            if route.startswith(SKIPPED_PREFIXES) or (names and name not in names):
                continue
            rule = ACCESS[name]
            kinds = {p: PK_OF.get(name) if p == "pk" else OBJECT_OF_PARAM.get(p) for p in params}
            named = [kind for kind in kinds.values() if kind]
            assert named == ([rule.on] if rule.on else []), f"{name}: on={rule.on!r}, URL {named}"
            fixed = {"month": self.values["month"], "kind": "sekolah", "number": 0}
            scopes = self.objects[rule.on] if rule.on else {"": None}
            query = rule.query.format(**self.values)
            for scope, value in scopes.items():
                kwargs = {p: value if kinds[p] else fixed[p] for p in params}
                url = reverse(name, kwargs=kwargs) + (f"?{query}" if query else "")
                if rule.get or rule.post is None:  # not a POST-only URL
                    found.append((name, rule.on, scope, "get", url))
                if rule.post is not None:
                    found.append((name, rule.on, scope, "post", url))
        return found

    def expected(self, name: str, kind: str | None, scope: str, method: str, persona: str):
        """'allowed', 'login' or the status of a refusal, as ACCESS and SEES say."""
        rule = ACCESS[name]
        if persona == ANONYMOUS:
            if rule.anonymous is not None:
                return rule.anonymous
            if rule.public:
                return "allowed"
            return 401 if name.startswith("api:") else "login"
        who = rule.get if method == "get" else rule.post
        in_scope = not kind or scope in SEES_OF_KIND.get(kind, SEES).get(persona, ())
        if persona not in who and (in_scope or rule.role_first):
            return rule.denied
        return "allowed" if in_scope else 404

    def outcome(self, name: str, response, method: str):
        status = response.status_code
        if status >= 500:
            return status
        if status == 302 and response.url.startswith(reverse("login")):
            return "allowed" if ACCESS[name].signs_out else "login"
        if status in FAILED:
            return status
        if method == "get" and status not in (200, 302):
            return status
        return "allowed"

    def snapshot(self, kind: str | None, scope: str) -> tuple:
        """What a denied POST must leave as it was: the audit trail, the number of rows
        of each kind of object, and the row of the object it names."""
        row = None
        if kind in MODELS:
            key = URL_KEY.get(kind, "pk")
            row = MODELS[kind].objects.filter(**{key: self.objects[kind][scope]}).values().first()
        counts = {name: model.objects.count() for name, model in MODELS.items()}
        return AuditEntry.objects.count(), counts, row

    def walk(self, personas=(*PERSONAS, ANONYMOUS), names=None) -> tuple[list[str], int]:
        """Every request as every persona: what differs from ACCESS, and how many were made."""
        requests = self.requests(names)
        problems = []
        for persona in personas:
            client = Client()
            if persona != ANONYMOUS:
                client.force_login(getattr(self, persona))
            session = client.cookies.get(settings.SESSION_COOKIE_NAME)
            for name, kind, scope, method, url in requests:
                expected = self.expected(name, kind, scope, method, persona)
                checked = method == "post" and expected != "allowed"
                with transaction.atomic():
                    before = self.snapshot(kind, scope) if checked else None
                    response = getattr(client, method)(url)
                    after = self.snapshot(kind, scope) if checked else None
                    transaction.set_rollback(True)
                if session is not None:  # signing out (logout) must not end the next requests
                    client.cookies[settings.SESSION_COOKIE_NAME] = session.value
                got = self.outcome(name, response, method)
                where = f"{name} {method.upper()} {url} as {persona}"
                if kind:
                    where += f" on the {kind} of scope {scope}"
                if got != expected:
                    problems.append(f"{where}: expected {expected}, got {got}"
                                    f" ({response.status_code})")  # fmt: skip
                elif before != after:
                    problems.append(f"{where}: refused ({got}) but changed {before} → {after}")
        return problems, len(requests) * len(personas)

    def test_every_pattern_answers_every_persona_as_its_row_says(self):
        problems, made = self.walk()
        assert not problems, f"{len(problems)} of {made} requests:\n" + "\n".join(problems)

    def test_it_reports_a_page_that_shows_a_family_outside_the_scope(self):
        everything = lambda user, via="": Q()  # noqa: E731 (a scoping that forgets the scope)
        with mock.patch.object(scoping, "family_filter", everything):
            problems, made = self.walk(["pendamping_a"], {"registry:family_detail"})
        assert made == 4  # the families of scopes a, a2, b and metro
        assert [problem.split(" as ")[1] for problem in problems] == [
            f"pendamping_a on the family of scope {scope}: expected 404, got allowed (200)"
            for scope in ("a2", "b", "metro")
        ]

    def test_a_denied_post_that_changes_something_is_reported(self):
        def approve_anyway(request, pk):  # a view that writes before it checks the role
            ChangeRequest.objects.filter(pk=pk).update(status=ChangeStatus.APPROVED)
            raise PermissionDenied

        with mock.patch("harapan.registry.views.changes._decidable", approve_anyway):
            problems, _made = self.walk(["korwil"], {"registry:change_approve"})
        assert len(problems) == 3  # the change requests of scopes a, b and metro
        assert all("refused (403) but changed" in problem for problem in problems)


def missing_rows() -> list[str]:
    """The patterns the matrix cannot walk: no name, no row in ACCESS, or an API
    operation other than GET on a path whose row has no `post`."""
    missing = []
    routes = {}
    for route, name, _params in patterns():
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if name.endswith(":None") or name == "None":
            missing.append(f"{route}: give the pattern a name, then its row")
        elif name not in ACCESS:
            missing.append(f'"{name}": ...,  # {route}')
        routes["/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)] = name
    for path, operations in api.get_openapi_schema()["paths"].items():
        name = routes.get(path)
        if name is None:
            missing.append(f"{path}: an API path the URL resolver does not list")
        for method in sorted(set(operations) & WRITING_METHODS):
            if name in ACCESS and ACCESS[name].post is None:
                missing.append(f"{name}: {method.upper()} {path} needs the row's `post`")
    return missing


class MissingRowTest(SimpleTestCase):
    @override_settings(ROOT_URLCONF="harapan.tests.urls_with_a_broken_page")
    def test_a_new_pattern_without_a_row_fails_naming_it(self):
        assert missing_rows() == ["rusak/: give the pattern a name, then its row"]

    def test_a_pattern_whose_row_was_left_out_fails_naming_it(self):
        with mock.patch.dict(ACCESS):
            del ACCESS["fds:meeting_cancel"]
            assert missing_rows() == [
                '"fds:meeting_cancel": ...,  # p2k2/pertemuan/<int:pk>/batal/'
            ]

    def test_an_api_operation_that_writes_needs_its_post_in_the_row(self):
        paths = {"/api/v1/families": {"get": {}, "post": {}}, "/api/v1/me": {"get": {}}}
        with mock.patch.object(api, "get_openapi_schema", return_value={"paths": paths}):
            assert missing_rows() == [
                "api:list_families: POST /api/v1/families needs the row's `post`"
            ]

    def test_every_pattern_has_its_row(self):
        assert missing_rows() == []
