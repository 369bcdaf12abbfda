"""The one Telegram adapter for the multi-step conversations (quote, enrollment, pledge, payment).

Each conversation is a pure `ConversationFlow` (bot/core/conversation.py) plus a small subclass of `Conversation`
that says what differs: its callback prefix, whether its answers are sealed, how its last step looks and what
confirming does. Everything they share lives here once: keeping the answers in models.flow between steps, typed
text, the back / edit / cancel buttons, a choice button, a stale button, and a confirm pressed twice.

Callback data: `<prefix>:<action>[:<value>]`, e.g. `e:occ:ojek`, `s:back`, `y:ok`.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Message, Update

from bot.core.conversation import ConversationFlow, Values
from bot.core.i18n import plain
from bot.core.replies import Button, Reply, rows
from handlers import replies
from handlers.common import DOUBLE_PRESS_WINDOW
from handlers.context import BotContext
from models.base import utcnow
from models.flow import FlowState, claim_flow, current_flow, save_flow, unseal

STALE = "fallback.stale_button"
# Values a conversation is started with, not typed by the user: losing them loses nothing.
PRESET_VALUES = frozenset({"locked", "programs", "beneficiary_id", "pledge_id", "suggested"})


class Conversation:
    """Drives one flow in Telegram. Subclasses override the hooks they need; what they only set is given here."""

    def __init__(self, flow_class: type[ConversationFlow], *, sealed: bool = False, guarded: bool = False,
                 confirm_action: str | None = None, restart_action: str | None = None,
                 home_after_cancel: bool = False, alert_errors: frozenset[str] = frozenset(),
                 expired_key: str = STALE, done_key: str = STALE) -> None:
        self.flow_class = flow_class
        self.name = flow_class.name
        self.sealed = sealed  # answers hold personal data: kept encrypted in models.flow
        self.guarded = guarded  # starting something else first asks whether to drop the typed answers
        self.confirm_action = confirm_action  # the button that finishes ("submit", "ok")
        self.restart_action = restart_action  # a button that starts afresh, open flow or not ("again", "new")
        self.home_after_cancel = home_after_cancel  # the "cancelled" message offers the way back to the menu
        self.alert_errors = alert_errors  # choice errors shown as an alert, not a toast
        self.expired_key = expired_key  # confirm pressed after the flow expired or ended
        self.done_key = done_key  # ... after it went through a moment ago ({id}: what it made)

    def flow(self, context: BotContext) -> ConversationFlow:
        return self.flow_class(context.services.texts)

    def values_of(self, context: BotContext, state: FlowState) -> Values:
        return unseal(state, context.services.cipher) if self.sealed else state.values

    async def save(self, context: BotContext, user_id: int, values: Values) -> None:
        step = self.flow(context).next_step(values)
        async with context.services.db.transaction() as session:
            await save_flow(session, user_id, self.name, step, values,
                            cipher=context.services.cipher if self.sealed else None)

    # ------------------------------------------------------------------ hooks
    async def render(self, update: Update, context: BotContext, values: Values) -> Reply:
        """The message for the current step (subclasses render their review or confirmation here)."""
        flow = self.flow(context)
        return flow.prompt(flow.next_step(values), values, context.lang)

    async def finish(self, update: Update, context: BotContext, values: Values, message: Message | None) -> None:
        """The confirm button on the last step."""
        raise NotImplementedError

    async def restart(self, update: Update, context: BotContext) -> None:
        """The restart button (see `restart_action`)."""
        raise NotImplementedError

    async def made_since(self, session: AsyncSession, user_id: int, since: datetime) -> int | bool | None:
        """What confirming made for this user since `since` (its id, or just True), or None: tells a confirm
        pressed twice from one pressed on an expired flow."""
        return None

    def can_edit(self, values: Values) -> bool:
        return True

    async def refuse_choice(self, update: Update, context: BotContext, error: str) -> None:
        text = plain(self.flow(context).error(error, context.lang))[:200]
        await update.callback_query.answer(text, show_alert=error in self.alert_errors)

    # ------------------------------------------------------------------ shared steps
    async def show_next(self, update: Update, context: BotContext, values: Values, *, edit: Message | None) -> None:
        """Keep the answers, then show what comes next: in place of the pressed message, or as a new one."""
        await self.save(context, update.effective_user.id, values)
        await replies.show(context, update.effective_chat.id, await self.render(update, context, values),
                           replacing=edit)

    async def resume(self, update: Update, context: BotContext, state: FlowState) -> None:
        await self.show_next(update, context, self.values_of(context, state), edit=None)

    async def on_text(self, update: Update, context: BotContext, state: FlowState) -> None:
        """Typed text while the flow waits for an answer: on an error nothing is lost, only this answer is asked
        again."""
        flow = self.flow(context)
        typed = update.effective_message.text or ""
        before = self.values_of(context, state)
        values, error = flow.accept_text(before, typed, context.today(), lang=context.lang)
        if error is not None:
            await replies.send(context, update.effective_chat.id, flow.problem(error, before, typed, context.lang))
            return
        await self.show_next(update, context, values, edit=None)

    async def on_button(self, update: Update, context: BotContext) -> None:
        query = update.callback_query
        parts = query.data.split(":")
        action = parts[1]
        if action == self.restart_action:
            await self.restart(update, context)
            return
        message = replies.pressed_message(query)
        user_id = update.effective_user.id
        state = await context.open_flow(user_id, self.name)
        if state is None:  # finished, cancelled, expired, or another flow took over
            if action == self.confirm_action:
                await self.pressed_again(update, context)
            else:
                await query.answer(context.t(STALE))
            return
        flow = self.flow(context)
        values = self.values_of(context, state)
        if action == "cancel":
            await self.cancel(update, context, message)
        elif action == "back":
            await query.answer()
            await self.show_next(update, context, flow.back(values), edit=message)
        elif action == "edit" and hasattr(flow, "edit"):
            if not self.can_edit(values):
                await query.answer(plain(flow.error("stale", context.lang))[:200])
                return
            await query.answer()
            await self.show_next(update, context, flow.edit(values, parts[2]), edit=message)
        elif action == self.confirm_action:
            await self.finish(update, context, values, message)
        else:
            values, error = flow.accept_choice(values, action, parts[2] if len(parts) > 2 else "", context.today())
            if error is not None:
                await self.refuse_choice(update, context, error)
                return
            await query.answer()
            await self.show_next(update, context, values, edit=message)

    async def pressed_again(self, update: Update, context: BotContext) -> None:
        """Confirm pressed with nothing left to confirm: it went through a moment ago (say so), or it expired."""
        async with context.services.db.session() as session:
            made = await self.made_since(session, update.effective_user.id, utcnow() - DOUBLE_PRESS_WINDOW)
        text = context.t(self.done_key, id=made) if made else context.t(self.expired_key)
        await update.callback_query.answer(text, show_alert=True)

    async def cancel(self, update: Update, context: BotContext, message: Message | None) -> None:
        async with context.services.db.transaction() as session:
            await claim_flow(session, update.effective_user.id, self.name)
        await update.callback_query.answer()
        if message is not None:
            home = rows([Button(context.t("menu.back"), "m:home")], 1) if self.home_after_cancel else ()
            await replies.edit(message, Reply(self.flow(context).t(context.lang, "cancelled"), home))


async def keeps_unfinished(update: Update, context: BotContext, starting: str) -> bool:
    """True (and the question asked) when a guarded flow with typed answers is open; the caller then stops.

    Starting something new never silently throws away a half-filled enrollment, pledge or payment: the user is
    asked to carry on (`fl:resume`) or to leave it and start `starting` (`fl:new:<starting>`).
    """
    async with context.services.db.session() as session:
        state = await current_flow(session, update.effective_user.id)
    entry = context.flows.by_name(state.flow) if state is not None else None
    if entry is None or entry.conversation is None or not entry.conversation.guarded:
        return False
    values = unseal(state, context.services.cipher)
    if not any(key for key in values if key not in PRESET_VALUES):
        return False  # nothing typed yet: nothing to lose
    if update.callback_query:
        await update.callback_query.answer()
    await replies.send(context, update.effective_chat.id, Reply(
        context.t("flows.unfinished", what=context.t(f"flows.what_{state.flow}")),
        rows([Button(context.t("flows.resume"), "fl:resume"),
              Button(context.t("flows.start_new"), f"fl:new:{starting}")], 1)))
    return True
