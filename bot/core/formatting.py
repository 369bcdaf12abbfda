"""Rupiah, numbers, percentages and dates the way each language writes them (Babel): Rp16.800, 7.996.826,
41,30%, Rp786 miliar and 2 Februari 2026 in Indonesian."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_decimal, format_percent

LOCALES = {"id": "id_ID", "en": "en_US"}


def _locale(lang: str) -> str:
    return LOCALES.get(lang, "id_ID")


def rupiah(amount: int, lang: str = "id") -> str:
    """Whole rupiah, no decimals: Rp16.800 (id), Rp16,800 (en); negative amounts as −Rp8.400."""
    digits = format_decimal(abs(amount), format="#,##0", locale=_locale(lang))
    return f"{'−' if amount < 0 else ''}Rp{digits}"


def rupiah_words(amount: int, lang: str = "id") -> str:
    """Large amounts the way news reports write them: Rp786 miliar, Rp20,8 miliar (id); Rp20.8 billion (en)."""
    return "Rp" + format_compact_decimal(amount, format_type="long", fraction_digits=1, locale=_locale(lang))


def number(value: int, lang: str = "id") -> str:
    """7.996.826 (id), 7,996,826 (en)."""
    return format_decimal(value, format="#,##0", locale=_locale(lang))


def percent(value: Decimal | int, lang: str = "id", *, decimals: int = 0) -> str:
    """`value` in percent (41.30 -> 41,30% in Indonesian), with exactly `decimals` decimals."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    return format_percent(Decimal(value) / 100, format=pattern, locale=_locale(lang))


def month_name(month: date, lang: str = "id") -> str:
    return format_date(month, "MMMM yyyy", locale=_locale(lang))


def day_text(day: date, lang: str = "id") -> str:
    """A day inside a sentence: 15-11-2026 in Indonesian (the way forms write it), 15 Nov 2026 in English (where
    15-11 and 11-15 are both read)."""
    return day.strftime("%d-%m-%Y") if lang != "en" else format_date(day, "d MMM y", locale=_locale(lang))


def long_date(day: date, lang: str = "id") -> str:
    """2 Februari 2026 / 2 February 2026."""
    return format_date(day, "d MMMM y", locale=_locale(lang))


def short_date(day: date, lang: str = "id") -> str:
    """2 Nov: axis labels."""
    return format_date(day, "d MMM", locale=_locale(lang))
