"""/statistik: Kalimantan coverage and 2025 claims as charts, with captions that give dates and sources.

Every number comes from `bot.regional_figures` (the domain file's figures); the texts from the message catalog.
"""

from __future__ import annotations

from bot.core.formatting import long_date, number, percent, rupiah_words
from bot.core.i18n import Translator, plain
from bot.reports.charts import BLUE, INK, ORANGE, Bar, Chart, Panel, Segment
from bot.reports.regional_figures import RegionalFigures

# The knowledge-base topics whose text answer is followed by a picture, and which one.
CHART_AFTER_TOPIC = {"statistik": "coverage", "klaim_kalimantan": "claims"}


def _label(texts: Translator, lang: str, key: str, **values: object) -> str:
    """A catalog text as drawn on a picture: no HTML."""
    return plain(texts.t(lang, key, **values))


def province_percent(texts: Translator, lang: str, value: int, qualifier: str) -> str:
    return _label(texts, lang, f"charts.province_{qualifier}", percent=percent(value, lang))


def coverage_chart(figures: RegionalFigures, texts: Translator, lang: str) -> Chart:
    region = figures.region
    split = Panel(
        title=_label(texts, lang, "charts.region_panel", date=long_date(region.as_of, lang),
                     employed=number(region.employed, lang)),
        kind="split", height=1.5,
        segments=(
            Segment(region.participants, _label(texts, lang, "charts.protected", count=number(region.participants, lang),
                                                percent=percent(region.coverage_percent, lang, decimals=2)), BLUE),
            Segment(region.unprotected, _label(texts, lang, "charts.unprotected",
                                               count=number(region.unprotected, lang)), ORANGE, text_colour=INK),
        ))
    provinces = sorted(figures.provinces, key=lambda p: -p.percent)
    by_province = Panel(
        title=_label(texts, lang, "charts.provinces_panel"), kind="bars", axis_max=100, height=3.0,
        bars=tuple(Bar(p.name, p.percent, province_percent(texts, lang, p.percent, p.qualifier),
                       BLUE) for p in provinces),
        reference=(float(region.coverage_percent),
                   _label(texts, lang, "charts.region_line",
                          percent=percent(region.coverage_percent, lang, decimals=2))))
    sources = "; ".join(dict.fromkeys(region.sources + figures.province_sources))
    return Chart(title=_label(texts, lang, "charts.coverage_title"), panels=(split, by_province),
                 footer=_label(texts, lang, "charts.coverage_footer", sources=sources), lang=lang)


def claims_chart(figures: RegionalFigures, texts: Translator, lang: str) -> Chart:
    claims = sorted(figures.claims, key=lambda c: -c.amount)
    bars = tuple(
        Bar(_label(texts, lang, f"charts.program_{c.program}"), c.amount,
            _label(texts, lang, "charts.claim_bar", amount=rupiah_words(c.amount, lang),
                   recipients=_label(texts, lang, f"charts.unit_{c.unit}", count=number(c.recipients, lang))))
        for c in claims)
    panel = Panel(title=_label(texts, lang, "charts.claims_panel", total=_about_total(figures, lang)), kind="bars",
                  bars=bars, height=3.4)
    return Chart(title=_label(texts, lang, "charts.claims_title"), panels=(panel,),
                 footer=_label(texts, lang, "charts.claims_footer", date=long_date(figures.claims_as_of, lang),
                               sources="; ".join(figures.claims_sources)), lang=lang)


def _about_total(figures: RegionalFigures, lang: str) -> str:
    """The sources say "about Rp1 trillion"; the programs add up to Rp1,0088 trillion, which reads "Rp1 triliun"."""
    return rupiah_words(figures.claims_total, lang)


def coverage_caption(figures: RegionalFigures, texts: Translator, lang: str) -> str:
    region = figures.region
    return texts.t(lang, "charts.coverage_caption", date=long_date(region.as_of, lang),
                   percent=percent(region.coverage_percent, lang, decimals=2),
                   participants=number(region.participants, lang), employed=number(region.employed, lang),
                   unprotected=number(region.unprotected, lang),
                   sources="; ".join(dict.fromkeys(region.sources + figures.province_sources)))


def claims_caption(figures: RegionalFigures, texts: Translator, lang: str) -> str:
    largest = max(figures.claims, key=lambda c: c.amount)
    return texts.t(lang, "charts.claims_caption", total=_about_total(figures, lang),
                   largest=plain(texts.t(lang, f"charts.program_{largest.program}")),
                   largest_amount=rupiah_words(largest.amount, lang),
                   date=long_date(figures.claims_as_of, lang), sources="; ".join(figures.claims_sources))
