"""A reply as the domain describes it: text (Telegram HTML) and rows of buttons, with no Telegram types.

Handlers turn it into an InlineKeyboardMarkup; the command line prints it as text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.core.i18n import plain

MAX_MESSAGE_LENGTH = 4096  # Telegram's limit for a message's text


def shown_length(text: str) -> int:
    """The length Telegram counts: the text as shown (tags dropped, entities decoded), in UTF-16 code units."""
    return len(plain(text).encode("utf-16-le")) // 2


def fit_lines(head: list[str], items: list[str], tail: list[str], more: Callable[[int], str],
              limit: int = MAX_MESSAGE_LENGTH) -> tuple[str, int]:
    """`head`, then as many of `items` as fit in one message, then `more(n)` if n were left out, then `tail`.
    Returns the text and how many items it shows, so a listing that grows without bound stays one message."""
    sizes = [shown_length(line) + 1 for line in items]  # + 1: the line break (tags never span lines)
    used = shown_length("\n".join(head + tail))
    if used + sum(sizes) <= limit:
        return "\n".join(head + items + tail), len(items)
    shown = 0
    for size in sizes:
        if used + size + shown_length(more(len(items) - shown - 1)) + 1 > limit:
            break
        used += size
        shown += 1
    return "\n".join(head + items[:shown] + [more(len(items) - shown)] + tail), shown


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # callback data, at most 64 bytes


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = field(default_factory=tuple)

    def as_plain_text(self) -> str:
        lines = [plain(self.text)]
        number = 0
        for row in self.buttons:
            cells = []
            for button in row:
                number += 1
                cells.append(f"[{number}] {button.label}")
            lines.append("   ".join(cells))
        return "\n".join(lines)


def rows(buttons: list[Button], per_row: int) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))
