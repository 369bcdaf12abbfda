"""Months and due dates, the one home of the calendar rules every part of the bot shares.

'Now' as the user sees it: Kalimantan spans WIB (UTC+7) and WITA (UTC+8), so months start at local midnight.
Informal workers pay by the 15th of the month being paid for (shared/domain §2): that is DUE_DAY, for pledges
and for workers' own contributions alike.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

DUE_DAY = 15


class InputRefused(ValueError):
    """Input a rule refuses; `code` names the rule for the user's message. bot.contributions.rules knows it as
    QuoteError, so a month that is not a month is refused like any other part of a quote request."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def this_month(timezone: str) -> date:
    """The first day of the current month in `timezone`."""
    return datetime.now(ZoneInfo(timezone)).date().replace(day=1)


def month_start(value: date) -> date:
    return value.replace(day=1)


def add_months(month: date, count: int) -> date:
    """The first day of the month `count` months after (or before, when negative) `month`'s."""
    index = month.year * 12 + (month.month - 1) + count
    return date(index // 12, index % 12 + 1, 1)


def months_from_to(first: date, last: date) -> int:
    """How many months `first`'s month to `last`'s month spans, both included (0 or less when `last` is earlier)."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def due_date(month: date) -> date:
    """The day `month`'s contribution is due."""
    return month.replace(day=DUE_DAY)


def parse_month(text: str) -> date:
    """'2026-04' -> date(2026, 4, 1); raises InputRefused('bad_month') for anything else."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        if not 2000 <= year <= 2100:
            raise ValueError
        return date(year, month, 1)
    except (ValueError, TypeError):
        raise InputRefused("bad_month", f"'{text}' is not a month like 2026-04") from None


def month_label(month: date) -> str:
    """The month as parse_month reads it: '2026-04'."""
    return f"{month.year:04d}-{month.month:02d}"
