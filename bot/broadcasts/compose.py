"""Composing a broadcast, without Telegram: URL buttons typed as lines, the send time, the audience choices.

Buttons: one per line, "Label | https://link" (at most 5, label at most 40 characters, http(s) links only).
Time: "2026-12-01 09:00" or "01-12-2026 09:00" in the admin's time zone, at least a minute ahead, at most 60 days.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from bot.core.identity import KALIMANTAN_CODES, PROVINCE_CODES

MAX_BUTTONS = 5
MAX_LABEL = 40
KALIMANTAN = {code: PROVINCE_CODES[code] for code in KALIMANTAN_CODES}  # the provinces an audience can be


def parse_buttons(text: str) -> tuple[list[tuple[str, str]] | None, str | None]:
    """([(label, url)], None) or (None, reason): format, too_many, label, url."""
    buttons = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        if "|" not in line:
            return None, "format"
        label, _, url = line.partition("|")
        label, url = " ".join(label.split()), url.strip()
        if not label or len(label) > MAX_LABEL:
            return None, "label"
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or " " in url:
            return None, "url"
        buttons.append((label, url))
    if not buttons:
        return None, "format"
    if len(buttons) > MAX_BUTTONS:
        return None, "too_many"
    return buttons, None


_TIME_PATTERNS = (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2})[:.](\d{2})$"),
                  re.compile(r"^(\d{1,2})[-/](\d{1,2})[-/](\d{4}) (\d{1,2})[:.](\d{2})$"))


def parse_send_time(text: str, tz: str, now: datetime) -> tuple[datetime | None, str | None]:
    """(UTC time, None) or (None, reason): format, past, too_far."""
    text = " ".join((text or "").split())
    parts = None
    first, second = _TIME_PATTERNS[0].match(text), _TIME_PATTERNS[1].match(text)
    if first:
        year, month, day, hour, minute = (int(g) for g in first.groups())
        parts = (year, month, day, hour, minute)
    elif second:
        day, month, year, hour, minute = (int(g) for g in second.groups())
        parts = (year, month, day, hour, minute)
    if parts is None:
        return None, "format"
    try:
        local = datetime(*parts, tzinfo=ZoneInfo(tz))
        moment = local.astimezone(timezone.utc)
    except (ValueError, OverflowError):  # no such day; or "0001-01-01 00:00", which has no UTC equivalent
        return None, "format"
    if moment < now + timedelta(minutes=1):
        return None, "past"
    if moment > now + timedelta(days=60):
        return None, "too_far"
    return moment, None
