"""The callback context every handler receives, with typed access to services and the user's profile."""

from __future__ import annotations

from telegram.ext import Application, CallbackContext, ExtBot

from bot.i18n import normalise_language
from bot.services import Services
from models.user import UserProfile


class BotContext(CallbackContext[ExtBot, dict, dict, dict]):
    @property
    def services(self) -> Services:
        return self.application.bot_data["services"]

    @property
    def profile(self) -> UserProfile | None:
        return self.user_data.get("profile") if self.user_data is not None else None

    @property
    def lang(self) -> str:
        profile = self.profile
        default = self.services.settings.default_language
        return normalise_language(profile.language if profile else None, default)

    def t(self, key: str, **values: object) -> str:
        return self.services.texts.t(self.lang, key, **values)

    @property
    def is_admin(self) -> bool:
        profile = self.profile
        return self.services.settings.is_admin(profile.telegram_id if profile else None)


BotApplication = Application[ExtBot, BotContext, dict, dict, dict, object]
