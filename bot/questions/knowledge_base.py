"""The knowledge base: one YAML file per topic under bot/questions/knowledge/ (schema in bot/questions/knowledge/README.md)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

KNOWLEDGE_DIR = Path(__file__).parent / "knowledge"
UNKNOWN = "unknown"
ACTIONS = ("quote", "enroll", "sponsor", "reminders", "human", "menu", "mydata")
SHORT_LABEL_MAX = 24


@dataclass(frozen=True)
class Topic:
    id: str
    title: dict[str, str]
    short: dict[str, str]
    phrasings: tuple[str, ...]
    keywords: tuple[str, ...]
    answer: dict[str, str]
    follow_ups: tuple[str, ...]
    source: str

    def text(self, field: str, lang: str) -> str:
        values: dict[str, str] = getattr(self, field)
        return values.get(lang) or values["id"]


class KnowledgeError(ValueError):
    pass


@dataclass(frozen=True)
class KnowledgeBase:
    topics: dict[str, Topic]

    def __getitem__(self, topic_id: str) -> Topic:
        return self.topics[topic_id]

    def __contains__(self, topic_id: object) -> bool:
        return topic_id in self.topics

    def ordered(self) -> list[Topic]:
        """Topics in browsing order (the order of TOPIC_ORDER, then any others by id)."""
        rank = {topic: i for i, topic in enumerate(TOPIC_ORDER)}
        return sorted(self.topics.values(), key=lambda t: (rank.get(t.id, len(rank)), t.id))


# The order in which /tanya lists topics: what people ask most, first.
TOPIC_ORDER = (
    "iuran", "diskon", "daftar", "syarat", "bayar", "jatuh_tempo", "jkk", "jkm", "jht", "jp", "jkp",
    "beasiswa", "klaim_jkk", "klaim_jkm", "klaim_jht", "rumah_sakit", "tunggakan", "sponsor", "bpu",
    "cek_status", "jmo", "kontak", "pengingat", "privasi", "ubah_data", "berhenti", "bpjs_kesehatan",
    "pemda", "statistik", "klaim_kalimantan", "manusia",
)


def _topic_from(path: Path, data: dict) -> Topic:
    def pair(name: str) -> dict[str, str]:
        value = data.get(name) or {}
        if not isinstance(value, dict) or not value.get("id") or not value.get("en"):
            raise KnowledgeError(f"{path.name}: '{name}' needs both 'id' and 'en'")
        return {"id": str(value["id"]).strip(), "en": str(value["en"]).strip()}

    topic_id = str(data.get("id", ""))
    if topic_id != path.stem:
        raise KnowledgeError(f"{path.name}: id '{topic_id}' must equal the file name")
    return Topic(
        id=topic_id,
        title=pair("title"),
        short=pair("short"),
        phrasings=tuple(str(p) for p in data.get("phrasings") or ()),
        keywords=tuple(str(k) for k in data.get("keywords") or ()),
        answer=pair("answer"),
        follow_ups=tuple(str(f) for f in data.get("follow_ups") or ()),
        source=str(data.get("source", "")),
    )


def load_knowledge(directory: Path = KNOWLEDGE_DIR) -> KnowledgeBase:
    topics: dict[str, Topic] = {}
    for path in sorted(directory.glob("*.yaml")):
        with open(path, encoding="utf-8") as handle:
            topic = _topic_from(path, yaml.safe_load(handle) or {})
        topics[topic.id] = topic
    knowledge = KnowledgeBase(topics)
    validate(knowledge)
    return knowledge


def validate(knowledge: KnowledgeBase) -> None:
    for topic in knowledge.topics.values():
        if not topic.phrasings:
            raise KnowledgeError(f"{topic.id}: no phrasings")
        if not topic.source:
            raise KnowledgeError(f"{topic.id}: no source")
        for lang in ("id", "en"):
            if len(topic.short[lang]) > SHORT_LABEL_MAX:
                raise KnowledgeError(f"{topic.id}: short.{lang} is longer than {SHORT_LABEL_MAX} characters")
        for item in topic.follow_ups:
            if item.startswith("action:"):
                if item.split(":", 1)[1] not in ACTIONS:
                    raise KnowledgeError(f"{topic.id}: unknown follow-up action {item}")
            elif item not in knowledge.topics:
                raise KnowledgeError(f"{topic.id}: follow-up topic {item} does not exist")


@lru_cache(maxsize=1)
def default_knowledge() -> KnowledgeBase:
    return load_knowledge()
