"""The scorecard's figures against the hand count of tests/base.py (DESIGN §9)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from harapan.accounts.roles import Role
from harapan.reports import scorecard
from harapan.reports.models import FigureTarget
from harapan.testing import KEC_A, make_family, make_user

from .base import MONTH, YEAR, ScorecardFixture

TODAY = date(2026, 12, 2)


def by_username(rows) -> dict:
    return {row.username: row for row in rows}


def figures(row) -> dict:
    return dict(zip(scorecard.HEADER, row.csv_line(), strict=True))


class MonthTest(ScorecardFixture):
    def rows(self, **kwargs):
        return by_username(scorecard.rows(YEAR, MONTH, today=TODAY, **kwargs))

    def test_every_column_of_pendamping_a_in_june_is_the_hand_count(self):
        assert figures(self.rows()["pendamping_a"]) == {
            "wilayah": KEC_A,
            "pendamping": "pendamping_a",
            # family_a, elder, moved_in (theirs since 15 June) and late_exit (leaves in
            # August); natural_exit left on 20 June, gsm_exit in March.
            "kpm_aktif": 4,
            # the elder (lansia) and moved_in's toddler (anak usia dini) owe one each.
            "wajib_verifikasi": 2,
            # only the elder has a June record.
            "terverifikasi": 1,
            # the 10 June meeting; the cancelled one and May's do not count.
            "pertemuan_p2k2": 1,
            # 2 hadir of 3 rows at the 10 June meeting: 66.66… → 66.7.
            "kehadiran_p2k2": "66.7",
            # gsm_exit, 15 March 2025: in the year up to 30 June.
            "gsm": 1,
            # Kabupaten Tanggamus: 4 per pendamping.
            "target_gsm": 4,
            # natural_exit on 20 June; late_exit is in August.
            "alamiah": 1,
            # resolved 3 June and 30 June; May's not.
            "pengaduan_selesai": 2,
            # 3 June, a day after receipt; 30 June is 28 days after (10 working days due).
            "pengaduan_tepat_waktu": 1,
            # elder's approved 12 June and moved_in's rejected 20 June; family_a's decided
            # 2 July and the pending one do not count.
            "pemutakhiran": 2,
            # elder's card lost since 10 May (back on 5 July, after M); family_a's entry of
            # 3 July is after M (no entry then: the KPM holds it); moved_in's is held.
            "kks_tidak_di_kpm": 1,
            # accepted plan: 3 home visits + 2 verifications.
            "rencana": 5,
            # home visits: 5 done, 3 count; verification 1; the unplanned P2K2 meeting 0.
            "realisasi": 4,
        }

    def test_pendamping_a2_lost_the_family_moved_in_the_month_and_has_no_accepted_plan(self):
        assert figures(self.rows()["pendamping_a2"]) == {
            "wilayah": KEC_A, "pendamping": "pendamping_a2",
            "kpm_aktif": 1,  # family_a2 only: moved_in was handed to pendamping_a on 15 June
            "wajib_verifikasi": 0, "terverifikasi": 0, "pertemuan_p2k2": 0,
            "kehadiran_p2k2": "",  # no attendance row: nothing to divide
            "gsm": 0, "target_gsm": 4, "alamiah": 0, "pengaduan_selesai": 0,
            "pengaduan_tepat_waktu": 0, "pemutakhiran": 0, "kks_tidak_di_kpm": 0,
            "rencana": 0, "realisasi": 0,  # the plan was only submitted
        }  # fmt: skip

    def test_the_most_specific_gsm_target_wins(self):
        assert self.rows()["pendamping_b"].target_gsm == 2  # Kecamatan B's own 2, not 4

    def test_a_kecamatan_row_is_the_sum_of_its_pendamping_rows(self):
        [kec_a, kec_b] = scorecard.rows(YEAR, MONTH, per="kecamatan", today=TODAY)
        assert figures(kec_a) == {
            "wilayah": KEC_A, "pendamping": "",
            "kpm_aktif": 5, "wajib_verifikasi": 2, "terverifikasi": 1, "pertemuan_p2k2": 1,
            "kehadiran_p2k2": "66.7", "gsm": 1, "target_gsm": 8, "alamiah": 1,
            "pengaduan_selesai": 2, "pengaduan_tepat_waktu": 1, "pemutakhiran": 2,
            "kks_tidak_di_kpm": 1, "rencana": 5, "realisasi": 4,
        }  # fmt: skip
        assert kec_a.label == "Kota Agung"
        assert (kec_b.code, kec_b.kpm_aktif, kec_b.target_gsm) == ("180602", 1, 2)

    def test_a_roll_up_row_equals_the_sum_of_its_pendamping_rows_column_by_column(self):
        people = scorecard.rows(YEAR, MONTH, today=TODAY)
        [kabupaten] = scorecard.rows(YEAR, MONTH, per="kabupaten", today=TODAY)
        for name in scorecard.COUNTS:
            assert getattr(kabupaten, name) == sum(getattr(r, name) for r in people), name
        assert kabupaten.code == "1806" and kabupaten.pendamping_count == 3
        # percentages from the summed counts: 2 hadir of 3 rows.
        assert kabupaten.kehadiran_p2k2 == 66.7
        [province] = scorecard.rows(YEAR, MONTH, per="provinsi", today=TODAY)
        assert (province.code, province.kpm_aktif) == ("18", 6)

    def test_a_user_sees_the_pendamping_of_their_region_and_a_pendamping_only_themself(self):
        assert set(self.rows(user=self.korcam_a)) == {"pendamping_a", "pendamping_a2"}
        assert set(self.rows(user=self.pendamping_b)) == {"pendamping_b"}
        assert set(self.rows(region="180602")) == {"pendamping_b"}

    def test_below_target_rows_are_the_ones_with_a_figure_under_its_target(self):
        rows = self.rows()
        # a: verification 50 % < 100 %, attendance 66.7 % < 80 %, complaints 50 % < 100 %.
        assert rows["pendamping_a"].below_target
        assert rows["pendamping_a"].verifikasi_met is False
        assert rows["pendamping_a"].realisasi_met is False  # 4 of 5 = 80 % < 100 %
        # a2 and b: nothing to judge but GSM, 0 against half of the year's target by June.
        assert rows["pendamping_b"].gsm_met is False

    def test_a_kabupaten_target_for_a_figure_overrides_the_national_default(self):
        FigureTarget.objects.create(figure="kehadiran", year=YEAR, region_code="1806", percent=60)
        FigureTarget.objects.create(figure="kehadiran", year=YEAR, region_code="", percent=90)
        row = self.rows()["pendamping_a"]
        assert row.targets["kehadiran"] == 60
        assert row.kehadiran_met is True  # 66.7 % ≥ 60 %


class YearToDateTest(ScorecardFixture):
    def test_a_past_year_to_date_counts_all_twelve_months(self):
        row = by_username(scorecard.rows(YEAR, today=TODAY))["pendamping_a"]
        # on 31 December: family_a, elder, moved_in; late_exit left on 1 August.
        assert row.kpm_aktif == 3
        # the elder and the toddler owe one a month, 12 months each; June's record only.
        assert (row.wajib_verifikasi, row.terverifikasi) == (24, 1)
        # May's and June's held meetings; 3 hadir of 4 rows.
        assert (row.pertemuan_p2k2, row.kehadiran_p2k2) == (2, 75.0)
        # gsm_exit (March); natural_exit (June) and late_exit (August).
        assert (row.gsm, row.alamiah) == (1, 2)
        # three resolved, two of them on time (May's took a day).
        assert (row.pengaduan_selesai, row.pengaduan_tepat_waktu) == (3, 2)
        # June's two and family_a's of 2 July.
        assert row.pemutakhiran == 3
        # on 31 December family_a's card is with another (since 3 July); the elder's back.
        assert row.kks_tidak_di_kpm == 1
        # only June has an accepted plan; July's home visits count toward no plan.
        assert (row.rencana, row.realisasi) == (5, 4)

    def test_this_year_runs_to_this_month_and_a_future_month_is_refused(self):
        assert scorecard.period(2026, today=TODAY).months[-1] == date(2026, 12, 1)
        assert len(scorecard.period(2026, today=date(2026, 3, 9)).months) == 3
        with pytest.raises(scorecard.BadPeriod, match="belum dimulai"):
            scorecard.period(2026, 4, today=date(2026, 3, 9))
        with pytest.raises(scorecard.BadPeriod, match="antara 1 dan 12"):
            scorecard.period(2025, 13, today=TODAY)


class QueryCountTest(ScorecardFixture):
    def queries(self) -> int:
        with CaptureQueriesContext(connection) as queries:
            found = scorecard.rows(YEAR, MONTH, region=KEC_A, today=TODAY)
        self.counted = len(found)
        return len(queries)

    def test_six_pendamping_cost_the_same_queries_as_two(self):
        few = self.queries()
        assert self.counted == 2
        for n in range(4):
            person = make_user(f"pendamping_x{n}", Role.PENDAMPING, KEC_A)
            make_family(region_code="1806012001", pendamping=person)
        assert self.queries() == few
        assert self.counted == 6
