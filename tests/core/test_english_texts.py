"""English replies are English: no Indonesian words, and rupiah and dates written the English way."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.contributions.quote_flow import QuoteFlow
from bot.contributions.rules import AUDIENCE_ALL, Discount
from bot.core.formatting import day_text
from bot.core.i18n import default_translator, plain
from bot.enrollment.flow import EnrollmentFlow
from bot.pledges.payment_flow import PaymentFlow
from bot.pledges.sponsor_flow import SponsorFlow

KNOWLEDGE = Path(__file__).parents[2] / "bot" / "questions" / "knowledge"
INDONESIAN = re.compile(r"\b(juta|jt|ribu|rb|bulan|tahun|ya|tidak|sudah|belum|bayar|iuran|dan|atau|untuk|dengan|"
                        r"hari|minggu|sampai|berapa|silakan|batal|kembali|pilih|ubah|januari|februari|maret|mei|"
                        r"juni|juli|agustus|oktober|desember|pekerja|daftar|kirim|simpan)\b", re.IGNORECASE)
INDONESIAN_RUPIAH = re.compile(r"Rp\s?\d{1,3}(\.\d{3})+(?!\d)")
# Names and commands stay as they are: the program's name, the bot's name, /daftar, admin command syntax.
KEPT = re.compile(r"<code>.*?</code>|/[a-z_]+|Lindungi Pekerja|BPJS Ketenagakerjaan|1 Desa 100 Pekerja Rentan",
                  re.DOTALL)
SAMPLE = {"month": "November 2026", "amount": "Rp16,800", "income": "Rp2,000,000", "minimum": "Rp1,000,000",
          "name": "Siti", "date": "23 Nov 2026", "due": "15 Dec 2026"}


def leaks(text: str) -> list[str]:
    shown = plain(KEPT.sub(" ", text))
    return INDONESIAN.findall(shown) + [m.group() for m in INDONESIAN_RUPIAH.finditer(shown)]


def english_catalog() -> list[str]:
    return [key for key, template in default_translator().catalogs["en"].items() if isinstance(template, str)]


@pytest.mark.parametrize("key", english_catalog())
def test_every_english_catalog_message_is_english(key: str) -> None:
    texts = default_translator()
    rendered = texts.t("en", key, **{name: SAMPLE.get(name, "1") for name in texts.placeholders("en", key)})
    assert leaks(rendered) == [], rendered


def knowledge_answers() -> list[tuple[str, str]]:
    answers = []
    for path in sorted(KNOWLEDGE.glob("*.yaml")):
        topic = yaml.safe_load(path.read_text(encoding="utf-8"))
        for part in ("title", "short", "answer"):
            if isinstance(topic.get(part), dict) and "en" in topic[part]:
                answers.append((f"{path.stem}.{part}", topic[part]["en"]))
    return answers


@pytest.mark.parametrize(("where", "text"), knowledge_answers())
def test_every_english_knowledge_answer_is_english(where: str, text: str) -> None:
    assert leaks(text) == [], where


def test_english_quote_prompts_and_result() -> None:
    flow = QuoteFlow(default_translator())
    values = {"occupation": "tani", "transport": False, "income": 1_500_000, "jht": True, "months": 3,
              "income_reading": {"low": 1_500_000, "high": 2_000_000, "kind": "range"}}
    discount = Discount("PP 50/2025", "PP 50/2025", 50, date(2026, 4, 1), date(2026, 12, 1),
                        frozenset({"jkk", "jkm"}), AUDIENCE_ALL)
    replies = [flow.prompt(step, {}, "en") for step in ("occupation", "income", "jht", "months")]
    replies.append(flow.result(values, [discount], date(2026, 11, 1), "en"))
    for reply in replies:
        assert leaks(reply.text) == [], reply.text
        for row in reply.buttons:
            for button in row:
                assert leaks(button.label) == [], button.label
    assert "1 month" in {b.label for row in replies[3].buttons for b in row}
    assert "Rp1,500,000" in replies[-1].text and "December 2026" in replies[-1].text


def test_english_enrollment_review_sponsor_review_and_payment_confirmation() -> None:
    texts = default_translator()
    enrollment = {"name": "SITI AMINAH", "nik": "6371015708850002", "birth_date": "1985-08-17",
                  "phone": "+6281234567890", "occupation": "pedagang", "transport": False,
                  "province": "Kalimantan Selatan", "regency": "Banjarmasin", "income": 1_500_000,
                  "programs": ["jkk", "jkm"], "consent": True}
    review = EnrollmentFlow(texts).review(enrollment, [], date(2026, 11, 1), "en")
    assert "17 August 1985" in review.text and "Rp1,500,000" in review.text
    pledge = {"count": 1, "workers": [{"name": "AHMAD FAUZI", "occupation": "marbot", "transport": False,
                                       "phone": ""}], "months": 1, "programs": ["jkk", "jkm"]}
    sponsor = SponsorFlow(texts).review(pledge, [], date(2026, 11, 1), "en", "Budi")
    payment = PaymentFlow(texts).confirmation({"pledge_id": 7, "amount": 16_800, "paid_on": "2026-11-20",
                                               "reference": "-"}, "en")
    assert "20 Nov 2026" in payment.text and "Rp16,800" in payment.text
    for reply in (review, sponsor, payment):
        assert leaks(reply.text) == [], reply.text
        assert [button.label for row in reply.buttons for button in row if leaks(button.label)] == []


def test_days_are_written_the_way_each_language_reads_them() -> None:
    assert day_text(date(2026, 12, 5), "en") == "5 Dec 2026"
    assert day_text(date(2026, 12, 5), "id") == "05-12-2026"
