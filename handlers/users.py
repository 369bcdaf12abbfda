"""Runs before every other handler: records the user and loads their profile (language, role)."""

from __future__ import annotations

from telegram import Update

from bot.i18n import normalise_language
from handlers.context import BotContext
from models.user import ROLE_ADMIN, ROLE_USER, upsert_user


async def remember_user(update: Update, context: BotContext) -> None:
    user = update.effective_user
    if user is None or user.is_bot or context.user_data is None:
        return
    settings = context.services.settings
    async with context.services.db.transaction() as session:
        profile = await upsert_user(
            session,
            telegram_id=user.id,
            first_name=user.first_name or "",
            username=user.username,
            default_language=normalise_language(settings.default_language),
            default_timezone=settings.default_timezone,
            role=ROLE_ADMIN if settings.is_admin(user.id) else ROLE_USER,
            # A membership change is not the user writing to us; anything else proves they can be reached.
            interacting=update.my_chat_member is None,
        )
    context.user_data["profile"] = profile
