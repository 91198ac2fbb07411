"""The URL conf as a list to walk, shared by the tests that open every page
(test_no_codes_on_pages, test_access_matrix)."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

DOWNLOADS = re.compile(r"\.(csv|xlsx)$")

# What `pk` names on each page that has one: the kind of object it opens.
PK_OF = {
    "registry:family_detail": "family",
    "registry:family_edit": "family",
    "registry:member_edit": "member",
    "registry:change_detail": "change",
    "registry:change_approve": "change",
    "registry:change_reject": "change",
    "registry:import_run": "import",
    "registry:import_errors": "import",
    "jobs:run_detail": "run",
    "jobs:run_errors": "run",
    "jobs:run_output": "run",
    "compliance:sanction_lift": "sanction",
    "compliance:reference_edit": "school",
    "fds:group_detail": "group",
    "fds:group_edit": "group",
    "fds:group_add_family": "group",
    "fds:group_remove_family": "group",
    "fds:meeting_detail": "meeting",
    "fds:meeting_cancel": "meeting",
    "fieldwork:meeting_detail": "coordination_meeting",
    "fieldwork:meeting_record": "coordination_meeting",
    "fieldwork:action_item_add": "coordination_meeting",
    "fieldwork:follow_up_record": "coordination_meeting",
    "fieldwork:action_item_close": "action_item",
    "graduation:proposal_detail": "proposal",
    "graduation:proposal_verify": "proposal",
    "graduation:proposal_approve": "proposal",
    "graduation:proposal_reject": "proposal",
    # Fieldwork (issue 16): coaching notes, ethics cases, a case's decision for its pendamping
    "fieldwork:coaching_detail": "coaching",
    "fieldwork:coaching_follow_up": "coaching",
    "fieldwork:ethics_detail": "ethics",
    "fieldwork:ethics_investigate": "ethics",
    "fieldwork:ethics_decide": "ethics",
    "fieldwork:ethics_decision": "ethics_decision",
    "fieldwork:activity_delete": "activity",
    "fieldwork:plan_detail": "plan",
    "fieldwork:plan_review": "plan",
    # Complementary programmes (issue 17): a proposal's outcome page
    "programs:proposal_outcome": "programme_proposal",
}


# The URL parameters that name a complaint: its tracking code, or its pk under these
# names (a page whose `pk` is a complaint maps to "complaint" in PK_OF).
COMPLAINT_PARAMS = ("kode", "complaint", "complaint_pk", "complaint_id")


def complaint_fillers(complaint) -> dict[str, object]:
    """The values of COMPLAINT_PARAMS for `complaint`, to add to a walker's fillers."""
    return {"kode": complaint.kode, **dict.fromkeys(COMPLAINT_PARAMS[1:], complaint.pk)}


def patterns(resolvers=None, prefix="", namespace=""):
    """(route, view name, parameter names) of every URL pattern, nested includes walked."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            route = prefix + str(entry.pattern)
            yield from patterns(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            params = list(entry.pattern.regex.groupindex)
            yield route, f"{namespace}{entry.name}", params
