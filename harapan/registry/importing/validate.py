"""Row-level rules of the import contract (DESIGN §12).

`check_row` turns one row of strings into the staged values, or lists what is
wrong with it as (kolom, nilai, pesan). It runs once per member row, so it is
written for speed: precompiled patterns, lookups in sets, no exceptions on
the common path. Rules that span rows (family columns agree, one head, NIK
once per family, desa exists) are checked set-based in the staging table.
"""

import re
from datetime import date

from harapan.lib.tabular import NUMBER_CELL, number_cell_message, read_date
from harapan.registry.models import Bank, Relation, SchoolLevel

_16_DIGITS = re.compile(r"[0-9]{16}")
_DIGITS = re.compile(r"[0-9]{1,32}")
_DESA = re.compile(r"[0-9]{10}|[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}")
_SEPARATORS = re.compile(r"[\s.\-]")

RELATIONS = frozenset(Relation.values)
SCHOOL_LEVELS = frozenset(SchoolLevel.values)
BANKS = frozenset(Bank.values)
YES_NO = {"": False, "ya": True, "tidak": False, "y": True, "t": False}
ALIVE = {"": True, "hidup": True, "meninggal": False}
SEXES = {"l": "L", "p": "P"}


def _sixteen(text: str) -> str | None:
    if _16_DIGITS.fullmatch(text):
        return text
    digits = _SEPARATORS.sub("", text)
    return digits if _16_DIGITS.fullmatch(digits) else None


def _sixteen_error(label: str, value: str) -> str:
    if value.startswith(NUMBER_CELL):
        return number_cell_message(label)
    return f"{label} harus 16 angka"


def check_row(values: list[str], today: date):
    """Return (staged values, []) for a good row, or (partial values, errors)."""
    (registry_id, kk, desa, address, nik, name, sex, born, relation, pregnant, school,
     disability, alive, bank, kks, desil, pendamping) = values  # fmt: skip
    errors = []
    if not registry_id or len(registry_id) > 32:
        errors.append(("id_keluarga", registry_id, "ID keluarga wajib diisi, 1–32 karakter"))
    kk_clean = _sixteen(kk)
    if kk_clean is None:
        errors.append(("no_kk", kk, _sixteen_error("No KK", kk)))
    desa_clean = desa.replace(".", "") if _DESA.fullmatch(desa) else None
    if desa_clean is None:
        errors.append(
            ("kode_desa", desa, "Kode desa harus 10 angka (boleh bertitik: 18.72.01.1001)")
        )
    if len(address) > 255:
        errors.append(("alamat", address[:40] + "…", "Alamat paling panjang 255 karakter"))
    nik_clean = _sixteen(nik)
    if nik_clean is None:
        errors.append(("nik", nik, _sixteen_error("NIK", nik)))
    if not name:
        errors.append(("nama", name, "Nama wajib diisi"))
    elif len(name) > 150:
        errors.append(("nama", name[:40] + "…", "Nama paling panjang 150 karakter"))
    sex_clean = SEXES.get(sex.lower())
    if sex_clean is None:
        errors.append(("jenis_kelamin", sex, "Jenis kelamin harus L atau P"))
    birth, problem = read_date(born, "Tanggal lahir")
    if problem:
        errors.append(("tanggal_lahir", born, problem))
    elif birth > today:
        errors.append(("tanggal_lahir", born, "Tanggal lahir tidak boleh di masa depan"))
    relation_clean = relation.lower()
    if relation_clean not in RELATIONS:
        errors.append(
            ("hubungan_keluarga", relation, "Hubungan keluarga tidak dikenal; pilihan: "
             + ", ".join(Relation.values))
        )  # fmt: skip
    pregnant_clean = YES_NO.get(pregnant.lower())
    if pregnant_clean is None:
        errors.append(("hamil", pregnant, "Isi hamil dengan ya atau tidak"))
    school_clean = school.lower()
    if school_clean and school_clean not in SCHOOL_LEVELS:
        errors.append(
            ("jenjang_pendidikan", school, "Jenjang pendidikan tidak dikenal; pilihan: "
             + ", ".join(SchoolLevel.values))
        )  # fmt: skip
    disability_clean = YES_NO.get(disability.lower())
    if disability_clean is None:
        errors.append(
            ("disabilitas_berat", disability, "Isi disabilitas_berat dengan ya atau tidak")
        )
    alive_clean = ALIVE.get(alive.lower())
    if alive_clean is None:
        errors.append(("status_hidup", alive, "Status hidup harus hidup atau meninggal"))
    bank_clean = bank.upper()
    if bank_clean and bank_clean not in BANKS:
        errors.append(("bank", bank, "Bank tidak dikenal; pilihan: " + ", ".join(Bank.values)))
    if kks and not _DIGITS.fullmatch(kks):
        errors.append(("no_kks", kks, "No KKS hanya berisi angka (paling banyak 32)"))
    desil_clean = None
    if desil:
        if desil.isdigit() and 1 <= int(desil) <= 10:
            desil_clean = int(desil)
        else:
            errors.append(("desil", desil, "Desil harus angka 1–10"))
    if len(pendamping) > 150:
        errors.append(("pendamping", pendamping[:40] + "…", "Nama pengguna paling panjang 150"))
    staged = (
        # An invalid value is staged empty: its row already carries the error.
        registry_id[:32], kk_clean or "", desa_clean or "", address[:255], nik_clean or "",
        name[:150], sex_clean or "", birth.isoformat() if birth else None,
        relation_clean if relation_clean in RELATIONS else "", bool(pregnant_clean),
        school_clean[:20], bool(disability_clean), True if alive_clean is None else alive_clean,
        bank_clean[:10], kks[:32], desil_clean, pendamping[:150],
    )  # fmt: skip
    return staged, errors
