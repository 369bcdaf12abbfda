"""Handoff tickets: sent once, only by their owner, and a waiting ticket expires; the admins' inbox (kept, listed,
answered, closed once, audited); only questions really passed on count as the user's."""

from __future__ import annotations

from datetime import date, timedelta

from bot.infra.database import Database
from models import audit, personal_data, support


async def test_a_kept_question_is_claimed_once_and_only_by_its_owner(db: Database) -> None:
    async with db.transaction() as session:
        ticket = await support.create_ticket(session, 1, "klaim saya ditolak " * 200, "id")
    assert len(ticket.question) == support.MAX_QUESTION
    async with db.transaction() as session:
        assert await support.claim_for_sending(session, ticket.id, 2) is None  # someone else's button
        claimed = await support.claim_for_sending(session, ticket.id, 1)
        assert claimed is not None and claimed.status == support.SENDING
        assert await support.claim_for_sending(session, ticket.id, 1) is None  # pressed twice
        assert await support.ticket_status(session, ticket.id, 1) == support.SENDING
        assert await support.ticket_status(session, ticket.id, 2) is None
    async with db.transaction() as session:
        await support.release(session, ticket.id)  # sending failed: can be tried again
        assert await support.claim_for_sending(session, ticket.id, 1) is not None
        await support.mark_sent(session, ticket.id, -100, 55)
    async with db.session() as session:
        found = await support.find_by_support_message(session, -100, 55)
    assert found is not None and found.id == ticket.id and found.status == support.SENT


async def test_a_waiting_ticket_takes_the_next_message_but_not_after_half_an_hour(db: Database) -> None:
    async with db.transaction() as session:
        old = await support.create_ticket(session, 3, "", "en", status=support.AWAITING_TEXT)
        old.created_at = old.created_at - support.AWAITING_WINDOW - timedelta(minutes=1)
    async with db.transaction() as session:
        assert await support.take_awaiting(session, 3, "halo") is None
        await support.create_ticket(session, 3, "", "en", status=support.AWAITING_TEXT)
    async with db.transaction() as session:
        taken = await support.take_awaiting(session, 3, "kartu saya hilang")
        assert taken is not None and taken.question == "kartu saya hilang"
    async with db.transaction() as session:
        assert await support.take_awaiting(session, 3, "lagi") is None  # used once


async def _passed_on(db: Database, user_id: int, question: str) -> int:
    """A question the user passed on with no support chat: kept for the admins' inbox."""
    async with db.transaction() as session:
        ticket = await support.create_ticket(session, user_id, question, "id")
        await support.claim_for_sending(session, ticket.id, user_id)
        assert await support.mark_kept(session, ticket.id)
    return ticket.id


async def test_the_inbox_shows_only_questions_passed_on_newest_first(db: Database) -> None:
    first = await _passed_on(db, 11, "kartu saya hilang, NIK 6371012345678901")
    second = await _passed_on(db, 12, "klaim JHT ditolak")
    async with db.transaction() as session:
        draft = await support.create_ticket(session, 13, "hanya tersimpan, tidak diteruskan", "id")
        await support.create_ticket(session, 13, "", "id", status=support.AWAITING_TEXT)
    async with db.session() as session:
        kept = await support.passed_on(session, first)
        assert kept is not None and kept.status == support.SENT and kept.support_chat_id is None
        assert "6371012345678901" not in kept.question  # masked as stored
        assert await support.passed_on(session, draft.id) is None  # a draft is nobody's to read
        assert await support.passed_on(session, 999_999) is None
        assert await support.count_open(session) == 2
        assert [t.id for t in await support.open_tickets(session, 0, 10)] == [second, first]
        assert [t.id for t in await support.open_tickets(session, 1, 10)] == [first]


async def test_an_answered_ticket_stays_open_until_closed_and_is_closed_once(db: Database) -> None:
    ticket_id = await _passed_on(db, 21, "iuran saya belum tercatat")
    async with db.transaction() as session:
        assert await support.record_answer(session, ticket_id, admin_id=7)
    async with db.transaction() as session:
        assert await support.record_answer(session, ticket_id, admin_id=7)  # a second answer is fine
        assert (await support.passed_on(session, ticket_id)).status == support.ANSWERED
        assert await support.count_open(session) == 1
    async with db.transaction() as session:
        assert await support.close(session, ticket_id, admin_id=7)
    async with db.transaction() as session:
        assert not await support.close(session, ticket_id, admin_id=7)  # pressed twice
        assert not await support.record_answer(session, ticket_id, admin_id=7)  # closed: no further answer
        assert not await support.close(session, 999_999, admin_id=7)
        assert (await support.passed_on(session, ticket_id)).status == support.CLOSED
        assert await support.count_open(session) == 0
        actions = [(e.action, e.subject, e.actor_id) for e in await audit.entries(session)]
    assert actions == [("ticket.closed", f"ticket:{ticket_id}", 7), ("ticket.answered", f"ticket:{ticket_id}", 7),
                       ("ticket.answered", f"ticket:{ticket_id}", 7)]


async def test_only_questions_really_passed_on_are_counted_and_erasing_removes_them_all(db: Database) -> None:
    user_id = 31
    answered, closed = await _passed_on(db, user_id, "satu"), await _passed_on(db, user_id, "dua")
    await _passed_on(db, user_id, "tiga")
    async with db.transaction() as session:
        await support.record_answer(session, answered, admin_id=7)
        await support.close(session, closed, admin_id=7)
        await support.create_ticket(session, user_id, "draf", "id")
        await support.create_ticket(session, user_id, "", "id", status=support.AWAITING_TEXT)
        sending = await support.create_ticket(session, user_id, "sedang dikirim", "id")
        await support.claim_for_sending(session, sending.id, user_id)
    async with db.session() as session:
        assert await support.count_passed_on(session, user_id) == 3
        assert (await personal_data.gather(session, user_id, date(2026, 12, 1))).tickets == 3
    async with db.transaction() as session:
        counts = await personal_data.erase(session, user_id)
    assert counts["tickets"] == 6
    async with db.session() as session:
        assert await support.count_passed_on(session, user_id) == 0
        assert await support.passed_on(session, answered) is None
