"""Telegram adapters: each module reads updates, calls the domain in bot/ and models/, renders replies.

`register_handlers` is the one place that says which handler answers what, in priority order.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import TypeHandler

from handlers import (
    admin_discounts,
    broadcasts,
    charts,
    enroll,
    errors,
    fallback,
    faq,
    flow_guard,
    language,
    membership,
    my_data,
    pledges,
    quote,
    records,
    reminders,
    sponsor,
    start,
    users,
)
from handlers.context import BotApplication


def register_handlers(app: BotApplication) -> None:
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
    my_data.register(app)
    admin_discounts.register(app)
    records.register(app)
    reminders.register(app)
    flow_guard.register(app)
    broadcasts.register(app)
    charts.register(app)
    faq.register(app)
    fallback.register(app)  # last: takes whatever nothing else did
    app.add_error_handler(errors.on_error)
