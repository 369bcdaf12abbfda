"""Every knowledge-base topic is complete, renders in Telegram, and states only figures from shared/domain/."""

from __future__ import annotations

import re

import pytest

from bot.devtools.telegram_standin import parse_html
from bot.questions.knowledge_base import ACTIONS, TOPIC_ORDER, load_knowledge
from tests.support.domain import domain_text

REQUIRED_TOPICS = set(
    "jkk jkm jht jp jkp beasiswa iuran diskon daftar syarat bayar jatuh_tempo tunggakan klaim_jkk klaim_jkm "
    "klaim_jht rumah_sakit sponsor bpu cek_status jmo kontak statistik klaim_kalimantan pemda bpjs_kesehatan "
    "ubah_data berhenti privasi pengingat manusia".split()
)
KNOWLEDGE = load_knowledge()
TOPICS = sorted(KNOWLEDGE.topics)


def test_every_topic_the_issue_names_exists_and_is_listed() -> None:
    assert REQUIRED_TOPICS <= set(KNOWLEDGE.topics)
    assert set(TOPIC_ORDER) == set(KNOWLEDGE.topics)


@pytest.mark.parametrize("topic_id", TOPICS)
def test_topic_is_complete_and_renders_in_telegram(topic_id: str) -> None:
    topic = KNOWLEDGE[topic_id]
    assert len(topic.phrasings) >= 10
    assert topic.keywords and topic.source
    assert 2 <= len(topic.follow_ups) <= 4
    for item in topic.follow_ups:
        assert item in KNOWLEDGE.topics or item.split(":", 1)[1] in ACTIONS
    for lang in ("id", "en"):
        text = parse_html(topic.answer[lang])  # raises like Telegram on broken markup
        assert 0 < len(text) <= 1000
        assert text.count("\n") <= 9, f"{topic_id}.{lang} is longer than about 8 lines"


def _digits(text: str) -> str:
    return re.sub(r"(?<=\d)[.,](?=\d)", "", text)


def _domain_text() -> str:
    return _digits(domain_text())


@pytest.mark.parametrize("topic_id", TOPICS)
def test_every_figure_in_an_answer_comes_from_the_domain_sources(topic_id: str) -> None:
    source = _domain_text()
    for lang in ("id", "en"):
        # Times of day (the bot's own reminder hours, e.g. 09.00) are behaviour, not facts from the sources.
        text = re.sub(r"\b\d{1,2}[.:]\d{2}\b", " ", parse_html(KNOWLEDGE[topic_id].answer[lang]))
        for number in re.findall(r"\d[\d.,]*\d|\d", _digits(text)):
            number = number.rstrip(".,")
            # Small counts (1-3 months, 2 children) are too common to check; anything larger must be sourced.
            if len(number) >= 2 or int(number) > 3:
                assert number in source, f"{topic_id}.{lang}: {number} is not in shared/domain/"


def test_the_current_discount_is_stated_as_the_regulation_sets_it() -> None:
    answer = KNOWLEDGE["diskon"].answer["id"]
    assert "8.400" in answer and "10.800" not in answer
    assert "16.800" in KNOWLEDGE["iuran"].answer["id"]


def test_payment_points_the_sources_do_not_confirm_are_not_named() -> None:
    for lang in ("id", "en"):
        answer = KNOWLEDGE["bayar"].answer[lang].lower()
        assert "indomaret" not in answer or "tidak" in answer or "not" in answer


def test_no_message_of_the_evaluation_or_development_sets_is_copied_into_the_phrasings() -> None:
    # A phrasing that is also a test question makes the figures measure memory, not understanding.
    from pathlib import Path

    import yaml

    def key(text: str) -> str:
        return " ".join(re.findall(r"[a-z0-9]+", text.lower()))

    root = Path(__file__).resolve().parents[2]
    held_out = set()
    for path in [root / "benchmarks" / "data" / "faq_eval.yaml", *(Path(__file__).parent / "data").glob("*.yaml")]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        held_out |= {key(str(item["q"])) for item in data.get("questions") or data.get("messages") or ()}
    copied = [p for topic in KNOWLEDGE.topics.values() for p in topic.phrasings if key(p) in held_out]
    assert not copied, copied
