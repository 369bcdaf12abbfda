"""Learns from Telegram's my_chat_member updates when a user blocks or unblocks the bot."""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.ext import ChatMemberHandler

from bot.core.logs import user_ref
from handlers.context import BotApplication, BotContext
from models.user import set_blocked

log = logging.getLogger(__name__)


async def track_membership(update: Update, context: BotContext) -> None:
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    status = change.new_chat_member.status
    blocked = status in (ChatMember.BANNED, ChatMember.LEFT)
    async with context.services.db.transaction() as session:
        await set_blocked(session, change.chat.id, blocked)
    log.info("user %s %s the bot", user_ref(change.chat.id), "blocked" if blocked else "unblocked")


def register(app: BotApplication) -> None:
    app.add_handler(ChatMemberHandler(track_membership, ChatMemberHandler.MY_CHAT_MEMBER))
