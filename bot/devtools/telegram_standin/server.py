"""The HTTP server: the Bot API under /bot<token>/<method>, and the control API under /sandbox/... ."""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

from bot.devtools.telegram_standin.faults_and_limits import Clock, FaultsAndLimits, RateLimits
from bot.devtools.telegram_standin.methods import BotApiMethods
from bot.devtools.telegram_standin.records import ApiCall, ApiError, BotEvent, bad_request
from bot.devtools.telegram_standin.user_driver import SimulatedUsers

_JSON_FIELDS = frozenset(
    {"reply_markup", "entities", "caption_entities", "commands", "allowed_updates", "link_preview_options",
     "reply_parameters", "scope", "media", "menu_button", "message_ids"}
)
_TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")


class BotApiSandbox(BotApiMethods, SimulatedUsers):
    """The stand-in: its state, the Bot API methods, the simulated users, behind one HTTP application."""

    def __init__(self, *, limits: RateLimits | None = None, bot_username: str = "LindungiPekerjaBot",
                 clock: Clock = time.monotonic) -> None:
        super().__init__(bot_username=bot_username)
        self.gate = FaultsAndLimits(limits, clock)
        self._runner: web.AppRunner | None = None

    @property
    def limits(self) -> RateLimits | None:
        return self.gate.limits

    @property
    def too_many_requests(self) -> int:
        """Calls refused with 429, asked for or over the limits."""
        return self.gate.too_many_requests

    def fail(self, method: str | None, status: int, *, count: int = 1, retry_after: int = 1,
             chat_id: int | None = None, description: str | None = None) -> None:
        """Make the next `count` calls of `method` (None: any sending method) fail with `status`."""
        self.gate.fail(method, status, count=count, retry_after=retry_after, chat_id=chat_id,
                       description=description)

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
        self.gate.check(method, p)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        result = handler(token, p)
        if asyncio.iscoroutine(result):
            result = await result
        return result


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
        return web.json_response([event_json(e) for e in events])

    async def _control_calls(self, request: web.Request) -> web.Response:
        return web.json_response([{"method": c.method, "status": c.status, "description": c.description}
                                  for c in self.calls])


def event_json(event: BotEvent) -> dict[str, Any]:
    message = event.message
    return {"seq": event.seq, "kind": event.kind, "chat_id": event.chat_id, "text": event.text,
            "message_id": message.message_id if message else None,
            "body": message.body if message else None,
            "buttons": message.buttons if message else []}



async def serve_forever(host: str, port: int, limits: RateLimits | None) -> None:  # pragma: no cover - CLI
    sandbox = BotApiSandbox(limits=limits)
    await sandbox.start(host, port)
    print(f"Bot API stand-in listening on {sandbox.base_url} (set TELEGRAM_BASE_URL to this)", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await sandbox.stop()

