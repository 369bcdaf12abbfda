"""Sponsor pledges in the database: months and amounts, payments, extend and cancel, single-use invitations,
admin verification, and what /hapusdata removes for sponsors and for workers."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import text, update
from sqlmodel import select

from bot.contributions.rules import Discount
from bot.core.crypto import PersonalDataCipher, new_data_key
from bot.infra.database import Database
from bot.pledges.rules import INVITE_LIFETIME, ONGOING, PledgeError, SponsoredWorker, invite_hash, month_amounts
from models import audit, enrollment, personal_data
from models.pledge import (
    ACTIVE,
    CANCELLED,
    MONTH_CANCELLED,
    MONTH_DUE,
    MONTH_PAID,
    Pledge,
    PledgeBeneficiary,
    PledgeMonth,
    PledgePayment,
    PledgePaymentAllocation,
    WorkerDetails,
    cancel,
    create_pledge,
    extend,
    keep_all_ongoing_planned,
    keep_ongoing_planned,
    overview,
)
from models.pledge_payments import record_payment, reject_payment, unverified_payments, verify_payment
from models.pledge_workers import claim_invitation, link_application, renew_invitations, sponsorship_of
from models.user import upsert_user
from tests.support.discounts import PP50

CIPHER = PersonalDataCipher(new_data_key())
NOV = date(2026, 11, 1)
SPONSOR, OTHER_SPONSOR, WORKER, STRANGER, ADMIN = 5_001, 5_002, 6_001, 6_002, 99
AHMAD = WorkerDetails(name="AHMAD FAUZI", occupation="marbot", transport=False, phone="+6281211112222")
BUDI = WorkerDetails(name="BUDI SANTOSO", occupation="tukang parkir", transport=False, phone=None)
SITI = enrollment.ApplicantDetails(
    name="AHMAD FAUZI", nik="6371015708850002", birth_date=date(1985, 8, 17), phone="+6281211112222",
    occupation="marbot", transport=False, province="Kalimantan Selatan", regency="Banjarmasin", income=1_000_000,
    programs=("jkk", "jkm"))


async def make_pledge(db: Database, *, sponsor: int = SPONSOR, workers: tuple[WorkerDetails, ...] = (AHMAD, BUDI),
                      months: int = 3, programs: tuple[str, ...] = ("jkk", "jkm"), first: date = NOV,
                      current: date = NOV, discounts: list[Discount] = PP50) -> tuple[int, list[str]]:
    async with db.transaction() as session:
        pledge, invitations = await create_pledge(session, CIPHER, sponsor, list(workers), months=months,
                                                  programs=programs, first_month=first, current_month=current,
                                                  discounts=discounts)
    assert pledge.id is not None
    return pledge.id, [token for _, token in invitations]


async def months_of(db: Database, pledge_id: int) -> list[PledgeMonth]:
    async with db.session() as session:
        return list((await session.exec(select(PledgeMonth).where(PledgeMonth.pledge_id == pledge_id)
                                        .order_by(PledgeMonth.month))).all())


async def beneficiaries_of(db: Database, pledge_id: int) -> list[PledgeBeneficiary]:
    async with db.session() as session:
        return list((await session.exec(select(PledgeBeneficiary).where(PledgeBeneficiary.pledge_id == pledge_id)
                                        .order_by(PledgeBeneficiary.position))).all())


async def payments_of(db: Database, pledge_id: int) -> list[PledgePayment]:
    async with db.session() as session:
        return list((await session.exec(select(PledgePayment).where(PledgePayment.pledge_id == pledge_id)
                                        .order_by(PledgePayment.id))).all())


async def pledge_row(db: Database, pledge_id: int) -> Pledge:
    async with db.session() as session:
        found = await session.get(Pledge, pledge_id)
    assert found is not None
    return found


def table(rows: list[PledgeMonth]) -> list[tuple[date, int, int, str]]:
    return [(m.month, m.amount_due, m.amount_paid, m.status) for m in rows]


async def pay(db: Database, pledge_id: int, amount: int, *, sponsor: int = SPONSOR,
              reference: str | None = "TRX-1") -> PledgePayment:
    async with db.transaction() as session:
        return await record_payment(session, pledge_id, sponsor, amount, date(2026, 11, 20), reference)


async def refused(db: Database, call) -> str:  # noqa: ANN001
    """The PledgeError code of `call(session)`, run in a transaction that is rolled back."""
    with pytest.raises(PledgeError) as caught:
        async with db.transaction() as session:
            await call(session)
    return caught.value.code


async def claim(db: Database, token: str, user_id: int):  # noqa: ANN201
    async with db.transaction() as session:
        return await claim_invitation(session, token, user_id)


# ============================================================================================ create_pledge
async def test_a_pledge_is_stored_with_encrypted_workers_hashed_invitations_and_priced_months(db: Database) -> None:
    before = datetime.now(timezone.utc)
    pledge_id, tokens = await make_pledge(db)
    stored = await pledge_row(db, pledge_id)
    assert (stored.sponsor_id, stored.status, stored.months, stored.first_month, stored.programs,
            stored.worker_count) == (SPONSOR, ACTIVE, 3, NOV, "jkk,jkm", 2)

    workers = await beneficiaries_of(db, pledge_id)
    assert [(w.position, w.occupation, w.transport) for w in workers] == [(1, "marbot", False),
                                                                         (2, "tukang parkir", False)]
    assert CIPHER.decrypt(workers[0].name_encrypted) == "AHMAD FAUZI"
    assert CIPHER.decrypt(workers[0].phone_encrypted) == "+6281211112222"
    assert CIPHER.decrypt(workers[1].name_encrypted) == "BUDI SANTOSO" and workers[1].phone_encrypted is None
    assert len(set(tokens)) == 2
    assert [w.invite_hash for w in workers] == [invite_hash(t) for t in tokens]
    for worker in workers:
        assert worker.worker_user_id is None and worker.invite_used_at is None
        assert before + INVITE_LIFETIME <= worker.invite_expires_at <= datetime.now(timezone.utc) + INVITE_LIFETIME

    async with db.session() as session:
        raw = (await session.exec(text("SELECT * FROM pledge_beneficiaries"))).mappings().all()
    dump = " ".join(str(v) for row in raw for v in row.values())
    for secret in ("AHMAD", "BUDI", "+6281211112222", "81211112222", *tokens):
        assert secret not in dump

    months = await months_of(db, pledge_id)
    assert table(months) == [(date(2026, 11, 1), 16_800, 0, MONTH_DUE), (date(2026, 12, 1), 16_800, 0, MONTH_DUE),
                             (date(2027, 1, 1), 33_600, 0, MONTH_DUE)]
    assert [m.due_date for m in months] == [date(2026, 11, 15), date(2026, 12, 15), date(2027, 1, 15)]
    expected = month_amounts([SponsoredWorker("marbot"), SponsoredWorker("tukang parkir")], ("jkk", "jkm"), NOV, 3,
                             PP50)
    assert [m.amount_due for m in months] == [line.amount for line in expected]


async def test_a_transport_worker_and_jht_are_priced_per_month(db: Database) -> None:
    ojek = WorkerDetails(name="CAHYO", occupation="tukang ojek", transport=True, phone=None)
    pledge_id, _ = await make_pledge(db, workers=(ojek,), months=6, programs=("jkk", "jkm", "jht"),
                                     first=date(2026, 12, 1))
    assert [m.amount_due for m in await months_of(db, pledge_id)] == [
        28_400, 28_400, 28_400, 28_400, 36_800, 36_800]  # Dec 2026 .. Mar 2027 discounted, JHT never


async def test_without_discounts_the_full_minimum_is_due(db: Database) -> None:
    pledge_id, _ = await make_pledge(db, months=1, discounts=[])
    assert table(await months_of(db, pledge_id)) == [(NOV, 33_600, 0, MONTH_DUE)]


async def test_an_ongoing_pledge_plans_months_ahead_and_adds_only_the_missing_ones(db: Database) -> None:
    pledge_id, _ = await make_pledge(db, months=ONGOING)
    assert (await pledge_row(db, pledge_id)).months == 0
    assert [m.month for m in await months_of(db, pledge_id)] == [date(2026, 11, 1), date(2026, 12, 1),
                                                                 date(2027, 1, 1)]
    async with db.transaction() as session:
        pledge = await session.get(Pledge, pledge_id)
        assert await keep_ongoing_planned(session, pledge, date(2026, 11, 1), PP50) == 0  # already 3 ahead
        assert await keep_ongoing_planned(session, pledge, date(2027, 1, 1), PP50) == 2
    async with db.transaction() as session:
        pledge = await session.get(Pledge, pledge_id)
        assert await keep_ongoing_planned(session, pledge, date(2027, 1, 1), PP50) == 0  # idempotent
    months = await months_of(db, pledge_id)
    assert table(months) == [(date(2026, 11, 1), 16_800, 0, MONTH_DUE), (date(2026, 12, 1), 16_800, 0, MONTH_DUE),
                             (date(2027, 1, 1), 33_600, 0, MONTH_DUE), (date(2027, 2, 1), 33_600, 0, MONTH_DUE),
                             (date(2027, 3, 1), 33_600, 0, MONTH_DUE)]
    assert [m.due_date.day for m in months] == [15] * 5


async def test_an_ongoing_pledge_created_later_than_its_first_month_plans_up_to_now(db: Database) -> None:
    pledge_id, _ = await make_pledge(db, months=ONGOING, first=NOV, current=date(2026, 12, 1), discounts=[])
    assert [m.month for m in await months_of(db, pledge_id)] == [
        date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]


async def test_an_ongoing_pledge_catches_up_after_more_than_a_year(db: Database) -> None:
    pledge_id, _ = await make_pledge(db, months=ONGOING, discounts=[])
    async with db.transaction() as session:
        pledge = await session.get(Pledge, pledge_id)
        added = await keep_ongoing_planned(session, pledge, date(2027, 12, 1), [])
    assert added == 13  # Feb 2027 .. Feb 2028
    assert (await months_of(db, pledge_id))[-1].month == date(2028, 2, 1)


async def test_fixed_term_and_cancelled_pledges_are_not_planned_ahead(db: Database) -> None:
    fixed_id, _ = await make_pledge(db, months=3)
    ongoing_id, _ = await make_pledge(db, months=ONGOING)
    async with db.transaction() as session:
        await cancel(session, ongoing_id, SPONSOR)
    async with db.transaction() as session:
        for pledge_id in (fixed_id, ongoing_id):
            pledge = await session.get(Pledge, pledge_id)
            assert await keep_ongoing_planned(session, pledge, date(2027, 6, 1), PP50) == 0
    assert len(await months_of(db, fixed_id)) == 3
    assert len(await months_of(db, ongoing_id)) == 3


async def test_all_ongoing_pledges_are_planned_ahead_or_one_sponsors_only(db: Database) -> None:
    mine, _ = await make_pledge(db, months=ONGOING, discounts=[])
    theirs, _ = await make_pledge(db, sponsor=OTHER_SPONSOR, months=ONGOING, discounts=[])
    fixed, _ = await make_pledge(db, months=3, discounts=[])
    async with db.transaction() as session:
        assert await keep_all_ongoing_planned(session, date(2027, 1, 1), [], sponsor_id=SPONSOR) == 2
    assert [len(await months_of(db, p)) for p in (mine, theirs, fixed)] == [5, 3, 3]
    async with db.transaction() as session:
        assert await keep_all_ongoing_planned(session, date(2027, 1, 1), []) == 2
        assert await keep_all_ongoing_planned(session, date(2027, 1, 1), []) == 0  # idempotent
    assert [len(await months_of(db, p)) for p in (mine, theirs, fixed)] == [5, 5, 3]


# ============================================================================================ record_payment
async def test_payments_fill_the_oldest_months_first(db: Database) -> None:
    pledge_id, _ = await make_pledge(db)  # 16,800 / 16,800 / 33,600
    first = await pay(db, pledge_id, 20_000)
    assert (first.amount, first.paid_on, first.reference, first.recorded_by) == (20_000, date(2026, 11, 20),
                                                                               "TRX-1", SPONSOR)
    months = await months_of(db, pledge_id)
    assert table(months) == [(date(2026, 11, 1), 16_800, 16_800, MONTH_PAID),
                             (date(2026, 12, 1), 16_800, 3_200, MONTH_DUE),
                             (date(2027, 1, 1), 33_600, 0, MONTH_DUE)]
    assert months[0].paid_at is not None and months[1].paid_at is None
    async with db.session() as session:
        seen = await overview(session, await session.get(Pledge, pledge_id))
    assert (seen.paid_months, seen.outstanding, seen.total_paid, seen.total_due) == (1, 47_200, 20_000, 67_200)
    assert seen.next_open is not None and seen.next_open.month == date(2026, 12, 1)

    await pay(db, pledge_id, 13_600, reference=None)  # exactly the rest of December
    assert table(await months_of(db, pledge_id))[1] == (date(2026, 12, 1), 16_800, 16_800, MONTH_PAID)
    assert await refused(db, lambda s: record_payment(s, pledge_id, SPONSOR, 33_601, date(2026, 11, 20), None)) \
        == "too_much"
    await pay(db, pledge_id, 33_600)
    assert [m.status for m in await months_of(db, pledge_id)] == [MONTH_PAID] * 3
    assert await refused(db, lambda s: record_payment(s, pledge_id, SPONSOR, 1_000, date(2026, 11, 20), None)) \
        == "nothing_due"
    assert [p.amount for p in await payments_of(db, pledge_id)] == [20_000, 13_600, 33_600]


async def test_a_payment_covering_several_months_marks_them_all_paid(db: Database) -> None:
    pledge_id, _ = await make_pledge(db)
    await pay(db, pledge_id, 33_600)
    assert [m.status for m in await months_of(db, pledge_id)] == [MONTH_PAID, MONTH_PAID, MONTH_DUE]


async def test_payments_that_cannot_be_recorded_leave_no_trace(db: Database) -> None:
    pledge_id, _ = await make_pledge(db)
    assert await refused(db, lambda s: record_payment(s, pledge_id, OTHER_SPONSOR, 16_800, date(2026, 11, 20),
                                                      None)) == "not_yours"
    assert await refused(db, lambda s: record_payment(s, pledge_id + 1000, SPONSOR, 16_800, date(2026, 11, 20),
                                                      None)) == "not_yours"
    assert await refused(db, lambda s: record_payment(s, pledge_id, SPONSOR, 67_201, date(2026, 11, 20),
                                                      None)) == "too_much"
    for amount in (0, -16_800):  # never lowers what was paid
        assert await refused(db, lambda s: record_payment(s, pledge_id, SPONSOR, amount, date(2026, 11, 20),
                                                          None)) == "amount"
    async with db.transaction() as session:
        await cancel(session, pledge_id, SPONSOR)
    assert await refused(db, lambda s: record_payment(s, pledge_id, SPONSOR, 16_800, date(2026, 11, 20),
                                                      None)) == "cancelled"
    assert await payments_of(db, pledge_id) == []
    assert all(m.amount_paid == 0 for m in await months_of(db, pledge_id))


# ============================================================================================ extend, cancel
async def test_extend_adds_months_after_the_last(db: Database) -> None:
    pledge_id, _ = await make_pledge(db)
    async with db.transaction() as session:
        extended = await extend(session, pledge_id, SPONSOR, 3, PP50)
    assert extended.months == 6 and (await pledge_row(db, pledge_id)).months == 6
    months = await months_of(db, pledge_id)
    assert [m.month for m in months] == [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1),
                                         date(2027, 3, 1), date(2027, 4, 1)]
    assert [m.amount_due for m in months[3:]] == [33_600] * 3
    assert [m.due_date for m in months[3:]] == [date(2027, 2, 15), date(2027, 3, 15), date(2027, 4, 15)]
    async with db.transaction() as session:
        await extend(session, pledge_id, SPONSOR, 1, [])
    assert [m.month for m in await months_of(db, pledge_id)][-1] == date(2027, 5, 1)
    assert (await pledge_row(db, pledge_id)).months == 7


async def test_extend_is_refused_for_ongoing_foreign_and_cancelled_pledges(db: Database) -> None:
    ongoing_id, _ = await make_pledge(db, months=ONGOING)
    fixed_id, _ = await make_pledge(db)
    assert await refused(db, lambda s: extend(s, ongoing_id, SPONSOR, 3, PP50)) == "ongoing"
    assert await refused(db, lambda s: extend(s, fixed_id, OTHER_SPONSOR, 3, PP50)) == "not_yours"
    async with db.transaction() as session:
        await cancel(session, fixed_id, SPONSOR)
    assert await refused(db, lambda s: extend(s, fixed_id, SPONSOR, 3, PP50)) == "cancelled"
    assert len(await months_of(db, ongoing_id)) == 3 and len(await months_of(db, fixed_id)) == 3
    assert (await pledge_row(db, fixed_id)).months == 3


async def test_cancel_keeps_paid_months_and_stops_unused_invitations(db: Database) -> None:
    pledge_id, tokens = await make_pledge(db)
    await pay(db, pledge_id, 20_000)
    invitation, _ = await claim(db, tokens[0], WORKER)
    assert invitation is not None
    assert await refused(db, lambda s: cancel(s, pledge_id, OTHER_SPONSOR)) == "not_yours"
    async with db.transaction() as session:
        stopped = await cancel(session, pledge_id, SPONSOR)
    assert stopped.status == CANCELLED and stopped.cancelled_at is not None
    assert table(await months_of(db, pledge_id)) == [(date(2026, 11, 1), 16_800, 16_800, MONTH_PAID),
                                                     (date(2026, 12, 1), 16_800, 3_200, MONTH_CANCELLED),
                                                     (date(2027, 1, 1), 33_600, 0, MONTH_CANCELLED)]
    async with db.session() as session:
        seen = await overview(session, await session.get(Pledge, pledge_id))
    assert (seen.total_due, seen.total_paid, seen.outstanding, seen.next_open) == (16_800, 20_000, 0, None)
    workers = await beneficiaries_of(db, pledge_id)
    assert workers[0].invite_hash == invite_hash(tokens[0])  # the claimed one is kept: it is the worker's link
    assert workers[1].worker_user_id is None
    # The unused invitation no longer works, and whoever opens it is told the pledge stopped.
    assert await claim(db, tokens[1], STRANGER) == (None, "cancelled")
    assert await claim(db, tokens[0], WORKER) == (None, "cancelled")
    assert await refused(db, lambda s: cancel(s, pledge_id, SPONSOR)) == "cancelled"


# ============================================================================================ invitations
async def test_an_invitation_is_claimed_once_by_one_worker(db: Database) -> None:
    pledge_id, tokens = await make_pledge(db)
    invitation, reason = await claim(db, tokens[0], WORKER)
    assert reason is None and invitation is not None
    assert invitation.pledge.id == pledge_id and invitation.beneficiary.position == 1
    assert invitation.beneficiary.worker_user_id == WORKER and invitation.beneficiary.invite_used_at is not None
    again, reason = await claim(db, tokens[0], WORKER)  # reopening one's own invitation continues enrolment
    assert reason is None and again is not None and again.beneficiary.id == invitation.beneficiary.id
    assert await claim(db, tokens[0], STRANGER) == (None, "used")
    assert await claim(db, tokens[0], SPONSOR) == (None, "used")
    assert await claim(db, tokens[1], SPONSOR) == (None, "own")
    assert await claim(db, "NoSuchToken12345", WORKER) == (None, "unknown")
    assert await claim(db, tokens[0] + "x", STRANGER) == (None, "unknown")
    workers = await beneficiaries_of(db, pledge_id)
    assert [w.worker_user_id for w in workers] == [WORKER, None]
    async with db.session() as session:
        sponsored = await sponsorship_of(session, WORKER)
        assert sponsored is not None and sponsored.pledge.id == pledge_id
        assert await sponsorship_of(session, STRANGER) is None


async def test_a_worker_is_protected_only_once_registered_and_the_month_paid_and_verified(db: Database) -> None:
    pledge_id, tokens = await make_pledge(db, months=1)  # November only: 16,800 for two workers at half price
    invitation, _ = await claim(db, tokens[0], WORKER)
    assert invitation is not None
    today = date(2026, 11, 20)  # November is due and this is November

    async def status() -> str:
        async with db.session() as session:
            seen = await overview(session, await session.get(Pledge, pledge_id))
            return seen.worker_status(next(b for b in seen.beneficiaries if b.position == 1), today)

    assert await status() == "opened"
    async with db.transaction() as session:
        application = await enrollment.submit(session, CIPHER, WORKER, SITI)
        await link_application(session, invitation.beneficiary.id, WORKER, application.id)
    assert await status() == "applied"
    payment = await pay(db, pledge_id, 16_800)
    assert await status() == "applied"  # paid, but no BPJS number yet: not protected
    async with db.transaction() as session:
        await enrollment.set_status(session, application.id, enrollment.REGISTERED, ADMIN, kpj_number="26012345678")
    assert await status() == "registered"  # paid, not yet verified
    async with db.transaction() as session:
        await verify_payment(session, payment.id, ADMIN)
    assert await status() == "protected"
    async with db.transaction() as session:
        await reject_payment(session, payment.id, ADMIN, "Tercatat dua kali")
    assert await status() == "lapsing"  # November overdue and unpaid again


async def test_an_expired_invitation_cannot_be_claimed(db: Database) -> None:
    pledge_id, tokens = await make_pledge(db)
    async with db.transaction() as session:
        await session.exec(update(PledgeBeneficiary).where(PledgeBeneficiary.pledge_id == pledge_id,
                                                           PledgeBeneficiary.position == 2)
                           .values(invite_expires_at=datetime.now(timezone.utc) - timedelta(minutes=1)))
    assert await claim(db, tokens[1], WORKER) == (None, "expired")
    assert (await beneficiaries_of(db, pledge_id))[1].worker_user_id is None
    assert (await claim(db, tokens[0], WORKER))[1] is None  # the other one still works


async def test_a_claimed_invitation_of_a_cancelled_pledge_says_cancelled(db: Database) -> None:
    pledge_id, tokens = await make_pledge(db)
    await claim(db, tokens[0], WORKER)
    async with db.transaction() as session:
        await session.exec(update(Pledge).where(Pledge.id == pledge_id).values(status=CANCELLED))
    assert await claim(db, tokens[0], WORKER) == (None, "cancelled")
    assert await claim(db, tokens[1], STRANGER) == (None, "cancelled")  # hash still there: status decides
    async with db.session() as session:
        assert await sponsorship_of(session, WORKER) is None


async def test_an_unclaimed_invitation_of_a_cancelled_pledge_says_cancelled(db: Database) -> None:
    pledge_id, tokens = await make_pledge(db)
    async with db.transaction() as session:
        await cancel(session, pledge_id, SPONSOR)
    assert await claim(db, tokens[1], STRANGER) == (None, "cancelled")


async def test_renewed_invitations_replace_only_the_unclaimed_ones(db: Database) -> None:
    pledge_id, tokens = await make_pledge(db)
    await claim(db, tokens[0], WORKER)
    async with db.transaction() as session:
        await session.exec(update(PledgeBeneficiary).where(PledgeBeneficiary.position == 2)
                           .values(invite_expires_at=datetime.now(timezone.utc) - timedelta(days=1)))
    async with db.transaction() as session:
        renewed = await renew_invitations(session, pledge_id, SPONSOR)
    assert [(b.position, b.invite_hash) for b, _ in renewed] == [(2, invite_hash(renewed[0][1]))]
    new_token = renewed[0][1]
    assert new_token not in tokens
    workers = await beneficiaries_of(db, pledge_id)
    assert workers[0].invite_hash == invite_hash(tokens[0]) and workers[0].worker_user_id == WORKER
    assert workers[1].invite_expires_at > datetime.now(timezone.utc) + INVITE_LIFETIME - timedelta(minutes=5)
    assert await claim(db, tokens[1], STRANGER) == (None, "unknown")  # the old link stopped working
    invitation, reason = await claim(db, new_token, STRANGER)
    assert reason is None and invitation is not None and invitation.beneficiary.position == 2
    assert (await claim(db, tokens[0], WORKER))[1] is None  # the claimed link was left alone
    async with db.transaction() as session:
        assert await renew_invitations(session, pledge_id, SPONSOR) == []  # everyone has opened theirs
    assert await refused(db, lambda s: renew_invitations(s, pledge_id, OTHER_SPONSOR)) == "not_yours"
    async with db.transaction() as session:
        await cancel(session, pledge_id, SPONSOR)
    assert await refused(db, lambda s: renew_invitations(s, pledge_id, SPONSOR)) == "cancelled"


# ============================================================================================ verify_payment
async def test_an_admin_verifies_a_payment_once_and_it_is_audited(db: Database) -> None:
    pledge_id, _ = await make_pledge(db)
    payment = await pay(db, pledge_id, 16_800)
    other = await pay(db, pledge_id, 16_800)
    async with db.session() as session:
        assert [p.id for p in await unverified_payments(session)] == [payment.id, other.id]
    async with db.transaction() as session:
        verified = await verify_payment(session, payment.id, ADMIN)
        assert verified is not None and verified.id == payment.id
        assert verified.verified_by == ADMIN and verified.verified_at is not None
    async with db.transaction() as session:
        assert await verify_payment(session, payment.id, ADMIN + 1) is None
        assert await verify_payment(session, 999_999, ADMIN) is None
    stored = (await payments_of(db, pledge_id))[0]
    assert stored.verified_by == ADMIN  # the second admin did not overwrite it
    async with db.session() as session:
        log = await audit.entries(session, "payment.verified")
        assert [(e.actor_id, e.subject) for e in log] == [(ADMIN, f"payment:{payment.id}")]
        assert [p.id for p in await unverified_payments(session)] == [other.id]


async def test_a_rejected_payment_comes_off_exactly_the_months_it_paid(db: Database) -> None:
    pledge_id, _ = await make_pledge(db)  # 16,800 / 16,800 / 33,600 for two workers
    first = await pay(db, pledge_id, 20_000)  # November in full, 3,200 of December
    second = await pay(db, pledge_id, 13_600)  # the rest of December
    async with db.session() as session:
        placed = (await session.exec(select(PledgePaymentAllocation).order_by(PledgePaymentAllocation.id))).all()
        # each worker's part of a month in turn: the first worker's 8,400 of November, the second's, then December
        assert [(a.payment_id, a.amount) for a in placed] == [(first.id, 8_400), (first.id, 8_400), (first.id, 3_200),
                                                              (second.id, 5_200), (second.id, 8_400)]
        parts = {a.worker_month_id for a in placed}
        assert len(parts) == 4 and len({a.month_id for a in placed}) == 2
    async with db.transaction() as session:
        rejected, months = await reject_payment(session, first.id, ADMIN, "Jumlahnya tidak sesuai")
    assert rejected is not None and rejected.status == "rejected" and rejected.reject_reason == "Jumlahnya tidak sesuai"
    assert [m.month for m in months] == [date(2026, 11, 1), date(2026, 12, 1)]
    assert table(await months_of(db, pledge_id)) == [(date(2026, 11, 1), 16_800, 0, MONTH_DUE),
                                                     (date(2026, 12, 1), 16_800, 13_600, MONTH_DUE),
                                                     (date(2027, 1, 1), 33_600, 0, MONTH_DUE)]
    assert (await months_of(db, pledge_id))[0].paid_at is None
    async with db.session() as session:
        seen = await overview(session, await session.get(Pledge, pledge_id))
        assert (seen.total_paid, seen.outstanding) == (13_600, 53_600)
        assert [p.id for p in await unverified_payments(session)] == [second.id]  # decided: off the list
        log = await audit.entries(session, "payment.rejected")
        assert [(e.actor_id, e.subject) for e in log] == [(ADMIN, f"payment:{first.id}")]
    # rejected again, or verified after: nothing changes
    async with db.transaction() as session:
        assert await reject_payment(session, first.id, ADMIN, "lagi") == (None, [])
        assert await reject_payment(session, 999_999, ADMIN, "tidak ada") == (None, [])
        assert await verify_payment(session, first.id, ADMIN) is None
    assert table(await months_of(db, pledge_id))[1] == (date(2026, 12, 1), 16_800, 13_600, MONTH_DUE)
    # the money it had covered can be recorded again, and fills the oldest month first
    await pay(db, pledge_id, 16_800)
    assert [m.status for m in await months_of(db, pledge_id)] == [MONTH_PAID, MONTH_DUE, MONTH_DUE]


async def test_a_verified_payment_can_still_be_rejected_and_then_no_longer_counts(db: Database) -> None:
    pledge_id, _ = await make_pledge(db)
    payment = await pay(db, pledge_id, 16_800)
    async with db.transaction() as session:
        await verify_payment(session, payment.id, ADMIN)
        rejected, months = await reject_payment(session, payment.id, ADMIN, "Tercatat dua kali")
    assert rejected is not None and rejected.status == "rejected" and [m.status for m in months] == [MONTH_DUE]


# ============================================================================================ personal data
async def add_user(db: Database, user_id: int, name: str) -> None:
    async with db.transaction() as session:
        await upsert_user(session, telegram_id=user_id, first_name=name, username=None, default_language="id",
                          default_timezone="Asia/Makassar", role="user", interacting=True)


async def test_a_sponsor_erasing_their_data_keeps_anonymous_amounts(db: Database) -> None:
    await add_user(db, SPONSOR, "Rahmat")
    pledge_id, tokens = await make_pledge(db)
    await pay(db, pledge_id, 20_000, reference="BRI-778899")
    await claim(db, tokens[0], WORKER)
    amounts_before = [(m.month, m.amount_due, m.amount_paid) for m in await months_of(db, pledge_id)]

    async with db.session() as session:
        found = await personal_data.gather(session, SPONSOR, NOV)
    assert found.user is not None and found.user.first_name == "Rahmat"
    assert [p.id for p in found.pledges] == [pledge_id] and len(found.pledges[0].beneficiaries) == 2
    assert found.applications == [] and found.sponsorship is None and found.tickets == 0

    async with db.transaction() as session:
        counts = await personal_data.erase(session, SPONSOR)
    assert counts == {"applications": 0, "pledges": 1, "sponsorships": 0, "tickets": 0}

    stored = await pledge_row(db, pledge_id)
    assert (stored.sponsor_id, stored.status) == (None, CANCELLED)
    workers = await beneficiaries_of(db, pledge_id)
    assert [(w.name_encrypted, w.phone_encrypted, w.invite_hash) for w in workers] == [(None, None, None)] * 2
    assert [(p.amount, p.reference, p.recorded_by) for p in await payments_of(db, pledge_id)] == [
        (20_000, None, None)]
    months = await months_of(db, pledge_id)
    assert [(m.month, m.amount_due, m.amount_paid) for m in months] == amounts_before
    assert [m.status for m in months] == [MONTH_PAID, MONTH_CANCELLED, MONTH_CANCELLED]
    assert await claim(db, tokens[1], STRANGER) == (None, "unknown")

    async with db.session() as session:
        gone = await personal_data.gather(session, SPONSOR, NOV)
        raw = (await session.exec(text("SELECT * FROM pledge_payments"))).mappings().all()
    assert (gone.user, gone.applications, gone.pledges, gone.sponsorship) == (None, [], [], None)
    assert "BRI-778899" not in " ".join(str(v) for row in raw for v in row.values())


async def test_a_worker_erasing_their_data_loses_the_link_and_what_the_sponsor_typed(db: Database) -> None:
    await add_user(db, SPONSOR, "Rahmat")
    await add_user(db, WORKER, "Ahmad")
    pledge_id, tokens = await make_pledge(db)
    invitation, _ = await claim(db, tokens[0], WORKER)
    assert invitation is not None
    async with db.transaction() as session:
        application = await enrollment.submit(session, CIPHER, WORKER, SITI)
        await link_application(session, invitation.beneficiary.id, WORKER, application.id)
    assert (await beneficiaries_of(db, pledge_id))[0].application_id == application.id

    async with db.session() as session:
        found = await personal_data.gather(session, WORKER, NOV)
    assert found.user is not None and [a.id for a in found.applications] == [application.id]
    assert found.sponsorship is not None and found.sponsorship.pledge.id == pledge_id
    assert found.pledges == []

    async with db.transaction() as session:
        counts = await personal_data.erase(session, WORKER)
    assert counts == {"applications": 1, "pledges": 0, "sponsorships": 1, "tickets": 0}

    workers = await beneficiaries_of(db, pledge_id)
    assert (workers[0].worker_user_id, workers[0].application_id, workers[0].name_encrypted,
            workers[0].phone_encrypted) == (None, None, None, None)
    assert CIPHER.decrypt(workers[1].name_encrypted) == "BUDI SANTOSO"  # the other worker is untouched
    stored = await pledge_row(db, pledge_id)
    assert (stored.sponsor_id, stored.status) == (SPONSOR, ACTIVE)  # the sponsor's pledge goes on
    async with db.session() as session:
        assert await enrollment.of_user(session, WORKER) == []
        gone = await personal_data.gather(session, WORKER, NOV)
        still = await personal_data.gather(session, SPONSOR, NOV)
    assert (gone.user, gone.applications, gone.pledges, gone.sponsorship) == (None, [], [], None)
    assert still.user is not None and [p.id for p in still.pledges] == [pledge_id]
    assert await claim(db, tokens[0], STRANGER) == (None, "used")  # the used link cannot be claimed by someone else


async def test_gather_for_someone_unknown_finds_nothing(db: Database) -> None:
    async with db.session() as session:
        found = await personal_data.gather(session, STRANGER, NOV)
    assert (found.user, found.applications, found.pledges, found.sponsorship, found.tickets, found.open_flow) == (
        None, [], [], None, 0, None)
    async with db.transaction() as session:
        assert await personal_data.erase(session, STRANGER) == {"applications": 0, "pledges": 0, "sponsorships": 0,
                                                                 "tickets": 0}
