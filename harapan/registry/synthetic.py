"""Synthetic but realistic registry rows in the import format of DESIGN §12.

Used by `harapan generate_registry`, the demo and the benchmarks. The same
seed gives the same rows. Families have a plausible age structure for PKH
(young parents with school children, some grandparents, pregnancies), school
levels follow age, NIKs carry a real kecamatan code, the birth date (+40 for
women) and a sequence number.
"""

import random
from collections.abc import Iterator
from datetime import date, timedelta

FIELDS = [
    "id_keluarga", "no_kk", "kode_desa", "alamat", "nik", "nama", "jenis_kelamin",
    "tanggal_lahir", "hubungan_keluarga", "hamil", "jenjang_pendidikan", "disabilitas_berat",
    "status_hidup", "bank", "no_kks", "desil",
]  # fmt: skip

MEN = [
    "Agus", "Bambang", "Budi", "Dedi", "Eko", "Hendra", "Joko", "Slamet", "Sugeng", "Suparman",
    "Wahyu", "Yanto", "Rudi", "Heri", "Iwan", "Sutrisno", "Darmawan", "Rahmat", "Ahmad", "Firman",
    "Ilham", "Rizki", "Fajar", "Andi", "Tono", "Paijo", "Sukardi", "Herman", "Marzuki", "Syahrul",
]  # fmt: skip
WOMEN = [
    "Siti", "Sri", "Dewi", "Rina", "Yuli", "Nur", "Wati", "Sumiati", "Lestari", "Endang",
    "Suryani", "Aminah", "Fitri", "Ani", "Kartini", "Rohmah", "Tuti", "Wulan", "Nurhayati",
    "Ratna", "Indah", "Ayu", "Putri", "Anisa", "Lina", "Marlina", "Yati", "Sulastri", "Eni", "Mega",
]  # fmt: skip
SURNAMES = [
    "Saputra", "Wijaya", "Setiawan", "Pratama", "Hidayat", "Santoso", "Susanto", "Kurniawan",
    "Nugroho", "Purnomo", "Rahayu", "Lestari", "Wahyuni", "Handayani", "Sari", "Utami",
    "Maulana", "Hasibuan", "Siregar", "Syahputra", "", "", "", "",
]  # fmt: skip
STREETS = ["Jl. Merdeka", "Jl. Diponegoro", "Jl. Pahlawan", "Jl. Melati", "Jl. Kenanga",
           "Dusun", "Jl. Sudirman", "Jl. Imam Bonjol", "Jl. Kartini", "Gg. Mawar"]  # fmt: skip
BANKS = ["BRI"] * 6 + ["BNI"] * 2 + ["MANDIRI", "BTN", "POS"]


def school_level_for(age: int, rng: random.Random) -> str:
    if age < 3:
        return "belum_sekolah"
    if age < 6:
        return "paud" if rng.random() < 0.5 else "belum_sekolah"
    if age <= 12:
        return "sd"
    if age <= 15:
        return "smp" if rng.random() < 0.93 else "tidak_sekolah"
    if age <= 18:
        return "sma" if rng.random() < 0.8 else "tidak_sekolah"
    if age <= 21 and rng.random() < 0.1:
        return "sma"
    return "lulus" if rng.random() < 0.4 else "tidak_sekolah"


class Generator:
    """Writes families for the desa codes given, one dict per member."""

    def __init__(self, desa_codes: list[str], *, seed: int = 1, today: date | None = None):
        if not desa_codes:
            raise ValueError("Tidak ada desa di wilayah itu")
        self.desa_codes = sorted(desa_codes)
        self.rng = random.Random(seed)
        self.today = today or date.today()
        self.seed = seed
        self._nik_seq: dict[str, int] = {}

    def _birth(self, age_low: int, age_high: int) -> date:
        days = self.rng.randint(age_low * 365, age_high * 365 + 364)
        return self.today - timedelta(days=days)

    def _nik(self, kecamatan: str, birth: date, sex: str) -> str:
        day = birth.day + (40 if sex == "P" else 0)
        stem = f"{kecamatan}{day:02d}{birth:%m%y}"
        self._nik_seq[stem] = self._nik_seq.get(stem, 0) + 1
        return f"{stem}{self._nik_seq[stem]:04d}"

    def _person(self, sex, age_low, age_high, relation, surname, kecamatan, **extra):
        birth = self._birth(age_low, age_high)
        first = self.rng.choice(MEN if sex == "L" else WOMEN)
        name = f"{first} {surname}".strip() if relation != "istri" else first
        return {
            "nik": self._nik(kecamatan, birth, sex),
            "nama": name.upper() if self.rng.random() < 0.3 else name,
            "jenis_kelamin": sex,
            "tanggal_lahir": birth.isoformat(),
            "hubungan_keluarga": relation,
            "hamil": extra.get("hamil", "tidak"),
            "jenjang_pendidikan": extra.get("jenjang"),
            "disabilitas_berat": "ya" if self.rng.random() < 0.02 else "tidak",
            "status_hidup": "meninggal" if self.rng.random() < 0.005 else "hidup",
        }

    def family(self, number: int) -> list[dict]:
        rng = self.rng
        desa = rng.choice(self.desa_codes)
        kecamatan = desa[:6]
        surname = rng.choice(SURNAMES)
        members = []
        head_age = rng.randint(24, 62)
        female_head = rng.random() < 0.15
        head_sex = "P" if female_head else "L"
        members.append(
            self._person(head_sex, head_age, head_age, "kepala_keluarga", surname, kecamatan,
                         jenjang="lulus" if rng.random() < 0.5 else "tidak_sekolah")
        )  # fmt: skip
        mother_age = head_age
        if not female_head:
            mother_age = max(18, head_age - rng.randint(0, 8))
            pregnant = "ya" if mother_age <= 42 and rng.random() < 0.12 else "tidak"
            members.append(
                self._person("P", mother_age, mother_age, "istri", surname, kecamatan,
                             hamil=pregnant, jenjang="lulus")
            )  # fmt: skip
        children = rng.choices([0, 1, 2, 3, 4, 5], weights=[4, 18, 32, 26, 13, 7])[0]
        oldest_possible = max(0, mother_age - 17)
        for _ in range(children):
            age = rng.randint(0, min(oldest_possible, 22))
            sex = rng.choice("LP")
            members.append(
                self._person(sex, age, age, "anak", surname, kecamatan,
                             jenjang=school_level_for(age, rng))
            )  # fmt: skip
        if rng.random() < 0.18:
            sex = rng.choice("LP")
            age = rng.randint(max(head_age + 18, 60), 88)
            members.append(
                self._person(sex, age, age, "orang_tua", surname, kecamatan,
                             jenjang="tidak_sekolah")
            )  # fmt: skip
        if rng.random() < 0.05:
            age = rng.randint(0, 5)
            members.append(
                self._person(rng.choice("LP"), age, age, "cucu", surname, kecamatan,
                             jenjang=school_level_for(age, rng))
            )  # fmt: skip
        family = {
            "id_keluarga": f"{desa}{self.seed % 100:02d}{number:06d}",
            "no_kk": f"{kecamatan}{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}"
            f"{rng.randint(5, 24):02d}{number % 10000:04d}",
            "kode_desa": desa,
            "alamat": f"{rng.choice(STREETS)} No. {rng.randint(1, 150)}, "
            f"RT {rng.randint(1, 12):03d}/RW {rng.randint(1, 6):03d}",
            "bank": rng.choice(BANKS),
            "desil": str(rng.choices([1, 2, 3, 4, 5], weights=[35, 30, 20, 12, 3])[0]),
        }
        family["no_kks"] = f"5{rng.randint(10**14, 10**15 - 1)}" if family["bank"] != "POS" else ""
        rows = []
        for member in members:
            row = {**family, **member}
            if row["jenjang_pendidikan"] is None:
                row["jenjang_pendidikan"] = ""
            rows.append(row)
        return rows

    def rows(self, families: int) -> Iterator[dict]:
        for number in range(1, families + 1):
            yield from self.family(number)
