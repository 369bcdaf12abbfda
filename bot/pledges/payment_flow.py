"""Recording a payment a sponsor made through the official channels (JMO/SERTAKAN, bank, e-wallet), without
Telegram: amount, date, reference, then a confirmation. The bot records what was paid; it never takes money.

Values: {"pledge_id": 7, "suggested": [8400, 16800], "amount": 16800, "paid_on": "2026-11-20", "reference": ".."}
Callback data: `y:amt:<rupiah>`, `y:day:0|1` (today, yesterday), `y:ref:none`, `y:ok`, `y:back`, `y:cancel`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from bot.core.conversation import ConversationFlow, Values
from bot.core.formatting import day_text, rupiah
from bot.core.identity import parse_calendar_date
from bot.core.money import parse_rupiah
from bot.core.replies import Button, Reply, rows

FLOW = "payment"
STEPS = ("amount", "paid_on", "reference")
OLDEST_PAYMENT = timedelta(days=366)
MAX_REFERENCE = 64


def suggested_amounts(next_month_remaining: int | None, outstanding: int) -> list[int]:
    """The amounts offered as buttons: what settles the next open month, then everything outstanding."""
    suggested = [next_month_remaining] if next_month_remaining is not None else []
    if outstanding not in suggested:
        suggested.append(outstanding)
    return [amount for amount in suggested if amount > 0]


def next_step(values: Values) -> str:
    for step in STEPS:
        if step not in values:
            return step
    return "confirm"


def clean_reference(text: str) -> str | None:
    """A transfer or receipt number as typed: printable characters only, at most 64."""
    # Line breaks and tabs separate words; other control and invisible characters are dropped.
    text = "".join(" " if ch in "\n\r\t\v\f" else ch for ch in text if ch in "\n\r\t\v\f"
                   or unicodedata.category(ch)[0] != "C")
    text = re.sub(r"\s+", " ", text).strip()
    return text[:MAX_REFERENCE] if text else None


class PaymentFlow(ConversationFlow, name=FLOW, texts="payment", prefix="y", steps=next_step):
    choice_steps = {"amt": "amount", "day": "paid_on", "ref": "reference"}

    def prompt(self, step: str, values: Values, lang: str) -> Reply:
        nav = self.navigation(lang)
        if step == "amount":
            choices = [Button(rupiah(a, lang), f"y:amt:{a}") for a in values.get("suggested", [])]
            return Reply(self.t(lang, "ask_amount", id=values["pledge_id"]),
                         rows(choices, 2) + rows([Button(self.t(lang, "cancel"), "y:cancel")], 1))
        if step == "paid_on":
            choices = [Button(self.t(lang, "today"), "y:day:0"), Button(self.t(lang, "yesterday"), "y:day:1")]
            return Reply(self.t(lang, "ask_date"), rows(choices, 2) + nav)
        if step == "reference":
            return Reply(self.t(lang, "ask_reference"), rows([Button(self.t(lang, "no_reference"), "y:ref:none")], 1)
                         + nav)
        return self.confirmation(values, lang)

    def confirmation(self, values: Values, lang: str) -> Reply:
        paid_on = date.fromisoformat(values["paid_on"])
        text = self.t(lang, "confirm_text", id=values["pledge_id"], amount=rupiah(values["amount"], lang),
                      date=day_text(paid_on, lang), reference=values["reference"] or "-")
        return Reply(text, rows([Button(self.t(lang, "confirm"), "y:ok")], 1) + rows(
            [Button(self.t(lang, "back"), "y:back"), Button(self.t(lang, "cancel"), "y:cancel")], 2))

    def accept_text(self, values: Values, text: str, today: date, lang: str = "id") -> tuple[Values, str | None]:
        step = next_step(values)
        if step == "amount":
            amount = parse_rupiah(text, lang)
            if amount is None:
                return values, "amount_unreadable"
            if amount < 1_000:
                return values, "amount_small"
            return {**values, "amount": amount}, None
        if step == "paid_on":
            lowered = text.strip().lower()
            if lowered in ("hari ini", "today"):
                return {**values, "paid_on": today.isoformat()}, None
            if lowered in ("kemarin", "yesterday"):
                return {**values, "paid_on": (today - timedelta(days=1)).isoformat()}, None
            paid_on, reason = parse_calendar_date(text)
            if paid_on is None:
                return values, f"date_{reason}"
            if paid_on > today:
                return values, "date_future"
            if today - paid_on > OLDEST_PAYMENT:
                return values, "date_old"
            return {**values, "paid_on": paid_on.isoformat()}, None
        if step == "reference":
            reference = clean_reference(text)
            return ({**values, "reference": reference}, None) if reference else (values, "reference_empty")
        return values, "use_buttons"

    def choose(self, values: Values, kind: str, value: str, today: date) -> tuple[Values, str | None]:
        if kind == "amt" and value.isdigit() and int(value) in values.get("suggested", []):
            return {**values, "amount": int(value)}, None
        if kind == "day" and value in ("0", "1"):
            return {**values, "paid_on": (today - timedelta(days=int(value))).isoformat()}, None
        if kind == "ref" and value == "none":
            return {**values, "reference": None}, None
        return values, "stale"

    def back(self, values: Values) -> Values:
        for step in reversed(STEPS):
            if step in values:
                return {k: v for k, v in values.items() if k != step}
        return values
