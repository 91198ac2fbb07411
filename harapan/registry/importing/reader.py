"""The columns of a registry file (DESIGN §12), read by the shared reader (`lib.tabular`)."""

from collections.abc import Iterator
from pathlib import Path

from harapan.lib.tabular import read_table

COLUMNS = (
    "id_keluarga", "no_kk", "kode_desa", "alamat", "nik", "nama", "jenis_kelamin",
    "tanggal_lahir", "hubungan_keluarga", "hamil", "jenjang_pendidikan", "disabilitas_berat",
    "status_hidup", "bank", "no_kks", "desil", "pendamping",
)  # fmt: skip
REQUIRED = ("id_keluarga", "no_kk", "kode_desa", "nik", "nama", "jenis_kelamin",
            "tanggal_lahir", "hubungan_keluarga")  # fmt: skip
# Long digit strings that Excel would round if typed into a number cell.
TEXT_ONLY = ("nik", "no_kk", "no_kks")


def read_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    return read_table(path, COLUMNS, REQUIRED, text_only=TEXT_ONLY)
