"""Pricing follows the worker: a sponsored worker who declares more than the minimum is asked about once, and the
sponsor's answer re-prices only that worker's unpaid months from the month given, keeping every total whole."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from bot.core.crypto import PersonalDataCipher, new_data_key
from bot.infra.database import Database
from bot.pledges.rules import PledgeError
from models import enrollment
from models.pledge import Pledge, PledgeMonth, PledgeWorkerMonth, WorkerDetails, cancel, create_pledge, overview
from models.pledge_payments import record_payment
from models.pledge_workers import (
    INCOME_FOLLOW,
    INCOME_MINIMUM,
    choose_income,
    claim_invitation,
    income_to_ask,
    link_application,
)
from tests.support.discounts import PP50

CIPHER = PersonalDataCipher(new_data_key())
SPONSOR, OTHER, WORKER = 5_101, 5_102, 6_101
NOV, DEC, JAN = date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)


def applicant(income: int) -> enrollment.ApplicantDetails:
    return enrollment.ApplicantDetails(
        name="AHMAD FAUZI", nik="6371015708850002", birth_date=date(1985, 8, 17), phone="+6281211112222",
        occupation="marbot", transport=False, province="Kalimantan Selatan", regency="Banjarmasin", income=income,
        programs=("jkk", "jkm"))


async def sponsored_worker_applies(db: Database, income: int) -> tuple[int, int, int]:
    """A pledge for two workers, November to January (half price in November and December); the first worker
    applies declaring `income`. Returns (pledge id, the worker's id in the pledge, the application id)."""
    async with db.transaction() as session:
        pledge, invitations = await create_pledge(
            session, CIPHER, SPONSOR, [WorkerDetails("AHMAD FAUZI", "marbot", False, None),
                                       WorkerDetails("BUDI SANTOSO", "penjaga", False, None)],
            months=3, programs=("jkk", "jkm"), first_month=NOV, current_month=NOV, discounts=PP50)
    async with db.transaction() as session:
        invitation, _ = await claim_invitation(session, invitations[0][1], WORKER)
        assert invitation is not None
        application = await enrollment.submit(session, CIPHER, WORKER, applicant(income))
        await link_application(session, invitation.beneficiary.id, WORKER, application.id)
    assert pledge.id is not None and invitation.beneficiary.id is not None and application.id is not None
    return pledge.id, invitation.beneficiary.id, application.id


async def worker_prices(db: Database, pledge_id: int) -> dict[tuple[int, date], tuple[int, int, int]]:
    """(worker id, month) -> (due, discount, paid), and every month's total checked against its workers' parts."""
    async with db.session() as session:
        seen = await overview(session, await session.get(Pledge, pledge_id))
        months = {m.id: m for m in seen.months}
        for month in seen.months:
            parts = [p for p in seen.parts if p.month_id == month.id]
            assert month.amount_due == sum(p.amount_due for p in parts)
            assert month.amount_paid == sum(p.amount_paid for p in parts)
        return {(p.beneficiary_id, months[p.month_id].month): (p.amount_due, p.discount, p.amount_paid)
                for p in seen.parts}


async def answer(db: Database, worker_id: int, choice: str, income: int, *, sponsor: int = SPONSOR,
                 today: date = date(2026, 12, 4)) -> int:
    async with db.transaction() as session:
        _, changed = await choose_income(session, worker_id, sponsor, choice, income, today, PP50)
    return changed


async def refused(db: Database, worker_id: int, choice: str, income: int, *, sponsor: int = SPONSOR) -> str:
    with pytest.raises(PledgeError) as caught:
        await answer(db, worker_id, choice, income, sponsor=sponsor)
    return caught.value.code


async def test_following_the_income_reprices_that_workers_unpaid_months_from_this_month_on(db: Database) -> None:
    pledge_id, worker, application = await sponsored_worker_applies(db, 1_500_000)
    async with db.session() as session:
        asked = await income_to_ask(session, application)
    assert asked is not None and asked.income == 1_500_000 and asked.beneficiary.id == worker
    before = await worker_prices(db, pledge_id)
    assert before[worker, DEC] == (8_400, 8_400, 0)  # half price at the minimum
    assert await answer(db, worker, INCOME_FOLLOW, 1_500_000) == 2  # December and January
    after = await worker_prices(db, pledge_id)
    # 1% of 1,500,000 for JKK plus 6,800 for JKM is 21,800: half of it in December, all of it in January
    assert after[worker, NOV] == before[worker, NOV]  # before this month: as it was
    assert after[worker, DEC] == (10_900, 10_900, 0) and after[worker, JAN] == (21_800, 0, 0)
    assert {k: v for k, v in after.items() if k[0] != worker} == {k: v for k, v in before.items() if k[0] != worker}
    async with db.session() as session:
        assert await income_to_ask(session, application) is None  # answered: not asked again


async def test_a_month_already_paid_toward_keeps_its_price(db: Database) -> None:
    pledge_id, worker, _ = await sponsored_worker_applies(db, 2_000_000)
    async with db.transaction() as session:  # November in full, and 5,000 of the first worker's December
        await record_payment(session, pledge_id, SPONSOR, 16_800 + 5_000, DEC, None)
    assert await answer(db, worker, INCOME_FOLLOW, 2_000_000) == 1  # January only
    after = await worker_prices(db, pledge_id)
    assert after[worker, DEC] == (8_400, 8_400, 5_000) and after[worker, JAN] == (26_800, 0, 0)


async def test_keeping_the_minimum_is_recorded_and_changes_no_price(db: Database) -> None:
    pledge_id, worker, application = await sponsored_worker_applies(db, 1_500_000)
    before = await worker_prices(db, pledge_id)
    assert await answer(db, worker, INCOME_MINIMUM, 1_500_000) == 0
    assert await worker_prices(db, pledge_id) == before
    assert await refused(db, worker, INCOME_FOLLOW, 1_500_000) == "decided"  # the other button, pressed after
    assert await worker_prices(db, pledge_id) == before
    async with db.session() as session:
        assert await income_to_ask(session, application) is None


async def test_forged_stale_and_cancelled_answers_change_nothing(db: Database) -> None:
    pledge_id, worker, _ = await sponsored_worker_applies(db, 1_500_000)
    before = await worker_prices(db, pledge_id)
    assert await refused(db, worker, INCOME_FOLLOW, 1_500_000, sponsor=OTHER) == "not_yours"
    assert await refused(db, 999_999, INCOME_FOLLOW, 1_500_000) == "not_yours"
    assert await refused(db, worker, "everything", 1_500_000) == "not_yours"
    assert await refused(db, worker, INCOME_FOLLOW, 2_500_000) == "changed"  # not the income the worker declared
    second = next(w for w, _ in before if w != worker)
    assert await refused(db, second, INCOME_FOLLOW, 1_500_000) == "changed"  # has not applied
    async with db.transaction() as session:
        await cancel(session, pledge_id, SPONSOR)
    assert await refused(db, worker, INCOME_FOLLOW, 1_500_000) == "cancelled"
    async with db.session() as session:
        parts = (await session.exec(select(PledgeWorkerMonth))).all()
        months = (await session.exec(select(PledgeMonth).where(PledgeMonth.pledge_id == pledge_id))).all()
    assert sum(p.amount_due for p in parts) == sum(m.amount_due for m in months) == sum(v[0] for v in before.values())


async def test_an_income_at_the_minimum_is_not_asked_about(db: Database) -> None:
    _, _, application = await sponsored_worker_applies(db, 1_000_000)
    async with db.session() as session:
        assert await income_to_ask(session, application) is None
