"""A conduct complaint about a pendamping never reaches them (DESIGN §8, issue 15).

"A perilaku_pendamping complaint about pendamping A never appears for A in any page,
count, export or API response. A test walks them all. A's korcam sees it."

The walk takes its pages from the URL resolver (url_walk.patterns) and its API
operations from the OpenAPI schema, so a page, export or operation added later is
walked as soon as it exists; a URL parameter the fillers below cannot fill fails the
test, naming it. As pendamping A, whose caseload has a family with data on every
page, every GET answer is read (HTML and JSON as text, CSV as text, XLSX cell by
cell) BEFORE and AFTER two complaints about A are filed in A's desa, naming A's
family: one perilaku_pendamping, one pungli. After:

- their codes, their texts and the complainants' names and phone appear in no answer
  of A's;
- every answer of A's is the same as before, once what changes by itself is set
  aside (CSRF tokens, the time an export was made): a count that moved (a to-do
  line, a list total, a statistic) is caught even though it shows no code;
- every URL naming the conduct complaint (its `kode`, its pk: url_walk.COMPLAINT_PARAMS)
  answers A 404; a public page of it, open to any visitor with the code (the
  complainant's tracking page), may repeat the code of its URL and nothing more.

A's korcam sees both, through `Complaint.objects.visible_to`, and, once the staff
list page (`complaints:list`) or an API operation on complaints exists, in the
answers of the same walk.

Each request runs in a savepoint that is rolled back: an export's audit row, written
as it is made, does not change what the next answer shows.
"""

import difflib
import io
import re
from datetime import timedelta
from unittest import mock
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import Q
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from openpyxl import load_workbook

from harapan.accounts import scoping
from harapan.api import api
from harapan.complaints.actions import submit_complaint
from harapan.complaints.models import Complaint
from harapan.compliance import calendar
from harapan.compliance.actions import link_service
from harapan.compliance.models import School
from harapan.compliance.tests.test_family_panel import make_sanction
from harapan.exports import XLSX
from harapan.fds.actions import plan_meetings, save_group
from harapan.fds.models import Group
from harapan.fieldwork.actions_activities import log_activity
from harapan.fieldwork.actions_meetings import add_action_item, plan_meeting
from harapan.fieldwork.actions_plans import Line, save_plan
from harapan.fieldwork.tests.base import decided, note_about
from harapan.graduation.actions import propose_exit
from harapan.jobs.models import Run, RunKind, RunStatus
from harapan.programs.actions import propose as propose_programme
from harapan.registry.changes import request_change
from harapan.registry.models import ChangeKind, ExitReason, ImportRun
from harapan.testing import DESA_A, PersonaTestCase, make_family
from harapan.tests.url_walk import COMPLAINT_PARAMS, PK_OF, complaint_fillers, patterns

SKIPPED_PREFIXES = ("admin/", "i18n/")  # Django's admin and the language switch
UNCHANGED_BY_ITSELF = [
    # A CSRF token is masked anew on every answer.
    (re.compile(r"[A-Za-z0-9]{64}"), "<token>"),
    # When an export was made (exports.workbook_response's `dibuat` line).
    (re.compile(r"^dibuat\t.*$", re.MULTILINE), "dibuat\t<waktu>"),
    # The public form's security question: a new sum in a new signed token each time.
    (re.compile(r'name="soal" value="[^"]*"'), 'name="soal" value="<soal>"'),
    (re.compile(r"Berapa \d+ ditambah \d+\?"), "Berapa <a> ditambah <b>?"),
    # The intake form's time of receipt defaults to the clock's minute.
    (re.compile(r'name="diterima" value="[^"]*"'), 'name="diterima" value="<sekarang>"'),
]
CONDUCT_URAIAN = "Pendamping Zulkarnaen meminta uang tebusan Rp 75.000 untuk kartu KKS"
PUNGLI_URAIAN = "Ada potongan Rp 50.000 setiap pencairan di balai desa Tirtamulya"
COMPLAINANTS = ("Sutarmi Wijayakusuma", "Paimin Hadisaputro")
PHONE = "081298765432"
# Floors against a walk that opens nothing, from the URL conf and the API as they are
# (Dec 2026: 90 GET page patterns, 59 answer A 200, 17 of them name A's family's head;
# 13 GET operations, all 200): pages are added, not removed, so these only leave room.
AT_LEAST_PAGES_OPENED = 55
AT_LEAST_PAGES_WITH_THE_FAMILY = 15
AT_LEAST_API_OPERATIONS = 13
AT_LEAST_EXPORTS = 10  # 7 XLSX and 4 CSV answer A 200


def text_of(response) -> str:
    """What an answer says, as text: the XLSX cells tab-separated, line by line."""
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    if response.get("Content-Type", "").startswith(XLSX):
        workbook = load_workbook(io.BytesIO(body), read_only=True)
        lines = []
        for sheet in workbook.worksheets:
            lines.append(f"[{sheet.title}]")
            for row in sheet.iter_rows(values_only=True):
                lines.append("\t".join("" if value is None else str(value) for value in row))
        return "\n".join(lines)
    return body.decode("utf-8", errors="replace")


def steady(text: str) -> str:
    for pattern, replacement in UNCHANGED_BY_ITSELF:
        text = pattern.sub(replacement, text)
    return text


def first_difference(before: str, after: str) -> str:
    changed = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    return " | ".join(" ".join(line.split())[:160] for line in changed[:4])


def api_path(route: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


class ConductComplaintNeverShownTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        today = timezone.localdate()
        user, family = cls.pendamping_a, cls.family_a
        head = family.members.get()
        # A second family of A's in the desa: the complaints name family_a, lists have two.
        make_family(region_code=DESA_A, pendamping=user)
        cls.change = request_change(family, ChangeKind.DESIL, {"desil": 2}, acting_user=user)
        cls.group = save_group(
            Group(name="Mawar", region_code=DESA_A, pendamping=user), acting_user=user
        )
        [cls.meeting] = plan_meetings(cls.group, [today + timedelta(days=7)], acting_user=user)
        cls.school = School.objects.create(
            npsn="10000001", name="SD Negeri 1", level="sd", region_code=DESA_A
        )
        link_service(head, school=cls.school, facility=None, acting_user=user)
        cls.sanction = make_sanction(head)
        cls.proposal = propose_exit(
            make_family(region_code=DESA_A, pendamping=user), kind=ExitReason.MOVED,
            reason="Pindah", exit_date=today, acting_user=user,
        )  # fmt: skip
        cls.import_run = ImportRun.objects.create(
            started_by=cls.operator, region_code="1806", file_name="registri.csv", dry_run=True,
            errors_csv="baris,kolom,nilai,pesan\n2,nik,123,NIK salah\n",
        )  # fmt: skip
        cls.job_run = Run.objects.create(
            kind=RunKind.VERIFICATION_IMPORT, status=RunStatus.DONE, started_by=user,
            region_code=user.region_id, title="Impor verifikasi",
        )  # fmt: skip
        cls.head = head
        # Fieldwork (issue 16): a coaching note about A and a decided ethics case of A's.
        cls.coaching = note_about(user, cls.korcam_a, on=today, follow_up_on=today)
        cls.ethics_case = decided(user, cls.korkab)
        cls.activity = log_activity(on=timezone.localdate(), kind="kunjungan_rumah",
                                    family=family, acting_user=user)  # fmt: skip
        # A coordination meeting of A's kecamatan with an item of A's (issue 16).
        cls.coordination_meeting = plan_meeting(on=today, place="", agenda="",
                                                acting_user=cls.korcam_a)  # fmt: skip
        cls.action_item = add_action_item(cls.coordination_meeting, text="Rekap", owner=user,
                                          due_on=today, acting_user=cls.korcam_a)  # fmt: skip
        cls.plan = save_plan(user, today, [Line("kunjungan_rumah", 5)], acting_user=user)
        cls.programme_proposal = propose_programme(user, family, None, "bpnt", today, "desa")

    def fillers(self, complaint: Complaint | None) -> dict[str, object]:
        """Parameter values by parameter name, or by the kind of `pk` (url_walk.PK_OF)."""
        today = timezone.localdate()
        month = calendar.add_months(calendar.month_start(today), -1)
        year, stage = calendar.stage_of(today)
        family = self.family_a
        found = {
            "family": family.pk, "family_pk": family.pk, "family_id": family.pk,
            "member": self.head.pk, "nik": self.head.nik, "change": self.change.pk,
            "group": self.group.pk, "group_pk": self.group.pk, "group_id": self.group.pk,
            "meeting": self.meeting.pk, "meeting_id": self.meeting.pk,
            "school": self.school.pk, "school_pk": self.school.pk,
            "sanction": self.sanction.pk, "proposal": self.proposal.pk,
            "import": self.import_run.pk, "run": self.job_run.pk, "run_pk": self.job_run.pk,
            "activity": self.activity.pk,
            "plan": self.plan.pk, "plan_id": self.plan.pk,
            "month": f"{month:%Y-%m}", "kind": "sekolah", "year": year, "stage": stage, "number": 0,
            "coaching": self.coaching.pk, "ethics": self.ethics_case.pk,
            "ethics_decision": self.ethics_case.pk,
            "coordination_meeting": self.coordination_meeting.pk,
            "action_item": self.action_item.pk,
            "programme_proposal": self.programme_proposal.pk,
        }  # fmt: skip
        if complaint is not None:  # the conduct complaint: A must not reach it
            found.update(complaint_fillers(complaint))
        return found

    def requests(self, complaint: Complaint | None) -> tuple[list, list]:
        """(what, URL, names a complaint) of every page and of every API GET operation.
        Without a complaint, the URLs that name one are left out (none exists yet)."""
        fillers, unfilled = self.fillers(complaint), []
        # The API's GET operations, with the query parameters they require (year, stage…).
        operations = {
            path: [p["name"] for p in methods["get"].get("parameters", [])
                   if p["in"] == "query" and p.get("required")]
            for path, methods in api.get_openapi_schema()["paths"].items() if "get" in methods
        }  # fmt: skip
        pages, api_calls = [], []
        for route, name, params in patterns():
            if route.startswith(SKIPPED_PREFIXES):
                continue
            keys = {p: PK_OF.get(name) if p == "pk" else p for p in params}
            about_complaint = any(key in COMPLAINT_PARAMS for key in keys.values())
            if about_complaint and complaint is None:
                continue
            query = operations.get(api_path(route), [])
            missing = [
                p for p, key in [*keys.items(), *((p, p) for p in query)] if key not in fillers
            ]
            if missing:
                unfilled.append(f"{name} ({route}): {', '.join(missing)}")
                continue
            url = reverse(name, kwargs={p: fillers[key] for p, key in keys.items()})
            if query:
                url += "?" + urlencode({p: fillers[p] for p in query})
            is_operation = api_path(route) in operations
            (api_calls if is_operation else pages).append((name, url, about_complaint))
        assert not unfilled, "Add a filler (fillers, PK_OF) for: " + "; ".join(unfilled)
        return pages, api_calls

    def answers(self, user, requests) -> dict[str, tuple[int, str]]:
        """(status, text) of each GET, by URL; POST-only URLs (405) are left out.
        `user` None: an anonymous visitor."""
        client = Client()
        if user is not None:
            client.force_login(user)
        found = {}
        for _name, url, _about in requests:
            with transaction.atomic():
                response = client.get(url)
                text = text_of(response)
                transaction.set_rollback(True)
            if response.status_code == 405:
                continue
            kind, where = response.get("Content-Type", ""), response.get("Location", "")
            found[url] = (response.status_code, steady(f"{kind}\n{where}\n{text}"))
        return found

    def file_complaints(self) -> tuple[Complaint, Complaint]:
        conduct, _pin = submit_complaint(
            kategori="perilaku_pendamping", saluran="web", uraian=CONDUCT_URAIAN,
            region_code=DESA_A, family=self.family_a, accused=self.pendamping_a,
            name=COMPLAINANTS[0], phone=PHONE,
        )  # fmt: skip
        pungli, _pin = submit_complaint(
            kategori="pungli", saluran="web", uraian=PUNGLI_URAIAN, region_code=DESA_A,
            family=self.family_a, accused=self.pendamping_a, name=COMPLAINANTS[1],
        )  # fmt: skip
        return conduct, pungli

    def walk_as_accused(self):
        """What the walk finds wrong for pendamping A, and what it opened."""
        pages, api_calls = self.requests(None)
        before = self.answers(self.pendamping_a, pages + api_calls)
        complaints = self.file_complaints()
        pages_after, api_after = self.requests(complaints[0])
        after = self.answers(self.pendamping_a, pages_after + api_after)
        own = [url for _name, url, about in pages_after + api_after if about and url in after]
        # A public page of the complaint (the complainant's tracking page, open to anyone
        # with the code) may repeat the code of its URL, and nothing more.
        public = {url for url, (status, _t) in self.answers(None, [(0, u, 0) for u in own])
                  .items() if status == 200}  # fmt: skip
        kodes = [c.kode for c in complaints] + [c.kode.removeprefix("ADU-") for c in complaints]
        problems = []
        for url, (_status, text) in after.items():
            told = [CONDUCT_URAIAN, PUNGLI_URAIAN, *COMPLAINANTS, PHONE]
            for secret in told + ([] if url in public else kodes):
                if secret in text:
                    at = text.find(secret)
                    problems.append(f"{url} shows {secret!r}: …{text[max(0, at - 80) : at + 80]}…")
        for url in own:
            if url not in public and after[url][0] != 404:
                problems.append(f"{url} (the complaint's own URL) answers {after[url][0]}, not 404")
        for url, answer in before.items():
            if after.get(url) != answer:
                status, text = after.get(url, (None, ""))
                problems.append(f"{url} changed: {answer[0]} → {status}: "
                                f"{first_difference(answer[1], text)}")  # fmt: skip
        return problems, pages, api_calls, before, complaints

    def test_the_accused_pendamping_meets_the_complaints_nowhere_and_the_korcam_does(self):
        problems, pages, api_calls, before, complaints = self.walk_as_accused()
        assert not problems, f"{len(problems)} answers of A's give the complaints away:\n" + (
            "\n".join(problems)
        )
        # Not a vacuous walk: A opened many pages, many with data of their own (their
        # family's head is named), every GET operation of the API and the exports.
        opened = [url for _n, url, _a in pages if before.get(url, (0,))[0] == 200]
        with_family = [url for url in opened if self.head.name in before[url][1]]
        api_opened = [url for _n, url, _a in api_calls if before[url][0] == 200]
        assert len(opened) >= AT_LEAST_PAGES_OPENED, (len(opened), AT_LEAST_PAGES_OPENED)
        assert len(api_opened) >= AT_LEAST_API_OPERATIONS, (api_opened, AT_LEAST_API_OPERATIONS)
        assert len(with_family) >= AT_LEAST_PAGES_WITH_THE_FAMILY, with_family
        assert reverse("registry:family_detail", args=[self.family_a.pk]) in with_family
        exports = [url for url in opened if before[url][1].startswith((XLSX, "text/csv"))]
        assert len(exports) >= AT_LEAST_EXPORTS, exports
        # A's korcam sees both.
        kodes = {complaint.kode for complaint in complaints}
        seen = set(Complaint.objects.visible_to(self.korcam_a).values_list("kode", flat=True))
        assert kodes <= seen
        assert not Complaint.objects.visible_to(self.pendamping_a).filter(kode__in=kodes)
        if self.complaint_pages_exist():
            pages_after, api_after = self.requests(complaints[0])
            answers = self.answers(self.korcam_a, pages_after + api_after)
            for complaint in complaints:
                assert any(complaint.kode in text for _status, text in answers.values()), (
                    f"The korcam of the accused finds {complaint} on no page"
                )

    def complaint_pages_exist(self) -> bool:
        """Whether staff pages or API operations list complaints yet (other items of issue 15)."""
        try:
            reverse("complaints:list")
        except NoReverseMatch:
            return any("complaint" in path for path in api.get_openapi_schema()["paths"])
        return True

    @override_settings(ROOT_URLCONF="harapan.tests.urls_with_a_complaint_list")
    def test_the_walk_catches_a_page_or_a_count_that_shows_the_accused_the_complaints(self):
        """The walk is not blind: the test URL conf adds a page listing the codes of
        `visible_to(user)` and one showing only their number, as a to-do line would; with a
        filter that forgets the accused, the walk reports both, and the real pages that read
        the same filter."""

        def forgetful_filter(user):  # the pendamping's rule, without "never the accused"
            return Q(handler=user) | Q(family__pendamping=user)

        with mock.patch.object(scoping, "complaint_filter", forgetful_filter):
            problems, *_rest, complaints = self.walk_as_accused()
        listed, counted = reverse("complaint_kodes"), reverse("complaint_count")
        kodes = " ".join(sorted(complaint.kode for complaint in complaints))
        assert f"{listed} changed: 200 → 200: +{kodes}" in problems, problems
        for complaint in complaints:
            assert any(p.startswith(f"{listed} shows {complaint.kode!r}") for p in problems)
        # The number alone names nothing, yet it moved from 0 to 2.
        assert f"{counted} changed: 200 → 200: -0 | +2" in problems, problems
        assert not [p for p in problems if p.startswith(f"{counted} shows")], problems
        # The page of one complaint, found by its code but not in the user's scope.
        shown = reverse("complaint_shown", kwargs={"kode": complaints[0].kode})
        assert f"{shown} (the complaint's own URL) answers 200, not 404" in problems, problems
        # The real pages read the same filter and give them away too: the family page, the
        # complaint list and the API's list.
        family_page = reverse("registry:family_detail", args=[complaints[0].family_id])
        for real in (family_page, reverse("complaints:list"), "/api/v1/complaints"):
            assert any(p.startswith(f"{real} shows") for p in problems), (real, problems)
