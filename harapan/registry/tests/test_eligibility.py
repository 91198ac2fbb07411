"""The per-member component rule (DESIGN §4), in Python and in SQL, agreeing."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harapan.lib.months import add_months
from harapan.registry import eligibility as rule
from harapan.registry.models import Member
from harapan.testing import make_family, make_member

ON = date(2025, 7, 1)  # stage III 2025's reference date


def earns(on=ON, **member_fields):
    family = make_family(members=[])
    member = make_member(family, **member_fields)
    python = rule.component_for(member, on)
    sql = Member.objects.annotate(c=rule.component_expression(on)).get(pk=member.pk).c
    assert python == sql, (python, sql)
    return python


@pytest.mark.django_db
class TestComponents:
    def test_a_pregnant_woman_earns_ibu_hamil(self):
        assert earns(sex="P", birth_date=date(1995, 3, 3), pregnant=True) == "ibu_hamil"

    def test_a_man_marked_pregnant_earns_nothing(self):
        assert earns(sex="L", birth_date=date(1995, 3, 3), pregnant=True) is None

    def test_a_child_under_six_not_in_school_earns_anak_usia_dini(self):
        assert earns(birth_date=date(2020, 1, 1), school_level="paud") == "anak_usia_dini"

    def test_a_five_year_old_already_in_sd_earns_nothing(self):
        # Under 6 but in SD: not early childhood, and too young for the school window.
        assert earns(birth_date=date(2020, 1, 1), school_level="sd") is None

    def test_a_child_turning_six_on_the_reference_date_moves_to_sd(self):
        assert earns(birth_date=date(2019, 7, 1), school_level="sd") == "sd"
        assert earns(birth_date=date(2019, 7, 2), school_level="belum_sekolah") == "anak_usia_dini"
        assert earns(birth_date=date(2019, 7, 1), school_level="belum_sekolah") is None

    def test_school_components_need_ages_six_to_twenty_one(self):
        assert earns(birth_date=date(2004, 7, 2), school_level="sma") == "sma"  # 20
        assert earns(birth_date=date(2003, 7, 2), school_level="sma") == "sma"  # 21 tomorrow 22
        assert earns(birth_date=date(2003, 7, 1), school_level="sma") is None  # turns 22 today
        assert earns(birth_date=date(2012, 1, 1), school_level="smp") == "smp"

    def test_an_elder_turning_seventy_on_the_reference_date_earns_lansia(self):
        assert earns(birth_date=date(1955, 7, 1)) == "lansia"
        assert earns(birth_date=date(1955, 7, 2)) is None

    def test_the_highest_value_wins_for_one_member(self):
        # A severely disabled SMA pupil earns disabilitas_berat (DESIGN §4).
        assert earns(birth_date=date(2008, 1, 1), school_level="sma",
                     severe_disability=True) == "disabilitas_berat"  # fmt: skip
        # An elder with a severe disability: equal values, disabilitas_berat first.
        assert earns(birth_date=date(1940, 1, 1), severe_disability=True) == "disabilitas_berat"

    def test_deceased_members_and_inactive_families_earn_nothing(self):
        assert earns(birth_date=date(1940, 1, 1), alive=False) is None
        family = make_family(members=[], status="keluar")
        member = make_member(family, birth_date=date(1940, 1, 1))
        assert rule.component_for(member, ON) is None
        assert not Member.objects.annotate(c=rule.component_expression(ON)).get(pk=member.pk).c

    def test_someone_not_yet_born_earns_nothing(self):
        assert earns(birth_date=ON + timedelta(days=1)) is None

    def test_the_lansia_age_is_a_parameter(self):
        family = make_family(members=[])
        member = make_member(family, birth_date=date(1960, 1, 1))
        rules = rule.Rules(lansia_age=60)
        assert rule.component_for(member, ON, rules) == "lansia"
        annotated = Member.objects.annotate(c=rule.component_expression(ON, rules))
        assert annotated.get(pk=member.pk).c == "lansia"

    def test_a_leap_day_birthday_is_a_year_older_on_the_first_of_march(self):
        assert rule.age_on(date(2004, 2, 29), date(2025, 2, 28)) == 20
        assert rule.age_on(date(2004, 2, 29), date(2025, 3, 1)) == 21
        assert rule.years_before(date(2024, 2, 29), 1) == date(2023, 2, 28)


members = st.fixed_dictionaries(
    {
        "birth_date": st.dates(date(1930, 1, 1), date(2026, 12, 31)),
        "sex": st.sampled_from("LP"),
        "pregnant": st.booleans(),
        "school_level": st.sampled_from(
            ["", "belum_sekolah", "paud", "sd", "smp", "sma", "tidak_sekolah", "lulus"]
        ),  # fmt: skip
        "severe_disability": st.booleans(),
        "alive": st.booleans(),
    }
)


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    batch=st.lists(members, min_size=1, max_size=8),
    on=st.dates(date(2020, 1, 1), date(2027, 12, 31)),
)
def test_python_and_sql_agree_on_any_member(batch, on):
    family = make_family(members=[])
    made = [make_member(family, **fields) for fields in batch]
    sql = dict(
        Member.objects.filter(family=family)
        .annotate(c=rule.component_expression(on))
        .values_list("pk", "c")
    )
    for member in made:
        assert rule.component_for(member, on) == sql[member.pk]
    Member.objects.filter(family=family).delete()


def spans_of(member) -> dict:
    """component → (first day, first day no longer) from the SQL spans, for the components
    the member's attributes allow."""
    spans = rule.component_spans()
    fields = {}
    for span in spans:
        fields[f"{span.component}_starts"] = span.starts
        fields[f"{span.component}_ends"] = span.ends
    row = Member.objects.filter(pk=member.pk).annotate(**fields).values(*fields).get()
    return {
        s.component: (row[f"{s.component}_starts"], row[f"{s.component}_ends"])
        for s in spans
        if row[f"{s.component}_starts"] is not None
    }


@pytest.mark.django_db
class TestSpans:
    def member(self, **fields):
        return make_member(make_family(members=[]), **fields)

    def test_early_childhood_runs_from_birth_to_the_sixth_birthday_leap_days_on_1_march(self):
        child = self.member(birth_date=date(2020, 2, 29), school_level="belum_sekolah")
        assert spans_of(child) == {
            "anak_usia_dini": (date(2020, 2, 29), date(2026, 3, 1)),
            "lansia": (date(2090, 3, 1), None),
        }
        younger = self.member(birth_date=date(2022, 2, 28), school_level="paud")
        assert spans_of(younger)["anak_usia_dini"] == (date(2022, 2, 28), date(2028, 2, 28))

    def test_a_pupil_earns_from_the_sixth_to_the_twenty_second_birthday(self):
        pupil = self.member(birth_date=date(2016, 2, 29), school_level="sd")
        assert spans_of(pupil) == {
            "sd": (date(2022, 3, 1), date(2038, 3, 1)),
            "lansia": (date(2086, 3, 1), None),
        }
        # 2004 + 22 = 2026, a common year; 2004 + 6 = 2010, also common.
        leap = self.member(birth_date=date(2004, 2, 29), school_level="sma")
        assert spans_of(leap)["sma"] == (date(2010, 3, 1), date(2026, 3, 1))
        # 2002 + 22 = 2024, a leap year: the 29th exists.
        assert spans_of(self.member(birth_date=date(2002, 2, 28), school_level="smp"))[
            "smp"] == (date(2008, 2, 28), date(2024, 2, 28))  # fmt: skip

    def test_the_elderly_pregnant_and_disabled_earn_with_no_end(self):
        elder = self.member(birth_date=date(1956, 2, 29), school_level="lulus")
        assert spans_of(elder) == {
            "anak_usia_dini": (date(1956, 2, 29), date(1962, 3, 1)),  # long past
            "lansia": (date(2026, 3, 1), None),
        }
        mother = self.member(birth_date=date(1995, 3, 3), sex="P", pregnant=True, school_level="")
        assert spans_of(mother)["ibu_hamil"] == (date(1995, 3, 3), None)
        uncle = self.member(birth_date=date(1981, 1, 9), severe_disability=True, school_level="")
        assert spans_of(uncle)["disabilitas_berat"] == (date(1981, 1, 9), None)
        assert "ibu_hamil" not in spans_of(self.member(sex="L", pregnant=True))


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(fields=members, on=st.dates(date(2020, 1, 1), date(2030, 12, 31)))
def test_the_spans_say_what_qualifies_says_on_any_day(fields, on):
    member = make_member(make_family(members=[]), **{**fields, "alive": True})
    spans = spans_of(member)
    born = member.birth_date
    for component in rule.COMPONENTS:
        starts, ends = spans.get(component, (None, None))
        in_span = starts is not None and starts <= on and (ends is None or on < ends)
        qualifies = born <= on and rule.qualifies(
            component,
            age=rule.age_on(born, on),
            sex=member.sex,
            pregnant=member.pregnant,
            school_level=member.school_level,
            severe_disability=member.severe_disability,
        )
        assert in_span == qualifies, (component, born, on, spans)
    # The same ends, found on fixed dates: a span ending within a year of `on`.
    through = add_months(on, 12)
    ending = any(end is not None and on < end <= through for _start, end in spans.values())
    found = Member.objects.filter(rule.spans_ending_between(on, through), pk=member.pk).exists()
    assert found == ending, (born, on, spans)
    member.family.delete()
