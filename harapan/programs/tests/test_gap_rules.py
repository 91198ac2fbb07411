"""The four gap lists of DESIGN §9 on a known registry, every boundary counted by hand.

The registry (D = 2 November 2026, all in Kuripan):

KPM9000001, pupils (no BPNT: `bpnt` menerima ending on D, the last day counts):
  0101 head, 46                                    PBI
  0102 smp, turns 22 on D: no component             PBI
  0103 sma, turns 22 on 3 Nov: 21 on D              PBI, PIP
  0104 sd, pip ended 1 Nov                          PBI, PIP
  0105 sd, pip ends on D                            PBI
  0106 sd, pip starts 3 Nov                         PBI, PIP
  0107 smp, pip `diusulkan` holding D               PBI, PIP (pending)
  0108 smp, pip `ditolak` holding D                 PBI, PIP
  0109 sma, open Proposal to pip                    PBI, PIP (pending)
  0110 sma, Proposal to pip rejected 1 Oct          PBI, PIP
  0111 sd, receives pbi_jkn (another programme)     PIP
  0112 sd, deceased                                 nothing
KPM9000002, elders (bpnt menerima, open-ended):
  0201 head, 70 on D                                PBI, ATENSI
  0202 69 on D (70 on 3 Nov)                        PBI
  0203 disabilitas berat, 35                        PBI, ATENSI (pending: open Proposal)
  0204 disabilitas berat, atensi menerima           PBI
KPM9000003, exited (status keluar): a pupil and a lansia, in no gap at all.
KPM9000004: bpnt ended 1 Nov, open Proposal to bpnt; head has pbi_jkn   BPNT (pending)
KPM9000005: bpnt `diusulkan` holding D; head has pbi_jkn                BPNT (pending)
KPM9000006: subsidi_listrik menerima; bpnt `ditolak`; head has pbi_jkn BPNT
"""

from datetime import date

from django.test import TestCase

from harapan.programs.catalogue import Gap
from harapan.programs.gaps import family_gap, gap_counts, gap_rows, member_gap
from harapan.programs.models import Outcome, Participation, Proposal, Source, Status
from harapan.testing import make_family, make_user

D = date(2026, 11, 2)
DAY_BEFORE, DAY_AFTER = date(2026, 11, 1), date(2026, 11, 3)


def nik(code: str) -> str:
    return f"180601000000{code}"


def take_part(family, programme, status, starts_on, ends_on=None, member=None):
    return Participation.objects.create(
        family=family, member=member, nik=member.nik if member else "",
        region_code=family.region_code, programme=programme, starts_on=starts_on,
        ends_on=ends_on, status=status, source=Source.IMPORT,
    )  # fmt: skip


def propose(family, programme, by, proposed_on, member=None, **outcome):
    return Proposal.objects.create(
        family=family, member=member, nik=member.nik if member else "",
        region_code=family.region_code, programme=programme, proposed_on=proposed_on,
        channel="dinas_sosial", proposed_by=by, **outcome,
    )  # fmt: skip


class GapRulesOnAKnownRegistry(TestCase):
    @classmethod
    def setUpTestData(cls):
        by = make_user("pendamping_rules", "pendamping", "1806012001")

        def pupil(code, born, level, **kwargs):
            return {"nik": nik(code), "birth_date": born, "school_level": level, **kwargs}

        pupils = make_family(
            [
                {"nik": nik("0101"), "relation": "kepala_keluarga", "birth_date": date(1980, 1, 1)},
                pupil("0102", date(2004, 11, 2), "smp"),
                pupil("0103", date(2004, 11, 3), "sma"),
                pupil("0104", date(2016, 1, 1), "sd"),
                pupil("0105", date(2016, 2, 2), "sd"),
                pupil("0106", date(2016, 3, 3), "sd"),
                pupil("0107", date(2013, 1, 1), "smp"),
                pupil("0108", date(2013, 2, 2), "smp"),
                pupil("0109", date(2010, 1, 1), "sma"),
                pupil("0110", date(2010, 2, 2), "sma"),
                pupil("0111", date(2017, 1, 1), "sd"),
                pupil("0112", date(2016, 5, 5), "sd", alive=False),
            ],
            registry_id="KPM9000001",
        )
        m = {member.nik[-4:]: member for member in pupils.members.all()}
        pip, pbi = "pip", "pbi_jkn"
        take_part(pupils, pip, Status.RECEIVING, date(2025, 7, 1), DAY_BEFORE, m["0104"])
        take_part(pupils, pip, Status.RECEIVING, date(2025, 7, 1), D, m["0105"])
        take_part(pupils, pip, Status.RECEIVING, DAY_AFTER, None, m["0106"])
        take_part(pupils, pip, Status.PROPOSED, date(2026, 10, 1), None, m["0107"])
        take_part(pupils, pip, Status.REJECTED, date(2026, 10, 1), None, m["0108"])
        propose(pupils, pip, by, date(2026, 10, 15), m["0109"])
        propose(pupils, pip, by, date(2026, 9, 1), m["0110"],
                outcome=Outcome.REJECTED, outcome_on=date(2026, 10, 1))  # fmt: skip
        take_part(pupils, pbi, Status.RECEIVING, date(2024, 1, 1), None, m["0111"])
        take_part(pupils, "bpnt", Status.RECEIVING, date(2024, 1, 1), D)

        elders = make_family(
            [
                {
                    "nik": nik("0201"),
                    "relation": "kepala_keluarga",
                    "birth_date": date(1956, 11, 2),
                },
                {"nik": nik("0202"), "relation": "istri", "birth_date": date(1956, 11, 3)},
                {"nik": nik("0203"), "birth_date": date(1991, 5, 5), "severe_disability": True},
                {"nik": nik("0204"), "birth_date": date(1992, 6, 6), "severe_disability": True},
            ],
            registry_id="KPM9000002",
        )
        e = {member.nik[-4:]: member for member in elders.members.all()}
        propose(elders, "atensi", by, date(2026, 10, 20), e["0203"])
        take_part(elders, "atensi", Status.RECEIVING, date(2025, 1, 1), None, e["0204"])
        take_part(elders, "bpnt", Status.RECEIVING, date(2024, 1, 1))

        make_family(
            [
                {"nik": nik("0301"), "relation": "kepala_keluarga", "birth_date": date(1950, 1, 1)},
                pupil("0302", date(2015, 1, 1), "sd"),
            ],
            registry_id="KPM9000003",
            status="keluar",
        )

        def covered_family(registry_id, code):
            family = make_family(
                [{"nik": nik(code), "relation": "kepala_keluarga"}], registry_id=registry_id
            )
            head = family.members.get()
            take_part(family, pbi, Status.RECEIVING, date(2024, 1, 1), None, head)
            return family

        ended = covered_family("KPM9000004", "0401")
        take_part(ended, "bpnt", Status.RECEIVING, date(2024, 1, 1), DAY_BEFORE)
        propose(ended, "bpnt", by, date(2026, 11, 2))
        proposed = covered_family("KPM9000005", "0501")
        take_part(proposed, "bpnt", Status.PROPOSED, date(2026, 6, 1))
        other = covered_family("KPM9000006", "0601")
        take_part(other, "subsidi_listrik", Status.RECEIVING, date(2024, 1, 1))
        take_part(other, "bpnt", Status.REJECTED, date(2026, 6, 1))

    def gaps(self) -> set[tuple[str, str, str]]:
        return {(row.gap, row.registry_id, row.nik) for row in gap_rows(D)}

    def test_every_gap_on_the_day(self):
        one, two = "KPM9000001", "KPM9000002"
        self.assertEqual(
            self.gaps(),
            {
                ("PIP", one, "1806010000000103"),
                ("PIP", one, "1806010000000104"),
                ("PIP", one, "1806010000000106"),
                ("PIP", one, "1806010000000107"),
                ("PIP", one, "1806010000000108"),
                ("PIP", one, "1806010000000109"),
                ("PIP", one, "1806010000000110"),
                ("PIP", one, "1806010000000111"),
                ("PBI", one, "1806010000000101"),
                ("PBI", one, "1806010000000102"),
                ("PBI", one, "1806010000000103"),
                ("PBI", one, "1806010000000104"),
                ("PBI", one, "1806010000000105"),
                ("PBI", one, "1806010000000106"),
                ("PBI", one, "1806010000000107"),
                ("PBI", one, "1806010000000108"),
                ("PBI", one, "1806010000000109"),
                ("PBI", one, "1806010000000110"),
                ("PBI", two, "1806010000000201"),
                ("PBI", two, "1806010000000202"),
                ("PBI", two, "1806010000000203"),
                ("PBI", two, "1806010000000204"),
                ("BPNT", "KPM9000004", ""),
                ("BPNT", "KPM9000005", ""),
                ("BPNT", "KPM9000006", ""),
                ("ATENSI", two, "1806010000000201"),
                ("ATENSI", two, "1806010000000203"),
            },
        )

    def test_pending_proposals_are_marked_beside_their_gap(self):
        pending = {(row.gap, row.registry_id, row.nik) for row in gap_rows(D) if row.pending}
        self.assertEqual(
            pending,
            {
                ("PIP", "KPM9000001", "1806010000000107"),  # `diusulkan` participation
                ("PIP", "KPM9000001", "1806010000000109"),  # open proposal
                ("BPNT", "KPM9000004", ""),  # open proposal made on D
                ("BPNT", "KPM9000005", ""),  # `diusulkan` participation
                ("ATENSI", "KPM9000002", "1806010000000203"),  # open proposal
            },
        )

    def test_counts_agree_with_the_hand_count(self):
        counts = {c.gap: (c.total, c.pending) for c in gap_counts(D)}
        self.assertEqual(
            counts, {Gap.PIP: (8, 2), Gap.PBI: (14, 0), Gap.BPNT: (3, 2), Gap.ATENSI: (2, 1)}
        )

    def test_a_proposal_made_after_the_day_is_not_pending_on_it(self):
        # The proposal for 0109 was made on 15 October: on 14 October the gap is not pending.
        rows = member_gap(Gap.PIP, date(2026, 10, 14)).filter(nik="1806010000000109")
        self.assertEqual(list(rows.values_list("pending", flat=True)), [False])

    def test_an_exited_family_is_in_no_gap(self):
        exited = "KPM9000003"
        self.assertFalse([row for row in gap_rows(D) if row.registry_id == exited])
        self.assertFalse(family_gap(D).filter(registry_id=exited).exists())
