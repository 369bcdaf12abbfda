"""The PP 50/2025 discount periods as migration 0003 seeds them (shared/domain/bpjs-ketenagakerjaan.md §4), for
tests that price contributions without a database."""

from __future__ import annotations

from datetime import date

from bot.contributions.rules import AUDIENCE_OTHER, AUDIENCE_TRANSPORT, Discount

PP50 = [
    Discount("Diskon 50% iuran JKK+JKM (pekerja transportasi)", "PP 50/2025", 50, date(2026, 1, 1),
             date(2027, 3, 1), frozenset({"jkk", "jkm"}), AUDIENCE_TRANSPORT),
    Discount("Diskon 50% iuran JKK+JKM (pekerja informal)", "PP 50/2025", 50, date(2026, 4, 1),
             date(2026, 12, 1), frozenset({"jkk", "jkm"}), AUDIENCE_OTHER),
]
