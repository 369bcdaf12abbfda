"""Monthly contributions of informal workers (BPU) and the discounts on them, in whole rupiah.

Rules (shared/domain/bpjs-ketenagakerjaan.md §2 and §4):
- JKK and JKM together are the minimum; JHT is optional. JP and JKP are not open to informal workers.
- Declared income is at least Rp1,000,000: a lower figure is quoted at Rp1,000,000.
- Per month: JKK = 1% of declared income, JKM = Rp6,800, JHT = 2% of declared income, each rounded to whole
  rupiah, half up.
- A discount's amount for a month is its percentage of the sum of the programs it covers, rounded half up.
  Periods do not stack: when several apply to one month, the largest discount is given.
- A quote for several months prices each month on its own (a discount can end in the middle).

All arithmetic is on integers; no float ever touches an amount.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from bot.core.calendar import InputRefused, add_months, month_label, month_start, parse_month

JKK, JKM, JHT, JP, JKP = "jkk", "jkm", "jht", "jp", "jkp"
BPU_PROGRAMS = (JKK, JKM, JHT)
NOT_FOR_INFORMAL_WORKERS = frozenset({JP, JKP})
MINIMUM_PROGRAMS = frozenset({JKK, JKM})

MINIMUM_INCOME = 1_000_000
MAXIMUM_INCOME = 100_000_000  # above this a declared monthly income is a typo, not a quote
JKM_FLAT = 6_800
# Percentages as (numerator, denominator) so that rounding is exact.
RATES = {JKK: (1, 100), JHT: (2, 100)}

AUDIENCE_TRANSPORT = "transport"
AUDIENCE_OTHER = "other"
AUDIENCE_ALL = "all"
AUDIENCES = (AUDIENCE_TRANSPORT, AUDIENCE_OTHER, AUDIENCE_ALL)


# A request that cannot be quoted; `code` says which rule it broke (for the user's message). The same type as
# the calendar's, so one `except QuoteError` also covers a month that is not a month (parse_month).
QuoteError = InputRefused


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest integer, halves away from zero."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    sign = -1 if numerator < 0 else 1
    return sign * ((2 * abs(numerator) + denominator) // (2 * denominator))


@dataclass(frozen=True)
class Discount:
    """A discount period as the rules see it (stored in the discount_periods table)."""

    name: str
    legal_basis: str
    percent: int
    first_month: date
    last_month: date
    programs: frozenset[str]
    audience: str = AUDIENCE_ALL
    excludes_government_paid: bool = True
    id: int | None = None

    def applies(self, month: date, *, transport: bool, government_paid: bool) -> bool:
        if not self.first_month <= month <= self.last_month:
            return False
        if government_paid and self.excludes_government_paid:
            return False
        if self.audience == AUDIENCE_TRANSPORT:
            return transport
        if self.audience == AUDIENCE_OTHER:
            return not transport
        return True

    def amount(self, parts: dict[str, int]) -> int:
        covered = sum(value for program, value in parts.items() if program in self.programs)
        return round_half_up(covered * self.percent, 100)


@dataclass(frozen=True)
class MonthQuote:
    month: date
    parts: dict[str, int]  # per program, before discount
    base: int
    discount: int
    discount_name: str | None
    discount_last_month: date | None

    @property
    def due(self) -> int:
        return self.base - self.discount


@dataclass(frozen=True)
class Quote:
    income: int  # the income the quote uses (after the minimum clamp)
    declared_income: int
    programs: tuple[str, ...]
    workers: int
    months: tuple[MonthQuote, ...]

    @property
    def clamped(self) -> bool:
        return self.income != self.declared_income

    @property
    def total(self) -> int:
        return sum(m.due for m in self.months) * self.workers


def typed_income_problem(amount: int) -> str | None:
    """Why an income typed in a conversation cannot be used, or None. "2" means 2 juta or a typo, never Rp2: the
    conversation asks again instead of guessing."""
    if amount <= 0:
        return "income_not_positive"
    if amount < 1_000:
        return "income_unclear"
    if amount > MAXIMUM_INCOME:
        return "income_too_high"
    return None


def check_income(declared: int) -> int:
    """The income a quote uses: refuses implausible figures, lifts low ones to the minimum."""
    if declared <= 0:
        raise QuoteError("income_not_positive", "income must be more than zero")
    if declared > MAXIMUM_INCOME:
        raise QuoteError("income_too_high", f"income above Rp{MAXIMUM_INCOME:,} a month is not plausible")
    return max(declared, MINIMUM_INCOME)


def check_programs(programs: Iterable[str]) -> tuple[str, ...]:
    chosen = {p.strip().lower() for p in programs if p.strip()}
    refused = chosen & NOT_FOR_INFORMAL_WORKERS
    if refused:
        raise QuoteError("not_for_informal", "JP and JKP are not open to informal workers (BPU)")
    unknown = chosen - set(BPU_PROGRAMS)
    if unknown:
        raise QuoteError("unknown_program", f"unknown program(s): {', '.join(sorted(unknown))}")
    if not MINIMUM_PROGRAMS <= chosen:
        raise QuoteError("minimum_programs", "JKK and JKM together are the minimum")
    return tuple(p for p in BPU_PROGRAMS if p in chosen)


def monthly_parts(income: int, programs: Sequence[str]) -> dict[str, int]:
    parts = {}
    for program in programs:
        if program == JKM:
            parts[program] = JKM_FLAT
        else:
            numerator, denominator = RATES[program]
            parts[program] = round_half_up(income * numerator, denominator)
    return parts


def best_discount(month: date, parts: dict[str, int], discounts: Iterable[Discount], *, transport: bool,
                  government_paid: bool) -> tuple[int, Discount | None]:
    best: tuple[int, Discount | None] = (0, None)
    for discount in discounts:
        if discount.applies(month, transport=transport, government_paid=government_paid):
            amount = discount.amount(parts)
            if amount > best[0]:
                best = (amount, discount)
    return best


def quote(*, income: int, programs: Iterable[str], first_month: date, months: int = 1, workers: int = 1,
          transport: bool = False, government_paid: bool = False,
          discounts: Iterable[Discount] = ()) -> Quote:
    if not 1 <= months <= 12:
        raise QuoteError("bad_months", "months must be between 1 and 12")
    if not 1 <= workers <= 1000:
        raise QuoteError("bad_workers", "workers must be between 1 and 1000")
    used_income = check_income(income)
    chosen = check_programs(programs)
    periods = list(discounts)
    lines = []
    for offset in range(months):
        month = add_months(month_start(first_month), offset)
        parts = monthly_parts(used_income, chosen)
        amount, discount = best_discount(month, parts, periods, transport=transport,
                                         government_paid=government_paid)
        lines.append(MonthQuote(month, parts, sum(parts.values()), amount,
                                discount.name if discount else None, discount.last_month if discount else None))
    return Quote(used_income, income, chosen, workers, tuple(lines))


AUDIENCE_WORDS = {"transport": AUDIENCE_TRANSPORT, "transportasi": AUDIENCE_TRANSPORT, "lainnya": AUDIENCE_OTHER,
                  "other": AUDIENCE_OTHER, "semua": AUDIENCE_ALL, "all": AUDIENCE_ALL}


def parse_discount(words: Sequence[str]) -> Discount:
    """An admin's `/diskon tambah 50 2027-01 2027-06 semua jkk,jkm Name | legal basis`, checked.
    Raises QuoteError('bad_discount') when any part is missing or out of range."""
    try:
        percent, first, last, audience, programs, *rest = words
        name, _, basis = " ".join(rest).partition("|")
        discount = Discount(name=name.strip()[:128], legal_basis=basis.strip()[:128] or "-", percent=int(percent),
                            first_month=parse_month(first), last_month=parse_month(last),
                            programs=frozenset(p.strip().lower() for p in programs.split(",") if p.strip()),
                            audience=AUDIENCE_WORDS[audience.lower()])
    except (ValueError, KeyError):
        raise QuoteError("bad_discount", "not a discount definition") from None
    if not (1 <= discount.percent <= 100 and discount.name and discount.first_month <= discount.last_month
            and discount.programs and discount.programs <= set(BPU_PROGRAMS)):
        raise QuoteError("bad_discount", "discount out of range")
    return discount


def as_json(result: Quote) -> dict:
    """The evaluation interface's shape: per-worker figures per month, total for all workers."""
    return {
        "total": result.total,
        "months": [{"period": month_label(m.month), "base": m.base, "discount": m.discount, "due": m.due}
                   for m in result.months],
    }
