"""A reply as the domain describes it: text (Telegram HTML) and rows of buttons, with no Telegram types.

Handlers turn it into an InlineKeyboardMarkup; the command line prints it as text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.i18n import plain


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
