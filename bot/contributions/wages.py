"""What a wage earner (PU) pays and what the employer pays, by program (shared/domain §3).

Rates are percentages of the monthly wage; the JP (pension) wage cap changes every March, so it is data with the
date it applies from and how sure our sources are. Amounts are whole rupiah, rounded half up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.contributions.rules import round_half_up

# Basis points (1/100 of a percent) keep every rate an integer.
WORKER_BPS = {"jht": 200, "jp": 100}
EMPLOYER_BPS = {"jkm": 30, "jht": 370, "jp": 200}
JKK_RISK_BPS = {1: 24, 2: 54, 3: 89, 4: 127, 5: 174}  # very low .. very high risk, PP 44/2015 Lampiran I


@dataclass(frozen=True)
class WageCap:
    applies_from: date
    amount: int
    source: str
    confirmed: bool


JP_WAGE_CAPS = (
    WageCap(date(2023, 3, 1), 9_559_600, "BPJSTK, Mar 2023", True),
    WageCap(date(2024, 3, 1), 10_042_300, "BPJSTK, Mar 2024", True),
    WageCap(date(2025, 3, 1), 10_547_400, "letter B/726/022025", True),
    # Reported for March 2026 but not confirmed by a second source (domain file, conflict 4): not used.
    WageCap(date(2026, 3, 1), 11_086_300, "letter B/1226/022026 (unconfirmed)", False),
)


def jp_cap(on: date) -> WageCap:
    """The newest confirmed cap in force on `on`."""
    caps = [c for c in JP_WAGE_CAPS if c.confirmed and c.applies_from <= on]
    return caps[-1] if caps else JP_WAGE_CAPS[0]


@dataclass(frozen=True)
class Deductions:
    wage: int
    cap: WageCap
    worker: dict[str, int]
    employer: dict[str, int]  # JKK for the lowest and highest risk group: ("jkk_min", "jkk_max")

    @property
    def worker_total(self) -> int:
        return sum(self.worker.values())


def deductions(wage: int, on: date) -> Deductions:
    cap = jp_cap(on)
    jp_base = min(wage, cap.amount)

    def share(bps: int, base: int) -> int:
        return round_half_up(base * bps, 10_000)

    worker = {"jht": share(WORKER_BPS["jht"], wage), "jp": share(WORKER_BPS["jp"], jp_base)}
    employer = {"jkk_min": share(JKK_RISK_BPS[1], wage), "jkk_max": share(JKK_RISK_BPS[5], wage),
                "jkm": share(EMPLOYER_BPS["jkm"], wage), "jht": share(EMPLOYER_BPS["jht"], wage),
                "jp": share(EMPLOYER_BPS["jp"], jp_base)}
    return Deductions(wage, cap, worker, employer)
