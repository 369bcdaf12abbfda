"""A linear topic classifier over word and character n-grams, trained on the knowledge base's phrasings.

Ridge regression (one-vs-rest, targets ±1) on TF-IDF features: word 1–2-grams plus character 2–5-grams
inside words, each block L2-normalised, as scikit-learn's TfidfVectorizer(sublinear_tf=True) would give.
It is solved in its dual form, (K + αI)⁻¹Y with K = XXᵀ over the ~1,000 phrasings, so training at start-up
takes a fraction of a second with numpy alone and no scipy/scikit-learn (whose import costs ~100 MB), and
X is never held dense (column blocks only), so training adds a few MB of memory, not ~60.
Character n-grams make it tolerant of spellings and word forms no phrasing contains.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Sequence

import numpy as np

CHAR_SIZES = (2, 3, 4, 5)
_BLOCK = 1024  # columns of the training matrix materialised at a time


def _word_features(tokens: Sequence[str]) -> Counter[str]:
    features = Counter(f"w:{t}" for t in tokens)
    features.update(f"w:{a} {b}" for a, b in zip(tokens, tokens[1:]))
    return features


def _char_features(tokens: Sequence[str]) -> Counter[str]:
    features: Counter[str] = Counter()
    for token in tokens:
        padded = f" {token} "
        for size in CHAR_SIZES:
            features.update(f"c:{padded[i:i + size]}" for i in range(len(padded) - size + 1))
    return features


class TopicModel:
    def __init__(self, examples: Sequence[Sequence[str]], labels: Sequence[str], alpha: float = 1.0,
                 min_df: int = 1) -> None:
        self.topics = sorted(set(labels))
        document_frequency: Counter[str] = Counter()
        for example in examples:
            document_frequency.update(set(_word_features(example)) | set(_char_features(example)))
        # min_df > 1 drops rare features (a smaller model); on this data keeping them ranks better.
        kept = sorted(f for f, n in document_frequency.items() if n >= min_df)
        self.vocabulary: dict[str, int] = {f: i for i, f in enumerate(kept)}
        count = len(examples)
        self.idf = np.array([math.log((1 + count) / (1 + document_frequency[f])) + 1 for f in kept],
                            dtype=np.float32)
        # Compact arrays, not lists: a list of Python floats costs ~4x the memory of the matrix it describes.
        rows, columns, values = array("i"), array("i"), array("f")
        for row, example in enumerate(examples):
            for column, value in self._vector(_word_features(example), _char_features(example)):
                rows.append(row)
                columns.append(column)
                values.append(value)
        row_index = np.frombuffer(rows, dtype=np.int32)
        column_index = np.frombuffer(columns, dtype=np.int32)
        entries = np.frombuffer(values, dtype=np.float32)
        y = -np.ones((count, len(self.topics)), dtype=np.float32)
        topic_index = {topic: i for i, topic in enumerate(self.topics)}
        for row, label in enumerate(labels):
            y[row, topic_index[label]] = 1.0
        # K = XXᵀ, built from dense column blocks of the sparse X so memory stays at a few MB.
        gram = np.zeros((count, count), dtype=np.float32)
        blocks = []
        for start in range(0, len(kept), _BLOCK):
            selected = (column_index >= start) & (column_index < start + _BLOCK)
            block = np.zeros((count, min(_BLOCK, len(kept) - start)), dtype=np.float32)
            block[row_index[selected], column_index[selected] - start] = entries[selected]
            gram += block @ block.T
            blocks.append(selected)
        gram[np.diag_indices_from(gram)] += alpha
        dual = np.linalg.solve(gram, y)
        del gram
        self.weights = np.zeros((len(kept), len(self.topics)), dtype=np.float32)
        for number, selected in enumerate(blocks):
            start = number * _BLOCK
            block = np.zeros((count, min(_BLOCK, len(kept) - start)), dtype=np.float32)
            block[row_index[selected], column_index[selected] - start] = entries[selected]
            self.weights[start : start + block.shape[1]] = block.T @ dual
        self.bias = np.zeros(len(self.topics), dtype=np.float32)

    def _vector(self, words: Counter[str], chars: Counter[str]) -> list[tuple[int, float]]:
        """Sparse TF-IDF entries (index, value), each block L2-normalised on its own."""
        entries: list[tuple[int, float]] = []
        for block in (words, chars):
            known = [(self.vocabulary[f], 1 + math.log(n)) for f, n in block.items() if f in self.vocabulary]
            weighted = [(i, v * float(self.idf[i])) for i, v in known]
            norm = math.sqrt(sum(v * v for _, v in weighted))
            if norm:
                entries.extend((i, v / norm) for i, v in weighted)
        return entries

    def scores(self, tokens: Sequence[str]) -> dict[str, float]:
        """A score per topic (higher is better; about +1 for a clear match, -1 for none)."""
        entries = self._vector(_word_features(tokens), _char_features(tokens))
        if not entries:
            return {}
        indices = np.fromiter((i for i, _ in entries), dtype=np.int64, count=len(entries))
        values = np.fromiter((v for _, v in entries), dtype=np.float32, count=len(entries))
        result = values @ self.weights[indices] + self.bias
        return dict(zip(self.topics, result.tolist()))
