"""Wage earners (PU): shares by program and the JP wage cap as dated data."""

from __future__ import annotations

from datetime import date

from bot.contributions.wages import JP_WAGE_CAPS, deductions, jp_cap


def test_shares_by_program_below_the_cap() -> None:
    split = deductions(5_000_000, date(2026, 6, 1))
    assert split.worker == {"jht": 100_000, "jp": 50_000}
    assert split.employer == {"jkk_min": 12_000, "jkk_max": 87_000, "jkm": 15_000, "jht": 185_000, "jp": 100_000}
    assert split.worker_total == 150_000


def test_jp_is_capped_with_the_newest_confirmed_cap() -> None:
    split = deductions(20_000_000, date(2026, 6, 1))
    assert split.cap.amount == 10_547_400 and split.cap.confirmed  # the 2026 figure is unconfirmed
    assert split.worker["jp"] == 105_474 and split.employer["jp"] == 210_948
    assert split.worker["jht"] == 400_000  # JHT has no cap
    assert jp_cap(date(2024, 6, 1)).amount == 10_042_300
    assert any(not cap.confirmed for cap in JP_WAGE_CAPS)
