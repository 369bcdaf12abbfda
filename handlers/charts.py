"""/statistik (Kalimantan coverage and claims as pictures, also after the statistik and klaim_kalimantan answers)
and the admins' /dashboard."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest
from telegram.ext import CommandHandler, filters

from bot.reports import dashboard, statistics_charts
from bot.reports.charts import Chart
from bot.reports.regional_figures import load_regional_figures
from handlers.admin_guard import admin_only
from handlers.context import BotApplication, BotContext
from models import audit, report
from models.base import utcnow

log = logging.getLogger(__name__)
FILE_IDS = "chart_file_ids"  # bot_data: chart key -> Telegram's file_id, so a picture is uploaded once


async def send_chart(context: BotContext, chat_id: int, chart: Chart, caption: str,
                     reply_markup: InlineKeyboardMarkup | None = None) -> Message | None:
    """Send `chart` as a photo: by file_id when Telegram already has it, otherwise drawn (off the event loop, or
    from the cache) and uploaded. If it cannot be drawn the user gets a short apology instead."""
    file_ids: dict[str, str] = context.bot_data.setdefault(FILE_IDS, {})
    key = chart.key
    known = file_ids.get(key)
    if known is not None:
        try:
            return await context.bot.send_photo(chat_id, known, caption=caption, reply_markup=reply_markup)
        except BadRequest:
            file_ids.pop(key, None)  # Telegram no longer has it: upload again
    await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_PHOTO)
    try:
        picture = await context.services.charts.png(chart)
    except Exception:  # noqa: BLE001 - a drawing bug must not cost the user their answer
        log.exception("could not draw chart %s", key)
        await context.bot.send_message(chat_id, context.t("charts.failed"))
        return None
    sent = await context.bot.send_photo(chat_id, InputFile(picture, filename=f"{key}.png"), caption=caption,
                                        reply_markup=reply_markup)
    if sent.photo:
        file_ids[key] = sent.photo[-1].file_id
    return sent


async def send_coverage(context: BotContext, chat_id: int) -> None:
    figures, texts, lang = load_regional_figures(), context.services.texts, context.lang
    await send_chart(context, chat_id, statistics_charts.coverage_chart(figures, texts, lang),
                     statistics_charts.coverage_caption(figures, texts, lang))


async def send_claims(context: BotContext, chat_id: int, *, with_buttons: bool = False) -> None:
    figures, texts, lang = load_regional_figures(), context.services.texts, context.lang
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(context.t("menu.sponsor"), callback_data="a:sponsor"),
                                    InlineKeyboardButton(context.t("menu.enroll"), callback_data="a:enroll")]])
    await send_chart(context, chat_id, statistics_charts.claims_chart(figures, texts, lang),
                     statistics_charts.claims_caption(figures, texts, lang), markup if with_buttons else None)


async def after_topic_answer(context: BotContext, chat_id: int, topic_id: str) -> None:
    chart = statistics_charts.CHART_AFTER_TOPIC.get(topic_id)
    if chart == "coverage":
        await send_coverage(context, chat_id)
    elif chart == "claims":
        await send_claims(context, chat_id)


async def statistics_command(update: Update, context: BotContext) -> None:
    chat_id = update.effective_chat.id
    await send_coverage(context, chat_id)
    await send_claims(context, chat_id, with_buttons=True)


@admin_only("/dashboard", private="dashboard.private_only")
async def dashboard_command(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_PHOTO)
    db = context.services.db
    async with db.session() as session:
        figures = await report.dashboard_figures(session, utcnow(), context.timezone)
    async with db.transaction() as session:
        await audit.record(session, update.effective_user.id, "dashboard")
    texts, lang = context.services.texts, context.lang
    await send_chart(context, chat.id, dashboard.dashboard_chart(figures, texts, lang),
                     dashboard.summary(figures, texts, lang))


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler(["statistik", "statistics"], statistics_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(CommandHandler(["dashboard", "dasbor"], dashboard_command))
