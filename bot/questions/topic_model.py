"""A linear topic classifier over word and character n-grams, trained on the knowledge base's phrasings.

Ridge regression (one-vs-rest, targets ±1) on TF-IDF features: word 1–2-grams plus character 2–5-grams
inside words, each block L2-normalised, as scikit-learn's TfidfVectorizer(sublinear_tf=True) would give.
It is solved in its dual form, (K + αI)⁻¹Y with K = XXᵀ over the ~2,300 training examples (by conjugate gradients),
so training at start-up takes under a second with numpy alone and no scipy/scikit-learn (whose import costs ~100 MB).
X is never held dense (column blocks only) and only half of K is stored (`_LowerGram`), so training adds ~25 MB at
its peak, not ~60.
Character n-grams make it tolerant of spellings and word forms no phrasing contains.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

CHAR_SIZES = (2, 3, 4, 5)
_BLOCK = 256  # columns of the training matrix materialised at a time
_ROWS = 256  # rows per band of the stored half of K = XXᵀ
_DENSE_COLUMNS = 1024  # the most frequent features, whose part of K is a dense product; the rest go pair by pair


def _word_features(tokens: Sequence[str]) -> Counter[str]:
    features = Counter(f"w:{t}" for t in tokens)
    features.update(f"w:{a} {b}" for a, b in zip(tokens, tokens[1:]))
    return features


@lru_cache(maxsize=50_000)
def _token_char_features(token: str) -> tuple[str, ...]:
    # Questions repeat words: each word's n-grams are worked out once.
    padded = f" {token} "
    return tuple(f"c:{padded[i:i + size]}" for size in CHAR_SIZES for i in range(len(padded) - size + 1))


def _char_features(tokens: Sequence[str]) -> Counter[str]:
    features: Counter[str] = Counter()
    for token in tokens:
        features.update(_token_char_features(token))
    return features


class _LowerGram:
    """K = XXᵀ + αI for a sparse X, of which only the lower triangle is stored, in bands of _ROWS rows (band b holds
    rows b·_ROWS… and columns up to the band's last row): half the memory of K, and K is the largest thing the bot
    holds at start-up.

    X comes as its entries sorted by column, the most frequent features first. Those first `_DENSE_COLUMNS`
    columns are shared by most examples, and their part of K is a dense product of column blocks. Every other
    feature occurs in a few examples only: it adds v_i·v_j to the pairs (i, j) of the examples that have it,
    a few hundred thousand small additions instead of a dense product over ~20,000 mostly empty columns."""

    def __init__(self, count: int, rows: np.ndarray, columns: np.ndarray, values: np.ndarray, dense_columns: int,
                 alpha: float) -> None:
        self.count = count
        self.tops = list(range(0, count, _ROWS))
        self.bands = [np.zeros((min(_ROWS, count - top), min(top + _ROWS, count)), dtype=np.float32)
                      for top in self.tops]
        split = int(np.searchsorted(columns, dense_columns))
        for low in range(0, dense_columns, _BLOCK):
            at = slice(int(np.searchsorted(columns[:split], low)), int(np.searchsorted(columns[:split], low + _BLOCK)))
            dense = np.zeros((count, _BLOCK), dtype=np.float32)
            dense[rows[at], columns[at] - low] = values[at]
            for top, band in zip(self.tops, self.bands):
                band += dense[top : top + len(band)] @ dense[: band.shape[1]].T
            del dense
        self._add_pairs(rows[split:], columns[split:], values[split:])
        for top, band in zip(self.tops, self.bands):
            band[np.arange(len(band)), top + np.arange(len(band))] += alpha

    def _add_pairs(self, rows: np.ndarray, columns: np.ndarray, values: np.ndarray) -> None:
        """Each rare feature's v_i·v_j into the stored part of K (bands hold their whole diagonal block), features
        grouped by how many examples have them so each group is one array operation."""
        if not len(columns):
            return
        starts = np.flatnonzero(np.r_[True, columns[1:] != columns[:-1]])
        sizes = np.diff(np.r_[starts, len(columns)])
        for size in np.unique(sizes).tolist():
            first = starts[sizes == size]
            at = first[:, None] + np.arange(size)  # one row per feature: its examples (ascending) and values
            i, j = rows[at][:, :, None], rows[at][:, None, :]
            product = values[at][:, :, None] * values[at][:, None, :]
            lower = np.broadcast_to(j // _ROWS <= i // _ROWS, product.shape)
            i, j, product = np.broadcast_to(i, product.shape)[lower], np.broadcast_to(j, product.shape)[lower], \
                product[lower]
            band = i // _ROWS
            for number in np.unique(band).tolist():
                here = band == number
                flat = self.bands[number].reshape(-1)
                np.add.at(flat, (i[here] - self.tops[number]) * self.bands[number].shape[1] + j[here], product[here])

    def __matmul__(self, vectors: np.ndarray) -> np.ndarray:
        """(K + αI) · vectors, from the lower triangle: each band gives its rows, and its transpose the rows above."""
        result = np.zeros_like(vectors)
        for top, band in zip(self.tops, self.bands):
            result[top : top + len(band)] += band @ vectors[: band.shape[1]]
            if top:
                result[:top] += band[:, :top].T @ vectors[top : top + len(band)]
        return result


def _solve_positive_definite(matrix: "_LowerGram | np.ndarray", targets: np.ndarray,
                             tolerance: float = 1e-6) -> np.ndarray:
    """Solve matrix · x = targets by conjugate gradients, in float32.

    np.linalg.solve would need the whole matrix, in float64. The matrix here is K + αI with α = 1, so its
    eigenvalues are at least 1 and CG converges in a few dozen steps (48 for the knowledge base today), to within
    float32 rounding of the direct solve."""
    solution = np.zeros_like(targets)
    residual = targets.copy()
    direction = residual.copy()
    squared = (residual * residual).sum(axis=0)
    limit = (tolerance**2) * float((targets * targets).sum(axis=0).max())
    for _ in range(targets.shape[0]):  # CG is exact in n steps; it stops long before
        if float(squared.max()) <= limit:
            break
        step_image = matrix @ direction
        step = squared / np.maximum((direction * step_image).sum(axis=0), np.finfo(np.float32).tiny)
        solution += step * direction
        residual -= step * step_image
        new_squared = (residual * residual).sum(axis=0)
        direction = residual + (new_squared / np.maximum(squared, np.finfo(np.float32).tiny)) * direction
        squared = new_squared
    return solution


class TopicModel:
    def __init__(self, examples: Sequence[Sequence[str]], labels: Sequence[str], alpha: float = 1.0,
                 min_df: int = 1) -> None:
        self.topics = sorted(set(labels))
        document_frequency: Counter[str] = Counter()
        for example in examples:
            document_frequency.update(set(_word_features(example)) | set(_char_features(example)))
        # min_df > 1 drops rare features (a smaller model); on this data keeping them ranks better.
        # The most frequent features first: training treats the dense head and the sparse tail differently.
        kept = [f for _, f in sorted((-n, f) for f, n in document_frequency.items() if n >= min_df)]
        self.vocabulary: dict[str, int] = {f: i for i, f in enumerate(kept)}
        count = len(examples)
        self.idf = np.array([math.log((1 + count) / (1 + document_frequency[f])) + 1 for f in kept],
                            dtype=np.float32)
        self._idf = self.idf.tolist()  # plain floats: indexing a numpy array one item at a time is slow
        # Compact arrays, not lists: a list of Python floats costs ~4x the memory of the matrix it describes.
        rows, columns, values = array("i"), array("i"), array("f")
        for row, example in enumerate(examples):
            for column, value in self._vector(_word_features(example), _char_features(example)):
                rows.append(row)
                columns.append(column)
                values.append(value)
        # Entries ordered by column, then row, so each block of columns is one contiguous slice.
        order = np.lexsort((np.frombuffer(rows, dtype=np.int32), np.frombuffer(columns, dtype=np.int32)))
        row_index = np.frombuffer(rows, dtype=np.int32)[order]
        column_index = np.frombuffer(columns, dtype=np.int32)[order]
        entries = np.frombuffer(values, dtype=np.float32)[order]
        del rows, columns, values, order, document_frequency

        y = -np.ones((count, len(self.topics)), dtype=np.float32)
        topic_index = {topic: i for i, topic in enumerate(self.topics)}
        for row, label in enumerate(labels):
            y[row, topic_index[label]] = 1.0
        gram = _LowerGram(count, row_index, column_index, entries, min(_DENSE_COLUMNS, len(kept)), alpha)
        dual = _solve_positive_definite(gram, y)
        del gram
        # W = Xᵀ · dual, a block of columns at a time.
        self.weights = np.zeros((len(kept), len(self.topics)), dtype=np.float32)
        edges = np.searchsorted(column_index, np.arange(0, len(kept) + _BLOCK, _BLOCK))
        for number, low in enumerate(range(0, len(kept), _BLOCK)):
            at = slice(int(edges[number]), int(edges[number + 1]))
            dense = np.zeros((count, min(_BLOCK, len(kept) - low)), dtype=np.float32)
            dense[row_index[at], column_index[at] - low] = entries[at]
            self.weights[low : low + dense.shape[1]] = dense.T @ dual
        self.bias = np.zeros(len(self.topics), dtype=np.float32)
        self._char_cache: dict[str, np.ndarray] = {}

    def _vector(self, words: Counter[str], chars: Counter[str]) -> list[tuple[int, float]]:
        """Sparse TF-IDF entries (index, value), each block L2-normalised on its own."""
        entries: list[tuple[int, float]] = []
        for block in (words, chars):
            known = [(self.vocabulary[f], 1 + math.log(n)) for f, n in block.items() if f in self.vocabulary]
            weighted = [(i, v * self._idf[i]) for i, v in known]
            norm = math.sqrt(sum(v * v for _, v in weighted))
            if norm:
                entries.extend((i, v / norm) for i, v in weighted)
        return entries

    def _char_indices(self, token: str) -> np.ndarray:
        """The known character n-gram features of one word, as column indices (repeated as often as they occur)."""
        found = self._char_cache.get(token)
        if found is None:
            vocabulary = self.vocabulary
            found = np.array([vocabulary[f] for f in _token_char_features(token) if f in vocabulary], dtype=np.int64)
            if len(self._char_cache) < 50_000:  # words repeat; a flood of new ones must not grow it for ever
                self._char_cache[token] = found
        return found

    def _block(self, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One block of the TF-IDF vector from its features' column indices: sublinear counts, idf, L2 norm."""
        if not len(indices):
            return indices, np.zeros(0, dtype=np.float32)
        # np.unique(indices, return_counts=True), without its overhead (this runs for every question)
        indices = np.sort(indices)
        first = np.empty(len(indices), dtype=bool)
        first[0] = True
        np.not_equal(indices[1:], indices[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        counts = np.empty_like(starts)
        np.subtract(starts[1:], starts[:-1], out=counts[:-1])
        counts[-1] = len(indices) - starts[-1]
        columns = indices[starts]
        values = (1 + np.log(counts)).astype(np.float32) * self.idf[columns]
        return columns, values / np.float32(np.sqrt(float(values @ values)))

    def score_array(self, tokens: Sequence[str]) -> np.ndarray | None:
        """A score per topic, in the order of `self.topics` (higher is better; about +1 for a clear match, -1 for
        none), or None when no feature of the tokens is known. The same vector as `_vector`, built with numpy:
        a long message costs a few array operations rather than a Python step per n-gram."""
        vocabulary = self.vocabulary
        words = [(vocabulary[f], n) for f, n in _word_features(tokens).items() if f in vocabulary]
        word_columns = np.array([column for column, _ in words], dtype=np.int64)
        word_values = (1 + np.log(np.array([n for _, n in words], dtype=np.float32))) * self.idf[word_columns]
        if len(word_values):
            word_values /= np.float32(np.sqrt(float(word_values @ word_values)))
        chars = [self._char_indices(t) for t in tokens]
        char_columns, char_values = self._block(np.concatenate(chars) if chars else np.zeros(0, dtype=np.int64))
        if not len(word_columns) and not len(char_columns):
            return None
        return np.concatenate((word_values, char_values)) @ self.weights[np.concatenate((word_columns, char_columns))] \
            + self.bias

    def scores(self, tokens: Sequence[str]) -> dict[str, float]:
        """A score per topic (higher is better; about +1 for a clear match, -1 for none)."""
        result = self.score_array(tokens)
        return {} if result is None else dict(zip(self.topics, result.tolist()))
