"""A payment the sponsor makes for one worker pays only that worker's months, is refused for a worker of another
pledge, and says what is left of that worker's part."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.crypto import PersonalDataCipher, new_data_key
from bot.infra.database import Database
from bot.pledges.rules import PledgeError
from models.pledge import Pledge, WorkerDetails, create_pledge, overview
from models.pledge_payments import payment_shares, record_payment
from tests.support.discounts import PP50

CIPHER = PersonalDataCipher(new_data_key())
SPONSOR, OTHER = 5_201, 5_202
NOV = date(2026, 11, 1)


async def two_worker_pledge(db: Database, sponsor: int = SPONSOR) -> tuple[int, list[int]]:
    async with db.transaction() as session:
        pledge, invitations = await create_pledge(
            session, CIPHER, sponsor, [WorkerDetails("AHMAD FAUZI", "marbot", False, None),
                                       WorkerDetails("BUDI SANTOSO", "penjaga", False, None)],
            months=2, programs=("jkk", "jkm"), first_month=NOV, current_month=NOV, discounts=PP50)
    assert pledge.id is not None
    return pledge.id, [b.id for b, _ in invitations if b.id is not None]


async def test_a_payment_for_one_worker_pays_only_their_months(db: Database) -> None:
    pledge_id, (ahmad, budi) = await two_worker_pledge(db)  # November 8,400 each, December 8,400 each
    async with db.transaction() as session:
        payment = await record_payment(session, pledge_id, SPONSOR, 10_000, NOV, "TRX", beneficiary_id=budi)
    assert payment.beneficiary_id == budi
    async with db.session() as session:
        seen = await overview(session, await session.get(Pledge, pledge_id))
        paid = {(b.position, m.month): part.amount_paid for b in seen.beneficiaries for m, part in seen.parts_of(b)}
        shares = await payment_shares(session, payment.id)
    assert paid == {(1, NOV): 0, (1, date(2026, 12, 1)): 0, (2, NOV): 8_400, (2, date(2026, 12, 1)): 1_600}
    # November is still due (Ahmad's part); what is left is said of Budi's part
    assert [m.status for m in seen.months] == ["due", "due"]
    assert shares == [(NOV, 8_400, 0), (date(2026, 12, 1), 1_600, 6_800)]


async def test_a_worker_of_another_pledge_or_too_much_for_one_worker_is_refused(db: Database) -> None:
    pledge_id, (ahmad, _) = await two_worker_pledge(db)
    _, (stranger, _) = await two_worker_pledge(db, OTHER)
    for beneficiary, amount, code in ((stranger, 1_000, "not_yours"), (999_999, 1_000, "not_yours"),
                                      (ahmad, 16_801, "too_much")):
        with pytest.raises(PledgeError) as caught:
            async with db.transaction() as session:
                await record_payment(session, pledge_id, SPONSOR, amount, NOV, None, beneficiary_id=beneficiary)
        assert caught.value.code == code
    async with db.session() as session:
        seen = await overview(session, await session.get(Pledge, pledge_id))
    assert seen.total_paid == 0
