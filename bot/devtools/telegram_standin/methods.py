"""The Bot API methods the bot calls (about 30), answered with Telegram's shapes and Telegram's errors."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from bot.devtools.telegram_standin.records import ApiError, ChatMessage, bad_request
from bot.devtools.telegram_standin.request_checks import (
    MAX_CAPTION,
    MAX_TEXT,
    chat_id_of,
    check_markup,
    inline_markup,
    parse_html,
    scope_key,
    truthy,
)
from bot.devtools.telegram_standin.state import StandinState


class BotApiMethods(StandinState):
    """`_api_<method>` answers the Bot API method of that (lower-case) name."""

    def _api_getme(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        return {**self._bot_user(token), "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False, "has_main_web_app": False}

    def _api_logout(self, token: str, p: dict[str, Any]) -> bool:
        return True

    _api_close = _api_logout

    async def _api_getupdates(self, token: str, p: dict[str, Any]) -> list[dict[str, Any]]:
        assert self._changed is not None
        if self.webhook:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset = int(p.get("offset") or 0)
        limit = max(1, min(int(p.get("limit") or 100), 100))
        timeout = max(0.0, float(p.get("timeout") or 0))
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        async with self._changed:
            self._poll_generation += 1
            generation = self._poll_generation
            self._changed.notify_all()

            def ready() -> list[dict[str, Any]]:
                if generation != self._poll_generation:
                    raise ApiError(409, "Conflict: terminated by other getUpdates request; make sure that "
                                        "only one bot instance is running")
                return self._updates[:limit]

            return await self._wait_until(ready, timeout)

    async def _api_setwebhook(self, token: str, p: dict[str, Any]) -> bool:
        url = str(p.get("url") or "")
        if not url:
            return await self._api_deletewebhook(token, p)
        if not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if truthy(p.get("drop_pending_updates")):
            self._updates.clear()
        self.webhook = {"url": url, "secret_token": p.get("secret_token"),
                        "max_connections": int(p.get("max_connections") or 40)}
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.create_task(self._deliver_webhooks())
        await self._notify()
        return True

    async def _api_deletewebhook(self, token: str, p: dict[str, Any]) -> bool:
        self.webhook = None
        if truthy(p.get("drop_pending_updates")):
            self._updates.clear()
        await self._notify()
        return True

    def _api_getwebhookinfo(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        return {"url": (self.webhook or {}).get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    def _api_setmycommands(self, token: str, p: dict[str, Any]) -> bool:
        commands = p.get("commands") or []
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[(scope_key(p.get("scope")), str(p.get("language_code") or ""))] = commands
        return True

    def _api_getmycommands(self, token: str, p: dict[str, Any]) -> list[dict[str, Any]]:
        return self.commands.get((scope_key(p.get("scope")), str(p.get("language_code") or "")), [])

    def _api_deletemycommands(self, token: str, p: dict[str, Any]) -> bool:
        self.commands.pop((scope_key(p.get("scope")), str(p.get("language_code") or "")), None)
        return True

    def _api_setchatmenubutton(self, token: str, p: dict[str, Any]) -> bool:
        return True

    def _api_sendchataction(self, token: str, p: dict[str, Any]) -> bool:
        self._target_chat(p)
        return True

    def _api_getchat(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._target_chat(p)
        return {**self.chats[chat_id], "accent_color_id": 0, "max_reaction_count": 11}

    async def _api_sendmessage(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._target_chat(p)
        raw, text = self._message_text(p, too_long="message is too long")
        markup = p.get("reply_markup")
        check_markup(markup)
        message = self._new_bot_message(chat_id, text=text, html=raw, reply_markup=inline_markup(markup))
        await self._emit("message", chat_id, message)
        return self._message_json(token, message)

    async def _api_sendphoto(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        return await self._send_file(token, p, "photo")

    async def _api_senddocument(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        return await self._send_file(token, p, "document")

    async def _send_file(self, token: str, p: dict[str, Any], kind: str) -> dict[str, Any]:
        chat_id = self._target_chat(p)
        upload = p.get(kind)
        if isinstance(upload, dict):
            content, name = upload["content"], upload["filename"]
        elif isinstance(upload, str) and upload:
            content, name = b"", upload  # a file_id or URL re-sent
        else:
            raise bad_request(f"there is no {kind} in the request")
        caption_raw = str(p.get("caption") or "")
        caption = self._formatted(caption_raw, p.get("parse_mode")) if caption_raw else None
        if caption and len(caption) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        markup = p.get("reply_markup")
        check_markup(markup)
        message = self._new_bot_message(chat_id, caption=caption, html=caption_raw or None,
                                        reply_markup=inline_markup(markup), kind=kind)
        message.file_bytes, message.file_name = content, name
        await self._emit("message", chat_id, message)
        return self._message_json(token, message)

    async def _api_copymessage(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._target_chat(p)
        source = self.messages.get((int(p.get("from_chat_id") or 0), int(p.get("message_id") or 0)))
        if source is None or source.deleted:
            raise bad_request("message to copy not found")
        message = self._new_bot_message(chat_id, text=source.text, caption=source.caption, kind=source.kind,
                                        reply_markup=inline_markup(p.get("reply_markup")))
        message.extra["copied_from"] = (source.chat_id, source.message_id)
        await self._emit("message", chat_id, message)
        return {"message_id": message.message_id}

    async def _api_forwardmessage(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._target_chat(p)
        source = self.messages.get((int(p.get("from_chat_id") or 0), int(p.get("message_id") or 0)))
        if source is None or source.deleted:
            raise bad_request("message to forward not found")
        message = self._new_bot_message(chat_id, text=source.text, caption=source.caption, kind=source.kind)
        message.extra["forwarded_from"] = (source.chat_id, source.message_id)
        await self._emit("message", chat_id, message)
        return self._message_json(token, message)

    async def _api_editmessagetext(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        message = self._editable(p)
        raw, text = self._message_text(p, too_long="MESSAGE_TOO_LONG")  # Telegram words it so for edits
        markup = inline_markup(p.get("reply_markup"))
        check_markup(markup)
        if message.text == text and message.reply_markup == markup:
            raise bad_request("message is not modified: specified new message content and reply markup are "
                              "exactly the same as a current content and reply markup of the message")
        message.text, message.html, message.reply_markup = text, raw, markup
        await self._emit("edit", message.chat_id, message)
        return self._message_json(token, message)

    async def _api_editmessagecaption(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        message = self._editable(p)
        raw = str(p.get("caption") or "")
        message.caption = self._formatted(raw, p.get("parse_mode"))
        message.reply_markup = inline_markup(p.get("reply_markup"))
        await self._emit("edit", message.chat_id, message)
        return self._message_json(token, message)

    async def _api_editmessagereplymarkup(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        message = self._editable(p)
        markup = inline_markup(p.get("reply_markup"))
        check_markup(markup)
        if message.reply_markup == markup:
            raise bad_request("message is not modified: specified new message content and reply markup are "
                              "exactly the same as a current content and reply markup of the message")
        message.reply_markup = markup
        await self._emit("edit", message.chat_id, message)
        return self._message_json(token, message)

    async def _api_deletemessage(self, token: str, p: dict[str, Any]) -> bool:
        key = (int(p.get("chat_id") or 0), int(p.get("message_id") or 0))
        message = self.messages.get(key)
        if message is None or message.deleted:
            raise bad_request("message to delete not found")
        message.deleted = True
        await self._emit("delete", message.chat_id, message)
        return True

    async def _api_answercallbackquery(self, token: str, p: dict[str, Any]) -> bool:
        query_id = str(p.get("callback_query_id") or "")
        chat_id = self._open_queries.pop(query_id, None)
        if chat_id is None:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        text = str(p.get("text") or "")
        if len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        await self._emit("answer", chat_id, None, text=text)
        return True

    # ------------------------------------------------------------------ helpers for methods
    def _formatted(self, raw: str, parse_mode: Any) -> str:
        if str(parse_mode or "").upper() == "HTML":
            return parse_html(raw)
        if parse_mode:
            raise bad_request("unsupported parse_mode in the stand-in (use HTML)")
        return raw

    def _message_text(self, p: dict[str, Any], *, too_long: str) -> tuple[str, str]:
        """(as sent, as shown) of a message's text; refused as Telegram refuses an empty or over-long one."""
        raw = str(p.get("text") or "")
        text = self._formatted(raw, p.get("parse_mode"))
        if not text.strip():
            raise bad_request("message text is empty")
        if len(text) > MAX_TEXT:
            raise bad_request(too_long)
        return raw, text

    def _target_chat(self, p: dict[str, Any]) -> int:
        chat_id = chat_id_of(p)
        if chat_id is None or chat_id not in self.chats:
            raise bad_request("chat not found")
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _editable(self, p: dict[str, Any]) -> ChatMessage:
        key = (int(p.get("chat_id") or 0), int(p.get("message_id") or 0))
        message = self.messages.get(key)
        if message is None or message.deleted:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return message

    async def _deliver_webhooks(self) -> None:
        """Push queued updates to the webhook, in order, the way Telegram does."""
        assert self._changed is not None and self._http is not None
        while self.webhook:
            if not self._updates:
                async with self._changed:
                    await self._changed.wait()
                continue
            update = self._updates[0]
            webhook = self.webhook
            headers = {}
            if webhook.get("secret_token"):
                headers["X-Telegram-Bot-Api-Secret-Token"] = webhook["secret_token"]
            try:
                async with self._http.post(webhook["url"], json=update, headers=headers) as response:
                    delivered = response.status < 300
            except Exception:  # noqa: BLE001 - Telegram retries on any failure; so do we
                delivered = False
            if delivered and self._updates and self._updates[0] is update:
                self._updates.pop(0)
            elif not delivered:
                await asyncio.sleep(0.2)
