"""Occupations offered as buttons, and whether one counts as transport for the PP 50/2025 discount.

PP 50/2025 names ojol, ojek pangkalan, drivers and parcel/logistics couriers, platform-based or not. The
boundary for borderline jobs is not in our sources, so the reply tells the user to check with the branch office.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.questions.normalise import raw_tokens


@dataclass(frozen=True)
class Occupation:
    key: str
    label_id: str
    label_en: str
    transport: bool


OCCUPATIONS: tuple[Occupation, ...] = (
    Occupation("ojek", "🛵 Ojek / ojol", "🛵 Motorbike taxi", True),
    Occupation("sopir", "🚐 Sopir", "🚐 Driver", True),
    Occupation("kurir", "📦 Kurir", "📦 Courier", True),
    Occupation("pedagang", "🛒 Pedagang", "🛒 Trader", False),
    Occupation("tani", "🌾 Petani / nelayan", "🌾 Farmer / fisher", False),
    Occupation("jaga", "🕌 Marbot / penjaga / kebersihan", "🕌 Caretaker / guard / cleaner", False),
)
BY_KEY = {o.key: o for o in OCCUPATIONS}
PU_KEY = "pu"  # a wage earner: shown deductions from salary instead of a BPU quote

_TRANSPORT_WORDS = frozenset(
    "ojek ojol gojek grab maxim shopeefood driver sopir supir angkot taksi taxi travel kurir courier ekspedisi "
    "logistik paket jne jnt sicepat truk truck pickup bentor becak speedboat klotok motoris kapal".split()
)


def is_transport(description: str) -> bool:
    return any(token in _TRANSPORT_WORDS for token in raw_tokens(description))


def clean_description(text: str) -> str | None:
    """A free-text occupation as we keep it: trimmed, at most 60 characters, at least 2 letters."""
    text = re.sub(r"\s+", " ", text).strip()[:60]
    return text if sum(ch.isalpha() for ch in text) >= 2 else None
