"""The demo's complementary programmes (issue 17): who receives PIP, PBI-JKN, BPNT and the
rest, realistic but not complete, so that every gap list has work in it.

Who is eligible is what the gap lists say on `today` before anyone takes part
(`gaps.member_gap` / `family_gap`: the registry's component rule), never restated here.
Of them, about 80 % of the pupils receive PIP, 85 % of the living members of active
families PBI-JKN, 90 % of the active families BPNT and 40 % of the elderly and severely
disabled ATENSI; a few more were refused or their participation ended before `today`.
The family-level aid beside BPNT is sprinkled over the active families. All of it is the
imported data (source `impor`), written in one bulk insert; then each pendamping has a
few proposals from their gaps: some still waiting, one accepted (its participation
recorded by the pendamping, which closes the gap) and one refused.
"""

import random
from datetime import date, timedelta

from django.db.models import Exists, OuterRef

from harapan.accounts.models import User
from harapan.accounts.roles import Role
from harapan.programs.catalogue import CLOSED_BY, MEMBER_GAPS, Gap, Programme
from harapan.programs.gaps import family_gap, member_gap
from harapan.programs.models import (
    Channel,
    Outcome,
    Participation,
    Proposal,
    Source,
    Status,
)
from harapan.registry.models import Family, Member

SEED = 2026
# Of those a gap rule asks the programme for: the share receiving it on `today`, and the
# shares refused and ended before `today` (both still in the gap).
RECEIVING = {Gap.PIP: 0.80, Gap.PBI: 0.85, Gap.BPNT: 0.90, Gap.ATENSI: 0.40}
REFUSED, ENDED = 0.03, 0.03
# The family-level aid no gap rule asks for, over the active families.
SPRINKLED = {
    Programme.ELECTRICITY: 0.35,
    Programme.LPG: 0.25,
    Programme.KUBE: 0.08,
    Programme.UEP: 0.05,
    Programme.RUTILAHU: 0.04,
    Programme.LAND: 0.06,
}
# Where a pendamping takes a proposal to close each gap.
CHANNEL = {
    Gap.PIP: Channel.SCHOOL,
    Gap.PBI: Channel.HEALTH,
    Gap.BPNT: Channel.SIKS_NG,
    Gap.ATENSI: Channel.DINAS_SOSIAL,
}
PROPOSALS_WAITING = 3  # per pendamping, besides one accepted and one refused


def _period(rng: random.Random, today: date, born: date | None, status: str, roll: float):
    """A start in the last four years (not before birth) and, for an ended one, an end
    before `today`."""
    starts = today - timedelta(days=rng.randint(30, 1460))
    if born is not None:
        starts = max(starts, born)
    ends = None
    if status == Status.RECEIVING and roll >= 1 - ENDED:
        ends = max(starts, today - timedelta(days=rng.randint(1, 180)))
    return starts, ends


def _participation(rng, today, share, family_id, region, member=None, nik="", born=None,
                   programme=""):  # fmt: skip
    """One imported participation for a person or family of a gap, by a roll of the dice:
    receiving (some of them ended), refused, or none."""
    roll = rng.random()
    if roll < share or roll >= 1 - ENDED:
        status = Status.RECEIVING
    elif roll < share + REFUSED:
        status = Status.REJECTED
    else:
        return None
    starts, ends = _period(rng, today, born, status, roll)
    return Participation(
        family_id=family_id, member_id=member, nik=nik, region_code=region, programme=programme,
        starts_on=starts, ends_on=ends, status=status, source=Source.IMPORT,
    )  # fmt: skip


def _imported(rng: random.Random, today: date) -> list[Participation]:
    rows = []
    for gap in MEMBER_GAPS:
        eligible = member_gap(gap, today).order_by("pk")
        for pk, family_id, nik, region, born in eligible.values_list(
            "pk", "family_id", "nik", "region_code", "birth_date"
        ):
            rows.append(
                _participation(
                    rng, today, RECEIVING[gap], family_id, region, pk, nik, born, CLOSED_BY[gap]
                )  # fmt: skip
            )
    active = list(family_gap(today).order_by("pk").values_list("pk", "region_code"))
    for family_id, region in active:
        rows.append(
            _participation(
                rng, today, RECEIVING[Gap.BPNT], family_id, region, programme=Programme.BPNT
            )  # fmt: skip
        )
        for programme, share in SPRINKLED.items():
            if rng.random() < share:
                starts = today - timedelta(days=rng.randint(30, 1460))
                rows.append(
                    Participation(
                        family_id=family_id,
                        nik="",
                        region_code=region,
                        programme=programme,
                        starts_on=starts,
                        status=Status.RECEIVING,
                        source=Source.IMPORT,
                    )  # fmt: skip
                )
    return [row for row in rows if row is not None]


def _proposals(pendamping: User, rng: random.Random, today: date, taken: set) -> tuple[int, int]:
    """A few proposals from `pendamping`'s gaps, of people (or families) with nothing
    `taken` (family, NIK, programme) recorded for the programme:
    waiting, then one accepted and one refused. Returns (proposals, accepted)."""
    members = Member.objects.filter(family__pendamping=pendamping)
    candidates = []  # (gap, family, its desa, member or None)
    for gap in MEMBER_GAPS:
        for member in member_gap(gap, today, members).order_by("pk")[:20]:
            if (member.family_id, member.nik, CLOSED_BY[gap]) not in taken:
                candidates.append((gap, member.family_id, member.region_code, member))
    families = family_gap(today, Family.objects.filter(pendamping=pendamping)).order_by("pk")
    for pk, region in families.values_list("pk", "region_code")[:20]:
        if (pk, "", Programme.BPNT) not in taken:
            candidates.append((Gap.BPNT, pk, region, None))
    rng.shuffle(candidates)
    chosen = candidates[: PROPOSALS_WAITING + 2]
    made = accepted = 0
    for index, (gap, family_id, region, member) in enumerate(chosen):
        proposed_on = today - timedelta(days=rng.randint(10, 90))
        person = {"member": member, "nik": member.nik if member else ""}
        proposal = Proposal(
            family_id=family_id, **person, region_code=region,
            programme=CLOSED_BY[gap], proposed_on=proposed_on, channel=CHANNEL[gap],
            proposed_by=pendamping,
        )  # fmt: skip
        if index >= PROPOSALS_WAITING:
            decided_on = proposed_on + timedelta(days=rng.randint(5, 9))
            proposal.outcome_on, proposal.decided_by = decided_on, pendamping
            proposal.outcome = Outcome.ACCEPTED if index == PROPOSALS_WAITING else Outcome.REJECTED
        if proposal.outcome == Outcome.ACCEPTED:
            proposal.participation = Participation.objects.create(
                family_id=family_id, **person, region_code=proposal.region_code,
                programme=CLOSED_BY[gap], starts_on=decided_on, status=Status.RECEIVING,
                source=Source.PENDAMPING, recorded_by=pendamping,
            )  # fmt: skip
            accepted += 1
        proposal.save()
        made += 1
    return made, accepted


def build_programmes(today: date, log=print) -> None:
    """Once: a second demo run adds nothing."""
    if Participation.objects.exists():
        return
    rng = random.Random(SEED)
    rows = _imported(rng, today)
    Participation.objects.bulk_create(rows, batch_size=2000)
    taken = {(row.family_id, row.nik, row.programme) for row in rows}
    proposals = accepted = 0
    caseloads = Family.objects.filter(pendamping=OuterRef("pk"))
    for pendamping in (
        User.objects.filter(role=Role.PENDAMPING, is_active=True)
        .filter(Exists(caseloads))
        .order_by("username")
    ):
        made, took = _proposals(pendamping, rng, today, taken)
        proposals, accepted = proposals + made, accepted + took
    log(f"  program komplementer: {Participation.objects.count()} kepesertaan, "
        f"{proposals} usulan ({accepted} diterima)")  # fmt: skip
