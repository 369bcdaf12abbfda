"""Runs before every other handler: records the user and loads their profile (language, role)."""

from __future__ import annotations

import time

from telegram import Update

from bot.i18n import normalise_language
from handlers.context import BotContext
from models.user import ROLE_ADMIN, ROLE_USER, upsert_user

# A user who writes again within this many seconds, with the same name, username and role, is not written to the
# database again: the profile from the last write is still current (handlers that change it update user_data too).
# Under load this takes a write transaction off nearly every update, which matters on SQLite (one writer at a time).
REFRESH_EVERY = 60.0
SEEN = "profile_seen"  # user_data: ((first name, username, role), monotonic time of the last write)


def forget_profile(context: BotContext) -> None:
    """The user's row is gone (deleted data): the next update writes it again."""
    if context.user_data is not None:
        context.user_data.pop(SEEN, None)
        context.user_data.pop("profile", None)


async def remember_user(update: Update, context: BotContext) -> None:
    user = update.effective_user
    if user is None or user.is_bot or context.user_data is None:
        return
    settings = context.services.settings
    role = ROLE_ADMIN if settings.is_admin(user.id) else ROLE_USER
    identity = (user.first_name or "", user.username, role)
    # A membership change is not the user writing to us; anything else proves they can be reached.
    interacting = update.my_chat_member is None
    seen = context.user_data.get(SEEN)
    if (interacting and seen is not None and seen[0] == identity and time.monotonic() - seen[1] < REFRESH_EVERY
            and "profile" in context.user_data):
        return
    async with context.services.db.transaction() as session:
        profile = await upsert_user(
            session,
            telegram_id=user.id,
            first_name=user.first_name or "",
            username=user.username,
            default_language=normalise_language(settings.default_language),
            default_timezone=settings.default_timezone,
            role=role,
            interacting=interacting,
        )
    context.user_data["profile"] = profile
    context.user_data[SEEN] = (identity, time.monotonic()) if interacting and not profile.is_blocked else None
