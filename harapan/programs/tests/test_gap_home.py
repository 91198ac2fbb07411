"""The home to-do's gaps not yet proposed, for each role that works them (issue 17): each
count equals the total of the gap list it links to."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from harapan.programs.models import Participation, Proposal, Source, Status
from harapan.testing import PersonaTestCase, list_total, make_member, todo_of

PIP = "anak sekolah belum menerima PIP dan belum diusulkan"
PBI = "anggota belum menerima PBI-JKN/KIS dan belum diusulkan"
BPNT = "KPM belum menerima Sembako/BPNT dan belum diusulkan"
ATENSI = "lanjut usia/disabilitas berat belum menerima ATENSI dan belum diusulkan"


class GapsOnTheHomePage(PersonaTestCase):
    """Today, heads of 41 everywhere: family_a (pendamping_a) has two sd pupils, one proposed
    to PIP, and receives BPNT; family_a2 (pendamping_a2) nothing more; family_b (Kecamatan
    B) a lansia; metro_family (Kota Metro, no pendamping) nothing more."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        today = timezone.localdate()
        proposed = make_member(cls.family_a, birth_date=date(2016, 1, 1), school_level="sd")
        make_member(cls.family_a, birth_date=date(2016, 2, 2), school_level="sd")
        make_member(cls.family_b, birth_date=date(1950, 3, 3))
        Proposal.objects.create(
            family=cls.family_a, member=proposed, nik=proposed.nik,
            region_code=proposed.region_code, programme="pip",
            proposed_on=today - timedelta(days=30), channel="sekolah",
            proposed_by=cls.pendamping_a,
        )  # fmt: skip
        Participation.objects.create(
            family=cls.family_a, region_code=cls.family_a.region_code, programme="bpnt",
            starts_on=date(2024, 1, 1), status=Status.RECEIVING, source=Source.IMPORT,
        )  # fmt: skip

    def gaps_on_home(self, user) -> dict[str, int]:
        self.client.force_login(user)
        todo = todo_of(self.client.get(reverse("home")))
        found = {}
        for label in (PIP, PBI, BPNT, ATENSI):
            if label in todo:
                count, link = todo[label]
                assert "diusulkan=tidak" in link, link
                assert list_total(self.client.get(link)) == count, (user, label, link)
                found[label] = count
        return found

    def test_each_role_counts_what_its_list_shows(self):
        expected = {
            # PIP: the pupil not proposed; PBI: head and both pupils; BPNT received.
            self.pendamping_a: {PIP: 1, PBI: 3},
            # Kecamatan A adds family_a2: its head, and it lacks BPNT.
            self.korcam_a: {PIP: 1, PBI: 4, BPNT: 1},
            # Tanggamus adds family_b: its head and its lansia, its BPNT, the lansia's ATENSI.
            self.korkab: {PIP: 1, PBI: 6, BPNT: 2, ATENSI: 1},
            # Lampung, and the whole country, add metro_family.
            self.korwil: {PIP: 1, PBI: 7, BPNT: 3, ATENSI: 1},
            self.admin_pusat: {PIP: 1, PBI: 7, BPNT: 3, ATENSI: 1},
            # The office and the auditor do not work the gaps from their home page.
            self.operator: {},
            self.auditor: {},
        }
        for user, counts in expected.items():
            with self.subTest(user=user.username):
                self.assertEqual(self.gaps_on_home(user), counts)


WAITING = "usulan program menunggu hasil lebih dari 30 hari"


class ProposalsWaitingOnTheHomePage(PersonaTestCase):
    """The proposals without an outcome after 30 days reach the home page of whoever may
    record the outcome: the family's pendamping, and the korcam and korkab of its region.
    family_a's head was proposed to PBI-JKN 31 days ago, family_b's 30 days ago (not yet
    late), family_a2's head 45 days ago (pendamping_a2)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        today = timezone.localdate()
        for family, by, days in ((cls.family_a, cls.pendamping_a, 31),
                                 (cls.family_b, cls.pendamping_b, 30),
                                 (cls.family_a2, cls.pendamping_a2, 45)):  # fmt: skip
            head = family.members.get()
            Proposal.objects.create(
                family=family, member=head, nik=head.nik, region_code=family.region_code,
                programme="pbi_jkn", proposed_on=today - timedelta(days=days),
                channel="faskes_bpjs", proposed_by=by,
            )  # fmt: skip

    def waiting_on_home(self, user) -> int | None:
        self.client.force_login(user)
        todo = todo_of(self.client.get(reverse("home")))
        if WAITING not in todo:
            return None
        count, link = todo[WAITING]
        assert list_total(self.client.get(link)) == count, (user, link)
        return count

    def test_who_records_outcomes_is_reminded(self):
        expected = {
            self.pendamping_a: 1,
            self.pendamping_a2: 1,
            self.pendamping_b: None,  # 30 days: not late yet
            self.korcam_a: 2,  # family_a and family_a2, both in Kecamatan A
            self.korkab: 2,
            # Read-only or office roles record no outcome: nothing to remind them of.
            self.korwil: None,
            self.operator: None,
            self.auditor: None,
        }
        for user, count in expected.items():
            with self.subTest(user=user.username):
                self.assertEqual(self.waiting_on_home(user), count)
