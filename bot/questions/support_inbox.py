"""The admins' inbox of questions passed to a person when there is no support chat (/tiket): reading the command,
paging the list, and the texts and buttons of the list, of one ticket and of the notice of a new one.

Tickets are read duck-typed (models.support.SupportTicket: id, question, language, status, created_at). The
question is shown as stored: personal numbers were masked when it was kept, and it is escaped here like any value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.i18n import Translator
from bot.core.replies import Button, Reply, rows

PAGE_SIZE = 8
EXCERPT_LENGTH = 80
MAX_TICKET_DIGITS = 9  # ids are 32-bit integers: a longer number names no ticket and never reaches a query

REPLY_WORDS = frozenset({"balas", "jawab", "reply", "answer"})
CLOSE_WORDS = frozenset({"tutup", "selesai", "close"})
# ASCII digits only: Python's \d and int() would also take Arabic-Indic or full-width digits.
_ARGUMENTS = re.compile(r"(?P<id>[0-9]+)(?:\s+(?P<verb>\S+)(?:\s+(?P<text>.*))?)?", re.DOTALL)


@dataclass(frozen=True)
class TicketCommand:
    # list | open | reply | close | usage (not understood) | no_text (a reply without text) | unknown (no such number)
    action: str
    ticket_id: int | None = None
    text: str = ""


def parse_command(arguments: str) -> TicketCommand:
    """What an admin typed after `/tiket`: nothing (the list), `N`, `N balas <text>` or `N tutup`."""
    rest = arguments.strip()
    if not rest:
        return TicketCommand("list")
    match = _ARGUMENTS.fullmatch(rest)
    if match is None:
        return TicketCommand("usage")
    digits = match["id"]
    if len(digits.lstrip("0")) > MAX_TICKET_DIGITS or int(digits) == 0:
        return TicketCommand("unknown")
    ticket_id = int(digits)
    verb = (match["verb"] or "").lower()
    text = (match["text"] or "").strip()
    if not verb:
        return TicketCommand("open", ticket_id)
    if verb in REPLY_WORDS:
        return TicketCommand("reply", ticket_id, text) if text else TicketCommand("no_text", ticket_id)
    if verb in CLOSE_WORDS and not text:
        return TicketCommand("close", ticket_id)
    return TicketCommand("usage", ticket_id)


@dataclass(frozen=True)
class Page:
    number: int  # from 0
    pages: int
    offset: int


def page_of(total: int, wanted: int, size: int = PAGE_SIZE) -> Page:
    """The page to show: `wanted`, or the last one when the list got shorter (a stale button)."""
    pages = max(1, -(-total // size))
    number = min(max(wanted, 0), pages - 1)
    return Page(number, pages, number * size)


def excerpt(question: str, limit: int = EXCERPT_LENGTH) -> str:
    """The question on one line, cut to `limit` characters."""
    line = " ".join(question.split())
    return line if len(line) <= limit else line[:limit - 1].rstrip() + "…"


def _when(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%d-%m-%Y %H:%M")


def _t(texts: Translator, lang: str, key: str, **values: object) -> str:
    return texts.t(lang, f"support_inbox.{key}", **values)


def _status(texts: Translator, lang: str, status: str) -> str:
    return _t(texts, lang, f"status_{status}")


def _language(texts: Translator, lang: str, language: str) -> str:
    return _t(texts, lang, "language_en" if language == "en" else "language_id")


def _ticket_buttons(texts: Translator, lang: str, ticket_id: int) -> tuple[tuple[Button, ...], ...]:
    return rows([Button(_t(texts, lang, "reply_button"), f"tk:reply:{ticket_id}"),
                 Button(_t(texts, lang, "close_button"), f"tk:close:{ticket_id}")], 2)


def inbox_page(tickets: list[Any], page: Page, total: int, texts: Translator, lang: str, timezone: str) -> Reply:
    """One page of open tickets, newest first: a line each, a button to open each, and the way to the next page."""
    if total == 0:
        return Reply(_t(texts, lang, "empty"))
    lines = [_t(texts, lang, "list_title", count=total, page=page.number + 1, pages=page.pages)]
    for ticket in tickets:
        lines.append(_t(texts, lang, "list_line", ticket=ticket.id, when=_when(ticket.created_at, timezone),
                        language=ticket.language.upper(), status=_status(texts, lang, ticket.status),
                        question=excerpt(ticket.question)))
    lines.append(_t(texts, lang, "list_footer"))
    buttons = rows([Button(f"#{ticket.id}", f"tk:open:{ticket.id}") for ticket in tickets], 4)
    paging = []
    if page.number > 0:
        paging.append(Button(_t(texts, lang, "newer"), f"tk:page:{page.number - 1}"))
    if page.number + 1 < page.pages:
        paging.append(Button(_t(texts, lang, "older"), f"tk:page:{page.number + 1}"))
    if paging:
        buttons += (tuple(paging),)
    return Reply("\n".join(lines), buttons)


def ticket_view(ticket: Any, is_open: bool, texts: Translator, lang: str, timezone: str) -> Reply:
    """One ticket in full: the question as stored, when, its language and status; buttons while it is open."""
    text = _t(texts, lang, "ticket", ticket=ticket.id, when=_when(ticket.created_at, timezone),
              language=_language(texts, lang, ticket.language), status=_status(texts, lang, ticket.status),
              question=ticket.question or "-")
    if not is_open:
        return Reply(text)
    return Reply(text + "\n\n" + _t(texts, lang, "ticket_footer", ticket=ticket.id),
                 _ticket_buttons(texts, lang, ticket.id))


def new_ticket_notice(ticket: Any, user: str, texts: Translator, lang: str) -> Reply:
    """What an admin is sent when a user passes a question on (`user` is the log pseudonym, never a name)."""
    text = _t(texts, lang, "new_ticket", ticket=ticket.id, user=user, language=_language(texts, lang, ticket.language),
              question=ticket.question or "-")
    return Reply(text, _ticket_buttons(texts, lang, ticket.id))


def answered_notice(ticket_id: int, texts: Translator, lang: str) -> Reply:
    """The admin's confirmation that the answer reached the user, with the button to close the ticket."""
    return Reply(_t(texts, lang, "delivered", ticket=ticket_id),
                 rows([Button(_t(texts, lang, "close_button"), f"tk:close:{ticket_id}")], 1))


def reply_prompt(ticket_id: int, texts: Translator, lang: str) -> Reply:
    """After "Balas": the admin's next message is the answer (or they cancel)."""
    return Reply(_t(texts, lang, "ask_reply", ticket=ticket_id),
                 rows([Button(_t(texts, lang, "cancel_button"), f"tk:cancel:{ticket_id}")], 1))
