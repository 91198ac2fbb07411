"""A stage fanned out per kabupaten to worker processes equals one national run.

Six active families in two kabupaten, counted by hand (stage III 2025,
reference date 1 July 2025, verification window April–June 2025):

| family | kabupaten | members earning | paid |
|---|---|---|---|
| toddlers | 18.06 | 3 anak_usia_dini (cap 2), sd | 750,000 × 2 + 225,000 = 1,725,000 |
| pupils | 18.06 | sma, sma, smp, smp, sd (cap 4) | 500,000 × 2 + 375,000 × 2 = 1,750,000 |
| truant | 18.06 | sma non-compliant in May (suspended), smp | 375,000 |
| head_only | 18.06 | nobody | 0 (an entitlement, not paid) |
| crowded | 18.72 | 2 ibu_hamil, 2 lansia, 2 disabilitas_berat (cap 1 each) | 750,000 + 600,000 × 2 = 1,950,000 |
| sanctioned | 18.72 | sma suspended by hand, sd | 225,000 |
| exited | 18.72 | sd, but the family left | no entitlement |

Six entitlements, five paid, Rp 6,025,000 in all.
"""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from harapan.benefits import tasks
from harapan.benefits.batch import compute_entitlements
from harapan.benefits.models import Entitlement, Stage
from harapan.compliance.models import Result, Sanction, SanctionKind, Source, Verification
from harapan.registry.models import FamilyStatus, Member
from harapan.testing import (
    DESA_A,
    DESA_B,
    METRO_DESA,
    make_family,
    make_member,
    run_due_tasks,
    running_workers,
)

pytestmark = pytest.mark.django_db(transaction=True)


def stage() -> Stage:
    return Stage.objects.select_related("year").get(year_id=2025, number=3)


def family_with(region_code, *members, **fields):
    family = make_family(members=[], region_code=region_code, **fields)
    make_member(family, relation="kepala_keluarga", birth_date=date(1980, 1, 1))
    return family, [make_member(family, **spec) for spec in members]


def pupil(born, level):
    return {"birth_date": born, "school_level": level}


@pytest.fixture
def families():
    toddlers, _ = family_with(
        DESA_A, pupil(date(2020, 1, 1), ""), pupil(date(2022, 6, 1), ""),
        pupil(date(2024, 2, 2), ""), pupil(date(2015, 1, 1), "sd"),
    )  # fmt: skip
    pupils, _ = family_with(
        DESA_B, pupil(date(2009, 1, 1), "sma"), pupil(date(2010, 1, 1), "sma"),
        pupil(date(2012, 1, 1), "smp"), pupil(date(2013, 1, 1), "smp"),
        pupil(date(2015, 1, 1), "sd"),
    )  # fmt: skip
    truant, (skipper, _) = family_with(
        DESA_A, pupil(date(2009, 1, 1), "sma"), pupil(date(2012, 1, 1), "smp")
    )
    Verification.objects.create(
        member=skipper, region_code=skipper.region_code, commitment="sma",
        month=date(2025, 5, 1), result=Result.NON_COMPLIANT, source=Source.FORM,
        recorded_at=timezone.now(),
    )  # fmt: skip
    head_only, _ = family_with(DESA_B)
    mother = {"sex": "P", "relation": "istri", "birth_date": date(1990, 1, 1), "pregnant": True}
    crowded, _ = family_with(
        METRO_DESA, mother, {**mother, "relation": "menantu", "birth_date": date(1998, 1, 1)},
        {"birth_date": date(1945, 1, 1)}, {"birth_date": date(1948, 1, 1)},
        {"birth_date": date(1985, 1, 1), "severe_disability": True},
        {"birth_date": date(1987, 1, 1), "severe_disability": True},
    )  # fmt: skip
    sanctioned, (suspended, _) = family_with(
        METRO_DESA, pupil(date(2009, 1, 1), "sma"), pupil(date(2015, 1, 1), "sd")
    )
    Sanction.objects.create(
        member=suspended, region_code=METRO_DESA, component="sma",
        kind=SanctionKind.SUSPENSION, year=2025, stage=3,
    )  # fmt: skip
    family_with(METRO_DESA, pupil(date(2015, 1, 1), "sd"), status=FamilyStatus.EXITED)
    return {
        "toddlers": toddlers, "pupils": pupils, "truant": truant, "head_only": head_only,
        "crowded": crowded, "sanctioned": sanctioned,
    }  # fmt: skip


def entitlements() -> dict[str, tuple[int, list[tuple]]]:
    """Every entitlement of the stage: family ID → (total, lines as (NIK, component, amount, rank))."""
    rows = Entitlement.objects.filter(stage=stage()).select_related("family")
    return {
        e.family.registry_id: (
            e.total,
            sorted(
                (line.member.nik, line.component, line.amount, line.rank)
                for line in e.lines.select_related("member")
            ),
        )  # fmt: skip
        for e in rows
    }


def totals(families) -> dict[str, int]:
    snapshot = entitlements()
    return {name: snapshot[f.registry_id][0] for name, f in families.items()}


HAND_COUNTED = {
    "toddlers": 1_725_000, "pupils": 1_750_000, "truant": 375_000, "head_only": 0,
    "crowded": 1_950_000, "sanctioned": 225_000,
}  # fmt: skip


def fanned_out_runs():
    return DBTaskResult.objects.filter(task_path=tasks.compute_region_entitlements.module_path)


def test_the_kabupaten_are_fanned_out_the_largest_first(families):
    # 18.06 has four active families, 18.72 two (the exited one is not counted).
    assert tasks.fan_out_regions(stage()) == ["1806", "1872"]
    assert tasks.fan_out_regions(stage(), region="1872") == ["1872"]
    assert tasks.fan_out_regions(stage(), region="180601") == ["180601"]


def test_two_worker_processes_compute_the_same_entitlements_as_one_national_run(families):
    national = compute_entitlements(stage())
    assert (national.families, national.paid_families, national.total) == (6, 5, 6_025_000)
    expected = entitlements()
    assert totals(families) == HAND_COUNTED
    Entitlement.objects.filter(stage=stage()).delete()

    out = StringIO()
    with running_workers(2):
        call_command(
            "compute_entitlements", year=2025, stage=3, fan_out=True, wait=True, stdout=out
        )
    assert entitlements() == expected
    output = out.getvalue()
    assert "2 tugas per kabupaten diantrekan" in output
    assert "18.06 selesai" in output and "18.72 selesai" in output
    assert "Penetapan baru: 6 keluarga, 5 menerima, total Rp 6,025,000" in output
    runs = fanned_out_runs()
    assert sorted(run.args_kwargs["args"][2] for run in runs) == ["1806", "1872"]
    for run in runs:
        assert run.status == TaskResultStatus.SUCCESSFUL and len(run.worker_ids) == 1


def test_a_fanned_out_recompute_replaces_what_a_national_recompute_would(families):
    compute_entitlements(stage())
    toddlers, crowded, sanctioned = (
        families["toddlers"],
        families["crowded"],
        families["sanctioned"],
    )
    Member.objects.filter(family=toddlers, school_level="sd").update(school_level="smp")
    # Kota Metro keeps entitlements of the stage but no active family: its
    # task must still run, to remove them as a national recompute does.
    crowded.status = sanctioned.status = FamilyStatus.EXITED
    crowded.save()
    sanctioned.save()

    out = StringIO()
    with running_workers(1):
        call_command(
            "compute_entitlements", year=2025, stage=3, fan_out=True, wait=True,
            recompute=True, stdout=out,
        )  # fmt: skip
    output = out.getvalue()
    assert "Penetapan lama diganti: 6 keluarga" in output
    # 1,500,000 for the toddlers and 375,000 for the pupil now in smp.
    assert "Penetapan baru: 4 keluarga, 3 menerima, total Rp 4,000,000" in output
    assert "Berubah: 3 keluarga" in output
    assert f"{toddlers.registry_id}: Rp 1,725,000 → Rp 1,875,000" in output
    assert f"{crowded.registry_id}: Rp 1,950,000 → Rp 0" in output
    assert f"{sanctioned.registry_id}: Rp 225,000 → Rp 0" in output
    fanned_out = entitlements()
    assert crowded.registry_id not in fanned_out and sanctioned.registry_id not in fanned_out

    national = compute_entitlements(stage(), recompute=True)
    assert national.changed_count == 0
    assert entitlements() == fanned_out


def test_waiting_fails_naming_the_kabupaten_whose_task_failed(families):
    results = [
        tasks.compute_region_entitlements.enqueue(2025, 3, "1806"),
        tasks.compute_region_entitlements.enqueue(2019, 3, "1872"),  # no index for 2019
    ]
    run_due_tasks()
    with pytest.raises(CommandError) as failure:
        tasks.wait_for(results)
    message = str(failure.value)
    assert "1 dari 2 kabupaten gagal dihitung" in message
    assert "18.72: django.core.management.base.CommandError: Tahun 2019" in message
    assert "18.06" not in message
    assert sorted(entitlements()) == sorted(
        families[name].registry_id for name in ("toddlers", "pupils", "truant", "head_only")
    )


def test_wait_needs_fan_out():
    with pytest.raises(CommandError, match="--wait hanya berlaku bersama --fan-out"):
        call_command("compute_entitlements", year=2025, stage=3, wait=True)
