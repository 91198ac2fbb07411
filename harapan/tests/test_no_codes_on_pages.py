"""Every page, for every role, shows labels and never codes (DESIGN §11, issue 13).

The walk takes its pages from the URL resolver, so a new page is walked as soon
as it exists. A page's URL parameters come from the small table of fillers
below, out of realistic data built through the app's own actions (the demo's
builders, the registry's change requests, an import, a data check); a pattern
with a parameter the table cannot fill fails the test, naming what to add.

What must not appear in a page's visible text: a benefit component code
(`anak_usia_dini`), an audit action code (`registry.family.import`) or a
Python boolean (`True`, `False`). Attribute values (`<option value="lansia">`)
are not visible and are not checked.
"""

import re
from datetime import date, timedelta
from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from harapan.audit.labels import all_codes
from harapan.audit.models import AuditEntry
from harapan.benefits.batch import compute_entitlements
from harapan.benefits.models import Stage
from harapan.complaints.actions import add_note, submit_complaint, triage_complaint
from harapan.complaints.attachments import Checked
from harapan.compliance import calendar
from harapan.compliance.batch import compute_sanctions
from harapan.compliance.models import Sanction, School
from harapan.compliance.tests.test_family_panel import make_sanction
from harapan.demo.fds import build_fds
from harapan.demo.graduation import build_graduation
from harapan.demo.verification import build_verification
from harapan.fds.models import Group, Meeting
from harapan.fieldwork import actions_meetings as coordination
from harapan.fieldwork import actions_plans as plans
from harapan.fieldwork.actions_activities import log_activity
from harapan.fieldwork.actions_coaching import record_follow_up
from harapan.fieldwork.models import Activity
from harapan.fieldwork.tests.base import decided, note_about
from harapan.graduation.actions import propose_exit
from harapan.graduation.assessment import record_assessment
from harapan.jobs.models import Run, RunOutput
from harapan.programs import actions as programs
from harapan.registry import eligibility
from harapan.registry.actions import update_family
from harapan.registry.batch import store_findings
from harapan.registry.changes import approve_change, reject_change, request_change
from harapan.registry.models import ChangeKind, ChangeRequest, ExitReason, Family, ImportRun
from harapan.registry.tests.test_import import BROKEN_FAMILIES, GOOD_FAMILIES, HEADER
from harapan.testing import DESA_A, PersonaTestCase, make_family, run_queued_here
from harapan.tests.url_walk import DOWNLOADS, PK_OF, patterns

ROLES = ("pendamping_a", "korcam_a", "korkab", "korwil", "operator", "admin_pusat", "auditor")
ANONYMOUS = "anonymous"  # the sign-in page
SKIPPED_PREFIXES = ("admin/", "api/", "i18n/")
BOOLEANS = ("True", "False")
UNREAD = ("script", "style", "code")


def years_ago(years: int, days: int = 0) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - timedelta(days=days)


def a_family_of_every_component() -> list[dict]:
    """A head, then one member earning each component today (DESIGN §4)."""
    return [
        {"relation": "kepala_keluarga", "name": "Siti Aminah", "sex": "P",
         "birth_date": years_ago(34)},
        {"relation": "anak", "name": "Rina", "birth_date": years_ago(3)},
        {"relation": "anak", "name": "Budi", "birth_date": years_ago(9), "school_level": "sd"},
        {"relation": "anak", "name": "Tono", "birth_date": years_ago(13), "school_level": "smp"},
        {"relation": "anak", "name": "Wati", "birth_date": years_ago(16), "school_level": "sma"},
        {"relation": "orang_tua", "name": "Mbah Karto", "birth_date": years_ago(75)},
        {"relation": "famili_lain", "name": "Dewi", "sex": "P", "birth_date": years_ago(24),
         "pregnant": True},
        {"relation": "famili_lain", "name": "Joko", "birth_date": years_ago(40),
         "severe_disability": True},
    ]  # fmt: skip


class TextOf(HTMLParser):
    """The text a reader sees: text nodes outside <script> and <style>, no attributes.

    Text in <code> is left out too: it is a file's own vocabulary (an import's column
    names and values, the codes its instructions say to type), quoted as it must be typed.
    """

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in UNREAD:
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in UNREAD:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = TextOf()
    parser.feed(html)
    return " ".join(parser.parts)


class NoCodesOnPagesTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        today = timezone.localdate()
        # pendamping_a's caseload: the demo's graduations take the first four of it.
        for _ in range(6):
            make_family(region_code=DESA_A, pendamping=cls.pendamping_a,
                        members=a_family_of_every_component())  # fmt: skip
        build_verification(today, log=lambda *_: None)
        build_fds(today, log=lambda *_: None)
        build_graduation(today, log=lambda *_: None)
        stage = Stage.objects.filter(period_start__lte=today).order_by("-period_start").first()
        compute_entitlements(stage)
        compute_sanctions(stage.year_id, stage.number)
        cls.family = (
            Family.objects.filter(pendamping=cls.pendamping_a, status="aktif")
            .order_by("-pk")
            .first()
        )
        members = {m.name: m for m in cls.family.members.all()}
        make_sanction(members["Budi"])
        update_family(cls.family, {"address": "Jl. Melati 4"}, acting_user=cls.pendamping_a)
        pupil, pregnant = members["Tono"], members["Dewi"]
        approve_change(
            request_change(cls.family, ChangeKind.DESIL, {"desil": 2}, acting_user=cls.pendamping_a),
            acting_user=cls.korcam_a,
        )  # fmt: skip
        reject_change(
            request_change(cls.family, ChangeKind.PREGNANCY, {"pregnant": False},
                           member=pregnant, acting_user=cls.pendamping_a),
            reason="Masih hamil", acting_user=cls.korcam_a,
        )  # fmt: skip
        request_change(cls.family, ChangeKind.SCHOOL, {"school_level": "sma"}, member=pupil,
                       acting_user=cls.pendamping_a)  # fmt: skip
        record_assessment(
            cls.family,
            {"monthly_income": 2_500_000, "poverty_line": 600_000, "steady_work": True,
             "business": True, "assets": False, "housing": True, "schooling": True,
             "insurance": True, "savings": False, "desil": 5, "assessed_on": today},
            acting_user=cls.pendamping_a,
        )  # fmt: skip
        proposed = Family.objects.filter(pendamping=cls.pendamping_a, status="aktif")
        cls.proposal = propose_exit(
            proposed.exclude(pk=cls.family.pk).first(), kind=ExitReason.MOVED,
            reason="Pindah ke luar provinsi", exit_date=today, acting_user=cls.pendamping_a,
        )  # fmt: skip
        store_findings("1806", today)
        # A complaint about the family, triaged, with a note: its page shows every step's labels.
        cls.complaint, _pin = submit_complaint(
            kategori="pembayaran", saluran="datang", uraian="Bantuan tahap III belum masuk.",
            region_code=cls.family.region_code, family=cls.family, name="Sri Wahyuni",
            acting_user=cls.korcam_a,
            attachment=Checked("surat.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n"),
        )  # fmt: skip
        triage_complaint(cls.complaint, acting_user=cls.pendamping_a)
        add_note(cls.complaint, text="Sudah dicek ke bank.", acting_user=cls.pendamping_a)
        # A typed home visit beside the work Harapan logged by itself (the steps above).
        cls.activity = log_activity(on=today, kind="kunjungan_rumah", family=cls.family,
                                    note="Kunjungan rumah", acting_user=cls.pendamping_a)  # fmt: skip
        # This month's work plan, submitted and returned with a note, and a home visit done.
        plan = plans.save_plan(cls.pendamping_a, today, [plans.Line("kunjungan_rumah", 5)],
                               acting_user=cls.pendamping_a)  # fmt: skip
        plans.submit_plan(plan, acting_user=cls.pendamping_a)
        cls.plan = plans.review_plan(plan, accept=False, note="Tambah P2K2",
                                     acting_user=cls.korcam_a)  # fmt: skip
        Activity.objects.create(pendamping=cls.pendamping_a, on=today, kind="kunjungan_rumah")
        cls._upload(GOOD_FAMILIES)
        cls._upload(BROKEN_FAMILIES)
        # Fieldwork (issue 16): a coaching note followed up, a case decided from a complaint.
        cls.coaching = note_about(cls.pendamping_a, cls.korcam_a, on=today, follow_up_on=today)
        record_follow_up(cls.coaching, outcome="Jadwal diperbaiki.", acting_user=cls.korcam_a)
        cls.ethics_case = decided(cls.pendamping_a, cls.korkab, kind="manipulasi_data",
                                  decision="penundaan_honor")  # fmt: skip
        # Two coordination meetings of Kecamatan A: an item of the first, followed up at the
        # second, is on its agenda with its history; attendance and minutes recorded.
        first = coordination.plan_meeting(on=today - timedelta(days=30), place="Aula",
                                          agenda="Evaluasi", acting_user=cls.korcam_a)  # fmt: skip
        item = coordination.add_action_item(first, text="Kirim rekap", owner=cls.pendamping_a,
                                            due_on=first.on, acting_user=cls.korcam_a)  # fmt: skip
        cls.coordination_meeting = coordination.plan_meeting(
            on=today, place="Aula", agenda="Evaluasi", acting_user=cls.korcam_a)  # fmt: skip
        coordination.record_follow_up(cls.coordination_meeting, item, status="masih_terbuka",
                                      note="Menunggu desa", acting_user=cls.korcam_a)  # fmt: skip
        coordination.record_meeting(
            cls.coordination_meeting, minutes="Dibahas.", acting_user=cls.korcam_a,
            presence={cls.pendamping_a.pk: "hadir", cls.pendamping_a2.pk: "izin"},
        )  # fmt: skip
        cls.action_item = item
        # Complementary programmes (issue 17): a BPNT proposal waiting, an electricity
        # subsidy accepted (a participation the family page lists).
        cls.programme_proposal = programs.propose(cls.pendamping_a, cls.family, None, "bpnt",
                                                  today, "desa")  # fmt: skip
        subsidy = programs.propose(cls.pendamping_a, cls.family, None, "subsidi_listrik",
                                   today - timedelta(days=3), "desa")  # fmt: skip
        programs.record_outcome(cls.korcam_a, subsidy, "diterima", today)

    @classmethod
    def _upload(cls, lines):
        """A dry run of the registry import page, run by the worker: a run page with errors."""
        client = Client()
        client.force_login(cls.operator)
        upload = SimpleUploadedFile(
            "registri.csv", ("\n".join([HEADER, *lines]) + "\n").encode("utf-8")
        )
        client.post(reverse("registry:import_upload"), {"file": upload, "dry_run": "on"})
        assert run_queued_here() == 1
        # The file a run made (an annual report's PDF): its download, jobs:run_output.
        RunOutput.objects.create(run=Run.objects.order_by("pk").last(), name="laporan.pdf",
                                 content_type="application/pdf", content=b"%PDF-1.7")  # fmt: skip

    def fillers(self) -> dict[str, object]:
        """Parameter values by parameter name; `pk` means a different object on each page."""
        family = self.family
        month = calendar.add_months(calendar.month_start(timezone.localdate()), -1)
        group = Group.objects.filter(pendamping=self.pendamping_a).order_by("pk").first()
        school = School.objects.filter(region_code=family.region_code).order_by("pk").first()
        return {
            "family_pk": family.pk,
            "group_pk": group.pk,
            "school_pk": school.pk,
            "month": f"{month:%Y-%m}",
            "kind": "sekolah",
            "number": 0,  # a dashboard's first chart
            "family": family.pk,
            "member": family.members.get(name="Tono").pk,
            "change": ChangeRequest.objects.get(family=family, status="diajukan").pk,
            "import": ImportRun.objects.order_by("pk").last().pk,
            "run": Run.objects.order_by("pk").last().pk,
            "sanction": Sanction.objects.filter(member__family=family).order_by("pk").first().pk,
            "school": school.pk,
            "group": group.pk,
            "meeting": Meeting.objects.filter(group=group, held_on__isnull=False)
            .order_by("pk")
            .first()
            .pk,
            "proposal": self.proposal.pk,
            "kode": self.complaint.kode,
            "coaching": self.coaching.pk,
            "ethics": self.ethics_case.pk,
            "ethics_decision": self.ethics_case.pk,
            "activity": self.activity.pk,
            "coordination_meeting": self.coordination_meeting.pk,
            "action_item": self.action_item.pk,
            "plan": self.plan.pk,
            "plan_id": self.plan.pk,
            "programme_proposal": self.programme_proposal.pk,
        }

    def pages(self) -> list[tuple[str, str]]:
        """(view name, URL) of every page to walk; fails on a parameter it cannot fill."""
        fillers, pages, unfilled = self.fillers(), [], []
        for route, name, params in patterns():
            if route.startswith(SKIPPED_PREFIXES) or DOWNLOADS.search(route):
                continue
            keys = {p: PK_OF.get(name) if p == "pk" else p for p in params}
            missing = [p for p, key in keys.items() if key not in fillers]
            if missing:
                unfilled.append(f"{name} ({route}): {', '.join(missing)}")
            else:
                kwargs = {p: fillers[key] for p, key in keys.items()}
                pages.append((name, reverse(name, kwargs=kwargs)))
        assert not unfilled, "Add a filler (PK_OF, fillers) for: " + "; ".join(unfilled)
        return pages

    def codes(self) -> list[str]:
        actions = set(AuditEntry.objects.values_list("action", flat=True)) | set(all_codes())
        return [*eligibility.COMPONENTS, *sorted(actions)]

    def codes_in(self, text: str, codes: list[str]) -> list[str]:
        found = [c for c in codes if re.search(rf"(?<![\w.]){re.escape(c)}(?![\w.])", text)]
        return found + [b for b in BOOLEANS if re.search(rf"\b{b}\b", text)]

    def test_no_page_shows_a_code_to_any_role(self):
        pages = self.pages()
        opened = {name: [] for name, _url in pages}
        problems = []
        for username in (*ROLES, ANONYMOUS):
            if username == ANONYMOUS:
                self.client.logout()
            else:
                self.client.force_login(getattr(self, username))
            for name, url in pages:
                response = self.client.get(url)
                if response.status_code == 405:  # a form's POST target, no page of its own
                    continue
                if username != ANONYMOUS:  # who signs in is sent to the sign-in page
                    opened[name].append(response.status_code)
                if "text/html" not in response.get("Content-Type", ""):
                    continue
                text = visible_text(response.content.decode())
                # Codes are read after each page: a page may itself write audit rows.
                for code in self.codes_in(text, self.codes()):
                    at = text.find(code)
                    shown = " ".join(text[max(0, at - 60) : at + 60].split())
                    problems.append(f"{username} {url} [{name}]: {code!r} in “…{shown}…”")
        not_opened = [
            f"{name} {statuses}"
            for name, statuses in opened.items()
            # A page that only redirects on GET (to its result, or home) still answered.
            if statuses and not any(status in (200, 302) for status in statuses)
        ]
        assert not not_opened, "No role could open these pages; fix their fillers: " + "; ".join(
            not_opened
        )
        assert not problems, f"{len(problems)} codes on pages:\n" + "\n".join(problems)

    def test_the_walk_covers_every_app_and_opens_pages_with_data(self):
        names = {name for name, _url in self.pages()}
        for page in ("registry:family_detail", "registry:change_detail", "jobs:run_detail",
                     "graduation:proposal_detail", "fds:meeting_detail", "complaints:detail",
                     "compliance:month_school", "benefits:kks_family", "home", "login"):  # fmt: skip
            assert page in names
        self.client.force_login(self.korcam_a)
        page = self.client.get(reverse("registry:family_detail", args=[self.family.pk]))
        # The family earns every component, so a leak of any code would show here.
        for label in eligibility.LABELS.values():
            self.assertContains(page, label)

    def test_the_text_check_ignores_attributes_and_finds_codes_in_text(self):
        html = (
            '<select><option value="lansia">Lanjut usia</option></select><p>hamil: False</p>'
            "<p>Kolom <code>disabilitas_berat</code></p>"
        )
        text = visible_text(html)
        assert self.codes_in(text, ["lansia", "disabilitas_berat"]) == ["False"]
        codes = ["anak_usia_dini", "registry.family.import"]
        assert self.codes_in("registry.family.import · anak_usia_dini", codes) == codes
        # Part of a longer word or code is not the code.
        assert self.codes_in("registry.family.imported anak_usia_dini_x Falsehood", codes) == []
