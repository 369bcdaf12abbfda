"""A local stand-in for the Telegram Bot API, for end-to-end tests, benchmarks and the console.

The bot talks to it over real HTTP exactly as it talks to Telegram (`TELEGRAM_BASE_URL`). It answers
with Telegram's response shapes and Telegram's errors for the things bots get wrong (malformed HTML,
"message is not modified", over-long callback data, unknown chats, a second poller), records every call,
and can be told to fail: 429 with `retry_after`, 403 for a user who blocked the bot, or 5xx.

Three ways to drive it:
- in the same event loop (`BotApiSandbox`, used by the console);
- from synchronous code through `ThreadedSandbox`, which runs it on its own thread (tests, benchmarks);
- over HTTP under `/sandbox/...` when it runs as its own process (`python -m bot sandbox`).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

SEND_METHODS = frozenset(
    {"sendmessage", "sendphoto", "senddocument", "copymessage", "forwardmessage"}
)
# Parameters that Bot API clients send JSON-encoded inside form fields.
_JSON_FIELDS = frozenset(
    {"reply_markup", "entities", "caption_entities", "commands", "allowed_updates", "link_preview_options",
     "reply_parameters", "scope", "media", "menu_button", "message_ids"}
)
_TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
                 "code", "pre", "blockquote", "tg-emoji"}
MAX_TEXT = 4096
MAX_CAPTION = 1024


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


class _TelegramHtml(HTMLParser):
    """Checks Telegram's HTML subset and collects the plain text, as Telegram does."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED_TAGS and self.error is None:
            self.error = f'Unsupported start tag "{tag}"'
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            if self.error is None:
                self.error = f'Unexpected end tag "{tag}"'
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(text: str) -> str:
    """Plain text of a Telegram-HTML message; ApiError 400 where Telegram would refuse it."""
    # A bare "<" or "&" that is not an entity is refused by Telegram; HTMLParser tolerates both.
    if re.search(r"<(?![a-zA-Z/])", text):
        raise bad_request("can't parse entities: Unexpected character '<'")
    if re.search(r"&(?!(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);)", text):
        raise bad_request("can't parse entities: Character '&' is reserved and must be escaped")
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    if parser.error is None and parser.stack:
        parser.error = f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"'
    if parser.error:
        raise bad_request(f"can't parse entities: {parser.error}")
    return "".join(parser.text)


def _check_markup(markup: Any) -> None:
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return
    for row in rows:
        for button in row:
            if not str(button.get("text", "")).strip():
                raise bad_request("BUTTON_TEXT_EMPTY")
            data = button.get("callback_data")
            if data is not None and not (1 <= len(str(data).encode()) <= 64):
                raise bad_request("BUTTON_DATA_INVALID")
            kinds = [k for k in ("callback_data", "url", "switch_inline_query", "web_app", "copy_text",
                                 "switch_inline_query_current_chat", "login_url", "pay") if k in button]
            if len(kinds) != 1:
                raise bad_request("can't parse inline keyboard button: exactly one optional field must be used")


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    at: float
    status: int
    description: str = ""


@dataclass
class ChatMessage:
    """A message as the stand-in keeps it: sent by the bot or by a simulated user."""

    chat_id: int
    message_id: int
    from_bot: bool
    date: int
    text: str | None = None
    html: str | None = None
    caption: str | None = None
    reply_markup: dict[str, Any] | None = None
    kind: str = "text"  # text | photo | document | sticker | location | contact
    file_bytes: bytes | None = None
    file_name: str | None = None
    deleted: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]

    @property
    def button_labels(self) -> list[str]:
        return [b["text"] for b in self.buttons]

    @property
    def body(self) -> str:
        return self.text if self.text is not None else (self.caption or "")


@dataclass
class BotEvent:
    """One visible thing the bot did in a chat, in order: a message, an edit, a deletion, a toast."""

    seq: int
    kind: str  # message | edit | delete | answer
    chat_id: int
    message: ChatMessage | None = None
    text: str = ""
    at: float = field(default_factory=time.monotonic)


@dataclass
class Fault:
    method: str | None  # lower-case method name; None = any sending method
    status: int
    count: int = 1
    retry_after: int = 1
    chat_id: int | None = None
    description: str | None = None


class _TokenBucket:
    def __init__(self, rate: float, capacity: float) -> None:
        self.rate, self.capacity, self.tokens, self.stamp = rate, capacity, capacity, time.monotonic()

    def take(self) -> float:
        """Take one token; returns 0, or the seconds to wait when empty."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


@dataclass
class RateLimits:
    global_per_second: float = 30.0
    per_chat_per_second: float = 1.0
    per_chat_burst: float = 1.0


class BotApiSandbox:
    """The stand-in's state and HTTP application. All state changes happen on its event loop."""

    def __init__(self, *, limits: RateLimits | None = None, bot_username: str = "LindungiPekerjaBot") -> None:
        self.limits = limits  # None: no rate limits (tests); set: enforced with 429s (benchmarks)
        self.bot_username = bot_username
        self.calls: list[ApiCall] = []
        self.events: list[BotEvent] = []
        self.chats: dict[int, dict[str, Any]] = {}
        self.messages: dict[tuple[int, int], ChatMessage] = {}
        self.blocked: set[int] = set()
        self.faults: list[Fault] = []
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.rejected_tokens: set[str] = set()
        self.too_many_requests = 0
        self.listeners: list[Callable[[BotEvent], None]] = []
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count] = {}
        self._query_ids = itertools.count(1)
        self._open_queries: dict[str, int] = {}
        self._seq = itertools.count(1)
        self._poll_generation = 0
        self._changed: asyncio.Condition | None = None
        self._global_bucket: _TokenBucket | None = None
        self._chat_buckets: dict[int, _TokenBucket] = {}
        self._webhook_task: asyncio.Task | None = None
        self._http: ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self.port: int | None = None
        self.host = "127.0.0.1"

    # ------------------------------------------------------------------ lifecycle
    @property
    def base_url(self) -> str:
        """What to put in TELEGRAM_BASE_URL."""
        return f"http://{self.host}:{self.port}"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._changed = asyncio.Condition()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_post("/sandbox/message", self._control_message)
        app.router.add_post("/sandbox/press", self._control_press)
        app.router.add_post("/sandbox/block", self._control_block)
        app.router.add_post("/sandbox/fault", self._control_fault)
        app.router.add_post("/sandbox/users", self._control_users)
        app.router.add_get("/sandbox/events", self._control_events)
        app.router.add_get("/sandbox/calls", self._control_calls)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.host = host
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._http = ClientSession(timeout=ClientTimeout(total=30))
        if self.limits:
            self._global_bucket = _TokenBucket(self.limits.global_per_second, self.limits.global_per_second)

    async def stop(self) -> None:
        if self._webhook_task:
            self._webhook_task.cancel()
        if self._http:
            await self._http.close()
        if self._runner:
            await self._runner.cleanup()

    # ------------------------------------------------------------------ HTTP entry point
    async def _handle_api(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method = request.match_info["method"]
        try:
            params = await self._read_params(request)
        except ValueError:
            return web.json_response(bad_request("invalid request body").payload(), status=400)
        # Recorded on arrival (status 0 until answered): a long poll shows up while it waits.
        call = self._record(method, params)
        try:
            if not _TOKEN_RE.match(token) or token in self.rejected_tokens:
                raise ApiError(401, "Unauthorized")
            result = await self._dispatch(token, method.lower(), params)
        except ApiError as error:
            call.status, call.description = error.code, error.description
            return web.json_response(error.payload(), status=error.code)
        call.status = 200
        return web.json_response({"ok": True, "result": result})

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            content_type = request.content_type
            if content_type == "application/json":
                body = await request.json()
                params.update(body if isinstance(body, dict) else {})
                return params
            if content_type == "multipart/form-data":
                reader = await request.multipart()
                async for part in reader:
                    if part.filename is not None:
                        params[part.name] = {"filename": part.filename, "content": bytes(await part.read())}
                    else:
                        params[part.name] = await part.text()
            else:
                form = await request.post()
                params.update({k: v for k, v in form.items() if isinstance(v, str)})
        for key in _JSON_FIELDS & params.keys():
            if isinstance(params[key], str):
                params[key] = json.loads(params[key])
        # Multipart uploads reference attached files as "attach://name".
        for key, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://") and value[9:] in params:
                params[key] = params.pop(value[9:])
        return params

    def _record(self, method: str, params: dict[str, Any]) -> ApiCall:
        safe = {k: ("<file>" if isinstance(v, dict) and "content" in v else v) for k, v in params.items()}
        call = ApiCall(method, safe, time.monotonic(), 0)
        self.calls.append(call)
        return call

    async def _dispatch(self, token: str, method: str, p: dict[str, Any]) -> Any:
        self._apply_faults(method, p)
        if method in SEND_METHODS:
            self._check_limits(_chat_id(p))
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        result = handler(token, p)
        if asyncio.iscoroutine(result):
            result = await result
        return result

    def _apply_faults(self, method: str, p: dict[str, Any]) -> None:
        for fault in self.faults:
            if fault.count <= 0:
                continue
            if fault.method is None and method not in SEND_METHODS:
                continue
            if fault.method is not None and fault.method != method:
                continue
            if fault.chat_id is not None and _chat_id(p) != fault.chat_id:
                continue
            fault.count -= 1
            if fault.status == 429:
                self.too_many_requests += 1
                raise ApiError(429, f"Too Many Requests: retry after {fault.retry_after}", fault.retry_after)
            if fault.status == 403:
                raise ApiError(403, fault.description or "Forbidden: bot was blocked by the user")
            raise ApiError(fault.status, fault.description or "Internal Server Error")
        self.faults = [f for f in self.faults if f.count > 0]

    def _check_limits(self, chat_id: int | None) -> None:
        if not self.limits or self._global_bucket is None:
            return
        wait = self._global_bucket.take()
        if chat_id is not None and wait == 0:
            bucket = self._chat_buckets.get(chat_id)
            if bucket is None:
                bucket = self._chat_buckets[chat_id] = _TokenBucket(
                    self.limits.per_chat_per_second, self.limits.per_chat_burst
                )
            wait = bucket.take()
            if wait:
                self._global_bucket.tokens += 1  # the refused message did not go out
        if wait:
            self.too_many_requests += 1
            retry = max(1, int(wait + 0.999))
            raise ApiError(429, f"Too Many Requests: retry after {retry}", retry)

    # ------------------------------------------------------------------ Bot API methods
    def _bot_user(self, token: str) -> dict[str, Any]:
        return {"id": int(token.split(":", 1)[0]), "is_bot": True, "first_name": "Lindungi Pekerja",
                "username": self.bot_username}

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
            deadline = time.monotonic() + timeout
            while True:
                if generation != self._poll_generation:
                    raise ApiError(409, "Conflict: terminated by other getUpdates request; make sure that "
                                        "only one bot instance is running")
                if self._updates:
                    return self._updates[:limit]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return []
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    return []

    async def _api_setwebhook(self, token: str, p: dict[str, Any]) -> bool:
        url = str(p.get("url") or "")
        if not url:
            return await self._api_deletewebhook(token, p)
        if not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if _truthy(p.get("drop_pending_updates")):
            self._updates.clear()
        self.webhook = {"url": url, "secret_token": p.get("secret_token"),
                        "max_connections": int(p.get("max_connections") or 40)}
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.create_task(self._deliver_webhooks())
        await self._notify()
        return True

    async def _api_deletewebhook(self, token: str, p: dict[str, Any]) -> bool:
        self.webhook = None
        if _truthy(p.get("drop_pending_updates")):
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
        self.commands[(_scope_key(p.get("scope")), str(p.get("language_code") or ""))] = commands
        return True

    def _api_getmycommands(self, token: str, p: dict[str, Any]) -> list[dict[str, Any]]:
        return self.commands.get((_scope_key(p.get("scope")), str(p.get("language_code") or "")), [])

    def _api_deletemycommands(self, token: str, p: dict[str, Any]) -> bool:
        self.commands.pop((_scope_key(p.get("scope")), str(p.get("language_code") or "")), None)
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
        raw = str(p.get("text") or "")
        text = self._formatted(raw, p.get("parse_mode"))
        if not text.strip():
            raise bad_request("message text is empty")
        if len(text) > MAX_TEXT:
            raise bad_request("message is too long")
        markup = p.get("reply_markup")
        _check_markup(markup)
        message = self._new_bot_message(chat_id, text=text, html=raw, reply_markup=_inline(markup))
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
        _check_markup(markup)
        message = self._new_bot_message(chat_id, caption=caption, html=caption_raw or None,
                                        reply_markup=_inline(markup), kind=kind)
        message.file_bytes, message.file_name = content, name
        await self._emit("message", chat_id, message)
        return self._message_json(token, message)

    async def _api_copymessage(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._target_chat(p)
        source = self.messages.get((int(p.get("from_chat_id") or 0), int(p.get("message_id") or 0)))
        if source is None or source.deleted:
            raise bad_request("message to copy not found")
        message = self._new_bot_message(chat_id, text=source.text, caption=source.caption, kind=source.kind,
                                        reply_markup=_inline(p.get("reply_markup")))
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
        raw = str(p.get("text") or "")
        text = self._formatted(raw, p.get("parse_mode"))
        if not text.strip():
            raise bad_request("message text is empty")
        if len(text) > MAX_TEXT:
            raise bad_request("MESSAGE_TOO_LONG")
        markup = _inline(p.get("reply_markup"))
        _check_markup(markup)
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
        message.reply_markup = _inline(p.get("reply_markup"))
        await self._emit("edit", message.chat_id, message)
        return self._message_json(token, message)

    async def _api_editmessagereplymarkup(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        message = self._editable(p)
        markup = _inline(p.get("reply_markup"))
        _check_markup(markup)
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

    def _target_chat(self, p: dict[str, Any]) -> int:
        chat_id = _chat_id(p)
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

    def _next_message_id(self, chat_id: int) -> int:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        return next(counter)

    def _new_bot_message(self, chat_id: int, **fields: Any) -> ChatMessage:
        message = ChatMessage(chat_id=chat_id, message_id=self._next_message_id(chat_id), from_bot=True,
                              date=int(time.time()), **fields)
        self.messages[(chat_id, message.message_id)] = message
        return message

    def _message_json(self, token: str | None, message: ChatMessage) -> dict[str, Any]:
        body: dict[str, Any] = {"message_id": message.message_id, "date": message.date,
                                "chat": self.chats[message.chat_id]}
        if message.from_bot:
            body["from"] = self._bot_user(token) if token else {"id": 1, "is_bot": True, "first_name": "bot"}
        else:
            body["from"] = self._user_json(message.chat_id, self.chats[message.chat_id])
        if message.text is not None:
            body["text"] = message.text
        if message.caption:
            body["caption"] = message.caption
        if message.reply_markup:
            body["reply_markup"] = message.reply_markup
        if message.kind == "photo":
            size = len(message.file_bytes or b"")
            body["photo"] = [{"file_id": f"photo-{message.chat_id}-{message.message_id}",
                              "file_unique_id": f"p{message.message_id}", "width": 800, "height": 600,
                              "file_size": size}]
        elif message.kind == "document":
            body["document"] = {"file_id": f"doc-{message.chat_id}-{message.message_id}",
                                "file_unique_id": f"d{message.message_id}", "file_name": message.file_name,
                                "file_size": len(message.file_bytes or b"")}
        body.update(message.extra.get("json", {}))
        return body

    @staticmethod
    def _user_json(user_id: int, chat: dict[str, Any]) -> dict[str, Any]:
        user = {"id": user_id, "is_bot": False, "first_name": chat.get("first_name", "User")}
        if chat.get("username"):
            user["username"] = chat["username"]
        if chat.get("language_code"):
            user["language_code"] = chat["language_code"]
        return user

    async def _emit(self, kind: str, chat_id: int, message: ChatMessage | None, text: str = "") -> None:
        event = BotEvent(next(self._seq), kind, chat_id, message, text)
        self.events.append(event)
        for listener in list(self.listeners):
            listener(event)
        await self._notify()

    async def _notify(self) -> None:
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()

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
            body["text"] = text
            match = re.match(r"/[A-Za-z0-9_]+(@\w+)?", text)
            if match:
                body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(match.group(0))}]
        body.update(extra or {})
        await self.push_update({"message": body})
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

    def fail(self, method: str | None, status: int, *, count: int = 1, retry_after: int = 1,
             chat_id: int | None = None, description: str | None = None) -> None:
        """Make the next `count` calls of `method` (None: any sending method) fail with `status`."""
        self.faults.append(Fault(method.lower() if method else None, status, count, retry_after, chat_id,
                                 description))

    def events_for(self, chat_id: int, after: int = 0) -> list[BotEvent]:
        return [e for e in self.events if e.chat_id == chat_id and e.seq > after]

    async def wait_for_events(self, chat_id: int | None, after: int, timeout: float,
                              predicate: Callable[[BotEvent], bool] | None = None) -> list[BotEvent]:
        """Events after `after` (for one chat, or any when None), waiting up to `timeout` for a first one."""
        assert self._changed is not None
        deadline = time.monotonic() + timeout

        def ready() -> list[BotEvent]:
            found = [e for e in self.events if e.seq > after and (chat_id is None or e.chat_id == chat_id)]
            return [e for e in found if predicate(e)] if predicate else found

        async with self._changed:
            while True:
                found = ready()
                if found:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return []
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    return ready()

    def last_seq(self) -> int:
        return self.events[-1].seq if self.events else 0

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    # ------------------------------------------------------------------ HTTP control API
    async def _control_message(self, request: web.Request) -> web.Response:
        body = await request.json()
        message = await self.user_message(int(body["user_id"]), body.get("text"),
                                          first_name=body.get("first_name", "Pengguna"),
                                          language_code=body.get("language_code", "id"))
        return web.json_response({"message_id": message.message_id, "seq": self.last_seq()})

    async def _control_press(self, request: web.Request) -> web.Response:
        body = await request.json()
        query_id = await self.press(int(body["user_id"]), int(body["message_id"]), str(body["data"]))
        return web.json_response({"callback_query_id": query_id})

    async def _control_block(self, request: web.Request) -> web.Response:
        body = await request.json()
        await (self.unblock if body.get("unblock") else self.block)(int(body["user_id"]))
        return web.json_response({"ok": True})

    async def _control_fault(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.fail(body.get("method"), int(body["status"]), count=int(body.get("count", 1)),
                  retry_after=int(body.get("retry_after", 1)))
        return web.json_response({"ok": True})

    async def _control_users(self, request: web.Request) -> web.Response:
        body = await request.json()
        for user_id in body.get("user_ids", []):
            self.ensure_user(int(user_id))
        return web.json_response({"ok": True, "chats": len(self.chats)})

    async def _control_events(self, request: web.Request) -> web.Response:
        after = int(request.query.get("after", 0))
        chat = request.query.get("chat_id")
        timeout = float(request.query.get("timeout", 0))
        events = await self.wait_for_events(int(chat) if chat else None, after, timeout)
        return web.json_response([_event_json(e) for e in events])

    async def _control_calls(self, request: web.Request) -> web.Response:
        return web.json_response([{"method": c.method, "status": c.status, "description": c.description}
                                  for c in self.calls])


def _event_json(event: BotEvent) -> dict[str, Any]:
    message = event.message
    return {"seq": event.seq, "kind": event.kind, "chat_id": event.chat_id, "text": event.text,
            "message_id": message.message_id if message else None,
            "body": message.body if message else None,
            "buttons": message.buttons if message else []}


def _chat_id(p: dict[str, Any]) -> int | None:
    value = p.get("chat_id")
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in {"true", "1"}


def _inline(markup: Any) -> dict[str, Any] | None:
    if isinstance(markup, dict) and markup.get("inline_keyboard"):
        return {"inline_keyboard": markup["inline_keyboard"]}
    return None


def _scope_key(scope: Any) -> str:
    if not scope:
        return "default"
    if isinstance(scope, str):
        scope = json.loads(scope)
    return json.dumps(scope, sort_keys=True)


# ---------------------------------------------------------------------- synchronous facade
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
        """New messages and edits the bot made in this chat since the last read."""
        return [e.message for e in self.events(timeout, settle=settle) if e.kind in ("message", "edit")
                and e.message is not None]

    def reply(self, timeout: float = 10) -> ChatMessage:
        """The newest message or edit; fails if the bot said nothing."""
        replies = self.replies(timeout)
        if not replies:
            raise AssertionError(f"the bot did not answer user {self.id} within {timeout}s")
        return replies[-1]

    def silence(self, wait: float = 1.0) -> bool:
        """True when the bot sends nothing to this user for `wait` seconds."""
        return not self.events(timeout=wait, settle=0)


async def serve_forever(host: str, port: int, limits: RateLimits | None) -> None:  # pragma: no cover - CLI
    sandbox = BotApiSandbox(limits=limits)
    await sandbox.start(host, port)
    print(f"Bot API stand-in listening on {sandbox.base_url} (set TELEGRAM_BASE_URL to this)", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await sandbox.stop()

