"""The client side: simulated users and groups who write, reply, press buttons and block the bot."""

from __future__ import annotations

import re
import time
from typing import Any

from bot.devtools.telegram_standin.records import ChatMessage
from bot.devtools.telegram_standin.state import StandinState


class SimulatedUsers(StandinState):
    """Turns what a user does into the updates Telegram would queue for the bot."""

    # ------------------------------------------------------------------ simulated users (client side)
    def ensure_user(self, user_id: int, *, first_name: str = "Pengguna", username: str | None = None,
                    language_code: str | None = "id") -> dict[str, Any]:
        chat = self.chats.get(user_id)
        if chat is None:
            chat = {"id": user_id, "type": "private", "first_name": first_name}
            if username:
                chat["username"] = username
            if language_code:
                chat["language_code"] = language_code
            self.chats[user_id] = chat
        return chat

    def ensure_group(self, chat_id: int, title: str = "Grup warga") -> dict[str, Any]:
        return self.chats.setdefault(chat_id, {"id": chat_id, "type": "group", "title": title})

    def take_updates(self) -> list[dict[str, Any]]:
        """Remove and return the queued updates, oldest first: for a harness that hands them to the bot itself
        (Application.process_update) instead of letting it poll."""
        updates, self._updates = self._updates, []
        return updates

    async def push_update(self, update: dict[str, Any]) -> int:
        update = {"update_id": next(self._update_ids), **update}
        self._updates.append(update)
        await self._notify()
        return update["update_id"]

    async def user_message(self, user_id: int, text: str | None = None, *, chat_id: int | None = None,
                           first_name: str = "Pengguna", language_code: str | None = "id",
                           extra: dict[str, Any] | None = None) -> ChatMessage:
        """A user writes to the bot (a private chat unless chat_id names a group)."""
        user_chat = self.ensure_user(user_id, first_name=first_name, language_code=language_code)
        chat_id = user_id if chat_id is None else chat_id
        chat = self.chats[chat_id]
        message = ChatMessage(chat_id=chat_id, message_id=self._next_message_id(chat_id), from_bot=False,
                              date=int(time.time()), text=text, kind="text" if text is not None else "other")
        self.messages[(chat_id, message.message_id)] = message
        body: dict[str, Any] = {"message_id": message.message_id, "date": message.date, "chat": chat,
                                "from": self._user_json(user_id, user_chat)}
        if text is not None:
            body.update(text=text, **_command_entities(text))
        body.update(extra or {})
        await self.push_update({"message": body})
        return message

    async def edit(self, user_id: int, message_id: int, text: str, *, chat_id: int | None = None) -> ChatMessage:
        """A user edits a message they sent: the bot gets an edited_message update."""
        chat_id = user_id if chat_id is None else chat_id
        message = self.messages[(chat_id, message_id)]
        message.text = text
        sender = self._user_json(user_id, self.ensure_user(user_id))
        body: dict[str, Any] = {"message_id": message_id, "date": message.date, "edit_date": int(time.time()),
                                "chat": self.chats[chat_id], "from": sender, "text": text, **_command_entities(text)}
        await self.push_update({"edited_message": body})
        return message

    async def reply_to(self, user_id: int, chat_id: int, message_id: int, text: str) -> ChatMessage:
        """A user answers a specific message with Telegram's reply feature (e.g. an admin in a group)."""
        original = self.messages[(chat_id, message_id)]
        return await self.user_message(user_id, text, chat_id=chat_id,
                                       extra={"reply_to_message": self._message_json(None, original)})

    async def press(self, user_id: int, message_id: int, data: str, *, chat_id: int | None = None) -> str:
        """A user presses an inline button (or sends any callback data, for forged-button tests)."""
        chat_id = user_id if chat_id is None else chat_id
        user_chat = self.ensure_user(user_id)
        message = self.messages.get((chat_id, message_id))
        query_id = f"q{next(self._query_ids)}"
        self._open_queries[query_id] = chat_id
        query: dict[str, Any] = {"id": query_id, "from": self._user_json(user_id, user_chat),
                                 "chat_instance": f"ci{chat_id}", "data": data}
        if message is not None and not message.deleted:
            query["message"] = self._message_json(None, message)
        else:  # Telegram still sends an "inaccessible message" stub
            query["message"] = {"chat": self.chats.get(chat_id, {"id": chat_id, "type": "private"}),
                                "message_id": message_id, "date": 0}
        await self.push_update({"callback_query": query})
        return query_id

    async def block(self, user_id: int) -> None:
        """The user blocks the bot: later sends get 403, and the bot receives my_chat_member."""
        self.blocked.add(user_id)
        await self._membership_change(user_id, "member", "kicked")

    async def unblock(self, user_id: int) -> None:
        self.blocked.discard(user_id)
        await self._membership_change(user_id, "kicked", "member")

    async def _membership_change(self, user_id: int, old: str, new: str) -> None:
        chat = self.ensure_user(user_id)
        bot = {"id": 1, "is_bot": True, "first_name": "Lindungi Pekerja", "username": self.bot_username}

        def member(status: str) -> dict[str, Any]:
            body: dict[str, Any] = {"status": status, "user": bot}
            if status == "kicked":
                body["until_date"] = 0
            return body

        await self.push_update({"my_chat_member": {
            "chat": chat, "from": self._user_json(user_id, chat), "date": int(time.time()),
            "old_chat_member": member(old), "new_chat_member": member(new)}})


def _command_entities(text: str) -> dict[str, Any]:
    """Telegram marks a leading /command as an entity; the bot's CommandHandlers look for it."""
    match = re.match(r"/[A-Za-z0-9_]+(@\w+)?", text)
    return {"entities": [{"type": "bot_command", "offset": 0, "length": len(match.group(0))}]} if match else {}
