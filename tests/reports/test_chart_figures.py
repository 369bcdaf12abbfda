"""The numbers behind /statistik's pictures and captions, checked against shared/domain/ (not the pixels)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from bot.core.i18n import default_translator
from bot.devtools.telegram_standin import parse_html
from bot.reports.charts import render_png
from bot.reports.regional_figures import FiguresError, load_regional_figures, parse
from bot.reports.statistics_charts import claims_caption, claims_chart, coverage_caption, coverage_chart
from tests.support.domain import DOMAIN_COPY, DOMAIN_FILE_NAME, SHARED_DOMAIN, domain_dir

FIGURES = load_regional_figures()
TEXTS = default_translator()


def whole(text: str) -> int:
    return int(text.replace(",", ""))


@pytest.fixture(scope="module")
def domain() -> str:
    return (domain_dir() / DOMAIN_FILE_NAME).read_text(encoding="utf-8")


def test_the_copy_in_tests_is_the_shared_domain_file() -> None:
    if not SHARED_DOMAIN.exists():
        pytest.skip("shared/domain/ is not beside this checkout; the copy is what there is")
    for path in SHARED_DOMAIN.glob("*"):
        assert (DOMAIN_COPY / path.name).read_bytes() == path.read_bytes(), f"update tests/support/data/domain/{path.name}"


def test_region_figures_are_the_domain_files(domain: str) -> None:
    found = re.search(r"Employed population in Kalimantan ([\d,]+); participants ([\d,]+); unprotected ([\d,]+); "
                      r"coverage ratio ([\d.]+)%", domain)
    assert found, "the seed-article line moved; update this test and bot/data/kalimantan_figures.yaml together"
    region = FIGURES.region
    assert (region.employed, region.participants, region.unprotected) == tuple(whole(g) for g in found.groups()[:3])
    assert region.coverage_percent == Decimal(found.group(4))
    assert "2 Feb 2026" in domain and region.as_of == date(2026, 2, 2)


def test_province_figures_are_the_domain_files_early_2026_column(domain: str) -> None:
    table = {}
    for name, early in re.findall(r"^\| (Kal\w+) \| [^|]+ \| ([^|]+) \|", domain, re.MULTILINE):
        qualifier = "above" if early.startswith(">") else "about" if early.startswith("~") else "exact"
        table[name] = (int(re.search(r"\d+", early).group()), qualifier)
    assert len(table) == 5
    assert {p.name: (p.percent, p.qualifier) for p in FIGURES.provinces} == table


def test_claims_figures_are_the_domain_files(domain: str) -> None:
    line = re.search(r"Claims paid by Kanwil Kalimantan in 2025.*?\n(.*?)\n- ", domain, re.DOTALL).group(1)
    stated = {}
    for program, count, unit, amount in re.findall(r"(\w+) ([\d,]+) (workers|cases|children) Rp([\d.]+) bn", line):
        key = "beasiswa" if program == "scholarships" else program.lower()
        stated[key] = (whole(count), unit, int(Decimal(amount) * 1_000_000_000))
    assert len(stated) == 6
    assert {c.program: (c.recipients, c.unit, c.amount) for c in FIGURES.claims} == stated
    assert "about Rp1 trillion in total" in domain


def test_the_coverage_picture_draws_exactly_those_figures_in_indonesian() -> None:
    chart = coverage_chart(FIGURES, TEXTS, "id")
    split, provinces = chart.panels
    assert [s.value for s in split.segments] == [3_302_762, 4_694_064]
    assert split.segments[0].text == "Terlindungi\n3.302.762\n41,30%"
    assert split.segments[1].text == "Belum terlindungi\n4.694.064"
    assert "2 Februari 2026" in split.title and "7.996.826" in split.title
    assert [(b.label, b.value, b.text) for b in provinces.bars] == [
        ("Kaltim", 50, "> 50%"), ("Kaltara", 46, "± 46%"), ("Kalteng", 42, "± 42%"), ("Kalsel", 42, "± 42%"),
        ("Kalbar", 27, "27%")]
    assert provinces.reference == (41.30, "Kalimantan 41,30%") and provinces.axis_max == 100
    assert "idntimes" in chart.footer and "borneotrend" in chart.footer and "ASN" in chart.footer


def test_the_claims_picture_draws_exactly_those_figures_largest_first() -> None:
    chart = claims_chart(FIGURES, TEXTS, "id")
    (panel,) = chart.panels
    assert [(b.label, b.value) for b in panel.bars] == [
        ("JHT (hari tua)", 786_000_000_000), ("JKM (kematian)", 105_000_000_000), ("JKK (kecelakaan)", 70_000_000_000),
        ("JP (pensiun)", 20_800_000_000), ("JKP (kehilangan kerja)", 20_000_000_000),
        ("Beasiswa anak", 7_000_000_000)]
    assert [b.text for b in panel.bars][:4] == ["Rp786 miliar\n63.435 pekerja", "Rp105 miliar\n3.649 pekerja",
                                                "Rp70 miliar\n7.485 kasus", "Rp20,8 miliar\n9.377 pekerja"]
    assert panel.bars[-1].text == "Rp7 miliar\n1.500 anak"
    assert "sekitar Rp1 triliun" in panel.title and "2 Februari 2026" in chart.footer


def test_english_pictures_use_english_words_and_number_formatting() -> None:
    coverage = coverage_chart(FIGURES, TEXTS, "en")
    assert coverage.panels[0].segments[0].text == "Protected\n3,302,762\n41.30%"
    claims = claims_chart(FIGURES, TEXTS, "en")
    assert claims.panels[0].bars[3].text == "Rp20.8 billion\n9,377 workers"
    assert coverage.key != coverage_chart(FIGURES, TEXTS, "id").key


@pytest.mark.parametrize("lang", ["id", "en"])
def test_captions_fit_telegram_and_state_only_domain_figures(lang: str) -> None:
    domain_digits = re.sub(r"(?<=\d)[.,](?=\d)", "", (domain_dir() / DOMAIN_FILE_NAME).read_text(encoding="utf-8"))
    for caption in (coverage_caption(FIGURES, TEXTS, lang), claims_caption(FIGURES, TEXTS, lang)):
        text = parse_html(caption)  # raises like Telegram on broken markup
        assert len(text) <= 1024
        for figure in re.findall(r"\d[\d.,]*\d|\d", re.sub(r"(?<=\d)[.,](?=\d)", "", text)):
            assert figure in domain_digits, f"{figure} in a {lang} caption is not in the domain file"


def test_pictures_are_phone_sized_pngs() -> None:
    for chart in (coverage_chart(FIGURES, TEXTS, "id"), claims_chart(FIGURES, TEXTS, "id")):
        picture = render_png(chart)
        width, height = int.from_bytes(picture[16:20], "big"), int.from_bytes(picture[20:24], "big")
        assert width == 1080 and 600 < height < 2000 and len(picture) < 300_000


def test_a_figures_file_that_contradicts_itself_is_refused() -> None:
    import yaml

    from bot.reports.regional_figures import FIGURES_FILE

    raw = yaml.safe_load(FIGURES_FILE.read_text(encoding="utf-8"))
    raw["region"]["unprotected"] = 4_694_063
    with pytest.raises(FiguresError):
        parse(raw)
    raw = yaml.safe_load(FIGURES_FILE.read_text(encoding="utf-8"))
    raw["region"]["coverage_percent"] = "41.3"  # still 41.30: accepted
    parse(raw)
    raw["region"]["coverage_percent"] = "43.10"
    with pytest.raises(FiguresError):
        parse(raw)


def test_the_readme_shows_a_committed_example_of_each_chart() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    for name in ("statistik_coverage.png", "statistik_claims.png", "dashboard.png"):
        assert f"docs/{name}" in readme
        assert (root / "docs" / name).read_bytes()[:4] == b"\x89PNG"


def test_the_topics_followed_by_a_picture_exist_in_the_knowledge_base() -> None:
    from bot.questions.knowledge_base import default_knowledge
    from bot.reports.statistics_charts import CHART_AFTER_TOPIC

    assert CHART_AFTER_TOPIC and all(topic in default_knowledge() for topic in CHART_AFTER_TOPIC)
    assert set(CHART_AFTER_TOPIC.values()) == {"coverage", "claims"}
