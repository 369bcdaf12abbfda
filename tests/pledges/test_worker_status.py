"""Where a sponsored worker stands: one vocabulary, and "protected" never before registration and a verified
payment."""

from __future__ import annotations

from datetime import date

import pytest

from bot.pledges.worker_status import (
    APPLIED,
    INACTIVE,
    INVITED,
    LAPSING,
    OPENED,
    PROTECTED,
    REGISTERED,
    PaidMonth,
    overdue_in_a_row,
    worker_status,
)

TODAY = date(2027, 3, 20)  # March's due date (the 15th) has passed


def months(*paid: str) -> list[PaidMonth]:
    """Dec 2026 .. Mar 2027, each "v" (paid, verified), "p" (paid, waiting), "-" (unpaid)."""
    firsts = [date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1)]
    return [PaidMonth(first, first.replace(day=15), mark != "-", mark == "v") for first, mark in zip(firsts, paid)]


@pytest.mark.parametrize(("opened", "application", "paid", "status"), [
    (False, None, "vvvv", INVITED),
    (True, None, "vvvv", OPENED),
    (True, "rejected", "vvvv", OPENED),  # turned down by the branch office: not applied any more
    (True, "submitted", "vvvv", APPLIED),  # paid and verified, yet not protected: no BPJS number yet
    (True, "registered", "vvvv", PROTECTED),
    (True, "registered", "vvvp", REGISTERED),  # this month paid, not yet verified
    (True, "registered", "vvv-", LAPSING),
    (True, "registered", "v--p", REGISTERED),  # the latest paid: nothing overdue in a row; March not yet verified
    (True, "registered", "vv--", LAPSING),
    (True, "registered", "v---", INACTIVE),
    (True, "registered", "----", INACTIVE),
])
def test_each_status(opened: bool, application: str | None, paid: str, status: str) -> None:
    assert worker_status(opened=opened, application_status=application, months=months(*paid), today=TODAY) == status


def test_a_month_not_yet_due_is_not_overdue() -> None:
    before_due = date(2027, 3, 10)
    assert overdue_in_a_row(months(*"vvv-"), before_due) == 0
    assert worker_status(opened=True, application_status="registered", months=months(*"vvv-"),
                         today=before_due) == REGISTERED
    assert overdue_in_a_row(months(*"vv--"), TODAY) == 2
