"""Where the tests read shared/domain/ (every figure the bot may state).

The project's checkout sits beside shared/ on the team's machines; a clone elsewhere (CI) uses the copy in
tests/support/data/domain/. test_chart_figures checks that the copy is identical whenever shared/ is present, so
the two cannot drift apart unnoticed.
"""

from __future__ import annotations

import re
from pathlib import Path

SHARED_DOMAIN = Path(__file__).resolve().parents[3] / "shared" / "domain"
DOMAIN_COPY = Path(__file__).resolve().parent / "data" / "domain"
DOMAIN_FILE_NAME = "bpjs-ketenagakerjaan.md"


def domain_dir() -> Path:
    return SHARED_DOMAIN if SHARED_DOMAIN.exists() else DOMAIN_COPY


def domain_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(domain_dir().glob("*")))


def _without_digit_separators(text: str) -> str:
    return re.sub(r"(?<=\d)[.,](?=\d)", "", text)


def figures_not_in_domain(text: str) -> list[str]:
    """Numbers in a plain-text answer that appear in neither domain source (1-3 alone are too common to check)."""
    source = _without_digit_separators(domain_text())
    text = re.sub(r"\b\d{1,2}[.:]\d{2}\b", " ", text)  # times of day are the bot's own behaviour
    missing = []
    for number in re.findall(r"\d[\d.,]*\d|\d", _without_digit_separators(text)):
        number = number.rstrip(".,")
        if (len(number) >= 2 or int(number) > 3) and number not in source:
            missing.append(number)
    return missing
