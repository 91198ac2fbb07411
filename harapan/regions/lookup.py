"""Checks of region codes typed by a person against the loaded region list."""

from harapan.lib import regioncode

from .models import Region


class NotADesa(ValueError):
    """The text is not the code of a registered desa/kelurahan. `code`: the undotted
    10-digit code it spells, missing from the list; "" when it is not a desa code at all
    (`malformed`)."""

    def __init__(self, text, code: str = ""):
        super().__init__(f"Bukan kode desa/kelurahan terdaftar: {text!r}")
        self.code = code

    @property
    def malformed(self) -> bool:
        return not self.code


def desa_code(text: str) -> str:
    """The undotted code of the registered desa/kelurahan typed as `text` (dotted or not);
    NotADesa otherwise."""
    try:
        code = regioncode.normalize(str(text or ""))
    except regioncode.InvalidRegionCode:
        code = ""
    if len(code) != regioncode.LENGTH_BY_LEVEL[regioncode.DESA]:
        raise NotADesa(text)
    if not Region.objects.filter(code=code, level=regioncode.DESA).exists():
        raise NotADesa(text, code)
    return code
