"""Schemathesis against the API's own OpenAPI schema (issue 14), through Django's WSGI app in
this process, as a pendamping and as a korkab signed in by API token.

Every operation is called with the coverage phase's boundary values and a few generated
cases, valid and invalid; no response may be a 5xx, and each must be documented: its status
code, its content type and its body. Hypothesis is derandomized so that CI sees the same
cases every run.
"""

from datetime import date

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from harapan.accounts.models import ApiToken
from harapan.accounts.roles import Role
from harapan.benefits.batch import compute_entitlements
from harapan.benefits.models import Stage
from harapan.compliance import actions as compliance
from harapan.compliance.batch import compute_sanctions
from harapan.fds.tests.test_group_pages import hold, make_group
from harapan.programs.models import Participation
from harapan.testing import DESA_A, DESA_B, KEC_A, KEC_B, make_family, make_member, make_user

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def in_process(settings):
    """Requests go to the app itself, no server. Django's WSGI handler closes the connection
    after each request, and with it the test's transaction: the test client keeps it open
    the same way, by unhooking that signal."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=[Role.PENDAMPING, Role.KORKAB])
def token(request, db) -> str:
    """A few families in two kecamatan with members, entitlements, a sanction, a P2K2
    group with a held meeting and a pupil's PIP; the API token of the persona under test."""
    pendamping_a = make_user("pendamping_a", Role.PENDAMPING, KEC_A)
    pendamping_b = make_user("pendamping_b", Role.PENDAMPING, KEC_B)
    korkab = make_user("korkab", Role.KORKAB, KEC_A[:4])
    families_a = [make_family(region_code=DESA_A, pendamping=pendamping_a) for _ in range(3)]
    family_b = make_family(region_code=DESA_B, pendamping=pendamping_b)
    pupil = make_member(families_a[0], birth_date=date(2015, 3, 1), school_level="sd")
    make_member(family_b, birth_date=date(2009, 1, 1), school_level="sma")
    compliance.record_month(
        [compliance.Entry(member=pupil, commitment="sd", attendance=40)],
        date(2025, 4, 1),
        acting_user=pendamping_a,
    )
    compute_sanctions(2025, 3)
    compute_entitlements(Stage.objects.select_related("year").get(year_id=2025, number=3))
    group = make_group("Mawar", pendamping_a, families_a)
    hold(group, date(2025, 2, 3), 1)
    Participation.objects.create(
        family=families_a[0], member=pupil, nik=pupil.nik, region_code=DESA_A, programme="pip",
        starts_on=date(2025, 7, 1), status="menerima", source="impor",
    )  # fmt: skip
    user = pendamping_a if request.param == Role.PENDAMPING else korkab
    return ApiToken.issue(user, "schemathesis")[1]


# The schema as the app serves it (schemathesis's client sends `Host: localhost`).
HOST = "localhost"
with override_settings(ALLOWED_HOSTS=[HOST]):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@schema.parametrize()
@settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_response_is_documented_and_none_is_a_server_error(case, token, in_process):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
