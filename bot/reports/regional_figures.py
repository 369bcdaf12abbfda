"""Kalimantan coverage and claims figures, read from bot/data/kalimantan_figures.yaml (copied from the domain file).

The charts and their captions take every number from here, so a figure is corrected in one place and the tests
compare that one place with shared/domain/.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml

FIGURES_FILE = Path(__file__).with_name("data") / "kalimantan_figures.yaml"
QUALIFIERS = ("above", "about", "exact")
CLAIM_UNITS = ("workers", "cases", "children")


@dataclass(frozen=True)
class RegionCoverage:
    as_of: date
    employed: int
    participants: int
    unprotected: int
    coverage_percent: Decimal
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ProvinceCoverage:
    name: str
    percent: int
    qualifier: str  # above ("> 50%"), about ("± 46%") or exact


@dataclass(frozen=True)
class ProgramClaims:
    program: str  # jht, jkm, jkk, jp, jkp, beasiswa
    recipients: int
    unit: str  # workers, cases or children
    amount: int  # whole rupiah


@dataclass(frozen=True)
class RegionalFigures:
    region: RegionCoverage
    provinces: tuple[ProvinceCoverage, ...]
    provinces_as_of: str
    province_sources: tuple[str, ...]
    claims: tuple[ProgramClaims, ...]
    claims_as_of: date
    claims_sources: tuple[str, ...]

    @property
    def claims_total(self) -> int:
        return sum(c.amount for c in self.claims)


class FiguresError(ValueError):
    """The figures file contradicts itself; the bot refuses to start rather than chart a wrong number."""


def parse(raw: dict) -> RegionalFigures:
    region_raw = raw["region"]
    region = RegionCoverage(
        as_of=region_raw["as_of"], employed=int(region_raw["employed"]),
        participants=int(region_raw["participants"]), unprotected=int(region_raw["unprotected"]),
        coverage_percent=Decimal(str(region_raw["coverage_percent"])), sources=tuple(region_raw["sources"]))
    provinces = tuple(ProvinceCoverage(str(p["name"]), int(p["percent"]), str(p["qualifier"]))
                      for p in raw["provinces"]["items"])
    claims = tuple(ProgramClaims(str(c["program"]), int(c["recipients"]), str(c["unit"]), int(c["amount"]))
                   for c in raw["claims_2025"]["programs"])
    figures = RegionalFigures(region, provinces, str(raw["provinces"]["as_of"]), tuple(raw["provinces"]["sources"]),
                              claims, raw["claims_2025"]["as_of"], tuple(raw["claims_2025"]["sources"]))
    check(figures)
    return figures


def check(figures: RegionalFigures) -> None:
    region = figures.region
    if region.participants + region.unprotected != region.employed:
        raise FiguresError("participants + unprotected must equal employed")
    ratio = (Decimal(region.participants) * 100 / region.employed).quantize(Decimal("0.01"))
    if ratio != region.coverage_percent:
        raise FiguresError(f"coverage {region.coverage_percent}% does not match {ratio}%")
    for province in figures.provinces:
        if province.qualifier not in QUALIFIERS or not 0 < province.percent <= 100:
            raise FiguresError(f"bad province entry {province}")
    for claim in figures.claims:
        if claim.unit not in CLAIM_UNITS or claim.amount <= 0 or claim.recipients <= 0:
            raise FiguresError(f"bad claims entry {claim}")


@cache
def load_regional_figures(path: Path = FIGURES_FILE) -> RegionalFigures:
    with open(path, encoding="utf-8") as handle:
        return parse(yaml.safe_load(handle))
