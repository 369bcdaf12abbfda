"""Who types in the console, and where: three users and an admin, each in their own private chat, and the admin in
the support group; for each chat the buttons it shows now and how its messages print.

The console prints every chat; a message for a chat other than the current speaker's carries that chat's label, so
the person sees the admin told of a question while speaking as the user who asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.i18n import plain
from bot.devtools.telegram_standin import BotEvent, ChatMessage

SUPPORT_GROUP_ID = -1_001_000_000_001  # a supergroup's id, as Telegram numbers them
SUPPORT_GROUP_TITLE = "Grup petugas"
ADMIN_OFFSET = 1_000  # the console's admin is the first user's id plus this, clear of users 2 and 3
FILES_DIR = Path("data/console")
_LINK = re.compile(r"""<a\s+href\s*=\s*["']([^"']*)["']\s*>(.*?)</a>""", re.IGNORECASE | re.DOTALL)


@dataclass
class Speaker:
    """Someone the person at the keyboard can speak as: a Telegram user typing in one chat."""

    key: str  # what /sebagai takes
    label: str  # shown in the prompt and beside this chat's messages when someone else is speaking
    user_id: int
    chat_id: int  # their private chat (= user_id), or the support group
    first_name: str
    # The newest keyboard in this chat, (message id, callback data) for #1, #2, ...
    buttons: list[tuple[int, str]] = field(default_factory=list)
    # Support group only: the bot's messages that pass a user's question on, oldest first.
    questions: list[int] = field(default_factory=list)
    # The text last printed for each message, so that an edit of its buttons alone does not print it all again.
    printed: dict[int, str] = field(default_factory=dict)

    @property
    def in_group(self) -> bool:
        return self.chat_id != self.user_id


def cast(first_user_id: int, *, support_group: bool) -> dict[str, Speaker]:
    """The simulated people, by the key /sebagai takes."""
    admin_id = first_user_id + ADMIN_OFFSET
    people = [Speaker("1", "Anda", first_user_id, first_user_id, "Anda"),
              Speaker("2", "Pengguna 2", first_user_id + 1, first_user_id + 1, "Pengguna 2"),
              Speaker("3", "Pengguna 3", first_user_id + 2, first_user_id + 2, "Pengguna 3"),
              Speaker("admin", "Admin", admin_id, admin_id, "Admin")]
    if support_group:
        people.append(Speaker("grup", SUPPORT_GROUP_TITLE, admin_id, SUPPORT_GROUP_ID, "Admin"))
    return {speaker.key: speaker for speaker in people}


# What /sebagai also understands, besides the keys themselves.
SPEAKER_ALIASES = {"anda": "1", "saya": "1", "me": "1", "group": "grup", "support": "grup", "petugas": "grup"}


def render(event: BotEvent, chat: Speaker, *, current: bool, question_marker: str) -> list[str]:
    """The lines to print for one thing the bot did in `chat` (none for a deletion), remembering the chat's buttons
    and, in the support group, which messages pass a question on (they carry `question_marker`)."""
    prefix = "🤖 " if current else f"🤖 → {chat.label}: "
    if event.kind == "answer":
        return [f"{prefix}({event.text})"] if event.text else []
    message = event.message
    if message is None or event.kind == "delete":
        return []
    if chat.in_group:
        prefix += f"(pesan {message.message_id}) "
    body = readable(message.html) if message.html else message.body
    if event.kind == "edit" and chat.printed.get(message.message_id) == body:
        buttons = _buttons(message, chat, event.kind)
        what = "(diubah: tombolnya saja / edited: its buttons only)" if buttons else \
            "(diubah: tombolnya dilepas / edited: its buttons removed)"
        return [prefix + what, *buttons]
    chat.printed[message.message_id] = body
    if event.kind == "edit":
        prefix += "(diubah) "
    if message.kind in ("photo", "document"):
        body = f"[{save_file(message, chat)}] {body}".rstrip()
    if chat.in_group and event.kind == "message" and question_marker and question_marker in body:
        chat.questions.append(message.message_id)
    lines = body.splitlines() or [""]
    return [prefix + lines[0], *("   " + line for line in lines[1:]), *_buttons(message, chat, event.kind)]


def readable(html: str) -> str:
    """Telegram HTML as plain text, keeping each link's address (a terminal cannot follow a hidden link)."""
    def link(match: re.Match[str]) -> str:
        url, label = match.group(1), match.group(2)
        return label if plain(label).strip() == url else f"{label} <{url}>"

    return plain(_LINK.sub(link, html))


def _buttons(message: ChatMessage, chat: Speaker, kind: str) -> list[str]:
    rows = (message.reply_markup or {}).get("inline_keyboard") or []
    if not rows:
        if kind == "edit" and chat.buttons and chat.buttons[0][0] == message.message_id:
            chat.buttons = []  # the keyboard the person would press was taken away
        return []
    chat.buttons = []
    lines = []
    for row in rows:
        cells = []
        for button in row:
            if "callback_data" in button:
                chat.buttons.append((message.message_id, button["callback_data"]))
                cells.append(f"[#{len(chat.buttons)}] {button['text']}")
            elif "url" in button:
                cells.append(f"{button['text']} <{button['url']}>")
        lines.append("   " + "   ".join(cells))
    return lines


def button_lines(chat: Speaker, message: ChatMessage | None) -> list[str]:
    """The chat's current keyboard again (after switching to it), numbered as before."""
    if message is None or not chat.buttons:
        return []
    pressable = iter(range(1, len(chat.buttons) + 1))
    lines = []
    for row in (message.reply_markup or {}).get("inline_keyboard") or []:
        cells = [f"[#{next(pressable)}] {b['text']}" if "callback_data" in b else f"{b['text']} <{b.get('url')}>"
                 for b in row]
        lines.append("   " + "   ".join(cells))
    return lines


def save_file(message: ChatMessage, chat: Speaker) -> str:
    """Under data/console/ as `<message id>-<name>`; other chats than the first user's put their key first, since
    every chat numbers its messages from 1."""
    FILES_DIR.mkdir(parents=True, exist_ok=True)
    name = message.file_name or f"{message.kind}-{message.message_id}"
    owner = "" if chat.key == "1" else f"{chat.key}-"
    path = FILES_DIR / f"{owner}{message.message_id}-{Path(name).name}"
    path.write_bytes(message.file_bytes or b"")
    label = "gambar" if message.kind == "photo" else "berkas"
    return f"{label} disimpan di {path}"
