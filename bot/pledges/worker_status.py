"""Where a sponsored worker stands, in one vocabulary for /janji, the worker's own view, the exports and the
dashboard: invited -> opened -> applied (waiting for the branch office) -> registered (BPJS number) -> protected
(registered, and this month paid and verified) -> lapsing (1-2 months overdue) -> inactive (3 overdue in a row:
shared/domain/bpjs-ketenagakerjaan.md, "Late payment and lapse"). "Protected" is never said before registration
and a verified payment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

INVITED, OPENED, APPLIED, REGISTERED, PROTECTED, LAPSING, INACTIVE = (
    "invited", "opened", "applied", "registered", "protected", "lapsing", "inactive")
STATUSES = (INVITED, OPENED, APPLIED, REGISTERED, PROTECTED, LAPSING, INACTIVE)
LAPSED_AFTER = 3  # consecutive months overdue and unpaid


@dataclass(frozen=True)
class PaidMonth:
    """A pledge month as the status reads it."""

    month: date
    due_date: date
    paid: bool  # paid in full
    verified: bool  # every payment toward it verified by an admin


def overdue_in_a_row(months: Sequence[PaidMonth], today: date) -> int:
    """How many months, counting back from the latest one past its due date, are unpaid in a row."""
    count = 0
    for month in sorted((m for m in months if m.due_date < today), key=lambda m: m.month, reverse=True):
        if month.paid:
            break
        count += 1
    return count


def worker_status(*, opened: bool, application_status: str | None, months: Sequence[PaidMonth],
                  today: date) -> str:
    """One of STATUSES. `application_status` is the worker's application ("submitted", "registered",
    "rejected") or None."""
    if application_status == "registered":
        overdue = overdue_in_a_row(months, today)
        if overdue >= LAPSED_AFTER:
            return INACTIVE
        if overdue:
            return LAPSING
        current = next((m for m in months if (m.month.year, m.month.month) == (today.year, today.month)), None)
        return PROTECTED if current is not None and current.paid and current.verified else REGISTERED
    if application_status == "submitted":
        return APPLIED
    return OPENED if opened else INVITED
