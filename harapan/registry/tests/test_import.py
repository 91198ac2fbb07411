"""The registry import contract of DESIGN §12, on a hand-written file with mistakes."""

import csv
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from harapan.audit.models import AuditEntry
from harapan.registry.models import Family, ImportRun, Member
from harapan.testing import make_region, xlsx_bomb

pytestmark = pytest.mark.django_db

# Written by hand, as a Dinas Sosial export would come: columns in another
# order, upper-case headers, an extra column, dotted and undotted desa codes,
# all three date formats.
HEADER = ("NIK,Nama,ID_KELUARGA,no_kk,Kode_Desa,alamat,jenis_kelamin,tanggal_lahir,"
          "hubungan_keluarga,hamil,jenjang_pendidikan,disabilitas_berat,status_hidup,bank,"
          "no_kks,desil,keterangan_lain")  # fmt: skip
GOOD_FAMILIES = [
    # KPM-1: a clean family of four (line 2–5)
    "1806011505800001,Slamet Riyadi,KPM-1,1806010101100001,18.06.01.2001,Dusun I,L,1980-05-15,kepala_keluarga,,,tidak,hidup,BRI,5011223344556677,2,x",
    "1806015708850002,Sumarni,KPM-1,1806010101100001,1806012001,Dusun I,P,17-08-1985,istri,ya,lulus,tidak,hidup,BRI,5011223344556677,2,",
    "1806010203150003,Bayu,KPM-1,1806010101100001,1806012001,Dusun I,L,02/03/2015,anak,,sd,,,BRI,5011223344556677,2,",
    "1806014112200004,Citra,KPM-1,1806010101100001,1806012001,Dusun I,P,2020-12-01,anak,,belum_sekolah,,,BRI,5011223344556677,2,",
    # KPM-2: an elder alone (line 6)
    "1806020707500005,Mbah Karto,KPM-2,1806020101100002,18.06.02.2001,,L,1950-07-07,kepala_keluarga,tidak,tidak_sekolah,ya,hidup,POS,,1,",
]  # fmt: skip
BROKEN_FAMILIES = [
    # KPM-3 (lines 7–8): a 15-digit NIK; the family's other row is fine but the family fails.
    "180601150580001,Joko,KPM-3,1806010101100003,1806012001,,L,1980-05-15,kepala_keluarga,,,,,BNI,,3,",
    "1806015508900006,Wati,KPM-3,1806010101100003,1806012001,,P,1990-08-15,istri,,,,,BNI,,3,",
    # KPM-4 (lines 9–10): the No KK differs between rows.
    "1806011111750007,Darto,KPM-4,1806010101100004,1806012001,,L,1975-11-11,kepala_keluarga,,,,,BRI,,2,",
    "1806015212800008,Ijah,KPM-4,1806010101100099,1806012001,,P,1980-12-12,istri,,,,,BRI,,2,",
    # KPM-5 (lines 11–12): two heads of household.
    "1806010101700009,Parman,KPM-5,1806010101100005,1806012001,,L,1970-01-01,kepala_keluarga,,,,,BRI,,1,",
    "1806014202720010,Sri,KPM-5,1806010101100005,1806012001,,P,1972-02-02,kepala_keluarga,,,,,BRI,,1,",
    # KPM-6 (line 13): no head of household.
    "1806010303030011,Anak Yatim,KPM-6,1806010101100006,1806012001,,L,2003-03-03,anak,,sma,,,BRI,,1,",
    # KPM-7 (lines 14–15): the same NIK twice in the family.
    "1806010404600012,Karyo,KPM-7,1806010101100007,1806012001,,L,1960-04-04,kepala_keluarga,,,,,BRI,,2,",
    "1806010404600012,Karyo Lagi,KPM-7,1806010101100007,1806012001,,L,1960-04-04,anak,,,,,BRI,,2,",
    # KPM-8 (line 16): a desa that does not exist, a bad sex, an unknown relation… on one row.
    "1806010505650013,Tono,KPM-8,1806010101100008,1806019999,,X,1965-05-05,kepala_keluarga,,,,,BRI,,2,",
    # KPM-9 (line 17): a date that is no date, a desil out of range and an unknown bank.
    "1806010606660014,Tini,KPM-9,1806010101100009,1806012001,,L,31-02-1966,kepala_keluarga,maybe,kuliah,,,BCA,12A,11,",
]  # fmt: skip
EXPECTED_ERRORS = {
    (7, "nik"), (10, "no_kk"), (11, "hubungan_keluarga"), (12, "hubungan_keluarga"),
    (13, "hubungan_keluarga"), (15, "nik"), (16, "jenis_kelamin"), (16, "kode_desa"),
    (17, "tanggal_lahir"), (17, "hamil"), (17, "jenjang_pendidikan"), (17, "bank"),
    (17, "no_kks"), (17, "desil"),
}  # fmt: skip


@pytest.fixture(autouse=True)
def regions():
    make_region("1806012001", "Kuripan")
    make_region("1806022001", "Sinar Semendo")


def write(tmp_path: Path, lines: list[str], name="registri.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def errors_in(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["baris", "kolom", "nilai", "pesan"]
        return list(reader)


def run(path, *args, errors=None):
    out = StringIO()
    argv = [str(path), *args, "--verbosity", "0"]
    if errors:
        argv += ["--errors", str(errors)]
    call_command("import_registry", *argv, stdout=out)
    return out.getvalue()


def test_a_clean_file_imports_every_family_and_member(tmp_path):
    output = run(write(tmp_path, GOOD_FAMILIES))
    assert "Keluarga telah ditambah: 2" in output
    family = Family.objects.get(registry_id="KPM-1")
    assert (family.kk_number, family.region_code, family.bank, family.desil) == (
        "1806010101100001", "1806012001", "BRI", 2)  # fmt: skip
    assert family.members.count() == 4
    mother = Member.objects.get(nik="1806015708850002")
    assert mother.pregnant and mother.sex == "P" and str(mother.birth_date) == "1985-08-17"
    assert Member.objects.get(nik="1806010203150003").birth_date.isoformat() == "2015-03-02"
    elder = Member.objects.get(nik="1806020707500005")
    assert elder.severe_disability and elder.region_code == "1806022001"
    assert AuditEntry.objects.filter(action="registry.family.import").count() == 2
    assert AuditEntry.objects.filter(action="registry.import").count() == 1


def test_any_error_imports_nothing_and_names_every_broken_row(tmp_path):
    errors = tmp_path / "galat.csv"
    with pytest.raises(CommandError, match="tidak ada yang diimpor"):
        run(write(tmp_path, GOOD_FAMILIES + BROKEN_FAMILIES), errors=errors)
    found = {(int(e["baris"]), e["kolom"]) for e in errors_in(errors)}
    assert found == EXPECTED_ERRORS
    assert Family.objects.count() == 0 and Member.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="registry.family").exists()
    messages = {(int(e["baris"]), e["kolom"]): e["pesan"] for e in errors_in(errors)}
    assert messages[(7, "nik")] == "NIK harus 16 angka"
    assert "baris 9" in messages[(10, "no_kk")]
    assert "tidak punya kepala_keluarga" in messages[(13, "hubungan_keluarga")]
    assert "tidak ada di daftar wilayah" in messages[(16, "kode_desa")]


def test_a_rejected_file_says_nothing_was_imported_beside_its_counts(tmp_path):
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_registry", str(write(tmp_path, GOOD_FAMILIES + BROKEN_FAMILIES)),
                     "--verbosity", "0", stdout=out)  # fmt: skip
    lines = out.getvalue().splitlines()
    assert "Berkas ditolak: tidak ada yang diimpor." in lines
    # The two good families are only what --skip-invalid would import, and say so.
    heading = lines.index("Bila keluarga bergalat dilewati (--skip-invalid), yang akan diimpor:")
    assert lines[heading + 1] == "  Keluarga akan ditambah: 2, diubah: 0, tetap: 0"
    assert not any(line.startswith("Keluarga") for line in lines)
    assert Family.objects.count() == 0


def test_an_impossible_date_is_not_blamed_on_the_format(tmp_path):
    head = GOOD_FAMILIES[4]
    errors = tmp_path / "galat.csv"
    with pytest.raises(CommandError):
        run(write(tmp_path, [head.replace("1950-07-07", "2010-02-30"),
                             head.replace("KPM-2", "KPM-22").replace("1950-07-07", "31/04/1950"),
                             head.replace("KPM-2", "KPM-23").replace("1950-07-07", "1950.07.07")]),
            errors=errors)  # fmt: skip
    assert [e["pesan"] for e in errors_in(errors)] == [
        "Tanggal lahir 2010-02-30 tidak ada di kalender: bulan 2 tahun 2010 hanya sampai "
        "tanggal 28",
        "Tanggal lahir 31/04/1950 tidak ada di kalender: bulan 4 tahun 1950 hanya sampai "
        "tanggal 30",
        "Tanggal lahir harus ditulis YYYY-MM-DD, DD-MM-YYYY atau DD/MM/YYYY",
    ]


def test_skip_invalid_imports_exactly_the_good_families(tmp_path):
    errors = tmp_path / "galat.csv"
    run(write(tmp_path, BROKEN_FAMILIES + GOOD_FAMILIES), "--skip-invalid", errors=errors)
    assert set(Family.objects.values_list("registry_id", flat=True)) == {"KPM-1", "KPM-2"}
    assert Member.objects.count() == 5
    assert len({e["baris"] for e in errors_in(errors)}) == len({b for b, _ in EXPECTED_ERRORS})


def test_re_importing_changes_nothing(tmp_path):
    path = write(tmp_path, GOOD_FAMILIES)
    run(path)
    before = list(Family.objects.values_list("registry_id", "updated_at").order_by("pk"))
    members = list(Member.objects.values().order_by("pk"))
    audit_rows = AuditEntry.objects.filter(action="registry.family.import").count()
    output = run(path)
    assert "ditambah: 0, diubah: 0, tetap: 2" in output
    assert "ditambah: 0, diubah: 0, tetap: 5" in output
    assert list(Family.objects.values_list("registry_id", "updated_at").order_by("pk")) == before
    assert list(Member.objects.values().order_by("pk")) == members
    assert AuditEntry.objects.filter(action="registry.family.import").count() == audit_rows


def test_a_re_import_updates_what_changed_and_reports_missing_members(tmp_path):
    run(write(tmp_path, GOOD_FAMILIES))
    changed = [line.replace(",sd,", ",smp,") for line in GOOD_FAMILIES if "Citra" not in line]
    changed = [line.replace("Dusun I,", "Dusun II,") for line in changed]
    output = run(write(tmp_path, changed, "registri-2.csv"))
    assert "Keluarga telah ditambah: 0, diubah: 1, tetap: 1" in output
    assert "tidak dihapus): 1" in output and "1806014112200004" in output
    assert Member.objects.filter(nik="1806014112200004").exists()  # reported, not deleted
    assert Member.objects.get(nik="1806010203150003").school_level == "smp"
    assert Family.objects.get(registry_id="KPM-1").address == "Dusun II"
    entries = AuditEntry.objects.filter(action="registry.family.import")
    assert entries.count() == 3  # two on the first import, KPM-1 again
    assert entries.filter(object_repr="KPM-1").count() == 2


def test_dry_run_writes_nothing_but_says_what_would_happen(tmp_path):
    output = run(write(tmp_path, GOOD_FAMILIES), "--dry-run")
    assert "Keluarga akan ditambah: 2" in output
    assert "tidak ada yang disimpan" in output
    assert Family.objects.count() == 0 and Member.objects.count() == 0
    assert ImportRun.objects.get().dry_run


def test_an_xlsx_workbook_imports_like_the_csv(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    for line in [HEADER, *GOOD_FAMILIES]:
        sheet.append(next(csv.reader([line])))
    path = tmp_path / "registri.xlsx"
    workbook.save(path)
    run(path)
    assert Family.objects.count() == 2 and Member.objects.count() == 5
    assert Member.objects.get(nik="1806015708850002").name == "Sumarni"


def test_an_xlsx_with_niks_stored_as_numbers_is_refused_row_by_row(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(next(csv.reader([HEADER])))
    row = next(csv.reader([GOOD_FAMILIES[4]]))
    row[0] = 1806020707500000  # typed into a number cell, Excel kept 15 digits
    sheet.append(row)
    path = tmp_path / "angka.xlsx"
    workbook.save(path)
    errors = tmp_path / "galat.csv"
    with pytest.raises(CommandError):
        run(path, errors=errors)
    found = errors_in(errors)
    assert [(e["baris"], e["kolom"]) for e in found] == [("2", "nik")]
    assert "format kolom sebagai Teks" in found[0]["pesan"]


def test_a_missing_required_column_rejects_the_file(tmp_path):
    path = tmp_path / "kurang.csv"
    path.write_text("id_keluarga,nik,nama\nKPM-1,1806011505800001,Slamet\n", encoding="utf-8")
    errors = tmp_path / "galat.csv"
    with pytest.raises(CommandError, match="no_kk, kode_desa"):
        run(path, errors=errors)
    assert errors_in(errors)[0]["baris"] == "1"
    assert Family.objects.count() == 0


def test_a_file_that_is_not_utf8_gets_a_clear_message(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(("\n".join([HEADER, *GOOD_FAMILIES]) + "\nÄ").encode("latin-1"))
    with pytest.raises(CommandError, match="UTF-8"):
        run(path)
    assert Family.objects.count() == 0


def test_a_zip_bomb_is_refused_on_the_command_line_in_under_two_seconds_on_the_record(tmp_path):
    path = tmp_path / "bom.xlsx"
    path.write_bytes(xlsx_bomb(600, header=tuple(HEADER.lower().split(","))))
    started = time.monotonic()
    with pytest.raises(CommandError, match="Isi berkas XLSX ini 600 MB setelah dibuka"):
        run(path)
    assert time.monotonic() - started < 2
    entry = AuditEntry.objects.get(action="registry.import")
    assert (entry.details["file"], entry.details["rejected"]) == ("bom.xlsx", True)
    assert entry.details["reason"].startswith("Isi berkas XLSX ini 600 MB setelah dibuka")


def test_a_file_over_the_size_cap_is_refused_on_the_command_line(tmp_path, settings):
    settings.HARAPAN_UPLOAD_MAX_MB = 1
    path = write(tmp_path, GOOD_FAMILIES * 4000)  # five rows of ~140 bytes, 20.000 times
    with pytest.raises(CommandError, match="Berkas terlalu besar .*; batasnya 1 MB"):
        run(path)
    assert Family.objects.count() == 0


def test_a_semicolon_separated_export_is_read_too(tmp_path):
    lines = [";".join(next(csv.reader([line]))) for line in [HEADER, *GOOD_FAMILIES]]
    path = tmp_path / "titik-koma.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run(path)
    assert Member.objects.count() == 5


def test_generated_files_import_cleanly(tmp_path):
    from harapan.testing import make_region as region

    for desa in ("1806012002", "1806012003"):
        region(desa)
    out = tmp_path / "sintetis.csv"
    call_command("generate_registry", "--families", "60", "--region", "18.06.01", "--seed", "5",
                 "--out", str(out), "--date", "2026-07-01", verbosity=0)  # fmt: skip
    again = tmp_path / "sintetis-2.csv"
    call_command("generate_registry", "--families", "60", "--region", "180601", "--seed", "5",
                 "--out", str(again), "--date", "2026-07-01", verbosity=0)  # fmt: skip
    assert out.read_bytes() == again.read_bytes()  # reproducible by seed
    run(out)
    assert Family.objects.count() == 60
    assert Member.objects.count() == sum(1 for _ in open(out, encoding="utf-8")) - 1
