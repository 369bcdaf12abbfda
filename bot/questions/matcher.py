"""Which topic is a question about? Normalise, correct typos, stem, rank with BM25, score the confidence.

The ranking is BM25 over every example phrasing (a topic scores its best phrasing, plus a little for its
keyword list). The confidence combines how strongly the best phrasing matched with how much of the question's
informative content that topic explains; it is mapped to [0, 1] by a logistic curve fitted on the development
set (tests/questions/data/faq_dev.yaml), so a score of 0.8 means "right about four times in five" there. Below
`threshold` the answer is `unknown`.
"""

from __future__ import annotations

import math
import operator
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml
from rank_bm25 import BM25Okapi
from rapidfuzz import fuzz, process
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

from bot.questions.knowledge_base import UNKNOWN, KnowledgeBase
from bot.questions.normalise import STOPWORDS, content_tokens, normalise
from bot.questions.topic_model import TopicModel

_stemmer = StemmerFactory().create_stemmer()


class IndexedBM25(BM25Okapi):
    """rank_bm25's Okapi BM25 (same fitting, same formula, same scores) with an inverted index for scoring.

    The library scores a query by building, for every query word, a frequency list over every document in Python;
    on a bot answering many people that was the largest single cost of a question. Here each word keeps the
    documents that contain it, so a word costs work only where it occurs.
    """

    def __init__(self, corpus: list[list[str]]) -> None:
        super().__init__(corpus)
        doc_len = np.array(self.doc_len, dtype=float)
        self._length_norm = self.k1 * (1 - self.b + self.b * doc_len / self.avgdl)
        postings: dict[str, tuple[list[int], list[int]]] = {}
        for index, frequencies in enumerate(self.doc_freqs):
            for word, count in frequencies.items():
                docs, counts = postings.setdefault(word, ([], []))
                docs.append(index)
                counts.append(count)
        # Each word's whole contribution to each document's score is fixed: worked out once, here.
        self._postings = {}
        for word, (docs, counts) in postings.items():
            at, frequency = np.array(docs), np.array(counts, dtype=float)
            self._postings[word] = (at, (self.idf.get(word) or 0) * (
                frequency * (self.k1 + 1) / (frequency + self._length_norm[at])))

    def get_scores(self, query: list[str]) -> np.ndarray:
        found = [posting for posting in map(self._postings.get, query) if posting is not None]
        if not found:  # a word in no document adds zero, as in the library
            return np.zeros(self.corpus_size)
        # Every word's postings at once: one weighted count per document.
        return np.bincount(np.concatenate([docs for docs, _ in found]),
                           weights=np.concatenate([contribution for _, contribution in found]),
                           minlength=self.corpus_size).astype(float)


# Names the stemmer would mangle ("sertakan" -> "serta", "lapak" -> "lapa"): kept as they are.
PROTECTED = frozenset("sertakan lingkaran perisai lapak asik jmo jkk jkm jht jkp jp bpu kpj plkk dukcapil "
                      "pandawa chika baznas apbd apbn jakon rumahsakit jatuhtempo danadesa".split())


@lru_cache(maxsize=50_000)
def stem(token: str) -> str:
    # Sastrawi is slow on a cold word (~0.3 ms) and questions repeat words: cache every stem.
    if token in PROTECTED:
        return token
    return _stemmer.stem(token) or token


def banjar_variants(word: str) -> list[str]:
    """Indonesian forms a Banjar word may stand for: mam-/man-/ma- → mem-/men-/me-, ba- → ber-,
    -akan → -kan, a → e in the first syllable (sadakah → sedekah). Tried only for unknown words."""
    variants: list[str] = []
    base = word[:-4] + "kan" if word.endswith("akan") else word
    for banjar, indonesian in (("mam", "mem"), ("man", "men"), ("many", "meny"), ("ma", "me"),
                               ("ba", "ber"), ("ta", "ter"), ("di", "di")):
        if base.startswith(banjar) and len(base) > len(banjar) + 2:
            variants.append(indonesian + base[len(banjar):])
            variants.append(base[len(banjar):])
    variants.append(base)
    if len(base) > 4 and base[1] == "a":
        variants.append(base[0] + "e" + base[2:])
    return [v for v in variants if v != word]


@dataclass(frozen=True)
class Ranked:
    topic: str
    raw: float  # BM25 of the best phrasing, plus keyword and whole-topic bonuses
    coverage: float  # share of the question's informative words (idf-weighted) this topic uses
    foreign: float = 0.0  # share of the question made of words that point elsewhere (bot/questions/out_of_scope.yaml)
    specific: float = 0.0  # the most telling shared word's idf, relative to the rarest possible
    model: float = 0.0  # the linear topic model's score (about +1: clearly this topic)
    offtopic_gap: float = 0.0  # model score ahead of the "unknown" class (top candidate only)
    other_program: bool = False  # names another programme (Prakerja, BLT...) this topic does not mention
    margin: float = 0.0  # model score ahead of the runner-up (top candidate only)


@dataclass(frozen=True)
class Match:
    topic: str  # a topic id or "unknown"
    score: float  # calibrated confidence in [0, 1]
    candidates: tuple[tuple[str, float], ...]  # best topics first, with their confidence


# Logistic calibration of the features (fitted on the development set: benchmarks/faq_eval.py --fit).
FEATURES = ("strength", "coverage", "foreign", "has_foreign", "margin", "specific", "model", "offtopic_gap")
CALIBRATION = {"bias": -3.14, "strength": 1.38, "coverage": 2.4, "foreign": -0.48, "has_foreign": -1.26, "margin": 2.35, "specific": -1.29, "model": -0.79, "offtopic_gap": 2.86}
DEFAULT_THRESHOLD = 0.45  # chosen on the development sets: the most answered right while still rejecting >= 95% off-topic
OTHER_PROGRAM_PENALTY = 6.0  # in log-odds: turns 0.99 into about 0.2
# How much of a topic's score comes from its keyword list (vs its best phrasing).
KEYWORD_WEIGHT = 0.6
# How much BM25's strength adds to the topic model's score when ranking topics.
BM25_BLEND = 0.2
# How much the whole topic (all phrasings as one text) adds: helps long questions that echo several phrasings.
TOPIC_WEIGHT = 0.8
OUT_OF_SCOPE_FILE = Path(__file__).parent / "out_of_scope.yaml"
# Question words are stopwords to BM25 (every topic uses them) but tell the topic model what is asked: "cara klaim
# santunan" asks how to claim, "santunan brp" how much it is. The model reads each as a cue, where it stands.
QUESTION_CUES = {word: f"?{cue}" for cue, words in {
    "how": "bagaimana cara caranya gimana how", "what": "apa what", "can": "bisa boleh can could apakah",
    "exists": "ada adakah", "done": "sudah belum", "want": "mau"}.items() for word in words.split()}


class FaqMatcher:
    def __init__(self, knowledge: KnowledgeBase, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.knowledge = knowledge
        self.threshold = threshold
        out_of_scope = yaml.safe_load(OUT_OF_SCOPE_FILE.read_text(encoding="utf-8"))
        # Programme names are kept whole: "prakerja" must not become "kerja" (stemmer) or "pekerja" (typos).
        # A name that normalises into a word of ours ("pppk" -> "pk" -> "pakai") would veto our own questions.
        own_words = {t for topic in knowledge.topics.values() for text in topic.phrasings for t in normalise(text)}
        self.other_programs = frozenset(t for w in out_of_scope.get("programs") or () for t in normalise(str(w))
                                        if t not in own_words)
        self.doc_topics: list[str] = []
        documents: list[list[str]] = []
        topic_terms: dict[str, Counter[str]] = {}
        keyword_docs: dict[str, set[str]] = {}
        vocabulary: set[str] = set()
        training: list[list[str]] = []
        training_labels: list[str] = []
        for topic in knowledge.topics.values():
            terms: Counter[str] = Counter()
            for text in (*topic.phrasings, topic.title["id"], topic.title["en"]):
                tokens = normalise(text)
                vocabulary.update(tokens)
                stems = [self._stem(t) for t in content_tokens(tokens)]
                if stems:
                    documents.append(stems)
                    self.doc_topics.append(topic.id)
                    terms.update(stems)
                    training.append(self._model_tokens(tokens))
                    training_labels.append(topic.id)
            keywords: set[str] = set()
            for keyword in topic.keywords:
                tokens = normalise(keyword)
                vocabulary.update(tokens)
                keywords.update(self._stem(t) for t in content_tokens(tokens))
            keyword_docs[topic.id] = keywords
            training.append(sorted(keywords))
            training_labels.append(topic.id)
            terms.update(keywords)
            topic_terms[topic.id] = terms
        self.vocabulary = sorted(vocabulary)
        self._vocabulary_set = frozenset(vocabulary)
        self._stem_vocabulary = frozenset(t for terms in topic_terms.values() for t in terms)
        self._correct = lru_cache(maxsize=20_000)(self._correct_uncached)
        self.out_of_scope = frozenset(self._stem(t) for w in out_of_scope["words"] for t in normalise(str(w)))
        self.out_of_scope |= self.other_programs
        # Off-topic examples train an "unknown" class, so the model learns what is not ours as well.
        for example in out_of_scope.get("examples") or ():
            stems, model_tokens = self._read(str(example))
            if stems:
                training.append(model_tokens)
                training_labels.append(UNKNOWN)
        self.model = TopicModel(training, training_labels)
        self.bm25 = IndexedBM25(documents)
        self.topic_ids = list(topic_terms)
        self.topic_bm25 = IndexedBM25([list(topic_terms[t].elements()) for t in self.topic_ids])
        self.topic_terms = topic_terms
        position = {topic: index for index, topic in enumerate(self.topic_ids)}
        self._doc_topic_index = np.array([position[topic] for topic in self.doc_topics])
        # A topic's phrasings are consecutive documents, in the order of topic_ids: where each topic's run starts.
        self._topic_starts = np.searchsorted(self._doc_topic_index, np.arange(len(self.topic_ids)))
        assert (np.diff(self._doc_topic_index) >= 0).all() and len(np.unique(self._doc_topic_index)) == len(position)

        self.keyword_docs = keyword_docs
        # Inverse document frequency over topics: a word used by one topic says more than one used by all.
        topic_count = len(topic_terms)
        document_frequency: Counter[str] = Counter()
        for terms in topic_terms.values():
            document_frequency.update(set(terms))
        self.idf = {t: math.log(1 + topic_count / df) for t, df in document_frequency.items()}
        self.unknown_idf = math.log(1 + topic_count)  # the rarest a shared word can be
        # A word no topic uses weighs half that: people add context ("di pasar martapura") to real questions.
        self.context_idf = self.unknown_idf / 2
        # Per stem, which topics use it and which list it as a keyword (rows of 0/1 over topics), and its idf: a
        # question's per-topic sums are a few matrix products instead of a Python loop over topics or stems.
        self._stem_row = {stem_: row for row, stem_ in enumerate(sorted(document_frequency))}
        self._uses = np.array([[stem_ in topic_terms[t] for t in self.topic_ids] for stem_ in self._stem_row],
                              dtype=float)
        self._lists = np.array([[stem_ in keyword_docs[t] for t in self.topic_ids] for stem_ in self._stem_row],
                               dtype=float)
        self._stem_idf = np.array([self.idf[stem_] for stem_ in self._stem_row])
        self._uses_lists = np.hstack([self._uses, self._lists])  # both read for every question: one gather
        # The topic model's score columns, in the order of topic_ids, and its "unknown" column.
        self._model_column = np.array([self.model.topics.index(t) for t in self.topic_ids])
        self._model_unknown = self.model.topics.index(UNKNOWN) if UNKNOWN in self.model.topics else None

    # ------------------------------------------------------------------ query side
    def _correct_uncached(self, token: str) -> str:
        """Map an unfamiliar word to one the knowledge base uses: Banjar affixes first, then close spelling."""
        if token in self._vocabulary_set or len(token) < 4 or token.isdigit() or token in self.other_programs:
            return token
        if stem(token) in self._stem_vocabulary:
            return token
        for candidate in banjar_variants(token):
            if candidate in self._vocabulary_set or stem(candidate) in self._stem_vocabulary:
                return candidate
            # the Indonesian form may itself be a word the normaliser maps ("mancairkan" -> "mencairkan" -> "klaim")
            mapped = normalise(candidate)
            if len(mapped) == 1 and mapped[0] != candidate and (
                    mapped[0] in self._vocabulary_set or stem(mapped[0]) in self._stem_vocabulary):
                return mapped[0]
        best = process.extractOne(token, self.vocabulary, scorer=fuzz.ratio, score_cutoff=80)
        return best[0] if best else token

    def _stem(self, token: str) -> str:
        return token if token in self.other_programs else stem(token)

    def _model_tokens(self, tokens: list[str]) -> list[str]:
        """What the topic model reads: the content words' stems with the question cues in their places."""
        read: list[str] = []
        for token in tokens:
            cue = QUESTION_CUES.get(token)
            if cue is not None:
                if not read or read[-1] != cue:  # "gmn caranya" is one "how"
                    read.append(cue)
            elif token not in STOPWORDS and not token.isdigit():
                read.append(self._stem(token))
        return read

    def _read(self, text: str) -> tuple[list[str], list[str]]:
        """The question's content stems (for BM25 and coverage) and the topic model's tokens."""
        tokens = [self._correct(t) for t in normalise(text)]
        return [self._stem(t) for t in content_tokens(tokens)], self._model_tokens(tokens)

    def query_stems(self, text: str) -> list[str]:
        return self._read(text)[0]

    def names_keyword(self, stems: list[str], topic: str) -> bool:
        """Whether the question's own words include one of the topic's keywords ("klaim", "daftar")."""
        return any(s in self.keyword_docs.get(topic, ()) for s in stems)

    # ------------------------------------------------------------------ scoring
    def rank(self, text: str, limit: int | None = None) -> list[Ranked]:
        """Every topic the question could be about (the best `limit` of them), best first, with their features."""
        stems, model_tokens = self._read(text[:1000])
        if not stems:
            return []
        model = self.model.score_array(model_tokens)
        model_scores = np.full(len(self.topic_ids), -1.0) if model is None else model[self._model_column]
        offtopic = -1.0 if model is None or self._model_unknown is None else float(model[self._model_unknown])
        doc_scores = self.bm25.get_scores(stems)
        topic_scores = self.topic_bm25.get_scores(stems)
        best_doc = np.maximum.reduceat(doc_scores, self._topic_starts)  # each topic's best phrasing
        query_weight = sum(self.idf.get(s, self.context_idf) for s in stems)
        rows = np.array([row for row in map(self._stem_row.get, stems) if row is not None], dtype=np.int64)
        weight, uses_lists = self._stem_idf[rows], self._uses_lists[rows]  # the stems some topic uses (repeats kept)
        count = len(self.topic_ids)
        sums = weight @ uses_lists
        covered, keyword_hits, uses = sums[:count], sums[count:], uses_lists[:, :count]
        telling = (weight[:, None] * uses).max(axis=0) if len(rows) else np.zeros(len(self.topic_ids))
        foreign = np.zeros(len(self.topic_ids))
        for s in stems:
            if s in self.out_of_scope:
                row = self._stem_row.get(s)
                foreign += self.idf.get(s, self.context_idf) * (1.0 - (0.0 if row is None else self._uses[row]))
        raw = best_doc + KEYWORD_WEIGHT * keyword_hits + TOPIC_WEIGHT * topic_scores
        # Ranked by the model, BM25 adding a little; objects are built only for the topics asked for.
        order = np.argsort(-(model_scores + BM25_BLEND * raw / (raw + 8.0)), kind="stable")
        best = order[:limit].tolist()
        raw_, covered_, foreign_, telling_, model_ = (
            a[best].tolist() for a in (raw, covered / query_weight, foreign / query_weight,
                                      telling / self.unknown_idf, model_scores))
        top = self.topic_ids[best[0]]
        runner_up = float(model_scores[order[1]]) if len(order) > 1 else -1.0
        vetoed = any(s in self.other_programs and s not in self.topic_terms[top] for s in stems)
        return [Ranked(top, raw_[0], covered_[0], foreign_[0], telling_[0], model=model_[0],
                       margin=model_[0] - runner_up, offtopic_gap=model_[0] - offtopic, other_program=vetoed),
                *(Ranked(self.topic_ids[i], raw_[n], covered_[n], foreign_[n], telling_[n], model=model_[n])
                  for n, i in enumerate(best[1:], start=1))]

    def match_topic(self, text: str) -> Match:
        """`match` without the runners-up (its candidates hold the top only): a message's pieces need only their
        topic and confidence, and the runners-up are most of a match's cost after the ranking itself."""
        ranked = self.rank(text, limit=1)
        if not ranked:
            return Match(UNKNOWN, 0.0, ())
        top = confidence(ranked[0])
        return Match(ranked[0].topic if top >= self.threshold else UNKNOWN, top, ((ranked[0].topic, top),))

    def match(self, text: str) -> Match:
        ranked = self.rank(text, limit=6)
        if not ranked:
            return Match(UNKNOWN, 0.0, ())
        top = confidence(ranked[0])
        # Runners-up are suggestions: the model's next five, ordered by their confidence as if on top.
        runners_up = sorted(((r.topic, min(top, confidence(r))) for r in ranked[1:6]), key=lambda c: -c[1])
        candidates = ((ranked[0].topic, top), *runners_up[:4])
        return Match(ranked[0].topic if top >= self.threshold else UNKNOWN, top, candidates)


def features(ranked: Ranked) -> tuple[float, ...]:
    """The calibration's inputs: match strength (BM25 squashed into [0, 1)), coverage, foreign share (and
    whether there is any), margin over the runner-up, and how telling the best shared word is."""
    return (ranked.raw / (ranked.raw + 8.0), ranked.coverage, ranked.foreign, float(ranked.foreign > 0),
            ranked.margin, ranked.specific, ranked.model, ranked.offtopic_gap)


_WEIGHTS = tuple(CALIBRATION[name] for name in FEATURES)


def confidence(ranked: Ranked) -> float:
    z = CALIBRATION["bias"] + sum(map(operator.mul, _WEIGHTS, features(ranked)))
    if ranked.other_program:
        z -= OTHER_PROGRAM_PENALTY  # a question about another programme is not ours
    return round(1 / (1 + math.exp(-z)), 4)


@lru_cache(maxsize=1)
def default_matcher() -> FaqMatcher:
    from bot.questions.knowledge_base import default_knowledge

    return FaqMatcher(default_knowledge())
