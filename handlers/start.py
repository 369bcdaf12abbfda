"""/start, /help and the main menu."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from handlers.command_list import commands_for
from handlers.context import BotApplication, BotContext
from handlers.keyboards import main_menu
from models.flow import clear_flow


async def start(update: Update, context: BotContext) -> None:
    payload = context.args[0] if context.args else ""
    entry = context.flows.for_payload(payload) if payload else None
    if entry is not None:  # a deep link (t.me/<bot>?start=inv_...) manages its own flow (it may resume one)
        await entry.from_link(update, context, payload)
        return
    await _close_open_flow(update, context)
    user = update.effective_user
    name = (user.first_name if user else "").strip() or context.t("start.default_name")
    await update.effective_message.reply_text(context.t("start.greeting", name=name))
    await show_menu(update, context)


async def start_in_group(update: Update, context: BotContext) -> None:
    await update.effective_message.reply_text(context.t("start.group_only_private"))


async def show_menu(update: Update, context: BotContext) -> None:
    await context.bot.send_message(update.effective_chat.id, context.t("start.menu_prompt"),
                                   reply_markup=main_menu(context))


async def help_command(update: Update, context: BotContext) -> None:
    lines = [context.t("help.title")]
    lines += [f"/{c.name} — {context.t(f'commands.{c.name}')}" for c in commands_for(admin=False)]
    if context.is_admin:  # apart, so an admin sees at a glance what only they can do
        lines += ["", context.t("help.admin_title")]
        lines += [f"/{c.name} — {context.t(f'commands.{c.name}')}" for c in commands_for(admin=True) if c.admin_only]
    lines += ["", context.t("help.footer")]
    await update.effective_message.reply_text("\n".join(lines), reply_markup=main_menu(context))


async def menu_pressed(update: Update, context: BotContext) -> None:
    item = update.callback_query.data.split(":", 1)[1]
    if item == "home":
        await _close_open_flow(update, context)
        await update.callback_query.answer()
        await show_menu(update, context)
        return
    await menu_item(update, context, item)


async def menu_item(update: Update, context: BotContext, item: str) -> None:
    """Open a main-menu feature (from the menu or a follow-up button), as the registry of flows says."""
    entry = context.flows.for_menu(item)
    if entry is None:
        await update.callback_query.answer(context.t("fallback.stale_button"))
        return
    await entry.from_menu(update, context)


async def _close_open_flow(update: Update, context: BotContext) -> None:
    """Going back to the start ends any half-done flow, so later free text is read as a question again."""
    if update.effective_user is not None:
        async with context.services.db.transaction() as session:
            await clear_flow(session, update.effective_user.id)


def register(app: BotApplication) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("start", start, filters=private))
    app.add_handler(CommandHandler("start", start_in_group, filters=~private))
    app.add_handler(CommandHandler(["help", "bantuan"], help_command, filters=private))
    app.add_handler(CallbackQueryHandler(menu_pressed, pattern=r"^m:(home|faq|quote|sponsor|enroll|reminders|language)$"))
