"""Provinces and regencies/cities: the Kemendagri codes and totals, a NIK's region, and matching what people type
(names, short forms used in Kalimantan, typos, kota vs kabupaten, a regency of another province)."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from bot.core.identity import PROVINCE_CODES
from bot.core.regions import (
    DATA_FILE,
    PROVINCE_ALIASES,
    REGENCY_ALIASES,
    Province,
    all_regencies,
    find_province,
    find_regency,
    from_nik,
    province_by_code,
    province_of_regency_named,
    provinces,
    regencies_of,
    regency_by_code,
)

KALIMANTAN = {
    "63": ["Kabupaten Tanah Laut", "Kabupaten Kotabaru", "Kabupaten Banjar", "Kabupaten Barito Kuala",
           "Kabupaten Tapin", "Kabupaten Hulu Sungai Selatan", "Kabupaten Hulu Sungai Tengah",
           "Kabupaten Hulu Sungai Utara", "Kabupaten Tabalong", "Kabupaten Tanah Bumbu", "Kabupaten Balangan",
           "Kota Banjarmasin", "Kota Banjarbaru"],
    "64": ["Kabupaten Paser", "Kabupaten Kutai Kartanegara", "Kabupaten Berau", "Kabupaten Kutai Barat",
           "Kabupaten Kutai Timur", "Kabupaten Penajam Paser Utara", "Kabupaten Mahakam Ulu", "Kota Balikpapan",
           "Kota Samarinda", "Kota Bontang"],
    "61": ["Kabupaten Sambas", "Kabupaten Mempawah", "Kabupaten Sanggau", "Kabupaten Ketapang", "Kabupaten Sintang",
           "Kabupaten Kapuas Hulu", "Kabupaten Bengkayang", "Kabupaten Landak", "Kabupaten Sekadau",
           "Kabupaten Melawi", "Kabupaten Kayong Utara", "Kabupaten Kubu Raya", "Kota Pontianak", "Kota Singkawang"],
    "62": ["Kabupaten Kotawaringin Barat", "Kabupaten Kotawaringin Timur", "Kabupaten Kapuas",
           "Kabupaten Barito Selatan", "Kabupaten Barito Utara", "Kabupaten Katingan", "Kabupaten Seruyan",
           "Kabupaten Sukamara", "Kabupaten Lamandau", "Kabupaten Gunung Mas", "Kabupaten Pulang Pisau",
           "Kabupaten Murung Raya", "Kabupaten Barito Timur", "Kota Palangka Raya"],
    "65": ["Kabupaten Bulungan", "Kabupaten Malinau", "Kabupaten Nunukan", "Kabupaten Tana Tidung", "Kota Tarakan"],
}
HOSTILE_INPUTS = ["", "   ", "😀", "🙏🙏🙏", "x" * 5000, "kota banjarmasin " * 300, "\x00\x01", "?!.,", "١٢٣٤",
                  "kota", "kab", "prov"]


def names(places) -> list[str]:
    return [place.name for place in places]


# The data: totals, codes, names


def test_the_totals_are_38_provinces_and_514_regencies_and_cities() -> None:
    assert len(provinces()) == 38
    regencies = all_regencies()
    assert len(regencies) == 514
    assert Counter(r.kind for r in regencies) == {"kabupaten": 416, "kota": 98}
    assert len({r.code for r in regencies}) == 514
    assert {r.province_code for r in regencies} == {p.code for p in provinces()}  # no province left empty


def test_codes_and_names_have_the_usual_form() -> None:
    for regency in all_regencies():
        assert regency.code == f"{regency.province_code}.{regency.code[3:]}" and len(regency.code) == 5
        assert regency.name.startswith("Kabupaten " if regency.kind == "kabupaten" else "Kota ")
        assert regency.name == regency.name.strip() and not regency.name.isupper()
    assert regency_by_code("62.71").name == "Kota Palangka Raya"


def test_the_nik_check_knows_every_province_and_include_papuas_2022_split() -> None:
    assert len(PROVINCE_CODES) == 38 and PROVINCE_CODES["63"] == "Kalimantan Selatan"
    assert PROVINCE_CODES["31"] == "DKI Jakarta" and PROVINCE_CODES["65"] == "Kalimantan Utara"
    assert [province_by_code(code).name for code in ("93", "94", "95", "96")] == [
        "Papua Selatan", "Papua Tengah", "Papua Pegunungan", "Papua Barat Daya"]


@pytest.mark.parametrize(("province_code", "kabupaten", "kota"),
                         [("63", 11, 2), ("64", 7, 3), ("61", 12, 2), ("62", 13, 1), ("65", 4, 1)])
def test_every_kalimantan_regency_and_city_is_there(province_code: str, kabupaten: int, kota: int) -> None:
    regencies = regencies_of(province_code)
    assert Counter(r.kind for r in regencies) == {"kabupaten": kabupaten, "kota": kota}
    assert sorted(names(regencies)) == sorted(KALIMANTAN[province_code])


def test_kalimantan_comes_first_then_the_rest_by_code() -> None:
    codes = [p.code for p in provinces()]
    assert codes[:5] == ["63", "64", "62", "61", "65"]
    assert codes[5:] == sorted(codes[5:])


def test_the_data_file_sits_in_the_package_and_names_its_source() -> None:
    assert DATA_FILE.parent.name == "data" and DATA_FILE.parent.parent.name == "core" and DATA_FILE.is_file()
    header = "".join(line for line in DATA_FILE.read_text(encoding="utf-8").splitlines(True) if line[0] == "#")
    for fact in ("idn-area-data 4.0.1", "Open Database License", "300.2.2-2138 Tahun 2025"):
        assert fact in header


def test_places_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        provinces()[0].name = "x"  # type: ignore[misc]


# Codes and NIKs


def test_lookups_by_code() -> None:
    assert province_by_code("63") == Province("63", "Kalimantan Selatan")
    assert province_by_code("99") is None and province_by_code("") is None
    assert regency_by_code("6371") == regency_by_code("63.71") == regency_by_code("63 71")
    assert regency_by_code("6371").name == "Kota Banjarmasin" and regency_by_code("6371").kind == "kota"
    assert regency_by_code("6399") is None and regency_by_code("637") is None and regency_by_code("") is None
    assert [r.code for r in regencies_of("65")] == ["65.01", "65.02", "65.03", "65.04", "65.71"]
    assert regencies_of("99") == ()


@pytest.mark.parametrize(("nik", "province", "regency"), [
    ("6371011708850001", "Kalimantan Selatan", "Kota Banjarmasin"),
    ("63.71.01.170885.0001", "Kalimantan Selatan", "Kota Banjarmasin"),
    ("6471010101050003", "Kalimantan Timur", "Kota Balikpapan"),
    ("6171 0101 0105 0003", "Kalimantan Barat", "Kota Pontianak"),
    ("6303010101900001", "Kalimantan Selatan", "Kabupaten Banjar"),
    ("9401010101900001", "Papua Tengah", "Kabupaten Nabire"),
])
def test_a_nik_gives_its_province_and_regency(nik: str, province: str, regency: str) -> None:
    found_province, found_regency = from_nik(nik)
    assert (found_province.name, found_regency.name) == (province, regency)


def test_a_nik_with_an_unknown_code() -> None:
    assert from_nik("6499010101900001") == (province_by_code("64"), None)  # e.g. a code from before a split
    for nik in ("9901010101900001", "", "ab71011708850001", "6"):
        assert from_nik(nik) is None


# Provinces as typed


@pytest.mark.parametrize(("typed", "code"), [
    ("Kalimantan Selatan", "63"), ("KALIMANTAN SELATAN", "63"), ("Provinsi Kalimantan Selatan", "63"),
    ("prov. kalsel", "63"), ("kalsel", "63"), ("Kal-Sel", "63"), ("kal sel", "63"), ("63", "63"),
    ("kaltim", "64"), ("kalbar", "61"), ("kalteng", "62"), ("kaltara", "65"), ("jatim", "35"), ("jabar", "32"),
    ("jateng", "33"), ("dki", "31"), ("jakarta", "31"), ("DKI Jakarta", "31"), ("sulsel", "73"), ("jogja", "34"),
    ("Daerah Istimewa Yogyakarta", "34"), ("ntb", "52"), ("papua barat daya", "96"),
])
def test_a_province_by_its_name_or_short_form(typed: str, code: str) -> None:
    result = find_province(typed)
    assert result.match.code == code and result.how in ("exact", "alias") and result.sure


@pytest.mark.parametrize(("typed", "code"), [("kalimantan selatn", "63"), ("kalimantan timr", "64"),
                                             ("kalimntan barat", "61"), ("klsel", "63"), ("jawa timu", "35")])
def test_a_misspelt_province_is_a_fuzzy_match_to_confirm(typed: str, code: str) -> None:
    result = find_province(typed)
    assert result.match.code == code and result.how == "fuzzy" and not result.sure
    assert result.suggestions[0] == result.match and len(result.suggestions) <= 4


def test_an_ambiguous_province_gives_suggestions_only() -> None:
    kalimantan = find_province("kalimantan")
    assert kalimantan.match is None
    assert [p.code for p in kalimantan.suggestions] == ["63", "64", "62", "61"]  # four at most, Kalimantan order
    assert {p.name for p in find_province("jawa").suggestions} == {"Jawa Barat", "Jawa Tengah", "Jawa Timur"}


def test_a_regency_typed_as_a_province_is_recognised_as_one() -> None:
    assert find_province("banjarmasin").match is None
    assert province_of_regency_named("banjarmasin") == (province_by_code("63"),)
    assert find_regency("banjarmasin", None).match.name == "Kota Banjarmasin"


# Regencies and cities as typed


@pytest.mark.parametrize("typed", ["Kota Banjarmasin", "KOTA BANJARMASIN", "kota  banjarmasin.", "Banjarmasin",
                                   "bjm", "kota bjm", "63.71", "6371", "kota banjarmasin, kalimantan selatan"])
def test_banjarmasin_however_it_is_written(typed: str) -> None:
    result = find_regency(typed, "63")
    assert result.match.name == "Kota Banjarmasin" and result.sure


@pytest.mark.parametrize(("typed", "province_code", "name"), [
    ("bjb", "63", "Kota Banjarbaru"), ("banjarbaru", "63", "Kota Banjarbaru"), ("banjar baru", "63", "Kota Banjarbaru"),
    ("hss", "63", "Kabupaten Hulu Sungai Selatan"), ("hst", "63", "Kabupaten Hulu Sungai Tengah"),
    ("hsu", "63", "Kabupaten Hulu Sungai Utara"), ("tanbu", "63", "Kabupaten Tanah Bumbu"),
    ("kotabaru", "63", "Kabupaten Kotabaru"), ("tala", "63", "Kabupaten Tanah Laut"),
    ("batola", "63", "Kabupaten Barito Kuala"), ("balangan", "63", "Kabupaten Balangan"),
    ("tabalong", "63", "Kabupaten Tabalong"), ("martapura", "63", "Kabupaten Banjar"),
    ("tanah laut kalsel", "63", "Kabupaten Tanah Laut"),
    ("kukar", "64", "Kabupaten Kutai Kartanegara"), ("kutim", "64", "Kabupaten Kutai Timur"),
    ("kubar", "64", "Kabupaten Kutai Barat"), ("smd", "64", "Kota Samarinda"), ("bpp", "64", "Kota Balikpapan"),
    ("ppu", "64", "Kabupaten Penajam Paser Utara"), ("ptk", "61", "Kota Pontianak"),
    ("kkr", "61", "Kabupaten Kubu Raya"), ("kubu raya", "61", "Kabupaten Kubu Raya"),
    ("palangkaraya", "62", "Kota Palangka Raya"), ("palangka raya", "62", "Kota Palangka Raya"),
    ("kobar", "62", "Kabupaten Kotawaringin Barat"), ("kotim", "62", "Kabupaten Kotawaringin Timur"),
    ("sampit", "62", "Kabupaten Kotawaringin Timur"), ("jaksel", "31", "Kota Administrasi Jakarta Selatan"),
    ("jakarta selatan", "31", "Kota Administrasi Jakarta Selatan"), ("solo", "33", "Kota Surakarta"),
])
def test_short_forms_and_names_people_use(typed: str, province_code: str, name: str) -> None:
    result = find_regency(typed, province_code)
    assert result.match.name == name and result.sure


@pytest.mark.parametrize(("typed", "province_code", "name"), [
    ("banjarmasn", "63", "Kota Banjarmasin"), ("banjarmsin", "63", "Kota Banjarmasin"),
    ("hulu sungai selatn", "63", "Kabupaten Hulu Sungai Selatan"), ("tapim", "63", "Kabupaten Tapin"),
    ("samrinda", "64", "Kota Samarinda"), ("kutai kertanegara", "64", "Kabupaten Kutai Kartanegara"),
    ("pontianal", "61", "Kota Pontianak"), ("plangkaraya", "62", "Kota Palangka Raya"),
])
def test_typos_give_a_fuzzy_match_with_it_first_among_the_suggestions(typed: str, province_code: str,
                                                                      name: str) -> None:
    result = find_regency(typed, province_code)
    assert result.match.name == name and result.how == "fuzzy" and not result.sure
    assert result.suggestions[0] == result.match


def test_spacing_alone_is_no_typo() -> None:
    assert find_regency("balik papan", "64").match.name == "Kota Balikpapan"
    assert find_regency("balik papan", "64").how == "exact"


def test_kota_or_kabupaten_of_the_same_name() -> None:
    assert find_regency("banjar", "63").match.name == "Kabupaten Banjar"  # a bare name: the kabupaten
    assert find_regency("Kab. Banjar", "63").match.name == "Kabupaten Banjar"
    assert find_regency("kota banjarbaru", "63").match.name == "Kota Banjarbaru"
    assert find_regency("Kabupaten Kutai Kartanegara", "64").match.name == "Kabupaten Kutai Kartanegara"
    assert find_regency("kota baru", "63").match.name == "Kabupaten Kotabaru"  # one name, not a city "Baru"
    bandung = find_regency("bandung", "32")
    assert bandung.match.name == "Kabupaten Bandung" and names(bandung.suggestions) == ["Kota Bandung"]
    assert find_regency("kota bandung", "32").match.name == "Kota Bandung"
    assert find_regency("kabupaten bandung", "32").suggestions == ()


def test_a_kind_that_does_not_exist_there_is_only_a_guess() -> None:
    kota_banjar = find_regency("kota banjar", "63")  # Kalimantan Selatan has no Kota Banjar; Jawa Barat has
    assert kota_banjar.match.name == "Kabupaten Banjar" and kota_banjar.how == "fuzzy"
    assert [(r.name, r.province_code) for r in kota_banjar.elsewhere] == [("Kota Banjar", "32")]
    assert find_regency("kab banjarmasin", "63").match.name == "Kota Banjarmasin"


def test_a_regency_of_another_province_is_refused_with_its_province_named() -> None:
    samarinda = find_regency("samarinda", "63")
    assert samarinda.match is None and names(samarinda.elsewhere) == ["Kota Samarinda"]
    assert province_by_code(samarinda.elsewhere[0].province_code).name == "Kalimantan Timur"
    assert province_of_regency_named("samarinda") == (province_by_code("64"),)
    assert names(find_regency("bjm", "64").elsewhere) == ["Kota Banjarmasin"]
    assert names(find_regency("balikpapn", "63").elsewhere) == ["Kota Balikpapan"]  # misspelt, still found
    assert names(find_regency("6471", "63").elsewhere) == ["Kota Balikpapan"]
    assert [p.name for p in province_of_regency_named("banjar")] == ["Kalimantan Selatan", "Jawa Barat"]
    assert province_of_regency_named("kota banjar")[0].name == "Jawa Barat"
    assert province_of_regency_named("asdf") == ()


def test_a_province_typed_for_a_regency_matches_none_and_is_a_province() -> None:
    for typed, code in (("kalimantan selatan", "63"), ("kalsel", "63"), ("jawa timur", "35")):
        assert find_regency(typed, "33").match is None and find_regency(typed, code).match is None
        assert find_province(typed).match.code == code


def test_nearest_names_for_did_you_mean() -> None:
    kutai = find_regency("kutai", "64")
    assert kutai.match is None
    assert set(names(kutai.suggestions)) == {"Kabupaten Kutai Kartanegara", "Kabupaten Kutai Barat",
                                             "Kabupaten Kutai Timur"}
    hulu_sungai = find_regency("hulu sungai", "63")
    assert {r.code for r in hulu_sungai.suggestions} == {"63.06", "63.07", "63.08"}
    assert set(names(find_regency("barito", "62").suggestions)) == {
        "Kabupaten Barito Selatan", "Kabupaten Barito Utara", "Kabupaten Barito Timur"}
    assert all(r.province_code == "63" for r in find_regency("banjarmsn", "63").suggestions)
    assert len(find_regency("kab", "63").suggestions) <= 4


@pytest.mark.parametrize("typed", HOSTILE_INPUTS)
def test_odd_input_matches_nothing_without_error(typed: str) -> None:
    for result in (find_province(typed), find_regency(typed, "63"), find_regency(typed, None)):
        assert result.match is None and result.elsewhere == ()
    assert from_nik(typed) is None
    assert province_of_regency_named(typed) == ()
    if len(typed) > 100:
        assert find_regency(typed, "63").suggestions == () and find_province(typed).suggestions == ()


def test_an_unknown_province_code_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown province"):
        find_regency("banjarmasin", "99")


# Every name and alias in the data, round trip


def test_every_name_finds_itself() -> None:
    for province in provinces():
        assert find_province(province.name).match == province
    for regency in all_regencies():
        assert find_regency(regency.name, regency.province_code).match == regency
        assert find_regency(regency.name, None).match == regency
        bare = find_regency(regency.short_name, regency.province_code)
        same_name = [r for r in regencies_of(regency.province_code) if r.short_name == regency.short_name]
        assert bare.match == (regency if len(same_name) == 1 else next(r for r in same_name if r.kind == "kabupaten"))


def test_every_alias_finds_its_own_place() -> None:
    for code, aliases in PROVINCE_ALIASES.items():
        for alias in aliases:
            assert find_province(alias).match == province_by_code(code), alias
    for code, aliases in REGENCY_ALIASES.items():
        regency = regency_by_code(code)
        for alias in aliases:
            assert find_regency(alias, regency.province_code).match == regency, alias
