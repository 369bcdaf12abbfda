"""Runs before every other handler: records the user and loads their profile (language, role)."""

from __future__ import annotations

import time

from telegram import Update

from bot.core.i18n import normalise_language
from bot.core.profile_refresh import profile_is_current, stamp_after_write
from handlers.context import BotContext
from models.user import ROLE_ADMIN, ROLE_USER, upsert_user

SEEN = "profile_seen"  # user_data: the ProfileStamp of the last write (bot/core/profile_refresh.py)


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
    if "profile" in context.user_data and profile_is_current(context.user_data.get(SEEN), identity,
                                                             interacting=interacting, now=time.monotonic()):
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
    context.user_data[SEEN] = stamp_after_write(identity, interacting=interacting, blocked=profile.is_blocked,
                                                now=time.monotonic())
