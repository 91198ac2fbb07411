"""graduation_candidates on an independent registry file, boundary birthdays included."""

import csv
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from harapan.registry.importing.engine import import_registry
from harapan.testing import DESA_A, DESA_B, KEC_A, make_nik, make_region

pytestmark = pytest.mark.django_db
DAY = date(2026, 7, 1)
FIELDS = ["id_keluarga", "no_kk", "kode_desa", "nik", "nama", "jenis_kelamin", "tanggal_lahir",
          "hubungan_keluarga", "hamil", "jenjang_pendidikan"]  # fmt: skip

# id → the members besides the head (born 1986, earning nothing):
# (birth date, sex, pregnant, school level)
FAMILIES = {
    "K01-turns6": [(date(2020, 7, 1), "L", "", "belum_sekolah")],  # 6 on the day: none now
    "K02-5yrs": [(date(2020, 7, 2), "P", "", "paud")],  # 6 the next day
    "K03-turns22": [(date(2004, 7, 1), "L", "", "sma")],  # 22 on the day: none now
    "K04-21yrs": [(date(2004, 7, 2), "P", "", "sma")],  # 22 the next day
    "K05-lansia": [(date(1956, 7, 1), "L", "", "lulus")],  # 70 on the day: lasts
    "K06-bridged": [
        (date(2021, 1, 1), "L", "", "belum_sekolah"),  # ends 2027-01-01 …
        (date(1956, 12, 1), "P", "", "lulus"),
    ],  # … but 70 on 2026-12-01
    "K07-march": [(date(2021, 3, 1), "P", "", "belum_sekolah")],  # ends 2027-03-01
    "K08-later": [(date(2022, 8, 1), "L", "", "belum_sekolah")],  # ends 2028-08-01: too late
    "K09-pregnant": [],  # the head's wife is pregnant: no end the registry knows
    "K10-sd-pupil": [(date(2014, 9, 1), "L", "", "sd")],  # 12: school to 2036
    "K11-nothing": [(date(2000, 1, 1), "L", "", "lulus")],  # nobody earns anything
}


def registry_file(path, families=FAMILIES):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        for n, (family_id, members) in enumerate(families.items(), start=1):
            kk = f"180601010126{n:04d}"
            people = [(date(1986, 2, 3), "L", "", "lulus", "kepala_keluarga")]
            if family_id == "K09-pregnant":
                people.append((date(1995, 4, 4), "P", "ya", "lulus", "istri"))
            people += [(*m, "anak") for m in members]
            for i, (born, sex, pregnant, level, relation) in enumerate(people):
                writer.writerow({
                    "id_keluarga": family_id, "no_kk": kk, "kode_desa": DESA_A,
                    "nik": make_nik(KEC_A, born, sex), "nama": f"Warga {n}-{i}",
                    "jenis_kelamin": sex, "tanggal_lahir": born.isoformat(),
                    "hubungan_keluarga": relation, "hamil": pregnant, "jenjang_pendidikan": level,
                })  # fmt: skip


def test_the_candidates_file_lists_exactly_the_right_families_and_dates(tmp_path):
    make_region(DESA_A)
    source = tmp_path / "registri.csv"
    registry_file(source)
    assert import_registry(source, file_name="registri.csv").imported
    out = tmp_path / "calon.csv"
    call_command("graduation_candidates", date=DAY.isoformat(), out=str(out))
    with open(out, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["id_keluarga", "jenis", "alasan", "tanggal_perkiraan"]
    assert {r["jenis"] for r in rows} == {"alamiah"}
    listed = [(r["id_keluarga"], r["tanggal_perkiraan"]) for r in rows]
    assert listed == [
        # no component on the day, in id order
        ("K01-turns6", ""), ("K03-turns22", ""), ("K11-nothing", ""),
        # then forecast within 12 months, earliest first
        ("K02-5yrs", "2026-07-02"), ("K04-21yrs", "2026-07-02"), ("K07-march", "2027-03-01"),
    ]  # fmt: skip
    assert "anak usia dini" in rows[3]["alasan"].lower()


def test_a_region_filter_and_a_bad_date(tmp_path):
    make_region(DESA_A)
    make_region(DESA_B)
    source = tmp_path / "registri.csv"
    registry_file(source)
    import_registry(source, file_name="registri.csv")
    out = tmp_path / "calon.csv"
    call_command("graduation_candidates", date=DAY.isoformat(), out=str(out), region="18.06.02")
    with open(out, encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 0
    with pytest.raises(CommandError, match="Tanggal tidak sah"):
        call_command("graduation_candidates", date="1/7/2026", out=str(out))


def test_the_forecast_reaches_twelve_months_to_the_day(tmp_path):
    make_region(DESA_A)
    source = tmp_path / "registri.csv"
    registry_file(source, {
        # A lone child not at school earns anak usia dini up to the sixth birthday.
        "K20-ends-0720": [(date(2021, 7, 20), "P", "", "belum_sekolah")],  # ends 2027-07-20
        "K21-ends-0801": [(date(2021, 8, 1), "L", "", "belum_sekolah")],  # ends 2027-08-01
        "K22-ends-0731": [(date(2021, 7, 31), "L", "", "belum_sekolah")],  # the last day in
    })  # fmt: skip
    assert import_registry(source, file_name="registri.csv").imported
    out = tmp_path / "calon.csv"
    call_command("graduation_candidates", date="2026-07-31", out=str(out))
    with open(out, encoding="utf-8") as handle:
        listed = [(r["id_keluarga"], r["tanggal_perkiraan"]) for r in csv.DictReader(handle)]
    assert listed == [("K20-ends-0720", "2027-07-20"), ("K22-ends-0731", "2027-07-31")]
