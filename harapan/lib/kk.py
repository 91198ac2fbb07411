"""No KK (Kartu Keluarga number), DESIGN §3: 16 digits, the first six a kecamatan code."""

from harapan.lib.nik import clean_sixteen_digits


class InvalidKk(ValueError):
    pass


def clean_kk(text: str) -> str:
    return clean_sixteen_digits(text, "No KK", InvalidKk)


def kk_region_code(kk: str) -> str:
    return clean_kk(kk)[:6]


def is_valid_kk(text) -> bool:
    try:
        clean_kk(text)
    except InvalidKk:
        return False
    return True
