"""Message catalog: texts live in bot/core/locales/<lang>.yaml, Indonesian first, English second.

`Translator.t(lang, key, **values)` looks a key up in the user's language, falls back to Indonesian,
and HTML-escapes every interpolated value (the bot sends with parse_mode=HTML), so text a user typed
can never inject formatting. Pass `Html(...)` for a value that is already safe markup.
"""

from __future__ import annotations

import html
import re
import string
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

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
        return template.format_map({name: escape(value) for name, value in values.items()})

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
