"""Telegram adapters: each module reads updates, calls the domain (bot/) and the tables (models/), renders replies.

`register_handlers` is the one place that says which handler answers what, in priority order; `flow_registry` is the one
table of what a menu button, a /start link, free text or "start the new thing" opens. Admin-only handlers are
marked `@admin_only` (handlers/admin_guard.py); the step-by-step conversations share handlers/conversation.py.
May import bot.core, the domain packages, bot.infra, models and bot.jobs; bot.runtime wires the handlers.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import TypeHandler

from bot.pledges.rules import INVITE_PREFIX
from handlers import (
    admin_discounts,
    admin_payments,
    broadcasts,
    charts,
    enroll,
    errors,
    fallback,
    faq,
    flow_guard,
    invitations,
    language,
    membership,
    my_data,
    payments,
    pledge_income,
    pledges,
    quote,
    records,
    reminders,
    sponsor,
    start,
    support,
    users,
)
from handlers.context import BotApplication
from handlers.flows import FlowEntry, FlowRegistry, conversation_entry


def flow_registry() -> FlowRegistry:
    return FlowRegistry([
        conversation_entry(quote.CONVERSATION, menu_item="quote", from_menu=quote.start_quote,
                           starter="quote", start_new=quote.start_new),
        conversation_entry(enroll.CONVERSATION, menu_item="enroll", from_menu=enroll.start_enrollment,
                           starter="enroll", start_new=enroll.start_new),
        conversation_entry(sponsor.CONVERSATION, menu_item="sponsor", from_menu=sponsor.start_pledge,
                           starter="sponsor", start_new=sponsor.start_new),
        conversation_entry(payments.CONVERSATION, starter="pay", start_new=payments.start_new),
        FlowEntry("invitation", start_payload=INVITE_PREFIX, from_link=invitations.open_invitation),
        FlowEntry(records.FLOW, take_text=records.on_text),  # an admin's registration number or reason
        FlowEntry(broadcasts.FLOW, take_text=broadcasts.on_text),  # an admin composing an announcement
        FlowEntry(support.FLOW, take_text=support.on_reply_text),  # an admin's answer to a user's question
        FlowEntry("topics", menu_item="faq", from_menu=faq.browse),
        FlowEntry("reminder_settings", menu_item="reminders", from_menu=reminders.show_settings),
        FlowEntry("language", menu_item="language", from_menu=language.ask_language),
        FlowEntry("my_data", menu_item="mydata", from_menu=my_data.show_my_data),
    ])


def register_handlers(app: BotApplication) -> None:
    app.bot_data["flows"] = flow_registry()
    # Group -1 runs first for every update: records the user and loads their profile.
    app.add_handler(TypeHandler(Update, users.remember_user), group=-1)
    fallback.register_guard(app)  # first: forged callback data never reaches a pattern
    membership.register(app)
    start.register(app)
    language.register(app)
    quote.register(app)
    enroll.register(app)
    sponsor.register(app)
    pledges.register(app)
    pledge_income.register(app)
    payments.register(app)
    admin_payments.register(app)
    my_data.register(app)
    admin_discounts.register(app)
    records.register(app)
    reminders.register(app)
    flow_guard.register(app)
    broadcasts.register(app)
    charts.register(app)
    support.register(app)  # before faq: its free-text handler takes every text nothing else did
    faq.register(app)
    fallback.register(app)  # last: takes whatever nothing else did
    app.add_error_handler(errors.on_error)
