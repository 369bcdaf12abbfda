"""The main menu: which items exist and how they are laid out (labels live in the catalog)."""

from __future__ import annotations

# Rows of menu item ids; each id has a label under `menu.<id>` and callback data `m:<id>`.
MAIN_MENU_LAYOUT: tuple[tuple[str, ...], ...] = (
    ("faq", "quote"),
    ("sponsor", "enroll"),
    ("reminders", "language"),
)
MENU_ITEMS: frozenset[str] = frozenset(item for row in MAIN_MENU_LAYOUT for item in row)

# Free text longer than this is not a question; Telegram's own limit is 4,096.
MAX_TEXT_LENGTH = 1000
