import pytest

from harapan.lib import regioncode


@pytest.mark.parametrize(
    "given,expected",
    [("18", "18"), ("18.72", "1872"), ("18.72.01", "187201"), ("18.72.01.1001", "1872011001"),
     ("1872011001", "1872011001"), (" 18.06 ", "1806")],
)  # fmt: skip
def test_it_accepts_dotted_and_undotted_codes(given, expected):
    assert regioncode.normalize(given) == expected


@pytest.mark.parametrize("bad", ["", "1", "187", "18.7", "18.72.01.101", "18-72", "ab", "18.7201"])
def test_it_rejects_malformed_codes(bad):
    with pytest.raises(regioncode.InvalidRegionCode):
        regioncode.normalize(bad)


def test_levels_parents_and_dotted_form():
    assert [regioncode.level(c) for c in ("18", "1872", "187201", "1872011001")] == [1, 2, 3, 4]
    assert regioncode.parent("1872011001") == "187201"
    assert regioncode.parent("1872") == "18"
    assert regioncode.parent("18") is None
    assert regioncode.dotted("1872011001") == "18.72.01.1001"
    assert regioncode.ancestors("18.72.01") == ["18", "1872", "187201"]


def test_kota_and_kelurahan_are_read_from_the_code():
    assert regioncode.is_kota("1872") and not regioncode.is_kota("1806")
    assert regioncode.is_kelurahan("1872011001") and not regioncode.is_kelurahan("1806012001")
