"""Message catalog: texts live in bot/core/locales/<lang>.yaml, Indonesian first, English second.

`Translator.t(lang, key, **values)` looks a key up in the user's language, falls back to Indonesian,
and HTML-escapes every interpolated value (the bot sends with parse_mode=HTML), so text a user typed
can never inject formatting. Pass `Html(...)` for a value that is already safe markup.

Counts take plural forms in the template: `{months:# month|# months}` gives "1 month", "3 months". The forms
follow the language's plural categories in CLDR order (Babel: English has "one" and "other"; Indonesian only
"other", so Indonesian texts need no forms); "#" stands for the value; a missing form falls back to the last.
"""

from __future__ import annotations

import html
import re
import string
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from babel import Locale

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES = ("id", "en")
FALLBACK = "id"


class Html(str):
    """A string that is already valid Telegram HTML and must not be escaped again."""


def escape(value: object) -> str:
    if isinstance(value, Html):
        return str(value)
    return html.escape(str(value), quote=False)


def plain(text: str) -> str:
    """Telegram HTML as a reader sees it: tags dropped, entities decoded (for terminals and logs-free output)."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


_PLURAL_ORDER = ("zero", "one", "two", "few", "many", "other")


@lru_cache(maxsize=8)
def _plural_rule(lang: str) -> tuple[Any, tuple[str, ...]]:
    rule = Locale.parse(lang).plural_form
    return rule, tuple(tag for tag in _PLURAL_ORDER if tag in rule.tags or tag == "other")


def plural_form(lang: str, count: object, forms: str) -> str:
    """The form of `forms` ("# month|# months") that fits `count` in `lang`, "#" replaced by the count."""
    rule, tags = _plural_rule(lang if lang in LANGUAGES else FALLBACK)
    choices = forms.split("|")
    if isinstance(count, int):
        number: int | None = count
    else:  # a count already formatted for the reader: "1", "7,996,826", "7.996.826"
        shown = str(count).strip()
        number = int(re.sub(r"\D", "", shown)) if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})*|\d+", shown) else None
    tag = rule(number) if number is not None else "other"
    chosen = choices[tags.index(tag)] if tags.index(tag) < len(choices) else choices[-1]
    return chosen.replace("#", escape(count))


class _CatalogFormatter(string.Formatter):
    """str.format with every value escaped, and `{count:one|other}` plural forms."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: object, format_spec: str) -> str:
        if "|" in format_spec:
            return plural_form(self.lang, value, format_spec)
        return format(escape(value), format_spec)


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, full + "."))
        else:
            flat[full] = value
    return flat


class Translator:
    def __init__(self, catalogs: dict[str, dict[str, Any]]) -> None:
        self.catalogs = catalogs

    @classmethod
    def from_directory(cls, directory: Path = LOCALES_DIR) -> "Translator":
        catalogs = {}
        for lang in LANGUAGES:
            with open(directory / f"{lang}.yaml", encoding="utf-8") as handle:
                catalogs[lang] = _flatten(yaml.safe_load(handle) or {})
        return cls(catalogs)

    def raw(self, lang: str, key: str) -> Any:
        catalog = self.catalogs.get(lang) or self.catalogs[FALLBACK]
        if key in catalog:
            return catalog[key]
        if key in self.catalogs[FALLBACK]:
            return self.catalogs[FALLBACK][key]
        raise KeyError(f"missing message key {key!r}")

    def t(self, lang: str, key: str, /, **values: object) -> str:
        template = self.raw(lang, key)
        if not isinstance(template, str):
            raise TypeError(f"message key {key!r} is not a string")
        if not values:
            return template
        # The plural rules are those of the catalog the text came from (a missing English text falls back).
        source = lang if key in self.catalogs.get(lang, {}) else FALLBACK
        return _CatalogFormatter(source).vformat(template, (), values)

    def placeholders(self, lang: str, key: str) -> set[str]:
        template = self.raw(lang, key)
        if not isinstance(template, str):
            return set()
        return {field for _, field, _, _ in string.Formatter().parse(template) if field}


@lru_cache(maxsize=1)
def default_translator() -> Translator:
    return Translator.from_directory()


def normalise_language(code: str | None, default: str = FALLBACK) -> str:
    if code and code.lower()[:2] in LANGUAGES:
        return code.lower()[:2]
    return default
