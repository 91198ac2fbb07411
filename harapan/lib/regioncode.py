"""Kemendagri region codes (DESIGN §3).

Stored undotted so that a region's whole subtree is a string prefix:
province `18`, kabupaten/kota `1872`, kecamatan `187201`, desa `1872011001`.
Input may be dotted (`18.72.01.1001`) or not.
"""

import re

LEVEL_BY_LENGTH = {2: 1, 4: 2, 6: 3, 10: 4}
PROVINCE, KABUPATEN, KECAMATAN, DESA = 1, 2, 3, 4
LENGTH_BY_LEVEL = {level: length for length, level in LEVEL_BY_LENGTH.items()}
LEVEL_NAMES = {
    PROVINCE: "provinsi",
    KABUPATEN: "kabupaten/kota",
    KECAMATAN: "kecamatan",
    DESA: "desa/kelurahan",
}
_DOTTED = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
_PLAIN = re.compile(r"^\d{2}(\d{2}(\d{2}(\d{4})?)?)?$")


class InvalidRegionCode(ValueError):
    pass


def normalize(code: str) -> str:
    """Return the undotted form of a region code, or raise InvalidRegionCode."""
    text = (code or "").strip()
    if _DOTTED.match(text) or _PLAIN.match(text):
        return text.replace(".", "")
    raise InvalidRegionCode(f"Kode wilayah tidak sah: {code!r}")


def level(code: str) -> int:
    return LEVEL_BY_LENGTH[len(normalize(code))]


def parent(code: str) -> str | None:
    code = normalize(code)
    lvl = LEVEL_BY_LENGTH[len(code)]
    if lvl == PROVINCE:
        return None
    return code[: LENGTH_BY_LEVEL[lvl - 1]]


def dotted(code: str) -> str:
    code = normalize(code)
    parts = [code[0:2], code[2:4], code[4:6], code[6:10]]
    return ".".join(p for p in parts if p)


def is_kota(code: str) -> bool:
    """Kabupaten/kota numbers 71–99 are cities (kota)."""
    code = normalize(code)
    return len(code) >= 4 and int(code[2:4]) >= 71


def is_kelurahan(code: str) -> bool:
    """Desa codes start their last part with 1 for kelurahan, 2 for desa."""
    code = normalize(code)
    return len(code) == 10 and code[6] == "1"


def ancestors(code: str) -> list[str]:
    """The code and every level above it, province first."""
    code = normalize(code)
    return [code[:n] for n in (2, 4, 6, 10) if n <= len(code)]
