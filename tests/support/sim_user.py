"""The simulated Telegram user for synchronous tests and benchmarks: the Bot API stand-in run on its own thread
(`ThreadedSandbox`), and `SimUser`, who sends text, presses buttons and reads the bot's replies."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from bot.devtools.telegram_standin import ApiCall, BotApiSandbox, BotEvent, ChatMessage, RateLimits


class ThreadedSandbox:
    """Runs a BotApiSandbox on its own thread so synchronous tests and benchmarks can drive it."""

    def __init__(self, *, limits: RateLimits | None = None) -> None:
        self.sandbox = BotApiSandbox(limits=limits)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="bot-api-sandbox", daemon=True)

    def __enter__(self) -> "ThreadedSandbox":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self._thread.start()
        self.call(self.sandbox.start())

    def stop(self) -> None:
        try:
            self.call(self.sandbox.stop(), timeout=10)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)

    def call(self, coroutine: Any, timeout: float = 30) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def run(self, function: Callable[[], Any]) -> Any:
        """Run a plain function on the sandbox's loop (for reading or changing its state safely)."""

        async def wrapper() -> Any:
            return function()

        return self.call(wrapper())

    @property
    def base_url(self) -> str:
        return self.sandbox.base_url

    def user(self, user_id: int, *, first_name: str = "Pengguna", language_code: str | None = "id") -> "SimUser":
        return SimUser(self, user_id, first_name=first_name, language_code=language_code)

    def fail(self, method: str | None, status: int, **kwargs: Any) -> None:
        self.run(lambda: self.sandbox.fail(method, status, **kwargs))

    def calls_to(self, method: str) -> list[ApiCall]:
        return self.run(lambda: self.sandbox.calls_to(method))

    def wait_for_call(self, method: str, timeout: float = 20, count: int = 1) -> list[ApiCall]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            calls = self.calls_to(method)
            if len(calls) >= count:
                return calls
            time.sleep(0.05)
        raise AssertionError(f"the bot did not call {method} within {timeout}s")

    def add_users(self, user_ids: Iterable[int]) -> None:
        ids = list(user_ids)
        self.run(lambda: [self.sandbox.ensure_user(i) for i in ids])


class SimUser:
    """A simulated Telegram user talking to the bot: send text, press buttons, read replies."""

    def __init__(self, box: ThreadedSandbox, user_id: int, *, first_name: str, language_code: str | None) -> None:
        self.box, self.id = box, user_id
        self.first_name, self.language_code = first_name, language_code
        self.cursor = box.run(box.sandbox.last_seq)
        box.run(lambda: box.sandbox.ensure_user(user_id, first_name=first_name, language_code=language_code))

    def send(self, text: str | None, *, extra: dict[str, Any] | None = None) -> None:
        self.box.call(self.box.sandbox.user_message(self.id, text, first_name=self.first_name,
                                                    language_code=self.language_code, extra=extra))

    def edit_last(self, text: str) -> None:
        """Edit this user's newest message in their private chat to `text`."""
        box = self.box
        newest = box.run(lambda: max(m.message_id for (chat, _), m in box.sandbox.messages.items()
                                     if chat == self.id and not m.from_bot))
        box.call(box.sandbox.edit(self.id, newest, text))

    def press_data(self, data: str, message_id: int | None = None) -> None:
        """Send callback data as if from a button (use for forged or stale buttons)."""
        if message_id is None:
            message_id = self.last_message_with_buttons().message_id
        self.box.call(self.box.sandbox.press(self.id, message_id, data))

    def press(self, label: str, message: ChatMessage | None = None) -> None:
        """Press the button whose label contains `label` on the newest message that has one."""
        candidates = [message] if message else self.messages_with_buttons()
        for candidate in reversed(candidates):
            for button in candidate.buttons:
                if label.lower() in button["text"].lower() and "callback_data" in button:
                    self.box.call(self.box.sandbox.press(self.id, candidate.message_id, button["callback_data"]))
                    return
        raise AssertionError(f"no button containing {label!r}; buttons: "
                             f"{[m.button_labels for m in candidates]}")

    def messages_with_buttons(self) -> list[ChatMessage]:
        def collect() -> list[ChatMessage]:
            box = self.box.sandbox
            found = [m for (chat, _), m in box.messages.items() if chat == self.id and m.from_bot
                     and not m.deleted and m.buttons]
            return sorted(found, key=lambda m: m.message_id)

        return self.box.run(collect)

    def last_message_with_buttons(self) -> ChatMessage:
        messages = self.messages_with_buttons()
        if not messages:
            raise AssertionError("the bot has shown no buttons")
        return messages[-1]

    def events(self, timeout: float = 10, *, settle: float = 0.3, kinds: Iterable[str] | None = None,
               ) -> list[BotEvent]:
        """What the bot did since the last read: waits for a first event, then for quiet `settle` seconds."""
        wanted = set(kinds) if kinds else None
        box = self.box
        found = box.call(box.sandbox.wait_for_events(
            self.id, self.cursor, timeout, (lambda e: e.kind in wanted) if wanted else None), timeout + 5)
        if not found:
            return []
        while True:
            last = max(e.seq for e in box.run(lambda: box.sandbox.events_for(self.id, self.cursor)))
            more = box.call(box.sandbox.wait_for_events(self.id, last, settle), settle + 5)
            if not more:
                break
        events = box.run(lambda: box.sandbox.events_for(self.id, self.cursor))
        self.cursor = events[-1].seq
        return [e for e in events if wanted is None or e.kind in wanted]

    def replies(self, timeout: float = 10, settle: float = 0.3) -> list[ChatMessage]:
        """New messages and edits the bot made in this chat since the last read. Waits for a message or an edit,
        not just any event: a pressed button is answered first and its message may follow after a slow database
        write, later than `settle` on a busy machine."""
        return [e.message for e in self.events(timeout, settle=settle, kinds=("message", "edit"))
                if e.message is not None]

    def reply(self, timeout: float = 10) -> ChatMessage:
        """The newest message or edit; fails if the bot said nothing."""
        replies = self.replies(timeout)
        if not replies:
            raise AssertionError(f"the bot did not answer user {self.id} within {timeout}s")
        return replies[-1]

    def silence(self, wait: float = 1.0) -> bool:
        """True when the bot sends nothing to this user for `wait` seconds."""
        return not self.events(timeout=wait, settle=0)
