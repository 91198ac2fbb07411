import pytest
from hypothesis import given
from hypothesis import strategies as st

from harapan.lib import regioncode
from harapan.lib.kk import InvalidKk, clean_kk, is_valid_kk, kk_region_code

KK = "1806010101250003"  # a family card issued in Kecamatan 18.06.01


@pytest.mark.parametrize(
    "written",
    [
        KK,
        " 1806 0101 0125 0003 ",
        "18.06.01.010125.0003",
        "180601-010125-0003",
        "1806010101250003\n",
    ],
)
def test_it_strips_spaces_dots_and_dashes(written):
    assert clean_kk(written) == KK


@pytest.mark.parametrize("written,count", [(KK[:15], 15), (KK + "1", 17)])
def test_it_rejects_a_kk_that_is_not_sixteen_digits_and_says_how_many(written, count):
    with pytest.raises(InvalidKk, match=f"^No KK harus 16 angka, tertulis {count}$"):
        clean_kk(written)


@pytest.mark.parametrize(
    "written", ["18060101012500O3", "KK1806010101250003", "180601/010125/0003"]
)
def test_it_rejects_letters_and_other_signs(written):
    with pytest.raises(InvalidKk, match="^No KK harus 16 angka, ada yang bukan angka"):
        clean_kk(written)


def test_it_rejects_a_kk_given_as_a_number():
    with pytest.raises(InvalidKk, match="teks"):
        clean_kk(1806010101250003)


@pytest.mark.parametrize("value", ["", None])
def test_it_calls_an_empty_kk_empty(value):
    with pytest.raises(InvalidKk, match="^No KK kosong$"):
        clean_kk(value)


def test_the_region_is_the_first_six_digits_and_a_kecamatan_code():
    assert kk_region_code(KK) == "180601"
    assert kk_region_code("18.06.01.010125.0003") == "180601"
    assert regioncode.level(kk_region_code(KK)) == regioncode.KECAMATAN
    assert regioncode.parent(kk_region_code(KK)) == "1806"


def test_the_region_of_an_invalid_kk_is_an_error():
    with pytest.raises(InvalidKk):
        kk_region_code(KK[:15])


@pytest.mark.parametrize(
    "value,expected",
    [(KK, True), ("1806 0101 0125 0003", True), (KK[:15], False), (KK + "1", False),
     ("", False), (None, False), (1806010101250003, False)],
)  # fmt: skip
def test_is_valid_kk(value, expected):
    assert is_valid_kk(value) is expected


@given(st.text(alphabet="0123456789 .-", max_size=24))
def test_clean_kk_accepts_exactly_sixteen_digits_among_separators(text):
    digits = "".join(c for c in text if c.isdigit())
    assert is_valid_kk(text) is (len(digits) == 16)
    if len(digits) == 16:
        assert clean_kk(text) == digits
        assert kk_region_code(text) == digits[:6]
