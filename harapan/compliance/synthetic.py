"""Synthetic but realistic verification data: schools, facilities and monthly records.

Used by the demo and the benchmarks. The same seed gives the same rows. Most
members keep their commitments; some months are missed, some excused for
illness, a few pupils stop going to school for a whole quarter (and so reach
the termination rung of the ladder).
"""

import random
from collections.abc import Iterable, Iterator
from datetime import date

from . import calendar, commitments

VERIFICATION_FIELDS = ["nik", "bulan", "komitmen", "hasil", "persen_kehadiran", "alasan"]
SCHOOL_FIELDS = ["npsn", "nama", "jenjang", "kode_desa"]
FACILITY_FIELDS = ["kode_desa", "nama", "jenis", "kode_faskes"]
EXCUSES = ["sakit", "sakit", "bencana alam", "fasilitas tutup", "libur sekolah"]


class VerificationGenerator:
    """Rows of the `import_verification` file for members that owe a commitment."""

    def __init__(self, *, seed: int = 1, unverified: float = 0.03, truant: float = 0.01):
        self.rng = random.Random(seed)
        self.unverified, self.truant = unverified, truant
        self.truants: set[str] = set()

    def pick_truants(self, niks: Iterable[str]) -> None:
        """Pupils who skip school month after month."""
        self.truants = {n for n in niks if self.rng.random() < self.truant}

    def rows(self, month: date, owed: Iterable[tuple[str, str]]) -> Iterator[dict]:
        """One row per (nik, commitment) owed in `month`, except the unverified ones."""
        label = calendar.month_label(month)
        for nik, commitment in owed:
            if self.rng.random() < self.unverified:
                continue
            yield {"nik": nik, "bulan": label, "komitmen": commitment,
                   **self._outcome(nik, commitment)}  # fmt: skip

    def _outcome(self, nik: str, commitment: str) -> dict:
        school = commitments.is_school(commitment)
        roll = self.rng.random()
        if school and nik in self.truants:
            return {"hasil": "", "persen_kehadiran": str(self.rng.randint(20, 60)), "alasan": ""}
        if roll < 0.02:
            return {"hasil": "dikecualikan", "persen_kehadiran": "",
                    "alasan": self.rng.choice(EXCUSES)}  # fmt: skip
        if school:
            # Attendance recaps from the school: the result follows from the threshold.
            attendance = 100 - int(self.rng.expovariate(1 / 5))
            return {"hasil": "", "persen_kehadiran": str(max(attendance, 30)), "alasan": ""}
        return {"hasil": "tidak_patuh" if roll < 0.07 else "patuh", "persen_kehadiran": "",
                "alasan": ""}  # fmt: skip


def reference_rows(desa_codes: list[str], names: dict[str, str]) -> tuple[list[dict], list[dict]]:
    """A primary school and a posyandu in every desa; a junior and senior high school and
    a puskesmas in every kecamatan. NPSNs are made up from the desa code, not real ones."""
    schools, facilities = [], []
    kecamatan_seen = set()
    for number, desa in enumerate(sorted(desa_codes), start=1):
        name = names.get(desa, desa).title()
        schools.append({"npsn": f"9{number:07d}", "nama": f"SD Negeri 1 {name}",
                        "jenjang": "sd", "kode_desa": desa})  # fmt: skip
        facilities.append({"kode_desa": desa, "nama": f"Posyandu Melati {name}",
                           "jenis": "posyandu", "kode_faskes": ""})  # fmt: skip
        kecamatan = desa[:6]
        if kecamatan not in kecamatan_seen:
            kecamatan_seen.add(kecamatan)
            k = len(kecamatan_seen)
            schools.append({"npsn": f"8{k:03d}0001", "nama": f"SMP Negeri {k} {name}",
                            "jenjang": "smp", "kode_desa": desa})  # fmt: skip
            schools.append({"npsn": f"8{k:03d}0002", "nama": f"SMA Negeri {k} {name}",
                            "jenjang": "sma", "kode_desa": desa})  # fmt: skip
            facilities.append({"kode_desa": desa, "nama": f"Puskesmas {name}",
                               "jenis": "puskesmas", "kode_faskes": f"P{kecamatan}01"})  # fmt: skip
    return schools, facilities
