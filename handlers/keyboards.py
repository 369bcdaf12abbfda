"""Inline keyboards built from the catalog. Callback data is short and namespaced: `m:` menu, `lang:`."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.i18n import LANGUAGES
from bot.core.replies import Button
from handlers.context import BotContext
from handlers.menu import MAIN_MENU_LAYOUT


def main_menu(context: BotContext) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(context.t(f"menu.{item}"), callback_data=f"m:{item}") for item in row]
         for row in MAIN_MENU_LAYOUT]
    )


def menu_buttons(context: BotContext, lang: str) -> tuple[tuple[Button, ...], ...]:
    """The main menu as reply buttons, in `lang` (a message answered in the language it was written in)."""
    texts = context.services.texts
    return tuple(tuple(Button(texts.t(lang, f"menu.{item}"), f"m:{item}") for item in row) for row in MAIN_MENU_LAYOUT)


def back_to_menu(context: BotContext) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(context.t("menu.back"), callback_data="m:home")]])


def language_picker(context: BotContext) -> InlineKeyboardMarkup:
    buttons = []
    for code in LANGUAGES:
        label = context.t(f"language.option_{code}")
        if code == context.lang:
            label = f"✓ {label}"
        buttons.append(InlineKeyboardButton(label, callback_data=f"lang:{code}"))
    return InlineKeyboardMarkup([buttons])
