"""Where the tests read shared/domain/ (every figure the bot may state).

The project's checkout sits beside shared/ on the team's machines; a clone elsewhere (CI) uses the copy in
tests/support/data/domain/. test_chart_figures checks that the copy is identical whenever shared/ is present, so
the two cannot drift apart unnoticed.
"""

from __future__ import annotations

from pathlib import Path

SHARED_DOMAIN = Path(__file__).resolve().parents[3] / "shared" / "domain"
DOMAIN_COPY = Path(__file__).resolve().parent / "data" / "domain"
DOMAIN_FILE_NAME = "bpjs-ketenagakerjaan.md"


def domain_dir() -> Path:
    return SHARED_DOMAIN if SHARED_DOMAIN.exists() else DOMAIN_COPY


def domain_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(domain_dir().glob("*")))
