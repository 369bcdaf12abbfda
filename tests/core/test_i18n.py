from __future__ import annotations

import pytest

from bot.core.i18n import LANGUAGES, Html, Translator, default_translator


def test_every_language_has_every_message_with_the_same_placeholders() -> None:
    texts = default_translator()
    keys = {lang: set(texts.catalogs[lang]) for lang in LANGUAGES}
    assert keys["id"] == keys["en"], keys["id"] ^ keys["en"]
    for key in keys["id"]:
        assert texts.placeholders("id", key) == texts.placeholders("en", key), key


def test_values_are_escaped_for_telegram_html_but_markup_can_be_passed_deliberately() -> None:
    texts = Translator({"id": {"hi": "Halo {name}"}, "en": {}})
    assert texts.t("id", "hi", name="<b>x</b> & y") == "Halo &lt;b&gt;x&lt;/b&gt; &amp; y"
    assert texts.t("id", "hi", name=Html("<b>x</b>")) == "Halo <b>x</b>"


def test_a_missing_english_text_falls_back_to_indonesian_and_unknown_keys_fail_loudly() -> None:
    texts = Translator({"id": {"hi": "Halo"}, "en": {}})
    assert texts.t("en", "hi") == "Halo"
    assert texts.t("xx", "hi") == "Halo"
    with pytest.raises(KeyError):
        texts.t("id", "nope")
