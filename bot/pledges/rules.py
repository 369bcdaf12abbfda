"""Sponsor pledges, without Telegram or tables: what each month costs, when a pledge starts, invitation tokens.

A sponsor pays the minimum for each worker ("Lindungi Pekerja Sekitar Anda": Rp16,800 a month for JKK+JKM at the
Rp1,000,000 minimum income, before discounts), priced month by month and worker by worker with the discount in force
for that month; once a worker declares a higher income, the sponsor may follow it for that worker.
Informal workers pay by the 15th of the month being paid for (shared/domain §2): due dates are
bot.core.calendar's; which months a payment marks paid is bot.pledges.payments.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.contributions.rules import MINIMUM_INCOME, Discount, quote
from bot.core.calendar import DUE_DAY, add_months, month_start, months_from_to

MONTH_CHOICES = (1, 3, 6, 12)
ONGOING = 0  # "every month until I stop"
ONGOING_PLANNED_AHEAD = 3  # an open-ended pledge keeps this many months planned from the current one
MAX_WORKERS = 10
SUGGESTED_WORKERS = 2
INVITE_LIFETIME = timedelta(days=30)
INVITE_PREFIX = "inv_"  # /start payload: inv_<token>
_TOKEN_ALPHABET = frozenset(string.ascii_letters + string.digits + "-_")


class PledgeError(Exception):
    """A change to a pledge that cannot be made; `code` names the reason for the user's message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class SponsoredWorker:
    occupation: str
    transport: bool = False
    income: int = MINIMUM_INCOME  # what the sponsor pays on: the minimum, or the worker's declared income if followed


@dataclass(frozen=True)
class MonthDue:
    month: date
    amount: int  # for all of the pledge's workers together
    discount: int
    per_worker: tuple[int, ...] = ()  # each worker's amount, in the pledge's order (they add up to `amount`)
    per_worker_discount: tuple[int, ...] = ()  # each worker's discount, in the same order
    discounts: tuple[tuple[str, date], ...] = ()  # the discounts in the price: (name, its last month)


def first_pledge_month(today: date) -> date:
    """A pledge starts this month, or next month once this month's due date (the 15th) has passed: a month
    that is already overdue on the day of the pledge would only alarm the sponsor."""
    month = month_start(today)
    return add_months(month, 1) if today.day > DUE_DAY else month


def month_amounts(workers: Sequence[SponsoredWorker], programs: Iterable[str], first_month: date, months: int,
                  discounts: Iterable[Discount]) -> list[MonthDue]:
    """What the sponsor owes for each month, all workers together and each worker's part, each priced on the
    income the sponsor pays on (the minimum unless the worker's declared income is followed)."""
    chosen = tuple(programs)
    rules = list(discounts)
    per_worker: dict[date, list[int]] = {}
    per_worker_discount: dict[date, list[int]] = {}
    named: dict[date, dict[tuple[str, date], None]] = {}
    # quote() prices at most a year at a time; an open-ended pledge left alone for long may need more.
    for offset in range(0, months, 12):
        for worker in workers:
            priced = quote(income=worker.income, programs=chosen, first_month=add_months(first_month, offset),
                           months=min(12, months - offset), transport=worker.transport, discounts=rules)
            for line in priced.months:
                per_worker.setdefault(line.month, []).append(line.due)
                per_worker_discount.setdefault(line.month, []).append(line.discount)
                if line.discount and line.discount_name and line.discount_last_month:
                    named.setdefault(line.month, {})[(line.discount_name, line.discount_last_month)] = None
    return [MonthDue(month, sum(amounts), sum(per_worker_discount[month]), tuple(amounts),
                     tuple(per_worker_discount[month]), tuple(named.get(month, ())))
            for month, amounts in sorted(per_worker.items())]


def planned_months(months: int, first_month: date, current_month: date) -> int:
    """How many months to plan at once: the chosen number, or enough to stay ONGOING_PLANNED_AHEAD ahead."""
    if months != ONGOING:
        return months
    ahead = add_months(current_month, ONGOING_PLANNED_AHEAD - 1)
    return max(months_from_to(first_month, ahead), ONGOING_PLANNED_AHEAD)


def new_invite_token() -> str:
    """16 URL-safe characters (96 random bits): short enough for a /start payload (64 characters)."""
    return secrets.token_urlsafe(12)


def invite_hash(token: str) -> str:
    """Only the hash is stored: a copy of the database cannot be used to claim invitations."""
    return hashlib.sha256(("lindungi-invite:" + token).encode()).hexdigest()


def invite_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?start={INVITE_PREFIX}{token}"


def invite_token_from_payload(payload: str) -> str | None:
    if not payload.startswith(INVITE_PREFIX):
        return None
    token = payload[len(INVITE_PREFIX):]
    return token if 8 <= len(token) <= 40 and all(c in _TOKEN_ALPHABET for c in token) else None


def sponsor_number(first_pledge_id: int) -> str:
    """A sponsor's number in the exports: that of their first pledge, which never changes ("SP-00012")."""
    return f"SP-{first_pledge_id:05d}"


def repricing_from(today: date, first_month: date) -> date:
    """A followed income prices a worker's unpaid months from this one on: the current month, or the pledge's first
    month when it starts later (months already past keep the price they were due at)."""
    return max(month_start(today), first_month)


def income_prices(worker: SponsoredWorker, programs: Iterable[str], month: date, discounts: Iterable[Discount],
                  income: int) -> tuple[MonthDue, MonthDue]:
    """One worker's `month` as the sponsor pays it now, and as it would be on the worker's declared `income`."""
    rules = list(discounts)
    chosen = tuple(programs)
    now = month_amounts([worker], chosen, month, 1, rules)[0]
    followed = month_amounts([SponsoredWorker(worker.occupation, worker.transport, income)], chosen, month, 1,
                             rules)[0]
    return now, followed
