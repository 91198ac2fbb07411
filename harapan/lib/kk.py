"""No KK (Kartu Keluarga number), DESIGN §3: 16 digits, the first six a kecamatan code."""

from harapan.lib.nik import clean_sixteen_digits, shown_nik


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


# A No KK and a KKS card number identify a family as a NIK identifies a person:
# the roles that see masked NIKs (accounts.roles.FULL_NIK_ROLES) see them masked too.


def shown_kk(kk: str, full: bool) -> str:
    """The No KK as a role may see it: whole, or masked as a NIK is (`180601********12`)."""
    return shown_nik(kk, full)


def shown_kks(kks: str, full: bool) -> str:
    """The KKS card number as a role may see it: whole, or only its last four digits."""
    if full or not kks:
        return kks
    kept = kks[-4:] if len(kks) > 4 else ""
    return "*" * (len(kks) - len(kept)) + kept
