"""Telegram's checks on what a bot sends (its HTML subset, inline keyboards) and readers of request parameters."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

from bot.devtools.telegram_standin.records import bad_request

_ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
                 "code", "pre", "blockquote", "tg-emoji"}
MAX_TEXT = 4096
MAX_CAPTION = 1024


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


def check_markup(markup: Any) -> None:
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



def chat_id_of(p: dict[str, Any]) -> int | None:
    value = p.get("chat_id")
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def truthy(value: Any) -> bool:
    return value is True or str(value).lower() in {"true", "1"}


def inline_markup(markup: Any) -> dict[str, Any] | None:
    if isinstance(markup, dict) and markup.get("inline_keyboard"):
        return {"inline_keyboard": markup["inline_keyboard"]}
    return None


def scope_key(scope: Any) -> str:
    if not scope:
        return "default"
    if isinstance(scope, str):
        scope = json.loads(scope)
    return json.dumps(scope, sort_keys=True)

