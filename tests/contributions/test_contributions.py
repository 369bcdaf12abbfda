"""Every contribution rule, table-driven, with the PP 50/2025 periods as the migration seeds them."""

from __future__ import annotations

from datetime import date

import pytest

from bot.contributions.rules import (
    AUDIENCE_ALL,
    Discount,
    QuoteError,
    as_json,
    quote,
    round_half_up,
)
from bot.core.calendar import parse_month
from tests.support.discounts import PP50

MIN = ("jkk", "jkm")
ALL = ("jkk", "jkm", "jht")


@pytest.mark.parametrize(
    ("income", "programs", "start", "months", "transport", "dues", "label"),
    [
        (1_000_000, MIN, "2026-03", 1, False, [16_800], "before the discount: full Rp16,800"),
        (1_000_000, MIN, "2026-04", 1, False, [8_400], "Rp16,800 becomes Rp8,400"),
        (1_000_000, MIN, "2026-03", 3, False, [16_800, 8_400, 8_400], "straddles the start"),
        (1_000_000, MIN, "2026-11", 3, False, [8_400, 8_400, 16_800], "straddles the end (Dec 2026)"),
        (1_000_000, MIN, "2026-03", 1, True, [8_400], "transport workers from Jan 2026"),
        (1_000_000, MIN, "2025-12", 2, True, [16_800, 8_400], "transport: straddles Jan 2026"),
        (1_000_000, MIN, "2027-02", 3, True, [8_400, 8_400, 16_800], "transport: ends after Mar 2027"),
        (1_000_000, MIN, "2027-01", 1, False, [16_800], "others: nothing in 2027"),
        (1_000_000, ALL, "2026-04", 1, False, [28_400], "JHT is never discounted: 36,800 - 8,400"),
        (1_000_000, ALL, "2026-01", 1, False, [36_800], "all three, no discount"),
        (2_000_000, ALL, "2026-04", 1, False, [53_400], "66,800 less 50% of 26,800"),
        (2_000_000, MIN, "2026-01", 1, False, [26_800], "domain table: Rp2 million"),
        (3_000_000, ALL, "2026-01", 1, False, [96_800], "domain table: Rp3 million"),
        (1_500_000, ALL, "2026-01", 1, False, [51_800], "domain table: Rp1.5 million"),
        (500_000, MIN, "2026-01", 1, False, [16_800], "below the minimum: quoted at Rp1 million"),
        (1_000_050, MIN, "2026-01", 1, False, [16_801], "JKK 10,000.5 rounds half up"),
        (1_000_100, MIN, "2026-04", 1, False, [8_400], "discount 8,400.5 rounds half up: 16,801 - 8,401"),
        (1_234_550, ALL, "2026-01", 1, False, [12_346 + 6_800 + 24_691], "rounding of each program"),
    ],
)
def test_monthly_dues(income: int, programs: tuple[str, ...], start: str, months: int, transport: bool,
                      dues: list[int], label: str) -> None:
    result = quote(income=income, programs=programs, first_month=parse_month(start), months=months,
                   transport=transport, discounts=PP50)
    assert [m.due for m in result.months] == dues, label
    assert result.total == sum(dues)


def test_the_minimum_clamp_is_reported() -> None:
    result = quote(income=750_000, programs=MIN, first_month=date(2026, 1, 1))
    assert result.clamped and result.income == 1_000_000 and result.declared_income == 750_000
    assert not quote(income=1_000_000, programs=MIN, first_month=date(2026, 1, 1)).clamped


def test_several_workers_multiply_the_total_and_each_month_is_per_worker() -> None:
    result = quote(income=1_000_000, programs=MIN, first_month=date(2026, 3, 1), months=3, workers=2,
                   discounts=PP50)
    assert as_json(result) == {
        "total": 2 * (16_800 + 8_400 + 8_400),
        "months": [
            {"period": "2026-03", "base": 16_800, "discount": 0, "due": 16_800},
            {"period": "2026-04", "base": 16_800, "discount": 8_400, "due": 8_400},
            {"period": "2026-05", "base": 16_800, "discount": 8_400, "due": 8_400},
        ],
    }


def test_workers_paid_by_government_budgets_get_no_discount() -> None:
    result = quote(income=1_000_000, programs=MIN, first_month=date(2026, 4, 1), government_paid=True,
                   discounts=PP50)
    assert result.months[0].due == 16_800


def test_periods_do_not_stack_the_largest_applies() -> None:
    extra = Discount("Promo daerah", "Perda", 20, date(2026, 4, 1), date(2026, 4, 1), frozenset({"jkk", "jkm", "jht"}),
                     AUDIENCE_ALL)
    result = quote(income=1_000_000, programs=ALL, first_month=date(2026, 4, 1), discounts=[*PP50, extra])
    assert result.months[0].discount == 8_400 and result.months[0].discount_name == PP50[1].name
    only_extra = quote(income=1_000_000, programs=ALL, first_month=date(2026, 4, 1), discounts=[extra],
                       government_paid=True)
    assert only_extra.months[0].discount == 0  # excluded: paid by government budgets


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"income": 0}, "income_not_positive"),
        ({"income": -500_000}, "income_not_positive"),
        ({"income": 100_000_001}, "income_too_high"),
        ({"programs": ("jkk", "jkm", "jp")}, "not_for_informal"),
        ({"programs": ("jkk", "jkm", "jkp")}, "not_for_informal"),
        ({"programs": ("jkk",)}, "minimum_programs"),
        ({"programs": ("jkk", "jkm", "xyz")}, "unknown_program"),
        ({"months": 0}, "bad_months"),
        ({"months": 13}, "bad_months"),
        ({"workers": 0}, "bad_workers"),
    ],
)
def test_what_cannot_be_quoted_says_why(kwargs: dict, code: str) -> None:
    arguments = {"income": 1_000_000, "programs": MIN, "first_month": date(2026, 1, 1), **kwargs}
    with pytest.raises(QuoteError) as caught:
        quote(**arguments)
    assert caught.value.code == code


@pytest.mark.parametrize(("numerator", "denominator", "expected"),
                         [(5, 10, 1), (4, 10, 0), (15, 10, 2), (25, 10, 3), (-5, 10, -1), (16_801 * 50, 100, 8_401)])
def test_round_half_up(numerator: int, denominator: int, expected: int) -> None:
    assert round_half_up(numerator, denominator) == expected


@pytest.mark.parametrize("text", ["2026-13", "26-04", "April", "", "2026/04"])
def test_bad_months_are_refused(text: str) -> None:
    with pytest.raises(QuoteError):
        parse_month(text)


def test_an_admins_discount_line_is_parsed_and_checked() -> None:
    from bot.contributions.rules import parse_discount

    discount = parse_discount("50 2027-01 2027-06 semua jkk,jkm Promo Kalsel | SK 1/2027".split())
    assert (discount.percent, discount.audience, discount.programs) == (50, AUDIENCE_ALL, frozenset({"jkk", "jkm"}))
    assert discount.name == "Promo Kalsel" and discount.legal_basis == "SK 1/2027"
    for bad in ["sembilan puluh", "0 2027-01 2027-06 semua jkk x", "50 2027-06 2027-01 semua jkk x",
                "50 2027-01 2027-06 planet jkk x", "50 2027-01 2027-06 semua jp x", "50 2027-01 2027-06 semua jkk"]:
        with pytest.raises(QuoteError):
            parse_discount(bad.split())
