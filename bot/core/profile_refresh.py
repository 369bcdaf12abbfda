"""When a user's row must be written again: the rule behind handlers/users.py, free of Telegram."""

from __future__ import annotations

from dataclasses import dataclass

# A user who writes again within this many seconds, with the same name, username and role, is not written to the
# database again: the profile from the last write is still current (handlers that change it update it too).
# Under load this takes a write transaction off nearly every update, which matters on SQLite (one writer at a time).
REFRESH_EVERY = 60.0


@dataclass(frozen=True)
class ProfileStamp:
    """What was written last, and when (time.monotonic())."""

    identity: tuple[str, str | None, str]  # first name, username, role
    written_at: float


def profile_is_current(stamp: ProfileStamp | None, identity: tuple[str, str | None, str], *, interacting: bool,
                       now: float) -> bool:
    """True when the stored row needs no write: the same identity was written less than REFRESH_EVERY ago. A
    membership change (not `interacting`) is always written, since it may say the user blocked the bot."""
    return (interacting and stamp is not None and stamp.identity == identity
            and now - stamp.written_at < REFRESH_EVERY)


def stamp_after_write(identity: tuple[str, str | None, str], *, interacting: bool, blocked: bool,
                      now: float) -> ProfileStamp | None:
    """The stamp to keep after a write; none when the next update must write again (not a message from the user,
    or a user marked as having blocked the bot, whose next message unblocks them)."""
    return ProfileStamp(identity, now) if interacting and not blocked else None
