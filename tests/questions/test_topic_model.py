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
