"""English texts that show a count say "1 month" and "2 months"; Indonesian has no plural inflection."""

from __future__ import annotations

import re

import pytest

from bot.core.i18n import Translator, default_translator, plain

# Words that end in "s" after a number without being plurals ("1 is", "1 s" for seconds).
NOT_PLURALS = {"is", "has", "was", "as", "its", "this", "plus", "minus", "s"}
NOUNS = ("month", "day", "worker", "recipient", "period", "user", "application", "pledge", "message", "case",
         "child", "character", "week", "year", "person", "question", "row", "time")


def english_messages_with_values() -> list[tuple[str, set[str]]]:
    texts = default_translator()
    return [(key, texts.placeholders("en", key)) for key, template in texts.catalogs["en"].items()
            if isinstance(template, str) and texts.placeholders("en", key)]


@pytest.mark.parametrize(("key", "names"), english_messages_with_values())
def test_every_english_message_agrees_with_its_count(key: str, names: set[str]) -> None:
    texts = default_translator()
    one = plain(texts.t("en", key, **{name: 1 for name in names}))
    two = plain(texts.t("en", key, **{name: 2 for name in names}))
    singular_errors = [word for word in re.findall(r"(?<![\d.,])1 (?:more )?([a-z]+s)\b", one)
                       if word not in NOT_PLURALS]
    assert singular_errors == [], one
    assert "(s)" not in one and "(s)" not in two
    plural_errors = re.findall(rf"(?<![\d.,])2 (?:more )?({'|'.join(NOUNS)})\b", two)
    assert plural_errors == [], two


@pytest.mark.parametrize(("key", "values", "one", "two"), [
    ("quote.months_option", {}, "1 month", "2 months"),
    ("sponsor.months_option", {}, "1 month", "2 months"),
    ("pledges.term_months", {}, "1 month", "2 months"),
    ("pledges.extend_option", {}, "+1 month", "+2 months"),
])
def test_month_buttons(key: str, values: dict, one: str, two: str) -> None:
    texts = default_translator()
    assert texts.t("en", key, months=1, **values) == one
    assert texts.t("en", key, months=2, **values) == two
    assert "1 bulan" in texts.t("id", key, months=1, **values)


def test_plural_forms_follow_the_language_and_escape_values() -> None:
    texts = Translator({"id": {"n": "{n} pekerja", "only_id": "{n} hari"},
                        "en": {"n": "{n:# worker|# workers} <b>{n}</b> {n:is|are} {who}"}})
    assert texts.t("en", "n", n=1, who="<x>") == "1 worker <b>1</b> is &lt;x&gt;"
    assert texts.t("en", "n", n=0, who="") == "0 workers <b>0</b> are "
    assert texts.t("en", "n", n="7,996,826", who="") == "7,996,826 workers <b>7,996,826</b> are "
    assert texts.t("en", "n", n="1.5", who="") == "1.5 workers <b>1.5</b> are "
    assert texts.t("en", "n", n="<1>", who="") == "&lt;1&gt; workers <b>&lt;1&gt;</b> are "
    assert texts.t("id", "n", n=1) == "1 pekerja"
    assert texts.t("en", "only_id", n=1) == "1 hari"  # falls back to Indonesian, with its rules
