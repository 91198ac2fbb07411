from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.utils import timezone

from harapan.audit.models import AuditEntry
from harapan.graduation import assessment
from harapan.graduation.models import Assessment, AssessmentRules
from harapan.registry.models import Family, FamilyStatus
from harapan.testing import DESA_A, PersonaTestCase, make_family

ALL_YES = {
    "monthly_income": 3_000_000, "poverty_line": 2_000_000, "steady_work": True,
    "business": True, "assets": True, "housing": True, "schooling": True,
    "insurance": True, "savings": True, "desil": 6,
}  # fmt: skip


def answers(**changes) -> dict:
    base = {key: False for key in assessment.FLAGS}
    base.update(monthly_income=1_000_000, poverty_line=2_000_000, desil=2,
                assessed_on=timezone.localdate())  # fmt: skip
    base.update(changes)
    return base


class ScoreTests(TestCase):
    def test_it_scores_nothing_met_as_zero(self):
        self.assertEqual(assessment.score(answers(), AssessmentRules()), 0)

    def test_it_scores_everything_met_as_one_hundred(self):
        self.assertEqual(assessment.score(ALL_YES, AssessmentRules()), 100)

    def test_it_adds_default_weights(self):
        # income 25 + work 15 + savings 5 + desil 10 = 55 of 100
        found = answers(monthly_income=2_500_000, steady_work=True, savings=True, desil=5)
        self.assertEqual(assessment.score(found, AssessmentRules()), 55)

    def test_income_must_be_above_the_poverty_line_not_equal(self):
        self.assertEqual(assessment.score(answers(monthly_income=2_000_000), AssessmentRules()), 0)

    def test_desil_four_is_still_pkh_and_earns_nothing(self):
        self.assertEqual(assessment.score(answers(desil=4), AssessmentRules()), 0)
        self.assertEqual(assessment.score(answers(desil=None), AssessmentRules()), 0)
        self.assertEqual(assessment.score(answers(desil=5), AssessmentRules()), 10)

    def test_weights_are_relative_and_scaled_to_one_hundred(self):
        rules = AssessmentRules(w_income=1, w_work=1, w_business=0, w_assets=0, w_housing=0,
                                w_schooling=0, w_insurance=0, w_savings=0, w_desil=1)  # fmt: skip
        self.assertEqual(assessment.score(answers(steady_work=True), rules), 33)
        self.assertEqual(assessment.score(answers(steady_work=True, desil=7), rules), 67)

    def test_it_uses_the_current_rules_when_changed(self):
        found = answers(housing=True)
        self.assertEqual(assessment.score(found), 10)
        AssessmentRules.objects.create(w_housing=110)
        self.assertEqual(assessment.score(found), 55)  # 110 of 200

    def test_zero_weights_score_zero(self):
        rules = AssessmentRules(**{w: 0 for w in assessment.WEIGHTS})
        self.assertEqual(assessment.score(ALL_YES, rules), 0)

    def test_it_scores_a_stored_assessment(self):
        stored = Assessment(**{k: v for k, v in ALL_YES.items()})
        self.assertEqual(assessment.score(stored, AssessmentRules()), 100)


class RecordTests(PersonaTestCase):
    def test_the_pendamping_records_a_scored_audited_assessment(self):
        saved = assessment.record_assessment(
            self.family_a, answers(monthly_income=2_500_000, housing=True), self.pendamping_a
        )
        self.assertEqual(saved.score, 35)
        self.assertEqual(saved.region_code, DESA_A)
        self.assertEqual(saved.assessed_by, self.pendamping_a)
        entry = AuditEntry.objects.get(action="graduation.assess")
        self.assertEqual(entry.details["skor"], 35)
        self.assertIs(entry.details["siap"], False)

    def test_the_korcam_of_the_region_records_one(self):
        assessment.record_assessment(self.family_a, answers(), self.korcam_a)
        self.assertEqual(Assessment.objects.count(), 1)

    def test_others_may_not_record(self):
        for user in (self.pendamping_a2, self.pendamping_b, self.korkab, self.korwil,
                     self.operator, self.auditor):  # fmt: skip
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                assessment.record_assessment(self.family_a, answers(), user)
        with self.assertRaises(PermissionDenied):  # korcam outside the region
            assessment.record_assessment(self.family_b, answers(), self.korcam_a)
        self.assertFalse(Assessment.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(action="graduation.assess").exists())

    def test_it_refuses_an_exited_family(self):
        Family.objects.filter(pk=self.family_a.pk).update(status=FamilyStatus.EXITED)
        self.family_a.refresh_from_db()
        with self.assertRaises(ValidationError):
            assessment.record_assessment(self.family_a, answers(), self.pendamping_a)

    def test_it_validates_the_answers(self):
        bad = [
            {"monthly_income": 0}, {"monthly_income": -5}, {"monthly_income": "1000"},
            {"poverty_line": None}, {"poverty_line": 0}, {"desil": 0}, {"desil": 11},
            {"assessed_on": timezone.localdate() + timedelta(days=1)}, {"assessed_on": None},
        ]  # fmt: skip
        for change in bad:
            with self.subTest(change=change), self.assertRaises(ValidationError):
                assessment.record_assessment(self.family_a, answers(**change), self.pendamping_a)
        self.assertFalse(Assessment.objects.exists())

    def test_an_unknown_desil_is_allowed(self):
        saved = assessment.record_assessment(self.family_a, answers(desil=""), self.pendamping_a)
        self.assertIsNone(saved.desil)


class RankingTests(PersonaTestCase):
    def assess(self, family, day, **changes):
        user = family.pendamping or self.korcam_a
        return assessment.record_assessment(family, answers(assessed_on=day, **changes), user)

    def test_it_ranks_by_the_latest_score_only(self):
        other = make_family(region_code=DESA_A, pendamping=self.pendamping_a)
        make_family(region_code=DESA_A, pendamping=self.pendamping_a)  # never assessed
        self.assess(self.family_a, date(2025, 1, 1), **{k: True for k in assessment.FLAGS})
        self.assess(self.family_a, date(2025, 3, 1), housing=True)  # latest: 10
        self.assess(other, date(2025, 1, 1), monthly_income=3_000_000, steady_work=True,
                    business=True, assets=True, housing=True)  # 70  # fmt: skip
        rows = assessment.ranking(Family.objects.visible_to(self.pendamping_a))
        self.assertEqual([(f.pk, f.latest_score) for f in rows],
                         [(other.pk, 70), (self.family_a.pk, 10)])  # fmt: skip
        self.assertEqual([f.ready for f in rows], [True, False])
        self.assertEqual(rows[1].latest_on, date(2025, 3, 1))

    def test_same_day_the_later_record_counts(self):
        day = date(2025, 2, 1)
        self.assess(self.family_a, day, housing=True)
        self.assess(self.family_a, day, savings=True)
        (row,) = assessment.ranking(Family.objects.filter(pk=self.family_a.pk))
        self.assertEqual(row.latest_score, 5)

    def test_ready_follows_the_threshold(self):
        self.assess(self.family_a, date(2025, 1, 1), housing=True)
        AssessmentRules.objects.create(threshold=10)
        (row,) = assessment.ranking(Family.objects.all())
        self.assertTrue(row.ready)

    def test_it_keeps_the_best_per_pendamping(self):
        for n in range(3):
            family = make_family(region_code=DESA_A, pendamping=self.pendamping_a)
            self.assess(family, date(2025, 1, 1), monthly_income=3_000_000 if n else 1)
        self.assess(self.family_a2, date(2025, 1, 1))
        rows = assessment.ranking(Family.objects.all(), per_pendamping=2)
        self.assertEqual(sorted(f.pendamping_id for f in rows),
                         sorted([self.pendamping_a.pk] * 2 + [self.pendamping_a2.pk]))  # fmt: skip
        self.assertTrue(
            all(f.latest_score == 25 for f in rows if f.pendamping == self.pendamping_a)
        )

    def test_it_is_one_query(self):
        for _ in range(3):
            family = make_family(region_code=DESA_A, pendamping=self.pendamping_a)
            self.assess(family, date(2025, 1, 1))
            self.assess(family, date(2025, 2, 1))
        AssessmentRules.objects.create()
        with self.assertNumQueries(2):  # the rules, the ranking
            rows = assessment.ranking(Family.objects.all(), per_pendamping=5)
            [str(f.pendamping) for f in rows]
