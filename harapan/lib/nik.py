"""NIK (Nomor Induk Kependudukan), DESIGN §3.

16 digits `PPKKCC DDMMYY NNNN`: the kecamatan of first registration, the
birth date with 40 added to the day for women, and a sequence from 0001. The
region does not change when a person moves, so it need not match the family's.
Functions that take a NIK clean it first and raise InvalidNik if it is not one.
"""

import re
from dataclasses import dataclass
from datetime import date

from harapan.lib import regioncode

_SEPARATORS = re.compile(r"[\s.\-]")
_DIGITS = re.compile(r"[0-9]{16}")  # not \d, which also matches other scripts' digits
_SEXES = ("L", "P")
_WOMAN_DAY_OFFSET = 40


class InvalidNik(ValueError):
    pass


@dataclass(frozen=True)
class NikParts:
    region_code: str
    day: int
    month: int
    year2: int
    sex: str
    sequence: int


def clean_sixteen_digits(text: str, label: str, error: type[ValueError]) -> str:
    """Strip spaces, dots and dashes; return the 16 digits left or raise `error`.

    Shared by NIK and No KK, which are written the same way.
    """
    if text is None:
        text = ""
    if not isinstance(text, str):
        # A spreadsheet number keeps 15 significant digits: the 16th is already lost.
        raise error(f"{label} harus ditulis sebagai teks 16 angka, bukan bilangan")
    digits = _SEPARATORS.sub("", text)
    if _DIGITS.fullmatch(digits):
        return digits
    if not digits:
        raise error(f"{label} kosong")
    others = sorted({c for c in digits if c not in "0123456789"})
    if others:
        raise error(f"{label} harus 16 angka, ada yang bukan angka: {' '.join(map(repr, others))}")
    raise error(f"{label} harus 16 angka, tertulis {len(digits)}")


def clean_nik(text: str) -> str:
    return clean_sixteen_digits(text, "NIK", InvalidNik)


def parse_nik(text: str) -> NikParts:
    nik = clean_nik(text)
    province, day, month = int(nik[0:2]), int(nik[6:8]), int(nik[8:10])
    sequence = int(nik[12:16])
    problems = []
    if province < 11:
        problems.append(f"kode provinsi {nik[0:2]} (harus 11–99)")
    if not (1 <= day <= 31 or 41 <= day <= 71):
        problems.append(f"tanggal lahir {nik[6:8]} (harus 01–31, atau 41–71 untuk perempuan)")
    if not 1 <= month <= 12:
        problems.append(f"bulan lahir {nik[8:10]} (harus 01–12)")
    if sequence < 1:
        problems.append(f"nomor urut {nik[12:16]} (mulai dari 0001)")
    if problems:
        raise InvalidNik("NIK tidak sah: " + "; ".join(problems))
    woman = day > _WOMAN_DAY_OFFSET
    return NikParts(
        region_code=nik[0:6],
        day=day - _WOMAN_DAY_OFFSET if woman else day,
        month=month,
        year2=int(nik[10:12]),
        sex="P" if woman else "L",
        sequence=sequence,
    )


def birth_date(nik: str, *, today: date) -> date | None:
    """The full birth date, or None when day and month make no real date (31-02).

    The NIK writes two digits of the year. The century is the one that puts the
    date in the hundred years up to `today`: years after today's two-digit year
    are 19xx (in 2025), and so is today's own year when the day is still to come.
    """
    parts = parse_nik(nik)
    year = today.year - today.year % 100 + parts.year2
    if (parts.year2, parts.month, parts.day) > (today.year % 100, today.month, today.day):
        year -= 100
    try:
        return date(year, parts.month, parts.day)
    except ValueError:
        return None


def matches_birth_date(nik: str, born: date) -> bool:
    parts = parse_nik(nik)
    return (parts.day, parts.month, parts.year2) == (born.day, born.month, born.year % 100)


def matches_sex(nik: str, sex: str) -> bool:
    _check_sex(sex)
    return parse_nik(nik).sex == sex


def make_nik(kecamatan: str, born: date, sex: str, sequence: int) -> str:
    """The NIK that parse_nik reads back as these parts; for generators and tests."""
    code = regioncode.normalize(kecamatan)
    if regioncode.level(code) != regioncode.KECAMATAN:
        raise regioncode.InvalidRegionCode(f"Kode kecamatan harus 6 angka: {kecamatan!r}")
    _check_sex(sex)
    if not 1 <= sequence <= 9999:
        raise ValueError(f"Nomor urut NIK harus 1–9999, bukan {sequence}")
    day = born.day + (_WOMAN_DAY_OFFSET if sex == "P" else 0)
    nik = f"{code}{day:02d}{born.month:02d}{born.year % 100:02d}{sequence:04d}"
    parse_nik(nik)  # the province rule
    return nik


def mask_nik(nik: str) -> str:
    """Keep the kecamatan and the last two digits: `180601********12`."""
    nik = clean_nik(nik)
    return nik[:6] + "*" * 8 + nik[14:]


def shown_nik(nik: str, full: bool) -> str:
    """The NIK as a role may see it: whole, or masked — even a malformed one from an old import."""
    if full:
        return nik
    try:
        return mask_nik(nik)
    except InvalidNik:
        return nik[:6] + "*" * max(len(nik) - 6, 0)


def is_valid_nik(text) -> bool:
    try:
        parse_nik(text)
    except InvalidNik:
        return False
    return True


def _check_sex(sex: str) -> None:
    if sex not in _SEXES:
        raise ValueError(f"Jenis kelamin harus L atau P, bukan {sex!r}")
