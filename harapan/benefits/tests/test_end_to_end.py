"""An independent registry file through import, compute and export, against a hand count."""

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from harapan.testing import make_region

pytestmark = pytest.mark.django_db

REGISTRY = """id_keluarga,no_kk,kode_desa,nik,nama,jenis_kelamin,tanggal_lahir,hubungan_keluarga,hamil,jenjang_pendidikan,disabilitas_berat,status_hidup
A-001,1806010101200001,18.06.01.2001,1806011010850001,Suparno,L,1985-10-10,kepala_keluarga,,,,
A-001,1806010101200001,18.06.01.2001,1806015212900002,Lastri,P,12-12-1990,istri,ya,,,
A-001,1806010101200001,18.06.01.2001,1806010501210003,Dimas,L,2021-01-05,anak,,belum_sekolah,,
A-001,1806010101200001,18.06.01.2001,1806014708220004,Nia,P,07/08/2022,anak,,paud,,
A-001,1806010101200001,18.06.01.2001,1806010305080005,Raka,L,2008-05-03,anak,,sma,,
A-001,1806010101200001,18.06.01.2001,1806014404150006,Ayu,P,2015-04-04,anak,,sd,,
A-002,1806010101200002,1806012001,1806010101400007,Mbah Darmo,L,1940-01-01,kepala_keluarga,,,ya,
A-002,1806010101200002,1806012001,1806014206450008,Mbah Sainah,P,1945-06-02,istri,,,,
A-003,1806010101200003,1806012001,1806010207030009,Joko,L,2003-07-02,kepala_keluarga,,sma,,
A-003,1806010101200003,1806012001,1806010107030010,Jaka,L,2003-07-01,famili_lain,,sma,,
A-004,1806010101200004,1806012001,1806011111800011,Paimin,L,1980-11-11,kepala_keluarga,,,,
A-004,1806010101200004,1806012001,1806010909120012,Tono,L,2012-09-09,anak,,smp,,meninggal
A-005,1806010101200005,1806012001,1806011212750013,Warsito,L,1975-12-12,kepala_keluarga,,,,
A-005,1806010101200005,1806012001,1806010101100014,Anak Satu,L,2010-01-01,anak,,smp,,
A-005,1806010101200005,1806012001,1806010202110015,Anak Dua,L,2011-02-02,anak,,smp,,
A-005,1806010101200005,1806012001,1806010303130016,Anak Tiga,L,2013-03-03,anak,,smp,,
A-005,1806010101200005,1806012001,1806010404140017,Anak Empat,L,2014-04-04,anak,,sd,,
A-005,1806010101200005,1806012001,1806014505160018,Anak Lima,P,2016-05-05,anak,,sd,,
"""
# Worked out by hand for stage III 2025 (reference date 1 July 2025):
# pregnant mother 750,000; Dimas (4) and Nia (2) early childhood 2 × 750,000;
#        Raka SMA 500,000 fills the 4th slot; Ayu SD is the 5th and is cut  = 2,750,000.
# Mbah Darmo (85) severe disability 600,000 (he is also a lansia: equal values,
#        disability first); Mbah Sainah (80) lansia 600,000; Darmo is older, listed
#        first                                                                 = 1,200,000.
# Joko is 21 (22 tomorrow) SMA 500,000; Jaka turned 22 on the date: nothing = 500,000.
# the SMP pupil died: nothing, no export row.
# four SMP-or-SD pupils of five: smp ×3 = 1,125,000 plus sd 225,000     = 1,350,000.
EXPECTED = [
    ["id_keluarga", "tahun", "tahap", "komponen", "jumlah"],
    ["A-001", "2025", "3", "ibu_hamil;anak_usia_dini;anak_usia_dini;sma", "2750000"],
    ["A-002", "2025", "3", "disabilitas_berat;lansia", "1200000"],
    ["A-003", "2025", "3", "sma", "500000"],
    ["A-005", "2025", "3", "smp;smp;smp;sd", "1350000"],
]


def test_import_compute_export_matches_the_hand_count(tmp_path):
    make_region("1806012001")
    registry = tmp_path / "registri.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    call_command("import_registry", str(registry), verbosity=0, stdout=StringIO())
    out = StringIO()
    call_command("compute_entitlements", "--year", "2025", "--stage", "3", stdout=out)
    assert "Penetapan baru: 5 keluarga, 4 menerima, total Rp 5,800,000" in out.getvalue()
    export = tmp_path / "penetapan.csv"
    call_command("export_entitlements", "--year", "2025", "--stage", "3", "--out", str(export),
                 stdout=StringIO())  # fmt: skip
    with open(export, encoding="utf-8", newline="") as handle:
        assert list(csv.reader(handle)) == EXPECTED
    out = StringIO()
    call_command("compute_entitlements", "--year", "2025", "--stage", "3", stdout=out)
    assert "Penetapan baru: 0 keluarga" in out.getvalue()


def test_commands_refuse_a_stage_that_does_not_exist(tmp_path):
    with pytest.raises(CommandError, match="Tahap harus"):
        call_command("compute_entitlements", "--year", "2025", "--stage", "5")
    with pytest.raises(CommandError, match="mulai 2020"):
        call_command("export_entitlements", "--year", "2019", "--stage", "1",
                     "--out", str(tmp_path / "x.csv"))  # fmt: skip
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("compute_entitlements", "--year", "2025", "--stage", "1", "--region", "99.99")


# DESIGN §4's example of a tie between members: the uncle's severe disability
# and the grandfather's old age are both worth 2,400,000 a year; the
# grandfather (born 1951) is older than the uncle (born 1981) and takes the
# fourth slot. The component tie order (disabilitas_berat before lansia) only
# decides which component one member earns.
TIE_REGISTRY = """id_keluarga,no_kk,kode_desa,nik,nama,jenis_kelamin,tanggal_lahir,hubungan_keluarga,hamil,jenjang_pendidikan,disabilitas_berat,status_hidup
B-001,1806010101200021,1806012001,1806011002940021,Budi,L,1994-02-10,kepala_keluarga,,,,
B-001,1806010101200021,1806012001,1806015503960022,Sari,P,1996-03-15,istri,ya,,,
B-001,1806010101200021,1806012001,1806012004220023,Andi,L,2022-04-20,anak,,belum_sekolah,,
B-001,1806010101200021,1806012001,1806014501240024,Rina,P,2024-01-05,anak,,belum_sekolah,,
B-001,1806010101200021,1806012001,1806010706810025,Slamet,L,1981-06-07,famili_lain,,,ya,
B-001,1806010101200021,1806012001,1806010103510026,Karto,L,1951-03-01,orang_tua,,,,
"""
# By hand for stage III 2025 (1 July 2025): Sari ibu_hamil 750,000; Andi (3) and
# Rina (1) anak_usia_dini 2 × 750,000; Karto (74) lansia and Slamet disabilitas_berat
# both 600,000 for the last of 4 slots: Karto is older. Budi earns nothing.
# 750,000 + 750,000 + 750,000 + 600,000 = 2,850,000, listed by value then age.


def test_an_older_members_lansia_beats_a_younger_members_disability_for_the_last_slot(tmp_path):
    make_region("1806012001")
    registry = tmp_path / "registri.csv"
    registry.write_text(TIE_REGISTRY, encoding="utf-8")
    call_command("import_registry", str(registry), verbosity=0, stdout=StringIO())
    call_command("compute_entitlements", year=2025, stage=3, stdout=StringIO())
    export = tmp_path / "penetapan.csv"
    call_command("export_entitlements", year=2025, stage=3, out=str(export), stdout=StringIO())
    with open(export, encoding="utf-8", newline="") as handle:
        assert list(csv.reader(handle)) == [
            ["id_keluarga", "tahun", "tahap", "komponen", "jumlah"],
            ["B-001", "2025", "3", "ibu_hamil;anak_usia_dini;anak_usia_dini;lansia", "2850000"],
        ]
