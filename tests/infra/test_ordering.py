"""One user's updates are handled in order; different users' updates concurrently."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update, User

from bot.infra.update_order import PerUserUpdateProcessor


def _update(update_id: int, user_id: int) -> Update:
    user = User(user_id, "U", False)
    message = Message(update_id, None, Chat(user_id, "private"), from_user=user, text="x")  # type: ignore[arg-type]
    return Update(update_id, message=message)


async def test_same_user_in_order_other_users_in_parallel() -> None:
    processor = PerUserUpdateProcessor(16)
    log: list[tuple[str, int, int]] = []
    running = 0
    peak = 0

    async def handle(update: Update, delay: float) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        log.append(("start", update.effective_user.id, update.update_id))
        await asyncio.sleep(delay)
        log.append(("end", update.effective_user.id, update.update_id))
        running -= 1

    # User 1 sends a slow update then a fast one; user 2 sends one in between.
    first, second, other = _update(1, 1), _update(2, 1), _update(3, 2)
    await asyncio.gather(
        processor.process_update(first, handle(first, 0.2)),
        processor.process_update(second, handle(second, 0.0)),
        processor.process_update(other, handle(other, 0.0)),
    )
    user1 = [(kind, uid) for kind, user, uid in log if user == 1]
    assert user1 == [("start", 1), ("end", 1), ("start", 2), ("end", 2)]
    assert log.index(("end", 2, 3)) < log.index(("end", 1, 1))  # user 2 did not wait for user 1
    assert peak >= 2
    assert processor._locks == {}  # nothing kept once a user is idle
