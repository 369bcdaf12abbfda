"""The admins' inbox: what /tiket understands, paging, and what an admin is shown (escaped, no buttons once closed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import pytest

from bot.core.i18n import default_translator
from bot.questions.support_inbox import (
    PAGE_SIZE,
    TicketCommand,
    excerpt,
    inbox_page,
    new_ticket_notice,
    page_of,
    parse_command,
    ticket_view,
)


@pytest.mark.parametrize(("typed", "expected"), [
    ("", TicketCommand("list")),
    ("  ", TicketCommand("list")),
    ("12", TicketCommand("open", 12)),
    ("12 balas Silakan datang\nke kantor cabang.", TicketCommand("reply", 12, "Silakan datang\nke kantor cabang.")),
    ("12 Reply  ok", TicketCommand("reply", 12, "ok")),
    ("12 balas", TicketCommand("no_text", 12)),
    ("12 tutup", TicketCommand("close", 12)),
    ("12 close", TicketCommand("close", 12)),
    ("12 tutup sekarang juga", TicketCommand("usage", 12)),
    ("12 hapus", TicketCommand("usage", 12)),
    ("abc", TicketCommand("usage")),
    ("-5", TicketCommand("usage")),
    ("١٢", TicketCommand("usage")),  # Arabic-Indic digits name no ticket
    ("１２ tutup", TicketCommand("usage")),  # nor do full-width ones
    ("0", TicketCommand("unknown")),
    ("99999999999999999999 tutup", TicketCommand("unknown")),  # beyond a 32-bit id: never reaches a query
    ("'; DROP TABLE support_tickets;--", TicketCommand("usage")),
])
def test_the_command_is_read_strictly(typed: str, expected: TicketCommand) -> None:
    assert parse_command(typed) == expected


def test_pages_are_clamped_to_what_exists() -> None:
    assert page_of(0, 0).pages == 1
    assert page_of(PAGE_SIZE + 1, 1).offset == PAGE_SIZE
    assert page_of(PAGE_SIZE + 1, 7).number == 1  # a stale "older" button after tickets were closed
    assert page_of(3, -2).number == 0


def test_an_excerpt_is_one_short_line() -> None:
    assert excerpt("satu\ndua   tiga") == "satu dua tiga"
    cut = excerpt("x" * 500)
    assert len(cut) == 80 and cut.endswith("…")


@dataclass
class Ticket:
    id: int
    question: str
    language: str = "id"
    status: str = "sent"
    created_at: datetime = datetime(2026, 12, 1, 2, 30, tzinfo=timezone.utc)


def test_a_ticket_is_shown_escaped_in_local_time_with_buttons_only_while_open() -> None:
    texts = default_translator()
    ticket = Ticket(5, "<b>klaim</b> & kartu", language="en")
    shown = ticket_view(ticket, True, texts, "id", "Asia/Makassar")
    assert "&lt;b&gt;klaim&lt;/b&gt; &amp; kartu" in shown.text and "01-12-2026 10:30" in shown.text
    assert "Inggris" in shown.text
    assert [b.data for row in shown.buttons for b in row] == ["tk:reply:5", "tk:close:5"]
    assert ticket_view(Ticket(5, "x", status="closed"), False, texts, "id", "Asia/Makassar").buttons == ()
    notice = new_ticket_notice(ticket, "u1234abcd", texts, "en")
    assert "#5" in notice.text and "u1234abcd" in notice.text and "&amp; kartu" in notice.text


def test_the_list_has_a_button_per_ticket_and_pages_both_ways() -> None:
    texts = default_translator()
    tickets = [Ticket(i, f"pertanyaan {i}") for i in range(20, 12, -1)]
    middle = inbox_page(tickets, page_of(30, 1), 30, texts, "id", "Asia/Makassar")
    assert "Pertanyaan terbuka: 30" in middle.text and "halaman 2 dari 4" in middle.text
    data = [b.data for row in middle.buttons for b in row]
    assert data[:8] == [f"tk:open:{i}" for i in range(20, 12, -1)] and data[8:] == ["tk:page:0", "tk:page:2"]
    assert inbox_page([], page_of(0, 0), 0, texts, "en", "Asia/Makassar").text.startswith("📭")
