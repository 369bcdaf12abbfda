"""Which pledge months a payment marks paid (bot.pledges.payments), without a database."""

from __future__ import annotations

from datetime import date

import pytest

from bot.pledges.payments import MonthPayment, UnpaidMonth, allocate_payment, check_amount
from bot.pledges.rules import PledgeError

NOV, DEC, JAN = date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)
THREE = [UnpaidMonth(1, NOV, 16_800, 0), UnpaidMonth(2, DEC, 16_800, 0), UnpaidMonth(3, JAN, 33_600, 0)]


def refusal(unpaid: list[UnpaidMonth], amount: int, only_month: date | None = None) -> str:
    with pytest.raises(PledgeError) as caught:
        allocate_payment(unpaid, amount, only_month=only_month)
    return caught.value.code


def test_a_payment_fills_the_oldest_months_first() -> None:
    assert allocate_payment(THREE, 20_000) == [MonthPayment(1, 16_800, True), MonthPayment(2, 3_200, False)]


def test_a_payment_covering_several_months_pays_them_all() -> None:
    assert allocate_payment(THREE, 33_600) == [MonthPayment(1, 16_800, True), MonthPayment(2, 16_800, True)]
    assert allocate_payment(THREE, 67_200) == [MonthPayment(1, 16_800, True), MonthPayment(2, 16_800, True),
                                               MonthPayment(3, 33_600, True)]


def test_oldest_first_whatever_order_the_months_come_in() -> None:
    assert allocate_payment(list(reversed(THREE)), 16_800) == [MonthPayment(1, 16_800, True)]


def test_what_was_paid_before_counts() -> None:
    partly = [UnpaidMonth(2, DEC, 16_800, 3_200), UnpaidMonth(3, JAN, 33_600, 0)]
    assert allocate_payment(partly, 13_600) == [MonthPayment(2, 13_600, True)]
    assert allocate_payment(partly, 20_000) == [MonthPayment(2, 13_600, True), MonthPayment(3, 6_400, False)]
    assert refusal(partly, 47_201) == "too_much"


def test_a_month_with_nothing_due_is_paid_when_the_payment_reaches_it() -> None:
    free = [UnpaidMonth(1, NOV, 0, 0), UnpaidMonth(2, DEC, 16_800, 0)]
    assert allocate_payment(free, 1_000) == [MonthPayment(1, 0, True), MonthPayment(2, 1_000, False)]


def test_a_reminders_paid_button_pays_only_its_month() -> None:
    assert allocate_payment(THREE, 16_800, only_month=DEC) == [MonthPayment(2, 16_800, True)]
    assert refusal(THREE, 16_801, only_month=DEC) == "too_much"  # even though later months are due
    assert refusal(THREE, 16_800, only_month=date(2030, 1, 1)) == "nothing_due"  # paid, cancelled or another pledge's month


@pytest.mark.parametrize("amount", [0, -16_800])
def test_an_amount_that_is_not_positive_is_refused(amount: int) -> None:
    assert refusal(THREE, amount) == "amount"
    with pytest.raises(PledgeError):
        check_amount(amount)


def test_nothing_due_and_too_much_are_refused() -> None:
    assert refusal([], 16_800) == "nothing_due"
    assert refusal([UnpaidMonth(1, NOV, 16_800, 16_800)], 1) == "nothing_due"
    assert refusal(THREE, 67_201) == "too_much"


# Two workers' parts of December and January: worker 21 (first in the pledge) and worker 22.
PARTS = [UnpaidMonth(1, DEC, 8_400, 0, 1, 21), UnpaidMonth(2, DEC, 8_400, 0, 2, 22),
         UnpaidMonth(3, JAN, 16_800, 0, 1, 21), UnpaidMonth(4, JAN, 16_800, 0, 2, 22)]


def test_within_a_month_the_workers_are_paid_in_the_sponsors_order() -> None:
    assert allocate_payment(list(reversed(PARTS)), 10_000) == [MonthPayment(1, 8_400, True),
                                                               MonthPayment(2, 1_600, False)]


def test_a_payment_for_one_worker_pays_only_their_months() -> None:
    assert allocate_payment(PARTS, 20_000, only_worker=22) == [MonthPayment(2, 8_400, True),
                                                               MonthPayment(4, 11_600, False)]
    assert refusal_for(PARTS, 25_201, 22) == "too_much"  # more than what that worker still owes
    assert refusal_for(PARTS, 1_000, 99) == "nothing_due"  # no such worker


def refusal_for(unpaid: list[UnpaidMonth], amount: int, worker: int) -> str:
    with pytest.raises(PledgeError) as caught:
        allocate_payment(unpaid, amount, only_worker=worker)
    return caught.value.code
