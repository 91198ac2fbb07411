"""The home page's gap counts (`gap_counts`, one scan) and the lists (`member_gap`,
`family_gap`) are two forms of one rule: on the same families they agree."""

from datetime import date

from django.test import TestCase

from harapan.programs.catalogue import Gap
from harapan.programs.gaps import family_gap, gap_counts, gap_rows, member_gap, member_gaps
from harapan.programs.models import Outcome, Participation, Proposal, Source, Status
from harapan.registry.models import Member
from harapan.testing import make_family, make_user

DAY = date(2026, 11, 2)


class CountsAgreeWithLists(TestCase):
    @classmethod
    def setUpTestData(cls):
        pendamping = make_user("pendamping_gap", "pendamping", "1806012001")
        family = make_family(
            [
                {"relation": "kepala_keluarga", "birth_date": date(1950, 1, 1)},  # lansia
                {"birth_date": date(2014, 3, 3), "school_level": "sd"},
                {"birth_date": date(2011, 3, 3), "school_level": "smp"},
            ],
            pendamping=pendamping,
        )
        make_family()  # a head of 41: PBI and BPNT only
        pupil = family.members.get(school_level="sd")
        Participation.objects.create(
            family=family, member=pupil, nik=pupil.nik, region_code=family.region_code,
            programme="pip", starts_on=date(2025, 7, 1), status=Status.RECEIVING,
            source=Source.IMPORT,
        )  # fmt: skip
        other = family.members.get(school_level="smp")
        Proposal.objects.create(
            family=family, member=other, nik=other.nik, region_code=family.region_code,
            programme="pip", proposed_on=date(2026, 10, 1), channel="sekolah",
            proposed_by=pendamping, outcome=Outcome.PENDING,
        )  # fmt: skip

    def test_counts_equal_the_lists(self):
        counts = {c.gap: (c.total, c.pending) for c in gap_counts(DAY)}
        # Counted by hand: PIP the smp pupil (proposed); PBI all 4 members; BPNT both
        # families; ATENSI the head born 1950 (76 on DAY).
        self.assertEqual(
            counts, {Gap.PIP: (1, 1), Gap.PBI: (4, 0), Gap.BPNT: (2, 0), Gap.ATENSI: (1, 0)}
        )
        for gap in (Gap.PIP, Gap.PBI, Gap.ATENSI):
            self.assertEqual(member_gap(gap, DAY).count(), counts[gap][0])
        self.assertEqual(family_gap(DAY).count(), counts[Gap.BPNT][0])
        flagged = list(member_gaps(DAY, Member.objects.all()))
        for gap in (Gap.PIP, Gap.PBI, Gap.ATENSI):
            in_gap = {m.pk for m in flagged if getattr(m, f"in_{gap}")}
            self.assertEqual(in_gap, set(member_gap(gap, DAY).values_list("pk", flat=True)))
        self.assertEqual(len(flagged), 4)  # every member is in the PBI gap
        rows = list(gap_rows(DAY))
        self.assertEqual([r.gap for r in rows], ["PIP", "PBI", "PBI", "PBI", "PBI", "BPNT",
                                                 "BPNT", "ATENSI"])  # fmt: skip
        self.assertEqual([r.pending for r in rows if r.gap == "PIP"], [True])
