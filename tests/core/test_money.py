"""Reading rupiah amounts as people type them: whole messages (parse_rupiah) and inside questions (find_rupiah)."""

from __future__ import annotations

import pytest

from bot.core.money import MAX_VALUE, find_rupiah, parse_rupiah

DIGIT_SPELLINGS = [
    ("2000000", 2_000_000),
    ("2.000.000", 2_000_000),
    ("2,000,000", 2_000_000),
    ("Rp2.000.000", 2_000_000),
    ("Rp 2.000.000", 2_000_000),
    ("rp. 2.000.000", 2_000_000),
    ("Rp.2.000.000", 2_000_000),
    ("RP 2.000.000", 2_000_000),
    ("IDR 2,000,000", 2_000_000),
    ("idr2000000", 2_000_000),
    ("1.500.000,-", 1_500_000),
    ("1.500.000,00", 1_500_000),
    ("1500000,00", 1_500_000),
    ("2,000,000.00", 2_000_000),
    ("Rp 1.500.000,-", 1_500_000),
    ("1.500.000.", 1_500_000),
    ("１５０００００", 1_500_000),  # full-width digits
    ("  Rp   2.000.000  ", 2_000_000),
    ("0", 0),
    ("50", 50),
]

UNIT_SPELLINGS = [
    ("2 juta", 2_000_000),
    ("2jt", 2_000_000),
    ("2 jt", 2_000_000),
    ("2JT", 2_000_000),
    ("2juta", 2_000_000),
    ("2 jta", 2_000_000),
    ("2   Juta", 2_000_000),
    ("1,5 jt", 1_500_000),
    ("1.5 jt", 1_500_000),
    ("1,5juta", 1_500_000),
    ("2,25 juta", 2_250_000),
    ("1,25 jt", 1_250_000),
    ("0,5 juta", 500_000),
    ("500 ribu", 500_000),
    ("500rb", 500_000),
    ("500 rb", 500_000),
    ("750k", 750_000),
    ("750 K", 750_000),
    ("1 juta 500 ribu", 1_500_000),
    ("1jt 500rb", 1_500_000),
    ("2 ribu 500", 2_500),
    ("sejuta", 1_000_000),
    ("setengah juta", 500_000),
    ("2 jutaan", 2_000_000),
    ("2jtan", 2_000_000),
    ("500 ribuan", 500_000),
    ("Rp 2 juta", 2_000_000),
    ("1.500 ribu", 1_500_000),
    ("2 miliar", 2_000_000_000),
]

WORD_SPELLINGS = [
    ("satu juta", 1_000_000),
    ("dua juta", 2_000_000),
    ("satu setengah juta", 1_500_000),
    ("dua setengah juta", 2_500_000),
    ("sejuta setengah", 1_500_000),
    ("dua juta setengah", 2_500_000),
    ("tiga ratus ribu", 300_000),
    ("lima ratus ribu", 500_000),
    ("5 ratus ribu", 500_000),
    ("seratus ribu", 100_000),
    ("seribu", 1_000),
    ("seribu lima ratus", 1_500),
    ("sepuluh juta", 10_000_000),
    ("sebelas juta", 11_000_000),
    ("dua belas juta", 12_000_000),
    ("dua puluh lima juta", 25_000_000),
    ("seratus dua puluh lima ribu", 125_000),
    ("sembilan ratus sembilan puluh sembilan ribu", 999_000),
    ("satu juta dua ratus ribu", 1_200_000),
    ("sejuta lima ratus ribu", 1_500_000),
    ("Satu Juta", 1_000_000),
    ("lima", 5),
    ("nol", 0),
]

SUFFIXED_SPELLINGS = [
    ("2 juta per bulan", 2_000_000),
    ("2 juta perbulan", 2_000_000),
    ("2 juta sebulan", 2_000_000),
    ("2jt/bln", 2_000_000),
    ("2 jt / bulan", 2_000_000),
    ("Rp 1.500.000,- per bulan", 1_500_000),
    ("1.500.000 rupiah", 1_500_000),
    ("dua juta sebulan", 2_000_000),
]


@pytest.mark.parametrize(("text", "expected"), DIGIT_SPELLINGS + UNIT_SPELLINGS + WORD_SPELLINGS + SUFFIXED_SPELLINGS)
def test_parse_rupiah_understands_spellings(text: str, expected: int) -> None:
    assert parse_rupiah(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("1.500", 1_500),  # one separator and three digits: thousands
    ("1,500", 1_500),
    ("12.500", 12_500),
    ("1,5", None),  # one or two digits: a decimal, which means nothing without a unit
    ("1,50", None),
    ("1.5", None),
    ("1,5 juta", 1_500_000),
    ("1,50 juta", 1_500_000),
    ("1.500 jt", 1_500_000_000),
    ("1.5000", None),  # neither thousands nor cents
    ("1500.000", None),  # a thousands group of four digits
    ("1.500,000.5", None),  # separators used both ways
    ("1.500.000,5", None),  # half a rupiah
    ("1.500.000,555", None),
    ("1,5,-", None),
    ("1,333 juta", 1_333_000_000),
])
def test_parse_rupiah_separator_ambiguity(text: str, expected: int | None) -> None:
    assert parse_rupiah(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("-500000", -500_000),
    ("-500.000", -500_000),
    ("-Rp 500.000", -500_000),
    ("Rp -500.000", -500_000),
    ("-2 juta", -2_000_000),
    ("\u2212500000", -500_000),  # the typographic minus sign
    ("--500000", None),
    ("-", None),
])
def test_parse_rupiah_negative_amounts(text: str, expected: int | None) -> None:
    assert parse_rupiah(text) == expected


@pytest.mark.parametrize("text", [
    "", "   ", "abc", "😀", "2 juta 😀", "berapa ya", "2 juta 3 juta", "2000000 3000000", "1 juta 1500 ribu",
    "gaji saya 2 juta", "banyak lah", "juta", "rp", "Rp.", "k", "setengah", "ribu juta", "2 juta ribu",
    "1,5", "1,5 juta 200 ribu", "sejuta lima ratus", "1 juta 500", "1.2m", "2 m", "2 - 3 juta", "10%",
    "dua tiga", "lima lima juta", "1/2 juta", "2 juta.5",
])
def test_parse_rupiah_rejects_what_is_not_one_amount(text: str) -> None:
    assert parse_rupiah(text) is None


def test_parse_rupiah_size_limits() -> None:
    assert parse_rupiah(str(MAX_VALUE)) == MAX_VALUE
    assert parse_rupiah(str(MAX_VALUE + 1)) is None
    assert parse_rupiah("2000000000 juta") is None
    assert parse_rupiah("1" * 101) is None
    assert parse_rupiah("Rp 2.000.000" + " " * 88) == 2_000_000  # 100 characters
    assert parse_rupiah("Rp 2.000.000" + " " * 89) is None


def test_parse_rupiah_returns_exact_ints() -> None:
    value = parse_rupiah("1,1 juta")  # 1.1 is not exact as a float
    assert value == 1_100_000 and type(value) is int


@pytest.mark.parametrize(("text", "expected"), [
    ("iuran kalau penghasilan 2 juta berapa", 2_000_000),
    ("gaji sy 1,5jt sebulan brp iurannya", 1_500_000),
    ("penghasilan saya Rp 2.500.000 per bulan", 2_500_000),
    ("kalau gaji satu setengah juta", 1_500_000),
    ("gaji 1500000 iurannya berapa", 1_500_000),
    ("gaji 1.500.000", 1_500_000),
    ("gaji 2,000,000 berapa", 2_000_000),
    ("penghasilan 12500 sehari", 12_500),  # five digits
    ("iuran kalau gaji 500rb?", 500_000),
    ("gajinya 750k.", 750_000),
    ("Berapa iuran utk GAJI 2JT", 2_000_000),
    ("kalau bayar Rp 50 saja", 50),  # "Rp" makes a small number money
    ("gaji sejuta lima ratus ribu", 1_500_000),
    ("gaji dua juta, umur 56 tahun, bayar 3 bulan sekaligus", 2_000_000),
    ("anak 2 gaji 3 juta", 3_000_000),
    ("tahun 2026 gaji 4 juta", 4_000_000),
    ("gaji 2 juta, ya 2 juta", 2_000_000),  # the same amount twice is still one amount
    ("2 juta", 2_000_000),
    ("jam 08.30 gaji 1 juta", 1_000_000),
])
def test_find_rupiah_finds_the_amount_in_a_sentence(text: str, expected: int) -> None:
    assert find_rupiah(text) == expected


@pytest.mark.parametrize("text", [
    "", "berapa iurannya", "bayar 3 bulan sekaligus", "12 bulan", "umur 56 tahun", "umur 56", "175", "anak 2",
    "tahun 2026", "2 orang", "anak dua orang", "bisa bayar 1,5 bulan?", "😀", "gaji 2 juta atau 3 juta",
    "gaji antara 1 juta sampai 2 juta", "gaji 2-3 juta", "gaji 2 sampai 3 juta", "nomor saya 081234567890",
    "tanggal 17.08.2025", "gaji 2 juta " + "x" * 1000,
])
def test_find_rupiah_ignores_what_is_not_one_amount_of_money(text: str) -> None:
    assert find_rupiah(text) is None
