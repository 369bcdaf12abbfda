"""The callback context every handler receives, with typed access to services and the user's profile."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from telegram.ext import Application, CallbackContext, ExtBot

from bot.core.i18n import normalise_language
from handlers.services import Services
from models.flow import FlowState, current_flow
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
    def timezone(self) -> str:
        """The user's IANA timezone (Kalimantan spans WIB and WITA), or the deployment's default."""
        profile = self.profile
        return profile.timezone if profile else self.services.settings.default_timezone

    def today(self) -> date:
        return datetime.now(ZoneInfo(self.timezone)).date()

    async def open_flow(self, user_id: int, flow: str) -> FlowState | None:
        """The user's unfinished `flow`, or None (finished, expired, another flow): a button from it is stale."""
        async with self.services.db.session() as session:
            state = await current_flow(session, user_id)
        return state if state is not None and state.flow == flow else None

    @property
    def flows(self) -> Any:
        """The registry of flows (handlers/flows.py `FlowRegistry`), built once by handlers.register_handlers."""
        return self.application.bot_data["flows"]

    @property
    def is_admin(self) -> bool:
        profile = self.profile
        return self.services.settings.is_admin(profile.telegram_id if profile else None)


BotApplication = Application[ExtBot, BotContext, dict, dict, dict, object]
