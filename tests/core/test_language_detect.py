"""Which language one message is in, measured on the realistic question set."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from bot.core.language_detect import detect_language

REALISTIC = Path(__file__).parents[1] / "questions" / "data" / "faq_realistic.yaml"
# The set is labelled by what is asked, not by language: these messages outside `kind: english` are English.
ENGLISH_ELSEWHERE = {
    "my income is around 3-4 million rupiah a month, roughly how much would i pay for bpjs",
    "good evening, can i pay the contribution by bank transfer",
    "how do i sign up as a grab driver in samarinda",
    "is it going to rain in pontianak tomorrow",
}
# Small talk that may be either language (or neither).
EITHER = {"good morning", "thank you so much"}


def realistic_messages() -> list[tuple[str, str]]:
    messages = yaml.safe_load(REALISTIC.read_text(encoding="utf-8"))["messages"]
    return [(m["q"], "en" if m["kind"] == "english" or m["q"] in ENGLISH_ELSEWHERE else "id")
            for m in messages if m["q"] not in EITHER]


def test_at_least_95_percent_of_realistic_messages_are_detected_right() -> None:
    messages = realistic_messages()
    right = sum(detect_language(text) == language for text, language in messages)
    assert right / len(messages) >= 0.95, right / len(messages)


def test_no_indonesian_or_banjar_message_is_taken_for_english() -> None:
    wrong = [text for text, language in realistic_messages() if language == "id" and detect_language(text) == "en"]
    assert wrong == []


def test_every_english_message_is_detected_as_english() -> None:
    missed = [text for text, language in realistic_messages() if language == "en" and detect_language(text) != "en"]
    assert missed == []


@pytest.mark.parametrize("text", ["", "   ", "ok", "OK", "JHT?", "2000000", "😀😀", "👍", "???", "jkk", "bpjs", "hi",
                                  "thanks", "081234567890", "Rp 16.800"])
def test_unsure_when_the_message_does_not_say(text: str) -> None:
    assert detect_language(text) is None


@pytest.mark.parametrize(("text", "language"), [
    ("berapa iurannya sebulan", "id"),
    ("ulun handak batakun, barapa iuran gasan pekerja nang bagawi di pasar", "id"),
    ("amun pian kada bagawi wayah ini", "id"),
    ("makasih kak", "id"),
    ("how much is the monthly contribution", "en"),
    ("how to cek my bpjs tk status", "en"),
    ("Can I pay for my mother?", "en"),
    ("income sy sekitar 2 jtan, brp iurannya", "id"),  # an English word in Indonesian chat
    ("sorry my english not good, i want daftar bpjs", "en"),
])
def test_short_messages(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_it_is_fast() -> None:
    text = ("sy penjaga malam di komplek perumahan, klo sy kena kyk gitu ditanggung gk? how much per month " * 12)[:1000]
    rounds = 2000
    started = time.perf_counter()
    for _ in range(rounds):
        detect_language(text)
    assert (time.perf_counter() - started) / rounds < 0.0002
    assert detect_language("x" * 1_000_000) is None  # long input is cut, not read whole
