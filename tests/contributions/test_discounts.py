"""Discount periods in the database: seeded by the migration, added and ended by admins, audited."""

from __future__ import annotations

from datetime import date

from bot.contributions.rules import AUDIENCE_ALL, AUDIENCE_OTHER, AUDIENCE_TRANSPORT, Discount, quote
from bot.infra.database import Database
from models import audit
from models.discount import add_period, all_periods, end_period, rules


async def test_the_migration_seeds_pp_50_2025(db: Database) -> None:
    async with db.session() as session:
        seeded = await rules(session)
    by_audience = {d.audience: d for d in seeded}
    assert set(by_audience) == {AUDIENCE_TRANSPORT, AUDIENCE_OTHER}
    assert by_audience[AUDIENCE_TRANSPORT].first_month == date(2026, 1, 1)
    assert by_audience[AUDIENCE_TRANSPORT].last_month == date(2027, 3, 1)
    assert by_audience[AUDIENCE_OTHER].first_month == date(2026, 4, 1)
    assert by_audience[AUDIENCE_OTHER].last_month == date(2026, 12, 1)
    assert all(d.percent == 50 and d.programs == {"jkk", "jkm"} and d.excludes_government_paid for d in seeded)
    result = quote(income=1_000_000, programs=("jkk", "jkm"), first_month=date(2026, 4, 1), discounts=seeded)
    assert result.months[0].due == 8_400


async def test_an_admin_adds_and_ends_a_period_and_both_are_audited(db: Database) -> None:
    new = Discount("Promo Kalsel", "SK contoh", 20, date(2027, 1, 1), date(2027, 6, 1), frozenset({"jkk", "jkm"}),
                   AUDIENCE_ALL)
    async with db.transaction() as session:
        period = await add_period(session, new, actor_id=42)
    async with db.session() as session:
        first = quote(income=1_000_000, programs=("jkk", "jkm"), first_month=date(2027, 2, 1),
                      discounts=await rules(session))
    assert first.months[0].discount == 3_360

    async with db.transaction() as session:
        assert await end_period(session, period.id, date(2027, 1, 1), actor_id=42) is not None
        assert await end_period(session, period.id, date(2027, 5, 1), actor_id=42) is None  # never later
        assert await end_period(session, 9999, date(2027, 1, 1), actor_id=42) is None
    async with db.session() as session:
        after = quote(income=1_000_000, programs=("jkk", "jkm"), first_month=date(2027, 2, 1),
                      discounts=await rules(session))
        log = await audit.entries(session)
        stored = [p for p in await all_periods(session) if p.id == period.id][0]
    assert after.months[0].discount == 0
    assert [e.action for e in log][:2] == ["discount.end", "discount.add"]
    assert all(e.actor_id == 42 for e in log[:2])
    assert stored.ended_by == 42 and stored.ended_at is not None


def test_a_period_can_be_ended_early_only_while_it_has_months_left() -> None:
    from models.discount import DiscountPeriod, in_listing_order

    november = date(2026, 11, 1)

    def period(id_: int, first: date, last: date) -> DiscountPeriod:
        return DiscountPeriod(id=id_, name=f"#{id_}", legal_basis="PP", percent=50, first_month=first,
                              last_month=last, programs="jkk,jkm")

    running, ends_now = period(1, date(2026, 1, 1), date(2027, 3, 1)), period(2, date(2026, 4, 1), november)
    coming, called_off = period(3, date(2027, 1, 1), date(2027, 6, 1)), period(4, date(2027, 6, 1), date(2027, 5, 1))
    old, older = period(5, date(2025, 1, 1), date(2025, 12, 1)), period(6, date(2024, 1, 1), date(2024, 6, 1))
    assert running.can_end_after(november) and coming.can_end_after(november)
    # Ending after this month's contribution changes nothing for a period whose last month is this one, so it
    # offers no button (the button used to be shown, and pressing it said it was out of date).
    assert not ends_now.can_end_after(november)
    assert not called_off.can_end_after(november) and not old.can_end_after(november)
    ordered = in_listing_order([older, running, old, ends_now, coming, called_off], november)
    assert [p.id for p in ordered] == [1, 2, 3, 4, 5, 6]
