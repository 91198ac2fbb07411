"""Every rule and cap of DESIGN §4, through the set-based computation."""

from datetime import date

import pytest
from django.utils import timezone

from harapan.audit.models import AuditEntry
from harapan.benefits.batch import compute_entitlements
from harapan.benefits.export import entitlement_rows
from harapan.benefits.models import BenefitIndex, BenefitYear, Entitlement, Stage
from harapan.compliance.models import Sanction, SanctionKind
from harapan.registry.models import Member
from harapan.testing import make_family, make_member

pytestmark = pytest.mark.django_db
REF = date(2025, 7, 1)  # stage III 2025


def stage(year=2025, number=3) -> Stage:
    return Stage.objects.select_related("year").get(year_id=year, number=number)


def family_with(*members, **family_fields):
    """A family whose head earns nothing, plus the members given (Member kwargs)."""
    family = make_family(members=[], **family_fields)
    make_member(family, relation="kepala_keluarga", birth_date=date(1980, 1, 1))
    for spec in members:
        make_member(family, **spec)
    return family


def mother(**kw):
    return {"sex": "P", "relation": "istri", "birth_date": date(1990, 1, 1), **kw}


def child(born, level="", **kw):
    return {"birth_date": born, "school_level": level, **kw}


def paid(family, s=None):
    """(components joined by ';', total) of the family's export row, or None."""
    s = s or stage()
    compute_entitlements(s)
    rows = {r[0]: r for r in entitlement_rows(s, Entitlement.objects.all())}
    row = rows.get(family.registry_id)
    return (row[3], row[4]) if row else None


def test_the_worked_example_of_design_section_4():
    family = family_with(
        mother(pregnant=True),
        child(date(2021, 3, 1)),
        child(date(2022, 8, 9)),
        child(date(2008, 5, 5), "sma"),
        child(date(2015, 5, 5), "sd"),
    )
    assert paid(family) == ("ibu_hamil;anak_usia_dini;anak_usia_dini;sma", 2_750_000)


def test_each_component_pays_a_quarter_of_its_annual_index():
    cases = [
        (mother(pregnant=True), "ibu_hamil", 750_000),
        (child(date(2022, 1, 1)), "anak_usia_dini", 750_000),
        (child(date(2015, 1, 1), "sd"), "sd", 225_000),
        (child(date(2012, 1, 1), "smp"), "smp", 375_000),
        (child(date(2009, 1, 1), "sma"), "sma", 500_000),
        ({"birth_date": date(1990, 1, 1), "severe_disability": True}, "disabilitas_berat", 600_000),
        ({"birth_date": date(1950, 1, 1), "relation": "orang_tua"}, "lansia", 600_000),
    ]
    families = [(family_with(spec), c, a) for spec, c, a in cases]
    compute_entitlements(stage())
    rows = {r[0]: (r[3], r[4]) for r in entitlement_rows(stage(), Entitlement.objects.all())}
    for family, component, amount in families:
        assert rows[family.registry_id] == (component, amount)


def test_it_caps_components_at_four_highest_values_first():
    family = family_with(
        child(date(2009, 1, 1), "sma"), child(date(2010, 1, 1), "sma"),
        child(date(2012, 1, 1), "smp"), child(date(2013, 1, 1), "smp"),
        child(date(2015, 1, 1), "sd"),
    )  # fmt: skip
    assert paid(family) == ("sma;sma;smp;smp", 1_750_000)


def test_it_caps_early_childhood_at_two_and_gives_the_slots_to_the_older_children():
    family = family_with(
        child(date(2020, 1, 1)), child(date(2022, 6, 1)), child(date(2024, 2, 2)),
        child(date(2015, 1, 1), "sd"),
    )  # fmt: skip
    components, total = paid(family)
    assert components == "anak_usia_dini;anak_usia_dini;sd"
    lines = Entitlement.objects.get(family=family).lines.order_by("rank")
    born = [line.member.birth_date for line in lines if line.component == "anak_usia_dini"]
    assert born == [date(2020, 1, 1), date(2022, 6, 1)]  # the youngest loses the tie
    assert total == 1_725_000


def test_it_caps_pregnancy_lansia_and_disability_at_one_each():
    family = family_with(
        mother(pregnant=True), mother(pregnant=True, relation="menantu", birth_date=date(1998, 1, 1)),
        {"birth_date": date(1945, 1, 1)}, {"birth_date": date(1948, 1, 1)},
        {"birth_date": date(1985, 1, 1), "severe_disability": True},
        {"birth_date": date(1987, 1, 1), "severe_disability": True},
    )  # fmt: skip
    # The elder (1945) is older than the disabled member (1985): lansia is listed first.
    assert paid(family) == ("ibu_hamil;lansia;disabilitas_berat", 1_950_000)


def test_equal_values_between_members_go_to_the_lower_nik_on_the_same_birth_date():
    # Two elders of the same birth date: the lower NIK wins the single lansia slot.
    family = family_with(
        {"birth_date": date(1950, 3, 3), "nik": "1806010303500009"},
        {"birth_date": date(1950, 3, 3), "nik": "1806010303500002"},
    )
    compute_entitlements(stage())
    line = Entitlement.objects.get(family=family).lines.get()
    assert line.member.nik == "1806010303500002"


def test_age_boundaries_on_the_reference_date():
    turning_22 = family_with(child(date(2003, 7, 1), "sma"))
    still_21 = family_with(child(date(2003, 7, 2), "sma"))
    turning_70 = family_with({"birth_date": date(1955, 7, 1)})
    still_69 = family_with({"birth_date": date(1955, 7, 2)})
    turning_6 = family_with(child(date(2019, 7, 1), "belum_sekolah"))
    compute_entitlements(stage())
    rows = {r[0]: r[3] for r in entitlement_rows(stage(), Entitlement.objects.all())}
    assert turning_22.registry_id not in rows
    assert rows[still_21.registry_id] == "sma"
    assert rows[turning_70.registry_id] == "lansia"
    assert still_69.registry_id not in rows
    assert turning_6.registry_id not in rows  # not early childhood any more, not in school


def test_deceased_members_and_inactive_families_earn_nothing():
    with_dead_child = family_with(child(date(2015, 1, 1), "sd", alive=False))
    exited = family_with(child(date(2015, 1, 1), "sd"), status="keluar")
    compute_entitlements(stage())
    assert Entitlement.objects.get(family=with_dead_child).total == 0
    assert not Entitlement.objects.filter(family=exited).exists()


def test_a_suspended_component_takes_no_slot_and_is_not_paid():
    family = family_with(
        child(date(2009, 1, 1), "sma"), child(date(2012, 1, 1), "smp"),
        child(date(2013, 1, 1), "smp"), child(date(2014, 1, 1), "sd"),
        child(date(2015, 1, 1), "sd"),
    )  # fmt: skip
    pupil = Member.objects.get(family=family, school_level="sma")
    Sanction.objects.create(member=pupil, region_code=family.region_code, component="sma",
                            kind=SanctionKind.SUSPENSION, year=2025, stage=3)  # fmt: skip
    assert paid(family) == ("smp;smp;sd;sd", 1_200_000)


def test_a_termination_holds_for_later_stages_until_lifted():
    family = family_with(child(date(2009, 1, 1), "sma"))
    pupil = Member.objects.get(family=family, school_level="sma")
    sanction = Sanction.objects.create(member=pupil, region_code=family.region_code,
                                       component="sma", kind=SanctionKind.TERMINATION,
                                       year=2025, stage=2)  # fmt: skip
    assert paid(family, stage(2025, 3)) is None
    sanction.lifted_at = timezone.now()
    sanction.save()
    assert paid(family, stage(2025, 4)) == ("sma", 500_000)


def test_a_suspension_in_another_stage_changes_nothing():
    family = family_with(child(date(2009, 1, 1), "sma"))
    pupil = Member.objects.get(family=family, school_level="sma")
    Sanction.objects.create(member=pupil, region_code=family.region_code, component="sma",
                            kind=SanctionKind.SUSPENSION, year=2025, stage=2)  # fmt: skip
    assert paid(family) == ("sma", 500_000)


def test_the_index_and_caps_are_parameters_of_the_year():
    year = BenefitYear.objects.get(year=2025)
    BenefitIndex.objects.filter(year=year, component="sd").update(annual_amount=1_000_000)
    year.max_components = 2
    year.lansia_age = 60
    year.save()
    family = family_with(
        {"birth_date": date(1962, 1, 1)}, child(date(2015, 1, 1), "sd"),
        child(date(2016, 1, 1), "sd"),
    )  # fmt: skip
    assert paid(family) == ("lansia;sd", 850_000)


def test_a_snapshot_is_frozen_and_computing_again_fills_in_only_new_families():
    first = family_with(child(date(2015, 1, 1), "sd"))
    compute_entitlements(stage())
    Member.objects.filter(family=first, school_level="sd").update(school_level="smp")
    second = family_with(child(date(2012, 1, 1), "smp"))
    result = compute_entitlements(stage())
    assert result.families == 1
    assert Entitlement.objects.get(family=first).total == 225_000  # unchanged
    assert Entitlement.objects.get(family=second).total == 375_000


def test_recompute_replaces_audits_and_says_what_changed():
    first = family_with(child(date(2015, 1, 1), "sd"))
    same = family_with(child(date(2012, 1, 1), "smp"))
    compute_entitlements(stage())
    Member.objects.filter(family=first, school_level="sd").update(school_level="smp")
    result = compute_entitlements(stage(), recompute=True)
    assert result.replaced == 2
    assert result.changed == [(first.registry_id, 225_000, 375_000)]
    assert Entitlement.objects.get(family=first).total == 375_000
    assert Entitlement.objects.get(family=same).total == 375_000
    entry = AuditEntry.objects.get(action="benefits.entitlement.recompute")
    assert entry.object_id == str(first.pk) and entry.changes == {"total": [225000, 375000]}
    assert AuditEntry.objects.filter(action="benefits.entitlements.recompute").exists()


def test_a_region_limits_the_computation():
    here = family_with(child(date(2015, 1, 1), "sd"))
    there = family_with(child(date(2015, 1, 1), "sd"), region_code="1872011001")
    compute_entitlements(stage(), region="18.06")
    assert Entitlement.objects.filter(family=here).exists()
    assert not Entitlement.objects.filter(family=there).exists()


def test_a_fresh_database_holds_every_year_from_2020_to_next_year():
    years = set(BenefitYear.objects.values_list("year", flat=True))
    assert set(range(2020, date.today().year + 2)) <= years
    assert Stage.objects.filter(year_id=2021).count() == 4
    stage_one = Stage.objects.get(year_id=2022, number=4)
    assert (stage_one.period_start, stage_one.period_end) == (date(2022, 10, 1), date(2022, 12, 31))
    assert BenefitIndex.objects.get(year_id=2020, component="sma").annual_amount == 2_000_000


def test_equal_values_between_members_go_to_the_older_member_never_the_component_order():
    # Both worth 2,400,000 a year: the grandmother (1950) is older than the
    # uncle (1985), so her lansia comes first, although disabilitas_berat
    # comes first in the order that picks one member's component.
    family = family_with(
        {"birth_date": date(1985, 1, 1), "severe_disability": True},
        {"birth_date": date(1950, 1, 1), "sex": "P", "relation": "orang_tua"},
    )
    assert paid(family) == ("lansia;disabilitas_berat", 1_200_000)


def test_equal_values_on_the_same_birth_date_go_to_the_lower_nik_whatever_the_component():
    year = BenefitYear.objects.get(year=2025)
    year.max_components = 1
    year.save()
    # Both 75: the disabled one earns disabilitas_berat (the component order),
    # the other lansia; the single slot goes to the lower NIK, the lansia.
    family = family_with(
        {"birth_date": date(1950, 3, 3), "nik": "1806010303500009", "severe_disability": True},
        {"birth_date": date(1950, 3, 3), "nik": "1806010303500002"},
    )
    assert paid(family) == ("lansia", 600_000)
