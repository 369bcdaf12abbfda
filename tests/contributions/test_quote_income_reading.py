"""The quote's income step reads ranges, approximations and English amounts, and says aloud how it read them."""

from __future__ import annotations

from datetime import date

import pytest

from bot.contributions.quote_flow import READING, QuoteFlow, next_step, previous_values
from bot.core.i18n import default_translator, plain
from bot.core.money import RANGE, IncomeReading

FLOW = QuoteFlow(default_translator())
TODAY = date(2026, 11, 23)
AT_INCOME = {"occupation": "tani", "transport": False}


def finished(values: dict, lang: str = "id") -> str:
    return plain(FLOW.result({**values, "jht": False, "months": 1}, [], date(2026, 11, 1), lang).text)


def test_a_range_is_priced_at_its_lowest_figure_and_says_so_with_the_minimum() -> None:
    values, error = FLOW.accept_text(AT_INCOME, "kadang 700 ribu kadang 1 juta", TODAY)
    assert error is None and values["income"] == 700_000 and next_step(values) == "jht"
    text = finished(values)
    assert "Saya hitung dengan Rp700.000, yang terendah dari yang Anda sebut (Rp700.000 – Rp1.000.000)" in text
    assert "paling sedikit Rp1.000.000 sebulan" in text
    assert "JKK (kecelakaan kerja), 1%: Rp10.000" in text  # counted on the minimum


def test_a_range_across_the_minimum_says_which_bracket_applies() -> None:
    values, _ = FLOW.accept_text(AT_INCOME, "antara 800rb sampai 1,2jt", TODAY)
    text = finished(values)
    assert "Rp800.000" in text and "Rp1.200.000" in text
    assert "jadi yang dipakai Rp1.000.000" in text
    assert text.count("Rp800.000 dihitung sebagai") == 0  # the range note already says it


def test_a_range_above_the_minimum_is_priced_low() -> None:
    values, _ = FLOW.accept_text(AT_INCOME, "1-2 juta", TODAY)
    assert values["income"] == 1_000_000
    values, _ = FLOW.accept_text(AT_INCOME, "2-3 juta", TODAY)
    text = finished(values)
    assert values["income"] == 2_000_000 and "JKK (kecelakaan kerja), 1%: Rp20.000" in text
    assert "sampai Rp3.000.000" in text


def test_an_approximate_income_is_said_with_about() -> None:
    values, _ = FLOW.accept_text(AT_INCOME, "2 jutaan", TODAY)
    assert values["income"] == 2_000_000
    assert "Penghasilan sekitar Rp2.000.000: saya hitung dengan Rp2.000.000." in finished(values)
    english, _ = FLOW.accept_text(AT_INCOME, "around 1.5 million", TODAY, lang="en")
    assert "An income of about Rp1,500,000" in finished(english, "en")


def test_an_exact_income_has_no_note() -> None:
    values, _ = FLOW.accept_text(AT_INCOME, "2 juta", TODAY)
    assert READING not in values
    assert "terendah" not in finished(values) and "sekitar" not in finished(values)


@pytest.mark.parametrize(("text", "amount"), [
    ("1.5 million", 1_500_000), ("2m", 2_000_000), ("two million", 2_000_000), ("800k", 800_000),
    ("one and a half million", 1_500_000), ("Rp 1.5 million", 1_500_000), ("1.2 mil", 1_200_000),
])
def test_english_amounts_are_accepted_in_english(text: str, amount: int) -> None:
    values, error = FLOW.accept_text(AT_INCOME, text, TODAY, lang="en")
    assert error is None and values["income"] == amount


def test_the_english_prompts_own_example_is_accepted() -> None:
    prompt = FLOW.prompt("income", AT_INCOME, "en").text
    assert "1.5 million" in prompt
    assert FLOW.accept_text(AT_INCOME, "1.5 million", TODAY, lang="en")[0]["income"] == 1_500_000
    assert FLOW.accept_text(AT_INCOME, "1.5 million", TODAY)[0]["income"] == 1_500_000  # and in Indonesian


def test_an_indonesian_m_is_asked_about_not_guessed() -> None:
    assert FLOW.accept_text(AT_INCOME, "1,5m", TODAY) == (AT_INCOME, "income_m_unclear")
    assert "juta atau miliar" in FLOW.error("income_m_unclear", "id")


def test_a_range_the_quote_cannot_use_is_refused_and_nothing_changes() -> None:
    assert FLOW.accept_text(AT_INCOME, "50 - 200 juta", TODAY) == (AT_INCOME, "income_too_high")
    assert FLOW.accept_text(AT_INCOME, "2 juta tapi istri 1 juta", TODAY) == (AT_INCOME, "bad_income")


def test_back_and_a_button_forget_the_reading() -> None:
    values, _ = FLOW.accept_text(AT_INCOME, "1-2 juta", TODAY)
    assert previous_values(values) == AT_INCOME
    pressed, _ = FLOW.accept_choice(AT_INCOME | {READING: values[READING]}, "inc", "3000000", TODAY)
    assert READING not in pressed and pressed["income"] == 3_000_000


def test_a_reading_from_a_question_is_said_before_the_first_question() -> None:
    values, problem = QuoteFlow.with_income({}, IncomeReading(700_000, 1_000_000, RANGE))
    assert problem is None
    prompt = plain(FLOW.prompt("occupation", values, "id").text)
    assert prompt.startswith("Saya hitung dengan Rp700.000")
    forged = {"income": 2_000_000, READING: {"low": "x"}}
    assert "Penghasilan Rp2.000.000 per bulan sudah saya catat." in plain(FLOW.prompt("occupation", forged, "id").text)
