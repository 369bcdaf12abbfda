"""Rendering a domain `Reply` as a Telegram message."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from bot.core.replies import Reply
from handlers.context import BotContext


def markup(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in reply.buttons]
    )


def pressed_message(query: CallbackQuery) -> Message | None:
    """The message whose button was pressed, when Telegram still lets us edit it: not when it was deleted or is
    otherwise inaccessible (Telegram then sends it with date 0, which PTB still parses as a Message)."""
    message = query.message
    return message if isinstance(message, Message) and message.is_accessible else None


async def send(context: BotContext, chat_id: int, reply: Reply) -> Message:
    return await context.bot.send_message(chat_id, reply.text, reply_markup=markup(reply))


async def show(context: BotContext, chat_id: int, reply: Reply, *, replacing: Message | None) -> None:
    """The next step of a conversation: in place of the pressed message, or as a new one after typed text."""
    if replacing is not None:
        await edit(replacing, reply)
    else:
        await send(context, chat_id, reply)


async def edit(message: Message, reply: Reply) -> None:
    """Show `reply` in place of `message`; pressing the same button twice is not an error."""
    try:
        await message.edit_text(reply.text, reply_markup=markup(reply))
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise
