"""The registry of flows: which feature a menu button, a /start link, free text or "start the new thing" opens.

One table (`handlers.flow_registry`) names every entry point. The application keeps it in `bot_data["flows"]`, and the
menu (handlers/start.py), free text (handlers/faq.py) and the unfinished-flow question (handlers/flow_guard.py)
look things up there, so features never fill each other's tables.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Update

from handlers.context import BotContext
from handlers.conversation import Conversation
from models.flow import FlowState

Open = Callable[[Update, BotContext], Awaitable[None]]
Start = Callable[[Update, BotContext, str], Awaitable[None]]  # (update, context, argument)
TextStep = Callable[[Update, BotContext, FlowState], Awaitable[None]]


@dataclass(frozen=True)
class FlowEntry:
    name: str  # the key models.flow keeps its state under (or the feature's name when it keeps none)
    menu_item: str | None = None  # the main-menu (and follow-up) button that opens it: `m:<item>`, `a:<item>`
    from_menu: Open | None = None  # what that button does (it may first ask about an unfinished flow)
    starter: str | None = None  # its key in "leave it and start the new thing": `fl:new:<starter>[:<argument>]`
    start_new: Start | None = None  # what that does: start afresh, the unfinished flow already dropped
    start_payload: str | None = None  # the deep-link prefix that opens it: t.me/<bot>?start=<prefix>...
    from_link: Start | None = None  # what the link does, given the whole payload
    take_text: TextStep | None = None  # free text while this flow is open
    conversation: Conversation | None = None  # the step-by-step conversations: resumable, maybe guarded


class FlowRegistry:
    def __init__(self, entries: list[FlowEntry]) -> None:
        self.entries = tuple(entries)
        self._by_name = {entry.name: entry for entry in entries}
        self._by_menu = {entry.menu_item: entry for entry in entries if entry.menu_item}
        self._by_starter = {entry.starter: entry for entry in entries if entry.starter}
        if len(self._by_name) != len(entries):
            raise ValueError("two flows share a name")

    def by_name(self, name: str) -> FlowEntry | None:
        return self._by_name.get(name)

    def for_menu(self, item: str) -> FlowEntry | None:
        return self._by_menu.get(item)

    def for_starter(self, starter: str) -> FlowEntry | None:
        return self._by_starter.get(starter)

    def for_payload(self, payload: str) -> FlowEntry | None:
        return next((e for e in self.entries if e.start_payload and payload.startswith(e.start_payload)), None)

    def takes_text(self, state: FlowState | None) -> bool:
        entry = self.by_name(state.flow) if state is not None else None
        return entry is not None and entry.take_text is not None

    async def route_text(self, update: Update, context: BotContext, state: FlowState | None) -> bool:
        """True when the open flow took the message."""
        entry = self.by_name(state.flow) if state is not None else None
        if entry is None or entry.take_text is None:
            return False
        await entry.take_text(update, context, state)
        return True


def conversation_entry(conversation: Conversation, *, menu_item: str | None = None, from_menu: Open | None = None,
                       starter: str | None = None, start_new: Start | None = None) -> FlowEntry:
    """A step-by-step conversation: free text goes to its current step, and it can be resumed."""
    return FlowEntry(conversation.name, menu_item=menu_item, from_menu=from_menu, starter=starter, start_new=start_new,
                     take_text=conversation.on_text, conversation=conversation)
