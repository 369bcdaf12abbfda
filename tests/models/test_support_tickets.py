"""Handoff tickets: sent once, only by their owner, and a waiting ticket expires."""

from __future__ import annotations

from datetime import timedelta

from bot.infra.database import Database
from models import support


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
