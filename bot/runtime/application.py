"""Builds the python-telegram-bot Application from settings: the one place the bot is wired."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeDefault, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults

from bot.core.i18n import LANGUAGES, default_translator
from bot.core.settings import Settings
from bot.infra.data_key_file import cipher_for
from bot.infra.database import Database
from bot.infra.pacing import MessageBudget
from bot.infra.retrying import RetryEachRequest
from bot.infra.transport import bot_api_request
from bot.infra.update_order import PerUserUpdateProcessor
from bot.questions.desk import QuestionDesk
from bot.questions.knowledge_base import default_knowledge
from bot.questions.matcher import default_matcher
from bot.reports.regional_figures import load_regional_figures
from bot.runtime.bulk_sending import BulkSending
from handlers import register_handlers
from handlers.command_list import public_commands
from handlers.context import BotContext
from handlers.services import Services

log = logging.getLogger(__name__)

# The update types the bot handles; my_chat_member tells us when a user blocks the bot.
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]


def build_application(settings: Settings, *, database: Database | None = None) -> Application:
    texts = default_translator()
    data_key = settings.data_key.get_secret_value() if settings.data_key else None
    cipher, key_file = cipher_for(data_key, settings.database_url)  # DataKeyError: the caller reports it
    if key_file is not None:
        log.warning("DATA_KEY is not set: personal data is encrypted with the key in %s. Back it up; without it "
                    "stored NIKs and phone numbers cannot be read.", key_file)
    load_regional_figures()  # FiguresError at start, not on a user's /statistik, if the figures disagree
    services = Services(settings=settings, db=database or Database(settings.database_url), texts=texts,
                        desk=QuestionDesk(default_knowledge(), default_matcher(), texts), cipher=cipher)
    # Telegram's overall message limit, for this process: replies first, bulk sends with what is left.
    message_budget = MessageBudget(settings.message_rate)
    application = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .request(bot_api_request(settings, pool_size=64))
        .get_updates_request(bot_api_request(settings, pool_size=2, read_timeout=40))
        .context_types(ContextTypes(context=BotContext))
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.timezone,
                           link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .concurrent_updates(PerUserUpdateProcessor(256))
        .rate_limiter(RetryEachRequest(budget=message_budget))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data["services"] = services
    application.bot_data["message_budget"] = message_budget
    register_handlers(application)
    return application


async def _post_init(application: Application) -> None:
    await register_commands(application)
    services: Services = application.bot_data["services"]
    if services.settings.run_scheduler:
        sending = BulkSending(services.settings, services.db, services.texts, services.cipher,
                              budget=application.bot_data.get("message_budget"))
        await sending.start()
        application.bot_data["bulk_sending"] = sending
        application.bot_data["reminders"] = sending.reminders  # handlers plan a user's reminders at once


async def register_commands(application: Application) -> None:
    """Publish the command menu in each language; a failure here must not stop the bot."""
    services: Services = application.bot_data["services"]
    try:
        for lang in LANGUAGES:
            commands = [BotCommand(c.name, services.texts.t(lang, f"commands.{c.name}")) for c in public_commands()]
            # Indonesian is the default for every client language; English for English clients.
            language_code = None if lang == "id" else lang
            await application.bot.set_my_commands(commands, scope=BotCommandScopeDefault(),
                                                  language_code=language_code)
    except TelegramError as error:
        log.warning("could not register the command list: %s", type(error).__name__)


async def _post_shutdown(application: Application) -> None:
    services: Services = application.bot_data["services"]
    sending: BulkSending | None = application.bot_data.get("bulk_sending")
    if sending is not None:
        await sending.stop()  # before the database goes away
    services.charts.close()
    await services.db.dispose()
