"""Rupiah and months the way each language writes them (Babel): Rp16.800 / April 2026 in Indonesian."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALES = {"id": "id_ID", "en": "en_US"}


def rupiah(amount: int, lang: str = "id") -> str:
    """Whole rupiah, no decimals: Rp16.800 (id), Rp16,800 (en); negative amounts as −Rp8.400."""
    digits = format_decimal(abs(amount), format="#,##0", locale=LOCALES.get(lang, "id_ID"))
    return f"{'−' if amount < 0 else ''}Rp{digits}"


def month_name(month: date, lang: str = "id") -> str:
    return format_date(month, "MMMM yyyy", locale=LOCALES.get(lang, "id_ID"))
