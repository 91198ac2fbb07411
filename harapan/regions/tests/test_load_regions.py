from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from harapan.audit.models import AuditEntry
from harapan.regions.models import Region

pytestmark = pytest.mark.django_db


def counts_by_level():
    return {level: Region.objects.filter(level=level).count() for level in (1, 2, 3, 4)}


def test_it_loads_the_national_tree_once():
    out = StringIO()
    call_command("load_regions", stdout=out, verbosity=0)
    levels = counts_by_level()
    assert levels[1] >= 34
    assert levels[2] == 514
    assert levels[3] >= 7000
    assert levels[4] >= 83000
    # Lampung has 15 kabupaten/kota (DESIGN §1), Metro and Tanggamus among them.
    assert Region.objects.filter(level=2, code__startswith="18").count() == 15
    assert Region.objects.get(code="1872").name == "KOTA METRO"
    assert Region.objects.within("18.72").filter(level=4).count() == 22
    assert Region.objects.get(code="1872011001").parent_code == "187201"

    total = Region.objects.count()
    audit_rows = AuditEntry.objects.count()
    out = StringIO()
    call_command("load_regions", stdout=out, verbosity=0)
    assert Region.objects.count() == total
    assert "0 baru, 0 berubah" in out.getvalue()
    assert AuditEntry.objects.count() == audit_rows  # nothing changed, nothing to record


def test_it_loads_an_updated_file_in_the_same_format(tmp_path):
    first = tmp_path / "wilayah.csv"
    first.write_text("kode,nama\n18,LAMPUNG\n18.72,KOTA METRO\n187201,Metro Pusat\n"
                     "18.72.01.1001,Metro\n", encoding="utf-8")  # fmt: skip
    call_command("load_regions", str(first), verbosity=0)
    assert counts_by_level() == {1: 1, 2: 1, 3: 1, 4: 1}

    update = tmp_path / "wilayah-baru.csv"
    update.write_text("18,LAMPUNG\n18.72,KOTA METRO\n18.72.01,Metro Pusat\n"
                      '18.72.01.1001,"Metro, Kelurahan"\n18.72.01.1002,Hadimulyo Timur\n',
                      encoding="utf-8")  # fmt: skip
    out = StringIO()
    call_command("load_regions", str(update), stdout=out, verbosity=0)
    assert "1 baru, 1 berubah" in out.getvalue()
    assert Region.objects.get(code="1872011001").name == "Metro, Kelurahan"
    assert AuditEntry.objects.filter(action="regions.load").count() == 2


def test_a_broken_file_is_rejected_whole(tmp_path):
    broken = tmp_path / "rusak.csv"
    broken.write_text("18,LAMPUNG\n18.72,KOTA METRO\n18.7X,SALAH\n18.99.01,Tanpa induk\n",
                      encoding="utf-8")  # fmt: skip
    with pytest.raises(CommandError) as error:
        call_command("load_regions", str(broken), verbosity=0)
    message = str(error.value)
    assert "baris 3" in message and "18.99.01" in message
    assert Region.objects.count() == 0


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("load_regions", str(tmp_path / "tidak-ada.csv"), verbosity=0)


def test_a_renamed_binary_is_refused_before_reading_and_on_the_record(tmp_path):
    renamed = tmp_path / "wilayah.csv"
    renamed.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(CommandError, match="isinya data biner"):
        call_command("load_regions", str(renamed), verbosity=0)
    assert Region.objects.count() == 0
    entry = AuditEntry.objects.get(action="upload.refuse")
    assert (entry.details["file"], entry.details["kind"]) == (str(renamed), "regions_load")
    assert "isinya data biner" in entry.details["reason"]
