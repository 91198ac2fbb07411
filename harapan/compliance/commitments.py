"""Which member owes which commitment in a month (DESIGN §5).

The commitment follows from the member's component (the §5 table), so it is
the registry's one rule (`eligibility.component_expression`) evaluated on the
month's first day, with the rules of that year's index. Family caps play no
part: a third toddler who is not paid is still weighed at the posyandu.
"""

from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from harapan.registry import eligibility
from harapan.registry.models import Member

from .models import Result

# What each component's member must do every month (DESIGN §5).
DUTIES = {
    eligibility.IBU_HAMIL: _("Pemeriksaan kehamilan/nifas di fasilitas kesehatan"),
    eligibility.ANAK_USIA_DINI: _("Penimbangan/imunisasi di posyandu atau puskesmas"),
    eligibility.SD: _("Kehadiran sekolah"),
    eligibility.SMP: _("Kehadiran sekolah"),
    eligibility.SMA: _("Kehadiran sekolah"),
    eligibility.DISABILITAS_BERAT: _("Pemeriksaan kesehatan atau kunjungan rumah"),
    eligibility.LANSIA: _("Pemeriksaan kesehatan atau kunjungan rumah"),
}


def is_school(commitment: str) -> bool:
    return commitment in eligibility.SCHOOL_LEVELS


def owed(month: date, members: QuerySet | None = None) -> QuerySet:
    """`members` (default: all) that owe a commitment in `month`, annotated `commitment`."""
    members = Member.objects.all() if members is None else members
    rules = eligibility.rules_for(month.year)
    return members.annotate(commitment=eligibility.component_expression(month, rules)).exclude(
        commitment=None
    )


def commitment_for(member: Member, month: date) -> str | None:
    return eligibility.component_for(member, month, eligibility.rules_for(month.year))


def result_from_attendance(attendance: int, threshold: int) -> str:
    """School attendance at or above the threshold is compliance (DESIGN §5)."""
    return Result.COMPLIANT if attendance >= threshold else Result.NON_COMPLIANT


class OwedCommitment:
    """What a row showing a member's commitment says about it (mixed into page rows)."""

    commitment: str

    @property
    def label(self) -> str:
        return eligibility.LABELS.get(self.commitment, self.commitment)

    @property
    def duty(self) -> str:
        return DUTIES.get(self.commitment, "")

    @property
    def is_school(self) -> bool:
        return is_school(self.commitment)
