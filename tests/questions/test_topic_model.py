"""The linear topic model and the Banjar affix mapping, on small examples."""

from __future__ import annotations

from bot.questions.matcher import banjar_variants
from bot.questions.normalise import content_tokens, normalise
from bot.questions.topic_model import TopicModel

CORPUS = {
    "bayar": ["cara bayar iuran lewat aplikasi", "bayar iuran di bank", "membayar lewat dana gopay"],
    "daftar": ["cara daftar peserta baru", "mendaftar lewat kantor cabang", "daftar online di website"],
    "kecelakaan": ["jatuh waktu kerja ditanggung", "kecelakaan kerja dapat apa", "luka kena mesin"],
}


def _model() -> TopicModel:
    examples, labels = [], []
    for topic, texts in CORPUS.items():
        for text in texts:
            examples.append(text.split())
            labels.append(topic)
    return TopicModel(examples, labels)


def test_the_model_picks_the_topic_and_tolerates_spellings_it_never_saw() -> None:
    model = _model()
    for question, topic in [("bayar lewat bank", "bayar"), ("byar iuran pakai aplikasii", "bayar"),
                            ("pendaftaran peserta", "daftar"), ("kecelakan pas kerja", "kecelakaan")]:
        scores = model.scores(question.split())
        assert max(scores, key=scores.get) == topic, question


def test_a_question_with_nothing_in_common_scores_nothing() -> None:
    assert _model().scores([]) == {}
    scores = _model().scores(["zzz"])
    assert all(score <= 0 for score in scores.values())


def test_banjar_forms_map_to_indonesian_ones() -> None:
    assert "bayarkan" in banjar_variants("mambayarakan") or "membayarkan" in banjar_variants("mambayarakan")
    assert "cairkan" in banjar_variants("mancairakan")
    assert "bertambah" in banjar_variants("batambah")
    assert banjar_variants("bayar") == [] or "bayar" not in banjar_variants("bayar")


def test_normalisation_handles_chat_spelling() -> None:
    assert content_tokens(normalise("Gmn cara DAFTAR bpjstk??? 😀")) == ["daftar", "bpjs", "ketenagakerjaan"]
    assert normalise("brapaaa iurannya 2jt") == ["berapa", "iuran", "2", "juta"]
    assert "bagaimana" in normalise("kaya apa ulun bedaftar")


def test_training_gives_the_weights_of_the_direct_dense_solve(monkeypatch) -> None:
    """Training stores half of K in bands and adds rare features pair by pair; with small bands, blocks and a
    small dense head, every path is taken, and the weights must equal W = Xᵀ(XXᵀ + αI)⁻¹Y computed densely."""
    import numpy as np

    from bot.questions import topic_model

    monkeypatch.setattr(topic_model, "_ROWS", 5)
    monkeypatch.setattr(topic_model, "_BLOCK", 8)
    monkeypatch.setattr(topic_model, "_DENSE_COLUMNS", 12)
    examples, labels = [], []
    for topic, texts in CORPUS.items():
        for text in texts:
            for variant in (text, text + " ya", "tolong " + text):
                examples.append(variant.split())
                labels.append(topic)
    model = TopicModel(examples, labels)
    dense = np.zeros((len(examples), len(model.vocabulary)))
    for row, example in enumerate(examples):
        for column, value in model._vector(topic_model._word_features(example), topic_model._char_features(example)):
            dense[row, column] = value
    targets = -np.ones((len(examples), len(model.topics)))
    targets[np.arange(len(examples)), [model.topics.index(label) for label in labels]] = 1
    expected = dense.T @ np.linalg.solve(dense @ dense.T + np.eye(len(examples)), targets)
    assert np.abs(model.weights - expected).max() < 1e-4


def test_a_banjar_form_of_a_mapped_word_reads_as_that_word() -> None:
    from bot.questions.matcher import default_matcher

    # "mancairkan" is Banjar for "mencairkan", which the normaliser reads as "klaim"
    assert "klaim" in default_matcher().query_stems("ulun handak mancairkan jht")
    assert normalise("kdg sy lupa, plg lambat tgl brp")[:2] == ["kadang", "saya"]


def test_english_plurals_and_third_persons_read_as_the_words_we_map() -> None:
    assert normalise("injuries pays claims") == ["cedera", "bayar", "klaim"]
    assert normalise("lunas bpjs") == ["lunas", "bpjs"]  # Indonesian words ending in s stay as they are
