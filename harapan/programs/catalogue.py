"""The complementary programmes (program komplementer, DESIGN §9) and the four gaps.

A programme is either a member's (a pupil's PIP, a person's PBI-JKN card) or the
family's (BPNT, an electricity subsidy); a participation names a member exactly
when its programme is member-level. Each gap is a programme the registry says a
person or family should have: `gaps.py` finds who lacks it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Programme(models.TextChoices):
    PIP = "pip", _("Program Indonesia Pintar (PIP)")
    PBI_JKN = "pbi_jkn", _("PBI-JKN/KIS")
    ATENSI = "atensi", _("Asistensi Rehabilitasi Sosial (ATENSI)")
    BPNT = "bpnt", _("Sembako/BPNT")
    ELECTRICITY = "subsidi_listrik", _("Subsidi listrik")
    LPG = "subsidi_lpg", _("Subsidi LPG")
    LAND = "sertifikat_tanah", _("Sertifikat tanah")
    UEP = "uep", _("Usaha Ekonomi Produktif (UEP)")
    KUBE = "kube", _("Kelompok Usaha Bersama (KUBE)")
    RUTILAHU = "rutilahu", _("Rehabilitasi rumah tidak layak huni (RUTILAHU)")


MEMBER_LEVEL = frozenset({Programme.PIP, Programme.PBI_JKN, Programme.ATENSI})
FAMILY_LEVEL = frozenset(set(Programme) - MEMBER_LEVEL)


def is_member_level(programme: str) -> bool:
    return programme in MEMBER_LEVEL


class Gap(models.TextChoices):
    """The four gap lists of DESIGN §9; each value is the `celah` of `program_gaps`."""

    PIP = "PIP", _("Anak sekolah tanpa PIP")
    PBI = "PBI", _("Anggota tanpa PBI-JKN")
    BPNT = "BPNT", _("Keluarga tanpa BPNT")
    ATENSI = "ATENSI", _("Lansia/disabilitas berat tanpa ATENSI")


# The programme that closes each gap.
CLOSED_BY = {
    Gap.PIP: Programme.PIP,
    Gap.PBI: Programme.PBI_JKN,
    Gap.BPNT: Programme.BPNT,
    Gap.ATENSI: Programme.ATENSI,
}
MEMBER_GAPS = (Gap.PIP, Gap.PBI, Gap.ATENSI)


def gap_of(programme: str) -> str | None:
    """The gap that `programme` closes, or None for a programme no gap rule asks for."""
    return next((gap for gap, closing in CLOSED_BY.items() if closing == programme), None)
