"""'Now' as the user sees it: Kalimantan spans WIB (UTC+7) and WITA (UTC+8), so months start at local midnight."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def this_month(timezone: str) -> date:
    """The first day of the current month in `timezone`."""
    return datetime.now(ZoneInfo(timezone)).date().replace(day=1)
