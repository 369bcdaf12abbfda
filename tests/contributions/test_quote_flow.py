"""The quote conversation's steps, without Telegram."""

from __future__ import annotations

from datetime import date

from bot.contributions.quote_flow import QuoteFlow, next_step, previous_values
from bot.core.i18n import default_translator

FLOW = QuoteFlow(default_translator())
TODAY = date(2026, 11, 23)


def test_steps_come_in_order_and_a_prefilled_income_is_skipped() -> None:
    assert next_step({}) == "occupation"
    assert next_step({"income": 2_000_000}) == "occupation"
    assert next_step({"income": 2_000_000, "occupation": "tani", "transport": False}) == "jht"
    assert next_step({"occupation": "pu", "pu": True, "income": 5_000_000}) is None  # wage earners stop here
    full = {"occupation": "tani", "transport": False, "income": 1, "jht": False, "months": 3}
    assert next_step(full) is None
    assert next_step(previous_values(full)) == "months"
    assert "transport" not in previous_values({"occupation": "ojek", "transport": True})


def test_typed_answers_are_checked_and_rejections_keep_what_was_given() -> None:
    values = {"occupation": "tani", "transport": False}
    assert FLOW.accept_text(values, "dua juta", TODAY) == ({**values, "income": 2_000_000}, None)
    assert FLOW.accept_text(values, "banyak", TODAY) == (values, "bad_income")
    assert FLOW.accept_text(values, "-5", TODAY) == (values, "income_not_positive")
    assert FLOW.accept_text(values, "200 juta", TODAY) == (values, "income_too_high")
    assert FLOW.accept_text(values, "2", TODAY) == (values, "income_unclear")
    assert FLOW.accept_text(values, "750 ribu", TODAY) == ({**values, "income": 750_000}, None)
    described, error = FLOW.accept_text({}, "  driver   ojol  grab ", TODAY)
    assert error is None and described == {"occupation": "driver ojol grab", "transport": True}
    assert FLOW.accept_text({}, "🙂🙂", TODAY) == ({}, "bad_occupation")
    with_income = {**values, "income": 2_000_000}
    assert FLOW.accept_text(with_income, "ya", TODAY) == (with_income, "use_buttons")


def test_buttons_for_another_step_or_forged_values_are_stale() -> None:
    at_income = {"occupation": "tani", "transport": False}
    at_months = {**at_income, "income": 1_000_000, "jht": False}
    assert FLOW.accept_choice(at_income, "occ", "ojek", TODAY) == (at_income, "stale")
    assert FLOW.accept_choice({}, "occ", "astronot", TODAY) == ({}, "stale")
    assert FLOW.accept_choice(at_months, "mon", "7", TODAY) == (at_months, "stale")
    assert FLOW.accept_choice(at_months, "mon", "12", TODAY) == ({**at_months, "months": 12}, None)


def test_the_result_shows_each_program_the_discount_and_the_total() -> None:
    from bot.contributions.rules import AUDIENCE_OTHER, Discount

    discount = Discount("Diskon 50% (PP 50/2025)", "PP 50/2025", 50, date(2026, 4, 1), date(2026, 12, 1),
                        frozenset({"jkk", "jkm"}), AUDIENCE_OTHER)
    values = {"occupation": "tani", "transport": False, "income": 1_000_000, "jht": False, "months": 3}
    reply = FLOW.result(values, [discount], date(2026, 11, 1), "id")
    assert "JKK (kecelakaan kerja), 1%: Rp10.000" in reply.text
    assert "Diskon 50% (PP 50/2025), berlaku sampai iuran Desember 2026: −Rp8.400" in reply.text
    assert "Iuran November 2026: Rp8.400" in reply.text
    assert "Mulai Januari 2027: Rp16.800" in reply.text
    assert "Total 3 bulan (November 2026 – Januari 2027): <b>Rp33.600</b>" in reply.text
    assert "tidak terbuka untuk pekerja informal" in reply.text
    assert {"t:jp", "t:jkp", "a:reminders", "a:sponsor"} <= {b.data for row in reply.buttons for b in row}
    english = FLOW.result(values, [discount], date(2026, 11, 1), "en")
    assert "Rp33,600" in english.text and "January 2027" in english.text
