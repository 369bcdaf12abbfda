"""Sponsor pledges without a database: monthly amounts, invitations, the sponsor and payment conversations, and the
CSV export's request parsing and cell escaping."""

from __future__ import annotations

import csv
import io
import string
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.contributions.rules import JHT, JKK, JKM
from bot.core.calendar import due_date
from bot.core.i18n import default_translator
from bot.pledges.payment_flow import MAX_REFERENCE, PaymentFlow, clean_reference
from bot.pledges.payment_flow import next_step as payment_step
from bot.pledges.rules import (
    INVITE_PREFIX,
    ONGOING,
    ONGOING_PLANNED_AHEAD,
    SponsoredWorker,
    invite_hash,
    invite_link,
    invite_token_from_payload,
    month_amounts,
    new_invite_token,
    planned_months,
)
from bot.pledges.sponsor_flow import SponsorFlow, next_step
from bot.reports.export import ExportError, ExportRequest, parse_request, safe_cell, to_csv, worker_month_status
from tests.support.discounts import PP50

MINIMUM = (JKK, JKM)
WITH_JHT = (JKK, JKM, JHT)
NOV_2026 = date(2026, 11, 1)
MARBOT = SponsoredWorker("marbot")
OJEK = SponsoredWorker("tukang ojek", transport=True)

FLOW = SponsorFlow(default_translator())
PAYMENT = PaymentFlow(default_translator())
TODAY = date(2026, 11, 25)


# ============================================================================================ bot/pledges/rules.py
def amounts(lines) -> list[tuple[date, int, int]]:  # noqa: ANN001
    return [(line.month, line.amount, line.discount) for line in lines]


def test_two_non_transport_workers_pay_half_until_december_then_full_price() -> None:
    lines = month_amounts([MARBOT, SponsoredWorker("penjaga")], MINIMUM, NOV_2026, 3, PP50)
    assert amounts(lines) == [
        (date(2026, 11, 1), 16_800, 16_800),  # Rp8,400 each after 50% off JKK+JKM
        (date(2026, 12, 1), 16_800, 16_800),
        (date(2027, 1, 1), 33_600, 0),  # the non-transport discount ended in December 2026
    ]


def test_without_discounts_each_worker_costs_the_minimum() -> None:
    lines = month_amounts([MARBOT, MARBOT, MARBOT], MINIMUM, NOV_2026, 1, [])
    assert amounts(lines) == [(NOV_2026, 3 * 16_800, 0)]


def test_a_transport_worker_keeps_the_discount_until_march_2027() -> None:
    lines = month_amounts([MARBOT, OJEK], MINIMUM, date(2026, 12, 1), 5, PP50)
    assert amounts(lines) == [
        (date(2026, 12, 1), 8_400 + 8_400, 16_800),
        (date(2027, 1, 1), 16_800 + 8_400, 8_400),
        (date(2027, 2, 1), 16_800 + 8_400, 8_400),
        (date(2027, 3, 1), 16_800 + 8_400, 8_400),
        (date(2027, 4, 1), 16_800 + 16_800, 0),
    ]


def test_jht_is_added_at_two_percent_and_never_discounted() -> None:
    lines = month_amounts([OJEK], WITH_JHT, date(2027, 3, 1), 2, PP50)
    assert amounts(lines) == [
        (date(2027, 3, 1), 8_400 + 20_000, 8_400),  # only JKK+JKM are halved
        (date(2027, 4, 1), 16_800 + 20_000, 0),
    ]
    assert amounts(month_amounts([MARBOT, MARBOT], WITH_JHT, NOV_2026, 1, PP50)) == [
        (NOV_2026, 2 * (8_400 + 20_000), 16_800)]


def test_a_month_in_the_middle_of_a_year_starts_from_the_first_of_the_month() -> None:
    lines = month_amounts([MARBOT], MINIMUM, date(2026, 11, 20), 2, [])
    assert [line.month for line in lines] == [date(2026, 11, 1), date(2026, 12, 1)]


def test_payment_is_due_on_the_fifteenth_of_the_month_paid_for() -> None:
    assert due_date(date(2026, 11, 1)) == date(2026, 11, 15)
    assert due_date(date(2027, 2, 1)) == date(2027, 2, 15)
    assert due_date(date(2026, 12, 31)) == date(2026, 12, 15)


def test_planned_months_for_fixed_and_ongoing_pledges() -> None:
    for months in (1, 3, 6, 12):
        assert planned_months(months, NOV_2026, date(2027, 6, 1)) == months
    assert ONGOING == 0
    # Open-ended: this month and the next two, counted from the pledge's first month.
    assert planned_months(ONGOING, NOV_2026, NOV_2026) == ONGOING_PLANNED_AHEAD == 3
    assert planned_months(ONGOING, NOV_2026, date(2026, 12, 1)) == 4  # Nov .. Feb
    assert planned_months(ONGOING, NOV_2026, date(2027, 1, 1)) == 5  # Nov .. Mar
    assert planned_months(ONGOING, NOV_2026, date(2027, 11, 1)) == 15  # Nov 2026 .. Jan 2028


def test_invite_tokens_are_random_url_safe_and_fit_a_start_payload() -> None:
    tokens = {new_invite_token() for _ in range(50)}
    assert len(tokens) == 50
    allowed = set(string.ascii_letters + string.digits + "-_")
    for token in tokens:
        assert len(token) == 16 and set(token) <= allowed
        assert len(INVITE_PREFIX + token) <= 64
        assert invite_token_from_payload(INVITE_PREFIX + token) == token


def test_only_a_hash_of_the_token_is_kept() -> None:
    token = new_invite_token()
    hashed = invite_hash(token)
    assert hashed == invite_hash(token)  # stable: the stored value can be found again
    assert len(hashed) == 64 and set(hashed) <= set("0123456789abcdef")
    assert token not in hashed
    assert invite_hash(token + "x") != hashed


def test_an_invite_link_opens_the_bot_with_the_token() -> None:
    link = invite_link("LindungiPekerjaBot", "AbC-123_xyz45678")
    assert link == "https://t.me/LindungiPekerjaBot?start=inv_AbC-123_xyz45678"
    payload = link.split("start=", 1)[1]
    assert invite_token_from_payload(payload) == "AbC-123_xyz45678"


@pytest.mark.parametrize("payload", [
    "",
    "inv_",
    "inv_short",  # 5 characters: not a token
    "abc_AbC-123_xyz45678",  # another payload kind
    "INV_AbC-123_xyz45678",
    "AbC-123_xyz45678",
    "inv_" + "a" * 41,  # too long
    "inv_AbC.123.xyz45678",
    "inv_AbC/123/xyz45678",
    "inv_AbC+123=xyz45678",
    "inv_AbC 123 xyz45678",
    "inv_AbC%20123xyz4567",
    "inv_<script>alert1</script>",
])
def test_junk_payloads_are_not_invitations(payload: str) -> None:
    assert invite_token_from_payload(payload) is None


def test_payload_length_limits_are_inclusive() -> None:
    assert invite_token_from_payload("inv_" + "a" * 8) == "a" * 8
    assert invite_token_from_payload("inv_" + "b" * 40) == "b" * 40
    assert invite_token_from_payload("inv_" + "c" * 7) is None


@pytest.mark.parametrize("payload", ["inv_abcdéfghij", "inv_١٢٣٤٥٦٧٨٩", "inv_ＡＢＣＤＥＦＧＨ"])
def test_non_ascii_payloads_are_not_invitations(payload: str) -> None:
    assert invite_token_from_payload(payload) is None


# ============================================================================================ bot/pledges/sponsor_flow.py
AHMAD = {"name": "ahmad fauzi", "occupation": "marbot", "transport": False, "phone": "+6281211112222"}
BUDI = {"name": "Budi Santoso", "occupation": "tukang ojek", "transport": True, "phone": ""}
COMPLETE = {"count": 2, "workers": [AHMAD, BUDI], "months": 3, "programs": [JKK, JKM]}


def answer(values: dict, how: str, *args: str) -> dict:
    """Give one answer that must be accepted."""
    new, error = FLOW.accept_text(values, args[0], TODAY) if how == "text" else FLOW.accept_choice(values, *args, TODAY)
    assert error is None, (how, args, error)
    return new


def walk_to_review() -> list[dict]:
    """Every state from empty to review, one answer at a time."""
    states = [{}]
    for how, *args in (("choice", "n", "2"), ("text", "ahmad fauzi"), ("choice", "occ", "marbot"),
                       ("text", "0812 1111 2222"), ("text", "Budi Santoso"), ("choice", "occ", "lain"),
                       ("text", "tukang ojek"), ("choice", "phone", "none"), ("choice", "mon", "3"),
                       ("choice", "prog", "min")):
        if args == ["occ", "lain"]:
            same, error = FLOW.accept_choice(states[-1], "occ", "lain", TODAY)
            assert (same, error) == (states[-1], "type_occupation")
            continue
        states.append(answer(states[-1], how, *args))
    return states


def test_questions_come_in_order_worker_by_worker() -> None:
    steps = [next_step(state) for state in walk_to_review()]
    assert steps == ["count", "w_name", "w_occupation", "w_phone", "w_name", "w_occupation", "w_phone", "months",
                     "programs", "review"]
    assert walk_to_review()[-1] == COMPLETE


def test_the_worker_count_from_buttons_or_typed() -> None:
    assert FLOW.accept_choice({}, "n", "2", TODAY) == ({"count": 2}, None)
    assert FLOW.accept_choice({}, "n", "10", TODAY) == ({"count": 10}, None)
    assert FLOW.accept_text({}, "3", TODAY) == ({"count": 3}, None)
    assert FLOW.accept_text({}, " 4 orang ", TODAY) == ({"count": 4}, None)
    assert FLOW.accept_text({}, "10", TODAY) == ({"count": 10}, None)


@pytest.mark.parametrize(("typed", "reason"), [
    ("0", "count_range"),
    ("11", "count_range"),
    ("100", "count_range"),
    ("dua", "count_number"),
    ("2️⃣", "count_number"),
    ("👍", "count_number"),
    ("-2", "count_number"),
    ("", "count_number"),
])
def test_a_count_that_is_not_1_to_10_is_refused_with_a_reason(typed: str, reason: str) -> None:
    assert FLOW.accept_text({}, typed, TODAY) == ({}, reason)
    assert FLOW.error(reason, "id")  # the reason has a message


@pytest.mark.parametrize("typed", ["①", "²"])
def test_digit_like_symbols_are_refused_not_crashing(typed: str) -> None:
    values, reason = FLOW.accept_text({}, typed, TODAY)
    assert values == {} and reason in ("count_number", "count_range")


def test_forged_count_buttons_are_ignored() -> None:
    assert FLOW.accept_choice({}, "n", "0", TODAY) == ({}, "stale")
    assert FLOW.accept_choice({}, "n", "11", TODAY) == ({}, "stale")
    assert FLOW.accept_choice({}, "n", "x", TODAY) == ({}, "stale")


def test_worker_names_are_checked_and_kept_as_typed() -> None:
    start = {"count": 1}
    assert FLOW.accept_text(start, "  siti   aminah ", TODAY) == (
        {"count": 1, "workers": [{"name": "siti aminah"}]}, None)
    assert FLOW.accept_text(start, "Al", TODAY) == (start, "name_length")
    assert FLOW.accept_text(start, "Budi123", TODAY) == (start, "name_digits")
    assert FLOW.accept_text(start, "6371 0117 0885 0001", TODAY) == (start, "name_nik")
    assert FLOW.accept_text(start, "brp iurannya?", TODAY) == (start, "name_question")
    for reason in ("name_characters", "name_digits", "name_nik", "name_question"):
        assert FLOW.error(reason, "id") and FLOW.error(reason, "en")


def test_a_name_that_reads_as_a_question_is_asked_about_before_it_is_kept() -> None:
    start = {"count": 1}
    waiting = answer(start, "text", "gmn cara bayarnya")
    assert next_step(waiting) == "w_name_confirm" and "workers" not in waiting
    prompt = FLOW.prompt("w_name_confirm", waiting, "id")
    assert "<b>gmn cara bayarnya</b>" in prompt.text
    assert [b.data for row in prompt.buttons for b in row][:2] == ["s:nm:yes", "s:nm:no"]
    assert FLOW.accept_choice(waiting, "occ", "marbot", TODAY) == (waiting, "stale")
    # "no": the name is asked again, nothing kept; "yes": it is the name
    assert answer(waiting, "choice", "nm", "no") == start
    assert answer(waiting, "choice", "nm", "yes") == {"count": 1, "workers": [{"name": "gmn cara bayarnya"}]}
    assert FLOW.back(waiting) == start
    # the next question names the worker as typed, in the sponsor's own chat
    named = answer(start, "text", "Pak Udin")
    assert "Apa pekerjaan Pak Udin?" in FLOW.prompt("w_occupation", named, "id").text


def test_occupation_from_a_button_or_typed_after_choosing_other() -> None:
    named = {"count": 1, "workers": [{"name": "SITI AMINAH"}]}
    chosen, error = FLOW.accept_choice(named, "occ", "kebersihan", TODAY)
    assert error is None and chosen["workers"][0] == {"name": "SITI AMINAH", "occupation": "kebersihan",
                                                      "transport": False}
    assert FLOW.accept_choice(named, "occ", "lain", TODAY) == (named, "type_occupation")
    assert "ketik" in FLOW.error("type_occupation", "id")
    typed, error = FLOW.accept_text(named, "  tukang   ojek pangkalan ", TODAY)
    assert error is None and typed["workers"][0]["occupation"] == "tukang ojek pangkalan"
    assert typed["workers"][0]["transport"] is True  # transport workers get the longer PP 50/2025 discount
    typed, _ = FLOW.accept_text(named, "guru ngaji", TODAY)
    assert typed["workers"][0]["transport"] is False
    assert FLOW.accept_text(named, "!!! 123", TODAY) == (named, "occupation_words")
    assert FLOW.accept_choice(named, "occ", "astronot", TODAY) == (named, "stale")


def test_the_phone_is_checked_or_skipped() -> None:
    asked = {"count": 1, "workers": [{"name": "SITI AMINAH", "occupation": "marbot", "transport": False}]}
    given, error = FLOW.accept_text(asked, "0812-1111-2222", TODAY)
    assert error is None and given["workers"][0]["phone"] == "+6281211112222"
    given, error = FLOW.accept_text(asked, "+62 812 1111 2222", TODAY)
    assert error is None and given["workers"][0]["phone"] == "+6281211112222"
    assert FLOW.accept_text(asked, "12345678", TODAY) == (asked, "phone_format")
    assert FLOW.accept_text(asked, "0212345678", TODAY) == (asked, "phone_landline")
    assert FLOW.accept_text(asked, "0812", TODAY) == (asked, "phone_short")
    assert FLOW.accept_text(asked, "0812 3456 7890 1234", TODAY) == (asked, "phone_long")
    assert FLOW.accept_text(asked, "0812 1111 222O", TODAY) == (asked, "phone_letters")
    skipped, error = FLOW.accept_choice(asked, "phone", "none", TODAY)
    assert error is None and skipped["workers"][0]["phone"] == ""
    assert next_step(skipped) == "months"
    assert FLOW.accept_choice(asked, "phone", "0812", TODAY) == (asked, "stale")


def test_months_and_programs_come_from_buttons_only() -> None:
    workers = {"count": 1, "workers": [AHMAD]}
    for months in ("1", "3", "6", "12"):
        assert FLOW.accept_choice(workers, "mon", months, TODAY) == ({**workers, "months": int(months)}, None)
    assert FLOW.accept_choice(workers, "mon", "0", TODAY) == ({**workers, "months": ONGOING}, None)
    assert FLOW.accept_choice(workers, "mon", "2", TODAY) == (workers, "stale")
    assert FLOW.accept_text(workers, "3", TODAY) == (workers, "use_buttons")
    timed = {**workers, "months": 6}
    assert FLOW.accept_choice(timed, "prog", "min", TODAY) == ({**timed, "programs": [JKK, JKM]}, None)
    assert FLOW.accept_choice(timed, "prog", "jht", TODAY) == ({**timed, "programs": [JKK, JKM, JHT]}, None)
    assert FLOW.accept_choice(timed, "prog", "jp", TODAY) == (timed, "stale")
    assert FLOW.accept_text(timed, "jht", TODAY) == (timed, "use_buttons")


@pytest.mark.parametrize(("values", "kind", "value"), [
    ({}, "mon", "3"),
    ({}, "prog", "min"),
    ({}, "occ", "marbot"),
    ({"count": 1}, "n", "2"),  # the count was already given: an old message's button
    ({"count": 1}, "phone", "none"),
    ({"count": 1, "workers": [AHMAD]}, "n", "3"),
    ({"count": 1, "workers": [AHMAD]}, "prog", "jht"),
    (COMPLETE, "mon", "6"),
    (COMPLETE, "occ", "penjaga"),
    (COMPLETE, "bogus", "1"),
])
def test_a_button_from_another_step_is_stale_and_changes_nothing(values: dict, kind: str, value: str) -> None:
    assert FLOW.accept_choice(values, kind, value, TODAY) == (values, "stale")


def _normal(values: dict) -> dict:
    return {k: v for k, v in values.items() if not (k == "workers" and v == [])}


def test_back_forgets_one_answer_at_a_time() -> None:
    states = walk_to_review()
    current = states[-1]
    for earlier in reversed(states[:-1]):
        current = FLOW.back(current)
        assert _normal(current) == earlier
    assert FLOW.back({}) == {}


def test_back_after_a_typed_occupation_also_forgets_the_transport_flag() -> None:
    named = {"count": 1, "workers": [{"name": "BUDI SANTOSO"}]}
    typed, _ = FLOW.accept_text(named, "sopir angkot", TODAY)
    assert FLOW.back(typed) == named
    assert next_step(FLOW.back(typed)) == "w_occupation"


def test_back_after_editing_the_workers_forgets_the_latest_worker_answer() -> None:
    edited = FLOW.edit(COMPLETE, "workers")
    counted = answer(edited, "choice", "n", "1")
    named = answer(counted, "text", "siti aminah")
    assert next_step(named) == "w_occupation"
    back = FLOW.back(named)
    assert next_step(back) == "w_name"
    assert back["programs"] == [JKK, JKM] and back["months"] == 3


def test_edit_clears_only_the_chosen_part() -> None:
    workers_cleared = FLOW.edit(COMPLETE, "workers")
    assert workers_cleared == {"months": 3, "programs": [JKK, JKM]}
    assert next_step(workers_cleared) == "count"
    assert FLOW.edit(COMPLETE, "months") == {"count": 2, "workers": [AHMAD, BUDI], "programs": [JKK, JKM]}
    assert next_step(FLOW.edit(COMPLETE, "months")) == "months"
    assert FLOW.edit(COMPLETE, "programs") == {"count": 2, "workers": [AHMAD, BUDI], "months": 3}
    assert next_step(FLOW.edit(COMPLETE, "programs")) == "programs"
    assert FLOW.edit(COMPLETE, "nonsense") == COMPLETE


def test_review_shows_what_the_sponsor_typed_and_prices_each_month_with_its_discount() -> None:
    reply = FLOW.review(COMPLETE, PP50, NOV_2026, "id", "Rahmat")
    text = reply.text
    assert "ahmad fauzi" in text and "Budi Santoso" in text and "+6281211112222" in text
    assert "*" not in text
    assert "Marbot" in text and "tukang ojek" in text
    # Marbot: 8,400 (Nov, Dec) then 16,800; ojek (transport): 8,400 through March 2027. Each month says the total
    # and what each person costs; each discount is named once, not as an amount beside every month.
    assert "• November 2026: Rp16.800 (2 orang × Rp8.400)" in text
    assert "• Januari 2027: Rp25.200 (Rp16.800 + Rp8.400)" in text
    assert text.count("Harga sudah termasuk") == 2 and "sampai Desember 2026" in text and "sampai Maret 2027" in text
    assert "termasuk diskon Rp" not in text
    assert "November 2026: Rp16.800" in text
    assert "Desember 2026: Rp16.800" in text
    assert "Januari 2027: Rp25.200" in text
    assert "Total 3 bulan: Rp58.800" in text
    assert "Rahmat" in text
    assert [b.data for row in reply.buttons for b in row] == ["s:ok", "s:edit:workers", "s:edit:months",
                                                             "s:edit:programs", "s:cancel"]


def test_review_with_jht_and_no_discount() -> None:
    values = {**COMPLETE, "months": 1, "programs": [JKK, JKM, JHT]}
    text = FLOW.review(values, [], date(2027, 6, 1), "id", "Rahmat").text
    assert "Juni 2027: Rp73.600" in text  # 2 x (16,800 + 20,000)
    assert "diskon" not in text
    assert "Total 1 bulan: Rp73.600" in text
    assert "JKK+JKM+JHT" in text


def test_review_of_an_ongoing_pledge_shows_three_months_and_continues_monthly() -> None:
    values = {**COMPLETE, "months": ONGOING}
    text = FLOW.review(values, PP50, NOV_2026, "id", "Rahmat").text
    assert text.count("• ") == 3
    assert "Januari 2027: Rp25.200" in text
    assert "Februari 2027" not in text
    assert "Total" not in text
    assert "setiap bulan" in text.lower()
    english = FLOW.review(values, PP50, NOV_2026, "en", "Rahmat").text
    assert "Rp25,200" in english and "January 2027" in english


# ============================================================================================ bot/pledges/payment_flow.py
START = {"pledge_id": 7, "suggested": [16_800, 33_600]}


@pytest.mark.parametrize(("typed", "amount"), [
    ("16.800", 16_800), ("Rp33.600", 33_600), ("50 ribu", 50_000), ("Rp 16.800,-", 16_800), ("1000", 1_000),
])
def test_a_typed_amount_is_read(typed: str, amount: int) -> None:
    assert PAYMENT.accept_text(START, typed, TODAY) == ({**START, "amount": amount}, None)


@pytest.mark.parametrize(("typed", "reason"), [
    ("banyak", "amount_unreadable"), ("", "amount_unreadable"), ("16.800 atau 33.600", "amount_unreadable"),
    ("500", "amount_small"), ("999", "amount_small"), ("-16.800", "amount_small"),
])
def test_an_unusable_amount_is_refused(typed: str, reason: str) -> None:
    assert PAYMENT.accept_text(START, typed, TODAY) == (START, reason)
    assert PAYMENT.error(reason, "id")


PAID = {**START, "amount": 16_800}


@pytest.mark.parametrize(("typed", "paid_on"), [
    ("hari ini", TODAY), ("Hari Ini", TODAY), ("today", TODAY), ("kemarin", TODAY - timedelta(days=1)),
    ("20-11-2026", date(2026, 11, 20)), ("20/11/2026", date(2026, 11, 20)), ("20 November 2026", date(2026, 11, 20)),
    ("2026-11-25", TODAY), ("25-11-2025", date(2025, 11, 25)),  # a year ago is still accepted
])
def test_the_payment_date(typed: str, paid_on: date) -> None:
    assert PAYMENT.accept_text(PAID, typed, TODAY) == ({**PAID, "paid_on": paid_on.isoformat()}, None)


@pytest.mark.parametrize(("typed", "reason"), [
    ("26-11-2026", "date_future"), ("01-01-2027", "date_future"),
    ("20-11-2025", "date_old"), ("20-11-2016", "date_old"),
    ("31-02-2026", "date_not_a_date"), ("32-11-2026", "date_not_a_date"),
    ("besok", "date_format"), ("20-11", "date_format"),
])
def test_an_impossible_payment_date_is_refused(typed: str, reason: str) -> None:
    assert PAYMENT.accept_text(PAID, typed, TODAY) == (PAID, reason)
    assert PAYMENT.error(reason, "id")


DATED = {**PAID, "paid_on": "2026-11-20"}


def test_the_reference_is_cleaned_and_limited() -> None:
    assert PAYMENT.accept_text(DATED, "  TRX-2026\x00-11\u200b-20  ", TODAY) == (
        {**DATED, "reference": "TRX-2026-11-20"}, None)
    assert PAYMENT.accept_text(DATED, "JMO  123   456", TODAY) == ({**DATED, "reference": "JMO 123 456"}, None)
    long, error = PAYMENT.accept_text(DATED, "A" * 100, TODAY)
    assert error is None and long["reference"] == "A" * MAX_REFERENCE == "A" * 64
    assert PAYMENT.accept_text(DATED, "   ", TODAY) == (DATED, "reference_empty")
    assert PAYMENT.accept_text(DATED, "\x07\x1b\u200b", TODAY) == (DATED, "reference_empty")
    assert clean_reference("\u202eABC") == "ABC"  # a right-to-left override cannot disguise the reference


def test_a_reference_typed_on_two_lines_keeps_its_words_apart() -> None:
    assert clean_reference("BRI\n123\t456") == "BRI 123 456"


def test_all_answers_lead_to_a_confirmation() -> None:
    done = {**DATED, "reference": "TRX1"}
    assert payment_step(done) == "confirm"
    assert PAYMENT.accept_text(done, "lagi", TODAY) == (done, "use_buttons")
    text = PAYMENT.confirmation(done, "id").text
    assert "Rp16.800" in text and "20-11-2026" in text and "#7" in text and "TRX1" in text
    skipped = PAYMENT.confirmation({**DATED, "reference": None}, "id").text
    assert "referensi: -" in skipped


def test_payment_buttons_only_work_at_their_step() -> None:
    assert PAYMENT.accept_choice(START, "amt", "16800", TODAY) == ({**START, "amount": 16_800}, None)
    assert PAYMENT.accept_choice(START, "amt", "99999", TODAY) == (START, "stale")  # not one of the suggestions
    assert PAYMENT.accept_choice(START, "day", "0", TODAY) == (START, "stale")
    assert PAYMENT.accept_choice(START, "ref", "none", TODAY) == (START, "stale")
    assert PAYMENT.accept_choice(PAID, "day", "0", TODAY) == ({**PAID, "paid_on": "2026-11-25"}, None)
    assert PAYMENT.accept_choice(PAID, "day", "1", TODAY) == ({**PAID, "paid_on": "2026-11-24"}, None)
    assert PAYMENT.accept_choice(PAID, "day", "2", TODAY) == (PAID, "stale")
    assert PAYMENT.accept_choice(PAID, "amt", "33600", TODAY) == (PAID, "stale")
    assert PAYMENT.accept_choice(DATED, "ref", "none", TODAY) == ({**DATED, "reference": None}, None)
    assert PAYMENT.accept_choice(DATED, "day", "1", TODAY) == (DATED, "stale")


def test_payment_back_forgets_the_latest_answer() -> None:
    done = {**DATED, "reference": None}
    assert PAYMENT.back(done) == DATED
    assert PAYMENT.back(DATED) == PAID
    assert PAYMENT.back(PAID) == START
    assert PAYMENT.back(START) == START
    assert payment_step(PAYMENT.back(done)) == "reference"


# ============================================================================================ bot/reports/export.py
@pytest.mark.parametrize(("word", "kind"), [
    ("pendaftaran", "applications"), ("daftar", "applications"), ("applications", "applications"),
    ("janji", "pledges"), ("sponsor", "pledges"), ("pledges", "pledges"), ("JANJI", "pledges"),
    ("pembayaran", "payments"), ("bayar", "payments"), ("Payments", "payments"),
    ("bulan", "pledge_months"), ("bulan-janji", "pledge_months"), ("pledge-months", "pledge_months"),
])
def test_export_kinds_in_indonesian_and_english(word: str, kind: str) -> None:
    assert parse_request([word]) == ExportRequest(kind)


@pytest.mark.parametrize(("words", "status"), [
    (["pendaftaran", "baru"], "submitted"), (["pendaftaran", "terdaftar"], "registered"),
    (["applications", "rejected"], "rejected"), (["pendaftaran", "Ditolak"], "rejected"),
    (["janji", "aktif"], "active"), (["janji", "batal"], "cancelled"), (["pledges", "cancelled"], "cancelled"),
    (["pembayaran", "belum"], "unverified"), (["payments", "verified"], "verified"),
    (["pembayaran", "terverifikasi"], "verified"),
    (["bulan", "lunas"], "paid"), (["bulan", "sebagian"], "partial"), (["bulan", "belum"], "due"),
    (["pledge-months", "cancelled"], "cancelled"),
])
def test_export_status_words(words: list[str], status: str) -> None:
    assert parse_request(words).status == status


@pytest.mark.parametrize("words", [
    ["janji", "terdaftar"],  # an application status for pledges
    ["pembayaran", "aktif"],
    ["pendaftaran", "belum"],
    ["pendaftaran", "entah"],
    ["pendaftaran", "2026-13-01"],
    ["janji", "kemarin"],
])
def test_unknown_words_in_an_export_request(words: list[str]) -> None:
    with pytest.raises(ExportError) as caught:
        parse_request(words)
    assert caught.value.code == "word"


def test_export_dates() -> None:
    assert parse_request(["pendaftaran", "terdaftar", "2026-11-01", "2026-11-30"]) == ExportRequest(
        "applications", "registered", date(2026, 11, 1), date(2026, 11, 30))
    assert parse_request(["janji", "dari", "2026-11-01", "sampai", "2026-11-30"]) == ExportRequest(
        "pledges", None, date(2026, 11, 1), date(2026, 11, 30))
    assert parse_request(["payments", "from", "2026-11-01"]) == ExportRequest("payments", None, date(2026, 11, 1))
    assert parse_request(["bayar", "2026-11-05", "2026-11-05"]).until == date(2026, 11, 5)
    for words in (["janji", "2026-11-30", "2026-11-01"], ["janji", "2026-11-01", "2026-11-02", "2026-11-03"]):
        with pytest.raises(ExportError) as caught:
            parse_request(words)
        assert caught.value.code == "dates"


@pytest.mark.parametrize("words", [["pendaftaran", "sampai", "9999-12-31"], ["janji", "dari", "0001-01-01"],
                                   ["pembayaran", "1999-12-31", "2026-01-01"]])
def test_export_dates_are_bounded(words: list[str]) -> None:
    with pytest.raises(ExportError) as caught:
        parse_request(words)
    assert caught.value.code == "range"


def test_a_single_until_date_is_an_end_date() -> None:
    assert parse_request(["janji", "sampai", "2026-11-30"]) == ExportRequest("pledges", None, None,
                                                                             date(2026, 11, 30))


@pytest.mark.parametrize("words", [[], ["laporan"], ["terdaftar", "pendaftaran"], ["2026-11-01"]])
def test_an_export_request_starts_with_its_kind(words: list[str]) -> None:
    with pytest.raises(ExportError) as caught:
        parse_request(words)
    assert caught.value.code == "kind"


@pytest.mark.parametrize(("value", "shown"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=1", "'\t=1"),
    ("+62 812", "'+62 812"),  # not a plain number
    ("+6281234567890", "+6281234567890"),
    ("6281234567890", "6281234567890"),
    ("16800", "16800"),
    (16_800, "16800"),
    ("AHMAD FAUZI", "AHMAD FAUZI"),
    ("tukang ojek", "tukang ojek"),
    (None, ""),
])
def test_cells_that_would_run_as_formulas_are_escaped(value: object, shown: str) -> None:
    assert safe_cell(value) == shown


def test_csv_has_a_byte_order_mark_crlf_lines_and_a_header() -> None:
    content = to_csv(["no", "nama", "no_hp", "referensi"],
                     [[1, "SITI AMINAH", "+6281234567890", "=1+1"], [2, "BUDI, S.Pd", None, "TRX 1"]])
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8")
    assert text.endswith("\r\n") and text.count("\r\n") == 3 and "\n" not in text.replace("\r\n", "")
    assert text.split("\r\n")[0] == "\ufeffno,nama,no_hp,referensi"
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert rows == [["no", "nama", "no_hp", "referensi"], ["1", "SITI AMINAH", "+6281234567890", "'=1+1"],
                    ["2", "BUDI, S.Pd", "", "TRX 1"]]
    assert to_csv(["a"], []).decode("utf-8") == "\ufeffa\r\n"


def test_export_file_names() -> None:
    today = date(2026, 12, 1)
    assert ExportRequest("pledges").filename(today) == "lindungi-janji-2026-12-01.csv"
    assert ExportRequest("applications", "registered", date(2026, 11, 1), date(2026, 11, 30)).filename(today) == (
        "lindungi-pendaftaran-terdaftar-dari-2026-11-01-sampai-2026-11-30-2026-12-01.csv")
    assert ExportRequest("payments", None, date(2026, 11, 1)).filename(today) == (
        "lindungi-pembayaran-dari-2026-11-01-2026-12-01.csv")
    assert ExportRequest("pledge_months", "partial").filename(today) == "lindungi-bulan-janji-sebagian-2026-12-01.csv"


@pytest.mark.parametrize(("cancelled", "due", "paid", "status"), [
    (False, 16_800, 16_800, "paid"), (False, 16_800, 5_000, "partial"), (False, 16_800, 0, "due"),
    (False, 0, 0, "paid"),  # a month the discount made free owes nothing
    (True, 16_800, 0, "cancelled"), (True, 16_800, 5_000, "cancelled"), (True, 16_800, 16_800, "paid"),
])
def test_a_workers_month_status_in_the_months_export(cancelled: bool, due: int, paid: int, status: str) -> None:
    assert worker_month_status(cancelled=cancelled, due=due, paid=paid) == status


def test_the_export_window_is_local_and_includes_the_end_date() -> None:
    zone = ZoneInfo("Asia/Makassar")  # UTC+8
    start, end = ExportRequest("payments", None, date(2026, 11, 1), date(2026, 11, 30)).window("Asia/Makassar")
    assert start is not None and end is not None
    assert start.utcoffset() == timedelta(hours=8) and end.utcoffset() == timedelta(hours=8)
    assert start == datetime(2026, 10, 31, 16, 0, tzinfo=ZoneInfo("UTC"))
    last_minute = datetime(2026, 11, 30, 23, 59, tzinfo=zone)
    assert start <= datetime(2026, 11, 1, 0, 0, tzinfo=zone) and last_minute < end
    assert not datetime(2026, 12, 1, 0, 0, tzinfo=zone) < end
    assert not datetime(2026, 10, 31, 23, 59, tzinfo=zone) >= start
    jakarta_start, _ = ExportRequest("payments", None, date(2026, 11, 1)).window("Asia/Jakarta")
    assert jakarta_start == datetime(2026, 10, 31, 17, 0, tzinfo=ZoneInfo("UTC"))
    assert ExportRequest("payments").window("Asia/Makassar") == (None, None)
    assert ExportRequest("payments", None, date(2026, 11, 1)).window("Asia/Makassar")[1] is None


# The pledge's unpaid months as the payment flow gets them: December in full, January 3,200 paid, February.
OPEN = [[11, "2026-12-01", 16_800, 0], [12, "2027-01-01", 16_800, 3_200], [13, "2027-02-01", 33_600, 0]]


@pytest.mark.parametrize("typed", ["2jt", "Rp 1.500.000,-", "64.001"])
def test_more_than_everything_still_due_is_refused_with_what_settles_it(typed: str) -> None:
    values = {"pledge_id": 7, "suggested": [16_800, 64_000], "open": OPEN}
    assert PAYMENT.accept_text(values, typed, TODAY) == (values, "amount_too_much")
    reply = PAYMENT.problem("amount_too_much", values, typed, "id")
    assert "<b>Rp64.000</b>" in reply.text and [b.data for row in reply.buttons for b in row][0] == "y:amt:64000"
    assert PAYMENT.accept_text(values, "64.000", TODAY)[0]["amount"] == 64_000


def test_the_confirmation_says_which_months_an_amount_pays_and_what_is_left() -> None:
    values = {"pledge_id": 7, "open": OPEN, "amount": 20_000, "paid_on": "2026-11-20", "reference": None}
    text = PAYMENT.confirmation(values, "id").text
    assert "Ini melunasi: Desember 2026." in text
    assert "Rp3.200 masuk ke Januari 2027; sisa Januari 2027 Rp10.400 belum dibayar" in text
    exact = PAYMENT.confirmation({**values, "amount": 16_800}, "id").text
    assert "Ini melunasi: Desember 2026." in exact and "⚠️" not in exact
    english = PAYMENT.confirmation({**values, "amount": 5_000}, "en").text
    assert "Of this, Rp5,000 is for December 2026, leaving Rp11,800 of December 2026 unpaid" in english
    assert PAYMENT.where_it_goes({**values, "open": []}, "id") == ""  # nothing known of the months: nothing said


# Two workers' parts: December (8,400 each, worker 21's half paid) and January (16,800 each).
TWO_WORKERS = {"pledge_id": 7, "workers": [[21, 1, "A**** F****"], [22, 2, "B*** S******"]],
               "open": [[1, "2026-12-01", 8_400, 4_200, 1, 21], [2, "2026-12-01", 8_400, 0, 2, 22],
                        [3, "2027-01-01", 16_800, 0, 1, 21], [4, "2027-01-01", 16_800, 0, 2, 22]]}


def test_a_payment_for_several_workers_asks_for_whom_and_prices_the_choice() -> None:
    assert payment_step(TWO_WORKERS) == "for"
    asked = PAYMENT.prompt("for", TWO_WORKERS, "id")
    assert [b.data for row in asked.buttons for b in row] == ["y:for:0", "y:for:21", "y:for:22", "y:cancel"]
    assert [b.label for row in asked.buttons for b in row][:3] == [
        "Semua pekerja (sisa Rp46.200)", "1. A**** F**** (sisa Rp21.000)", "2. B*** S****** (sisa Rp25.200)"]
    second, error = PAYMENT.accept_choice(TWO_WORKERS, "for", "22", TODAY)
    assert error is None and second["for"] == 22 and second["suggested"] == [8_400, 25_200]
    everyone, _ = PAYMENT.accept_choice(TWO_WORKERS, "for", "0", TODAY)
    assert everyone["suggested"] == [12_600, 46_200]  # what settles December for both, then everything
    assert PAYMENT.accept_choice(TWO_WORKERS, "for", "99", TODAY) == (TWO_WORKERS, "stale")  # not in this pledge
    assert payment_step(second) == "amount" and PAYMENT.back(second) == {**TWO_WORKERS, "suggested": [8_400, 25_200]}
    # an amount for one worker is checked against what that worker owes, and said aloud for that worker
    assert PAYMENT.accept_text(second, "30.000", TODAY) == (second, "amount_too_much")
    done = {**second, "amount": 10_000, "paid_on": "2026-11-20", "reference": None}
    text = PAYMENT.confirmation(done, "id").text
    assert "Untuk pekerja 2: B*** S******." in text and "Ini melunasi: Desember 2026." in text
    assert "Rp1.600 masuk ke Januari 2027; sisa Januari 2027 Rp15.200 belum dibayar" in text


def test_one_worker_with_something_due_is_not_asked_about() -> None:
    one = {**TWO_WORKERS, "workers": TWO_WORKERS["workers"][:1]}
    assert payment_step(one) == "amount"
