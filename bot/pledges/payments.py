"""Which pledge months a sponsor's payment marks paid, decided without tables (models.pledge_payments.record_payment
stores the decision).

A payment fills the oldest unpaid months first, and within a month the workers in the sponsor's order; or only the
month a reminder's "Sudah bayar" names; or only the months of the one worker the sponsor chose. A month (or a
worker's part of it) is paid once what was paid reaches what is due. A payment is refused when it is not positive,
when nothing is due, or when it is more than everything still due (the sponsor extends the pledge first).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.pledges.rules import PledgeError


@dataclass(frozen=True)
class UnpaidMonth:
    """A pledge month still due, or one worker's part of it, as a payment sees it."""

    id: int
    month: date
    amount_due: int
    amount_paid: int
    position: int = 0  # the worker's place in the pledge, for a worker's part
    worker: int = 0  # which worker's part (their id), when it is one

    @property
    def remaining(self) -> int:
        return self.amount_due - self.amount_paid


@dataclass(frozen=True)
class MonthPayment:
    """The part of one payment that goes to one month (or one worker's part of it)."""

    month_id: int  # the UnpaidMonth's id
    applied: int  # rupiah of this payment put on the month
    paid_in_full: bool  # the month becomes paid (and is not reminded of again)


def check_amount(amount: int) -> None:
    """A payment is a positive amount: recording one never lowers what was paid."""
    if amount <= 0:
        raise PledgeError("amount")


def allocate_payment(unpaid: Sequence[UnpaidMonth], amount: int, *, only_month: date | None = None,
                     only_worker: int | None = None) -> list[MonthPayment]:
    """How `amount` spreads over the unpaid months, oldest first and workers in order; with `only_month` over that
    month only, with `only_worker` over that worker's parts only. Raises PledgeError: amount (not positive),
    nothing_due, too_much (more than everything due)."""
    check_amount(amount)
    months = sorted((m for m in unpaid if (only_month is None or m.month == only_month)
                     and (only_worker is None or m.worker == only_worker)),
                    key=lambda m: (m.month, m.position, m.id))
    outstanding = sum(m.remaining for m in months)
    if outstanding <= 0:
        raise PledgeError("nothing_due")
    if amount > outstanding:
        raise PledgeError("too_much")
    shares = []
    left = amount
    for month in months:
        if left <= 0:
            break
        applied = min(left, month.remaining)
        left -= applied
        shares.append(MonthPayment(month.id, applied, month.amount_paid + applied >= month.amount_due))
    return shares
