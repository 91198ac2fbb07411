from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harapan.lib import regioncode
from harapan.lib.nik import (
    InvalidNik,
    NikParts,
    birth_date,
    clean_nik,
    is_valid_nik,
    make_nik,
    mask_nik,
    matches_birth_date,
    matches_sex,
    parse_nik,
    shown_nik,
)

# Kecamatan 18.06.01 (Kab. Tanggamus); a man born 17-05-1985, and a woman born the same day.
MAN = "1806011705850012"
WOMAN = "1806015705850012"
TODAY = date(2025, 6, 15)


def nik(day="17", month="05", year="85", sequence="0012", region="180601") -> str:
    return f"{region}{day}{month}{year}{sequence}"


kecamatan_codes = st.builds(
    lambda province, rest: f"{province:02d}{rest:04d}", st.integers(11, 99), st.integers(0, 9999)
)
sexes = st.sampled_from("LP")
sequences = st.integers(1, 9999)


# clean_nik


@pytest.mark.parametrize(
    "written",
    ["1806011705850012", " 1806 0117 0585 0012 ", "18.06.01.170585.0012", "180601-170585-0012",
     "1806011705850012\n", "1806\t0117\u00a005850012"],
)  # fmt: skip
def test_it_strips_spaces_dots_and_dashes(written):
    assert clean_nik(written) == MAN


@pytest.mark.parametrize("written,count", [(MAN[:15], 15), (MAN + "3", 17), ("1", 1)])
def test_it_rejects_a_nik_that_is_not_sixteen_digits_and_says_how_many(written, count):
    with pytest.raises(InvalidNik, match=f"^NIK harus 16 angka, tertulis {count}$"):
        clean_nik(written)


@pytest.mark.parametrize(
    "written",
    ["18060117O5850012", "180601l705850012", "1806011705850012a", "180601/170585/0012",
     "'1806011705850012", "١٨٠٦٠١١٧٠٥٨٥٠٠١٢"],
)  # fmt: skip
def test_it_rejects_letters_and_other_signs(written):
    with pytest.raises(InvalidNik, match="bukan angka"):
        clean_nik(written)


def test_it_names_the_sign_that_is_not_a_digit():
    with pytest.raises(InvalidNik, match="'O'"):
        clean_nik("18060117O5850012")


@pytest.mark.parametrize("value", ["", "  ", "-", None])
def test_it_calls_an_empty_nik_empty(value):
    with pytest.raises(InvalidNik, match="^NIK kosong$"):
        clean_nik(value)


@pytest.mark.parametrize("value", [1806011705850012, 1.806011705850012e15])
def test_it_rejects_a_nik_given_as_a_number(value):
    # Spreadsheets keep 15 significant digits, so a numeric NIK has lost its last one.
    with pytest.raises(InvalidNik, match="teks"):
        clean_nik(value)


# parse_nik


def test_it_reads_a_man_s_nik():
    assert parse_nik(MAN) == NikParts(
        region_code="180601", day=17, month=5, year2=85, sex="L", sequence=12
    )


def test_it_reads_a_woman_s_nik_with_forty_taken_off_the_day():
    parts = parse_nik(WOMAN)
    assert (parts.day, parts.sex) == (17, "P")


def test_it_parses_formatted_input():
    assert parse_nik("18.06.01 570585 0012") == parse_nik(WOMAN)


@pytest.mark.parametrize(
    "day,expected",
    [("01", (1, "L")), ("31", (31, "L")), ("41", (1, "P")), ("71", (31, "P"))],
)  # fmt: skip
def test_the_day_boundaries_that_are_accepted(day, expected):
    parts = parse_nik(nik(day=day))
    assert (parts.day, parts.sex) == expected


@pytest.mark.parametrize("day", ["00", "32", "39", "40", "72", "99"])
def test_it_rejects_days_outside_1_31_and_41_71(day):
    with pytest.raises(InvalidNik, match=f"tanggal lahir {day}"):
        parse_nik(nik(day=day))


@pytest.mark.parametrize("month", ["01", "12"])
def test_it_accepts_months_1_to_12(month):
    assert parse_nik(nik(month=month)).month == int(month)


@pytest.mark.parametrize("month", ["00", "13"])
def test_it_rejects_months_outside_1_12(month):
    with pytest.raises(InvalidNik, match=f"bulan lahir {month}"):
        parse_nik(nik(month=month))


def test_it_rejects_sequence_0000():
    with pytest.raises(InvalidNik, match="nomor urut 0000"):
        parse_nik(nik(sequence="0000"))


@pytest.mark.parametrize("sequence", ["0001", "9999"])
def test_it_accepts_sequences_from_0001(sequence):
    assert parse_nik(nik(sequence=sequence)).sequence == int(sequence)


@pytest.mark.parametrize("province", ["00", "01", "10"])
def test_it_rejects_a_province_below_11(province):
    with pytest.raises(InvalidNik, match=f"kode provinsi {province}"):
        parse_nik(nik(region=f"{province}0601"))


@pytest.mark.parametrize("province", ["11", "18", "99"])
def test_it_accepts_provinces_11_to_99(province):
    assert parse_nik(nik(region=f"{province}0601")).region_code == f"{province}0601"


def test_it_names_every_problem_at_once():
    with pytest.raises(InvalidNik) as raised:
        parse_nik(nik(day="40", month="13", sequence="0000"))
    message = str(raised.value)
    assert "tanggal lahir 40" in message and "bulan lahir 13" in message
    assert "nomor urut 0000" in message


def test_it_accepts_day_31_of_february_which_birth_date_then_leaves_out():
    # A NIK's day and month are checked one by one: 31-02 is a NIK, but not a date.
    assert parse_nik(nik(day="31", month="02")).day == 31
    assert birth_date(nik(day="31", month="02"), today=TODAY) is None
    assert birth_date(nik(day="71", month="02"), today=TODAY) is None


def test_it_accepts_a_nik_region_of_any_province():
    # People move: a NIK from Aceh (11) in a Lampung family is normal, not an error.
    assert is_valid_nik(nik(region="110101"))


# birth_date


def test_29_february_is_a_date_in_a_leap_year_only():
    assert birth_date(nik(day="29", month="02", year="24"), today=TODAY) == date(2024, 2, 29)
    assert birth_date(nik(day="69", month="02", year="96"), today=TODAY) == date(1996, 2, 29)
    assert birth_date(nik(day="29", month="02", year="23"), today=TODAY) is None
    assert birth_date(nik(day="69", month="02", year="97"), today=TODAY) is None


def test_29_february_00_depends_on_the_century():
    # 2000 was a leap year, 1900 was not.
    assert birth_date(nik(day="29", month="02", year="00"), today=TODAY) == date(2000, 2, 29)
    assert birth_date(nik(day="29", month="02", year="00"), today=date(1999, 12, 31)) is None


@pytest.mark.parametrize(
    "year,day,month,expected",
    [("85", "17", "05", date(1985, 5, 17)),  # after today's 25
     ("26", "01", "01", date(1926, 1, 1)),
     ("00", "01", "01", date(2000, 1, 1)),
     ("24", "31", "12", date(2024, 12, 31)),
     ("25", "15", "06", date(2025, 6, 15)),  # today
     ("25", "16", "06", date(1925, 6, 16)),  # later this year: not yet born in 2025
     ("99", "01", "01", date(1999, 1, 1))],
)  # fmt: skip
def test_it_puts_the_year_in_the_hundred_years_up_to_today(year, day, month, expected):
    assert birth_date(nik(day=day, month=month, year=year), today=TODAY) == expected


def test_birth_date_takes_forty_off_a_woman_s_day():
    assert birth_date(WOMAN, today=TODAY) == date(1985, 5, 17)


def test_birth_date_rejects_an_invalid_nik():
    with pytest.raises(InvalidNik):
        birth_date(nik(month="13"), today=TODAY)


# matches_birth_date, matches_sex


def test_it_matches_the_birth_date_written_in_the_nik():
    assert matches_birth_date(MAN, date(1985, 5, 17))
    assert matches_birth_date(WOMAN, date(1985, 5, 17))
    assert not matches_birth_date(MAN, date(1985, 5, 18))
    assert not matches_birth_date(MAN, date(1985, 6, 17))
    assert not matches_birth_date(MAN, date(1986, 5, 17))


def test_matching_the_birth_date_needs_no_century():
    assert matches_birth_date(MAN, date(1885, 5, 17))
    assert matches_birth_date(nik(year="25"), date(1925, 5, 17))
    assert matches_birth_date(nik(year="25"), date(2025, 5, 17))


def test_it_matches_the_sex_by_the_day_over_40():
    assert matches_sex(MAN, "L") and not matches_sex(MAN, "P")
    assert matches_sex(WOMAN, "P") and not matches_sex(WOMAN, "L")
    assert matches_sex(nik(day="31"), "L") and matches_sex(nik(day="41"), "P")


@pytest.mark.parametrize("sex", ["l", "p", "X", "", "LP", "perempuan"])
def test_it_refuses_a_sex_other_than_l_or_p(sex):
    with pytest.raises(ValueError, match="L atau P"):
        matches_sex(MAN, sex)


# make_nik


def test_make_nik_writes_a_man_and_a_woman():
    assert make_nik("180601", date(1985, 5, 17), "L", 12) == MAN
    assert make_nik("18.06.01", date(1985, 5, 17), "P", 12) == WOMAN
    assert make_nik("187201", date(2003, 1, 9), "P", 1) == "1872014901030001"


@pytest.mark.parametrize("sequence", [0, -1, 10000])
def test_make_nik_refuses_a_sequence_outside_1_9999(sequence):
    with pytest.raises(ValueError, match="Nomor urut"):
        make_nik("180601", date(1985, 5, 17), "L", sequence)


@pytest.mark.parametrize("code", ["18", "1806", "1806012001", "18.06.0"])
def test_make_nik_refuses_anything_but_a_kecamatan_code(code):
    with pytest.raises(regioncode.InvalidRegionCode):
        make_nik(code, date(1985, 5, 17), "L", 1)


def test_make_nik_refuses_what_parse_nik_would_refuse():
    with pytest.raises(InvalidNik, match="kode provinsi"):
        make_nik("010601", date(1985, 5, 17), "L", 1)
    with pytest.raises(ValueError, match="L atau P"):
        make_nik("180601", date(1985, 5, 17), "W", 1)


# mask_nik, is_valid_nik


def test_it_masks_all_but_the_kecamatan_and_the_last_two_digits():
    assert mask_nik(MAN) == "180601********12"
    assert mask_nik("1806 0157 0585 0012") == "180601********12"


def test_it_refuses_to_mask_what_is_not_sixteen_digits():
    with pytest.raises(InvalidNik):
        mask_nik(MAN[:15])


@pytest.mark.parametrize(
    "value,expected",
    [(MAN, True), (WOMAN, True), ("1806 0117 0585 0012", True), (MAN[:15], False),
     (nik(day="40"), False), (nik(sequence="0000"), False), ("", False), (None, False),
     (1806011705850012, False)],
)  # fmt: skip
def test_is_valid_nik(value, expected):
    assert is_valid_nik(value) is expected


# properties


@given(kecamatan_codes, st.dates(), sexes, sequences)
def test_parse_nik_reads_back_what_make_nik_wrote(kecamatan, born, sex, sequence):
    parts = parse_nik(make_nik(kecamatan, born, sex, sequence))
    assert parts == NikParts(kecamatan, born.day, born.month, born.year % 100, sex, sequence)


@given(kecamatan_codes, st.dates(), sexes, sequences)
def test_a_made_nik_matches_its_birth_date_and_sex(kecamatan, born, sex, sequence):
    made = make_nik(kecamatan, born, sex, sequence)
    assert matches_birth_date(made, born)
    assert matches_sex(made, sex)
    assert not matches_sex(made, "P" if sex == "L" else "L")


@given(st.dates(date(1950, 1, 1), date(2090, 12, 31)), st.data(), sexes)
def test_birth_date_is_exact_within_the_last_hundred_years(today, data, sex):
    born = data.draw(st.dates(date(today.year - 99, 1, 1), today))
    assert birth_date(make_nik("180601", born, sex, 1), today=today) == born


@given(kecamatan_codes, st.dates(), sexes, sequences)
def test_mask_nik_keeps_sixteen_characters_and_hides_the_middle(kecamatan, born, sex, sequence):
    made = make_nik(kecamatan, born, sex, sequence)
    masked = mask_nik(made)
    assert len(masked) == 16
    assert masked == made[:6] + "********" + made[14:]


@given(st.from_regex(r"[0-9]{16}", fullmatch=True), st.from_regex(r"[0-9]{8}", fullmatch=True))
def test_the_mask_is_the_same_whatever_the_middle_digits(number, other_middle):
    assert mask_nik(number) == mask_nik(number[:6] + other_middle + number[14:])
    assert not any(c.isdigit() for c in mask_nik(number)[6:14])


# Mostly digits, so that some draws have exactly 16 of them.
nik_like_text = st.one_of(
    st.text(alphabet="0123456789 .-", min_size=12, max_size=22),
    st.text(alphabet="0123456789 .-O", min_size=12, max_size=22),
    st.text(),
)


@given(nik_like_text)
def test_clean_nik_accepts_exactly_the_strings_with_sixteen_digits_and_separators(text):
    digits = [c for c in text if c in "0123456789"]
    others = [c for c in text if c not in "0123456789" and not (c in ".-" or c.isspace())]
    try:
        cleaned = clean_nik(text)
    except InvalidNik:
        assert len(digits) != 16 or others
    else:
        assert len(digits) == 16 and not others
        assert cleaned == "".join(digits)


def test_shown_nik_masks_for_roles_without_access_even_a_malformed_one():
    assert shown_nik("1806014505850001", full=True) == "1806014505850001"
    assert shown_nik("1806014505850001", full=False) == "180601********01"
    assert shown_nik("18060145058500", full=False) == "180601********"
