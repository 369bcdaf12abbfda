"""Admin-only handlers: `@admin_only("what")` refuses everyone else politely, audits the attempt and logs it
without personal data. Applied once per admin handler, so no admin action can forget the check."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import Update

from bot.core.logs import user_ref
from handlers.context import BotContext
from models import audit

log = logging.getLogger(__name__)
Handler = TypeVar("Handler", bound=Callable[..., Awaitable[Any]])


async def refuse_non_admin(update: Update, context: BotContext, what: str) -> bool:
    """True (and a polite refusal, an audit entry, and a log line without personal data) for a non-admin."""
    if context.is_admin:
        return False
    user_id = update.effective_user.id if update.effective_user else None
    log.warning("non-admin %s tried %s", user_ref(user_id), what)
    async with context.services.db.transaction() as session:
        await audit.record(session, user_id, "refused", what)
    if update.callback_query:
        await update.callback_query.answer(context.t("admin.only_admins"), show_alert=True)
    elif update.effective_message:
        await update.effective_message.reply_text(context.t("admin.only_admins"))
    return True


def admin_only(what: str, *, private: str | None = None) -> Callable[[Handler], Handler]:
    """Run the handler for admins only; `what` names the action in the audit log ("/diskon", "pv"). With
    `private` (a catalog key), the handler runs only in the admin's private chat: personal data, even masked, and
    decisions never go to a group; elsewhere that text is the answer."""
    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(update: Update, context: BotContext, *args: Any, **kwargs: Any) -> Any:
            if await refuse_non_admin(update, context, what):
                return None
            if private is not None and update.effective_chat is not None and update.effective_chat.type != "private":
                if update.callback_query:
                    await update.callback_query.answer(context.t(private), show_alert=True)
                else:
                    await update.effective_message.reply_text(context.t(private))
                return None
            return await handler(update, context, *args, **kwargs)

        guarded.admin_action = what  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate
