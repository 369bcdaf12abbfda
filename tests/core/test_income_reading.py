"""Incomes as people answer "what is your monthly income?": ranges, approximations and English amounts.

The amount to price is the lowest figure said (never more than the user said); the reading says how it was read.
"""

from __future__ import annotations

import time

import pytest

from bot.core.money import (
    APPROXIMATE,
    EXACT,
    RANGE,
    IncomeReading,
    find_income,
    find_rupiah,
    m_is_ambiguous,
    parse_income,
    parse_rupiah,
)

RANGES = [
    ("kadang 700 ribu kadang 1 juta", 700_000, 1_000_000),
    ("kadang-kadang 500rb kadang 1jt", 500_000, 1_000_000),
    ("1-2 juta", 1_000_000, 2_000_000),
    ("1 - 2 jt", 1_000_000, 2_000_000),
    ("1–2 juta", 1_000_000, 2_000_000),  # an en dash
    ("antara 800rb sampai 1,2jt", 800_000, 1_200_000),
    ("antara 1 dan 2 juta", 1_000_000, 2_000_000),
    ("ga tentu, 500rb - 1jt", 500_000, 1_000_000),
    ("tidak tentu 500 ribu sampai 1 juta", 500_000, 1_000_000),
    ("700-1jt", 700_000, 1_000_000),  # the low end takes the unit that keeps it below the high end
    ("700 sampai 1,5 juta", 700_000, 1_500_000),
    ("1,5-2jt", 1_500_000, 2_000_000),
    ("1 s/d 2 juta", 1_000_000, 2_000_000),
    ("1 s.d. 2 juta", 1_000_000, 2_000_000),
    ("2 juta atau 3 juta", 2_000_000, 3_000_000),
    ("Rp 800.000 - Rp 1.200.000", 800_000, 1_200_000),
    ("1jt sampe 1,5jt", 1_000_000, 1_500_000),
    ("1 juta - 700 ribu", 700_000, 1_000_000),  # the other way round: still the lowest
    ("between 1 and 2 million", 1_000_000, 2_000_000),
    ("1.5 to 2 million", 1_500_000, 2_000_000),
    ("sometimes 700k sometimes 1 million", 700_000, 1_000_000),
    ("from 800 thousand to 1.2 million", 800_000, 1_200_000),
]


@pytest.mark.parametrize(("text", "low", "high"), RANGES)
def test_a_range_is_priced_at_its_lowest_figure(text: str, low: int, high: int) -> None:
    reading = parse_income(text, "en" if "million" in text or "thousand" in text else "id")
    assert reading == IncomeReading(low, high, RANGE)
    assert reading.amount == low


APPROXIMATIONS = [
    ("sekitar sejutaan", 1_000_000),
    ("sejutaan", 1_000_000),
    ("sejuta lebih dikit", 1_000_000),
    ("2 jutaan", 2_000_000),
    ("2jtan", 2_000_000),
    ("500 ribuan", 500_000),
    ("paling 1,5 an", 1_500_000),  # a bare small number with "-an": about that many juta
    ("paling 1,5an", 1_500_000),
    ("500an", 500_000),  # 100 to 999 with "-an": about that many ribu
    ("kira-kira 2 juta", 2_000_000),
    ("kurang lebih 1,5 jt", 1_500_000),
    ("sekitar Rp 2.000.000", 2_000_000),
    ("2 juta lebih", 2_000_000),
    ("rata-rata 1,2 juta", 1_200_000),
    ("around 1.5 million", 1_500_000),
    ("about 2 million", 2_000_000),
    ("roughly 800k", 800_000),
]


@pytest.mark.parametrize(("text", "amount"), APPROXIMATIONS)
def test_an_approximate_amount_is_read_as_that_amount_and_marked_approximate(text: str, amount: int) -> None:
    assert parse_income(text, "en") == IncomeReading(amount, amount, APPROXIMATE)


@pytest.mark.parametrize(("text", "amount"), [
    ("2 juta", 2_000_000),
    ("Rp 1.500.000", 1_500_000),
    ("gaji saya 2 juta", 2_000_000),
    ("penghasilan saya 1,5jt per bulan", 1_500_000),
    ("my income is 1.5 million a month", 1_500_000),
    ("1500000", 1_500_000),
    ("2", 2),  # the flow asks what "2" means: the reading does not guess
])
def test_a_plain_amount_is_exact(text: str, amount: int) -> None:
    assert parse_income(text, "en") == IncomeReading(amount, amount, EXACT)


@pytest.mark.parametrize("text", [
    "", "ga tentu", "berapa ya", "😀", "2 juta tapi istri 1 juta", "2 juta 3 juta", "1/2 juta", "2 orang 1 juta",
    "gaji 2 juta anak 3", "1,5 - 2", "x" * 201, "1,5m", "2 juta " + "ya " * 80,
])
def test_what_is_not_one_income_is_not_read(text: str) -> None:
    assert parse_income(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("iuran brp klo gaji kadang 700rb kadang 1jt", IncomeReading(700_000, 1_000_000, RANGE)),
    ("berapa iurannya kalau gaji 1-2 juta", IncomeReading(1_000_000, 2_000_000, RANGE)),
    ("gaji antara 1 juta sampai 2 juta iurannya berapa", IncomeReading(1_000_000, 2_000_000, RANGE)),
    ("gaji sy sekitar sejutaan, iuran brp", IncomeReading(1_000_000, 1_000_000, APPROXIMATE)),
    ("kalau penghasilan 2 jutaan iurannya berapa", IncomeReading(2_000_000, 2_000_000, APPROXIMATE)),
    ("iuran kalau penghasilan 2 juta berapa", IncomeReading(2_000_000, 2_000_000, EXACT)),
    ("anak 2 gaji 3 juta", IncomeReading(3_000_000, 3_000_000, EXACT)),
    ("gaji dua juta, umur 56 tahun, bayar 3 bulan sekaligus", IncomeReading(2_000_000, 2_000_000, EXACT)),
    ("how much do I pay if I earn between 1 and 2 million", IncomeReading(1_000_000, 2_000_000, RANGE)),
    ("contribution for an income of about 1.5 million?", IncomeReading(1_500_000, 1_500_000, APPROXIMATE)),
])
def test_find_income_reads_the_income_inside_a_question(text: str, expected: IncomeReading) -> None:
    assert find_income(text) == expected


@pytest.mark.parametrize("text", [
    "", "berapa iurannya", "bayar 3 bulan sekaligus", "umur 56", "gaji 2 juta, istri 1 juta",
    "nomor saya 081234567890", "gaji 2 juta " + "x" * 1000, "anak 1 - 2 orang",
])
def test_find_income_ignores_what_is_not_one_income(text: str) -> None:
    assert find_income(text) is None


def test_find_income_agrees_with_find_rupiah_on_single_amounts() -> None:
    for text in ("iuran kalau penghasilan 2 juta berapa", "gaji 1.500.000", "Berapa iuran utk GAJI 2JT",
                 "kalau bayar Rp 50 saja", "gaji sejuta lima ratus ribu"):
        assert find_income(text).amount == find_rupiah(text), text


ENGLISH = [
    ("1.5 million", 1_500_000),
    ("1,500,000", 1_500_000),
    ("2m", 2_000_000),
    ("2 M", 2_000_000),
    ("1.5m", 1_500_000),
    ("two million", 2_000_000),
    ("one and a half million", 1_500_000),
    ("a million and a half", 1_500_000),
    ("half a million", 500_000),
    ("a million", 1_000_000),
    ("Rp 1.5 million", 1_500_000),
    ("IDR 2 million", 2_000_000),
    ("1.2 mil", 1_200_000),
    ("800k", 800_000),
    ("800 thousand", 800_000),
    ("eight hundred thousand", 800_000),
    ("two hundred and fifty thousand", 250_000),
    ("twenty-five million", 25_000_000),
    ("twenty five million", 25_000_000),
    ("one million two hundred thousand", 1_200_000),
    ("1 million 500 thousand", 1_500_000),
    ("fifteen million", 15_000_000),
    ("1.5 million per month", None),  # "per month" is English: read by parse_income, not parse_rupiah
]


@pytest.mark.parametrize(("text", "expected"), ENGLISH)
def test_english_amounts_are_read_in_english(text: str, expected: int | None) -> None:
    assert parse_rupiah(text, "en") == expected
    if expected is not None:
        assert parse_income(text, "en") == IncomeReading(expected, expected, EXACT)


def test_english_suffixes_are_read_in_an_income_answer() -> None:
    assert parse_income("1.5 million per month", "en").amount == 1_500_000


@pytest.mark.parametrize(("text", "expected"), [
    ("1.5 million", 1_500_000), ("two million", 2_000_000), ("800 thousand", 800_000), ("800k", 800_000),
    ("Rp 1.5 million", 1_500_000), ("one and a half million", 1_500_000),
    ("2m", None), ("1,5m", None), ("1.2 mil", None), ("2 M", None),  # "m": million or miliar?
])
def test_indonesian_reads_english_words_but_not_the_ambiguous_m(text: str, expected: int | None) -> None:
    assert parse_rupiah(text) == expected


def test_the_ambiguous_m_is_recognised_so_the_bot_can_ask() -> None:
    assert m_is_ambiguous("1,5m") and m_is_ambiguous("2 M") and m_is_ambiguous("Rp 1.5m")
    assert not m_is_ambiguous("2 juta") and not m_is_ambiguous("abc") and not m_is_ambiguous("m")


def test_english_in_a_question() -> None:
    assert find_rupiah("how much if I earn 2m a month", "en") == 2_000_000
    assert find_rupiah("how much if I earn 2m a month") is None
    assert find_rupiah("contribution for 1.5 million income?") == 1_500_000


def test_the_reading_survives_the_conversation_state() -> None:
    reading = IncomeReading(700_000, 1_000_000, RANGE)
    assert IncomeReading.from_values(reading.as_values()) == reading
    for forged in (None, "x", {"low": "1", "high": 2, "kind": RANGE}, {"low": 3, "high": 2, "kind": RANGE},
                   {"low": 1, "high": 2, "kind": "guess"}, {"low": True, "high": 2, "kind": RANGE}):
        assert IncomeReading.from_values(forged) is None


def test_reading_is_fast_on_long_questions() -> None:
    text = ("iuran brp klo gaji kadang 700rb kadang 1jt " * 30)[:1000]
    started = time.perf_counter()
    for _ in range(20):
        find_income(text)
    assert (time.perf_counter() - started) / 20 < 0.02
